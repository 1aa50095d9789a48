//! Conversations for the pages and the API: opening a direct one or that of
//! an exchange, pairing or team; reading (which marks read); writing (which
//! notifies the others and refreshes their pages); muting; blocking.

use entraide_core::conversation::{MessageBody, Poster, Refusal, Shown, may_post};
use entraide_core::notify::Kind;
use entraide_store::conversations::{Conversation, ConversationSummary, Group};
use entraide_store::messages::Message;
use entraide_store::users::User;
use entraide_store::{Listing, Page, now};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::AppError;
use crate::i18n::Lang;
use crate::services::moderation::moderates;
use crate::services::notifications::{Event, notify};
use crate::state::AppState;

/// Messages per page of a conversation.
pub const MESSAGES_PER_PAGE: i64 = 30;
/// Conversations per page of the list.
pub const CONVERSATIONS_PER_PAGE: i64 = 20;

/// The link of a conversation's page (and of its notifications).
pub fn link(id: i64) -> String {
    format!("/conversations/{id}")
}

/// What a conversation is called, for its reader.
pub fn title(lang: Lang, c: &Conversation) -> String {
    let text = |v: &Option<String>| v.clone().unwrap_or_else(|| lang.t("conversation-someone"));
    match c.kind.as_str() {
        "exchange" => lang.t_with(
            "conversation-title-exchange",
            &[("title", text(&c.exchange_title))],
        ),
        "pairing" => lang.t_with(
            "conversation-title-pairing",
            &[
                ("visitor", text(&c.visitor_name)),
                ("visited", text(&c.visited_name)),
            ],
        ),
        "team" => lang.t_with("conversation-title-team", &[("org", text(&c.org_name))]),
        _ => text(&c.other_name),
    }
}

/// A message as one reader sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MessageView {
    pub id: i64,
    pub author_id: Option<i64>,
    pub author_name: Option<String>,
    /// Empty when hidden by moderation (moderators still read it).
    pub body: String,
    pub created_at: i64,
    /// `visible`, `hidden` (by moderation), `hidden_for_moderator`, or
    /// `blocked` (its author is someone the reader blocked: fold it).
    pub shown: String,
    /// Written by the reader.
    pub mine: bool,
}

impl MessageView {
    fn new(message: Message, reader: i64, moderator: bool) -> Self {
        let shown = Shown::of(
            message.hidden_at.is_some(),
            message.author_blocked,
            moderator,
        );
        Self {
            id: message.id,
            mine: message.author_id == Some(reader),
            author_id: message.author_id,
            author_name: message.author_name,
            body: if shown.reveals_text() {
                message.body
            } else {
                String::new()
            },
            created_at: message.created_at,
            shown: shown.key().to_owned(),
        }
    }
}

/// A conversation as its reader sees it: one page of messages.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ConversationView {
    pub conversation: Conversation,
    pub messages: Vec<MessageView>,
    pub page: i64,
    /// Older messages are on the next page.
    pub more: bool,
    pub muted: bool,
    /// The reader moderates this conversation.
    pub moderator: bool,
    /// Why the reader may not write here now: `account-suspended`,
    /// `message-blocked` or `you-blocked`.
    pub cannot_post: Option<String>,
    pub suspended_until: Option<i64>,
}

/// The error of a refused post, as people read it.
fn refused(refusal: Refusal) -> AppError {
    match refusal {
        Refusal::NotMember => AppError::Forbidden,
        Refusal::Suspended(_) => AppError::Conflict("account-suspended"),
        Refusal::BlockedByOther => AppError::Conflict("message-blocked"),
        Refusal::BlocksOther => AppError::Conflict("you-blocked"),
    }
}

/// The conversation brought in step with its source, if `user` belongs to
/// it; `Forbidden` otherwise, `NotFound` when there is no such conversation.
async fn joined(state: &AppState, user: &User, id: i64) -> Result<bool, AppError> {
    state.db.sync_members(id).await?;
    match state.db.membership(id, user.id).await? {
        Some(membership) => Ok(membership.muted),
        None => Err(AppError::Forbidden),
    }
}

/// Why `user` could not write in `conversation` now, if so.
async fn cannot_post(
    state: &AppState,
    user: &User,
    conversation: &Conversation,
    suspended_until: Option<i64>,
) -> Result<Option<String>, AppError> {
    let (blocked_by_other, blocks_other) = match conversation.other_id {
        Some(other) => (
            state.db.blocks(other, user.id).await?,
            state.db.blocks(user.id, other).await?,
        ),
        None => (false, false),
    };
    let poster = Poster {
        member: true,
        suspended_until,
        blocked_by_other,
        blocks_other,
    };
    Ok(may_post(poster, now())
        .err()
        .map(|r| refused(r).code().to_owned()))
}

/// Opens a conversation for `user`: one page of messages, newest page
/// first. With `mark`, reading the newest page marks it read, with its
/// notifications (the pages do; the API has its own call for it).
pub async fn view(
    state: &AppState,
    user: &User,
    id: i64,
    page: i64,
    mark: bool,
) -> Result<ConversationView, AppError> {
    let muted = joined(state, user, id).await?;
    let conversation = state.db.conversation(id, user.id).await?;
    let moderator = moderates(state, user, conversation.moderating_org).await?;
    let page = Page::new(page, MESSAGES_PER_PAGE);
    let listing = state.db.messages(id, user.id, page).await?;
    if mark && page.number == 1 {
        let newest = listing.rows.last().map(|m| m.id);
        state.db.mark_read(id, user.id, newest).await?;
        state.db.read_notifications_to(user.id, &link(id)).await?;
        crate::live::publish(state, &[user.id]).await;
    }
    let suspended_until = state.db.suspended_until(user.id).await?;
    Ok(ConversationView {
        cannot_post: cannot_post(state, user, &conversation, suspended_until).await?,
        suspended_until,
        messages: listing
            .rows
            .into_iter()
            .map(|m| MessageView::new(m, user.id, moderator))
            .collect(),
        page: page.number,
        more: listing.more,
        muted,
        moderator,
        conversation,
    })
}

/// `user`'s conversations, the most recently active first.
pub async fn list(
    state: &AppState,
    user: &User,
    page: i64,
) -> Result<Listing<ConversationSummary>, AppError> {
    Ok(state
        .db
        .conversations_of(user.id, Page::new(page, CONVERSATIONS_PER_PAGE))
        .await?)
}

/// Writes a message. Bad text is refused before anything is stored; once
/// it is stored, the other members are notified (but not those who muted
/// the conversation or blocked the author) and every member's open pages
/// are refreshed.
pub async fn post(state: &AppState, user: &User, id: i64, text: &str) -> Result<i64, AppError> {
    let body = MessageBody::parse(text).map_err(AppError::field)?;
    let posted = state
        .db
        .post_message(id, user.id, &body)
        .await?
        .map_err(refused)?;
    let preview = body.preview();
    notify(
        state,
        &posted.recipients,
        Event {
            kind: Kind::Message,
            actor_id: Some(user.id),
            subject: &preview,
            link: link(id),
            dedup: None,
            collapse: true,
        },
    )
    .await?;
    crate::live::publish(state, &posted.members).await;
    Ok(posted.message_id)
}

/// Marks read up to `up_to` (the newest when `None`).
pub async fn mark_read(
    state: &AppState,
    user: &User,
    id: i64,
    up_to: Option<i64>,
) -> Result<(), AppError> {
    joined(state, user, id).await?;
    state.db.mark_read(id, user.id, up_to).await?;
    state.db.read_notifications_to(user.id, &link(id)).await?;
    crate::live::publish(state, &[user.id]).await;
    Ok(())
}

pub async fn set_muted(
    state: &AppState,
    user: &User,
    id: i64,
    muted: bool,
) -> Result<(), AppError> {
    joined(state, user, id).await?;
    state.db.set_muted(id, user.id, muted).await?;
    crate::live::publish(state, &[user.id]).await;
    Ok(())
}

/// Whether `user` may open the conversation of `group`.
pub async fn may_open(state: &AppState, user: &User, group: Group) -> Result<bool, AppError> {
    Ok(state.db.belongs_to(group, user.id).await?)
}

/// The conversation of an exchange, a pairing or a team, for one of its
/// members; `Forbidden` for anyone else.
pub async fn open_group(state: &AppState, user: &User, group: Group) -> Result<i64, AppError> {
    if !may_open(state, user, group).await? {
        return Err(AppError::Forbidden);
    }
    Ok(state.db.open_group(group).await?)
}

/// The direct conversation with someone whose profile `user` may see. A
/// person who blocked `user` is not written to: a conversation they
/// already had still opens (read only), none is started.
pub async fn open_direct(state: &AppState, user: &User, other: i64) -> Result<i64, AppError> {
    if other == user.id {
        return Err(AppError::Conflict("message-self"));
    }
    crate::services::profiles::view_person(state, user, other).await?;
    if let Some(id) = state.db.direct_between(user.id, other).await? {
        return Ok(id);
    }
    if state.db.blocks(other, user.id).await? {
        return Err(AppError::Conflict("message-blocked"));
    }
    Ok(state.db.open_direct(user.id, other).await?)
}

/// What a person's profile offers the viewer: writing, blocking.
#[derive(Debug, Clone, Copy, Default, Serialize, ToSchema)]
pub struct PersonActions {
    /// Not oneself: a message may be written and the person blocked.
    pub can_write: bool,
    /// The viewer blocked this person.
    pub blocked: bool,
}

pub async fn person_actions(
    state: &AppState,
    viewer: &User,
    person: i64,
) -> Result<PersonActions, AppError> {
    if person == viewer.id {
        return Ok(PersonActions::default());
    }
    Ok(PersonActions {
        can_write: true,
        blocked: state.db.blocks(viewer.id, person).await?,
    })
}

/// `NotFound` unless `user` may see the person's profile or shares a
/// conversation with them (someone with a hidden profile may still write
/// in a group, and must be blockable there). Returns their name.
pub async fn knows(state: &AppState, user: &User, other: i64) -> Result<String, AppError> {
    match crate::services::profiles::view_person(state, user, other).await {
        Ok(person) => Ok(person.display_name),
        Err(AppError::NotFound) if state.db.share_a_conversation(user.id, other).await? => {
            Ok(state.db.user(other).await?.display_name)
        }
        Err(error) => Err(error),
    }
}

/// Blocks or unblocks someone `user` knows (blocking oneself is refused).
pub async fn set_blocked(
    state: &AppState,
    user: &User,
    other: i64,
    blocked: bool,
) -> Result<(), AppError> {
    if other == user.id {
        return Err(AppError::Conflict("block-self"));
    }
    if blocked {
        knows(state, user, other).await?;
        state.db.block(user.id, other).await?;
    } else {
        state.db.unblock(user.id, other).await?;
    }
    // Unread counts change with what is blocked.
    crate::live::publish(state, &[user.id]).await;
    Ok(())
}
