//! Conversations over HTTP, on every backend: a requester and a helper
//! talk about a need (pages and API, unread counts, notifications), strangers
//! are kept out, blocks refuse direct messages, reports go through the
//! moderation queue, suspended people cannot post, bad input stores nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../common/mod.rs"]
mod common;
mod counts;
mod moderation;
mod talk;

use axum::http::StatusCode;
use common::TestApp;
use serde_json::{Value, json};

pub fn in_ten_days() -> String {
    let day = time::OffsetDateTime::now_utc().date() + time::Duration::days(10);
    format!(
        "{:04}-{:02}-{:02}",
        day.year(),
        u8::from(day.month()),
        day.day()
    )
}

/// A person with a home (to post needs); returns (id, token).
pub async fn neighbour(t: &TestApp, email: &str, name: &str) -> (i64, String) {
    let (id, token) = t.sign_up(email, name).await;
    let placed = t
        .api(
            "PUT",
            "/api/v1/me/location",
            &token,
            Some(json!({"lat": "48.866937", "lng": "2.378412"})),
        )
        .await;
    assert_eq!(placed.status, StatusCode::OK, "{}", placed.body);
    (id, token)
}

pub async fn unread(t: &TestApp, token: &str) -> i64 {
    let list = t.api("GET", "/api/v1/conversations", token, None).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    list.json()["unread"].as_i64().unwrap()
}

pub async fn messages(t: &TestApp, token: &str, conversation: i64) -> Value {
    let reply = t
        .api(
            "GET",
            &format!("/api/v1/conversations/{conversation}/messages"),
            token,
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.json()
}

pub fn conversation_id(location: &str) -> i64 {
    location
        .trim_start_matches("/conversations/")
        .split(['#', '?'])
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

/// An organisation with a team: its admin, two volunteers, a platform
/// administrator; returns the team conversation and the tokens.
pub struct Team {
    pub org: i64,
    pub conversation: i64,
    pub admin: String,
    pub rude: (i64, String),
    pub kind: (i64, String),
}

pub async fn team(t: &TestApp) -> Team {
    let (_, admin) = t.sign_up("admin@example.fr", "Anne").await;
    let org = t
        .api(
            "POST",
            "/api/v1/orgs",
            &admin,
            Some(json!({"name": "Les Voisins", "kind": "association"})),
        )
        .await
        .json()["id"]
        .as_i64()
        .unwrap();
    let rude = t.sign_up("rude@example.fr", "Rémi").await;
    let kind = t.sign_up("kind@example.fr", "Karima").await;
    for (id, _) in [&rude, &kind] {
        t.db.set_membership(org, *id, "volunteer").await.unwrap();
    }
    let (platform_id, _) = t.sign_up("platform@example.fr", "Plateforme").await;
    t.db.set_platform_admin(platform_id, true).await.unwrap();
    let opened = t
        .api(
            "POST",
            &format!("/api/v1/orgs/{org}/conversation"),
            &kind.1,
            None,
        )
        .await;
    assert_eq!(opened.status, StatusCode::OK, "{}", opened.body);
    Team {
        org,
        conversation: opened.json()["id"].as_i64().unwrap(),
        admin,
        rude,
        kind,
    }
}

/// Every `$ref` in a JSON value.
fn refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                match (key.as_str(), inner) {
                    ("$ref", Value::String(target)) => out.push(target.clone()),
                    _ => refs(inner, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

#[tokio::test]
async fn the_api_describes_conversations_and_moderation() {
    let t = TestApp::all().await.remove(0);
    let spec = t.get("/api/openapi.json", "").await.json();
    for (path, method) in [
        ("/api/v1/conversations", "get"),
        ("/api/v1/conversations/{id}/messages", "get"),
        ("/api/v1/conversations/{id}/messages", "post"),
        ("/api/v1/conversations/{id}/read", "post"),
        ("/api/v1/conversations/{id}/mute", "put"),
        ("/api/v1/people/{id}/conversation", "post"),
        ("/api/v1/people/{id}/block", "put"),
        ("/api/v1/people/{id}/block", "delete"),
        ("/api/v1/messages/{id}/report", "post"),
        ("/api/v1/moderation", "get"),
        ("/api/v1/moderation/log", "get"),
        ("/api/v1/moderation/messages/{id}/hide", "post"),
        ("/api/v1/moderation/messages/{id}/suspend", "post"),
    ] {
        assert!(
            spec["paths"][path][method].is_object(),
            "{method} {path} is not described"
        );
    }
    let mut found = Vec::new();
    refs(&spec, &mut found);
    for target in found {
        let name = target.trim_start_matches("#/components/schemas/");
        assert!(
            spec["components"]["schemas"][name].is_object(),
            "{target} is not defined"
        );
    }
    let docs = t.get("/api/docs", "").await;
    assert!(docs.body.contains("/api/v1/moderation/messages/{id}/warn"));
}
