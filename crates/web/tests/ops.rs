//! Operations and cross-cutting behaviour: health, metrics, the OpenAPI
//! description, security headers, CSRF, the language switch, and every
//! page rendering in both languages.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::TestApp;
use serde_json::json;

#[tokio::test]
async fn health_metrics_and_api_description() {
    for t in TestApp::all().await {
        let health = t.get("/healthz", "").await;
        assert_eq!(
            (health.status, health.body.as_str()),
            (StatusCode::OK, "ok")
        );
        t.get("/", "").await;
        let metrics = t.get("/metrics", "").await.body;
        assert!(
            metrics.contains("http_requests_total") && metrics.contains("route=\"/\""),
            "{metrics}"
        );
        assert!(metrics.contains("http_request_duration_seconds_bucket"));
        assert!(metrics.contains("db_pool_connections"));
        assert!(metrics.contains("helper_index_ready"), "{metrics}");

        let spec = t.get("/api/openapi.json", "").await.json();
        assert!(spec["openapi"].as_str().unwrap().starts_with("3."));
        for path in [
            "/api/v1/me",
            "/api/v1/signup",
            "/api/v1/orgs/{id}/members",
            "/api/v1/admin/audit",
        ] {
            assert!(spec["paths"][path].is_object(), "{path} is not described");
        }
        let docs = t.get("/api/docs", "").await;
        assert_eq!(docs.status, StatusCode::OK);
        assert!(
            docs.body.contains("GET /api/v1/me") && !docs.body.contains("https://"),
            "served offline"
        );
        t.db.close().await;
        assert_eq!(
            t.get("/healthz", "").await.status,
            StatusCode::SERVICE_UNAVAILABLE,
            "unhealthy without a database"
        );
    }
}

#[tokio::test]
async fn security_headers_and_cross_site_forms() {
    for t in TestApp::all().await {
        for path in ["/", "/login", "/api/v1/me", "/nowhere"] {
            let reply = t.get(path, "").await;
            let csp = reply.headers["content-security-policy"].to_str().unwrap();
            assert!(
                csp.contains("script-src 'self'")
                    && !csp.contains("unsafe-inline")
                    && csp.contains("frame-ancestors 'none'")
            );
            assert_eq!(reply.headers["x-content-type-options"], "nosniff");
        }
        let before = t.count_users().await;
        let forged = Request::post("/signup")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("sec-fetch-site", "cross-site")
            .header("origin", "https://evil.example")
            .header("host", "entraide.test")
            .body(Body::from(
                "display_name=X&email=x%40example.fr&password=correct+horse+battery",
            ))
            .unwrap();
        let refused = t.send(forged).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        assert!(
            refused.body.contains("pas le droit"),
            "the refusal is explained: {}",
            refused.body
        );
        assert_eq!(
            t.count_users().await,
            before,
            "a cross-site form post changes nothing"
        );
    }
}

#[tokio::test]
async fn language_switch_and_negotiation() {
    for t in TestApp::all().await {
        let english = t
            .send(
                Request::get("/")
                    .header("accept-language", "en-GB,en;q=0.9")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert!(
            english.body.contains("<html lang=\"en\">")
                && english.body.contains("What can I do here?")
        );
        let french = t.get("/", "").await;
        assert!(french.body.contains("Que puis-je faire ici ?"));
        let switch = t.get("/lang/en?next=/login", "").await;
        assert_eq!(switch.status, StatusCode::SEE_OTHER);
        assert_eq!(switch.location(), "/login");
        let cookie = switch.headers["set-cookie"]
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned();
        assert!(t.get("/login", &cookie).await.body.contains("Sign in"));
        for evil in [
            "https://evil.example",
            "//evil.example",
            "/%09/evil.example",
            "/%5C/evil.example",
        ] {
            let target = t.get(&format!("/lang/en?next={evil}"), "").await;
            assert_eq!(target.location(), "/", "no open redirect via {evil}");
        }
        assert_eq!(t.get("/lang/xx", "").await.status, StatusCode::NOT_FOUND);

        // A signed-in person's choice is remembered on their account.
        let (id, _) = t.sign_up("lang@example.fr", "Lang").await;
        let session = t.web_login("lang@example.fr").await;
        t.get("/lang/en?next=/", &session).await;
        assert_eq!(t.db.user(id).await.unwrap().locale, "en");
        assert!(t.get("/me", &session).await.body.contains("My profile"));
    }
}

#[tokio::test]
async fn every_page_renders_in_both_languages() {
    for t in TestApp::all().await {
        let (id, token) = t.sign_up("all@example.fr", "Everyone").await;
        t.db.set_platform_admin(id, true).await.unwrap();
        let org = t
            .api(
                "POST",
                "/api/v1/orgs",
                &token,
                Some(json!({"name": "Tout", "kind": "collective"})),
            )
            .await
            .json()["id"]
            .as_i64()
            .unwrap();
        let cookie = t.web_login("all@example.fr").await;
        let public = [
            "/",
            "/signup",
            "/login",
            "/login/pin",
            "/password/forgot",
            "/password/reset?token=x",
            "/api/docs",
        ];
        let signed_in = [
            "/me".to_owned(),
            "/me/edit".to_owned(),
            "/me/tokens".to_owned(),
            "/me/activity".to_owned(),
            "/me/delete".to_owned(),
            format!("/people/{id}"),
            "/orgs".to_owned(),
            "/orgs/new".to_owned(),
            format!("/orgs/{org}"),
            format!("/orgs/{org}/edit"),
            format!("/orgs/{org}/members"),
            format!("/orgs/{org}/register"),
            format!("/orgs/{org}/import"),
            "/admin".to_owned(),
            "/admin/people?q=every".to_owned(),
            "/admin/audit".to_owned(),
        ];
        for lang in ["fr", "en"] {
            let cookie = format!("{cookie}; lang={lang}");
            for path in public
                .iter()
                .map(|p| p.to_string())
                .chain(signed_in.iter().cloned())
            {
                let reply = t.get(&path, &cookie).await;
                assert_eq!(
                    reply.status,
                    StatusCode::OK,
                    "{lang} {path}: {}",
                    reply.body
                );
                assert!(
                    reply.body.contains(&format!("<html lang=\"{lang}\">")),
                    "{lang} {path}"
                );
                assert!(
                    reply.body.contains("<main id=\"main\"")
                        && reply.body.contains("class=\"skip-link\""),
                    "{path}"
                );
                assert!(
                    !reply.body.contains("<script>"),
                    "no inline script on {path}"
                );
            }
        }
        let missing = t.get("/orgs/999999", &cookie).await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND);
        assert!(missing.body.contains("n&#39;existe pas"));
    }
}

#[tokio::test]
async fn framework_refusals_get_translated_bodies() {
    for t in TestApp::all().await {
        let (_, token) = t.sign_up("f@example.fr", "F").await;
        let bad_id = t
            .api("GET", "/api/v1/orgs/not-a-number", &token, None)
            .await;
        assert_eq!(bad_id.status, StatusCode::BAD_REQUEST);
        assert_eq!(bad_id.json()["error"]["code"], "malformed");
        let cookie = t.web_login("f@example.fr").await;
        let page = t.get("/orgs/abc", &cookie).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST);
        assert!(page.body.contains("<html lang=\"fr\">") && page.body.contains("illisible"));
        let huge = Request::post("/api/v1/signup")
            .header("content-type", "application/json")
            .body(Body::from(vec![b' '; entraide_web::BODY_LIMIT + 1]))
            .unwrap();
        let reply = t.send(huge).await;
        assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(reply.json()["error"]["code"], "too-large");
        let wrong_type = Request::post("/signup")
            .header("content-type", "text/plain")
            .body(Body::from("x"))
            .unwrap();
        assert_eq!(t.send(wrong_type).await.status, StatusCode::BAD_REQUEST);
    }
}
