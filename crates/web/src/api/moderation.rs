//! Moderation in the API: the open reports a moderator handles, the log,
//! and the acts on a reported message.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use entraide_core::conversation::ModerationAction;
use entraide_store::moderation::{LogEntry, Report};
use serde::Serialize;
use utoipa::ToSchema;

use super::conversations::PageNumber;
use crate::auth::SignedIn;
use crate::error::AppError;
use crate::forms::ApiJson;
use crate::services::moderation::{self, ActInput};
use crate::state::AppState;

/// A page of open reports.
#[derive(Serialize, ToSchema)]
pub struct ReportList {
    pub reports: Vec<Report>,
    pub more: bool,
}

/// Open reports in the conversations the caller moderates (an
/// organisation's admins: those linked to it; platform administrators:
/// all), the newest first.
#[utoipa::path(get, path = "/api/v1/moderation", tag = "moderation", params(PageNumber),
    responses((status = 200, body = ReportList), (status = 403)))]
pub async fn queue(
    State(state): State<AppState>,
    me: SignedIn,
    Query(params): Query<PageNumber>,
) -> Result<Json<ReportList>, AppError> {
    let listing = moderation::queue(&state, &me.user, params.page.unwrap_or(1)).await?;
    Ok(Json(ReportList {
        reports: listing.rows,
        more: listing.more,
    }))
}

/// A page of the moderation log.
#[derive(Serialize, ToSchema)]
pub struct LogList {
    pub entries: Vec<LogEntry>,
    pub more: bool,
}

/// What moderators did, in the caller's scope, the newest first.
#[utoipa::path(get, path = "/api/v1/moderation/log", tag = "moderation", params(PageNumber),
    responses((status = 200, body = LogList), (status = 403)))]
pub async fn log(
    State(state): State<AppState>,
    me: SignedIn,
    Query(params): Query<PageNumber>,
) -> Result<Json<LogList>, AppError> {
    let listing = moderation::log(&state, &me.user, params.page.unwrap_or(1)).await?;
    Ok(Json(LogList {
        entries: listing.rows,
        more: listing.more,
    }))
}

async fn act(
    state: &AppState,
    me: &SignedIn,
    message: i64,
    action: ModerationAction,
    input: &ActInput,
) -> Result<StatusCode, AppError> {
    moderation::act(state, &me.user, message, action, input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Hide a message: everyone but moderators sees "hidden by moderation".
/// Settles its open reports.
#[utoipa::path(post, path = "/api/v1/moderation/messages/{id}/hide", tag = "moderation", params(("id" = i64, Path)), request_body = ActInput,
    responses((status = 204), (status = 403), (status = 404), (status = 422)))]
pub async fn hide(
    State(state): State<AppState>,
    me: SignedIn,
    Path(message): Path<i64>,
    ApiJson(input): ApiJson<ActInput>,
) -> Result<StatusCode, AppError> {
    act(&state, &me, message, ModerationAction::Hide, &input).await
}

/// Show a hidden message again.
#[utoipa::path(post, path = "/api/v1/moderation/messages/{id}/unhide", tag = "moderation", params(("id" = i64, Path)), request_body = ActInput,
    responses((status = 204), (status = 403), (status = 404), (status = 422)))]
pub async fn unhide(
    State(state): State<AppState>,
    me: SignedIn,
    Path(message): Path<i64>,
    ApiJson(input): ApiJson<ActInput>,
) -> Result<StatusCode, AppError> {
    act(&state, &me, message, ModerationAction::Unhide, &input).await
}

/// Warn the author (they are notified). Settles the open reports.
#[utoipa::path(post, path = "/api/v1/moderation/messages/{id}/warn", tag = "moderation", params(("id" = i64, Path)), request_body = ActInput,
    responses((status = 204), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn warn(
    State(state): State<AppState>,
    me: SignedIn,
    Path(message): Path<i64>,
    ApiJson(input): ApiJson<ActInput>,
) -> Result<StatusCode, AppError> {
    act(&state, &me, message, ModerationAction::Warn, &input).await
}

/// Suspend the author for `days` (platform administrators): they cannot
/// post meanwhile. Settles the open reports.
#[utoipa::path(post, path = "/api/v1/moderation/messages/{id}/suspend", tag = "moderation", params(("id" = i64, Path)), request_body = ActInput,
    responses((status = 204), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn suspend(
    State(state): State<AppState>,
    me: SignedIn,
    Path(message): Path<i64>,
    ApiJson(input): ApiJson<ActInput>,
) -> Result<StatusCode, AppError> {
    act(&state, &me, message, ModerationAction::Suspend, &input).await
}

/// Settle the open reports without any other act.
#[utoipa::path(post, path = "/api/v1/moderation/messages/{id}/dismiss", tag = "moderation", params(("id" = i64, Path)), request_body = ActInput,
    responses((status = 204), (status = 403), (status = 404), (status = 422)))]
pub async fn dismiss(
    State(state): State<AppState>,
    me: SignedIn,
    Path(message): Path<i64>,
    ApiJson(input): ApiJson<ActInput>,
) -> Result<StatusCode, AppError> {
    act(&state, &me, message, ModerationAction::Dismiss, &input).await
}
