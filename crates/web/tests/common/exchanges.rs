//! Needs between neighbours, for the tests that walk an exchange: two
//! people placed near each other with visible profiles, a need for the
//! afternoon in ten days, and a step taken through the API.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::{Reply, TestApp};

/// Rue Jean-Pierre Timbaud, and a point about 300 m north of it.
pub const HOME: (&str, &str) = ("48.866937", "2.378412");
pub const NEAR: (&str, &str) = ("48.869637", "2.378412");

pub fn in_ten_days() -> String {
    let day = time::OffsetDateTime::now_utc().date() + time::Duration::days(10);
    format!(
        "{:04}-{:02}-{:02}",
        day.year(),
        u8::from(day.month()),
        day.day()
    )
}

pub fn need(title: &str) -> Value {
    json!({
        "kind": "need", "category": "small-jobs", "title": title,
        "description": "Une étagère à fixer au mur", "date": in_ten_days(),
        "from": "14:00", "to": "16:00", "skills": ["diy"]
    })
}

/// A person with a home and a visible profile; returns (id, token).
pub async fn neighbour(t: &TestApp, email: &str, name: &str, at: (&str, &str)) -> (i64, String) {
    let (id, token) = t.sign_up(email, name).await;
    let placed = t
        .api(
            "PUT",
            "/api/v1/me/location",
            &token,
            Some(json!({"lat": at.0, "lng": at.1})),
        )
        .await;
    assert_eq!(placed.status, StatusCode::OK, "{}", placed.body);
    let profile = json!({
        "display_name": name, "bio": "", "visibility": "neighbours",
        "skills": ["diy"], "interests": ["memory"], "languages": ["fr"],
        "free_tags": [], "availability": ["mon-afternoon", "tue-afternoon", "wed-afternoon",
            "thu-afternoon", "fri-afternoon", "sat-afternoon", "sun-afternoon"]
    });
    let saved = t
        .api("PUT", "/api/v1/me/profile", &token, Some(profile))
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    (id, token)
}

pub async fn step(t: &TestApp, token: &str, id: i64, step: &str, person: Option<i64>) -> Reply {
    t.api(
        "POST",
        &format!("/api/v1/exchanges/{id}/steps"),
        token,
        Some(json!({"step": step, "person_id": person})),
    )
    .await
}
