//! The moderation page: open reports with their message and the acts a
//! moderator may take (suspending asks for confirmation), and the log.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use entraide_core::conversation::ModerationAction;
use entraide_store::moderation::{LogEntry, MessageContext, Report};

use super::layout::{Base, Pager};
use super::see_other;
use crate::auth::SignedIn;
use crate::error::AppError;
use crate::forms::{FormData, FormView, refuse};
use crate::services::moderation::{self, ActInput};
use crate::state::AppState;

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct QueueQuery {
    page: Option<i64>,
    /// The log's own page.
    log: Option<i64>,
}

#[derive(Template, WebTemplate)]
#[template(path = "moderation/queue.html")]
pub struct QueuePage {
    base: Base,
    reports: Vec<Report>,
    pager: Pager,
    log: Vec<LogEntry>,
    log_pager: Pager,
    /// Platform administrators may suspend.
    platform: bool,
}

pub async fn queue(
    State(state): State<AppState>,
    me: SignedIn,
    Query(query): Query<QueueQuery>,
) -> Result<QueuePage, AppError> {
    let (page, log_page) = (query.page.unwrap_or(1), query.log.unwrap_or(1));
    let reports = moderation::queue(&state, &me.user, page).await?;
    let log = moderation::log(&state, &me.user, log_page).await?;
    Ok(QueuePage {
        base: Base::new(&me.ctx, "moderation-title"),
        pager: Pager::new(
            format!("/moderation?log={log_page}&page="),
            page.max(1),
            reports.more,
        ),
        log_pager: Pager::new(
            format!("/moderation?page={page}&log="),
            log_page.max(1),
            log.more,
        ),
        reports: reports.rows,
        log: log.rows,
        platform: moderation::may_suspend(&me.user),
    })
}

fn input(form: &FormData) -> ActInput {
    ActInput {
        comment: form.get("comment").to_owned(),
        days: form.get("days").to_owned(),
    }
}

/// Runs one act from the queue's buttons and comes back with a notice.
async fn act(
    state: &AppState,
    me: &SignedIn,
    message: i64,
    action: ModerationAction,
    form: &FormData,
) -> Result<Response, AppError> {
    moderation::act(state, &me.user, message, action, &input(form)).await?;
    let back = match form.get("back") {
        "conversation" => {
            let context = state.db.message_context(message).await?;
            format!(
                "/conversations/{}?done=moderation-{}#m{message}",
                context.conversation_id,
                action.key()
            )
        }
        _ => format!("/moderation?done=moderation-{}", action.key()),
    };
    Ok(see_other(&back))
}

pub async fn hide(
    State(state): State<AppState>,
    me: SignedIn,
    Path(message): Path<i64>,
    form: FormData,
) -> Result<Response, AppError> {
    act(&state, &me, message, ModerationAction::Hide, &form).await
}

pub async fn unhide(
    State(state): State<AppState>,
    me: SignedIn,
    Path(message): Path<i64>,
    form: FormData,
) -> Result<Response, AppError> {
    act(&state, &me, message, ModerationAction::Unhide, &form).await
}

pub async fn warn(
    State(state): State<AppState>,
    me: SignedIn,
    Path(message): Path<i64>,
    form: FormData,
) -> Result<Response, AppError> {
    act(&state, &me, message, ModerationAction::Warn, &form).await
}

pub async fn dismiss(
    State(state): State<AppState>,
    me: SignedIn,
    Path(message): Path<i64>,
    form: FormData,
) -> Result<Response, AppError> {
    act(&state, &me, message, ModerationAction::Dismiss, &form).await
}

#[derive(Template, WebTemplate)]
#[template(path = "moderation/suspend.html")]
pub struct SuspendPage {
    base: Base,
    message: MessageContext,
    form: FormView,
}

async fn suspend_page_for(
    state: &AppState,
    me: &SignedIn,
    message: i64,
    form: FormView,
) -> Result<SuspendPage, AppError> {
    let context = state.db.message_context(message).await?;
    if !moderation::may_suspend(&me.user) {
        return Err(AppError::Forbidden);
    }
    let name = context
        .author_name
        .clone()
        .unwrap_or_else(|| me.ctx.lang.t("conversation-someone"));
    Ok(SuspendPage {
        base: Base::titled(
            &me.ctx,
            me.ctx.lang.t_with("suspend-title", &[("name", name)]),
        ),
        message: context,
        form,
    })
}

/// Asks before suspending: how long, and why.
pub async fn suspend_page(
    State(state): State<AppState>,
    me: SignedIn,
    Path(message): Path<i64>,
) -> Result<SuspendPage, AppError> {
    suspend_page_for(&state, &me, message, FormView::default().with("days", "7")).await
}

pub async fn suspend(
    State(state): State<AppState>,
    me: SignedIn,
    Path(message): Path<i64>,
    form: FormData,
) -> Result<Response, AppError> {
    let action = ModerationAction::Suspend;
    match moderation::act(&state, &me.user, message, action, &input(&form)).await {
        Ok(()) => Ok(see_other("/moderation?done=moderation-suspend")),
        Err(error @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            let page = suspend_page_for(&state, &me, message, FormView::default()).await?;
            Ok(refuse(error, &form, me.ctx.lang, |form| SuspendPage {
                form,
                ..page
            }))
        }
        Err(error) => Err(error),
    }
}
