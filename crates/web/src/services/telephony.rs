//! Telephony settings: an organisation's provider (its auth token sealed
//! with the organisation's telephony key, which also keys the voicemail
//! PINs) and its pool of numbers. The boxes are in `voice_boxes`.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use entraide_core::authz::Action;
use entraide_core::error::Errors;
use entraide_core::telephony::parse_number;
use entraide_core::{Invalid, ParseError};
use entraide_store::telephony::{PoolNumber, Provider};
use entraide_store::users::User;
use entraide_vault::{DataKey, WrappedKey};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::AppError;
use crate::services::orgs::require;
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
