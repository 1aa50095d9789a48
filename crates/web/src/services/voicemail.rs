//! Voice messages: recording what the provider announces (once per
//! recording), fetching the audio from the provider with the
//! organisation's credentials (retried by the job worker), sealing it in
//! the person's safe, telling them, and listing, playing, marking heard,
//! saving and deleting messages, on the web and on the phone.

use std::time::Duration;

use entraide_core::notify::{Kind, phone_as_written};
use entraide_store::jobs::Job;
use entraide_store::telephony::VoiceBox;
use entraide_store::users::User;
use entraide_store::voicemail::{NewMessage, StoredMessage};
use entraide_vault::DataKey;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::AppError;
use crate::jobs::{Failure, Outcome, Worker};
use crate::services::notifications::{Event, notify};
use crate::services::safe_keys::{data_key, open_text, seal_text};
use crate::services::telephony::{auth_token, provider_key};
use crate::state::AppState;

/// Largest recording fetched (a three-minute message is well under it).
const AUDIO_LIMIT: usize = 10 * 1024 * 1024;

/// A message as its owner sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VoiceMessage {
    pub id: i64,
    /// The caller's number as written, or empty when it was hidden.
    pub caller: String,
    pub seconds: i64,
    pub received_at: i64,
    pub heard: bool,
    pub saved: bool,
    pub content_type: String,
}

fn caller_aad(owner: i64, recording_sid: &str) -> String {
    format!("voice-caller:{owner}:{recording_sid}")
}

fn view(key: &DataKey, stored: &StoredMessage) -> Result<VoiceMessage, AppError> {
    let caller = open_text(
        key,
        &caller_aad(stored.owner_id, &stored.recording_sid),
        &stored.caller,
    )?;
    Ok(VoiceMessage {
        id: stored.id,
        caller: hidden_or_written(&caller),
        seconds: stored.seconds,
        received_at: stored.received_at,
        heard: stored.heard_at.is_some(),
        saved: stored.saved,
        content_type: stored.content_type.clone(),
    })
}

/// Providers send a hidden number as `anonymous`, `+266696687` (the
/// keypad spelling of "anonymous") or nothing.
fn hidden_or_written(caller: &str) -> String {
    match caller {
        "" | "anonymous" | "+266696687" | "Anonymous" | "restricted" => String::new(),
        number => phone_as_written(number),
    }
}

/// The caller's number to call back, if it was shown.
pub fn callable(caller: &str) -> Option<String> {
    let shown = hidden_or_written(caller);
    (!shown.is_empty())
        .then(|| entraide_core::notify::Phone::parse(caller).ok())
        .flatten()
        .map(|p| p.as_str().to_owned())
}

/// The messages of a box, oldest first, with the caller opened.
pub async fn messages(state: &AppState, found: &VoiceBox) -> Result<Vec<VoiceMessage>, AppError> {
    let key = data_key(state, found.user_id).await?;
    let stored = state.db.voice_messages_of(found.id).await?;
    stored.iter().map(|m| view(&key, m)).collect()
}

/// The caller's number of one message, opened (the phone menu opens only
/// the message it reads out, not the whole box).
pub async fn caller_of(state: &AppState, stored: &StoredMessage) -> Result<String, AppError> {
    let key = data_key(state, stored.owner_id).await?;
    open_text(
        &key,
        &caller_aad(stored.owner_id, &stored.recording_sid),
        &stored.caller,
    )
}

/// A message of the viewer's own box; others get 404.
async fn own(state: &AppState, owner: &User, id: i64) -> Result<StoredMessage, AppError> {
    let stored = state.db.voice_message(id).await?;
    if stored.owner_id != owner.id || stored.object.is_none() {
        return Err(AppError::NotFound);
    }
    Ok(stored)
}

/// The audio of a message: (content type, bytes). Marks it heard.
pub async fn audio(state: &AppState, owner: &User, id: i64) -> Result<(String, Vec<u8>), AppError> {
    let stored = own(state, owner, id).await?;
    let bytes = open_audio(state, &stored).await?;
    state.db.mark_voice_heard(id).await?;
    Ok((stored.content_type, bytes))
}

/// Opens a message's sealed audio.
pub async fn open_audio(state: &AppState, stored: &StoredMessage) -> Result<Vec<u8>, AppError> {
    let object = stored.object.as_deref().ok_or(AppError::NotFound)?;
    let key = data_key(state, stored.owner_id).await?;
    Ok(state.safe().await?.vault.get(&key, object).await?)
}

/// Marks heard, saves or deletes one of the owner's messages.
pub async fn act(state: &AppState, owner: &User, id: i64, act: &str) -> Result<(), AppError> {
    own(state, owner, id).await?;
    match act {
        "heard" => state.db.mark_voice_heard(id).await?,
        "save" => state.db.save_voice_message(id).await?,
        "delete" => delete(state, id).await?,
        _ => return Err(AppError::NotFound),
    }
    Ok(())
}

/// Deletes a message and its sealed audio.
pub async fn delete(state: &AppState, id: i64) -> Result<(), AppError> {
    if let Some(object) = state.db.delete_voice_message(id).await? {
        state.safe().await?.vault.delete(&object).await?;
    }
    Ok(())
}

/// What the provider tells once a recording is ready.
#[derive(Debug, Clone)]
pub struct Announced<'a> {
    pub call_sid: &'a str,
    pub recording_sid: &'a str,
    pub recording_url: &'a str,
    pub caller: &'a str,
    pub seconds: i64,
}

/// The payload of a `voice-fetch` job (queued by the store with the
/// message).
#[derive(Deserialize)]
struct Fetch {
    id: i64,
}

/// Records an announced message and queues the fetch of its audio. A
/// repeated announcement changes nothing.
pub async fn announce(
    state: &AppState,
    found: &VoiceBox,
    new: &Announced<'_>,
) -> Result<(), AppError> {
    let key = data_key(state, found.user_id).await?;
    let caller = seal_text(
        &key,
        &caller_aad(found.user_id, new.recording_sid),
        new.caller,
    )?;
    let added = state
        .db
        .add_voice_message(&NewMessage {
            box_id: found.id,
            owner: found.user_id,
            call_sid: new.call_sid,
            recording_sid: new.recording_sid,
            recording_url: new.recording_url,
            caller: &caller,
            seconds: new.seconds,
        })
        .await?;
    if added.is_some() {
        state.wake_jobs.notify_one();
    }
    Ok(())
}

/// The job: fetches the recording from the provider (only from its API's
/// host, with the organisation's credentials), seals it in the owner's
/// safe, then tells the owner and, if they chose so, their worker.
pub async fn fetch(worker: &Worker, job: &Job) -> Result<Outcome, Failure> {
    let Fetch { id } = serde_json::from_str(&job.payload).map_err(Failure::permanent)?;
    let state = &worker.state;
    let stored = state.db.voice_message(id).await?;
    if stored.object.is_some() {
        return Ok(Outcome::Done);
    }
    let found = state.db.voice_box(stored.box_id).await?;
    let (provider, key) = provider_key(state, found.org_id)
        .await
        .map_err(Failure::permanent)?;
    let url = recording_address(&provider.api_url, &stored.recording_url)
        .ok_or_else(|| Failure::permanent("the recording is not at the provider's address"))?;
    let token = auth_token(&provider, &key).map_err(Failure::permanent)?;
    let reply = state
        .http
        .get(url)
        .basic_auth(&provider.account_sid, Some(token))
        .timeout(Duration::from_secs(60))
        .send()
        .await
        .map_err(Failure::retry)?;
    let status = reply.status();
    if !status.is_success() {
        // The provider may take a moment to make a recording available.
        return Err(Failure::retry(format!("the provider answered {status}")));
    }
    let content_type = match reply
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    {
        Some(t) if t.starts_with("audio/") => t.split(';').next().unwrap_or(t).trim().to_owned(),
        _ => "audio/mpeg".to_owned(),
    };
    let bytes = reply.bytes().await.map_err(Failure::retry)?;
    if bytes.is_empty() || bytes.len() > AUDIO_LIMIT {
        return Err(Failure::permanent("the recording is empty or too large"));
    }
    let owner_key = data_key(state, stored.owner_id)
        .await
        .map_err(Failure::retry)?;
    let object = format!(
        "owners/{}/voice/{}",
        stored.owner_id,
        uuid::Uuid::new_v4().simple()
    );
    let safe = state.safe().await.map_err(Failure::retry)?;
    safe.vault
        .put(&owner_key, &object, &bytes)
        .await
        .map_err(Failure::retry)?;
    let size = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
    if !state
        .db
        .keep_voice_audio(id, &object, &content_type, size)
        .await?
    {
        safe.vault.delete(&object).await.map_err(Failure::retry)?;
        return Ok(Outcome::Done);
    }
    metrics::counter!("entraide_voicemails_total").increment(1);
    tell(state, &found, id, stored.seconds)
        .await
        .map_err(Failure::retry)?;
    Ok(Outcome::Done)
}

/// The recording's audio address, only if it lies under the provider's API
/// root (a webhook may not make Entraide fetch anything else); MP3 is
/// asked for, a tenth the size of WAV.
fn recording_address(api_url: &str, recording_url: &str) -> Option<url::Url> {
    let root = url::Url::parse(api_url).ok()?;
    let url = url::Url::parse(recording_url).ok()?;
    if url.origin() != root.origin() || url.query().is_some() || url.path().contains("..") {
        return None;
    }
    let mut path = url.path().trim_end_matches('/').to_owned();
    if !path.ends_with(".mp3") && !path.ends_with(".wav") {
        path.push_str(".mp3");
    }
    let mut out = url;
    out.set_path(&path);
    Some(out)
}

/// Tells the owner (and their worker, if they chose so) that a message
/// came; the notice gives its length, never who called or what was said.
async fn tell(state: &AppState, found: &VoiceBox, id: i64, seconds: i64) -> Result<(), AppError> {
    let length = format!("{seconds} s");
    let event = |link: String| Event {
        kind: Kind::Voicemail,
        actor_id: None,
        subject: &length,
        link,
        dedup: Some(format!("voicemail:{id}")),
        collapse: true,
    };
    notify(state, &[found.user_id], event("/voicemail".to_owned())).await?;
    if found.notify_worker
        && let Some(worker) = found.opened_by
    {
        notify(
            state,
            &[worker],
            event(format!("/people/{}/phone", found.user_id)),
        )
        .await?;
    }
    Ok(())
}

/// A link the provider may fetch to play a message's audio during a call,
/// valid for ten minutes, bound to the organisation's telephony key.
pub fn play_link(state: &AppState, org: i64, key: &DataKey, message: i64) -> String {
    let until = entraide_store::now() + 600;
    let tag = key.tag(format!("play:{message}:{until}").as_bytes());
    state.config.link(&format!(
        "/telephony/{org}/audio/{message}?until={until}&tag={tag}"
    ))
}

/// Checks a play link and opens the audio: (content type, bytes).
pub async fn played(
    state: &AppState,
    org: i64,
    message: i64,
    until: i64,
    tag: &str,
) -> Result<(String, Vec<u8>), AppError> {
    let (_, key) = provider_key(state, org).await?;
    let expected = key.tag(format!("play:{message}:{until}").as_bytes());
    if until < entraide_store::now() || expected != tag {
        return Err(AppError::NotFound);
    }
    let stored = state.db.voice_message(message).await?;
    let found = state.db.voice_box(stored.box_id).await?;
    if found.org_id != org {
        return Err(AppError::NotFound);
    }
    let bytes = open_audio(state, &stored).await?;
    Ok((stored.content_type, bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recordings_are_fetched_only_from_the_provider() {
        let root = "https://api.twilio.com";
        assert_eq!(
            recording_address(
                root,
                "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1"
            )
            .map(|u| u.to_string())
            .as_deref(),
            Some("https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1.mp3")
        );
        assert!(recording_address(root, "https://evil.example/RE1").is_none());
        assert!(recording_address(root, "http://api.twilio.com/RE1").is_none());
        assert!(recording_address(root, "https://api.twilio.com/RE1?x=1").is_none());
        assert!(recording_address(root, "file:///etc/passwd").is_none());
    }

    #[test]
    fn hidden_numbers_cannot_be_called_back() {
        assert_eq!(callable("anonymous"), None);
        assert_eq!(callable("+266696687"), None);
        assert_eq!(callable("+33612345678").as_deref(), Some("+33612345678"));
        assert_eq!(hidden_or_written("+33612345678"), "06 12 34 56 78");
    }
}
