//! The OpenAPI description promises what the API really answers: every
//! operation documents the refusals the shared layers can give, in the
//! error body's shape, and the public operations need no token. A
//! schemathesis run (scripts/schemathesis.sh) found each of these missing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::TestApp;
use serde_json::{Value, json};

const PUBLIC: [&str; 6] = [
    "/api/v1/signup",
    "/api/v1/login",
    "/api/v1/login/pin",
    "/api/v1/password/forgot",
    "/api/v1/password/reset",
    "/api/v1/verify",
];

#[tokio::test]
async fn every_operation_documents_the_shared_refusals() {
    let t = TestApp::all().await.remove(0);
    let spec = t.get("/api/openapi.json", "").await.json();
    let error = &spec["components"]["schemas"]["Error"];
    assert_eq!(error["required"], json!(["error"]), "{error}");
    let mut seen = 0;
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let Some(responses) = operation["responses"].as_object() else {
                continue;
            };
            seen += 1;
            let what = format!("{method} {path}");
            let has = |status: &str| responses.contains_key(status);
            assert!(has("400") && has("401"), "{what}: {responses:?}");
            let in_path = operation["parameters"]
                .as_array()
                .is_some_and(|p| p.iter().any(|p| p["in"] == "path"));
            if in_path {
                assert!(has("404"), "{what} has a path parameter");
            }
            if operation.get("requestBody").is_some() {
                assert!(has("413") && has("422"), "{what} takes a body");
            }
            let public = PUBLIC.contains(&path.as_str());
            assert_eq!(
                operation.get("security") == Some(&Value::Array(Vec::new())),
                public,
                "{what}: only the public operations need no token"
            );
        }
    }
    assert!(seen > 100, "{seen} operations");
}

#[tokio::test]
async fn the_documented_refusals_are_the_ones_given() {
    for t in TestApp::all().await {
        let (_, token) = t.sign_up("awa@example.org", "Awa").await;
        // Unreadable JSON, a path that does not parse, a wrong token: the
        // error body has the documented shape.
        let request = axum::http::Request::post("/api/v1/exchanges")
            .header("content-type", "application/json")
            .header("authorization", format!("Bearer {token}"))
            .body(axum::body::Body::from("{not json"))
            .unwrap();
        let unreadable = t.send(request).await;
        let not_a_number = t.api("GET", "/api/v1/documents/abc", &token, None).await;
        let wrong_token = t.api("GET", "/api/v1/me", "not-a-token", None).await;
        for (reply, status) in [
            (&unreadable, StatusCode::BAD_REQUEST),
            (&not_a_number, StatusCode::BAD_REQUEST),
            (&wrong_token, StatusCode::UNAUTHORIZED),
        ] {
            assert_eq!(reply.status, status, "{}", reply.body);
            let body = reply.json();
            assert!(body["error"]["code"].is_string(), "{body}");
            assert!(body["error"]["message"].is_string(), "{body}");
            assert!(body["error"]["fields"].is_object(), "{body}");
        }
    }
}
