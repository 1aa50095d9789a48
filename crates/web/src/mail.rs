//! Email: messages are queued in the outbox table in the request that causes
//! them, then delivered over SMTP by a background worker that retries.

use std::sync::Arc;
use std::time::Duration;

use entraide_store::Db;
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport as _, Message, Tokio1Executor};
use secrecy::ExposeSecret as _;
use tokio::sync::Notify;

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
    state
        .db
        .enqueue_email(&mail.to, &mail.subject, &mail.text, &mail.html)
        .await?;
    state.outbox.notify_one();
    Ok(())
}

/// A translated email made of a subject, an intro sentence and a link.
pub fn compose_link(
    lang: Lang,
    to: &str,
    kind: &str,
    link: &str,
) -> entraide_store::outbox::NewEmail {
    let subject = lang.t(&format!("mail-{kind}-subject"));
    let intro = lang.t(&format!("mail-{kind}-body"));
    let ignore = lang.t("mail-ignore");
    let text = format!("{intro}\n\n{link}\n\n{ignore}\n");
    let html = format!(
        "<!doctype html><html lang=\"{code}\"><body><p>{intro}</p><p><a href=\"{href}\">{href}</a></p><p>{ignore}</p></body></html>",
        code = lang.code(),
        intro = escape(&intro),
        href = escape(link),
        ignore = escape(&ignore),
    );
    entraide_store::outbox::NewEmail {
        to: to.to_owned(),
        subject,
        text,
        html,
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Delivers queued mail until the process stops.
pub struct MailWorker {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl MailWorker {
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

    /// Runs forever: sends what is due, then sleeps until woken or for a few seconds.
    pub async fn run(self, db: Db, wake: Arc<Notify>) {
        loop {
            match db.claim_emails(20).await {
                Ok(batch) => {
                    for email in batch {
                        let outcome = self.send(&email).await;
                        let settled = match outcome {
                            Ok(()) => db.mark_email_sent(email.id).await,
                            Err(error) => {
                                tracing::warn!(id = email.id, %error, "email delivery failed, will retry");
                                db.mark_email_failed(email.id, email.attempts, &error).await
                            }
                        };
                        if let Err(error) = settled {
                            tracing::error!(%error, "could not record an email's delivery");
                        }
                    }
                }
                Err(error) => tracing::error!(%error, "could not read the outbox"),
            }
            let _ = tokio::time::timeout(Duration::from_secs(5), wake.notified()).await;
        }
    }

    async fn send(&self, email: &entraide_store::outbox::OutgoingEmail) -> Result<(), String> {
        let to = email
            .to_address
            .parse::<Mailbox>()
            .map_err(|e| e.to_string())?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(&email.subject)
            .multipart(MultiPart::alternative_plain_html(
                email.body_text.clone(),
                email.body_html.clone(),
            ))
            .map_err(|e| e.to_string())?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}
