//! Calls to an organisation's numbers: the access number goes to the
//! listening menu, the shared number asks for a box number, a personal
//! number greets the caller in its holder's language and records their
//! message; the recording is then announced and fetched.

use std::sync::Arc;

use axum::Extension;
use axum::extract::{Query, State};
use axum::response::Response;
use entraide_core::notify::Phone;
use entraide_core::telephony::keypad_digits;
use entraide_core::twiml::{Twiml, Verb};
use entraide_store::telephony::VoiceBox;
use serde::Deserialize;

use super::{Signed, answer, say_both, voice};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::services::voicemail::{Announced, announce};
use crate::state::AppState;

/// Longest message recorded, in seconds.
const MAX_MESSAGE: u32 = 180;

fn normalised(raw: &str) -> Option<String> {
    Phone::parse(raw).ok().map(|p| p.as_str().to_owned())
}

/// A call to any number of the organisation.
pub async fn call(
    State(state): State<AppState>,
    Extension(call): Extension<Arc<Signed>>,
) -> Response {
    answer(route(&state, &call).await, None)
}

async fn route(state: &AppState, call: &Signed) -> Result<Twiml, AppError> {
    let to = normalised(call.param("To"));
    let provider = &call.provider;
    if to.is_some() && to == provider.access_number {
        return Ok(Twiml::new()
            .then(Verb::Gather {
                action: call.step(state, "access/box"),
                num_digits: None,
                timeout: 10,
                inside: say_both(Twiml::new(), "tel-say-access-welcome").0,
            })
            .then(Verb::Hangup));
    }
    if to.is_some() && to == provider.shared_number {
        return Ok(ask_box(state, call, Twiml::new()));
    }
    let found = match to {
        Some(number) => state.db.voice_box_on(&number).await?,
        None => None,
    };
    match found {
        Some(found) if found.org_id == call.org => Ok(deposit_for(state, call, &found)),
        _ => Ok(say_both(Twiml::new(), "tel-say-not-in-service").then(Verb::Hangup)),
    }
}

fn ask_box(state: &AppState, call: &Signed, before: Twiml) -> Twiml {
    before
        .then(Verb::Gather {
            action: call.step(state, "deposit"),
            num_digits: None,
            timeout: 10,
            inside: say_both(Twiml::new(), "tel-say-which-box").0,
        })
        .then(Verb::Hangup)
}

/// The greeting in the holder's language, then the recording.
fn deposit_for(state: &AppState, call: &Signed, found: &VoiceBox) -> Twiml {
    let lang = Lang::from_code(&found.locale).unwrap_or_default();
    Twiml::new()
        .say(
            voice(lang),
            lang.t_with("tel-say-greeting", &[("name", found.display_name.clone())]),
        )
        .then(Verb::Record {
            action: call.step(state, &format!("recorded?box={}", found.id)),
            status: call.step(state, &format!("recording?box={}", found.id)),
            max_seconds: MAX_MESSAGE,
        })
        .say(voice(lang), lang.t("tel-say-nothing-recorded"))
        .then(Verb::Hangup)
}

/// The box number typed on the shared number.
pub async fn deposit(
    State(state): State<AppState>,
    Extension(call): Extension<Arc<Signed>>,
) -> Response {
    let result = async {
        let digits = keypad_digits(call.param("Digits"));
        let found = match digits.as_str() {
            "" => None,
            typed => state.db.voice_box_named(call.org, typed, None).await?,
        };
        Ok(match found {
            Some(found) => deposit_for(&state, &call, &found),
            None => ask_box(&state, &call, say_both(Twiml::new(), "tel-say-unknown-box")),
        })
    }
    .await;
    answer(result, None)
}

#[derive(Deserialize)]
pub struct BoxQuery {
    #[serde(rename = "box")]
    box_id: i64,
}

/// The caller finished recording (or hung up): the message is recorded
/// with the caller's number and its audio queued for fetching.
pub async fn recorded(
    State(state): State<AppState>,
    Query(query): Query<BoxQuery>,
    Extension(call): Extension<Arc<Signed>>,
) -> Response {
    let mut lang = None;
    let result = async {
        let found = state.db.voice_box(query.box_id).await?;
        if found.org_id != call.org {
            return Err(AppError::NotFound);
        }
        lang = Lang::from_code(&found.locale);
        let seconds: i64 = call.param("RecordingDuration").parse().unwrap_or(0);
        let (sid, url) = (call.param("RecordingSid"), call.param("RecordingUrl"));
        if seconds > 0 && !sid.is_empty() && !url.is_empty() && sid.len() <= 64 {
            announce(
                &state,
                &found,
                &Announced {
                    call_sid: call.param("CallSid"),
                    recording_sid: sid,
                    recording_url: url,
                    caller: call.param("From"),
                    seconds,
                },
            )
            .await?;
        }
        let lang = lang.unwrap_or_default();
        Ok(Twiml::new()
            .say(voice(lang), lang.t("tel-say-thanks"))
            .then(Verb::Hangup))
    }
    .await;
    answer(result, lang)
}

/// The provider says a recording is ready: its fetch, already queued, is
/// woken so the person hears of it at once.
pub async fn recording(
    State(state): State<AppState>,
    Extension(call): Extension<Arc<Signed>>,
) -> Response {
    let result = async {
        if call.param("RecordingStatus") == "completed"
            && let Some(id) = state
                .db
                .voice_message_of_recording(call.param("RecordingSid"))
                .await?
            && state.db.hurry_job(&format!("voice-fetch:{id}")).await?
        {
            state.wake_jobs.notify_one();
        }
        Ok(Twiml::new())
    }
    .await;
    answer(result, None)
}
