//! Account endpoints of the API: sign-up, sign-in (which issues a personal
//! token), email verification and password reset.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::me::MeView;
use crate::auth::Ctx;
use crate::error::AppError;
use crate::forms::ApiJson;
use crate::ratelimit::ClientIp;
use crate::services::accounts::{self, LoginInput, PinLoginInput, SignUpInput};
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct TokenIssued {
    /// Send it as `Authorization: Bearer …`. Shown only once.
    pub token: String,
    pub user: MeView,
}

async fn issue(
    state: &AppState,
    user: &entraide_store::users::User,
    name: &str,
) -> Result<TokenIssued, AppError> {
    let (_, token) = accounts::create_api_token(state, user, name).await?;
    let user = state.db.user(user.id).await?;
    Ok(TokenIssued {
        token,
        user: MeView::load(state, &user).await?,
    })
}

/// Create an account; a verification email is sent.
#[utoipa::path(post, path = "/api/v1/signup", tag = "accounts", request_body = SignUpInput,
    responses((status = 201, body = TokenIssued), (status = 409, description = "email already used"), (status = 422, description = "invalid fields")))]
pub async fn signup(
    State(state): State<AppState>,
    ctx: Ctx,
    ClientIp(ip): ClientIp,
    ApiJson(input): ApiJson<SignUpInput>,
) -> Result<(StatusCode, Json<TokenIssued>), AppError> {
    let user = accounts::sign_up(&state, ctx.lang, ip, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(issue(&state, &user, "api").await?),
    ))
}

/// Sign in with email and password; returns a new personal token.
#[utoipa::path(post, path = "/api/v1/login", tag = "accounts", request_body = LoginInput,
    responses((status = 200, body = TokenIssued), (status = 401, description = "wrong credentials"), (status = 429, description = "too many attempts")))]
pub async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(input): ApiJson<LoginInput>,
) -> Result<Json<TokenIssued>, AppError> {
    let user = accounts::check_password(&state, ip, &input).await?;
    Ok(Json(issue(&state, &user, "api").await?))
}

/// Sign in with a platform login and PIN; five wrong PINs lock the account.
#[utoipa::path(post, path = "/api/v1/login/pin", tag = "accounts", request_body = PinLoginInput,
    responses((status = 200, body = TokenIssued), (status = 401, description = "wrong credentials"), (status = 403, description = "locked")))]
pub async fn pin_login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(input): ApiJson<PinLoginInput>,
) -> Result<Json<TokenIssued>, AppError> {
    let user = accounts::check_pin(&state, ip, &input).await?;
    Ok(Json(issue(&state, &user, "api").await?))
}

#[derive(Deserialize, Default, ToSchema)]
#[serde(default)]
pub struct EmailInput {
    pub email: String,
}

/// Ask for a password reset link. The answer is the same whether or not the address has an account.
#[utoipa::path(post, path = "/api/v1/password/forgot", tag = "accounts", request_body = EmailInput, responses((status = 202)))]
pub async fn forgot(
    State(state): State<AppState>,
    ctx: Ctx,
    ClientIp(ip): ClientIp,
    ApiJson(input): ApiJson<EmailInput>,
) -> Result<StatusCode, AppError> {
    accounts::forgot_password(&state, ctx.lang, ip, &input.email).await?;
    Ok(StatusCode::ACCEPTED)
}

#[derive(Deserialize, Default, ToSchema)]
#[serde(default)]
pub struct ResetInput {
    pub token: String,
    pub password: String,
}

/// Set a new password with the token from the reset link.
#[utoipa::path(post, path = "/api/v1/password/reset", tag = "accounts", request_body = ResetInput,
    responses((status = 204), (status = 409, description = "link expired or used"), (status = 422)))]
pub async fn reset(
    State(state): State<AppState>,
    ApiJson(input): ApiJson<ResetInput>,
) -> Result<StatusCode, AppError> {
    accounts::reset_password(&state, &input.token, &input.password).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, Default, ToSchema)]
#[serde(default)]
pub struct VerifyInput {
    pub token: String,
}

/// Confirm an email address with the token from the verification link.
#[utoipa::path(post, path = "/api/v1/verify", tag = "accounts", request_body = VerifyInput, responses((status = 204), (status = 404)))]
pub async fn verify(
    State(state): State<AppState>,
    ApiJson(input): ApiJson<VerifyInput>,
) -> Result<StatusCode, AppError> {
    accounts::verify_email(&state, &input.token).await?;
    Ok(StatusCode::NO_CONTENT)
}
