//! A fake TwiML voice provider on loopback. It serves recordings (behind
//! the account's basic auth, "not ready" on the first try, like a real
//! provider right after a call), and it plays the provider's side of a
//! call: it signs each webhook as the provider would, posts it to the app
//! and follows the TwiML the app answers (Gather and Record actions,
//! Redirects, Dial actions).

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use base64::Engine as _;

use super::{Reply, TestApp};

pub const SID: &str = "AC00000000000000000000000000000001";
pub const TOKEN: &str = "voice-auth-token";
/// What the fake provider serves as every recording.
pub const AUDIO: &[u8] = b"ID3\x04\x00fake mp3 frames of a caller's message";

#[derive(Clone, Default)]
pub struct Recordings {
    /// Requests for a recording, including refused ones.
    pub fetches: Arc<AtomicU32>,
    pub refused_auth: Arc<AtomicU32>,
    /// Recordings already asked for once (the first ask is "not ready").
    pub asked: Arc<Mutex<Vec<String>>>,
}

async fn recording(
    State(recordings): State<Recordings>,
    Path((account, file)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    recordings.fetches.fetch_add(1, Ordering::SeqCst);
    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{SID}:{TOKEN}"))
    );
    let auth = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    if account != SID || auth != Some(expected.as_str()) {
        recordings.refused_auth.fetch_add(1, Ordering::SeqCst);
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let mut asked = recordings.asked.lock().unwrap();
    if !asked.contains(&file) {
        asked.push(file);
        return StatusCode::NOT_FOUND.into_response();
    }
    ([(header::CONTENT_TYPE, "audio/mpeg")], AUDIO).into_response()
}

/// Starts the recordings server; returns its base address.
pub async fn start() -> (String, Recordings) {
    let recordings = Recordings::default();
    let app = Router::new()
        .route(
            "/2010-04-01/Accounts/{account}/Recordings/{file}",
            get(recording),
        )
        .with_state(recordings.clone());
    (super::serve(app).await, recordings)
}

/// The address of a recording at the fake provider.
pub fn recording_url(base: &str, sid: &str) -> String {
    format!("{base}/2010-04-01/Accounts/{SID}/Recordings/{sid}")
}

/// Posts a webhook signed with `token` (the app's public address is
/// `http://entraide.test`); `url` may be absolute or a path.
pub async fn webhook(t: &TestApp, token: &str, url: &str, params: &[(&str, &str)]) -> Reply {
    let path = url.strip_prefix("http://entraide.test").unwrap_or(url);
    let owned: Vec<(String, String)> = params
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let signature =
        entraide_core::telephony::signature(token, &format!("http://entraide.test{path}"), &owned);
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params)
        .finish();
    t.send(
        Request::post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header("x-twilio-signature", signature)
            .body(Body::from(body))
            .unwrap(),
    )
    .await
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// The value of `attribute` on the first `<verb …>` of a TwiML answer.
pub fn attribute(twiml: &str, verb: &str, attribute: &str) -> Option<String> {
    let start = twiml.find(&format!("<{verb} "))?;
    let tag = &twiml[start..start + twiml[start..].find('>')?];
    let from = tag.find(&format!(" {attribute}=\""))? + attribute.len() + 3;
    let len = tag[from..].find('"')?;
    Some(unescape(&tag[from..from + len]))
}

/// The text inside every `<verb …>…</verb>` of a TwiML answer.
pub fn texts(twiml: &str, verb: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = twiml;
    while let Some(start) = rest.find(&format!("<{verb}")) {
        let after = &rest[start..];
        let (Some(open_end), Some(close)) = (after.find('>'), after.find(&format!("</{verb}>")))
        else {
            break;
        };
        out.push(unescape(&after[open_end + 1..close]));
        rest = &after[close..];
    }
    out
}
