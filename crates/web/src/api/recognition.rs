//! Recognition over the API: a person's record, level, badges and endorsed
//! skills; endorsing a helper after a done exchange, and withdrawing it.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::SignedIn;
use crate::error::AppError;
use crate::forms::ApiJson;
use crate::services::recognition::{self, Recognition};
use crate::state::AppState;

#[derive(Deserialize, Serialize, ToSchema)]
pub struct EndorsementBody {
    /// The person who helped.
    pub helper: Option<i64>,
    /// A key of the skills taxonomy, e.g. `diy`.
    #[serde(default)]
    pub skill: String,
}

#[derive(Serialize, ToSchema)]
pub struct Endorsed {
    pub exchange_id: i64,
    pub helper: i64,
    pub skill: String,
}

/// A person's contributions record, level, badges and endorsed skills
/// (404 when their profile is not visible).
#[utoipa::path(get, path = "/api/v1/people/{id}/recognition", tag = "recognition",
    params(("id" = i64, Path)), responses((status = 200, body = Recognition), (status = 404)))]
pub async fn show(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<Json<Recognition>, AppError> {
    crate::services::profiles::view_person(&state, &me.user, id).await?;
    Ok(Json(recognition::of(&state, id).await?))
}

/// Endorse a helper for a skill, as the person helped in a done exchange
/// (or someone acting for them). 409 `endorse-not-done`,
/// `endorse-not-helper` or `endorse-duplicate`.
#[utoipa::path(post, path = "/api/v1/exchanges/{id}/endorsements", tag = "recognition",
    params(("id" = i64, Path)), request_body = EndorsementBody,
    responses((status = 201, body = Endorsed), (status = 403, description = "not the person helped"), (status = 404),
        (status = 409, description = "not done, not a helper, or already endorsed"), (status = 422, description = "not a skill")))]
pub async fn endorse(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<EndorsementBody>,
) -> Result<(StatusCode, Json<Endorsed>), AppError> {
    recognition::endorse(&state, &me.user, id, body.helper, &body.skill).await?;
    let endorsed = Endorsed {
        exchange_id: id,
        helper: body.helper.unwrap_or_default(),
        skill: body.skill.trim().to_owned(),
    };
    Ok((StatusCode::CREATED, Json(endorsed)))
}

/// Withdraw an endorsement given in an exchange.
#[utoipa::path(delete, path = "/api/v1/exchanges/{id}/endorsements/{helper}/{skill}", tag = "recognition",
    params(("id" = i64, Path), ("helper" = i64, Path), ("skill" = String, Path)),
    responses((status = 204), (status = 403, description = "not the person helped"),
        (status = 404, description = "no such endorsement"), (status = 422, description = "not a skill")))]
pub async fn withdraw(
    State(state): State<AppState>,
    me: SignedIn,
    Path((id, helper, skill)): Path<(i64, i64, String)>,
) -> Result<StatusCode, AppError> {
    recognition::withdraw(&state, &me.user, id, Some(helper), &skill).await?;
    Ok(StatusCode::NO_CONTENT)
}
