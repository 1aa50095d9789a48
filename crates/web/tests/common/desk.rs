//! A social service's desk: a CCAS with a social worker, a worker of
//! another organisation, and a person the first one registers, who then
//! signs in with login + PIN.

use axum::http::StatusCode;
use serde_json::json;

use super::TestApp;

pub struct Desk {
    pub org: i64,
    pub other_org: i64,
    pub worker: String,
    pub worker_id: i64,
    pub outsider: String,
    pub person: i64,
    pub person_token: String,
    pub login: String,
    pub pin: String,
}

pub async fn desk(t: &TestApp) -> Desk {
    let (admin_id, _) = t.sign_up("admin@example.fr", "Admin").await;
    let org =
        t.db.create_organisation("CCAS du 11e", "social_service", "", admin_id)
            .await
            .unwrap();
    let other_org =
        t.db.create_organisation("CCAS du 20e", "social_service", "", admin_id)
            .await
            .unwrap();
    let (worker_id, worker) = t.sign_up("sophie@example.fr", "Sophie").await;
    t.db.set_membership(org, worker_id, "social_worker")
        .await
        .unwrap();
    let (outsider_id, outsider) = t.sign_up("rachid@example.fr", "Rachid").await;
    t.db.set_membership(other_org, outsider_id, "social_worker")
        .await
        .unwrap();
    let handout = t
        .api(
            "POST",
            &format!("/api/v1/orgs/{org}/people"),
            &worker,
            Some(json!({"display_name": "Momo", "birth_year": "1961", "language": "fr"})),
        )
        .await;
    assert_eq!(handout.status, StatusCode::CREATED, "{}", handout.body);
    let handout = handout.json();
    let signed = t
        .api(
            "POST",
            "/api/v1/login/pin",
            "",
            Some(json!({"login": handout["login"], "pin": handout["pin"]})),
        )
        .await;
    assert_eq!(signed.status, StatusCode::OK, "{}", signed.body);
    Desk {
        org,
        other_org,
        worker,
        worker_id,
        outsider,
        person: handout["user_id"].as_i64().unwrap(),
        person_token: signed.json()["token"].as_str().unwrap().to_owned(),
        login: handout["login"].as_str().unwrap().to_owned(),
        pin: handout["pin"].as_str().unwrap().to_owned(),
    }
}

/// The (action, via) pairs of the person's safe access log.
pub async fn log_actions(t: &TestApp, person_token: &str) -> Vec<(String, String)> {
    let log = t
        .api("GET", "/api/v1/me/safe/log", person_token, None)
        .await;
    assert_eq!(log.status, StatusCode::OK, "{}", log.body);
    log.json()["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["action"].as_str().unwrap().to_owned(),
                l["via"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}
