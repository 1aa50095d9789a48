//! Accounts: sign-up, sign-in with password or PIN, sessions, email
//! verification, password reset and personal API tokens.

use std::net::IpAddr;

use entraide_core::credentials::{
    Email, Login, Password, Pin, hash_secret, new_token, token_digest, verify_secret,
};
use entraide_core::error::Errors;
use entraide_core::names::DisplayName;
use entraide_store::StoreError;
use entraide_store::audit::NewAudit;
use entraide_store::tokens::EmailPurpose;
use entraide_store::users::{MAX_PIN_FAILURES, User};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::error::AppError;
use crate::forms::FormData;
use crate::i18n::Lang;
use crate::mail;
use crate::state::AppState;

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct SignUpInput {
    pub email: String,
    pub password: String,
    pub display_name: String,
}

impl SignUpInput {
    pub fn from_form(form: &FormData) -> Self {
        Self {
            email: form.get("email").into(),
            password: form.get("password").into(),
            display_name: form.get("display_name").into(),
        }
    }
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct LoginInput {
    pub email: String,
    pub password: String,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct PinLoginInput {
    pub login: String,
    pub pin: String,
}

/// Unknown accounts are checked against this real hash, so their answer
/// takes as long as a wrong password or PIN and does not reveal who exists.
static DECOY: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| hash_secret("decoy secret").unwrap_or_default());

fn hash(secret: &str) -> Result<String, AppError> {
    hash_secret(secret).map_err(AppError::internal)
}

/// Hashing runs on the blocking pool: argon2 takes tens of milliseconds of CPU.
pub async fn hash_blocking(secret: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || hash(&secret))
        .await
        .map_err(AppError::internal)?
}

pub async fn verify_blocking(secret: String, stored: String) -> Result<bool, AppError> {
    tokio::task::spawn_blocking(move || verify_secret(&secret, &stored))
        .await
        .map_err(AppError::internal)
}

/// Creates an account and sends the verification email.
pub async fn sign_up(
    state: &AppState,
    lang: Lang,
    ip: Option<IpAddr>,
    input: &SignUpInput,
) -> Result<User, AppError> {
    let mut errors = Errors::default();
    let email = errors.take(Email::parse(&input.email));
    let password = errors.take(Password::parse(&input.password));
    let name = errors.take(DisplayName::parse(&input.display_name));
    let (Some(email), Some(password), Some(name)) = (email, password, name) else {
        return Err(AppError::Invalid(errors));
    };
    state.limits.check_signup(ip)?;
    let password_hash = hash_blocking(password.as_str().to_owned()).await?;
    let token = new_token();
    let link = state.config.link(&format!("/verify?token={token}"));
    let mail = mail::compose_link(lang, email.as_str(), "verify", &link);
    let new = entraide_store::signup::SignUp {
        email: email.as_str(),
        password_hash: &password_hash,
        display_name: name.as_str(),
        locale: lang.code(),
        verify_digest: &token_digest(&token),
        mail: &mail,
    };
    let id = match state.db.sign_up(&new).await {
        Err(StoreError::Conflict) => return Err(AppError::Conflict("email-taken")),
        other => other?,
    };
    state.wake_jobs.notify_one();
    Ok(state.db.user(id).await?)
}

pub async fn send_verification(
    state: &AppState,
    lang: Lang,
    user_id: i64,
    email: &str,
) -> Result<(), AppError> {
    let token = new_token();
    state
        .db
        .create_email_token(&token_digest(&token), user_id, EmailPurpose::Verify)
        .await?;
    mail::send_link(
        state,
        lang,
        email,
        "verify",
        &state.config.link(&format!("/verify?token={token}")),
    )
    .await
}

/// Checks an email and password. Unknown emails cost the same time as wrong passwords.
pub async fn check_password(
    state: &AppState,
    ip: Option<IpAddr>,
    input: &LoginInput,
) -> Result<User, AppError> {
    let mut errors = Errors::default();
    let email = errors.take(Email::parse(&input.email));
    if input.password.is_empty() {
        errors.push(entraide_core::ParseError::new(
            "password",
            entraide_core::Invalid::Required,
        ));
    }
    let Some(email) = email.filter(|_| errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    state.limits.check_login(ip, email.as_str())?;
    let (id, stored) = match state.db.password_hash_by_email(email.as_str()).await {
        Ok((id, stored)) => (Some(id), stored),
        Err(StoreError::NotFound) => (None, None),
        Err(other) => return Err(other.into()),
    };
    let ok = verify_blocking(
        input.password.clone(),
        stored.unwrap_or_else(|| DECOY.clone()),
    )
    .await?;
    match (id, ok) {
        (Some(id), true) => Ok(state.db.user(id).await?),
        (id, _) => {
            state
                .db
                .audit(NewAudit {
                    event: "login-failed",
                    subject_id: id,
                    ..Default::default()
                })
                .await?;
            Err(AppError::BadCredentials)
        }
    }
}

/// Checks a platform login and PIN; five wrong PINs lock the account.
pub async fn check_pin(
    state: &AppState,
    ip: Option<IpAddr>,
    input: &PinLoginInput,
) -> Result<User, AppError> {
    let mut errors = Errors::default();
    let login = errors.take(Login::parse(&input.login));
    let pin = errors.take(Pin::parse(&input.pin));
    let (Some(login), Some(pin)) = (login, pin) else {
        return Err(AppError::Invalid(errors));
    };
    state.limits.check_login(ip, login.as_str())?;
    let account = match state.db.pin_account(login.as_str()).await {
        Err(StoreError::NotFound) => {
            verify_blocking(pin.as_str().to_owned(), DECOY.clone()).await?;
            return Err(AppError::BadCredentials);
        }
        other => other?,
    };
    // The attempt is counted before the PIN is checked: parallel guesses
    // cannot get more than MAX_PIN_FAILURES checks between two right PINs.
    let Some(attempt) = state.db.reserve_pin_attempt(account.id).await? else {
        return Err(AppError::Locked);
    };
    let ok = attempt <= MAX_PIN_FAILURES
        && match account.pin_hash.clone() {
            Some(stored) => verify_blocking(pin.as_str().to_owned(), stored).await?,
            None => false,
        };
    if ok {
        state.db.reset_pin_failures(account.id).await?;
        return Ok(state.db.user(account.id).await?);
    }
    let locked = attempt >= MAX_PIN_FAILURES;
    if locked {
        state.db.lock_pin(account.id).await?;
    }
    let event = if locked { "pin-locked" } else { "pin-failed" };
    state
        .db
        .audit(NewAudit {
            event,
            subject_id: Some(account.id),
            ..Default::default()
        })
        .await?;
    Err(if locked {
        AppError::Locked
    } else {
        AppError::BadCredentials
    })
}

/// Opens a session and returns its secret (the cookie value).
pub async fn start_session(state: &AppState, user: &User, how: &str) -> Result<String, AppError> {
    let token = new_token();
    state
        .db
        .create_session(&token_digest(&token), user.id)
        .await?;
    state
        .db
        .audit(NewAudit {
            event: "login",
            actor_id: Some(user.id),
            detail: how,
            ..Default::default()
        })
        .await?;
    Ok(token)
}

pub async fn end_session(state: &AppState, token: &str) -> Result<(), AppError> {
    Ok(state.db.delete_session(&token_digest(token)).await?)
}

/// Creates a personal API token and returns its secret, shown once.
pub async fn create_api_token(
    state: &AppState,
    user: &User,
    name: &str,
) -> Result<(i64, String), AppError> {
    let name = entraide_core::names::Tag::parse(name)
        .map_err(|e| AppError::field(entraide_core::ParseError::new("name", e.reason)))?;
    let token = new_token();
    let id = state
        .db
        .create_api_token(user.id, name.as_str(), &token_digest(&token))
        .await?;
    state
        .db
        .audit(NewAudit {
            event: "api-token-created",
            actor_id: Some(user.id),
            detail: name.as_str(),
            ..Default::default()
        })
        .await?;
    Ok((id, token))
}

/// Revokes one of the person's API tokens; `NotFound` if it is not theirs.
pub async fn revoke_api_token(
    state: &AppState,
    user: &User,
    token_id: i64,
) -> Result<(), AppError> {
    state.db.revoke_api_token(user.id, token_id).await?;
    state
        .db
        .audit(NewAudit {
            event: "api-token-revoked",
            actor_id: Some(user.id),
            ..Default::default()
        })
        .await?;
    Ok(())
}

/// Confirms an email address from the link sent to it; says whether it
/// completed a hand-over (the person must now sign in with it).
pub async fn verify_email(state: &AppState, token: &str) -> Result<(i64, bool), AppError> {
    let id = state
        .db
        .consume_email_token(&token_digest(token), EmailPurpose::Verify)
        .await?;
    state.db.mark_email_verified(id).await?;
    state
        .db
        .audit(NewAudit {
            event: "email-verified",
            actor_id: Some(id),
            ..Default::default()
        })
        .await?;
    // A handed-over account is now the person's alone: its PIN ends.
    let handed_over = state.db.finish_handover(id).await?;
    Ok((id, handed_over))
}

/// Sends a reset link when the address has an account; says nothing either
/// way, so the form cannot be used to learn who is registered.
pub async fn forgot_password(
    state: &AppState,
    lang: Lang,
    ip: Option<IpAddr>,
    email: &str,
) -> Result<(), AppError> {
    let email = Email::parse(email).map_err(AppError::field)?;
    state.limits.check_signup(ip)?;
    match state.db.user_by_email(email.as_str()).await {
        Ok(user) => {
            let token = new_token();
            state
                .db
                .create_email_token(&token_digest(&token), user.id, EmailPurpose::Reset)
                .await?;
            let lang = Lang::from_code(&user.locale).unwrap_or(lang);
            let link = state.config.link(&format!("/password/reset?token={token}"));
            mail::send_link(state, lang, email.as_str(), "reset", &link).await
        }
        Err(StoreError::NotFound) => Ok(()),
        Err(other) => Err(other.into()),
    }
}

/// Sets a new password from a reset link and signs the person out
/// everywhere, API tokens included (a thief may have made one).
pub async fn reset_password(
    state: &AppState,
    token: &str,
    password: &str,
) -> Result<i64, AppError> {
    let password = Password::parse(password).map_err(AppError::field)?;
    let digest = token_digest(token);
    state
        .db
        .peek_email_token(&digest, EmailPurpose::Reset)
        .await
        .map_err(|_| AppError::Conflict("link-expired"))?;
    let hash = hash_blocking(password.as_str().to_owned()).await?;
    let id = match state.db.reset_password(&digest, &hash).await {
        Err(entraide_store::StoreError::NotFound) => {
            return Err(AppError::Conflict("link-expired"));
        }
        other => other?,
    };
    state
        .db
        .audit(NewAudit {
            event: "password-reset",
            actor_id: Some(id),
            ..Default::default()
        })
        .await?;
    // A reset confirms the email too, which ends a handed-over PIN.
    state.db.finish_handover(id).await?;
    Ok(id)
}

/// Hashes a PIN off the async threads.
pub async fn hash_pin(pin: &Pin) -> Result<String, AppError> {
    hash_blocking(pin.as_str().to_owned()).await
}
