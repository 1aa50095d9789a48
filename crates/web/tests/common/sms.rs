//! A fake SMS provider on loopback speaking the Twilio Messages API: it
//! checks the account in the path and the basic auth, keeps each message,
//! and answers with the status the test chooses.

use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::routing::post;
use base64::Engine as _;

/// One message's form fields, as received.
pub type Fields = Vec<(String, String)>;

#[derive(Clone, Default)]
pub struct Provider {
    pub sent: Arc<Mutex<Vec<Fields>>>,
    /// The status to answer with (201 when 0).
    pub status: Arc<AtomicU16>,
    pub refused_auth: Arc<Mutex<u32>>,
}

impl Provider {
    pub fn messages(&self) -> Vec<Fields> {
        self.sent.lock().unwrap().clone()
    }
    pub fn answer(&self, status: u16) {
        self.status.store(status, Ordering::SeqCst);
    }
}

pub const SID: &str = "AC0123456789abcdef";
pub const TOKEN: &str = "secret-token";

async fn messages(
    State(provider): State<Provider>,
    Path(account): Path<String>,
    headers: HeaderMap,
    body: String,
) -> StatusCode {
    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{SID}:{TOKEN}"))
    );
    let auth = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    if account != SID || auth != Some(expected.as_str()) {
        *provider.refused_auth.lock().unwrap() += 1;
        return StatusCode::UNAUTHORIZED;
    }
    let fields: Fields = url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    match provider.status.load(Ordering::SeqCst) {
        0 | 201 => {
            provider.sent.lock().unwrap().push(fields);
            StatusCode::CREATED
        }
        other => StatusCode::from_u16(other).unwrap(),
    }
}

/// Starts the provider; returns its base address and its record.
pub async fn start() -> (url::Url, Provider) {
    let provider = Provider::default();
    let app = Router::new()
        .route(
            "/2010-04-01/Accounts/{account}/Messages.json",
            post(messages),
        )
        .with_state(provider.clone());
    (url::Url::parse(&super::serve(app).await).unwrap(), provider)
}
