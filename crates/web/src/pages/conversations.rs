//! Conversation pages: the list with unread counts, one conversation with
//! its messages and the form to write, muting, reporting a message,
//! writing to a person, blocking, and the way in from an exchange, a
//! pairing or an organisation.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse as _, Response};
use entraide_core::conversation::preview;
use entraide_store::conversations::{ConversationSummary, Group};

use super::layout::{Base, Pager};
use super::{PageQuery, see_other};
use crate::auth::SignedIn;
use crate::error::AppError;
use crate::forms::{FormData, FormView, refuse};
use crate::services::conversations::{self, ConversationView, link, title};
use crate::services::moderation;
use crate::state::AppState;

/// A conversation in the list, with its texts ready.
pub struct Item {
    c: ConversationSummary,
    name: String,
    /// "3 unread messages", empty when none.
    unread: String,
    /// The last message in one short line; empty when it cannot be shown.
    preview: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "conversations/list.html")]
pub struct ListPage {
    base: Base,
    items: Vec<Item>,
    pager: Pager,
}

pub async fn list(
    State(state): State<AppState>,
    me: SignedIn,
    Query(query): Query<PageQuery>,
) -> Result<ListPage, AppError> {
    let page = query.page.unwrap_or(1);
    let listing = conversations::list(&state, &me.user, page).await?;
    Ok(ListPage {
        base: Base::new(&me.ctx, "conversations-title"),
        pager: Pager::new("/conversations?page=", page.max(1), listing.more),
        items: listing
            .rows
            .into_iter()
            .map(|c| Item {
                name: title(me.ctx.lang, &c.conversation),
                unread: if c.unread >= entraide_store::messages::UNREAD_CAP {
                    me.ctx.lang.t("conversation-unread-many")
                } else if c.unread > 0 {
                    me.ctx.lang.t_count("conversation-unread", c.unread, &[])
                } else {
                    String::new()
                },
                preview: c.last_body.as_deref().map(preview),
                c,
            })
            .collect(),
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "conversations/show.html")]
pub struct ShowPage {
    base: Base,
    view: ConversationView,
    /// Why the reader cannot write now, as a sentence.
    cannot_post: Option<String>,
    form: FormView,
}

async fn show_page(
    state: &AppState,
    me: &SignedIn,
    id: i64,
    page: i64,
    form: FormView,
) -> Result<ShowPage, AppError> {
    let view = conversations::view(state, &me.user, id, page, true).await?;
    let lang = me.ctx.lang;
    let cannot_post = view
        .cannot_post
        .as_deref()
        .map(|code| match view.suspended_until {
            Some(until) if code == "account-suspended" => {
                lang.t_with("suspended-until", &[("date", lang.date(until))])
            }
            _ => lang.t(&format!("error-{code}")),
        });
    Ok(ShowPage {
        base: Base::titled(&me.ctx, title(lang, &view.conversation)),
        view,
        cannot_post,
        form,
    })
}

pub async fn show(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    Query(query): Query<PageQuery>,
) -> Result<ShowPage, AppError> {
    show_page(
        &state,
        &me,
        id,
        query.page.unwrap_or(1),
        FormView::default(),
    )
    .await
}

/// Writes a message, then shows the conversation with it; a refused one
/// shows the page again with the text kept and the reason.
pub async fn post(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    form: FormData,
) -> Result<Response, AppError> {
    match conversations::post(&state, &me.user, id, form.get("body")).await {
        Ok(message) => Ok(see_other(&format!("{}#m{message}", link(id)))),
        Err(error @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            let page = show_page(&state, &me, id, 1, FormView::default()).await?;
            Ok(refuse(error, &form, me.ctx.lang, |form| ShowPage {
                form,
                ..page
            }))
        }
        Err(error) => Err(error),
    }
}

pub async fn mute(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    conversations::set_muted(&state, &me.user, id, true).await?;
    Ok(see_other(&format!("{}?done=conversation-muted", link(id))))
}

pub async fn unmute(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    conversations::set_muted(&state, &me.user, id, false).await?;
    Ok(see_other(&format!(
        "{}?done=conversation-unmuted",
        link(id)
    )))
}

#[derive(Template, WebTemplate)]
#[template(path = "conversations/report.html")]
pub struct ReportPage {
    base: Base,
    conversation_id: i64,
    message_id: i64,
    /// The message as the reporter sees it.
    author: String,
    body: String,
    form: FormView,
}

async fn report_page_for(
    state: &AppState,
    me: &SignedIn,
    id: i64,
    message: i64,
    form: FormView,
) -> Result<ReportPage, AppError> {
    let view = conversations::view(state, &me.user, id, 1, false).await?;
    let context = state.db.message_context(message).await?;
    if context.conversation_id != id {
        return Err(AppError::NotFound);
    }
    let hidden = context.hidden_at.is_some() && !view.moderator;
    Ok(ReportPage {
        base: Base::new(&me.ctx, "report-title"),
        conversation_id: id,
        message_id: message,
        author: context
            .author_name
            .unwrap_or_else(|| me.ctx.lang.t("conversation-someone")),
        body: if hidden {
            me.ctx.lang.t("message-hidden")
        } else {
            context.body
        },
        form,
    })
}

pub async fn report_page(
    State(state): State<AppState>,
    me: SignedIn,
    Path((id, message)): Path<(i64, i64)>,
) -> Result<ReportPage, AppError> {
    report_page_for(&state, &me, id, message, FormView::default()).await
}

pub async fn report(
    State(state): State<AppState>,
    me: SignedIn,
    Path((id, message)): Path<(i64, i64)>,
    form: FormData,
) -> Result<Response, AppError> {
    let context = state.db.message_context(message).await?;
    if context.conversation_id != id {
        return Err(AppError::NotFound);
    }
    match moderation::report(&state, &me.user, message, form.get("reason")).await {
        Ok(_) => Ok(see_other(&format!("{}?done=message-reported", link(id)))),
        Err(error @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            let page = report_page_for(&state, &me, id, message, FormView::default()).await?;
            Ok(refuse(error, &form, me.ctx.lang, |form| ReportPage {
                form,
                ..page
            }))
        }
        Err(error) => Err(error),
    }
}

/// "Write a message" from a person's page: opens (or starts) the direct
/// conversation.
pub async fn message_person(
    State(state): State<AppState>,
    me: SignedIn,
    Path(person): Path<i64>,
) -> Result<Response, AppError> {
    let id = conversations::open_direct(&state, &me.user, person).await?;
    Ok(see_other(&link(id)))
}

/// The way into a group conversation, from its exchange, pairing or
/// organisation page: opened on first use, then shown.
async fn open(state: &AppState, me: &SignedIn, group: Group) -> Result<Response, AppError> {
    let id = conversations::open_group(state, &me.user, group).await?;
    Ok(see_other(&link(id)))
}

pub async fn exchange_conversation(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    open(&state, &me, Group::Exchange(id)).await
}

pub async fn pairing_conversation(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    open(&state, &me, Group::Pairing(id)).await
}

pub async fn team_conversation(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    open(&state, &me, Group::Team(id)).await
}

#[derive(Template, WebTemplate)]
#[template(path = "conversations/block.html")]
pub struct BlockPage {
    base: Base,
    person_id: i64,
    name: String,
}

/// Asks before blocking someone.
pub async fn block_page(
    State(state): State<AppState>,
    me: SignedIn,
    Path(person): Path<i64>,
) -> Result<Response, AppError> {
    if person == me.user.id {
        return Err(AppError::Conflict("block-self"));
    }
    let name = conversations::knows(&state, &me.user, person).await?;
    Ok(BlockPage {
        base: Base::titled(
            &me.ctx,
            me.ctx.lang.t_with("block-title", &[("name", name.clone())]),
        ),
        person_id: person,
        name,
    }
    .into_response())
}

pub async fn block(
    State(state): State<AppState>,
    me: SignedIn,
    Path(person): Path<i64>,
) -> Result<Response, AppError> {
    conversations::set_blocked(&state, &me.user, person, true).await?;
    back(&state, &me, person, "person-blocked").await
}

pub async fn unblock(
    State(state): State<AppState>,
    me: SignedIn,
    Path(person): Path<i64>,
) -> Result<Response, AppError> {
    conversations::set_blocked(&state, &me.user, person, false).await?;
    back(&state, &me, person, "person-unblocked").await
}

/// Back to the person's page, or to the conversations when their profile
/// is not visible (they were blocked from a conversation).
async fn back(
    state: &AppState,
    me: &SignedIn,
    person: i64,
    done: &str,
) -> Result<Response, AppError> {
    match crate::services::profiles::view_person(state, &me.user, person).await {
        Ok(_) => Ok(see_other(&format!("/people/{person}?done={done}"))),
        Err(AppError::NotFound) => Ok(see_other(&format!("/conversations?done={done}"))),
        Err(error) => Err(error),
    }
}
