//! Notifying people: the event goes to the in-app centre of each recipient,
//! their open pages are woken, and a delivery job tells them by email or SMS
//! as they chose; the daily digest gathers the rest.

use entraide_core::notify::{Kind, QuietHours};
use entraide_core::sms::{fit_sms, sms_text};
use entraide_store::jobs::{Email, Job};
use entraide_store::notifications::{Delivery, NewNotification};
use serde::Deserialize;

use crate::error::AppError;
use crate::i18n::Lang;
use crate::jobs::{Failure, Outcome, Worker};
use crate::mail::{escape, html_page};
use crate::state::AppState;

/// One event for several people.
pub struct Event<'a> {
    pub kind: Kind,
    pub actor_id: Option<i64>,
    pub subject: &'a str,
    pub link: String,
    pub dedup: Option<String>,
    pub collapse: bool,
}

/// Notifies `recipients` (the actor is never notified of their own act) and
/// wakes their open pages. Returns who was notified.
pub async fn notify(
    state: &AppState,
    recipients: &[i64],
    event: Event<'_>,
) -> Result<Vec<i64>, AppError> {
    let recipients: Vec<i64> = recipients
        .iter()
        .copied()
        .filter(|id| Some(*id) != event.actor_id)
        .collect();
    if recipients.is_empty() {
        return Ok(Vec::new());
    }
    let notified = state
        .db
        .notify(
            &recipients,
            &NewNotification {
                kind: event.kind.code(),
                actor_id: event.actor_id,
                subject: event.subject,
                link: &event.link,
                dedup: event.dedup.as_deref(),
                collapse: event.collapse,
            },
        )
        .await?;
    crate::live::publish(state, &notified).await;
    state.wake_jobs.notify_one();
    Ok(notified)
}

/// What the counters in the page header show.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Counts {
    /// Unread notifications, counted up to 100 (100 means "100 or more").
    pub notifications: i64,
    /// Unread messages in conversations that are not muted, counted up to
    /// 100 (100 means "100 or more").
    pub messages: i64,
}

impl Counts {
    /// Unread messages as people read them ("99+" once at the cap).
    pub fn messages_text(&self) -> String {
        shown_count(self.messages)
    }

    /// Unread notifications as people read them ("99+" once at the cap).
    pub fn notifications_text(&self) -> String {
        shown_count(self.notifications)
    }
}

/// A count as people read it: "99+" once it reaches the cap.
pub fn shown_count(count: i64) -> String {
    if count >= entraide_store::messages::UNREAD_CAP {
        format!("{}+", entraide_store::messages::UNREAD_CAP - 1)
    } else {
        count.to_string()
    }
}

pub async fn counts(state: &AppState, user: i64) -> Result<Counts, AppError> {
    Ok(Counts {
        notifications: state.db.unread_notifications(user).await?,
        messages: state.db.unread_messages(user).await?,
    })
}

/// The sentence of a notification in `lang` («Odette vous a écrit : …»).
pub fn sentence(lang: Lang, kind: &str, actor: Option<&str>, subject: &str) -> String {
    let actor = actor.map_or_else(|| lang.t("notify-someone"), str::to_owned);
    lang.t_with(
        &format!("notify-{kind}"),
        &[("actor", actor), ("subject", subject.to_owned())],
    )
}

#[derive(Deserialize)]
struct ById {
    id: i64,
}

/// Tells one person of one notification, by email or SMS; `at` is the
/// worker's clock (texts wait for the end of quiet hours).
pub async fn deliver(worker: &Worker, job: &Job, at: i64) -> Result<Outcome, Failure> {
    let ById { id } = serde_json::from_str(&job.payload).map_err(Failure::permanent)?;
    let state = &worker.state;
    let n = state.db.delivery(id).await?;
    if n.delivery != "now" {
        // Sent already, or the person changed their mind.
        return Ok(Outcome::Done);
    }
    let lang = Lang::from_code(&n.locale).unwrap_or_default();
    let link = state.config.link(&n.link);
    let outcome = match n.channel.as_str() {
        "sms" => {
            let (Some(sms), Some(phone)) = (&worker.sms, &n.phone) else {
                // No provider configured: the centre still shows it.
                return Ok(Outcome::Done);
            };
            if let Some(release) = held(n.quiet_from, n.quiet_to, at) {
                return Ok(Outcome::Later(release));
            }
            let body = sms_body(lang, &n, &link);
            sms.send(phone, &body).await?;
            metrics::counter!("entraide_sms_sent_total").increment(1);
            Outcome::Done
        }
        "email" => {
            let Some(_) = &worker.mailer else {
                return Ok(Outcome::Done);
            };
            let Some(email) = render_email(state, &n).await? else {
                return Ok(Outcome::Done);
            };
            worker.email(&email).await?
        }
        _ => Outcome::Done,
    };
    if matches!(outcome, Outcome::Done) {
        state.db.mark_delivered(&[n.id]).await?;
    }
    Ok(outcome)
}

/// When a text due at `at` may go, if quiet hours hold it.
fn held(quiet_from: i64, quiet_to: i64, at: i64) -> Option<i64> {
    let quiet = QuietHours::new(quiet_from, quiet_to).unwrap_or(QuietHours { from: 21, to: 8 });
    let clock = time::OffsetDateTime::from_unix_timestamp(at).ok()?;
    let release = quiet.release(clock).unix_timestamp();
    (release > at).then_some(release)
}

/// The email telling of one notification, ready to send: its sentence in
/// the recipient's language, as text and HTML, with the link and the
/// one-click unsubscribe address. `None` when the recipient has no email
/// address.
pub async fn render_email(state: &AppState, n: &Delivery) -> Result<Option<Email>, Failure> {
    let Some(to) = &n.email else {
        return Ok(None);
    };
    let lang = Lang::from_code(&n.locale).unwrap_or_default();
    let text = sentence(lang, &n.kind, n.actor_name.as_deref(), &n.subject);
    let link = state.config.link(&n.link);
    notification_email(state, lang, n, to, &text, &link)
        .await
        .map(Some)
}

/// An SMS for one notification: its sentence cut to fit one segment, and
/// the link.
fn sms_body(lang: Lang, n: &Delivery, link: &str) -> String {
    let actor = n
        .actor_name
        .clone()
        .unwrap_or_else(|| lang.t("notify-someone"));
    let before = lang.t_with(
        &format!("sms-{}", n.kind),
        &[("actor", actor), ("subject", String::new())],
    );
    fit_sms(
        &format!("{}{before}", lang.t("sms-from")),
        &n.subject,
        &format!(" {link}"),
    )
}

/// The unsubscribe address for one kind of notification.
async fn unsubscribe_link(state: &AppState, user: i64, kind: &str) -> Result<String, Failure> {
    let token = state.db.notify_token(user).await?;
    Ok(state
        .config
        .link(&format!("/unsubscribe?token={token}&kind={kind}")))
}

async fn notification_email(
    state: &AppState,
    lang: Lang,
    n: &Delivery,
    to: &str,
    text: &str,
    link: &str,
) -> Result<Email, Failure> {
    let unsubscribe = unsubscribe_link(state, n.user_id, &n.kind).await?;
    let open = lang.t("mail-notify-open");
    let why = lang.t("mail-notify-why");
    let stop = lang.t("mail-notify-unsubscribe");
    let settings = state.config.link("/me/notifications");
    let body_text =
        format!("{text}\n\n{open} {link}\n\n-- \n{why} {settings}\n{stop} {unsubscribe}\n");
    let html = html_page(
        lang,
        &format!(
            "<p>{text}</p><p><a href=\"{link}\">{open}</a></p><hr><p><small>{why} <a href=\"{settings}\">{settings}</a><br><a href=\"{unsubscribe}\">{stop}</a></small></p>",
            text = escape(text),
            link = escape(link),
            open = escape(&open),
            why = escape(&why),
            settings = escape(&settings),
            unsubscribe = escape(&unsubscribe),
            stop = escape(&stop),
        ),
    );
    Ok(Email {
        to: to.to_owned(),
        subject: text.chars().take(120).collect(),
        text: body_text,
        html,
        unsubscribe: Some(unsubscribe),
    })
}

#[derive(Deserialize)]
struct ForUser {
    user: i64,
}

/// One person's daily digest: everything they chose to hear of once a day.
/// By text, it waits for the end of quiet hours like any text.
pub async fn digest(worker: &Worker, job: &Job, at: i64) -> Result<Outcome, Failure> {
    let ForUser { user } = serde_json::from_str(&job.payload).map_err(Failure::permanent)?;
    let state = &worker.state;
    let items = state.db.digest_for(user).await?;
    let Some(first) = items.first() else {
        return Ok(Outcome::Done);
    };
    let lang = Lang::from_code(&first.locale).unwrap_or_default();
    let ids: Vec<i64> = items.iter().map(|n| n.id).collect();
    let outcome = match (first.channel.as_str(), &first.email, &first.phone) {
        ("email", Some(to), _) if worker.mailer.is_some() => {
            let email = digest_email(state, lang, &items, to).await?;
            worker.email(&email).await?
        }
        ("sms", _, Some(phone)) => {
            match (&worker.sms, held(first.quiet_from, first.quiet_to, at)) {
                (Some(_), Some(release)) => return Ok(Outcome::Later(release)),
                (Some(sms), None) => {
                    let body = sms_text(&lang.t_with(
                        "sms-digest",
                        &[
                            ("count", items.len().to_string()),
                            ("link", state.config.link("/notifications")),
                        ],
                    ));
                    sms.send(phone, &body).await?;
                    Outcome::Done
                }
                (None, _) => Outcome::Done,
            }
        }
        _ => Outcome::Done,
    };
    if matches!(outcome, Outcome::Done) {
        state.db.mark_delivered(&ids).await?;
    }
    Ok(outcome)
}

async fn digest_email(
    state: &AppState,
    lang: Lang,
    items: &[Delivery],
    to: &str,
) -> Result<Email, Failure> {
    let user = items.first().map_or(0, |n| n.user_id);
    let token = state.db.notify_token(user).await?;
    let unsubscribe = state
        .config
        .link(&format!("/unsubscribe?token={token}&kind=digest"));
    let subject = lang.t_with("mail-digest-subject", &[("count", items.len().to_string())]);
    let settings = state.config.link("/me/notifications");
    let why = lang.t("mail-notify-why");
    let mut text = format!("{subject}\n\n");
    let mut list = String::new();
    for n in items {
        let sentence = sentence(lang, &n.kind, n.actor_name.as_deref(), &n.subject);
        let link = state.config.link(&n.link);
        text.push_str(&format!("- {sentence}\n  {link}\n"));
        list.push_str(&format!(
            "<li><a href=\"{}\">{}</a></li>",
            escape(&link),
            escape(&sentence)
        ));
    }
    text.push_str(&format!("\n-- \n{why} {settings}\n"));
    let html = html_page(
        lang,
        &format!(
            "<h1 style=\"font-size:1.2em\">{}</h1><ul>{list}</ul><hr><p><small>{} <a href=\"{}\">{}</a></small></p>",
            escape(&subject),
            escape(&why),
            escape(&settings),
            escape(&settings),
        ),
    );
    Ok(Email {
        to: to.to_owned(),
        subject,
        text,
        html,
        unsubscribe: Some(unsubscribe),
    })
}
