//! Voice boxes: opened by a social worker for a person their organisation
//! accompanies (on a personal number of the pool, or as a box of the
//! shared number), unlocked, given a new PIN or closed; the person's own
//! PIN and whether their worker is told; checking a PIN typed on a phone.

use entraide_core::authz::Action;
use entraide_core::error::Errors;
use entraide_core::telephony::{MAX_PIN_FAILURES, VoicePin};
use entraide_store::telephony::{NewBox, VoiceBox};
use entraide_store::users::User;
use entraide_vault::DataKey;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::AppError;
use crate::services::orgs::require;
use crate::services::safe::{Need, Via, reach};
use crate::services::telephony::provider_key;
use crate::state::AppState;

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
