//! Moderation for the pages and the API: reporting a message, the queue of
//! open reports (an organisation's admins see those of its conversations,
//! platform administrators all of them), and the moderators' acts.

use entraide_core::authz::{Action, Actor, allows};
use entraide_core::conversation::{ModerationAction, Note, parse_suspension_days, preview};
use entraide_core::notify::Kind;
use entraide_core::role::OrgRole;
use entraide_store::moderation::{Act, LogEntry, Report, Scope};
use entraide_store::users::User;
use entraide_store::{Listing, Page, StoreError, now};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::error::AppError;
use crate::services::conversations::link;
use crate::services::notifications::{Event, notify};
use crate::state::AppState;

/// Reports and log lines per page.
pub const PER_PAGE: i64 = 20;

fn actor(user: &User, role: Option<&str>) -> Actor {
    Actor {
        platform_admin: user.platform_admin,
        org_role: role.and_then(|r| OrgRole::parse(r).ok()),
    }
}

/// Whether `user` moderates conversations linked to `org` (any, for
/// platform administrators).
pub async fn moderates(state: &AppState, user: &User, org: Option<i64>) -> Result<bool, AppError> {
    let role = match org {
        Some(org) => state.db.role_in(org, user.id).await?,
        None => None,
    };
    Ok(allows(actor(user, role.as_deref()), Action::Moderate))
}

/// Whether `user` may suspend accounts (platform administrators).
pub fn may_suspend(user: &User) -> bool {
    allows(actor(user, None), Action::AdministerPlatform)
}

/// What `user` moderates; `Forbidden` when nothing.
pub async fn scope(state: &AppState, user: &User) -> Result<Scope, AppError> {
    if may_suspend(user) {
        return Ok(Scope::All);
    }
    let orgs: Vec<i64> = state
        .db
        .memberships_of(user.id)
        .await?
        .into_iter()
        .filter(|(_, role)| allows(actor(user, Some(role)), Action::Moderate))
        .map(|(org, _)| org.id)
        .collect();
    if orgs.is_empty() {
        Err(AppError::Forbidden)
    } else {
        Ok(Scope::Orgs(orgs))
    }
}

/// The open reports `user` moderates, the newest first.
pub async fn queue(state: &AppState, user: &User, page: i64) -> Result<Listing<Report>, AppError> {
    let scope = scope(state, user).await?;
    Ok(state
        .db
        .open_reports(&scope, Page::new(page, PER_PAGE))
        .await?)
}

/// The moderation log `user` may read, the newest first.
pub async fn log(state: &AppState, user: &User, page: i64) -> Result<Listing<LogEntry>, AppError> {
    let scope = scope(state, user).await?;
    Ok(state
        .db
        .moderation_log(&scope, Page::new(page, PER_PAGE))
        .await?)
}

/// Reports a message of a conversation `user` belongs to.
pub async fn report(
    state: &AppState,
    user: &User,
    message: i64,
    reason: &str,
) -> Result<i64, AppError> {
    let context = state.db.message_context(message).await?;
    state.db.sync_members(context.conversation_id).await?;
    if state
        .db
        .membership(context.conversation_id, user.id)
        .await?
        .is_none()
    {
        return Err(AppError::Forbidden);
    }
    if context.author_id == Some(user.id) {
        return Err(AppError::Conflict("report-own"));
    }
    let reason = Note::parse("reason", reason).map_err(AppError::field)?;
    match state
        .db
        .report_message(message, user.id, reason.as_str())
        .await
    {
        Err(StoreError::Conflict) => Err(AppError::Conflict("already-reported")),
        other => Ok(other?),
    }
}

/// What a moderator adds to an act.
#[derive(Debug, Default, Clone, Deserialize, ToSchema)]
#[serde(default)]
pub struct ActInput {
    /// A few words for the moderation log (optional).
    pub comment: String,
    /// For a suspension: how many days (1 to 365).
    pub days: String,
}

/// One moderator's act on a message. Suspending is for platform
/// administrators; a warning notifies the author.
pub async fn act(
    state: &AppState,
    user: &User,
    message: i64,
    action: ModerationAction,
    input: &ActInput,
) -> Result<(), AppError> {
    let context = state.db.message_context(message).await?;
    if !moderates(state, user, context.moderating_org).await? {
        return Err(AppError::Forbidden);
    }
    if action == ModerationAction::Suspend && !may_suspend(user) {
        return Err(AppError::Forbidden);
    }
    let note = Note::optional("comment", &input.comment).map_err(AppError::field)?;
    let until = if action == ModerationAction::Suspend {
        Some(now() + parse_suspension_days(&input.days).map_err(AppError::field)? * 24 * 3600)
    } else {
        None
    };
    let author = context.author_id;
    if matches!(action, ModerationAction::Warn | ModerationAction::Suspend) && author.is_none() {
        return Err(AppError::Conflict("no-author"));
    }
    state
        .db
        .moderate(&Act {
            action,
            actor_id: user.id,
            message_id: message,
            org_id: context.moderating_org,
            note: note.as_ref().map_or("", Note::as_str),
            until,
        })
        .await?;
    match (action, author) {
        (ModerationAction::Warn, Some(author)) => {
            let subject = preview(&context.body);
            notify(
                state,
                &[author],
                Event {
                    kind: Kind::Moderation,
                    actor_id: Some(user.id),
                    subject: &subject,
                    link: link(context.conversation_id),
                    dedup: None,
                    collapse: false,
                },
            )
            .await?;
        }
        (ModerationAction::Hide | ModerationAction::Unhide, _) => {
            // Unread counts and open pages change for everyone there.
            let members = state.db.member_ids(context.conversation_id).await?;
            crate::live::publish(state, &members).await;
        }
        _ => {}
    }
    Ok(())
}
