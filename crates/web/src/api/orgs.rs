//! Organisation endpoints of the API.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use entraide_store::orgs::{Member, Organisation};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::me::PageParams;
use crate::auth::SignedIn;
use crate::error::AppError;
use crate::forms::ApiJson;
use crate::services::members_csv::{self, ImportReport};
use crate::services::orgs::{self, Handout, OrgInput, RegisterInput};
use crate::state::AppState;

#[utoipa::path(get, path = "/api/v1/orgs", tag = "organisations", params(PageParams), responses((status = 200, body = [Organisation])))]
pub async fn list(
    State(state): State<AppState>,
    _me: SignedIn,
    Query(params): Query<PageParams>,
) -> Result<Json<Vec<Organisation>>, AppError> {
    Ok(Json(state.db.organisations(params.page()).await?.rows))
}

/// Create an organisation; its creator becomes its admin.
#[utoipa::path(post, path = "/api/v1/orgs", tag = "organisations", request_body = OrgInput,
    responses((status = 201, body = Organisation), (status = 409, description = "name taken"), (status = 422)))]
pub async fn create(
    State(state): State<AppState>,
    me: SignedIn,
    ApiJson(input): ApiJson<OrgInput>,
) -> Result<(StatusCode, Json<Organisation>), AppError> {
    let id = orgs::create(&state, &me.user, &input).await?;
    Ok((StatusCode::CREATED, Json(state.db.organisation(id).await?)))
}

#[utoipa::path(get, path = "/api/v1/orgs/{id}", tag = "organisations", params(("id" = i64, Path)), responses((status = 200, body = Organisation), (status = 404)))]
pub async fn show(
    State(state): State<AppState>,
    _me: SignedIn,
    Path(id): Path<i64>,
) -> Result<Json<Organisation>, AppError> {
    Ok(Json(state.db.organisation(id).await?))
}

#[utoipa::path(put, path = "/api/v1/orgs/{id}", tag = "organisations", params(("id" = i64, Path)), request_body = OrgInput,
    responses((status = 200, body = Organisation), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn update(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<OrgInput>,
) -> Result<Json<Organisation>, AppError> {
    orgs::update(&state, &me.user, id, &input).await?;
    Ok(Json(state.db.organisation(id).await?))
}

#[utoipa::path(get, path = "/api/v1/orgs/{id}/members", tag = "organisations", params(("id" = i64, Path), PageParams),
    responses((status = 200, body = [Member]), (status = 403), (status = 404)))]
pub async fn members(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    Query(params): Query<PageParams>,
) -> Result<Json<Vec<Member>>, AppError> {
    Ok(Json(
        orgs::members(&state, &me.user, id, params.page())
            .await?
            .rows,
    ))
}

#[derive(Deserialize, Default, ToSchema)]
#[serde(default)]
pub struct RoleInput {
    /// `member`, `volunteer`, `coordinator`, `social_worker` or `admin`.
    pub role: String,
}

#[utoipa::path(put, path = "/api/v1/orgs/{id}/members/{user}", tag = "organisations", params(("id" = i64, Path), ("user" = i64, Path)), request_body = RoleInput,
    responses((status = 204), (status = 403), (status = 404), (status = 409, description = "last admin"), (status = 422)))]
pub async fn change_role(
    State(state): State<AppState>,
    me: SignedIn,
    Path((id, user)): Path<(i64, i64)>,
    ApiJson(input): ApiJson<RoleInput>,
) -> Result<StatusCode, AppError> {
    orgs::change_role(&state, &me.user, id, user, &input.role).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Remove a member, or leave (when `user` is oneself).
#[utoipa::path(delete, path = "/api/v1/orgs/{id}/members/{user}", tag = "organisations", params(("id" = i64, Path), ("user" = i64, Path)),
    responses((status = 204), (status = 403), (status = 404), (status = 409, description = "last admin")))]
pub async fn remove_member(
    State(state): State<AppState>,
    me: SignedIn,
    Path((id, user)): Path<(i64, i64)>,
) -> Result<StatusCode, AppError> {
    orgs::remove_member(&state, &me.user, id, user).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct InvitationLink {
    pub link: String,
}

#[utoipa::path(post, path = "/api/v1/orgs/{id}/invitations", tag = "organisations", params(("id" = i64, Path)), request_body = RoleInput,
    responses((status = 201, body = InvitationLink), (status = 403), (status = 422)))]
pub async fn invite(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<RoleInput>,
) -> Result<(StatusCode, Json<InvitationLink>), AppError> {
    let link = orgs::invite(&state, &me.user, id, &input.role).await?;
    Ok((StatusCode::CREATED, Json(InvitationLink { link })))
}

#[derive(Serialize, ToSchema)]
pub struct Joined {
    pub org_id: i64,
}

/// Join with the token at the end of an invitation link.
#[utoipa::path(post, path = "/api/v1/invitations/{token}/accept", tag = "organisations", params(("token" = String, Path)),
    responses((status = 200, body = Joined), (status = 409, description = "link expired")))]
pub async fn accept(
    State(state): State<AppState>,
    me: SignedIn,
    Path(token): Path<String>,
) -> Result<Json<Joined>, AppError> {
    Ok(Json(Joined {
        org_id: orgs::accept_invitation(&state, &me.user, &token).await?,
    }))
}

/// Register a person without email; returns their login and PIN, once.
#[utoipa::path(post, path = "/api/v1/orgs/{id}/people", tag = "accompaniment", params(("id" = i64, Path)), request_body = RegisterInput,
    responses((status = 201, body = Handout), (status = 403), (status = 422)))]
pub async fn register(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<RegisterInput>,
) -> Result<(StatusCode, Json<Handout>), AppError> {
    Ok((
        StatusCode::CREATED,
        Json(orgs::register_person(&state, &me.user, id, &input).await?),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct NewPin {
    pub pin: String,
}

/// Unlock a PIN account with a new PIN, returned once.
#[utoipa::path(post, path = "/api/v1/orgs/{id}/members/{user}/unlock", tag = "accompaniment", params(("id" = i64, Path), ("user" = i64, Path)),
    responses((status = 200, body = NewPin), (status = 403), (status = 404), (status = 409)))]
pub async fn unlock(
    State(state): State<AppState>,
    me: SignedIn,
    Path((id, user)): Path<(i64, i64)>,
) -> Result<Json<NewPin>, AppError> {
    Ok(Json(NewPin {
        pin: orgs::unlock_pin(&state, &me.user, id, user).await?,
    }))
}

/// The members as a CSV download; the organisation page links here too.
#[utoipa::path(get, path = "/api/v1/orgs/{id}/members.csv", tag = "organisations", params(("id" = i64, Path)),
    responses((status = 200, content_type = "text/csv", body = String), (status = 403)))]
pub async fn export_csv(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let csv = members_csv::export(&state, &me.user, id).await?;
    let disposition = format!("attachment; filename=\"members-{id}.csv\"");
    let headers = [
        (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
        (header::CONTENT_DISPOSITION, disposition),
    ];
    Ok((headers, csv).into_response())
}

#[derive(Deserialize, Default, IntoParams)]
#[serde(default)]
pub struct ImportParams {
    /// When true (the default), only report what would happen.
    pub dry_run: Option<bool>,
}

/// Import members from CSV (`email,display_name,role`). Nothing changes on a dry run or when any row is refused.
#[utoipa::path(post, path = "/api/v1/orgs/{id}/members/import", tag = "organisations", params(("id" = i64, Path), ImportParams),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 200, body = ImportReport), (status = 403), (status = 409, description = "missing header")))]
pub async fn import(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    Query(params): Query<ImportParams>,
    body: Bytes,
) -> Result<Json<ImportReport>, AppError> {
    let text = std::str::from_utf8(&body).map_err(|_| AppError::Malformed)?;
    let dry_run = params.dry_run.unwrap_or(true);
    Ok(Json(
        members_csv::import(&state, &me.user, me.ctx.lang, id, text, dry_run).await?,
    ))
}
