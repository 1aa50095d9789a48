//! The person's account: API tokens, what was done on their account, data
//! download and account deletion.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use entraide_store::Page;
use entraide_store::audit::AuditEntry;
use entraide_store::tokens::ApiToken;

use super::layout::{Base, Pager};
use super::{PageQuery, see_other};
use crate::auth::SignedIn;
use crate::error::AppError;
use crate::forms::{FormData, FormView, refuse};
use crate::services::{accounts, privacy};
use crate::state::AppState;

#[derive(Template, WebTemplate)]
#[template(path = "account/tokens.html")]
pub struct TokensPage {
    base: Base,
    tokens: Vec<ApiToken>,
    form: FormView,
    /// The secret of a token just created: shown once.
    created: Option<String>,
}

async fn tokens_view(
    state: &AppState,
    me: &SignedIn,
    form: FormView,
    created: Option<String>,
) -> Result<TokensPage, AppError> {
    let tokens = state.db.api_tokens(me.user.id).await?;
    Ok(TokensPage {
        base: Base::new(&me.ctx, "tokens-title"),
        tokens,
        form,
        created,
    })
}

pub async fn tokens_page(
    State(state): State<AppState>,
    me: SignedIn,
) -> Result<TokensPage, AppError> {
    tokens_view(&state, &me, FormView::default(), None).await
}

pub async fn create_token(State(state): State<AppState>, me: SignedIn, form: FormData) -> Response {
    let (view, created, status) =
        match accounts::create_api_token(&state, &me.user, form.get("name")).await {
            Ok((_, secret)) => (
                FormView::default(),
                Some(secret),
                axum::http::StatusCode::OK,
            ),
            Err(error @ AppError::Internal(_)) => return error.into_response(),
            Err(error) => (
                FormView::from_data(&form).with_error(&error, me.ctx.lang),
                None,
                error.status(),
            ),
        };
    match tokens_view(&state, &me, view, created).await {
        Ok(page) => (status, page).into_response(),
        Err(error) => error.into_response(),
    }
}

pub async fn revoke_token(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    crate::services::accounts::revoke_api_token(&state, &me.user, id).await?;
    Ok(see_other("/me/tokens?done=token-revoked"))
}

#[derive(Template, WebTemplate)]
#[template(path = "account/activity.html")]
pub struct ActivityPage {
    base: Base,
    entries: Vec<AuditEntry>,
    pager: Pager,
}

pub async fn activity(
    State(state): State<AppState>,
    me: SignedIn,
    Query(query): Query<PageQuery>,
) -> Result<ActivityPage, AppError> {
    let page = Page::new(query.page.unwrap_or(1), 50);
    let listing = state.db.audit_about(me.user.id, page).await?;
    let pager = Pager::new("/me/activity?page=", page.number, listing.more);
    let entries = listing.rows;
    Ok(ActivityPage {
        base: Base::new(&me.ctx, "activity-title"),
        entries,
        pager,
    })
}

pub async fn export(State(state): State<AppState>, me: SignedIn) -> Result<Response, AppError> {
    let zip = privacy::export_zip(&state, &me.user).await?;
    let disposition = format!("attachment; filename=\"entraide-{}.zip\"", me.user.id);
    Ok((
        [
            (header::CONTENT_TYPE, "application/zip".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        zip,
    )
        .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "account/delete.html")]
pub struct DeletePage {
    base: Base,
    grace_days: i64,
    form: FormView,
}

pub async fn delete_page(State(state): State<AppState>, me: SignedIn) -> DeletePage {
    DeletePage {
        base: Base::new(&me.ctx, "delete-title"),
        grace_days: state.config.deletion_grace_days,
        form: FormView::default(),
    }
}

/// Deletion needs the person to type a confirmation word, so a stray click cannot start it.
pub async fn delete(State(state): State<AppState>, me: SignedIn, form: FormData) -> Response {
    let grace_days = state.config.deletion_grace_days;
    let page = |form| DeletePage {
        base: Base::new(&me.ctx, "delete-title"),
        grace_days,
        form,
    };
    let expected = me.ctx.lang.t("delete-confirm-word");
    if !form.get("confirm").trim().eq_ignore_ascii_case(&expected) {
        let error = AppError::field(entraide_core::ParseError::new(
            "confirm",
            entraide_core::Invalid::Required,
        ));
        return refuse(error, &form, me.ctx.lang, page);
    }
    match privacy::request_deletion(&state, &me.user).await {
        Ok(_) => see_other("/me?done=deletion-requested"),
        Err(error) => refuse(error, &form, me.ctx.lang, page),
    }
}

pub async fn cancel_delete(
    State(state): State<AppState>,
    me: SignedIn,
) -> Result<Response, AppError> {
    privacy::cancel_deletion(&state, &me.user).await?;
    Ok(see_other("/me?done=deletion-cancelled"))
}
