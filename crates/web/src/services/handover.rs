//! Taking one's account in hand: a person registered by a social worker
//! (login + PIN) sets their own email and password and chooses which
//! organisations keep their consent to act for them and their share of the
//! safe. The PIN keeps working until the email is confirmed, so that a
//! mistyped address never locks the person out; confirming it ends the PIN
//! and every session opened with it (see `store::handover`).

use std::collections::BTreeSet;

use entraide_core::credentials::{Email, Password, new_token, token_digest};
use entraide_core::error::Errors;
use entraide_core::{Invalid, ParseError};
use entraide_store::StoreError;
use entraide_store::handover::HandOver;
use entraide_store::users::User;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::AppError;
use crate::i18n::Lang;
use crate::mail;
use crate::services::accounts::hash_blocking;
use crate::services::safe::{Via, log};
use crate::state::AppState;

/// The hand-over as submitted.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct HandoverInput {
    pub email: String,
    pub password: String,
    /// Organisations that may keep acting for the person.
    pub keep_consent: Vec<i64>,
    /// Organisations whose staff keep seeing the safe.
    pub keep_share: Vec<i64>,
}

/// One accompanying organisation and what it may do now.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrgChoice {
    pub org_id: i64,
    pub org_name: String,
    /// It may act for the person.
    pub consent: bool,
    /// Its staff see the safe.
    pub shared: bool,
}

/// Where the hand-over stands.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HandoverStatus {
    /// The address given, while it waits for its confirmation.
    pub pending_email: Option<String>,
    pub organisations: Vec<OrgChoice>,
}

/// Only accounts still signed into with a PIN are handed over.
fn require_pin_account(person: &User) -> Result<(), AppError> {
    if person.login.is_none() || person.email_verified_at.is_some() {
        return Err(AppError::Conflict("no-pin"));
    }
    Ok(())
}

pub async fn status(state: &AppState, person: &User) -> Result<HandoverStatus, AppError> {
    require_pin_account(person)?;
    let shares = state.db.shares_of(person.id).await?;
    let organisations = state
        .db
        .accompaniments_of(person.id)
        .await?
        .into_iter()
        .map(|a| OrgChoice {
            consent: a.withdrawn_at.is_none(),
            shared: shares
                .iter()
                .any(|s| s.org_id == Some(a.org_id) && s.revoked_at.is_none()),
            org_id: a.org_id,
            org_name: a.org_name,
        })
        .collect();
    Ok(HandoverStatus {
        pending_email: person.email.clone(),
        organisations,
    })
}

/// Records the email and password, sends the confirmation link, then
/// applies the choices about each organisation. Bad input changes nothing.
pub async fn hand_over(
    state: &AppState,
    person: &User,
    input: &HandoverInput,
) -> Result<(), AppError> {
    let now = status(state, person).await?;
    let mut errors = Errors::default();
    let email = errors.take(Email::parse(&input.email));
    let password = errors.take(Password::parse(&input.password));
    let known: BTreeSet<i64> = now.organisations.iter().map(|o| o.org_id).collect();
    for (field, ids) in [
        ("keep_consent", &input.keep_consent),
        ("keep_share", &input.keep_share),
    ] {
        if ids.iter().any(|id| !known.contains(id)) {
            errors.push(ParseError::new(field, Invalid::Choice));
        }
    }
    let (Some(email), Some(password)) = (email, password) else {
        return Err(AppError::Invalid(errors));
    };
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let lang = Lang::from_code(&person.locale).unwrap_or_default();
    let password_hash = hash_blocking(password.as_str().to_owned()).await?;
    let token = new_token();
    let link = state.config.link(&format!("/verify?token={token}"));
    let mail = mail::compose_link(lang, email.as_str(), "verify", &link);
    let started = state
        .db
        .start_handover(&HandOver {
            user: person.id,
            email: email.as_str(),
            password_hash: &password_hash,
            verify_digest: &token_digest(&token),
            mail: &mail,
        })
        .await;
    match started {
        Err(StoreError::Conflict) => return Err(AppError::Conflict("email-taken")),
        Err(StoreError::NotFound) => return Err(AppError::Conflict("no-pin")),
        other => other?,
    }
    state.wake_jobs.notify_one();
    for org in &now.organisations {
        let consent = input.keep_consent.contains(&org.org_id);
        if consent != org.consent {
            state
                .db
                .set_accompaniment(person.id, org.org_id, consent)
                .await?;
            let action = if consent {
                "consent"
            } else {
                "withdraw-consent"
            };
            log(state, person.id, None, person, Via::Owner, action).await?;
        }
        let shared = input.keep_share.contains(&org.org_id);
        if shared && !org.shared {
            state
                .db
                .share_safe(person.id, Some(org.org_id), None, person.id)
                .await?;
            log(state, person.id, None, person, Via::Owner, "share").await?;
        } else if !shared && org.shared {
            for share in state.db.shares_of(person.id).await? {
                if share.org_id == Some(org.org_id) && share.revoked_at.is_none() {
                    state.db.revoke_share(person.id, share.id).await?;
                }
            }
            log(state, person.id, None, person, Via::Owner, "revoke").await?;
        }
    }
    Ok(())
}
