//! Telephony end to end, on both databases: an organisation sets up its
//! provider and numbers, a social worker gives a person a number, a caller
//! leaves a message (the fake provider follows Entraide's TwiML), the
//! recording is fetched, sealed and listed, the person listens from any
//! phone with their PIN, keeps, calls back and deletes; wrong signatures
//! and wrong PINs change nothing but the lock.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod calls;
#[path = "../common/mod.rs"]
mod common;
mod pages;

use axum::http::StatusCode;
use common::TestApp;
use common::desk::desk;
use common::voice::{self, SID, TOKEN, attribute, texts, webhook};
use entraide_web::jobs::Worker;
use serde_json::json;

pub const ACCESS: &str = "+33184600000";
pub const SHARED: &str = "+33184600001";
pub const PERSONAL: &str = "+33184601234";

pub struct Setup {
    pub org: i64,
    pub admin: String,
    pub worker: String,
    pub outsider: String,
    pub person: i64,
    pub person_token: String,
    pub pin: String,
    pub login: String,
    pub account_pin: String,
}

pub async fn setup(t: &TestApp, provider: &str) -> Setup {
    let d = desk(t).await;
    let (admin_id, admin) = t.sign_up("standard@example.fr", "Standard").await;
    t.db.set_membership(d.org, admin_id, "admin").await.unwrap();
    let settings = json!({
        "api_url": provider, "account_sid": SID, "auth_token": TOKEN,
        "access_number": "01 84 60 00 00", "shared_number": SHARED,
        "quarantine_days": "30",
    });
    let path = format!("/api/v1/orgs/{}/telephony", d.org);
    let refused = t.api("PUT", &path, &d.worker, Some(settings.clone())).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "only administrators");
    let mut bad = settings.clone();
    bad["api_url"] = json!("not a url");
    bad["access_number"] = json!("12");
    let bad = t.api("PUT", &path, &admin, Some(bad)).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(bad.json()["error"]["fields"]["api_url"].is_string());
    assert!(bad.json()["error"]["fields"]["access_number"].is_string());
    assert_eq!(t.api("GET", &path, &admin, None).await.body, "null");
    let saved = t.api("PUT", &path, &admin, Some(settings)).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert_eq!(saved.json()["access_number"], ACCESS);
    assert!(!saved.body.contains(TOKEN), "the token is never shown");
    let added = t
        .api(
            "POST",
            &format!("{path}/numbers"),
            &admin,
            Some(json!({"numbers": format!("{PERSONAL}\n01 84 60 12 35")})),
        )
        .await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.body);
    assert_eq!(added.json()["added"], 2);
    let opened = t
        .api(
            "POST",
            &format!("/api/v1/people/{}/voicebox", d.person),
            &d.worker,
            Some(json!({"personal": true})),
        )
        .await;
    assert_eq!(opened.status, StatusCode::CREATED, "{}", opened.body);
    assert_eq!(opened.json()["number"], PERSONAL);
    Setup {
        org: d.org,
        admin,
        worker: d.worker,
        outsider: d.outsider,
        person: d.person,
        person_token: d.person_token,
        pin: opened.json()["pin"].as_str().unwrap().to_owned(),
        login: d.login,
        account_pin: d.pin,
    }
}

pub async fn messages(t: &TestApp, s: &Setup) -> Vec<serde_json::Value> {
    let mine = t
        .api("GET", "/api/v1/me/voicemail", &s.person_token, None)
        .await;
    assert_eq!(mine.status, StatusCode::OK, "{}", mine.body);
    mine.json()["messages"].as_array().unwrap().clone()
}

/// A caller leaves a message on the personal number; returns the fetch
/// worker's count of runs.
pub async fn leave_message(t: &TestApp, s: &Setup, base: &str, call: &str, recording: &str) {
    let voice_url = format!("/telephony/{}/voice", s.org);
    let greeting = webhook(
        t,
        TOKEN,
        &voice_url,
        &[
            ("CallSid", call),
            ("From", "+33612345678"),
            ("To", PERSONAL),
        ],
    )
    .await;
    assert_eq!(greeting.status, StatusCode::OK, "{}", greeting.body);
    assert!(
        texts(&greeting.body, "Say")[0].contains("messagerie de Momo"),
        "{}",
        greeting.body
    );
    let action = attribute(&greeting.body, "Record", "action").unwrap();
    let status = attribute(&greeting.body, "Record", "recordingStatusCallback").unwrap();
    let url = voice::recording_url(base, recording);
    let finished = [
        ("CallSid", call),
        ("From", "+33612345678"),
        ("To", PERSONAL),
        ("RecordingSid", recording),
        ("RecordingUrl", url.as_str()),
        ("RecordingDuration", "12"),
    ];
    for _ in 0..2 {
        // Providers may repeat a callback: the second changes nothing.
        let thanks = webhook(t, TOKEN, &action, &finished).await;
        assert!(texts(&thanks.body, "Say")[0].contains("Merci"));
    }
    let ready = webhook(
        t,
        TOKEN,
        &status,
        &[
            ("CallSid", call),
            ("RecordingSid", recording),
            ("RecordingStatus", "completed"),
            ("RecordingUrl", url.as_str()),
        ],
    )
    .await;
    assert_eq!(ready.status, StatusCode::OK);
    let worker = Worker::new(&t.state);
    // The provider answers "not ready" first; the job tries again later.
    worker.round().await.unwrap();
    worker.round_at(entraide_store::now() + 3600).await.unwrap();
}

/// Calls the access number, types the personal number; returns where the
/// PIN goes.
pub async fn pin_url(t: &TestApp, org: i64, call: &str) -> String {
    let voice_url = format!("/telephony/{org}/voice");
    let welcome = webhook(t, TOKEN, &voice_url, &[("CallSid", call), ("To", ACCESS)]).await;
    let named = attribute(&welcome.body, "Gather", "action").unwrap();
    let asked = webhook(
        t,
        TOKEN,
        &named,
        &[("CallSid", call), ("Digits", "0184601234")],
    )
    .await;
    attribute(&asked.body, "Gather", "action").unwrap()
}

/// A response's raw bytes (PDFs are not text).
pub async fn raw(t: &TestApp, path: &str, cookie: &str) -> Vec<u8> {
    use http_body_util::BodyExt as _;
    use tower::ServiceExt as _;
    let request = axum::http::Request::get(path)
        .header("cookie", cookie)
        .body(axum::body::Body::empty())
        .unwrap();
    let response = t.router.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    response
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec()
}

pub fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}
