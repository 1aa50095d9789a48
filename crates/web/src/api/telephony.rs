//! Telephony over the API: an organisation's provider and numbers, a
//! person's voice box (opened, unlocked, given a new PIN or closed by a
//! worker acting for them), and the person's own messages.

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::SignedIn;
use crate::error::AppError;
use crate::forms::ApiJson;
use crate::services::telephony::{self as tel, ProviderInput, ProviderView};
use crate::services::voice_boxes::{self as boxes, BoxAct, BoxView, Opened};
use crate::services::voicemail::{self, VoiceMessage};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/orgs/{id}/telephony", get(settings).put(configure))
        .route(
            "/orgs/{id}/telephony/numbers",
            get(numbers).post(add_numbers),
        )
        .route(
            "/orgs/{id}/telephony/numbers/{number}",
            delete(remove_number),
        )
        .route(
            "/people/{id}/voicebox",
            get(person_box).post(open_box).delete(close_box),
        )
        .route("/people/{id}/voicebox/unlock", post(unlock))
        .route("/people/{id}/voicebox/pin", post(new_pin))
        .route("/me/voicemail", get(mine))
        .route("/me/voicemail/pin", put(choose_pin))
        .route("/me/voicemail/notify-worker", put(notify_worker))
        .route("/me/voicemail/messages/{id}", delete(delete_message))
        .route("/me/voicemail/messages/{id}/audio", get(audio))
        .route("/me/voicemail/messages/{id}/{act}", post(act))
}

/// The provider settings (never the auth token); `null` when none.
#[utoipa::path(get, path = "/api/v1/orgs/{id}/telephony", tag = "telephony",
    responses((status = 200, body = Option<ProviderView>), (status = 403), (status = 404)))]
pub async fn settings(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<Json<Option<ProviderView>>, AppError> {
    Ok(Json(tel::settings(&state, &me.user, id).await?))
}

/// Sets the provider (organisation administrators). An empty
/// `auth_token` keeps the current one.
#[utoipa::path(put, path = "/api/v1/orgs/{id}/telephony", tag = "telephony", request_body = ProviderInput,
    responses((status = 200, body = ProviderView), (status = 403), (status = 404), (status = 422)))]
pub async fn configure(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<ProviderInput>,
) -> Result<Json<Option<ProviderView>>, AppError> {
    tel::configure(&state, &me.user, id, &body).await?;
    Ok(Json(tel::settings(&state, &me.user, id).await?))
}

#[utoipa::path(get, path = "/api/v1/orgs/{id}/telephony/numbers", tag = "telephony",
    responses((status = 200, body = [entraide_store::telephony::PoolNumber]), (status = 403), (status = 404)))]
pub async fn numbers(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<Json<Vec<entraide_store::telephony::PoolNumber>>, AppError> {
    Ok(Json(tel::pool(&state, &me.user, id).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NumbersInput {
    /// International or French form, one per line or separated by commas.
    pub numbers: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Added {
    pub added: u64,
}

#[utoipa::path(post, path = "/api/v1/orgs/{id}/telephony/numbers", tag = "telephony", request_body = NumbersInput,
    responses((status = 201, body = Added), (status = 403), (status = 404), (status = 422)))]
pub async fn add_numbers(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<NumbersInput>,
) -> Result<(StatusCode, Json<Added>), AppError> {
    let added = tel::add_numbers(&state, &me.user, id, &body.numbers).await?;
    Ok((StatusCode::CREATED, Json(Added { added })))
}

/// Removes a number nobody holds (409 when someone does).
#[utoipa::path(delete, path = "/api/v1/orgs/{id}/telephony/numbers/{number}", tag = "telephony",
    responses((status = 204), (status = 403), (status = 404), (status = 409)))]
pub async fn remove_number(
    State(state): State<AppState>,
    me: SignedIn,
    Path((id, number)): Path<(i64, i64)>,
) -> Result<StatusCode, AppError> {
    tel::remove_number(&state, &me.user, id, number).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A person's box, for themselves or a worker acting for them.
#[utoipa::path(get, path = "/api/v1/people/{id}/voicebox", tag = "telephony",
    responses((status = 200, body = Option<BoxView>), (status = 404)))]
pub async fn person_box(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<Json<Option<BoxView>>, AppError> {
    let found = boxes::box_of(&state, &me.user, id).await?;
    Ok(Json(match found {
        Some(found) => Some(boxes::box_view(&state, &found).await?),
        None => None,
    }))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct OpenInput {
    /// `true`: a personal number from the pool; `false`: a box on the
    /// shared number.
    #[serde(default)]
    pub personal: bool,
}

/// Opens a box for a person the caller's organisation accompanies; the
/// PIN is in this answer only.
#[utoipa::path(post, path = "/api/v1/people/{id}/voicebox", tag = "telephony", request_body = OpenInput,
    responses((status = 201, body = Opened), (status = 404), (status = 409)))]
pub async fn open_box(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<OpenInput>,
) -> Result<Response, AppError> {
    let opened = boxes::open_box(&state, &me.user, id, body.personal).await?;
    Ok((
        StatusCode::CREATED,
        [(header::CACHE_CONTROL, "no-store")],
        Json(opened),
    )
        .into_response())
}

/// Closes a box: its messages are deleted and its number rests.
#[utoipa::path(delete, path = "/api/v1/people/{id}/voicebox", tag = "telephony",
    responses((status = 204), (status = 404)))]
pub async fn close_box(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<StatusCode, AppError> {
    boxes::act_on_box(&state, &me.user, id, BoxAct::Close).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/people/{id}/voicebox/unlock", tag = "telephony",
    responses((status = 204), (status = 404)))]
pub async fn unlock(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<StatusCode, AppError> {
    boxes::act_on_box(&state, &me.user, id, BoxAct::Unlock).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NewVoicePin {
    pub pin: String,
}

/// A new random PIN, in this answer only; it also unlocks the box.
#[utoipa::path(post, path = "/api/v1/people/{id}/voicebox/pin", tag = "telephony",
    responses((status = 200, body = NewVoicePin), (status = 404)))]
pub async fn new_pin(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let pin = boxes::act_on_box(&state, &me.user, id, BoxAct::NewPin)
        .await?
        .unwrap_or_default();
    Ok((
        [(header::CACHE_CONTROL, "no-store")],
        Json(NewVoicePin { pin }),
    )
        .into_response())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Voicemail {
    pub voice_box: Option<BoxView>,
    pub messages: Vec<VoiceMessage>,
}

/// The caller's box and messages, oldest first.
#[utoipa::path(get, path = "/api/v1/me/voicemail", tag = "telephony",
    responses((status = 200, body = Voicemail), (status = 401)))]
pub async fn mine(State(state): State<AppState>, me: SignedIn) -> Result<Response, AppError> {
    let (voice_box, messages) = match state.db.voice_box_of(me.user.id).await? {
        Some(found) => (
            Some(boxes::box_view(&state, &found).await?),
            voicemail::messages(&state, &found).await?,
        ),
        None => (None, Vec::new()),
    };
    Ok((
        [(header::CACHE_CONTROL, "no-store")],
        Json(Voicemail {
            voice_box,
            messages,
        }),
    )
        .into_response())
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PinInput {
    pub pin: String,
}

#[utoipa::path(put, path = "/api/v1/me/voicemail/pin", tag = "telephony", request_body = PinInput,
    responses((status = 204), (status = 404), (status = 422)))]
pub async fn choose_pin(
    State(state): State<AppState>,
    me: SignedIn,
    ApiJson(body): ApiJson<PinInput>,
) -> Result<StatusCode, AppError> {
    boxes::choose_pin(&state, &me.user, &body.pin).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NotifyInput {
    pub notify_worker: bool,
}

#[utoipa::path(put, path = "/api/v1/me/voicemail/notify-worker", tag = "telephony", request_body = NotifyInput,
    responses((status = 204), (status = 404)))]
pub async fn notify_worker(
    State(state): State<AppState>,
    me: SignedIn,
    ApiJson(body): ApiJson<NotifyInput>,
) -> Result<StatusCode, AppError> {
    boxes::set_notify_worker(&state, &me.user, body.notify_worker).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/api/v1/me/voicemail/messages/{id}", tag = "telephony",
    responses((status = 204), (status = 404)))]
pub async fn delete_message(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<StatusCode, AppError> {
    voicemail::act(&state, &me.user, id, "delete").await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Marks a message heard (`heard`) or keeps it (`save`).
#[utoipa::path(post, path = "/api/v1/me/voicemail/messages/{id}/{act}", tag = "telephony",
    params(("act" = String, Path, description = "heard or save")),
    responses((status = 204), (status = 404)))]
pub async fn act(
    State(state): State<AppState>,
    me: SignedIn,
    Path((id, act)): Path<(i64, String)>,
) -> Result<StatusCode, AppError> {
    if !matches!(act.as_str(), "heard" | "save") {
        return Err(AppError::NotFound);
    }
    voicemail::act(&state, &me.user, id, &act).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The audio of one of the caller's messages; marks it heard.
#[utoipa::path(get, path = "/api/v1/me/voicemail/messages/{id}/audio", tag = "telephony",
    responses((status = 200, content_type = "audio/mpeg"), (status = 404)))]
pub async fn audio(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    audio_response(&state, &me, id).await
}

/// The audio answer shared by the page and the API.
pub async fn audio_response(
    state: &AppState,
    me: &SignedIn,
    id: i64,
) -> Result<Response, AppError> {
    let (content_type, bytes) = voicemail::audio(state, &me.user, id).await?;
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        bytes,
    )
        .into_response())
}
