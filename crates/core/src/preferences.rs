//! A person's notification settings as submitted (form or JSON), parsed
//! into choices the rest of the code can trust: a channel, a phone number
//! when texts are wanted, quiet hours, and a mode per kind.

use crate::Invalid;
use crate::error::{Errors, ParseError};
use crate::notify::{Channel, Kind, Mode, Phone, QuietHours};

/// Settings as submitted; modes missing from the list keep the default.
#[derive(Debug, Clone, Default)]
pub struct PreferencesInput {
    pub channel: String,
    pub phone: String,
    pub quiet_from: String,
    pub quiet_to: String,
    /// (kind code, mode code)
    pub modes: Vec<(String, String)>,
}

/// Settings that passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preferences {
    pub channel: Channel,
    pub phone: Option<Phone>,
    pub quiet: QuietHours,
    /// One entry per kind, in [`Kind::ALL`] order.
    pub modes: Vec<(Kind, Mode)>,
}

fn hour(field: &'static str, raw: &str) -> Result<i64, ParseError> {
    raw.trim()
        .parse::<i64>()
        .ok()
        .filter(|h| (0..24).contains(h))
        .ok_or(ParseError::new(field, Invalid::Range))
}

impl Preferences {
    pub fn parse(input: &PreferencesInput) -> Result<Self, Errors> {
        let mut errors = Errors::default();
        let channel = errors
            .take(Channel::parse(input.channel.trim()).map_err(|e| ParseError::new("channel", e)));
        let phone = match input.phone.trim() {
            "" => Ok(None),
            text => Phone::parse(text)
                .map(Some)
                .map_err(|e| ParseError::new("phone", e)),
        };
        let phone = errors.take(phone);
        if channel == Some(Channel::Sms) && matches!(phone, Some(None)) {
            errors.push(ParseError::new("phone", Invalid::Required));
        }
        let from = errors.take(hour("quiet_from", &input.quiet_from));
        let to = errors.take(hour("quiet_to", &input.quiet_to));
        let mut modes: Vec<(Kind, Mode)> = Kind::ALL.iter().map(|k| (*k, Mode::Now)).collect();
        for (kind, mode) in &input.modes {
            let parsed = Kind::parse(kind).and_then(|k| Ok((k, Mode::parse(mode)?)));
            match parsed {
                Ok((kind, mode)) => {
                    if let Some(slot) = modes.iter_mut().find(|(k, _)| *k == kind) {
                        slot.1 = mode;
                    }
                }
                Err(reason) => errors.push(ParseError::new("modes", reason)),
            }
        }
        match (channel, phone, from, to) {
            (Some(channel), Some(phone), Some(from), Some(to)) if errors.is_empty() => Ok(Self {
                channel,
                phone,
                quiet: QuietHours::new(from, to)
                    .map_err(|e| Errors(vec![ParseError::new("quiet_from", e)]))?,
                modes,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(channel: &str, phone: &str) -> PreferencesInput {
        PreferencesInput {
            channel: channel.into(),
            phone: phone.into(),
            quiet_from: "21".into(),
            quiet_to: "8".into(),
            modes: vec![("message".into(), "digest".into())],
        }
    }

    #[test]
    fn good_settings_parse_with_defaults_for_missing_kinds() -> Result<(), Errors> {
        let parsed = Preferences::parse(&input("sms", "06 12 34 56 78"))?;
        assert_eq!(parsed.channel, Channel::Sms);
        assert_eq!(
            parsed.phone.as_ref().map(Phone::as_str),
            Some("+33612345678")
        );
        assert_eq!(parsed.modes.len(), Kind::ALL.len());
        assert!(parsed.modes.contains(&(Kind::Message, Mode::Digest)));
        assert!(parsed.modes.contains(&(Kind::Invited, Mode::Now)));
        Ok(())
    }

    #[test]
    fn every_mistake_is_reported_at_once() {
        let fields = |i: &PreferencesInput| -> Vec<&'static str> {
            Preferences::parse(i)
                .err()
                .map(|e| e.0.iter().map(|e| e.field).collect())
                .unwrap_or_default()
        };
        assert_eq!(
            fields(&input("sms", "")),
            vec!["phone"],
            "texts need a number"
        );
        assert_eq!(fields(&input("pigeon", "12")), vec!["channel", "phone"]);
        let mut bad = input("email", "");
        bad.quiet_from = "25".into();
        bad.modes.push(("message".into(), "sometimes".into()));
        assert_eq!(fields(&bad), vec!["quiet_from", "modes"]);
    }
}
