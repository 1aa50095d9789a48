//! The signed-in person's notifications, their settings, and (for platform
//! administrators) the jobs that failed for good.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use entraide_store::jobs::DeadJob;
use serde::Serialize;
use utoipa::ToSchema;

use super::me::PageParams;
use crate::auth::{PlatformAdmin, SignedIn};
use crate::error::AppError;
use crate::forms::ApiJson;
use crate::services::notifications::{Counts, counts, sentence};
use crate::services::preferences::{self, SettingsBody};
use crate::state::AppState;

/// A notification, with its sentence in the reader's language.
#[derive(Serialize, ToSchema)]
pub struct NotificationView {
    pub id: i64,
    /// One of invited, response, accepted, reminder, message, visit-overdue,
    /// document-shared, voicemail.
    pub kind: String,
    pub text: String,
    /// A path on this site.
    pub link: String,
    pub created_at: i64,
    pub read: bool,
}

/// The person's notifications, newest first.
#[utoipa::path(get, path = "/api/v1/me/notifications", tag = "notifications", params(PageParams), responses((status = 200, body = [NotificationView])))]
pub async fn list(
    State(state): State<AppState>,
    me: SignedIn,
    Query(params): Query<PageParams>,
) -> Result<Json<Vec<NotificationView>>, AppError> {
    let lang = me.ctx.lang;
    let listing = state.db.notifications(me.user.id, params.page()).await?;
    Ok(Json(
        listing
            .rows
            .into_iter()
            .map(|n| NotificationView {
                text: sentence(lang, &n.kind, n.actor_name.as_deref(), &n.subject),
                id: n.id,
                kind: n.kind,
                link: n.link,
                created_at: n.created_at,
                read: n.read_at.is_some(),
            })
            .collect(),
    ))
}

/// Unread counters (the same as the live stream at `/events` sends).
#[utoipa::path(get, path = "/api/v1/me/counts", tag = "notifications", responses((status = 200, body = Counts)))]
pub async fn unread(State(state): State<AppState>, me: SignedIn) -> Result<Json<Counts>, AppError> {
    Ok(Json(counts(&state, me.user.id).await?))
}

/// Marks one notification read.
#[utoipa::path(post, path = "/api/v1/me/notifications/{id}/read", tag = "notifications", responses((status = 204), (status = 404)))]
pub async fn read(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<StatusCode, AppError> {
    state.db.open_notification(me.user.id, id).await?;
    crate::live::publish(&state, &[me.user.id]).await;
    Ok(StatusCode::NO_CONTENT)
}

/// Marks every notification read.
#[utoipa::path(post, path = "/api/v1/me/notifications/read-all", tag = "notifications", responses((status = 204)))]
pub async fn read_all(State(state): State<AppState>, me: SignedIn) -> Result<StatusCode, AppError> {
    state.db.read_all_notifications(me.user.id).await?;
    crate::live::publish(&state, &[me.user.id]).await;
    Ok(StatusCode::NO_CONTENT)
}

/// How the person is told outside the site.
#[utoipa::path(get, path = "/api/v1/me/notification-settings", tag = "notifications", responses((status = 200, body = SettingsBody)))]
pub async fn settings(
    State(state): State<AppState>,
    me: SignedIn,
) -> Result<Json<SettingsBody>, AppError> {
    Ok(Json(preferences::load(&state, me.user.id).await?))
}

/// Replaces the settings; a refused field changes nothing.
#[utoipa::path(put, path = "/api/v1/me/notification-settings", tag = "notifications", request_body = SettingsBody, responses((status = 200, body = SettingsBody), (status = 422)))]
pub async fn save_settings(
    State(state): State<AppState>,
    me: SignedIn,
    ApiJson(body): ApiJson<SettingsBody>,
) -> Result<Json<SettingsBody>, AppError> {
    let input = (&body).into();
    Ok(Json(preferences::save(&state, me.user.id, &input).await?))
}

/// Jobs that failed for good (platform administrators).
#[utoipa::path(get, path = "/api/v1/admin/jobs", tag = "admin", params(PageParams), responses((status = 200, body = [DeadJob]), (status = 403)))]
pub async fn dead_jobs(
    State(state): State<AppState>,
    _: PlatformAdmin,
    Query(params): Query<PageParams>,
) -> Result<Json<Vec<DeadJob>>, AppError> {
    Ok(Json(state.db.dead_jobs(params.page()).await?.rows))
}

/// Runs a failed job again (platform administrators).
#[utoipa::path(post, path = "/api/v1/admin/jobs/{id}/retry", tag = "admin", responses((status = 204), (status = 404)))]
pub async fn retry_job(
    State(state): State<AppState>,
    PlatformAdmin(me): PlatformAdmin,
    Path(id): Path<i64>,
) -> Result<StatusCode, AppError> {
    crate::jobs::retry(&state, me.user.id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
