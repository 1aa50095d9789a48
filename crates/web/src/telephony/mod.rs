//! The telephony provider's webhooks. Every request under
//! `/telephony/{org}/…` except the audio links is signed by the provider
//! (`X-Twilio-Signature`); [`verify`] checks it before any handler runs and
//! hands the handler the parameters, the provider and its key. Handlers
//! answer TwiML; a failure becomes a spoken apology, never a silent call.

mod access;
mod incoming;

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, Query, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use entraide_core::telephony::signature_matches;
use entraide_core::twiml::Twiml;
use entraide_store::telephony::Provider;
use entraide_vault::DataKey;
use serde::Deserialize;

use crate::error::AppError;
use crate::i18n::Lang;
use crate::services::telephony::{auth_token, provider_key};
use crate::state::AppState;

/// Largest webhook body read: providers send a few dozen short fields.
const WEBHOOK_LIMIT: usize = 64 * 1024;

/// A request whose signature was checked.
pub struct Signed {
    pub org: i64,
    pub provider: Provider,
    pub key: DataKey,
    pub params: Vec<(String, String)>,
}

impl Signed {
    /// A parameter's value, or empty.
    pub fn param(&self, name: &str) -> &str {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// An absolute address of another step of the organisation's webhooks.
    pub fn step(&self, state: &AppState, path: &str) -> String {
        state
            .config
            .link(&format!("/telephony/{}/{path}", self.org))
    }
}

pub fn routes(state: &AppState) -> Router<AppState> {
    let signed = Router::new()
        .route("/telephony/{org}/voice", post(incoming::call))
        .route("/telephony/{org}/deposit", post(incoming::deposit))
        .route("/telephony/{org}/recorded", post(incoming::recorded))
        .route("/telephony/{org}/recording", post(incoming::recording))
        .route("/telephony/{org}/access/box", post(access::named_box))
        .route("/telephony/{org}/access/pin", post(access::pin))
        .route("/telephony/{org}/access/menu", post(access::menu))
        .route("/telephony/{org}/access/key", post(access::key))
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), verify));
    Router::new()
        .merge(signed)
        .route("/telephony/{org}/audio/{message}", get(audio))
}

fn org_of(path: &str) -> Option<i64> {
    path.strip_prefix("/telephony/")?
        .split('/')
        .next()?
        .parse()
        .ok()
}

/// Checks the provider's signature of the whole request (the public
/// address it called, query included, and every form parameter) against
/// the organisation's auth token. A wrong or missing signature is refused
/// with 403 and changes nothing.
pub async fn verify(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let (mut parts, body) = request.into_parts();
    let Some(org) = org_of(parts.uri.path()) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Ok(bytes) = axum::body::to_bytes(body, WEBHOOK_LIMIT).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    let params: Vec<(String, String)> = url::form_urlencoded::parse(&bytes).into_owned().collect();
    let (provider, key) = match provider_key(&state, org).await {
        Ok(found) => found,
        Err(AppError::NotFound) => return StatusCode::NOT_FOUND.into_response(),
        Err(error) => return error.into_response(),
    };
    let token = match auth_token(&provider, &key) {
        Ok(token) => token,
        Err(error) => return error.into_response(),
    };
    let called = state.config.link(
        parts
            .uri
            .path_and_query()
            .map_or(parts.uri.path(), |p| p.as_str()),
    );
    let given = parts
        .headers
        .get("x-twilio-signature")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !signature_matches(&token, &called, &params, given) {
        metrics::counter!("entraide_webhooks_refused_total").increment(1);
        tracing::warn!(
            org,
            "a telephony webhook with a wrong signature was refused"
        );
        return StatusCode::FORBIDDEN.into_response();
    }
    parts.extensions.insert(Arc::new(Signed {
        org,
        provider,
        key,
        params,
    }));
    next.run(Request::from_parts(parts, Body::empty())).await
}

/// The TwiML answer of a step, or a spoken apology when it failed.
pub fn answer(result: Result<Twiml, AppError>, lang: Option<Lang>) -> Response {
    let twiml = result.unwrap_or_else(|error| {
        tracing::error!(%error, "a telephony step failed");
        let mut sorry = Twiml::new();
        for lang in lang.map_or(vec![Lang::Fr, Lang::En], |l| vec![l]) {
            sorry = sorry.say(voice(lang), lang.t("tel-say-sorry"));
        }
        sorry.then(entraide_core::twiml::Verb::Hangup)
    });
    (
        [(header::CONTENT_TYPE, "text/xml; charset=utf-8")],
        twiml.render(),
    )
        .into_response()
}

/// The text-to-speech language of `lang`.
pub fn voice(lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => "fr-FR",
        Lang::En => "en-GB",
    }
}

/// Says `key` in French then in English, before the caller is known.
pub fn say_both(twiml: Twiml, key: &str) -> Twiml {
    twiml
        .say(voice(Lang::Fr), Lang::Fr.t(key))
        .say(voice(Lang::En), Lang::En.t(key))
}

#[derive(Deserialize)]
struct PlayQuery {
    until: i64,
    tag: String,
}

/// The audio of a message, fetched by the provider during a call through
/// a short-lived link (see `services::voicemail::play_link`).
async fn audio(
    State(state): State<AppState>,
    Path((org, message)): Path<(i64, i64)>,
    Query(query): Query<PlayQuery>,
) -> Result<Response, AppError> {
    let (content_type, bytes) =
        crate::services::voicemail::played(&state, org, message, query.until, &query.tag).await?;
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        bytes,
    )
        .into_response())
}
