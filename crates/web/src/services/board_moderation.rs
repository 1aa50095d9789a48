//! Moderation of the local board. A post is moderated by platform
//! administrators and by the moderators (admins) of the organisations its
//! author belongs to: the same people who answer for that person's
//! conversations. People who see a post may report it or a comment.

use entraide_core::conversation::Note;
use entraide_store::board_moderation::{BoardAct, BoardAction, BoardReport};
use entraide_store::users::User;
use entraide_store::{Listing, Page, StoreError};

use crate::error::AppError;
use crate::services::board::readable;
use crate::services::moderation::{moderates, scope};
use crate::state::AppState;

/// Reports per page of the queue.
pub const PER_PAGE: i64 = 20;

/// Whether `user` moderates the post `id`.
pub async fn moderates_post(state: &AppState, user: &User, id: i64) -> Result<bool, AppError> {
    if user.platform_admin {
        return Ok(true);
    }
    for org in state.db.post_author_orgs(id).await? {
        if moderates(state, user, Some(org)).await? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Reports a post (`comment` 0) or one of its comments, seen by `user`.
pub async fn report(
    state: &AppState,
    user: &User,
    id: i64,
    comment: i64,
    reason: &str,
) -> Result<i64, AppError> {
    let (post, _) = readable(state, user, id).await?;
    let author = if comment == 0 {
        Some(post.author_id)
    } else {
        let c = state.db.board_comment(comment).await?;
        if c.post_id != id {
            return Err(AppError::NotFound);
        }
        c.author_id
    };
    if author == Some(user.id) {
        return Err(AppError::Conflict("report-own"));
    }
    let reason = Note::parse("reason", reason).map_err(AppError::field)?;
    match state
        .db
        .report_board(id, comment, user.id, reason.as_str())
        .await
    {
        Err(StoreError::Conflict) => Err(AppError::Conflict("already-reported")),
        other => Ok(other?),
    }
}

/// Hides, shows again or dismisses the reports of a post or a comment.
pub async fn act(
    state: &AppState,
    user: &User,
    id: i64,
    comment: i64,
    action: BoardAction,
    note: &str,
) -> Result<(), AppError> {
    state.db.board_post(id).await?;
    if !moderates_post(state, user, id).await? {
        return Err(AppError::Forbidden);
    }
    let note = Note::optional("comment", note).map_err(AppError::field)?;
    state
        .db
        .moderate_board(&BoardAct {
            action,
            actor_id: user.id,
            post_id: id,
            comment_id: comment,
            note: note.as_ref().map_or("", Note::as_str),
        })
        .await?;
    Ok(())
}

/// The open reports of the board that `user` moderates; `Forbidden` for
/// people who moderate nothing.
pub async fn queue(
    state: &AppState,
    user: &User,
    page: i64,
) -> Result<Listing<BoardReport>, AppError> {
    let scope = scope(state, user).await?;
    Ok(state
        .db
        .open_board_reports(&scope, Page::new(page, PER_PAGE))
        .await?)
}
