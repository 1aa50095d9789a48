//! The safe's pages: one's own safe (or an accompanied person's, for a
//! worker), uploading, downloading, deleting after a confirmation,
//! folders, and the page that opens a one-off link.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use entraide_core::safe::DocType;
use serde::Deserialize;

use super::layout::{Base, Pager};
use super::see_other;
use crate::api::safe::{file_response, read_upload};
use crate::auth::SignedIn;
use crate::error::AppError;
use crate::forms::{FormData, FormView};
use crate::ratelimit::ClientIp;
use crate::services::safe::{self, DocumentView, FolderView, Need};
use crate::state::AppState;

#[derive(Template, WebTemplate)]
#[template(path = "safe/show.html")]
pub struct SafePage {
    base: Base,
    owner_id: i64,
    owner_name: String,
    own: bool,
    /// The viewer may see the documents (owner, or shared with them).
    can_read: bool,
    /// The viewer may add documents (owner, or acting for the person).
    can_write: bool,
    documents: Vec<DocumentView>,
    folders: Vec<FolderView>,
    folder: Option<i64>,
    doc_types: &'static [DocType],
    used: String,
    quota: String,
    limit_mb: u64,
    pager: Pager,
    form: FormView,
    /// The owner's desk sessions ("Mes permanences").
    sessions: Vec<crate::services::desk::SessionView>,
}

impl SafePage {
    pub fn size(&self, bytes: &i64) -> String {
        megabytes(*bytes)
    }
}

fn megabytes(bytes: i64) -> String {
    if bytes < 1_000_000 {
        format!("{} Ko", (bytes + 999) / 1000)
    } else {
        format!("{:.1} Mo", bytes as f64 / 1_000_000.0)
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SafeQuery {
    pub folder: Option<i64>,
    pub page: Option<i64>,
}

async fn page(
    state: &AppState,
    me: &SignedIn,
    owner: i64,
    query: &SafeQuery,
    form: FormView,
) -> Result<SafePage, AppError> {
    let can_read = safe::reach(state, &me.user, owner, Need::Read)
        .await
        .is_ok();
    let can_write = safe::reach(state, &me.user, owner, Need::Write)
        .await
        .is_ok();
    if !can_read && !can_write {
        return Err(AppError::NotFound);
    }
    let number = query.page.unwrap_or(1).max(1);
    let (documents, more, folders) = if can_read {
        let listing = safe::list(
            state,
            &me.user,
            owner,
            query.folder,
            entraide_store::Page::new(number, 30),
        )
        .await?;
        let folders = safe::folders(state, &me.user, owner).await?;
        (listing.rows, listing.more, folders)
    } else {
        (Vec::new(), false, Vec::new())
    };
    let own = owner == me.user.id;
    let owner_name = if own {
        me.user.display_name.clone()
    } else {
        state.db.user(owner).await?.display_name
    };
    let here = if own {
        "/safe".to_owned()
    } else {
        format!("/people/{owner}/safe")
    };
    let (used, sessions) = if own {
        (
            megabytes(state.db.safe_usage(owner).await?),
            crate::services::desk::list(state, &me.user, owner).await?,
        )
    } else {
        (String::new(), Vec::new())
    };
    let quota = megabytes(i64::try_from(state.config.safe.quota).unwrap_or(i64::MAX));
    let folder_part = query
        .folder
        .map(|f| format!("folder={f}&"))
        .unwrap_or_default();
    Ok(SafePage {
        base: if own {
            Base::new(&me.ctx, "safe-title")
        } else {
            Base::titled(
                &me.ctx,
                me.ctx
                    .lang
                    .t_with("safe-title-of", &[("name", owner_name.clone())]),
            )
        },
        owner_id: owner,
        owner_name,
        own,
        can_read,
        can_write,
        documents,
        folders,
        folder: query.folder,
        doc_types: DocType::ALL,
        used,
        quota,
        limit_mb: state.config.safe.document_limit / 1_000_000,
        pager: Pager::new(format!("{here}?{folder_part}page="), number, more),
        form,
        sessions,
    })
}

pub async fn mine(
    State(state): State<AppState>,
    me: SignedIn,
    Query(query): Query<SafeQuery>,
) -> Result<SafePage, AppError> {
    let owner = me.user.id;
    page(&state, &me, owner, &query, FormView::default()).await
}

pub async fn person(
    State(state): State<AppState>,
    me: SignedIn,
    Path(owner): Path<i64>,
    Query(query): Query<SafeQuery>,
) -> Result<SafePage, AppError> {
    page(&state, &me, owner, &query, FormView::default()).await
}

fn back(me: &SignedIn, owner: i64) -> String {
    if owner == me.user.id {
        "/safe".to_owned()
    } else {
        format!("/people/{owner}/safe")
    }
}

/// Adds a document from the form; refused input comes back on the page.
pub async fn upload(
    State(state): State<AppState>,
    me: SignedIn,
    Path(owner): Path<i64>,
    multipart: Multipart,
) -> Response {
    let result = match read_upload(multipart).await {
        Ok(upload) => safe::upload(&state, &me.user, owner, &upload)
            .await
            .map(|_| ())
            .map_err(|e| (e, upload)),
        Err(error) => Err((error, safe::Upload::default())),
    };
    match result {
        Ok(()) => see_other(&format!("{}?done=document-added", back(&me, owner))),
        Err((error @ (AppError::Internal(_) | AppError::NotFound | AppError::Forbidden), _)) => {
            error.into_response()
        }
        Err((error, upload)) => {
            let status = error.status();
            let view = FormView::default()
                .with("title", upload.title)
                .with("doc_type", upload.doc_type)
                .with("expires_on", upload.expires_on)
                .with_error(&error, me.ctx.lang);
            match page(&state, &me, owner, &SafeQuery::default(), view).await {
                Ok(page) => (status, page).into_response(),
                Err(error) => error.into_response(),
            }
        }
    }
}

/// Routes that take documents: mounted with the safe's size limit.
pub fn upload_routes() -> Router<AppState> {
    Router::new().route("/safe/{owner}/documents", post(upload))
}

pub async fn download(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (document, bytes) = safe::read(&state, &me.user, id).await?;
    Ok(file_response(&document, bytes))
}

#[derive(Template, WebTemplate)]
#[template(path = "safe/delete.html")]
pub struct DeletePage {
    base: Base,
    document: DocumentView,
}

/// Asks before deleting: a deleted paper cannot come back.
pub async fn delete_page(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<DeletePage, AppError> {
    let (document, via) = safe::describe(&state, &me.user, id).await?;
    if via != safe::Via::Owner {
        return Err(AppError::Forbidden);
    }
    Ok(DeletePage {
        base: Base::new(&me.ctx, "safe-delete-title"),
        document,
    })
}

pub async fn delete(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    safe::delete(&state, &me.user, id).await?;
    Ok(see_other("/safe?done=document-deleted"))
}

/// Adds a folder to a safe.
pub async fn add_folder(
    State(state): State<AppState>,
    me: SignedIn,
    Path(owner): Path<i64>,
    form: FormData,
) -> Result<Response, AppError> {
    let id = safe::add_folder(&state, &me.user, owner, form.get("folder_name")).await?;
    Ok(see_other(&format!(
        "{}?folder={id}&done=folder-added",
        back(&me, owner)
    )))
}

pub async fn delete_folder(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    safe::delete_folder(&state, &me.user, id).await?;
    Ok(see_other("/safe?done=folder-deleted"))
}

#[derive(Template, WebTemplate)]
#[template(path = "safe/link.html")]
pub struct LinkPage {
    base: Base,
    token: String,
    needs_code: bool,
    form: FormView,
}

/// A one-off link: a page first, so that link previews and mail scanners
/// open nothing; the document comes with the button (and the code).
pub async fn link_page(
    State(state): State<AppState>,
    ctx: crate::auth::Ctx,
    Path(token): Path<String>,
) -> Result<LinkPage, AppError> {
    let link = crate::services::safe_sharing::link_status(&state, &token).await?;
    Ok(LinkPage {
        base: Base::new(&ctx, "safe-link-title"),
        token,
        needs_code: link.code_hash.is_some(),
        form: FormView::default(),
    })
}

pub async fn link_open(
    State(state): State<AppState>,
    ctx: crate::auth::Ctx,
    ClientIp(ip): ClientIp,
    Path(token): Path<String>,
    form: FormData,
) -> Response {
    let opened =
        crate::services::safe_sharing::open_link(&state, &token, form.get("code"), ip).await;
    match opened {
        Ok((document, bytes)) => file_response(&document, bytes),
        Err(error @ AppError::Invalid(_)) => {
            let status = error.status();
            let page = LinkPage {
                base: Base::new(&ctx, "safe-link-title"),
                token,
                needs_code: true,
                form: FormView::default().with_error(&error, ctx.lang),
            };
            (status, page).into_response()
        }
        Err(error) => error.into_response(),
    }
}
