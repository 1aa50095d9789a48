//! Time claims over the API: the claims of an exchange, one claim, a step
//! on it, a bank's queue by state, and the time bank's CSV statements.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use entraide_core::claim::ClaimState;
use entraide_store::Page;
use entraide_store::claims::Claim;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::SignedIn;
use crate::error::AppError;
use crate::forms::ApiJson;
use crate::services::claims::{self, ClaimInput};
use crate::services::timebank_csv;
use crate::state::AppState;

/// The claims of an exchange the caller may see (it must be done).
#[utoipa::path(get, path = "/api/v1/exchanges/{id}/claims", tag = "time bank",
    responses((status = 200, body = [Claim]), (status = 404)))]
pub async fn of_exchange(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<Json<Vec<Claim>>, AppError> {
    state.db.exchange(id).await?;
    Ok(Json(claims::of_exchange(&state, &me.user, id).await?))
}

/// One claim: for the helper, the person helped (or who acts for them)
/// and the bank's administrators.
#[utoipa::path(get, path = "/api/v1/claims/{id}", tag = "time bank",
    responses((status = 200, body = Claim), (status = 404)))]
pub async fn show(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<Json<Claim>, AppError> {
    Ok(Json(claims::view(&state, &me.user, id).await?))
}

/// A step on a claim. The person helped confirms (optionally with the
/// time) or disputes with a reason; the helper adjusts the time or
/// withdraws; the bank's administrators settle a dispute (paid by the
/// person helped), pay it from the organisation or cancel it. 409
/// `claim-state` when the claim is no longer in a state for that step;
/// `ledger-floor`/`ledger-ceiling` when the bank's limits refuse it.
#[utoipa::path(post, path = "/api/v1/claims/{id}", tag = "time bank", request_body = ClaimInput,
    responses((status = 200, body = Claim), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn act(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<ClaimInput>,
) -> Result<Json<Claim>, AppError> {
    Ok(Json(claims::act(&state, &me.user, id, &body).await?))
}

#[derive(Deserialize, Default, IntoParams)]
#[serde(default)]
pub struct QueueParams {
    /// pending, confirmed, disputed (the default) or cancelled.
    pub state: Option<String>,
    pub page: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct ClaimList {
    pub claims: Vec<Claim>,
    pub more: bool,
}

/// A bank's claims in one state, oldest first (administrators).
#[utoipa::path(get, path = "/api/v1/orgs/{id}/timebank/claims", tag = "time bank", params(QueueParams),
    responses((status = 200, body = ClaimList), (status = 403), (status = 404), (status = 422)))]
pub async fn queue(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    Query(params): Query<QueueParams>,
) -> Result<Json<ClaimList>, AppError> {
    let shown = match params.state.as_deref() {
        None | Some("") => ClaimState::Disputed,
        Some(raw) => ClaimState::parse(raw).map_err(AppError::field)?,
    };
    let page = Page::new(params.page.unwrap_or(1).max(1), 50);
    let listing = claims::of_bank(&state, &me.user, id, shown, page).await?;
    Ok(Json(ClaimList {
        claims: listing.rows,
        more: listing.more,
    }))
}

fn csv_file(name: String, body: String) -> Response {
    let headers = [
        (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
        (
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ),
    ];
    (headers, body).into_response()
}

/// The caller's statement in the bank as CSV, oldest first.
#[utoipa::path(get, path = "/api/v1/orgs/{id}/timebank/statement.csv", tag = "time bank",
    responses((status = 200, content_type = "text/csv", body = String), (status = 403), (status = 404)))]
pub async fn statement_csv(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let body = timebank_csv::statement(&state, &me.user, id).await?;
    Ok(csv_file(format!("time-statement-{id}.csv"), body))
}

/// Every movement of the bank as CSV, oldest first (administrators).
#[utoipa::path(get, path = "/api/v1/orgs/{id}/timebank/transfers.csv", tag = "time bank",
    responses((status = 200, content_type = "text/csv", body = String), (status = 403), (status = 404)))]
pub async fn bank_csv(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let body = timebank_csv::bank(&state, &me.user, id).await?;
    Ok(csv_file(format!("time-bank-{id}.csv"), body))
}
