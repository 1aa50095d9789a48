//! Reading and saving a person's notification settings, and the
//! unsubscribe links of emails (which act without a session).

use entraide_core::notify::{Kind, Mode};
use entraide_core::preferences::{Preferences, PreferencesInput};
use entraide_store::notifications::Settings;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::AppError;
use crate::forms::FormData;
use crate::state::AppState;

/// Settings as the API shows and takes them: every kind with its mode.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SettingsBody {
    /// `email`, `sms` or `none`.
    pub channel: String,
    /// A mobile number; required for `sms`.
    #[serde(default)]
    pub phone: Option<String>,
    /// No SMS from this hour (0–23, French time)…
    pub quiet_from: i64,
    /// …until this one.
    pub quiet_to: i64,
    /// Kind → `now`, `digest` or `off`.
    pub modes: std::collections::BTreeMap<String, String>,
}

/// What is stored, with the default filled in for every kind.
pub fn body(settings: &Settings) -> SettingsBody {
    let modes = Kind::ALL
        .iter()
        .map(|kind| {
            let mode = settings
                .modes
                .iter()
                .find(|(k, _)| k == kind.code())
                .map_or(Mode::Now.code().to_owned(), |(_, m)| m.clone());
            (kind.code().to_owned(), mode)
        })
        .collect();
    SettingsBody {
        channel: settings.channel.clone(),
        phone: settings.phone.clone(),
        quiet_from: settings.quiet_from,
        quiet_to: settings.quiet_to,
        modes,
    }
}

impl From<&SettingsBody> for PreferencesInput {
    fn from(body: &SettingsBody) -> Self {
        Self {
            channel: body.channel.clone(),
            phone: body.phone.clone().unwrap_or_default(),
            quiet_from: body.quiet_from.to_string(),
            quiet_to: body.quiet_to.to_string(),
            modes: body
                .modes
                .iter()
                .map(|(k, m)| (k.clone(), m.clone()))
                .collect(),
        }
    }
}

/// The settings form's fields (`mode-<kind>` for each kind).
pub fn from_form(form: &FormData) -> PreferencesInput {
    PreferencesInput {
        channel: form.get("channel").to_owned(),
        phone: form.get("phone").to_owned(),
        quiet_from: form.get("quiet_from").to_owned(),
        quiet_to: form.get("quiet_to").to_owned(),
        modes: Kind::ALL
            .iter()
            .filter(|k| !form.get(&format!("mode-{}", k.code())).is_empty())
            .map(|k| {
                let mode = form.get(&format!("mode-{}", k.code())).to_owned();
                (k.code().to_owned(), mode)
            })
            .collect(),
    }
}

pub async fn load(state: &AppState, user: i64) -> Result<SettingsBody, AppError> {
    Ok(body(&state.db.notification_settings(user).await?))
}

/// Checks and saves; nothing changes when anything is wrong.
pub async fn save(
    state: &AppState,
    user: i64,
    input: &PreferencesInput,
) -> Result<SettingsBody, AppError> {
    let parsed = Preferences::parse(input).map_err(AppError::Invalid)?;
    let settings = Settings {
        channel: parsed.channel.code().to_owned(),
        phone: parsed.phone.map(|p| p.as_str().to_owned()),
        quiet_from: parsed.quiet.from.into(),
        quiet_to: parsed.quiet.to.into(),
        modes: parsed
            .modes
            .iter()
            .map(|(k, m)| (k.code().to_owned(), m.code().to_owned()))
            .collect(),
    };
    state
        .db
        .set_notification_settings(user, &settings, Mode::Now.code())
        .await?;
    Ok(body(&settings))
}

/// Turns off one kind (or, for `digest`, every kind sent in the digest)
/// for the holder of an unsubscribe token.
pub async fn unsubscribe(state: &AppState, token: &str, kind: &str) -> Result<(), AppError> {
    if kind == "digest" {
        let user = state.db.unsubscribe_user(token).await?;
        let mut settings = state.db.notification_settings(user).await?;
        for (_, mode) in settings.modes.iter_mut().filter(|(_, m)| m == "digest") {
            *mode = Mode::Off.code().to_owned();
        }
        state
            .db
            .set_notification_settings(user, &settings, Mode::Now.code())
            .await?;
        return Ok(());
    }
    let kind = Kind::parse(kind).map_err(|_| AppError::NotFound)?;
    state.db.unsubscribe(token, kind.code()).await?;
    Ok(())
}
