//! Thanks over the API: say thanks to a person, and read what they received.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::SignedIn;
use crate::error::AppError;
use crate::forms::ApiJson;
use crate::services::thanks::{self, Received};
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
pub struct ThanksBody {
    /// An optional word (up to 500 characters).
    #[serde(default)]
    pub message: String,
    /// The exchange the thanks are for; both people must have taken part.
    #[serde(default)]
    pub exchange: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct Given {
    /// Thanks still available today.
    pub left_today: i64,
}

/// Thanks a person (five a day). 409 `thanks-allowance` when none are left.
#[utoipa::path(post, path = "/api/v1/people/{id}/thanks", tag = "thanks", request_body = ThanksBody,
    responses((status = 201, body = Given), (status = 404), (status = 409), (status = 422)))]
pub async fn give(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<ThanksBody>,
) -> Result<(StatusCode, Json<Given>), AppError> {
    let left_today = thanks::give(&state, &me.user, id, &body.message, body.exchange).await?;
    Ok((StatusCode::CREATED, Json(Given { left_today })))
}

/// The thanks a person received (count and latest five).
#[utoipa::path(get, path = "/api/v1/people/{id}/thanks", tag = "thanks",
    responses((status = 200, body = Received), (status = 404)))]
pub async fn received(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<Json<Received>, AppError> {
    crate::services::profiles::view_person(&state, &me.user, id).await?;
    Ok(Json(thanks::received(&state, &me.user, id).await?))
}
