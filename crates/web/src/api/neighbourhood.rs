//! "My neighbourhood" in the API: the overview, the map's areas, the local
//! board (posts, comments, mercis, reports) and its moderation.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use entraide_core::board::PostInput;
use entraide_store::board_moderation::{BoardAction, BoardReport};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::SignedIn;
use crate::error::AppError;
use crate::forms::ApiJson;
use crate::services::board::{self, PostDetail, PostView};
use crate::services::board_moderation;
use crate::services::map::{self, MapQuery, MapView};
use crate::services::neighbourhood::{self, Overview};
use crate::state::AppState;

/// The people nearby, needs and offers around, events to come and the
/// latest posts of the board reaching the signed-in person's home.
#[utoipa::path(get, path = "/api/v1/neighbourhood", tag = "neighbourhood",
    responses((status = 200, body = Overview)))]
pub async fn overview(
    State(state): State<AppState>,
    me: SignedIn,
) -> Result<Json<Overview>, AppError> {
    Ok(Json(neighbourhood::overview(&state, &me.user).await?))
}

/// Areas of the viewport with how many members visible to neighbours each
/// stands for: never fewer than the instance's `min_people`, never a point.
#[utoipa::path(get, path = "/api/v1/neighbourhood/map", tag = "neighbourhood", params(MapQuery),
    responses((status = 200, body = MapView), (status = 422, description = "viewport too wide or zoom out of 12–19")))]
pub async fn areas(
    State(state): State<AppState>,
    _me: SignedIn,
    Query(query): Query<MapQuery>,
) -> Result<Json<MapView>, AppError> {
    let viewport = query.viewport()?;
    Ok(Json(map::areas(&state, &viewport).await?))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
pub struct BoardParams {
    /// `info`, `question`, `lost-found`, `alert` or `event`.
    pub kind: Option<String>,
    pub page: Option<i64>,
}

/// A page of posts.
#[derive(Serialize, ToSchema)]
pub struct PostPage {
    pub items: Vec<PostView>,
    pub more: bool,
}

/// The posts reaching the signed-in person's home, newest first.
#[utoipa::path(get, path = "/api/v1/neighbourhood/posts", tag = "neighbourhood", params(BoardParams),
    responses((status = 200, body = PostPage), (status = 422)))]
pub async fn posts(
    State(state): State<AppState>,
    me: SignedIn,
    Query(params): Query<BoardParams>,
) -> Result<Json<PostPage>, AppError> {
    let listing = board::board(
        &state,
        &me.user,
        params.kind.as_deref(),
        params.page.unwrap_or(1),
        board::PER_PAGE,
    )
    .await?;
    Ok(Json(PostPage {
        items: listing.rows,
        more: listing.more,
    }))
}

/// A post to put on the board.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct PostBody {
    /// `info`, `question`, `lost-found`, `alert` or `event`.
    pub kind: String,
    pub title: String,
    pub body: String,
    /// Reach around one's home: 500, 1000 (default), 2000 or 5000 metres.
    pub radius_m: Option<i64>,
    /// Events: `YYYY-MM-DD` and `HH:MM`, French time.
    pub event_date: String,
    pub event_time: String,
}

/// Post on the board, for the people living within the radius of one's home.
/// 409 `home-needed` without a home.
#[utoipa::path(post, path = "/api/v1/neighbourhood/posts", tag = "neighbourhood", request_body = PostBody,
    responses((status = 201, body = PostDetail), (status = 409), (status = 422)))]
pub async fn create(
    State(state): State<AppState>,
    me: SignedIn,
    ApiJson(body): ApiJson<PostBody>,
) -> Result<(StatusCode, Json<PostDetail>), AppError> {
    let input = PostInput {
        kind: body.kind,
        title: body.title,
        body: body.body,
        radius: body.radius_m.map(|r| r.to_string()).unwrap_or_default(),
        event_date: body.event_date,
        event_time: body.event_time,
    };
    let id = board::create(&state, &me.user, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(board::show(&state, &me.user, id).await?),
    ))
}

/// A post with its comments; 404 when it does not reach one's home.
#[utoipa::path(get, path = "/api/v1/neighbourhood/posts/{id}", tag = "neighbourhood",
    responses((status = 200, body = PostDetail), (status = 404)))]
pub async fn show(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<Json<PostDetail>, AppError> {
    Ok(Json(board::show(&state, &me.user, id).await?))
}

/// Delete one's own post.
#[utoipa::path(delete, path = "/api/v1/neighbourhood/posts/{id}", tag = "neighbourhood",
    responses((status = 204), (status = 404)))]
pub async fn delete(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<StatusCode, AppError> {
    board::delete(&state, &me.user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct CommentBody {
    pub body: String,
}

pub use super::visits::Created;

/// Comment on a post.
#[utoipa::path(post, path = "/api/v1/neighbourhood/posts/{id}/comments", tag = "neighbourhood",
    request_body = CommentBody, responses((status = 201, body = Created), (status = 404), (status = 409), (status = 422)))]
pub async fn comment(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<CommentBody>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    let id = board::comment(&state, &me.user, id, &body.body).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

#[derive(Serialize, ToSchema)]
pub struct Thanked {
    /// Thanks still available today (mercis share the thanks allowance).
    pub left_today: i64,
}

/// Say merci for a post: a thanks to its author, once per post, within the
/// daily thanks allowance (409 `thanks-allowance`, `already-thanked`).
#[utoipa::path(post, path = "/api/v1/neighbourhood/posts/{id}/thanks", tag = "neighbourhood",
    responses((status = 201, body = Thanked), (status = 404), (status = 409)))]
pub async fn thank(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<(StatusCode, Json<Thanked>), AppError> {
    let left_today = board::thank(&state, &me.user, id).await?;
    Ok((StatusCode::CREATED, Json(Thanked { left_today })))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct PostReportBody {
    pub reason: String,
    /// A comment of the post; absent or 0 reports the post itself.
    pub comment_id: Option<i64>,
}

/// Report a post or one of its comments to its moderators.
#[utoipa::path(post, path = "/api/v1/neighbourhood/posts/{id}/report", tag = "neighbourhood",
    request_body = PostReportBody, responses((status = 201, body = Created), (status = 404), (status = 409), (status = 422)))]
pub async fn report(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<PostReportBody>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    let comment = body.comment_id.unwrap_or(0);
    let id = board_moderation::report(&state, &me.user, id, comment, &body.reason).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ModerationBody {
    /// `hide`, `unhide` or `dismiss`.
    pub action: String,
    /// A comment of the post; absent or 0 acts on the post itself.
    pub comment_id: Option<i64>,
    /// A few words for the moderation log.
    pub note: String,
}

/// Hide, show again, or dismiss the reports of a post or a comment
/// (platform administrators and the author's organisations' moderators).
#[utoipa::path(post, path = "/api/v1/neighbourhood/posts/{id}/moderation", tag = "neighbourhood",
    request_body = ModerationBody, responses((status = 204), (status = 403), (status = 404), (status = 422)))]
pub async fn moderate(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<ModerationBody>,
) -> Result<StatusCode, AppError> {
    let action = parse_action(&body.action)?;
    let comment = body.comment_id.unwrap_or(0);
    board_moderation::act(&state, &me.user, id, comment, action, &body.note).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A moderator's act named in a form or a JSON body.
pub fn parse_action(raw: &str) -> Result<BoardAction, AppError> {
    match raw.trim() {
        "hide" => Ok(BoardAction::Hide),
        "unhide" => Ok(BoardAction::Unhide),
        "dismiss" => Ok(BoardAction::Dismiss),
        _ => Err(AppError::field(entraide_core::ParseError::new(
            "action",
            entraide_core::Invalid::Choice,
        ))),
    }
}

#[derive(Serialize, ToSchema)]
pub struct ReportPage {
    pub items: Vec<BoardReport>,
    pub more: bool,
}

/// Open reports of the board one moderates.
#[utoipa::path(get, path = "/api/v1/neighbourhood/reports", tag = "neighbourhood", params(BoardParams),
    responses((status = 200, body = ReportPage), (status = 403)))]
pub async fn reports(
    State(state): State<AppState>,
    me: SignedIn,
    Query(params): Query<BoardParams>,
) -> Result<Json<ReportPage>, AppError> {
    let listing = board_moderation::queue(&state, &me.user, params.page.unwrap_or(1)).await?;
    Ok(Json(ReportPage {
        items: listing.rows,
        more: listing.more,
    }))
}
