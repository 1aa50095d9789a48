//! The digital safe over the API: documents (multipart upload, list,
//! description, contents, deletion), folders, shares, one-off links,
//! consents and the access log. Every answer carries
//! `Cache-Control: no-store` (`middleware::security_headers`).

use axum::Json;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use entraide_store::safe_access::{AccessLine, Accompaniment, Link, Share};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::me::PageParams;
use crate::auth::SignedIn;
use crate::error::AppError;
use crate::forms::ApiJson;
use crate::services::safe::{self, DocumentView, FolderView, Upload};
use crate::services::safe_sharing::{self, LinkInput, NewLink, ShareInput};
use crate::state::AppState;

#[derive(Deserialize, Default, IntoParams)]
#[serde(default)]
pub struct ListParams {
    /// Only this folder.
    pub folder: Option<i64>,
    pub page: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct DocumentList {
    pub documents: Vec<DocumentView>,
    pub more: bool,
    /// Bytes kept, and the quota (the owner only).
    pub used: Option<i64>,
    pub quota: Option<u64>,
}

/// The documents of a safe: the owner's, or one shared with the caller.
#[utoipa::path(get, path = "/api/v1/safe/{owner}/documents", tag = "safe", params(ListParams),
    responses((status = 200, body = DocumentList), (status = 404)))]
pub async fn list(
    State(state): State<AppState>,
    me: SignedIn,
    Path(owner): Path<i64>,
    Query(params): Query<ListParams>,
) -> Result<Response, AppError> {
    let page = entraide_store::Page::new(params.page.unwrap_or(1).max(1), 50);
    let listing = safe::list(&state, &me.user, owner, params.folder, page).await?;
    let own = owner == me.user.id;
    let used = if own {
        Some(state.db.safe_usage(owner).await?)
    } else {
        None
    };
    Ok(Json(DocumentList {
        documents: listing.rows,
        more: listing.more,
        used,
        quota: own.then_some(state.config.safe.quota),
    })
    .into_response())
}

/// Reads the multipart fields of an upload: `file`, `title`, `doc_type`,
/// `folder`, `expires_on`.
pub async fn read_upload(mut multipart: Multipart) -> Result<Upload, AppError> {
    // The body limit may stop any field, not only the file: the reader
    // says which refusal it is (too large, or unreadable).
    let refused =
        |e: axum::extract::multipart::MultipartError| AppError::from_rejection(e.status());
    let mut upload = Upload::default();
    while let Some(field) = multipart.next_field().await.map_err(refused)? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            upload.sent_name = field.file_name().unwrap_or_default().to_owned();
            upload.bytes = field.bytes().await.map_err(refused)?.to_vec();
            continue;
        }
        let text = field.text().await.map_err(refused)?;
        match name.as_str() {
            "title" => upload.title = text,
            "doc_type" => upload.doc_type = text,
            "folder" => upload.folder = text,
            "expires_on" => upload.expires_on = text,
            _ => {}
        }
    }
    Ok(upload)
}

pub use super::visits::Created;

/// Adds a document (multipart: `file`, `title`, `doc_type`, optional
/// `folder` and `expires_on`). The owner, or a worker acting for them
/// with their consent. 409 `safe-quota` when the safe is full; 413 over
/// the size limit; 422 for a file that is not a PDF or a photo.
#[utoipa::path(post, path = "/api/v1/safe/{owner}/documents", tag = "safe",
    request_body(content_type = "multipart/form-data", content = String),
    responses((status = 201, body = Created), (status = 404), (status = 409), (status = 413), (status = 422)))]
pub async fn upload(
    State(state): State<AppState>,
    me: SignedIn,
    Path(owner): Path<i64>,
    multipart: Multipart,
) -> Result<Response, AppError> {
    let upload = read_upload(multipart).await?;
    let id = safe::upload(&state, &me.user, owner, &upload).await?;
    Ok((StatusCode::CREATED, Json(Created { id })).into_response())
}

/// A document's description.
#[utoipa::path(get, path = "/api/v1/documents/{id}", tag = "safe",
    responses((status = 200, body = DocumentView), (status = 404)))]
pub async fn show(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (document, _) = safe::describe(&state, &me.user, id).await?;
    Ok(Json(document).into_response())
}

/// A document's contents (logged for its owner).
#[utoipa::path(get, path = "/api/v1/documents/{id}/content", tag = "safe",
    responses((status = 200, content_type = "application/octet-stream", body = String), (status = 404)))]
pub async fn content(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (document, bytes) = safe::read(&state, &me.user, id).await?;
    Ok(file_response(&document, bytes))
}

/// A document's bytes as a download that the browser never keeps nor runs.
pub fn file_response(document: &DocumentView, bytes: Vec<u8>) -> Response {
    let headers = [
        (header::CONTENT_TYPE, document.content_type.clone()),
        (
            header::CONTENT_DISPOSITION,
            format!(
                "attachment; filename=\"{}\"",
                document.file_name.replace('"', "")
            ),
        ),
        (header::CACHE_CONTROL, "no-store".to_owned()),
        // Sandboxed, and never framed by another site either.
        (
            header::CONTENT_SECURITY_POLICY,
            "sandbox; default-src 'none'; frame-ancestors 'none'".to_owned(),
        ),
    ];
    (headers, bytes).into_response()
}

/// Deletes a document (its owner only).
#[utoipa::path(delete, path = "/api/v1/documents/{id}", tag = "safe",
    responses((status = 204), (status = 403), (status = 404)))]
pub async fn delete(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<StatusCode, AppError> {
    safe::delete(&state, &me.user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/safe/{owner}/folders", tag = "safe",
    responses((status = 200, body = [FolderView]), (status = 404)))]
pub async fn folders(
    State(state): State<AppState>,
    me: SignedIn,
    Path(owner): Path<i64>,
) -> Result<Response, AppError> {
    Ok(Json(safe::folders(&state, &me.user, owner).await?).into_response())
}

#[derive(Deserialize, ToSchema)]
pub struct FolderBody {
    pub name: String,
}

#[utoipa::path(post, path = "/api/v1/safe/{owner}/folders", tag = "safe", request_body = FolderBody,
    responses((status = 201, body = Created), (status = 404), (status = 422)))]
pub async fn add_folder(
    State(state): State<AppState>,
    me: SignedIn,
    Path(owner): Path<i64>,
    ApiJson(body): ApiJson<FolderBody>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    let id = safe::add_folder(&state, &me.user, owner, &body.name).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// Who the caller's safe is shared with.
#[utoipa::path(get, path = "/api/v1/me/safe/shares", tag = "safe",
    responses((status = 200, body = [Share])))]
pub async fn shares(State(state): State<AppState>, me: SignedIn) -> Result<Response, AppError> {
    Ok(Json(safe_sharing::shares(&state, &me.user).await?).into_response())
}

/// Shares the caller's safe with an organisation's staff or one of them.
#[utoipa::path(post, path = "/api/v1/me/safe/shares", tag = "safe", request_body = ShareInput,
    responses((status = 201, body = Created), (status = 422)))]
pub async fn share(
    State(state): State<AppState>,
    me: SignedIn,
    ApiJson(body): ApiJson<ShareInput>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    let id = safe_sharing::share(&state, &me.user, &body).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

#[utoipa::path(delete, path = "/api/v1/me/safe/shares/{id}", tag = "safe",
    responses((status = 204), (status = 404)))]
pub async fn revoke(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<StatusCode, AppError> {
    safe_sharing::revoke(&state, &me.user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The links to one of the caller's documents.
#[utoipa::path(get, path = "/api/v1/documents/{id}/links", tag = "safe",
    responses((status = 200, body = [Link]), (status = 403), (status = 404)))]
pub async fn links(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    Ok(Json(safe_sharing::links(&state, &me.user, id).await?).into_response())
}

/// Makes a one-off link (1 to 30 days, optional code); its address is
/// given once.
#[utoipa::path(post, path = "/api/v1/documents/{id}/links", tag = "safe", request_body = LinkInput,
    responses((status = 201, body = NewLink), (status = 403), (status = 404), (status = 422)))]
pub async fn make_link(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<LinkInput>,
) -> Result<Response, AppError> {
    let link = safe_sharing::make_link(&state, &me.user, id, &body).await?;
    Ok((StatusCode::CREATED, Json(link)).into_response())
}

#[utoipa::path(delete, path = "/api/v1/documents/{id}/links/{link}", tag = "safe",
    responses((status = 204), (status = 403), (status = 404)))]
pub async fn revoke_link(
    State(state): State<AppState>,
    me: SignedIn,
    Path((id, link)): Path<(i64, i64)>,
) -> Result<StatusCode, AppError> {
    safe_sharing::revoke_link(&state, &me.user, id, link).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct AccessLog {
    pub lines: Vec<AccessLine>,
    pub more: bool,
}

/// Every access to the caller's safe by someone else, and every change.
#[utoipa::path(get, path = "/api/v1/me/safe/log", tag = "safe", params(PageParams),
    responses((status = 200, body = AccessLog)))]
pub async fn access_log(
    State(state): State<AppState>,
    me: SignedIn,
    Query(params): Query<PageParams>,
) -> Result<Response, AppError> {
    let listing = safe_sharing::access_log(&state, &me.user, params.page()).await?;
    Ok(Json(AccessLog {
        lines: listing.rows,
        more: listing.more,
    })
    .into_response())
}

/// The organisations the caller consented to be accompanied by.
#[utoipa::path(get, path = "/api/v1/me/accompaniments", tag = "safe",
    responses((status = 200, body = [Accompaniment])))]
pub async fn consents(
    State(state): State<AppState>,
    me: SignedIn,
) -> Result<Json<Vec<Accompaniment>>, AppError> {
    Ok(Json(safe_sharing::consents(&state, &me.user).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct ConsentBody {
    pub consent: bool,
}

/// Withdraws (false) or gives again (true) consent to be accompanied.
#[utoipa::path(put, path = "/api/v1/me/accompaniments/{org}", tag = "safe", request_body = ConsentBody,
    responses((status = 204), (status = 404)))]
pub async fn set_consent(
    State(state): State<AppState>,
    me: SignedIn,
    Path(org): Path<i64>,
    ApiJson(body): ApiJson<ConsentBody>,
) -> Result<StatusCode, AppError> {
    safe_sharing::set_consent(&state, &me.user, org, body.consent).await?;
    Ok(StatusCode::NO_CONTENT)
}
