//! Translations: French by default, English on request. Every sentence shown
//! to people comes from `i18n/<lang>/*.ftl`.

use std::borrow::Cow;
use std::collections::HashMap;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader as _, langid};

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./i18n",
        fallback_language: "fr",
        // Isolation marks are invisible characters that break SMS, plain-text
        // mail and copy-paste; our languages are all left-to-right.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static FR: LanguageIdentifier = langid!("fr");
static EN: LanguageIdentifier = langid!("en");

/// The languages Entraide is translated into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Fr,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Fr, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Self::Fr => "fr",
            Self::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code.trim().get(..2).map(str::to_ascii_lowercase).as_deref() {
            Some("fr") => Some(Self::Fr),
            Some("en") => Some(Self::En),
            _ => None,
        }
    }

    /// The first supported language of an `Accept-Language` header.
    pub fn from_accept_language(header: &str) -> Option<Self> {
        let mut choices: Vec<(f32, &str)> = header
            .split(',')
            .map(|part| {
                let mut pieces = part.split(';');
                let tag = pieces.next().unwrap_or_default().trim();
                let quality = pieces
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .and_then(|q| q.parse().ok())
                    .unwrap_or(1.0);
                (quality, tag)
            })
            .collect();
        choices.sort_by(|a, b| b.0.total_cmp(&a.0));
        choices
            .into_iter()
            .find_map(|(_, tag)| Self::from_code(tag))
    }

    fn id(self) -> &'static LanguageIdentifier {
        match self {
            Self::Fr => &FR,
            Self::En => &EN,
        }
    }

    /// The translation of `key`.
    pub fn t(self, key: &str) -> String {
        LOCALES.lookup(self.id(), key)
    }

    /// The translation of `key`, or `None` when no such key exists.
    pub fn try_t(self, key: &str) -> Option<String> {
        LOCALES.try_lookup(self.id(), key)
    }

    /// The translation of `key` with named arguments.
    pub fn t_with(self, key: &str, args: &[(&'static str, String)]) -> String {
        let args: HashMap<Cow<'static, str>, FluentValue> = args
            .iter()
            .map(|(name, value)| (Cow::Borrowed(*name), FluentValue::from(value.clone())))
            .collect();
        LOCALES.lookup_with_args(self.id(), key, &args)
    }

    /// The translation of `key` with a number `count` (for plurals) and
    /// other named arguments.
    pub fn t_count(self, key: &str, count: i64, args: &[(&'static str, String)]) -> String {
        let mut values: HashMap<Cow<'static, str>, FluentValue> = args
            .iter()
            .map(|(name, value)| (Cow::Borrowed(*name), FluentValue::from(value.clone())))
            .collect();
        values.insert(Cow::Borrowed("count"), FluentValue::from(count));
        LOCALES.lookup_with_args(self.id(), key, &values)
    }

    /// A distance as people say it: «800 m», «1,2 km».
    pub fn distance(self, metres: i64) -> String {
        if metres < 1000 {
            return format!("{metres} m");
        }
        let km = format!("{:.1}", metres as f64 / 1000.0);
        match self {
            Self::Fr => format!("{} km", km.replace('.', ",")),
            Self::En => format!("{km} km"),
        }
    }

    /// A label from a taxonomy (`skill-diy`), falling back to the key itself
    /// for free tags.
    pub fn label(self, prefix: &str, key: &str) -> String {
        self.try_t(&format!("{prefix}-{key}"))
            .unwrap_or_else(|| key.to_owned())
    }

    /// A stored day (`YYYY-MM-DD`) as this language writes it; anything
    /// else is shown as it is.
    pub fn day(self, day: &str) -> String {
        let mut parts = day.splitn(3, '-');
        match (parts.next(), parts.next(), parts.next(), self) {
            (Some(y), Some(m), Some(d), Self::Fr) if y.len() == 4 => format!("{d}/{m}/{y}"),
            _ => day.to_owned(),
        }
    }

    /// A date (Unix seconds) written the way this language writes dates.
    pub fn date(self, unix: i64) -> String {
        let Ok(at) = time::OffsetDateTime::from_unix_timestamp(unix) else {
            return String::new();
        };
        let (year, month, day) = (at.year(), u8::from(at.month()), at.day());
        match self {
            Self::Fr => format!(
                "{day:02}/{month:02}/{year} {:02}:{:02}",
                at.hour(),
                at.minute()
            ),
            Self::En => format!(
                "{year}-{month:02}-{day:02} {:02}:{:02}",
                at.hour(),
                at.minute()
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiates_languages() {
        assert_eq!(
            Lang::from_accept_language("en-GB,en;q=0.9,fr;q=0.8"),
            Some(Lang::En)
        );
        assert_eq!(
            Lang::from_accept_language("de;q=0.9,fr;q=0.5"),
            Some(Lang::Fr)
        );
        assert_eq!(
            Lang::from_accept_language("fr;q=0.2, en;q=0.7"),
            Some(Lang::En)
        );
        assert_eq!(Lang::from_accept_language("de"), None);
    }

    #[test]
    fn both_languages_have_the_same_keys() {
        // Every file of the language: one per area (main, recognition…).
        let keys = |lang: &str| {
            let dir = format!("{}/i18n/{lang}", env!("CARGO_MANIFEST_DIR"));
            let mut keys: Vec<String> = Vec::new();
            for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
                keys.extend(
                    text.lines()
                        .filter(|l| !l.starts_with(' ') && !l.starts_with('#'))
                        .filter_map(|l| l.split_once(" =").map(|(k, _)| k.trim().to_owned())),
                );
            }
            keys.sort();
            let count = keys.len();
            keys.dedup();
            assert_eq!(count, keys.len(), "a key is defined twice in {lang}");
            keys
        };
        let (fr, en) = (keys("fr"), keys("en"));
        assert!(fr.len() > 50);
        let missing_en: Vec<_> = fr.iter().filter(|k| !en.contains(k)).collect();
        let missing_fr: Vec<_> = en.iter().filter(|k| !fr.contains(k)).collect();
        assert!(
            missing_en.is_empty() && missing_fr.is_empty(),
            "en lacks {missing_en:?}, fr lacks {missing_fr:?}"
        );
    }

    #[test]
    fn translates_without_isolation_marks() {
        let text = Lang::En.t_with("members-title", &[("org", "Léa".into())]);
        assert!(text.contains("Léa"));
        assert!(!text.contains('\u{2068}'));
    }
}
