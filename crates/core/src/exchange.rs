//! Needs ("demandes") and offers ("propositions"): their categories, their
//! schedule (one-off or weekly) and the parsing of what a person typed.

use time::{Date, Weekday};

use crate::error::{Errors, Invalid, ParseError};
use crate::geo::Point;
use crate::names::{Description, Title};
use crate::profile::{Availability, DAY_PARTS, LANGUAGES, SKILLS, parse_keys};
use crate::role::keyed_enum;

/// Seeded categories; labels live in the `.ftl` files as `category-<key>`.
pub const CATEGORIES: &[&str] = &[
    "small-jobs",
    "childcare",
    "tutoring",
    "workshops",
    "errands",
    "paperwork",
    "visits",
    "transport",
    "moving",
    "gardening",
    "cooking",
    "translation",
    "other",
];

/// At most this many helpers for one need.
pub const MAX_HELPERS: i64 = 20;

keyed_enum!(
    /// Asking for help, or offering it.
    Kind, "exchange_kind" {
        Need => "need",
        Offer => "offer",
    }
);

keyed_enum!(
    /// How soon help is needed.
    Urgency, "urgency" {
        Low => "low",
        Normal => "normal",
        Urgent => "urgent",
    }
);

/// A category from [`CATEGORIES`].
pub fn parse_category(raw: &str) -> Result<&'static str, ParseError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(ParseError::new("category", Invalid::Required));
    }
    CATEGORIES
        .iter()
        .find(|c| **c == raw)
        .copied()
        .ok_or(ParseError::new("category", Invalid::Choice))
}

/// When help is wanted or offered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schedule {
    /// One day, between two times (minutes since midnight).
    Once { date: Date, from: u16, to: u16 },
    /// Every week on the chosen slots, from a first day to an optional last.
    Weekly {
        slots: Availability,
        starts: Date,
        ends: Option<Date>,
    },
}

/// Where each part of the day starts and ends (minutes), as shown in the
/// availability grid.
const PART_BOUNDS: [(u16, u16); 3] = [(6 * 60, 12 * 60), (12 * 60, 18 * 60), (18 * 60, 24 * 60)];

impl Schedule {
    /// The weekly slots this schedule touches, to compare with people's
    /// availability.
    pub fn slots(self) -> Availability {
        match self {
            Self::Weekly { slots, .. } => slots,
            Self::Once { date, from, to } => {
                let day = usize::from(date.weekday().number_days_from_monday());
                let mut bits = 0;
                for (part, (start, end)) in PART_BOUNDS.iter().enumerate() {
                    if from < *end && to > *start {
                        bits |= 1 << (day * DAY_PARTS.len() + part);
                    }
                }
                Availability(bits)
            }
        }
    }

    /// The last day on which this can still happen (`None`: open-ended).
    pub fn last_day(self) -> Option<Date> {
        match self {
            Self::Once { date, .. } => Some(date),
            Self::Weekly { ends, .. } => ends,
        }
    }

    /// The first day it happens.
    pub fn first_day(self) -> Date {
        match self {
            Self::Once { date, .. } => date,
            Self::Weekly { starts, .. } => starts,
        }
    }
}

/// Parses `YYYY-MM-DD`: four digits of year, no sign (the parser alone
/// would take `-0522-05-05`, a date no form means and none could store).
pub fn parse_date(field: &'static str, raw: &str) -> Result<Date, ParseError> {
    let raw = raw.trim();
    let shape = raw.len() == 10
        && raw.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    let format = time::macros::format_description!("[year]-[month]-[day]");
    shape
        .then(|| Date::parse(raw, format).ok())
        .flatten()
        .ok_or(ParseError::new(field, Invalid::Date))
}

/// Formats as `YYYY-MM-DD`, the stored form (it sorts like the dates).
pub fn format_date(date: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

/// Parses `HH:MM` into minutes since midnight (`24:00` is the end of day).
pub fn parse_time(field: &'static str, raw: &str) -> Result<u16, ParseError> {
    let bad = || ParseError::new(field, Invalid::Time);
    let (h, m) = raw.trim().split_once(':').ok_or_else(bad)?;
    let (h, m): (u16, u16) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if m >= 60 || h > 24 || (h == 24 && m > 0) {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

/// Formats minutes since midnight as `HH:MM`.
pub fn format_time(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// A weekday's index, Monday first, as in [`crate::profile::WEEKDAYS`].
pub fn weekday_index(day: Weekday) -> usize {
    usize::from(day.number_days_from_monday())
}

/// What a form or a JSON body sends, untouched.
#[derive(Debug, Clone, Default)]
pub struct ExchangeInput {
    pub kind: String,
    pub category: String,
    pub title: String,
    pub description: String,
    /// `once` or `weekly`.
    pub schedule: String,
    pub date: String,
    pub from: String,
    pub to: String,
    pub slots: Vec<String>,
    pub starts: String,
    pub ends: String,
    pub skills: Vec<String>,
    pub languages: Vec<String>,
    pub helpers_wanted: String,
    pub urgency: String,
}

/// A need or an offer, every field checked. The place is given apart: it
/// comes from the person's home or a geocoded address.
#[derive(Debug, Clone, PartialEq)]
pub struct NewExchange {
    pub kind: Kind,
    pub category: &'static str,
    pub title: Title,
    pub description: Description,
    pub schedule: Schedule,
    pub skills: Vec<String>,
    pub languages: Vec<String>,
    pub helpers_wanted: i64,
    pub urgency: Urgency,
}

fn parse_schedule(input: &ExchangeInput, today: Date) -> Result<Schedule, ParseError> {
    match input.schedule.trim() {
        "once" | "" => {
            let date = parse_date("date", &input.date)?;
            if date < today {
                return Err(ParseError::new("date", Invalid::Past));
            }
            let from = parse_time("from", &input.from)?;
            let to = parse_time("to", &input.to)?;
            if to <= from {
                return Err(ParseError::new("to", Invalid::Range));
            }
            Ok(Schedule::Once { date, from, to })
        }
        "weekly" => {
            let slots = Availability::parse(&input.slots)
                .map_err(|_| ParseError::new("slots", Invalid::Choice))?;
            if slots.0 == 0 {
                return Err(ParseError::new("slots", Invalid::Required));
            }
            let starts = if input.starts.trim().is_empty() {
                today
            } else {
                parse_date("starts", &input.starts)?
            };
            let ends = match input.ends.trim() {
                "" => None,
                raw => Some(parse_date("ends", raw)?),
            };
            if ends.is_some_and(|end| end < starts.max(today)) {
                return Err(ParseError::new("ends", Invalid::Range));
            }
            Ok(Schedule::Weekly {
                slots,
                starts,
                ends,
            })
        }
        _ => Err(ParseError::new("schedule", Invalid::Choice)),
    }
}

impl NewExchange {
    /// Checks every field, reporting all mistakes at once. `today` is the
    /// local date: a one-off date before it is refused.
    pub fn parse(input: &ExchangeInput, today: Date) -> Result<Self, Errors> {
        let mut errors = Errors::default();
        let kind = errors.take(Kind::parse(&input.kind));
        let category = errors.take(parse_category(&input.category));
        let title = errors.take(Title::parse(&input.title));
        let description = errors.take(Description::parse(&input.description));
        let schedule = errors.take(parse_schedule(input, today));
        let skills = errors.take(parse_keys("skills", &input.skills, SKILLS));
        let languages = errors.take(parse_keys("languages", &input.languages, LANGUAGES));
        let helpers_wanted = errors.take(match input.helpers_wanted.trim() {
            "" => Ok(1),
            raw => raw
                .parse::<i64>()
                .ok()
                .filter(|n| (1..=MAX_HELPERS).contains(n))
                .ok_or(ParseError::new("helpers_wanted", Invalid::Range)),
        });
        let urgency = errors.take(match input.urgency.trim() {
            "" => Ok(Urgency::Normal),
            raw => Urgency::parse(raw),
        });
        match (
            kind,
            category,
            title,
            description,
            schedule,
            skills,
            languages,
            helpers_wanted,
            urgency,
        ) {
            (
                Some(kind),
                Some(category),
                Some(title),
                Some(description),
                Some(schedule),
                Some(skills),
                Some(languages),
                Some(helpers_wanted),
                Some(urgency),
            ) if errors.0.is_empty() => Ok(Self {
                kind,
                category,
                title,
                description,
                schedule,
                skills,
                languages,
                helpers_wanted,
                urgency,
            }),
            _ => Err(errors),
        }
    }
}

/// Where an exchange takes place: exact for its author, shown approximately
/// to everyone else (see [`crate::geo`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    pub point: Point,
    pub label: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn input() -> ExchangeInput {
        ExchangeInput {
            kind: "need".into(),
            category: "small-jobs".into(),
            title: "Fixer une étagère".into(),
            date: "2026-12-01".into(),
            from: "14:00".into(),
            to: "16:30".into(),
            ..ExchangeInput::default()
        }
    }

    #[test]
    fn a_one_off_need_parses_with_defaults() {
        let parsed = NewExchange::parse(&input(), date!(2026 - 11 - 22));
        let Ok(need) = parsed else {
            panic!("{parsed:?}")
        };
        assert_eq!(need.helpers_wanted, 1);
        assert_eq!(need.urgency, Urgency::Normal);
        assert_eq!(
            need.schedule,
            Schedule::Once {
                date: date!(2026 - 12 - 01),
                from: 840,
                to: 990
            }
        );
        // 1 December 2026 is a Tuesday: the afternoon slot only.
        assert_eq!(need.schedule.slots().slots(), vec!["tue-afternoon"]);
    }

    #[test]
    fn every_mistake_is_reported_at_once() {
        let bad = ExchangeInput {
            kind: "gift".into(),
            category: "juggling".into(),
            title: "ab".into(),
            date: "2026-11-01".into(),
            helpers_wanted: "0".into(),
            urgency: "now".into(),
            skills: vec!["flying".into()],
            ..input()
        };
        let Err(errors) = NewExchange::parse(&bad, date!(2026 - 11 - 22)) else {
            panic!("accepted")
        };
        let fields: Vec<_> = errors.0.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            vec![
                "exchange_kind",
                "category",
                "title",
                "date",
                "skills",
                "helpers_wanted",
                "urgency"
            ]
        );
        assert_eq!(errors.0[3].reason, Invalid::Past);
    }

    #[test]
    fn times_and_windows_are_checked() {
        assert_eq!(parse_time("from", "09:05"), Ok(545));
        assert_eq!(parse_time("from", "24:00"), Ok(1440));
        for bad in ["9h", "25:00", "10:60", "", "24:01"] {
            assert!(parse_time("from", bad).is_err(), "{bad}");
        }
        let reversed = ExchangeInput {
            from: "16:00".into(),
            to: "15:00".into(),
            ..input()
        };
        let errors = NewExchange::parse(&reversed, date!(2026 - 11 - 22)).err();
        assert_eq!(
            errors.map(|e| e.0),
            Some(vec![ParseError::new("to", Invalid::Range)])
        );
        assert_eq!(format_time(545), "09:05");
        assert_eq!(format_date(date!(2026 - 03 - 07)), "2026-03-07");
    }

    #[test]
    fn a_weekly_offer_needs_slots_and_a_sane_end() {
        let weekly = ExchangeInput {
            kind: "offer".into(),
            schedule: "weekly".into(),
            slots: vec!["tue-afternoon".into(), "sat-morning".into()],
            ends: "2027-06-30".into(),
            ..input()
        };
        let parsed = NewExchange::parse(&weekly, date!(2026 - 11 - 22));
        assert!(
            matches!(parsed, Ok(ref o) if o.schedule.last_day() == Some(date!(2027 - 06 - 30))),
            "{parsed:?}"
        );
        let no_slots = ExchangeInput {
            slots: vec![],
            ..weekly.clone()
        };
        assert!(NewExchange::parse(&no_slots, date!(2026 - 11 - 22)).is_err());
        let ends_before = ExchangeInput {
            ends: "2026-11-01".into(),
            ..weekly
        };
        assert!(NewExchange::parse(&ends_before, date!(2026 - 11 - 22)).is_err());
    }

    #[test]
    fn categories_come_from_the_taxonomy() {
        assert_eq!(parse_category(" visits "), Ok("visits"));
        assert!(parse_category("").is_err());
        assert!(parse_category("spying").is_err());
    }
}
