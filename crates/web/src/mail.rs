//! Email: messages are queued as jobs in the request that causes them, then
//! sent over SMTP by the job worker ([`crate::jobs`]), which retries.

use std::time::Duration;

use entraide_store::jobs::{Email, NewJob};
use lettre::message::header::{Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport as _, Message, Tokio1Executor};
use secrecy::ExposeSecret as _;

use crate::config::{SmtpConfig, SmtpSecurity};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::state::AppState;

/// Queues a translated email made of a subject, an intro sentence and a link.
pub async fn send_link(
    state: &AppState,
    lang: Lang,
    to: &str,
    kind: &str,
    link: &str,
) -> Result<(), AppError> {
    let mail = compose_link(lang, to, kind, link);
    state.db.enqueue(&NewJob::now("email", &mail)?).await?;
    state.wake_jobs.notify_one();
    Ok(())
}

/// A translated email made of a subject, an intro sentence and a link.
pub fn compose_link(lang: Lang, to: &str, kind: &str, link: &str) -> Email {
    let subject = lang.t(&format!("mail-{kind}-subject"));
    let intro = lang.t(&format!("mail-{kind}-body"));
    let ignore = lang.t("mail-ignore");
    let text = format!("{intro}\n\n{link}\n\n{ignore}\n");
    let html = html_page(
        lang,
        &format!(
            "<p>{intro}</p><p><a href=\"{href}\">{href}</a></p><p>{ignore}</p>",
            intro = escape(&intro),
            href = escape(link),
            ignore = escape(&ignore),
        ),
    );
    Email {
        to: to.to_owned(),
        subject,
        text,
        html,
        unsubscribe: None,
    }
}

/// A minimal HTML document around `body`, in `lang`.
pub fn html_page(lang: Lang, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"{code}\"><head><meta charset=\"utf-8\"></head><body style=\"font-family:sans-serif;line-height:1.5;max-width:40em\">{body}</body></html>",
        code = lang.code(),
    )
}

/// Escapes text for HTML.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `List-Unsubscribe`, so mail programs offer a one-click unsubscribe.
#[derive(Debug, Clone)]
struct ListUnsubscribe(String);

impl Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }
    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self(s.to_owned()))
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), format!("<{}>", self.0))
    }
}

/// `List-Unsubscribe-Post` (RFC 8058): the link works with a plain POST.
#[derive(Debug, Clone)]
struct ListUnsubscribePost;

impl Header for ListUnsubscribePost {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }
    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self)
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "List-Unsubscribe=One-Click".to_owned())
    }
}

/// An SMTP connection pool and the sender's address.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    pub fn new(config: &SmtpConfig) -> Result<Self, String> {
        let builder = match config.security {
            SmtpSecurity::None => {
                AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&config.host)
            }
            SmtpSecurity::Starttls => {
                AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&config.host)
                    .map_err(|e| e.to_string())?
            }
            SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&config.host)
                .map_err(|e| e.to_string())?,
        };
        let mut builder = builder
            .port(config.port)
            .timeout(Some(Duration::from_secs(20)));
        if let (Some(user), Some(password)) = (&config.username, &config.password) {
            builder = builder.credentials(Credentials::new(
                user.clone(),
                password.expose_secret().to_owned(),
            ));
        }
        let from = config
            .from
            .parse::<Mailbox>()
            .map_err(|e| format!("smtp from address: {e}"))?;
        Ok(Self {
            transport: builder.build(),
            from,
        })
    }

    /// Sends one message; the error is a sentence for the job's log.
    pub async fn send(&self, email: &Email) -> Result<(), String> {
        let to = email.to.parse::<Mailbox>().map_err(|e| e.to_string())?;
        let mut message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(&email.subject);
        if let Some(link) = &email.unsubscribe {
            message = message
                .header(ListUnsubscribe(link.clone()))
                .header(ListUnsubscribePost);
        }
        let message = message
            .multipart(MultiPart::alternative_plain_html(
                email.text.clone(),
                email.html.clone(),
            ))
            .map_err(|e| e.to_string())?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}
