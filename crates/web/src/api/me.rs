//! The signed-in person's own data: profile, home, tokens, activity,
//! export and deletion; and other people's profiles as they may see them.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use entraide_store::Page;
use entraide_store::audit::AuditEntry;
use entraide_store::users::User;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::SignedIn;
use crate::error::AppError;
use crate::forms::ApiJson;
use crate::services::profiles::{self, LocationInput, PersonView, ProfileInput};
use crate::services::{accounts, privacy};
use crate::state::AppState;

/// The exact home, shown to its owner only.
#[derive(Serialize, ToSchema)]
pub struct ExactHome {
    pub address: Option<String>,
    pub lat: f64,
    pub lng: f64,
}

#[derive(Serialize, ToSchema)]
pub struct MeView {
    pub email: Option<String>,
    pub email_verified: bool,
    pub login: Option<String>,
    pub locale: String,
    pub visibility: String,
    pub platform_admin: bool,
    /// Set when the account is due to be erased (Unix seconds of the request).
    pub deletion_requested_at: Option<i64>,
    pub home: Option<ExactHome>,
    pub profile: PersonView,
}

impl MeView {
    pub async fn load(state: &AppState, user: &User) -> Result<Self, AppError> {
        let tags = state.db.tags(user.id).await?;
        let home = match (user.home_lat, user.home_lng) {
            (Some(lat), Some(lng)) => Some(ExactHome {
                address: user.home_label.clone(),
                lat,
                lng,
            }),
            _ => None,
        };
        Ok(Self {
            email: user.email.clone(),
            email_verified: user.email_verified_at.is_some(),
            login: user.login.clone(),
            locale: user.locale.clone(),
            visibility: user.visibility.clone(),
            platform_admin: user.platform_admin,
            deletion_requested_at: user.deletion_requested_at,
            home,
            profile: PersonView::new(user, tags),
        })
    }
}

/// The signed-in person.
#[utoipa::path(get, path = "/api/v1/me", tag = "profile", responses((status = 200, body = MeView), (status = 401)))]
pub async fn me(State(state): State<AppState>, me: SignedIn) -> Result<Json<MeView>, AppError> {
    Ok(Json(MeView::load(&state, &me.user).await?))
}

/// Replace the profile (all fields at once).
#[utoipa::path(put, path = "/api/v1/me/profile", tag = "profile", request_body = ProfileInput, responses((status = 200, body = MeView), (status = 422)))]
pub async fn update_profile(
    State(state): State<AppState>,
    me: SignedIn,
    ApiJson(input): ApiJson<ProfileInput>,
) -> Result<Json<MeView>, AppError> {
    profiles::update(&state, &me.user, &input).await?;
    Ok(Json(
        MeView::load(&state, &state.db.user(me.user.id).await?).await?,
    ))
}

/// Place the home from an address or a pin.
#[utoipa::path(put, path = "/api/v1/me/location", tag = "profile", request_body = LocationInput,
    responses((status = 200, body = MeView), (status = 409, description = "address not found or search unavailable"), (status = 422)))]
pub async fn set_location(
    State(state): State<AppState>,
    me: SignedIn,
    ApiJson(input): ApiJson<LocationInput>,
) -> Result<Json<MeView>, AppError> {
    profiles::set_location(&state, &me.user, &input).await?;
    Ok(Json(
        MeView::load(&state, &state.db.user(me.user.id).await?).await?,
    ))
}

/// Forget the home location.
#[utoipa::path(delete, path = "/api/v1/me/location", tag = "profile", responses((status = 204)))]
pub async fn clear_location(
    State(state): State<AppState>,
    me: SignedIn,
) -> Result<StatusCode, AppError> {
    profiles::clear_location(&state, &me.user).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct TokenView {
    pub id: i64,
    pub name: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

/// Personal API tokens (their secrets are never shown again).
#[utoipa::path(get, path = "/api/v1/me/tokens", tag = "profile", responses((status = 200, body = [TokenView])))]
pub async fn tokens(
    State(state): State<AppState>,
    me: SignedIn,
) -> Result<Json<Vec<TokenView>>, AppError> {
    let tokens = state.db.api_tokens(me.user.id).await?;
    Ok(Json(
        tokens
            .into_iter()
            .map(|t| TokenView {
                id: t.id,
                name: t.name,
                created_at: t.created_at,
                last_used_at: t.last_used_at,
            })
            .collect(),
    ))
}

#[derive(Deserialize, Default, ToSchema)]
#[serde(default)]
pub struct TokenInput {
    pub name: String,
}

#[derive(Serialize, ToSchema)]
pub struct NewToken {
    pub id: i64,
    pub token: String,
}

#[utoipa::path(post, path = "/api/v1/me/tokens", tag = "profile", request_body = TokenInput, responses((status = 201, body = NewToken), (status = 422)))]
pub async fn create_token(
    State(state): State<AppState>,
    me: SignedIn,
    ApiJson(input): ApiJson<TokenInput>,
) -> Result<(StatusCode, Json<NewToken>), AppError> {
    let (id, token) = accounts::create_api_token(&state, &me.user, &input.name).await?;
    Ok((StatusCode::CREATED, Json(NewToken { id, token })))
}

#[utoipa::path(delete, path = "/api/v1/me/tokens/{id}", tag = "profile", params(("id" = i64, Path)), responses((status = 204), (status = 404)))]
pub async fn revoke_token(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<StatusCode, AppError> {
    crate::services::accounts::revoke_api_token(&state, &me.user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, Default, IntoParams)]
#[serde(default)]
pub struct PageParams {
    /// Page number, from 1.
    pub page: Option<i64>,
    /// Rows per page (1–100).
    pub per_page: Option<i64>,
}

impl PageParams {
    pub fn page(&self) -> Page {
        Page::new(self.page.unwrap_or(1), self.per_page.unwrap_or(50))
    }
}

/// What was done on the person's account, by them or for them.
#[utoipa::path(get, path = "/api/v1/me/activity", tag = "profile", params(PageParams), responses((status = 200, body = [AuditEntry])))]
pub async fn activity(
    State(state): State<AppState>,
    me: SignedIn,
    Query(params): Query<PageParams>,
) -> Result<Json<Vec<AuditEntry>>, AppError> {
    Ok(Json(
        state.db.audit_about(me.user.id, params.page()).await?.rows,
    ))
}

/// Everything Entraide holds about the person (files are in the web page's zip download).
#[utoipa::path(get, path = "/api/v1/me/export", tag = "profile", responses((status = 200, body = Object)))]
pub async fn export(
    State(state): State<AppState>,
    me: SignedIn,
) -> Result<Json<serde_json::Value>, AppError> {
    Ok(Json(privacy::export_json(&state, &me.user).await?))
}

#[derive(Serialize, ToSchema)]
pub struct DeletionScheduled {
    /// When the account will be erased (Unix seconds), unless cancelled.
    pub erase_after: i64,
}

/// Ask for the account to be erased after the grace period.
#[utoipa::path(delete, path = "/api/v1/me", tag = "profile", responses((status = 202, body = DeletionScheduled), (status = 409, description = "last admin of an organisation")))]
pub async fn request_deletion(
    State(state): State<AppState>,
    me: SignedIn,
) -> Result<(StatusCode, Json<DeletionScheduled>), AppError> {
    let erase_after = privacy::request_deletion(&state, &me.user).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(DeletionScheduled { erase_after }),
    ))
}

/// Cancel a pending deletion.
#[utoipa::path(post, path = "/api/v1/me/restore", tag = "profile", responses((status = 204)))]
pub async fn cancel_deletion(
    State(state): State<AppState>,
    me: SignedIn,
) -> Result<StatusCode, AppError> {
    privacy::cancel_deletion(&state, &me.user).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Another person's profile, if they let the caller see it (approximate position only).
#[utoipa::path(get, path = "/api/v1/people/{id}", tag = "profile", params(("id" = i64, Path)), responses((status = 200, body = PersonView), (status = 404)))]
pub async fn person(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<Json<PersonView>, AppError> {
    Ok(Json(profiles::view_person(&state, &me.user, id).await?))
}
