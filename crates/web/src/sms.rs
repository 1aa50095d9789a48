//! Text messages through an HTTP provider. The first adapter speaks the
//! Twilio Messages API (`POST /2010-04-01/Accounts/{sid}/Messages.json`,
//! form fields `To`, `From` and `Body`, HTTP basic auth), which several
//! providers copy; `url` points at the provider, or at a fake in tests.

use std::time::Duration;

use secrecy::{ExposeSecret as _, SecretString};
use url::Url;

#[derive(Debug, Clone)]
pub struct SmsConfig {
    /// The provider's API root, e.g. `https://api.twilio.com`.
    pub url: Url,
    pub account_sid: String,
    pub auth_token: SecretString,
    /// A sending number (`+33…`), or a messaging service id (`MG…`).
    pub from: String,
}

/// Why a text was not sent.
#[derive(Debug, thiserror::Error)]
pub enum SmsError {
    /// The provider refused this message (a wrong number…): retrying will
    /// not help.
    #[error("the SMS provider refused the message ({status}): {body}")]
    Refused { status: u16, body: String },
    /// The provider could not be reached or failed: try again later.
    #[error("the SMS provider is unavailable: {0}")]
    Unavailable(String),
}

/// Sends texts through the configured provider.
#[derive(Clone)]
pub struct SmsSender {
    client: reqwest::Client,
    config: SmsConfig,
}

impl SmsSender {
    pub fn new(config: SmsConfig) -> Self {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(20))
            .build()
            .unwrap_or_default();
        Self { client, config }
    }

    /// Sends `body` to `to` (international form); the body should already
    /// be GSM text ([`entraide_core::sms::sms_text`]).
    pub async fn send(&self, to: &str, body: &str) -> Result<(), SmsError> {
        let sid = &self.config.account_sid;
        let endpoint = format!(
            "{}/2010-04-01/Accounts/{sid}/Messages.json",
            self.config.url.as_str().trim_end_matches('/')
        );
        let from_field = if self.config.from.starts_with("MG") {
            "MessagingServiceSid"
        } else {
            "From"
        };
        let reply = self
            .client
            .post(endpoint)
            .basic_auth(sid, Some(self.config.auth_token.expose_secret()))
            .form(&[("To", to), (from_field, &self.config.from), ("Body", body)])
            .send()
            .await
            .map_err(|e| SmsError::Unavailable(e.to_string()))?;
        let status = reply.status();
        if status.is_success() {
            return Ok(());
        }
        let body: String = reply
            .text()
            .await
            .unwrap_or_default()
            .chars()
            .take(300)
            .collect();
        if status.is_client_error() && status.as_u16() != 429 {
            Err(SmsError::Refused {
                status: status.as_u16(),
                body,
            })
        } else {
            Err(SmsError::Unavailable(format!("{status}: {body}")))
        }
    }
}
