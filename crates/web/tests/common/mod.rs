//! Test helpers: an app per backend on a fresh database, requests in
//! process, cookies, and loopback fakes (SMTP, address search).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

pub mod desk;
pub mod exchanges;
pub mod headers;
pub mod privacy;
pub mod sms;
pub mod smtp;
pub mod upload;
pub mod voice;

use std::path::PathBuf;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use entraide_store::Db;
use entraide_web::{AppState, WebConfig, app};
use http_body_util::BodyExt as _;
use tower::ServiceExt as _;

pub struct TestApp {
    pub router: Router,
    pub state: AppState,
    pub db: Db,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
    pub fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
    /// The session cookie set by this reply, as a `Cookie` header value.
    pub fn session(&self) -> String {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("entraide_session="))
            .and_then(|v| v.split(';').next())
            .unwrap_or_default()
            .to_owned()
    }
}

pub fn config(data_dir: PathBuf) -> WebConfig {
    WebConfig {
        base_url: url::Url::parse("http://entraide.test").unwrap(),
        data_dir,
        smtp: None,
        sms: None,
        geocoder_url: None,
        deletion_grace_days: 30,
        trusted_proxies: Vec::new(),
        timeouts: Default::default(),
        job_lease_secs: entraide_web::jobs::LEASE,
        safe: entraide_web::config::SafeConfig::default(),
        map: entraide_web::config::MapConfig {
            cache_secs: 0,
            ..Default::default()
        },
    }
}

fn temp_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("entraide-web-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

impl TestApp {
    pub fn with(db: Db, configure: impl FnOnce(&mut WebConfig)) -> Self {
        let mut config = config(temp_dir());
        configure(&mut config);
        let state = AppState::new(db.clone(), config);
        Self {
            router: app(state.clone()),
            state,
            db,
        }
    }

    /// One app per configured backend (SQLite always, PostgreSQL when set).
    pub async fn all() -> Vec<TestApp> {
        Self::all_with(|_| {}).await
    }

    pub async fn all_with(configure: impl Fn(&mut WebConfig)) -> Vec<TestApp> {
        entraide_store::testing::backends()
            .await
            .unwrap()
            .into_iter()
            .map(|db| Self::with(db, &configure))
            .collect()
    }

    /// Sends a request in process. Every body that comes back goes
    /// through the privacy walk ([`privacy::check`]): no test passes if a
    /// response shows someone's exact place to anybody else. Every
    /// response's headers go through the headers walk ([`headers::check`]):
    /// none passes without the security headers.
    pub async fn send(&self, request: Request<Body>) -> Reply {
        let viewer = privacy::viewer(&self.db, request.headers()).await;
        let what = format!("{} {}", request.method(), request.uri());
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let reply = Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        };
        let viewer = match viewer {
            Some(id) => Some(id),
            None => privacy::signed_in_by(&self.db, &reply.headers, &reply.body).await,
        };
        privacy::check(&self.db, viewer, &what, &reply.body).await;
        headers::check(&what, &reply.headers);
        reply
    }

    pub async fn get(&self, path: &str, cookie: &str) -> Reply {
        let mut request = Request::get(path);
        if !cookie.is_empty() {
            request = request.header(header::COOKIE, cookie);
        }
        self.send(request.body(Body::empty()).unwrap()).await
    }

    pub async fn post_form(&self, path: &str, form: &[(&str, &str)], cookie: &str) -> Reply {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let mut request = Request::post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header("sec-fetch-site", "same-origin");
        if !cookie.is_empty() {
            request = request.header(header::COOKIE, cookie);
        }
        self.send(request.body(Body::from(body)).unwrap()).await
    }

    pub async fn api(
        &self,
        method: &str,
        path: &str,
        token: &str,
        body: Option<serde_json::Value>,
    ) -> Reply {
        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .header(header::ACCEPT_LANGUAGE, "en");
        if !token.is_empty() {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let body = match body {
            Some(json) => {
                request = request.header(header::CONTENT_TYPE, "application/json");
                Body::from(json.to_string())
            }
            None => Body::empty(),
        };
        self.send(request.body(body).unwrap()).await
    }

    /// Signs up through the API, in French; returns (user id, bearer token).
    pub async fn sign_up(&self, email: &str, name: &str) -> (i64, String) {
        let body = serde_json::json!({"email": email, "password": "correct horse battery", "display_name": name});
        let request = Request::post("/api/v1/signup")
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::ACCEPT_LANGUAGE, "fr")
            .body(Body::from(body.to_string()))
            .unwrap();
        let reply = self.send(request).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
        let json = reply.json();
        (
            json["user"]["profile"]["id"].as_i64().unwrap(),
            json["token"].as_str().unwrap().to_owned(),
        )
    }

    /// Signs in through the web form; returns the `Cookie` header value.
    pub async fn web_login(&self, email: &str) -> String {
        let reply = self
            .post_form(
                "/login",
                &[("email", email), ("password", "correct horse battery")],
                "",
            )
            .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
        reply.session()
    }

    pub async fn count_users(&self) -> i64 {
        self.db.count_people().await.unwrap()
    }
}

/// Serves a fake on a free loopback port; returns its base address
/// (`http://127.0.0.1:PORT`).
pub async fn serve(app: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://127.0.0.1:{port}")
}
