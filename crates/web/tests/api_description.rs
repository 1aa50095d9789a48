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

/// Two types of the same name would share one schema in the description
/// (the last one registered wins), and answers of the other would break
/// it: every type the description draws from has its own name.
#[test]
fn schema_names_are_unique() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let mut names: Vec<(String, String)> = Vec::new();
    let mut stack = vec![std::path::PathBuf::from(root)];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                if !path.ends_with("tests") && !path.ends_with("target") {
                    stack.push(path);
                }
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let mut derives_schema = false;
            for line in text.lines().map(str::trim) {
                if line.starts_with("#[derive(") && line.contains("ToSchema") {
                    derives_schema = true;
                } else if derives_schema && !line.starts_with("#[") && !line.starts_with("///") {
                    let name = line
                        .split_whitespace()
                        .skip_while(|w| !matches!(*w, "struct" | "enum"))
                        .nth(1)
                        .map(|n| {
                            n.trim_end_matches(['{', '(', ';'])
                                .split('<')
                                .next()
                                .unwrap_or("")
                        });
                    if let Some(name) = name.filter(|n| !n.is_empty()) {
                        names.push((name.to_owned(), path.display().to_string()));
                    }
                    derives_schema = false;
                }
            }
        }
    }
    assert!(names.len() > 50, "{} schema types found", names.len());
    names.sort();
    let twice: Vec<_> = names.windows(2).filter(|w| w[0].0 == w[1].0).collect();
    assert!(twice.is_empty(), "schema names used twice: {twice:?}");
}
