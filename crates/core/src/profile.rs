//! What a profile is made of: the skills and interests taxonomies, spoken
//! languages, weekly availability and who may see a person.

use crate::error::{Invalid, ParseError};
use crate::role::keyed_enum;

/// Seeded skills; labels live in the `.ftl` files as `skill-<key>`.
pub const SKILLS: &[&str] = &[
    "diy",
    "childcare",
    "tutoring",
    "digital-help",
    "paperwork",
    "cooking",
    "gardening",
    "sewing",
    "music",
    "languages",
    "driving",
    "moving",
    "listening",
    "first-aid",
    "accounting",
    "crafts",
    "sport",
    "sign-language",
];

/// Seeded interests; labels live in the `.ftl` files as `interest-<key>`.
pub const INTERESTS: &[&str] = &[
    "reading",
    "regional-culture",
    "memory",
    "history",
    "music",
    "cinema",
    "walking",
    "cooking",
    "board-games",
    "gardening",
    "sport",
    "art",
    "technology",
    "nature",
    "travel",
];

/// Languages people declare (ISO 639 codes; `fsl` is French Sign Language,
/// LSF); labels live in the `.ftl` files as `language-<code>`.
pub const LANGUAGES: &[&str] = &[
    "fr", "en", "ar", "es", "pt", "it", "de", "zh", "wo", "ber", "ro", "ru", "uk", "tr", "fsl",
];

/// Checks that every key belongs to `allowed`, removing duplicates.
pub fn parse_keys(
    field: &'static str,
    raw: &[String],
    allowed: &[&str],
) -> Result<Vec<String>, ParseError> {
    let mut keys: Vec<String> = Vec::new();
    for key in raw {
        let key = key.trim();
        if key.is_empty() {
            continue;
        }
        if !allowed.contains(&key) {
            return Err(ParseError::new(field, Invalid::Choice));
        }
        if !keys.iter().any(|k| k == key) {
            keys.push(key.to_owned());
        }
    }
    Ok(keys)
}

pub const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
pub const DAY_PARTS: [&str; 3] = ["morning", "afternoon", "evening"];

/// Weekly availability: one bit per weekday × part of the day (21 bits).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Availability(pub i64);

impl Availability {
    fn bit(day: usize, part: usize) -> i64 {
        1 << (day * DAY_PARTS.len() + part)
    }

    /// Parses slot names such as `tue-evening`.
    pub fn parse(slots: &[String]) -> Result<Self, ParseError> {
        let mut bits = 0;
        for slot in slots {
            let parsed = slot.split_once('-').and_then(|(day, part)| {
                let day = WEEKDAYS.iter().position(|d| *d == day)?;
                let part = DAY_PARTS.iter().position(|p| *p == part)?;
                Some(Self::bit(day, part))
            });
            bits |= parsed.ok_or(ParseError::new("availability", Invalid::Choice))?;
        }
        Ok(Self(bits))
    }

    /// Builds from stored bits, ignoring any bit beyond the 21 slots.
    pub fn from_bits(bits: i64) -> Self {
        Self(bits & ((1 << 21) - 1))
    }

    pub fn contains(self, day: usize, part: usize) -> bool {
        day < 7 && part < 3 && self.0 & Self::bit(day, part) != 0
    }

    /// Slot names, in week order.
    pub fn slots(self) -> Vec<String> {
        let mut out = Vec::new();
        for (d, day) in WEEKDAYS.iter().enumerate() {
            for (p, part) in DAY_PARTS.iter().enumerate() {
                if self.contains(d, p) {
                    out.push(format!("{day}-{part}"));
                }
            }
        }
        out
    }
}

keyed_enum!(
    /// Who may see a person in lists and on the map.
    Visibility, "visibility" {
        Hidden => "hidden",
        Organisations => "organisations",
        Neighbours => "neighbours",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn availability_round_trips() {
        let slots = vec![
            "mon-morning".to_owned(),
            "sun-evening".to_owned(),
            "wed-afternoon".to_owned(),
        ];
        let availability = Availability::parse(&slots).map(|a| a.slots());
        assert_eq!(
            availability,
            Ok(vec![
                "mon-morning".into(),
                "wed-afternoon".into(),
                "sun-evening".into()
            ])
        );
        assert!(Availability::parse(&["moon-morning".to_owned()]).is_err());
        assert!(Availability::parse(&["mon".to_owned()]).is_err());
        assert_eq!(Availability::from_bits(-1).slots().len(), 21);
    }

    #[test]
    fn keys_must_come_from_the_taxonomy() {
        let raw = vec![
            "diy".to_owned(),
            "diy".to_owned(),
            " cooking ".to_owned(),
            String::new(),
        ];
        assert_eq!(
            parse_keys("skills", &raw, SKILLS),
            Ok(vec!["diy".into(), "cooking".into()])
        );
        assert!(parse_keys("skills", &["juggling".to_owned()], SKILLS).is_err());
        assert!(LANGUAGES.contains(&"fsl"));
    }
}
