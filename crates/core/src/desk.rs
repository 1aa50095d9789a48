//! Desk sessions ("permanences"): the topics a worker and the person went
//! through, and the day it was held, which cannot be in the future.

use time::Date;

use crate::error::{Invalid, ParseError};
use crate::role::keyed_enum;

keyed_enum!(
    /// What a desk session was about.
    Topic, "topics" {
        Housing => "housing",
        Health => "health",
        Income => "income",
        Papers => "papers",
        Employment => "employment",
        Family => "family",
        Other => "other",
    }
);

/// The topics ticked on the form, each once, in the list's order; at least
/// one unless free text says what it was about.
pub fn topics(raw: &[String], free_text: &str) -> Result<Vec<Topic>, ParseError> {
    let mut chosen = Vec::new();
    for key in raw.iter().filter(|k| !k.trim().is_empty()) {
        let topic = Topic::parse(key)?;
        if !chosen.contains(&topic) {
            chosen.push(topic);
        }
    }
    if chosen.is_empty() && free_text.trim().is_empty() {
        return Err(ParseError::new("topics", Invalid::Required));
    }
    chosen.sort();
    Ok(chosen)
}

/// The day a session was held (`YYYY-MM-DD`), `today` at the latest.
pub fn held_on(raw: &str, today: Date) -> Result<Date, ParseError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(ParseError::new("held_on", Invalid::Required));
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let day = Date::parse(raw, format).map_err(|_| ParseError::new("held_on", Invalid::Date))?;
    if day > today {
        return Err(ParseError::new("held_on", Invalid::Future));
    }
    Ok(day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> Date {
        held_on(text, time::macros::date!(2030 - 01 - 01)).unwrap_or(Date::MIN)
    }

    #[test]
    fn a_session_is_held_today_or_before() {
        let today = time::macros::date!(2026 - 03 - 10);
        assert_eq!(held_on("2026-03-10", today), Ok(today));
        assert_eq!(
            held_on("2026-03-11", today),
            Err(ParseError::new("held_on", Invalid::Future))
        );
        assert_eq!(
            held_on("2026-02-30", today),
            Err(ParseError::new("held_on", Invalid::Date))
        );
        assert_eq!(
            held_on(" ", today),
            Err(ParseError::new("held_on", Invalid::Required))
        );
        assert_eq!(day("2025-12-31"), time::macros::date!(2025 - 12 - 31));
    }

    #[test]
    fn topics_come_from_the_list_once_each() {
        let raw = |keys: &[&str]| keys.iter().map(|k| (*k).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            topics(&raw(&["papers", "housing", "papers"]), ""),
            Ok(vec![Topic::Housing, Topic::Papers])
        );
        assert_eq!(
            topics(&raw(&["rent"]), ""),
            Err(ParseError::new("topics", Invalid::Choice))
        );
        assert_eq!(
            topics(&[], " "),
            Err(ParseError::new("topics", Invalid::Required))
        );
        assert_eq!(topics(&[], "Dossier de retraite"), Ok(vec![]));
        for topic in Topic::ALL {
            assert_eq!(Topic::parse(topic.key()), Ok(*topic));
        }
    }
}
