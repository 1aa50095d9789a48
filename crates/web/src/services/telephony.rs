//! Telephony settings and voice boxes: an organisation's provider (its auth
//! token sealed with the organisation's telephony key), its pool of
//! numbers, and the boxes its social workers open for the people they
//! accompany, with the PIN, the lock and the choice to tell the worker.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use entraide_core::authz::Action;
use entraide_core::error::Errors;
use entraide_core::telephony::{MAX_PIN_FAILURES, VoicePin, parse_number};
use entraide_core::{Invalid, ParseError};
use entraide_store::telephony::{NewBox, PoolNumber, Provider, VoiceBox};
use entraide_store::users::User;
use entraide_vault::{DataKey, WrappedKey};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::AppError;
use crate::services::orgs::require;
use crate::services::safe::{Need, Via, reach};
use crate::services::safe_keys::{open_text, seal_text};
use crate::state::AppState;

/// The provider settings as an administrator fills them in.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct ProviderInput {
    /// The provider's API root, e.g. `https://api.twilio.com`.
    #[serde(default)]
    pub api_url: String,
    #[serde(default)]
    pub account_sid: String,
    /// Left empty to keep the current token.
    #[serde(default)]
    pub auth_token: String,
    #[serde(default)]
    pub access_number: String,
    #[serde(default)]
    pub shared_number: String,
    /// Days a released number rests before it is given again.
    #[serde(default)]
    pub quarantine_days: String,
}

/// The provider settings as shown back (never the token).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProviderView {
    pub api_url: String,
    pub account_sid: String,
    pub access_number: Option<String>,
    pub shared_number: Option<String>,
    pub quarantine_days: i64,
    /// The address to give the provider for every number's incoming calls.
    pub voice_url: String,
}

fn key_owner(org: i64) -> String {
    format!("telephony:{org}")
}

/// The organisation's provider with its telephony key opened.
pub async fn provider_key(state: &AppState, org: i64) -> Result<(Provider, DataKey), AppError> {
    let provider = state
        .db
        .phone_provider(org)
        .await?
        .ok_or(AppError::NotFound)?;
    let safe = state.safe().await?;
    let bytes = STANDARD
        .decode(&provider.wrapped_key)
        .map_err(|_| AppError::Internal("a wrapped key is not base64".into()))?;
    let key = safe.ring.unwrap(
        &WrappedKey {
            key_id: provider.key_id.clone(),
            bytes,
        },
        &key_owner(org),
    )?;
    Ok((provider, key))
}

/// The provider's auth token.
pub fn auth_token(provider: &Provider, key: &DataKey) -> Result<String, AppError> {
    open_text(key, &key_owner(provider.org_id), &provider.sealed_token)
}

pub fn view(state: &AppState, provider: &Provider) -> ProviderView {
    ProviderView {
        api_url: provider.api_url.clone(),
        account_sid: provider.account_sid.clone(),
        access_number: provider.access_number.clone(),
        shared_number: provider.shared_number.clone(),
        quarantine_days: provider.quarantine_days,
        voice_url: state
            .config
            .link(&format!("/telephony/{}/voice", provider.org_id)),
    }
}

pub async fn settings(
    state: &AppState,
    user: &User,
    org: i64,
) -> Result<Option<ProviderView>, AppError> {
    require(state, user, org, Action::EditOrganisation).await?;
    Ok(state.db.phone_provider(org).await?.map(|p| view(state, &p)))
}

fn optional_number(field: &'static str, raw: &str) -> Result<Option<String>, ParseError> {
    match raw.trim() {
        "" => Ok(None),
        raw => parse_number(field, raw).map(Some),
    }
}

/// Saves the provider settings (organisation administrators).
pub async fn configure(
    state: &AppState,
    user: &User,
    org: i64,
    input: &ProviderInput,
) -> Result<(), AppError> {
    require(state, user, org, Action::EditOrganisation).await?;
    let current = state.db.phone_provider(org).await?;
    let mut errors = Errors::default();
    let api_url = match url::Url::parse(input.api_url.trim()) {
        Ok(url) if matches!(url.scheme(), "https" | "http") && url.host().is_some() => {
            Some(url.as_str().trim_end_matches('/').to_owned())
        }
        _ => {
            errors.push(ParseError::new("api_url", Invalid::Characters));
            None
        }
    };
    let sid = input.account_sid.trim();
    if sid.is_empty() || sid.len() > 64 || !sid.chars().all(|c| c.is_ascii_alphanumeric()) {
        errors.push(ParseError::new("account_sid", Invalid::Characters));
    }
    let token = input.auth_token.trim();
    if token.len() > 200 || (token.is_empty() && current.is_none()) {
        errors.push(ParseError::new(
            "auth_token",
            if token.is_empty() {
                Invalid::Required
            } else {
                Invalid::TooLong
            },
        ));
    }
    let access = errors.take(optional_number("access_number", &input.access_number));
    let shared = errors.take(optional_number("shared_number", &input.shared_number));
    let quarantine = match input.quarantine_days.trim() {
        "" => Some(90),
        raw => match raw.parse::<i64>() {
            Ok(days) if (0..=365).contains(&days) => Some(days),
            _ => {
                errors.push(ParseError::new("quarantine_days", Invalid::Range));
                None
            }
        },
    };
    let (Some(api_url), Some(access), Some(shared), Some(quarantine)) =
        (api_url, access, shared, quarantine)
    else {
        return Err(AppError::Invalid(errors));
    };
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let safe = state.safe().await?;
    let (key_id, wrapped_key, key) = match &current {
        Some(_) => {
            let (provider, key) = provider_key(state, org).await?;
            (provider.key_id, provider.wrapped_key, key)
        }
        None => {
            let key = DataKey::generate();
            let wrapped = safe.ring.wrap(&key, &key_owner(org))?;
            (wrapped.key_id, STANDARD.encode(&wrapped.bytes), key)
        }
    };
    let sealed_token = match (token, &current) {
        ("", Some(current)) => current.sealed_token.clone(),
        (token, _) => seal_text(&key, &key_owner(org), token)?,
    };
    state
        .db
        .set_phone_provider(&Provider {
            org_id: org,
            api_url,
            account_sid: sid.to_owned(),
            key_id,
            wrapped_key,
            sealed_token,
            access_number: access,
            shared_number: shared,
            quarantine_days: quarantine,
        })
        .await?;
    state
        .db
        .audit(entraide_store::audit::NewAudit {
            event: "telephony-configured",
            actor_id: Some(user.id),
            org_id: Some(org),
            ..Default::default()
        })
        .await?;
    Ok(())
}

pub async fn pool(state: &AppState, user: &User, org: i64) -> Result<Vec<PoolNumber>, AppError> {
    require(state, user, org, Action::AccompanyPeople).await?;
    Ok(state.db.pool_numbers(org).await?)
}

/// Adds numbers to the pool, one per line or separated by commas.
pub async fn add_numbers(
    state: &AppState,
    user: &User,
    org: i64,
    text: &str,
) -> Result<u64, AppError> {
    require(state, user, org, Action::EditOrganisation).await?;
    let mut numbers = Vec::new();
    for raw in text.split([',', '\n', ';']).map(str::trim) {
        if !raw.is_empty() {
            numbers.push(
                parse_number("numbers", raw).map_err(|e| AppError::Invalid(Errors(vec![e])))?,
            );
        }
    }
    if numbers.is_empty() || numbers.len() > 1000 {
        return Err(AppError::Invalid(Errors(vec![ParseError::new(
            "numbers",
            Invalid::Required,
        )])));
    }
    Ok(state.db.add_pool_numbers(org, &numbers).await?)
}

pub async fn remove_number(
    state: &AppState,
    user: &User,
    org: i64,
    id: i64,
) -> Result<(), AppError> {
    require(state, user, org, Action::EditOrganisation).await?;
    if state.db.remove_pool_number(org, id).await? {
        Ok(())
    } else {
        Err(AppError::Conflict("number-held"))
    }
}

/// The PIN's digest, keyed with the organisation's telephony key.
pub fn pin_tag(key: &DataKey, box_id_or_user: i64, pin: &str) -> String {
    key.tag(format!("voice-pin:{box_id_or_user}:{pin}").as_bytes())
}

/// A box as its owner and their workers see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BoxView {
    pub id: i64,
    pub org_id: i64,
    /// The personal number, when the box has one.
    pub number: Option<String>,
    pub box_number: String,
    /// The number callers dial to reach a box without a personal number.
    pub shared_number: Option<String>,
    /// The number to dial to listen from any phone.
    pub access_number: Option<String>,
    pub locked: bool,
    pub notify_worker: bool,
}

pub async fn box_view(state: &AppState, found: &VoiceBox) -> Result<BoxView, AppError> {
    let provider = state.db.phone_provider(found.org_id).await?;
    Ok(BoxView {
        id: found.id,
        org_id: found.org_id,
        number: found.number.clone(),
        box_number: found.box_number.clone(),
        shared_number: provider.as_ref().and_then(|p| p.shared_number.clone()),
        access_number: provider.and_then(|p| p.access_number),
        locked: found.locked_at.is_some(),
        notify_worker: found.notify_worker,
    })
}

/// The org through which `worker` acts for `person`, for a box.
async fn acting_org(state: &AppState, worker: &User, person: i64) -> Result<i64, AppError> {
    match reach(state, worker, person, Need::Write).await? {
        Via::Accompaniment(org) => Ok(org),
        _ => Err(AppError::NotFound),
    }
}

/// What opening a box gives, to hand to the person once.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Opened {
    #[serde(flatten)]
    pub voice_box: BoxView,
    /// Shown once: the person keeps it, the platform keeps only its digest.
    pub pin: String,
}

/// Opens a box for a person the worker's organisation accompanies: on a
/// personal number of the pool, or as a box of the shared number.
pub async fn open_box(
    state: &AppState,
    worker: &User,
    person: i64,
    personal: bool,
) -> Result<Opened, AppError> {
    let org = acting_org(state, worker, person).await?;
    require(state, worker, org, Action::AccompanyPeople).await?;
    if state.db.voice_box_of(person).await?.is_some() {
        return Err(AppError::Conflict("box-exists"));
    }
    let (provider, key) = match provider_key(state, org).await {
        Ok(found) => found,
        Err(AppError::NotFound) => return Err(AppError::Conflict("telephony-not-configured")),
        Err(other) => return Err(other),
    };
    if !personal && provider.shared_number.is_none() {
        return Err(AppError::Conflict("no-shared-number"));
    }
    let pin = VoicePin::generate();
    let tag = pin_tag(&key, person, pin.as_str());
    // Box numbers are drawn at random; a rare clash draws again.
    for _ in 0..20 {
        let box_number = {
            use rand::Rng as _;
            format!("{:06}", rand::rngs::OsRng.gen_range(100_000..1_000_000))
        };
        let opened = state
            .db
            .open_voice_box(&NewBox {
                user: person,
                org,
                personal,
                quarantine_days: provider.quarantine_days,
                box_number: &box_number,
                pin_tag: &tag,
                opened_by: worker.id,
            })
            .await?;
        if opened.is_some() {
            let found = state
                .db
                .voice_box_of(person)
                .await?
                .ok_or(AppError::NotFound)?;
            audit_for(state, worker, person, org, "voice-box-opened").await?;
            return Ok(Opened {
                voice_box: box_view(state, &found).await?,
                pin: pin.as_str().to_owned(),
            });
        }
        if state.db.voice_box_of(person).await?.is_some() {
            return Err(AppError::Conflict("box-exists"));
        }
        if personal {
            // Either every number is held or resting, or another worker
            // took the last one at the same moment.
            return Err(AppError::Conflict("no-free-number"));
        }
    }
    Err(AppError::Conflict("conflict"))
}

async fn audit_for(
    state: &AppState,
    worker: &User,
    person: i64,
    org: i64,
    event: &'static str,
) -> Result<(), AppError> {
    state
        .db
        .audit(entraide_store::audit::NewAudit {
            event,
            actor_id: Some(worker.id),
            subject_id: Some(person),
            org_id: Some(org),
            ..Default::default()
        })
        .await?;
    Ok(())
}

/// The box of `person`, for themselves or a worker acting for them.
pub async fn box_of(
    state: &AppState,
    viewer: &User,
    person: i64,
) -> Result<Option<VoiceBox>, AppError> {
    if viewer.id != person {
        acting_org(state, viewer, person).await?;
    }
    Ok(state.db.voice_box_of(person).await?)
}

/// Acts a worker may take on a person's box.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoxAct {
    Unlock,
    NewPin,
    Close,
}

/// Unlocks a box, gives it a new PIN (returned once) or closes it, for the
/// person or a worker acting for them. Logged in the person's activity.
pub async fn act_on_box(
    state: &AppState,
    viewer: &User,
    person: i64,
    act: BoxAct,
) -> Result<Option<String>, AppError> {
    let found = box_of(state, viewer, person)
        .await?
        .ok_or(AppError::NotFound)?;
    let event = match act {
        BoxAct::Unlock => {
            state.db.unlock_voice_box(found.id).await?;
            "voice-box-unlocked"
        }
        BoxAct::NewPin => {
            let (_, key) = provider_key(state, found.org_id).await?;
            let pin = VoicePin::generate();
            state
                .db
                .set_voice_pin(found.id, &pin_tag(&key, person, pin.as_str()))
                .await?;
            audit_for(state, viewer, person, found.org_id, "voice-pin-changed").await?;
            return Ok(Some(pin.as_str().to_owned()));
        }
        BoxAct::Close => {
            let objects = state.db.voice_objects_of_box(found.id).await?;
            state.db.close_voice_box(found.id).await?;
            let safe = state.safe().await?;
            for object in objects {
                safe.vault.delete(&object).await?;
            }
            "voice-box-closed"
        }
    };
    audit_for(state, viewer, person, found.org_id, event).await?;
    Ok(None)
}

/// The person chooses their own PIN.
pub async fn choose_pin(state: &AppState, owner: &User, pin: &str) -> Result<(), AppError> {
    let pin = VoicePin::parse(pin).map_err(|e| AppError::Invalid(Errors(vec![e])))?;
    let found = state
        .db
        .voice_box_of(owner.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (_, key) = provider_key(state, found.org_id).await?;
    state
        .db
        .set_voice_pin(found.id, &pin_tag(&key, owner.id, pin.as_str()))
        .await?;
    Ok(())
}

pub async fn set_notify_worker(state: &AppState, owner: &User, on: bool) -> Result<(), AppError> {
    let found = state
        .db
        .voice_box_of(owner.id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(state.db.set_notify_worker(found.id, on).await?)
}

/// Checks a PIN typed on the phone; a wrong one counts towards the lock.
/// `Err(Locked)` when the box is (or becomes) locked.
pub async fn check_pin(
    state: &AppState,
    key: &DataKey,
    found: &VoiceBox,
    pin: &str,
) -> Result<bool, AppError> {
    if found.locked_at.is_some() {
        return Err(AppError::Locked);
    }
    let given = pin_tag(key, found.user_id, pin);
    if VoicePin::parse(pin).is_ok() && given == found.pin_tag {
        if found.failed_pins > 0 {
            state.db.unlock_voice_box(found.id).await?;
        }
        return Ok(true);
    }
    if state.db.wrong_voice_pin(found.id, MAX_PIN_FAILURES).await? {
        state
            .db
            .audit(entraide_store::audit::NewAudit {
                event: "voice-box-locked",
                subject_id: Some(found.user_id),
                org_id: Some(found.org_id),
                ..Default::default()
            })
            .await?;
        return Err(AppError::Locked);
    }
    Ok(false)
}
