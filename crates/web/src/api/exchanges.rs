//! Needs and offers in the API: search, post, read, match, and every step
//! of their life.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use entraide_core::lifecycle::{ExchangeStep, Step};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::me::PageParams;
use entraide_store::participations::Involvement;

use crate::auth::SignedIn;
use crate::error::AppError;
use crate::forms::ApiJson;
use crate::services::exchange_search::{self, SearchQuery};
use crate::services::exchange_view::{self, ExchangeDetail};
use crate::services::exchanges::{self, ExchangeBody, ExchangeCard};
use crate::services::matching::{self, HelperMatch, NeedMatch};
use crate::state::AppState;

/// A page of needs and offers.
#[derive(Serialize, ToSchema)]
pub struct ExchangePage {
    pub items: Vec<ExchangeCard>,
    /// True when a next page exists.
    pub more: bool,
}

/// Open needs and offers near the signed-in person's home, filtered.
#[utoipa::path(get, path = "/api/v1/exchanges", tag = "exchanges", params(SearchQuery),
    responses((status = 200, body = ExchangePage), (status = 422)))]
pub async fn search(
    State(state): State<AppState>,
    me: SignedIn,
    Query(query): Query<SearchQuery>,
) -> Result<Json<ExchangePage>, AppError> {
    let listing = exchange_search::search(&state, &me.user, &query, 20).await?;
    Ok(Json(ExchangePage {
        items: listing
            .rows
            .iter()
            .map(|e| ExchangeCard::new(e, &me.user))
            .collect(),
        more: listing.more,
    }))
}

/// Post a need or an offer, for oneself or for an accompanied person.
#[utoipa::path(post, path = "/api/v1/exchanges", tag = "exchanges", request_body = ExchangeBody,
    responses((status = 201, body = ExchangeDetail), (status = 403), (status = 409, description = "address not found"), (status = 422)))]
pub async fn create(
    State(state): State<AppState>,
    me: SignedIn,
    ApiJson(body): ApiJson<ExchangeBody>,
) -> Result<(StatusCode, Json<ExchangeDetail>), AppError> {
    let id = exchanges::create(&state, &me.user, &body).await?;
    let exchange = state.db.exchange(id).await?;
    let detail = exchange_view::detail(&state, &me.user, &exchange).await?;
    Ok((StatusCode::CREATED, Json(detail)))
}

#[utoipa::path(get, path = "/api/v1/exchanges/{id}", tag = "exchanges", params(("id" = i64, Path)),
    responses((status = 200, body = ExchangeDetail), (status = 404)))]
pub async fn show(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<Json<ExchangeDetail>, AppError> {
    let exchange = state.db.exchange(id).await?;
    Ok(Json(
        exchange_view::detail(&state, &me.user, &exchange).await?,
    ))
}

/// For a need: the 20 people who could best help, with the reasons.
#[utoipa::path(get, path = "/api/v1/exchanges/{id}/helpers", tag = "exchanges", params(("id" = i64, Path)),
    responses((status = 200, body = [HelperMatch]), (status = 403), (status = 404), (status = 409, description = "not a need")))]
pub async fn helpers(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<Json<Vec<HelperMatch>>, AppError> {
    let exchange = state.db.exchange(id).await?;
    Ok(Json(
        matching::helpers(&state, &me.user, &exchange, me.ctx.lang).await?,
    ))
}

/// For an offer: the open needs nearby that it could meet.
#[utoipa::path(get, path = "/api/v1/exchanges/{id}/needs", tag = "exchanges", params(("id" = i64, Path)),
    responses((status = 200, body = [NeedMatch]), (status = 403), (status = 404), (status = 409, description = "not an offer")))]
pub async fn needs(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<Json<Vec<NeedMatch>>, AppError> {
    let exchange = state.db.exchange(id).await?;
    Ok(Json(
        matching::needs_for_offer(&state, &me.user, &exchange, me.ctx.lang).await?,
    ))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct StepBody {
    /// `invite`, `choose`, `turn_down`, `mark_no_show` (owner side, with
    /// `person_id`); `respond`, `accept_invitation`, `decline_invitation`,
    /// `withdraw` (the participant).
    pub step: String,
    pub person_id: Option<i64>,
    /// A short note with a response or an invitation.
    pub message: String,
}

#[derive(Serialize, ToSchema)]
pub struct StepResult {
    /// The participation after the step.
    pub part: String,
    pub exchange: ExchangeDetail,
}

/// Take one step on a participation. Illegal steps answer 409 and change
/// nothing.
#[utoipa::path(post, path = "/api/v1/exchanges/{id}/steps", tag = "exchanges", params(("id" = i64, Path)), request_body = StepBody,
    responses((status = 200, body = StepResult), (status = 403), (status = 404), (status = 409, description = "not allowed now, or no place left"), (status = 422)))]
pub async fn take_step(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<StepBody>,
) -> Result<Json<StepResult>, AppError> {
    let step = Step::parse(&body.step).map_err(AppError::field)?;
    let part =
        exchanges::take_step(&state, &me.user, id, step, body.person_id, &body.message).await?;
    let exchange = state.db.exchange(id).await?;
    Ok(Json(StepResult {
        part: part.key().to_owned(),
        exchange: exchange_view::detail(&state, &me.user, &exchange).await?,
    }))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct CloseBody {
    /// `complete` or `cancel`.
    pub step: String,
}

/// Complete (once scheduled) or cancel a need or an offer.
#[utoipa::path(post, path = "/api/v1/exchanges/{id}/close", tag = "exchanges", params(("id" = i64, Path)), request_body = CloseBody,
    responses((status = 200, body = ExchangeDetail), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn close(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<CloseBody>,
) -> Result<Json<ExchangeDetail>, AppError> {
    let step = ExchangeStep::parse(&body.step).map_err(AppError::field)?;
    exchanges::close(&state, &me.user, id, step).await?;
    let exchange = state.db.exchange(id).await?;
    Ok(Json(
        exchange_view::detail(&state, &me.user, &exchange).await?,
    ))
}

/// The signed-in person's needs and offers, newest first.
#[utoipa::path(get, path = "/api/v1/me/exchanges", tag = "exchanges", params(PageParams), responses((status = 200, body = ExchangePage)))]
pub async fn mine(
    State(state): State<AppState>,
    me: SignedIn,
    Query(params): Query<PageParams>,
) -> Result<Json<ExchangePage>, AppError> {
    let listing = state.db.exchanges_of(me.user.id, params.page()).await?;
    Ok(Json(ExchangePage {
        items: listing
            .rows
            .iter()
            .map(|e| ExchangeCard::new(e, &me.user))
            .collect(),
        more: listing.more,
    }))
}

/// The signed-in person's invitations and answers; pending invitations first.
#[utoipa::path(get, path = "/api/v1/me/involvements", tag = "exchanges", params(PageParams), responses((status = 200, body = [Involvement])))]
pub async fn involvements(
    State(state): State<AppState>,
    me: SignedIn,
    Query(params): Query<PageParams>,
) -> Result<Json<Vec<Involvement>>, AppError> {
    let listing = state.db.involvements(me.user.id, params.page()).await?;
    Ok(Json(listing.rows))
}
