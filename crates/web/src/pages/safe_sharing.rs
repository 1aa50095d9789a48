//! What a person decides about their safe, on one page: who it is shared
//! with (share, revoke), the organisations that accompany them (withdraw or
//! give consent again), and the log of every access; plus one-off links
//! to a document.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use entraide_store::safe_access::{AccessLine, Accompaniment, Link, Share};

use super::layout::{Base, Pager};
use super::{PageQuery, see_other};
use crate::auth::SignedIn;
use crate::error::AppError;
use crate::forms::{FormData, FormView};
use crate::services::safe::{self, DocumentView, Via};
use crate::services::safe_sharing::{self, LinkInput, NewLink, ShareInput};
use crate::state::AppState;

#[derive(Template, WebTemplate)]
#[template(path = "safe/sharing.html")]
pub struct SharingPage {
    base: Base,
    shares: Vec<Share>,
    choices: Vec<(i64, String)>,
    consents: Vec<Accompaniment>,
    log: Vec<AccessLine>,
    pager: Pager,
    form: FormView,
}

async fn sharing_page(
    state: &AppState,
    me: &SignedIn,
    number: i64,
    form: FormView,
) -> Result<SharingPage, AppError> {
    let log =
        safe_sharing::access_log(state, &me.user, entraide_store::Page::new(number, 30)).await?;
    Ok(SharingPage {
        base: Base::new(&me.ctx, "safe-sharing-title"),
        shares: safe_sharing::shares(state, &me.user).await?,
        choices: safe_sharing::share_choices(state, &me.user).await?,
        consents: safe_sharing::consents(state, &me.user).await?,
        log: log.rows,
        pager: Pager::new("/safe/sharing?page=", number, log.more),
        form,
    })
}

pub async fn sharing(
    State(state): State<AppState>,
    me: SignedIn,
    Query(query): Query<PageQuery>,
) -> Result<SharingPage, AppError> {
    sharing_page(
        &state,
        &me,
        query.page.unwrap_or(1).max(1),
        FormView::default(),
    )
    .await
}

pub async fn share(State(state): State<AppState>, me: SignedIn, form: FormData) -> Response {
    let input = ShareInput {
        org: form.get("org").trim().parse().ok(),
        person: None,
    };
    match safe_sharing::share(&state, &me.user, &input).await {
        Ok(_) => see_other("/safe/sharing?done=safe-shared"),
        Err(error @ AppError::Invalid(_)) => {
            let status = error.status();
            let view = FormView::from_data(&form).with_error(&error, me.ctx.lang);
            match sharing_page(&state, &me, 1, view).await {
                Ok(page) => (status, page).into_response(),
                Err(error) => error.into_response(),
            }
        }
        Err(error) => error.into_response(),
    }
}

pub async fn revoke(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    safe_sharing::revoke(&state, &me.user, id).await?;
    Ok(see_other("/safe/sharing?done=safe-share-revoked"))
}

/// Withdraws or gives again consent to be accompanied by an organisation.
pub async fn consent(
    State(state): State<AppState>,
    me: SignedIn,
    Path(org): Path<i64>,
    form: FormData,
) -> Result<Response, AppError> {
    let consent = form.get("consent") == "yes";
    safe_sharing::set_consent(&state, &me.user, org, consent).await?;
    let done = if consent {
        "consent-given"
    } else {
        "consent-withdrawn"
    };
    Ok(see_other(&format!("/safe/sharing?done={done}")))
}

#[derive(Template, WebTemplate)]
#[template(path = "safe/links.html")]
pub struct LinksPage {
    base: Base,
    document: DocumentView,
    links: Vec<Link>,
    /// A link just made, shown once.
    made: Option<NewLink>,
    form: FormView,
}

async fn links_page(
    state: &AppState,
    me: &SignedIn,
    id: i64,
    made: Option<NewLink>,
    form: FormView,
) -> Result<LinksPage, AppError> {
    let (document, via) = safe::describe(state, &me.user, id).await?;
    if via != Via::Owner {
        return Err(AppError::Forbidden);
    }
    Ok(LinksPage {
        base: Base::new(&me.ctx, "safe-links-title"),
        links: safe_sharing::links(state, &me.user, id).await?,
        document,
        made,
        form,
    })
}

pub async fn links(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<LinksPage, AppError> {
    links_page(&state, &me, id, None, FormView::default()).await
}

pub async fn make_link(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    form: FormData,
) -> Response {
    let input = LinkInput {
        days: form.get("days").to_owned(),
        code: form.get("code").to_owned(),
    };
    let (made, view, status) = match safe_sharing::make_link(&state, &me.user, id, &input).await {
        Ok(made) => (Some(made), FormView::default(), axum::http::StatusCode::OK),
        Err(error @ AppError::Invalid(_)) => {
            let status = error.status();
            (
                None,
                FormView::from_data(&form).with_error(&error, me.ctx.lang),
                status,
            )
        }
        Err(error) => return error.into_response(),
    };
    match links_page(&state, &me, id, made, view).await {
        Ok(page) => (status, page).into_response(),
        Err(error) => error.into_response(),
    }
}

pub async fn revoke_link(
    State(state): State<AppState>,
    me: SignedIn,
    Path((id, link)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    safe_sharing::revoke_link(&state, &me.user, id, link).await?;
    Ok(see_other(&format!(
        "/safe/documents/{id}/links?done=link-revoked"
    )))
}
