//! Conversations in the API: the list with unread counts, opening a direct
//! conversation or that of an exchange, pairing or team, reading a page of
//! messages, writing, marking read, muting, blocking and reporting.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use entraide_store::conversations::{ConversationSummary, Group};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::visits::Created;
use crate::auth::SignedIn;
use crate::error::AppError;
use crate::forms::ApiJson;
use crate::services::conversations::{self, ConversationView};
use crate::services::moderation;
use crate::state::AppState;

/// Which page of a list (from 1; page 1 holds the newest).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
pub struct PageNumber {
    pub page: Option<i64>,
}

/// A page of the signed-in person's conversations.
#[derive(Serialize, ToSchema)]
pub struct ConversationList {
    pub conversations: Vec<ConversationSummary>,
    /// True when a next page exists.
    pub more: bool,
    /// Unread messages across the conversations not muted.
    pub unread: i64,
}

/// The signed-in person's conversations, the most recently active first.
#[utoipa::path(get, path = "/api/v1/conversations", tag = "conversations", params(PageNumber), responses((status = 200, body = ConversationList)))]
pub async fn list(
    State(state): State<AppState>,
    me: SignedIn,
    Query(params): Query<PageNumber>,
) -> Result<Json<ConversationList>, AppError> {
    let listing = conversations::list(&state, &me.user, params.page.unwrap_or(1)).await?;
    Ok(Json(ConversationList {
        conversations: listing.rows,
        more: listing.more,
        unread: state.db.unread_messages(me.user.id).await?,
    }))
}

/// Open (or start) the direct conversation with a person whose profile the
/// caller may see. Refused with 409 `message-blocked` when that person
/// blocked the caller and they never talked.
#[utoipa::path(post, path = "/api/v1/people/{id}/conversation", tag = "conversations", params(("id" = i64, Path)),
    responses((status = 200, body = Created), (status = 404), (status = 409)))]
pub async fn open_direct(
    State(state): State<AppState>,
    me: SignedIn,
    Path(person): Path<i64>,
) -> Result<Json<Created>, AppError> {
    let id = conversations::open_direct(&state, &me.user, person).await?;
    Ok(Json(Created { id }))
}

/// Open the conversation of an exchange (its owner and accepted helpers).
#[utoipa::path(post, path = "/api/v1/exchanges/{id}/conversation", tag = "conversations", params(("id" = i64, Path)),
    responses((status = 200, body = Created), (status = 403), (status = 404)))]
pub async fn open_exchange(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<Json<Created>, AppError> {
    let id = conversations::open_group(&state, &me.user, Group::Exchange(id)).await?;
    Ok(Json(Created { id }))
}

/// Open the conversation of a visits pair (the pair and its coordinators).
#[utoipa::path(post, path = "/api/v1/pairings/{id}/conversation", tag = "conversations", params(("id" = i64, Path)),
    responses((status = 200, body = Created), (status = 403), (status = 404)))]
pub async fn open_pairing(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<Json<Created>, AppError> {
    let id = conversations::open_group(&state, &me.user, Group::Pairing(id)).await?;
    Ok(Json(Created { id }))
}

/// Open an organisation's team conversation (volunteers, coordinators,
/// social workers and admins).
#[utoipa::path(post, path = "/api/v1/orgs/{id}/conversation", tag = "conversations", params(("id" = i64, Path)),
    responses((status = 200, body = Created), (status = 403), (status = 404)))]
pub async fn open_team(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<Json<Created>, AppError> {
    let id = conversations::open_group(&state, &me.user, Group::Team(id)).await?;
    Ok(Json(Created { id }))
}

/// One page of a conversation's messages (page 1: the newest; oldest first
/// inside a page). Reading does not mark read: see `/read`.
#[utoipa::path(get, path = "/api/v1/conversations/{id}/messages", tag = "conversations", params(("id" = i64, Path), PageNumber),
    responses((status = 200, body = ConversationView), (status = 403), (status = 404)))]
pub async fn messages(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    Query(params): Query<PageNumber>,
) -> Result<Json<ConversationView>, AppError> {
    let page = params.page.unwrap_or(1);
    Ok(Json(
        conversations::view(&state, &me.user, id, page, false).await?,
    ))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct MessageInput {
    /// 1 to 4000 characters.
    pub body: String,
}

/// Write a message. The other members are notified (unless they muted the
/// conversation or blocked the author).
#[utoipa::path(post, path = "/api/v1/conversations/{id}/messages", tag = "conversations", params(("id" = i64, Path)), request_body = MessageInput,
    responses((status = 201, body = Created), (status = 403), (status = 404),
        (status = 409, description = "account-suspended, message-blocked or you-blocked"), (status = 422)))]
pub async fn post(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<MessageInput>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    let id = conversations::post(&state, &me.user, id, &input.body).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ReadBody {
    /// Read up to this message; the newest when absent.
    pub up_to: Option<i64>,
}

/// Mark messages read (and their notifications).
#[utoipa::path(post, path = "/api/v1/conversations/{id}/read", tag = "conversations", params(("id" = i64, Path)), request_body = ReadBody,
    responses((status = 204), (status = 403), (status = 404)))]
pub async fn read(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<ReadBody>,
) -> Result<StatusCode, AppError> {
    conversations::mark_read(&state, &me.user, id, input.up_to).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct MuteBody {
    pub muted: bool,
}

/// Mute or unmute a conversation: a muted one notifies nothing and adds
/// nothing to the unread count.
#[utoipa::path(put, path = "/api/v1/conversations/{id}/mute", tag = "conversations", params(("id" = i64, Path)), request_body = MuteBody,
    responses((status = 204), (status = 403), (status = 404)))]
pub async fn mute(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<MuteBody>,
) -> Result<StatusCode, AppError> {
    conversations::set_muted(&state, &me.user, id, input.muted).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Block a person: they can no longer write to the caller privately, and
/// their messages in groups come folded.
#[utoipa::path(put, path = "/api/v1/people/{id}/block", tag = "conversations", params(("id" = i64, Path)),
    responses((status = 204), (status = 404), (status = 409)))]
pub async fn block(
    State(state): State<AppState>,
    me: SignedIn,
    Path(person): Path<i64>,
) -> Result<StatusCode, AppError> {
    conversations::set_blocked(&state, &me.user, person, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/api/v1/people/{id}/block", tag = "conversations", params(("id" = i64, Path)),
    responses((status = 204), (status = 409)))]
pub async fn unblock(
    State(state): State<AppState>,
    me: SignedIn,
    Path(person): Path<i64>,
) -> Result<StatusCode, AppError> {
    conversations::set_blocked(&state, &me.user, person, false).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ReportBody {
    /// Why (1 to 1000 characters).
    pub reason: String,
}

/// Report a message of a conversation the caller belongs to.
#[utoipa::path(post, path = "/api/v1/messages/{id}/report", tag = "conversations", params(("id" = i64, Path)), request_body = ReportBody,
    responses((status = 201, body = Created), (status = 403), (status = 404),
        (status = 409, description = "already-reported or report-own"), (status = 422)))]
pub async fn report(
    State(state): State<AppState>,
    me: SignedIn,
    Path(message): Path<i64>,
    ApiJson(input): ApiJson<ReportBody>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    let id = moderation::report(&state, &me.user, message, &input.reason).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}
