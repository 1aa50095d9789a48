//! The notification centre, notification settings, the unsubscribe page
//! reached from emails, and the live event stream that updates counters.

use std::convert::Infallible;
use std::time::Duration;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use entraide_core::notify::{Channel, Kind, Mode};
use entraide_store::Page;
use futures_util::Stream;
use serde::Deserialize;
use tokio::sync::broadcast::error::RecvError;

use super::layout::{Base, Pager};
use super::{PageQuery, see_other};
use crate::auth::{Ctx, SignedIn};
use crate::error::AppError;
use crate::forms::{FormData, FormView};
use crate::services::notifications::{counts, sentence};
use crate::services::preferences::{self, SettingsBody};
use crate::state::AppState;

/// One line of the centre, in the reader's language.
pub struct Item {
    pub id: i64,
    pub text: String,
    pub at: i64,
    pub unread: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "notifications/list.html")]
pub struct ListPage {
    base: Base,
    items: Vec<Item>,
    unread: i64,
    pager: Pager,
}

pub async fn list(
    State(state): State<AppState>,
    me: SignedIn,
    Query(query): Query<PageQuery>,
) -> Result<ListPage, AppError> {
    let page = Page::new(query.page.unwrap_or(1), 30);
    let listing = state.db.notifications(me.user.id, page).await?;
    let lang = me.ctx.lang;
    Ok(ListPage {
        base: Base::new(&me.ctx, "notifications-title"),
        unread: state.db.unread_notifications(me.user.id).await?,
        pager: Pager::new("/notifications?page=", page.number, listing.more),
        items: listing
            .rows
            .into_iter()
            .map(|n| Item {
                id: n.id,
                text: sentence(lang, &n.kind, n.actor_name.as_deref(), &n.subject),
                at: n.created_at,
                unread: n.read_at.is_none(),
            })
            .collect(),
    })
}

/// Opens a notification: marks it read and goes where it leads.
pub async fn open(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let link = state.db.open_notification(me.user.id, id).await?;
    crate::live::publish(&state, &[me.user.id]).await;
    // Only paths of this site are followed.
    let link = if link.starts_with('/') && !link.starts_with("//") {
        link
    } else {
        "/notifications".to_owned()
    };
    Ok(see_other(&link))
}

pub async fn read_all(State(state): State<AppState>, me: SignedIn) -> Result<Response, AppError> {
    state.db.read_all_notifications(me.user.id).await?;
    crate::live::publish(&state, &[me.user.id]).await;
    Ok(see_other("/notifications?done=notifications-read"))
}

#[derive(Template, WebTemplate)]
#[template(path = "notifications/settings.html")]
pub struct SettingsPage {
    base: Base,
    form: FormView,
    kinds: Vec<&'static str>,
    modes: Vec<&'static str>,
    channels: Vec<&'static str>,
    hours: Vec<String>,
}

impl SettingsPage {
    fn new(ctx: &Ctx, form: FormView) -> Self {
        Self {
            base: Base::new(ctx, "notify-settings-title"),
            form,
            kinds: Kind::ALL.iter().map(|k| k.code()).collect(),
            modes: Mode::ALL.iter().map(|m| m.code()).collect(),
            channels: Channel::ALL.iter().map(|c| c.code()).collect(),
            hours: (0..24).map(|h| h.to_string()).collect(),
        }
    }
}

fn settings_form(body: &SettingsBody) -> FormView {
    let mut form = FormView::default()
        .with("channel", body.channel.clone())
        .with("phone", body.phone.clone().unwrap_or_default())
        .with("quiet_from", body.quiet_from.to_string())
        .with("quiet_to", body.quiet_to.to_string());
    for (kind, mode) in &body.modes {
        form = form.with(&format!("mode-{kind}"), mode.clone());
    }
    form
}

pub async fn settings_page(
    State(state): State<AppState>,
    me: SignedIn,
) -> Result<SettingsPage, AppError> {
    let body = preferences::load(&state, me.user.id).await?;
    Ok(SettingsPage::new(&me.ctx, settings_form(&body)))
}

pub async fn save_settings(
    State(state): State<AppState>,
    me: SignedIn,
    form: FormData,
) -> Response {
    let input = preferences::from_form(&form);
    match preferences::save(&state, me.user.id, &input).await {
        Ok(_) => see_other("/me/notifications?done=notify-settings-saved"),
        Err(error @ AppError::Internal(_)) => error.into_response(),
        Err(error) => {
            let view = FormView::from_data(&form).with_error(&error, me.ctx.lang);
            (error.status(), SettingsPage::new(&me.ctx, view)).into_response()
        }
    }
}

#[derive(Deserialize)]
pub struct UnsubscribeQuery {
    #[serde(default)]
    token: String,
    #[serde(default)]
    kind: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "notifications/unsubscribe.html")]
pub struct UnsubscribePage {
    base: Base,
    token: String,
    kind: String,
    /// The kind's name in the reader's language.
    what: String,
    done: bool,
}

fn kind_name(ctx: &Ctx, kind: &str) -> Result<String, AppError> {
    if kind != "digest" && Kind::parse(kind).is_err() {
        return Err(AppError::NotFound);
    }
    Ok(ctx.lang.t(&format!("notify-kind-{kind}")))
}

/// Asks before unsubscribing: mail scanners open links, and must not
/// unsubscribe anyone by doing so.
pub async fn unsubscribe_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<UnsubscribeQuery>,
) -> Result<UnsubscribePage, AppError> {
    state.db.unsubscribe_user(&query.token).await?;
    Ok(UnsubscribePage {
        base: Base::new(&ctx, "unsubscribe-title"),
        what: kind_name(&ctx, &query.kind)?,
        token: query.token,
        kind: query.kind,
        done: false,
    })
}

/// Unsubscribes: from the page's button, or in one click from a mail
/// program (RFC 8058: a POST to the link itself).
pub async fn unsubscribe(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<UnsubscribeQuery>,
    form: FormData,
) -> Result<UnsubscribePage, AppError> {
    let token = match form.get("token") {
        "" => query.token,
        token => token.to_owned(),
    };
    let kind = match form.get("kind") {
        "" => query.kind,
        kind => kind.to_owned(),
    };
    let what = kind_name(&ctx, &kind)?;
    preferences::unsubscribe(&state, &token, &kind).await?;
    Ok(UnsubscribePage {
        base: Base::new(&ctx, "unsubscribe-title"),
        what,
        token: String::new(),
        kind,
        done: true,
    })
}

/// The signed-in person's live stream: their counters now, then again each
/// time something changes for them.
pub async fn events(
    State(state): State<AppState>,
    me: SignedIn,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let user = me.user.id;
    let subscription = state.live.subscribe(user);
    let stream = futures_util::stream::unfold(
        (state, subscription, true),
        move |(state, mut subscription, first)| async move {
            let mut failures = 0;
            let mut wait = !first;
            loop {
                if wait {
                    match subscription.receiver.recv().await {
                        Ok(()) | Err(RecvError::Lagged(_)) => {}
                        Err(RecvError::Closed) => return None,
                    }
                }
                // Wrong counts are worse than late ones: on a failed read
                // (a busy pool), try again shortly, then wait for the next
                // signal.
                match counts(&state, user).await {
                    Ok(current) => {
                        let data = serde_json::to_string(&current).unwrap_or_default();
                        let event = Event::default().event("counts").data(data);
                        return Some((Ok(event), (state, subscription, false)));
                    }
                    Err(error) if failures < 3 => {
                        tracing::warn!(%error, "live counters: retrying a read");
                        failures += 1;
                        wait = false;
                        tokio::time::sleep(Duration::from_millis(500)).await;
                    }
                    Err(error) => {
                        tracing::warn!(%error, "live counters: giving up until the next change");
                        failures = 0;
                        wait = true;
                    }
                }
            }
        },
    );
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(20)))
}
