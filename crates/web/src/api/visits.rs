//! Visits programmes in the API: programmes, visitors, people visited,
//! proposed visitors, pairings and the visit log.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use entraide_store::pairings::{Pairing, Visit};
use entraide_store::programmes::Programme;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::SignedIn;
use crate::error::AppError;
use crate::forms::ApiJson;
use crate::services::matching::HelperMatch;
use crate::services::visits::{self, PairingInput, ProgrammeInput, ProgrammeView, VisitInput};
use crate::state::AppState;

/// An id of what was just created.
#[derive(Serialize, ToSchema)]
pub struct Created {
    pub id: i64,
}

/// Open a visits programme in an organisation (coordinators and admins).
#[utoipa::path(post, path = "/api/v1/orgs/{id}/programmes", tag = "visits", params(("id" = i64, Path)), request_body = ProgrammeInput,
    responses((status = 201, body = Programme), (status = 403), (status = 404), (status = 422)))]
pub async fn create(
    State(state): State<AppState>,
    me: SignedIn,
    Path(org): Path<i64>,
    ApiJson(input): ApiJson<ProgrammeInput>,
) -> Result<(StatusCode, Json<Programme>), AppError> {
    let id = visits::create(&state, &me.user, org, &input).await?;
    Ok((StatusCode::CREATED, Json(state.db.programme(id).await?)))
}

#[utoipa::path(get, path = "/api/v1/orgs/{id}/programmes", tag = "visits", params(("id" = i64, Path)), responses((status = 200, body = [Programme])))]
pub async fn list(
    State(state): State<AppState>,
    _me: SignedIn,
    Path(org): Path<i64>,
) -> Result<Json<Vec<Programme>>, AppError> {
    Ok(Json(state.db.programmes_of(org).await?))
}

/// A programme: its charter; for coordinators, its visitors, people visited
/// and pairings (with the overdue ones flagged).
#[utoipa::path(get, path = "/api/v1/programmes/{id}", tag = "visits", params(("id" = i64, Path)), responses((status = 200, body = ProgrammeView), (status = 404)))]
pub async fn show(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<Json<ProgrammeView>, AppError> {
    Ok(Json(visits::view(&state, &me.user, id).await?))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct JoinBody {
    /// Must be true: the visitor accepts the programme's charter.
    pub charter_accepted: bool,
}

/// Apply as a visitor; a coordinator then vets the application.
#[utoipa::path(post, path = "/api/v1/programmes/{id}/join", tag = "visits", params(("id" = i64, Path)), request_body = JoinBody,
    responses((status = 204), (status = 404), (status = 422, description = "charter not accepted")))]
pub async fn join(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<JoinBody>,
) -> Result<StatusCode, AppError> {
    visits::join(&state, &me.user, id, body.charter_accepted).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Leave the programme; the visitor's pairings end.
#[utoipa::path(post, path = "/api/v1/programmes/{id}/leave", tag = "visits", params(("id" = i64, Path)), responses((status = 204), (status = 404)))]
pub async fn leave(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<StatusCode, AppError> {
    state.db.leave_programme(id, me.user.id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Vet an applicant (coordinators).
#[utoipa::path(post, path = "/api/v1/programmes/{id}/visitors/{user}/vet", tag = "visits", params(("id" = i64, Path), ("user" = i64, Path)),
    responses((status = 204), (status = 403), (status = 404, description = "no such application")))]
pub async fn vet(
    State(state): State<AppState>,
    me: SignedIn,
    Path((id, user)): Path<(i64, i64)>,
) -> Result<StatusCode, AppError> {
    visits::vet(&state, &me.user, id, user).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct VisitedBody {
    pub person_id: i64,
}

/// Add a person to visit: a member of the organisation or someone it
/// registered (coordinators).
#[utoipa::path(post, path = "/api/v1/programmes/{id}/visited", tag = "visits", params(("id" = i64, Path)), request_body = VisitedBody,
    responses((status = 204), (status = 403), (status = 404), (status = 409)))]
pub async fn add_visited(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<VisitedBody>,
) -> Result<StatusCode, AppError> {
    visits::add_visited(&state, &me.user, id, body.person_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Vetted visitors for a person visited, ranked by proximity and shared
/// interests, with the reasons (coordinators).
#[utoipa::path(get, path = "/api/v1/programmes/{id}/visited/{user}/visitors", tag = "visits", params(("id" = i64, Path), ("user" = i64, Path)),
    responses((status = 200, body = [HelperMatch]), (status = 403), (status = 404), (status = 409, description = "no home placed")))]
pub async fn propose(
    State(state): State<AppState>,
    me: SignedIn,
    Path((id, user)): Path<(i64, i64)>,
) -> Result<Json<Vec<HelperMatch>>, AppError> {
    let (_, matches) = visits::propose(&state, &me.user, id, user, me.ctx.lang).await?;
    Ok(Json(matches))
}

/// Approve a pairing with its rhythm (coordinators).
#[utoipa::path(post, path = "/api/v1/programmes/{id}/pairings", tag = "visits", params(("id" = i64, Path)), request_body = PairingInput,
    responses((status = 201, body = Created), (status = 403), (status = 409), (status = 422)))]
pub async fn pair(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<PairingInput>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    let id = visits::pair(&state, &me.user, id, &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// End a pairing, to reassign the person or when visits stop (coordinators).
#[utoipa::path(post, path = "/api/v1/pairings/{id}/end", tag = "visits", params(("id" = i64, Path)), responses((status = 204), (status = 403), (status = 404)))]
pub async fn end(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<StatusCode, AppError> {
    visits::end_pairing(&state, &me.user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The visits of a pairing; notes only for coordinators.
#[utoipa::path(get, path = "/api/v1/pairings/{id}/visits", tag = "visits", params(("id" = i64, Path)), responses((status = 200, body = [Visit]), (status = 403), (status = 404)))]
pub async fn visits_of(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<Json<Vec<Visit>>, AppError> {
    let pairing = state.db.pairing(id).await?;
    Ok(Json(visits::visits_of(&state, &me.user, &pairing).await?))
}

/// Log a visit (the pairing's visitor).
#[utoipa::path(post, path = "/api/v1/pairings/{id}/visits", tag = "visits", params(("id" = i64, Path)), request_body = VisitInput,
    responses((status = 201, body = Created), (status = 404), (status = 422)))]
pub async fn log_visit(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<VisitInput>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    let id = visits::log_visit(&state, &me.user, id, &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// The signed-in person's pairings, as visitor or visited.
#[utoipa::path(get, path = "/api/v1/me/pairings", tag = "visits", responses((status = 200, body = [Pairing])))]
pub async fn mine(
    State(state): State<AppState>,
    me: SignedIn,
) -> Result<Json<Vec<Pairing>>, AppError> {
    Ok(Json(state.db.pairings_of(me.user.id).await?))
}
