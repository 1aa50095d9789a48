//! The safe's notes and contacts, desk sessions and the hand-over of a PIN
//! account over the API. Answers that carry sealed text are `no-store`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use axum::{Json, Router};

use super::safe::Created;
use crate::auth::SignedIn;
use crate::error::AppError;
use crate::forms::ApiJson;
use crate::services::desk::{self, SessionInput, SessionView};
use crate::services::handover::{self, HandoverInput, HandoverStatus};
use crate::services::safe_notes::{self, NoteInput, NoteView};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/safe/{owner}/notes", get(notes).post(add_note))
        .route("/notes/{id}", put(edit_note).delete(delete_note))
        .route("/safe/{owner}/sessions", get(sessions).post(record_session))
        .route("/me/handover", get(handover_status).post(hand_over))
}

/// The notes and contacts of a safe: the owner's, or one shared with the
/// caller (logged for the owner).
#[utoipa::path(get, path = "/api/v1/safe/{owner}/notes", tag = "safe",
    responses((status = 200, body = [NoteView]), (status = 404)))]
pub async fn notes(
    State(state): State<AppState>,
    me: SignedIn,
    Path(owner): Path<i64>,
) -> Result<Response, AppError> {
    Ok(Json(safe_notes::list(&state, &me.user, owner).await?).into_response())
}

/// Adds a note (`kind: note`, `text`) or a contact (`kind: contact`,
/// `name`, `role`, `phone`, optional `details`): the owner, or a worker
/// acting for them with their consent.
#[utoipa::path(post, path = "/api/v1/safe/{owner}/notes", tag = "safe", request_body = NoteInput,
    responses((status = 201, body = Created), (status = 404), (status = 422)))]
pub async fn add_note(
    State(state): State<AppState>,
    me: SignedIn,
    Path(owner): Path<i64>,
    ApiJson(body): ApiJson<NoteInput>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    let id = safe_notes::add(&state, &me.user, owner, &body).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// Changes a note or a contact (it keeps its kind). The owner, or the
/// worker acting for them who wrote it last.
#[utoipa::path(put, path = "/api/v1/notes/{id}", tag = "safe", request_body = NoteInput,
    responses((status = 204), (status = 403), (status = 404), (status = 422)))]
pub async fn edit_note(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<NoteInput>,
) -> Result<StatusCode, AppError> {
    safe_notes::edit(&state, &me.user, id, &body).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/api/v1/notes/{id}", tag = "safe",
    responses((status = 204), (status = 403), (status = 404)))]
pub async fn delete_note(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<StatusCode, AppError> {
    safe_notes::delete(&state, &me.user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Desk sessions: all of them for the person, those of the accompanying
/// organisations where the caller is staff otherwise (logged).
#[utoipa::path(get, path = "/api/v1/safe/{owner}/sessions", tag = "safe",
    responses((status = 200, body = [SessionView]), (status = 404)))]
pub async fn sessions(
    State(state): State<AppState>,
    me: SignedIn,
    Path(owner): Path<i64>,
) -> Result<Response, AppError> {
    Ok(Json(desk::list(&state, &me.user, owner).await?).into_response())
}

/// Records a desk session held with the person, for the organisation
/// through which the caller acts for them with their consent.
#[utoipa::path(post, path = "/api/v1/safe/{owner}/sessions", tag = "safe", request_body = SessionInput,
    responses((status = 201, body = Created), (status = 403), (status = 404), (status = 422)))]
pub async fn record_session(
    State(state): State<AppState>,
    me: SignedIn,
    Path(owner): Path<i64>,
    ApiJson(body): ApiJson<SessionInput>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    let id = desk::record(&state, &me.user, owner, &body).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// Where the hand-over of the caller's PIN account stands. 409 `no-pin`
/// for accounts that are already their owner's.
#[utoipa::path(get, path = "/api/v1/me/handover", tag = "accompaniment",
    responses((status = 200, body = HandoverStatus), (status = 409)))]
pub async fn handover_status(
    State(state): State<AppState>,
    me: SignedIn,
) -> Result<Json<HandoverStatus>, AppError> {
    Ok(Json(handover::status(&state, &me.user).await?))
}

/// Takes a PIN account in hand: an email (a confirmation link is sent; the
/// PIN works until it is confirmed, then ends with every session), a
/// password, and the organisations that keep their consent and their
/// share of the safe (those not listed lose them).
#[utoipa::path(post, path = "/api/v1/me/handover", tag = "accompaniment", request_body = HandoverInput,
    responses((status = 202), (status = 409), (status = 422)))]
pub async fn hand_over(
    State(state): State<AppState>,
    me: SignedIn,
    ApiJson(body): ApiJson<HandoverInput>,
) -> Result<StatusCode, AppError> {
    handover::hand_over(&state, &me.user, &body).await?;
    Ok(StatusCode::ACCEPTED)
}
