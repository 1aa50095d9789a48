//! An organisation's time bank over the API: settings, the member's
//! account and statement, transfers, reversals and the bank's totals.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use entraide_store::ledger::Transfer;
use entraide_store::ledger_views::{BankLine, BankTotals};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::me::PageParams;
use crate::auth::SignedIn;
use crate::error::AppError;
use crate::forms::ApiJson;
use crate::services::timebank::{self, BankSettings, GiftInput, MyAccount};
use crate::state::AppState;

/// Opens the bank or changes its settings (organisation admins).
#[utoipa::path(put, path = "/api/v1/orgs/{id}/timebank", tag = "time bank", request_body = BankSettings,
    responses((status = 204), (status = 403), (status = 422)))]
pub async fn configure(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<BankSettings>,
) -> Result<StatusCode, AppError> {
    timebank::configure(&state, &me.user, id, &body).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The signed-in member's balance (minutes), the bank's limits and the
/// statement, newest first.
#[utoipa::path(get, path = "/api/v1/orgs/{id}/timebank", tag = "time bank", params(PageParams),
    responses((status = 200, body = MyAccount), (status = 403), (status = 404)))]
pub async fn account(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    Query(params): Query<PageParams>,
) -> Result<Json<MyAccount>, AppError> {
    Ok(Json(
        timebank::my_account(&state, &me.user, id, params.page()).await?,
    ))
}

/// Gives time (`kind` gift, from one's account) or pays collective work
/// (`kind` collective, from the organisation's, for admins). Sending the
/// same `key` again returns the first transfer. Refusals: 409
/// `ledger-floor`, `ledger-ceiling`, `ledger-same-account`.
#[utoipa::path(post, path = "/api/v1/orgs/{id}/timebank/transfers", tag = "time bank", request_body = GiftInput,
    responses((status = 201, body = Transfer), (status = 403), (status = 409), (status = 422)))]
pub async fn transfer(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<GiftInput>,
) -> Result<(StatusCode, Json<Transfer>), AppError> {
    let done = timebank::give(&state, &me.user, id, &body).await?;
    Ok((StatusCode::CREATED, Json(done)))
}

#[derive(Deserialize, ToSchema)]
pub struct ReverseBody {
    /// Why it is reversed; kept with the reversal.
    pub why: String,
}

/// Reverses a transfer (organisation admins); once per transfer.
#[utoipa::path(post, path = "/api/v1/orgs/{id}/timebank/transfers/{transfer}/reverse", tag = "time bank",
    request_body = ReverseBody, responses((status = 201, body = Transfer), (status = 403), (status = 409)))]
pub async fn reverse(
    State(state): State<AppState>,
    me: SignedIn,
    Path((id, transfer)): Path<(i64, i64)>,
    ApiJson(body): ApiJson<ReverseBody>,
) -> Result<(StatusCode, Json<Transfer>), AppError> {
    let done = timebank::reverse(&state, &me.user, id, transfer, &body.why).await?;
    Ok((StatusCode::CREATED, Json(done)))
}

#[derive(Serialize, ToSchema)]
pub struct BankView {
    pub totals: BankTotals,
    /// The bank's latest fifty movements.
    pub recent: Vec<BankLine>,
}

/// The bank's totals (always summing to zero) for its admins.
#[utoipa::path(get, path = "/api/v1/orgs/{id}/timebank/totals", tag = "time bank",
    responses((status = 200, body = BankView), (status = 403)))]
pub async fn totals(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<Json<BankView>, AppError> {
    let (totals, recent) = timebank::totals(&state, &me.user, id).await?;
    Ok(Json(BankView { totals, recent }))
}
