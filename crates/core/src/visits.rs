//! Visits programmes (young visitors for isolated elderly people): what a
//! coordinator types to open a programme or approve a pairing, what a
//! visitor logs after a visit, and when a pairing counts as overdue.

use time::Date;

use crate::error::{Errors, Invalid, ParseError};
use crate::exchange::parse_date;
use crate::names::{Description, OrgName};
use crate::profile::Availability;

/// Longest visit a person can log, in minutes (ten hours).
pub const MAX_VISIT_MINUTES: i64 = 600;
/// Visits older than this many days cannot be logged any more.
pub const MAX_LOG_AGE_DAYS: i64 = 90;

/// A programme, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct NewProgramme {
    pub name: OrgName,
    pub charter: Description,
    /// A pairing with no visit for this many weeks needs the coordinator.
    pub overdue_weeks: i64,
}

fn bounded_number(
    field: &'static str,
    raw: &str,
    default: i64,
    range: std::ops::RangeInclusive<i64>,
) -> Result<i64, ParseError> {
    match raw.trim() {
        "" => Ok(default),
        text => text
            .parse::<i64>()
            .ok()
            .filter(|n| range.contains(n))
            .ok_or(ParseError::new(field, Invalid::Range)),
    }
}

impl NewProgramme {
    pub fn parse(name: &str, charter: &str, overdue_weeks: &str) -> Result<Self, Errors> {
        let mut errors = Errors::default();
        let name = errors.take(OrgName::parse(name));
        let charter = errors.take(Description::parse(charter).and_then(|c| {
            if c.as_str().chars().count() < 20 {
                Err(ParseError::new("charter", Invalid::TooShort))
            } else {
                Ok(c)
            }
        }));
        let overdue_weeks = errors.take(bounded_number("overdue_weeks", overdue_weeks, 3, 1..=26));
        match (name, charter, overdue_weeks) {
            (Some(name), Some(charter), Some(overdue_weeks)) if errors.0.is_empty() => Ok(Self {
                name,
                charter,
                overdue_weeks,
            }),
            _ => Err(errors),
        }
    }
}

/// The rhythm a coordinator approves for a pairing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rhythm {
    pub slots: Availability,
    /// Every week (1), every other week (2)… up to monthly (4).
    pub every_weeks: i64,
}

impl Rhythm {
    pub fn parse(slots: &[String], every_weeks: &str) -> Result<Self, Errors> {
        let mut errors = Errors::default();
        let slots = errors.take(
            Availability::parse(slots)
                .map_err(|_| ParseError::new("slots", Invalid::Choice))
                .and_then(|s| {
                    if s.0 == 0 {
                        Err(ParseError::new("slots", Invalid::Required))
                    } else {
                        Ok(s)
                    }
                }),
        );
        let every_weeks = errors.take(bounded_number("every_weeks", every_weeks, 1, 1..=4));
        match (slots, every_weeks) {
            (Some(slots), Some(every_weeks)) if errors.0.is_empty() => {
                Ok(Self { slots, every_weeks })
            }
            _ => Err(errors),
        }
    }
}

/// One visit, as the visitor logs it.
#[derive(Debug, Clone, PartialEq)]
pub struct VisitLog {
    pub day: Date,
    pub minutes: i64,
    /// Seen by the programme's coordinators only.
    pub note: Description,
}

impl VisitLog {
    /// A visit happened today or in the last [`MAX_LOG_AGE_DAYS`] days.
    pub fn parse(day: &str, minutes: &str, note: &str, today: Date) -> Result<Self, Errors> {
        let mut errors = Errors::default();
        let day = errors.take(parse_date("day", day).and_then(|d| {
            if d > today {
                Err(ParseError::new("day", Invalid::Range))
            } else if (today - d).whole_days() > MAX_LOG_AGE_DAYS {
                Err(ParseError::new("day", Invalid::Past))
            } else {
                Ok(d)
            }
        }));
        let minutes = errors.take(match minutes.trim() {
            "" => Err(ParseError::new("minutes", Invalid::Required)),
            raw => raw
                .parse::<i64>()
                .ok()
                .filter(|m| (5..=MAX_VISIT_MINUTES).contains(m))
                .ok_or(ParseError::new("minutes", Invalid::Range)),
        });
        let note = errors.take(Description::parse(note).and_then(|n| {
            if n.as_str().chars().count() > 500 {
                Err(ParseError::new("note", Invalid::TooLong))
            } else {
                Ok(n)
            }
        }));
        match (day, minutes, note) {
            (Some(day), Some(minutes), Some(note)) if errors.0.is_empty() => {
                Ok(Self { day, minutes, note })
            }
            _ => Err(errors),
        }
    }
}

/// Whether a pairing went too long without a visit: counted from the last
/// visit, or from the pairing's start when nobody has visited yet.
pub fn is_overdue(
    last_visit: Option<Date>,
    started: Date,
    today: Date,
    overdue_weeks: i64,
) -> bool {
    let since = last_visit.unwrap_or(started);
    (today - since).whole_days() > overdue_weeks * 7
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 22);

    #[test]
    fn a_programme_needs_a_name_a_real_charter_and_a_sane_delay() {
        let ok = NewProgramme::parse(
            "Visites du 11e",
            "Je m'engage à venir chaque semaine et à prévenir si j'ai un empêchement.",
            "",
        );
        assert_eq!(ok.map(|p| p.overdue_weeks), Ok(3));
        let bad = NewProgramme::parse("", "court", "52")
            .err()
            .map(|e| e.0.iter().map(|e| e.field).collect::<Vec<_>>());
        assert_eq!(bad, Some(vec!["name", "charter", "overdue_weeks"]));
    }

    #[test]
    fn a_rhythm_needs_at_least_one_slot() {
        let slots = vec!["tue-afternoon".to_owned()];
        assert_eq!(Rhythm::parse(&slots, "2").map(|r| r.every_weeks), Ok(2));
        assert!(Rhythm::parse(&[], "1").is_err());
        assert!(Rhythm::parse(&slots, "9").is_err());
        assert!(Rhythm::parse(&["someday".to_owned()], "1").is_err());
    }

    #[test]
    fn visits_are_logged_for_the_recent_past_only() {
        let ok = VisitLog::parse("2026-11-20", "90", "Nous avons regardé des photos.", TODAY);
        assert_eq!(ok.map(|v| v.minutes), Ok(90));
        for (day, minutes) in [
            ("2026-11-23", "60"),
            ("2026-01-01", "60"),
            ("hier", "60"),
            ("2026-11-20", "0"),
            ("2026-11-20", ""),
        ] {
            assert!(
                VisitLog::parse(day, minutes, "", TODAY).is_err(),
                "{day} {minutes}"
            );
        }
        let long = "x".repeat(501);
        assert!(VisitLog::parse("2026-11-20", "60", &long, TODAY).is_err());
    }

    #[test]
    fn overdue_counts_from_the_last_visit_or_the_start() {
        assert!(!is_overdue(
            Some(date!(2026 - 11 - 10)),
            date!(2026 - 01 - 01),
            TODAY,
            3
        ));
        assert!(is_overdue(
            Some(date!(2026 - 10 - 01)),
            date!(2026 - 01 - 01),
            TODAY,
            3
        ));
        assert!(!is_overdue(None, date!(2026 - 11 - 15), TODAY, 3));
        assert!(is_overdue(None, date!(2026 - 10 - 15), TODAY, 3));
    }
}
