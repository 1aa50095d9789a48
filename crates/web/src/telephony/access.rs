//! Listening from any phone: the caller dials the access number, types
//! their box or personal number and their PIN, hears how many new
//! messages wait, then each message with its date, time and caller, and
//! keys to repeat, save, delete, call back or go on. Nothing depends on
//! the caller's own number; the call remembers the box and the PIN's
//! outcome by its `CallSid`.

use std::sync::Arc;

use axum::Extension;
use axum::extract::{Query, State};
use axum::response::Response;
use entraide_core::telephony::{MenuKey, keypad_digits, typed_number};
use entraide_core::twiml::{Twiml, Verb};
use entraide_store::telephony::VoiceBox;
use entraide_store::voicemail::StoredMessage;
use serde::Deserialize;

use super::{Signed, answer, say_both, voice};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::services::voice_boxes::check_pin;
use crate::services::voicemail::{callable, caller_of, play_link};
use crate::state::AppState;

/// Wrong PINs one call may try before it is ended.
const PINS_PER_CALL: i64 = 3;

fn ask_pin(state: &AppState, call: &Signed, before: Twiml) -> Twiml {
    before
        .then(Verb::Gather {
            action: call.step(state, "access/pin"),
            num_digits: None,
            timeout: 10,
            inside: say_both(Twiml::new(), "tel-say-pin").0,
        })
        .then(Verb::Hangup)
}

/// The box or personal number typed; the PIN is asked for whether or not
/// such a box exists, so that callers cannot find out which do.
pub async fn named_box(
    State(state): State<AppState>,
    Extension(call): Extension<Arc<Signed>>,
) -> Response {
    let result = async {
        let sid = call.param("CallSid");
        let digits = keypad_digits(call.param("Digits"));
        let found = match digits.as_str() {
            "" => None,
            typed => {
                state
                    .db
                    .voice_box_named(call.org, typed, typed_number(typed).as_deref())
                    .await?
            }
        };
        state
            .db
            .name_call_box(sid, call.org, found.map(|b| b.id))
            .await?;
        Ok(ask_pin(&state, &call, Twiml::new()))
    }
    .await;
    answer(result, None)
}

/// The PIN typed: the box opens, or the wrong PIN counts towards its lock.
pub async fn pin(
    State(state): State<AppState>,
    Extension(call): Extension<Arc<Signed>>,
) -> Response {
    let result = async {
        let sid = call.param("CallSid");
        let current = match state.db.phone_call(sid, call.org).await {
            Ok(current) => current,
            Err(entraide_store::StoreError::NotFound) => return Ok(goodbye()),
            Err(other) => return Err(other.into()),
        };
        let digits = keypad_digits(call.param("Digits"));
        let found = match current.box_id {
            Some(id) => Some(state.db.voice_box(id).await?),
            None => None,
        };
        let right = match &found {
            Some(found) => match check_pin(&state, &call.key, found, &digits).await {
                Ok(right) => right,
                Err(AppError::Locked) => {
                    let lang = Lang::from_code(&found.locale).unwrap_or_default();
                    return Ok(Twiml::new()
                        .say(voice(lang), lang.t("tel-say-locked"))
                        .then(Verb::Hangup));
                }
                Err(other) => return Err(other),
            },
            None => false,
        };
        let wrong = state.db.call_pin(sid, right).await?;
        match found {
            Some(found) if right => opened(&state, &call, &found).await,
            _ if wrong >= PINS_PER_CALL => {
                Ok(say_both(Twiml::new(), "tel-say-goodbye").then(Verb::Hangup))
            }
            _ => Ok(ask_pin(
                &state,
                &call,
                say_both(Twiml::new(), "tel-say-wrong-pin"),
            )),
        }
    }
    .await;
    answer(result, None)
}

/// How many new messages, then the first new one (or the first).
async fn opened(state: &AppState, call: &Signed, found: &VoiceBox) -> Result<Twiml, AppError> {
    let lang = Lang::from_code(&found.locale).unwrap_or_default();
    let messages = state.db.voice_messages_of(found.id).await?;
    let new = messages.iter().filter(|m| m.heard_at.is_none()).count();
    let count = lang.t_count(
        "tel-say-count",
        i64::try_from(new).unwrap_or(0),
        &[("total", messages.len().to_string())],
    );
    let twiml = Twiml::new().say(voice(lang), count);
    if messages.is_empty() {
        return Ok(twiml.then(Verb::Hangup));
    }
    let first = messages
        .iter()
        .position(|m| m.heard_at.is_none())
        .unwrap_or(0);
    Ok(twiml.then(Verb::Redirect(
        call.step(state, &format!("access/menu?at={first}")),
    )))
}

#[derive(Deserialize)]
pub struct At {
    at: usize,
}

/// The opened box of this call; `None` ends the call.
async fn opened_box(state: &AppState, call: &Signed) -> Result<Option<VoiceBox>, AppError> {
    let current = match state.db.phone_call(call.param("CallSid"), call.org).await {
        Ok(current) => current,
        Err(entraide_store::StoreError::NotFound) => return Ok(None),
        Err(other) => return Err(other.into()),
    };
    match (current.opened, current.box_id) {
        (true, Some(id)) => Ok(Some(state.db.voice_box(id).await?)),
        _ => Ok(None),
    }
}

/// What a call with an opened box listens to: the box, its holder's
/// language and the messages, oldest first. `None` ends the call.
async fn listening(
    state: &AppState,
    call: &Signed,
) -> Result<Option<(VoiceBox, Lang, Vec<StoredMessage>)>, AppError> {
    let Some(found) = opened_box(state, call).await? else {
        return Ok(None);
    };
    let lang = Lang::from_code(&found.locale).unwrap_or_default();
    let messages = state.db.voice_messages_of(found.id).await?;
    Ok(Some((found, lang, messages)))
}

fn goodbye() -> Twiml {
    say_both(Twiml::new(), "tel-say-goodbye").then(Verb::Hangup)
}

/// Reads message `at`: when, from whom, the audio, then the keys.
pub async fn menu(
    State(state): State<AppState>,
    Query(At { at }): Query<At>,
    Extension(call): Extension<Arc<Signed>>,
) -> Response {
    let result = async {
        let Some((_, lang, messages)) = listening(&state, &call).await? else {
            return Ok(goodbye());
        };
        let Some(message) = messages.get(at) else {
            return Ok(Twiml::new()
                .say(voice(lang), lang.t("tel-say-no-more"))
                .then(Verb::Hangup));
        };
        if message.heard_at.is_none() {
            state.db.mark_voice_heard(message.id).await?;
        }
        let caller = caller_of(&state, message).await?;
        let from = match callable(&caller) {
            Some(number) => spelled(&number),
            None => lang.t("tel-say-hidden-number"),
        };
        let intro = lang.t_with(
            "tel-say-message",
            &[
                ("position", (at + 1).to_string()),
                ("when", spoken_time(lang, message.received_at)),
                ("caller", from),
            ],
        );
        Ok(Twiml::new()
            .say(voice(lang), intro)
            .then(Verb::Play(play_link(
                &state, call.org, &call.key, message.id,
            )))
            .then(Verb::Gather {
                action: call.step(&state, &format!("access/key?at={at}")),
                num_digits: Some(1),
                timeout: 6,
                inside: vec![Verb::Say {
                    language: voice(lang),
                    text: lang.t("tel-say-keys"),
                }],
            })
            .then(Verb::Redirect(
                call.step(&state, &format!("access/menu?at={}", at + 1)),
            )))
    }
    .await;
    answer(result, None)
}

/// A key pressed after message `at`.
pub async fn key(
    State(state): State<AppState>,
    Query(At { at }): Query<At>,
    Extension(call): Extension<Arc<Signed>>,
) -> Response {
    let result = async {
        let Some((found, lang, messages)) = listening(&state, &call).await? else {
            return Ok(goodbye());
        };
        let Some(message) = messages.get(at) else {
            return Ok(goodbye());
        };
        let menu_at = |i: usize| Verb::Redirect(call.step(&state, &format!("access/menu?at={i}")));
        let say = |key: &str| Verb::Say {
            language: voice(lang),
            text: lang.t(key),
        };
        Ok(match MenuKey::parse(&keypad_digits(call.param("Digits"))) {
            Some(MenuKey::Repeat) => Twiml::new().then(menu_at(at)),
            Some(MenuKey::Save) => {
                state.db.save_voice_message(message.id).await?;
                Twiml::new()
                    .then(say("tel-say-saved"))
                    .then(menu_at(at + 1))
            }
            Some(MenuKey::Delete) => {
                crate::services::voicemail::delete(&state, message.id).await?;
                // The next message now has this one's place.
                Twiml::new().then(say("tel-say-deleted")).then(menu_at(at))
            }
            Some(MenuKey::CallBack) => match callable(&caller_of(&state, message).await?) {
                Some(number) => {
                    state
                        .db
                        .audit(entraide_store::audit::NewAudit {
                            event: "voice-call-back",
                            subject_id: Some(found.user_id),
                            org_id: Some(call.org),
                            ..Default::default()
                        })
                        .await?;
                    let shown = found
                        .number
                        .clone()
                        .or_else(|| call.provider.shared_number.clone())
                        .or_else(|| call.provider.access_number.clone())
                        .unwrap_or_default();
                    Twiml::new().then(say("tel-say-calling")).then(Verb::Dial {
                        number,
                        caller_id: shown,
                        action: call.step(&state, &format!("access/menu?at={}", at + 1)),
                    })
                }
                None => Twiml::new()
                    .then(say("tel-say-cannot-call"))
                    .then(menu_at(at)),
            },
            Some(MenuKey::Next) | None => Twiml::new().then(menu_at(at + 1)),
        })
    }
    .await;
    answer(result, None)
}

/// A number read digit by digit, which every voice pronounces well.
fn spelled(number: &str) -> String {
    entraide_core::notify::phone_as_written(number)
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_string())
        .collect::<Vec<_>>()
        .join(" ")
}

/// "the 23rd of November at 14:05", in French local time.
fn spoken_time(lang: Lang, unix: i64) -> String {
    let Ok(utc) = time::OffsetDateTime::from_unix_timestamp(unix) else {
        return String::new();
    };
    let at = utc.to_offset(entraide_core::notify::paris_offset(utc));
    lang.t_with(
        "tel-say-when",
        &[
            ("day", at.day().to_string()),
            (
                "month",
                lang.t(&format!("tel-month-{}", u8::from(at.month()))),
            ),
            ("hour", at.hour().to_string()),
            ("minute", format!("{:02}", at.minute())),
        ],
    )
}
