//! Notifications: what can be notified, how each person wants to hear of it
//! (by email or SMS, at once, in a daily digest, or not at all), quiet
//! hours in French local time.

use time::{Date, Month, OffsetDateTime, UtcOffset};

use crate::Invalid;

/// What happened. Later features add their own kinds here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Someone asks you to help with their need.
    Invited,
    /// Someone answered your need or offer.
    Response,
    /// You were chosen to help.
    Accepted,
    /// An exchange you take part in starts within a day.
    Reminder,
    /// A new message in one of your conversations.
    Message,
    /// A pair of your programme has not met for too long.
    VisitOverdue,
    /// A document was shared with you.
    DocumentShared,
    /// A caller left you a voicemail.
    Voicemail,
    /// A moderator warned you about one of your messages.
    Moderation,
    /// Someone thanked you.
    Thanks,
    /// Someone helped you: confirm the time they gave.
    TimeToConfirm,
    /// Time you gave was confirmed and credited.
    TimeCredited,
    /// Time given for an exchange is disputed.
    TimeDisputed,
    /// A paper in your safe expires soon.
    DocumentExpiring,
}

impl Kind {
    pub const ALL: [Kind; 14] = [
        Kind::Invited,
        Kind::Response,
        Kind::Accepted,
        Kind::Reminder,
        Kind::Message,
        Kind::VisitOverdue,
        Kind::DocumentShared,
        Kind::Voicemail,
        Kind::Moderation,
        Kind::Thanks,
        Kind::TimeToConfirm,
        Kind::TimeCredited,
        Kind::TimeDisputed,
        Kind::DocumentExpiring,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Invited => "invited",
            Self::Response => "response",
            Self::Accepted => "accepted",
            Self::Reminder => "reminder",
            Self::Message => "message",
            Self::VisitOverdue => "visit-overdue",
            Self::DocumentShared => "document-shared",
            Self::Voicemail => "voicemail",
            Self::Moderation => "moderation",
            Self::Thanks => "thanks",
            Self::TimeToConfirm => "time-to-confirm",
            Self::TimeCredited => "time-credited",
            Self::TimeDisputed => "time-disputed",
            Self::DocumentExpiring => "document-expiring",
        }
    }

    pub fn parse(code: &str) -> Result<Self, Invalid> {
        Self::ALL
            .into_iter()
            .find(|k| k.code() == code)
            .ok_or(Invalid::Choice)
    }
}

/// When a person hears of one kind of notification outside the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    #[default]
    Now,
    Digest,
    Off,
}

impl Mode {
    pub const ALL: [Mode; 3] = [Mode::Now, Mode::Digest, Mode::Off];

    pub fn code(self) -> &'static str {
        match self {
            Self::Now => "now",
            Self::Digest => "digest",
            Self::Off => "off",
        }
    }

    pub fn parse(code: &str) -> Result<Self, Invalid> {
        Self::ALL
            .into_iter()
            .find(|m| m.code() == code)
            .ok_or(Invalid::Choice)
    }
}

/// How a person hears of notifications outside the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Channel {
    #[default]
    Email,
    Sms,
    None,
}

impl Channel {
    pub const ALL: [Channel; 3] = [Channel::Email, Channel::Sms, Channel::None];

    pub fn code(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Sms => "sms",
            Self::None => "none",
        }
    }

    pub fn parse(code: &str) -> Result<Self, Invalid> {
        Self::ALL
            .into_iter()
            .find(|c| c.code() == code)
            .ok_or(Invalid::Choice)
    }
}

/// A mobile number in international form (`+33612345678`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone(String);

impl Phone {
    /// Accepts French numbers as people write them (`06 12 34 56 78`,
    /// `+33 6…`, `0033 6…`) and any international number.
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let compact: String = input
            .trim()
            .chars()
            .filter(|c| !matches!(c, ' ' | '.' | '-' | '(' | ')' | '\u{a0}'))
            .collect();
        if compact.is_empty() {
            return Err(Invalid::Required);
        }
        let international = if let Some(rest) = compact.strip_prefix('+') {
            rest.to_owned()
        } else if let Some(rest) = compact.strip_prefix("00") {
            rest.to_owned()
        } else if let Some(rest) = compact.strip_prefix('0') {
            if rest.len() != 9 {
                return Err(Invalid::Phone);
            }
            format!("33{rest}")
        } else {
            return Err(Invalid::Phone);
        };
        // «+33 (0)6 12 34 56 78»: the national trunk 0 is never dialled
        // after the country code, so it is dropped rather than stored (all
        // of them, so that the stored number parses again to itself).
        let international = match international.strip_prefix("330") {
            Some(national) => format!("33{}", national.trim_start_matches('0')),
            None => international,
        };
        let digits_only = international.chars().all(|c| c.is_ascii_digit());
        if !digits_only
            || !(8..=15).contains(&international.len())
            || international.starts_with('0')
        {
            return Err(Invalid::Phone);
        }
        Ok(Self(format!("+{international}")))
    }

    /// A French mobile number (06 or 07, or +33 6 / +33 7), the only kind
    /// that receives texts from the platform's French provider.
    pub fn french_mobile(input: &str) -> Result<Self, Invalid> {
        let phone = Self::parse(input)?;
        if phone.0.len() == 12 && (phone.0.starts_with("+336") || phone.0.starts_with("+337")) {
            Ok(phone)
        } else {
            Err(Invalid::Phone)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A stored number (`+33612345678`) as French people write it
/// (`06 12 34 56 78`); other numbers stay as they are.
pub fn phone_as_written(stored: &str) -> String {
    match stored.strip_prefix("+33") {
        Some(rest) if rest.len() == 9 && rest.chars().all(|c| c.is_ascii_digit()) => {
            let national = format!("0{rest}");
            national
                .as_bytes()
                .chunks(2)
                .map(|pair| String::from_utf8_lossy(pair).into_owned())
                .collect::<Vec<_>>()
                .join(" ")
        }
        _ => stored.to_owned(),
    }
}

/// Hours (0–23, French local time) during which no SMS is sent; a window
/// may run over midnight (21 → 8). Equal hours mean no quiet time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuietHours {
    pub from: u8,
    pub to: u8,
}

impl QuietHours {
    pub fn new(from: i64, to: i64) -> Result<Self, Invalid> {
        let hour = |h: i64| {
            u8::try_from(h)
                .ok()
                .filter(|h| *h < 24)
                .ok_or(Invalid::Range)
        };
        Ok(Self {
            from: hour(from)?,
            to: hour(to)?,
        })
    }

    pub fn contains(self, hour: u8) -> bool {
        if self.from <= self.to {
            (self.from..self.to).contains(&hour)
        } else {
            hour >= self.from || hour < self.to
        }
    }

    /// When an SMS due at `at` may go: `at` itself outside quiet hours,
    /// otherwise the next time the quiet window ends.
    pub fn release(self, at: OffsetDateTime) -> OffsetDateTime {
        let local = at.to_offset(paris_offset(at));
        if !self.contains(local.hour()) {
            return at;
        }
        let mut end =
            local.replace_time(time::Time::MIDNIGHT) + time::Duration::hours(self.to.into());
        if end <= local {
            end += time::Duration::days(1);
        }
        // The offset may change overnight; re-read it at the end.
        let naive = end.date().with_time(end.time());
        naive
            .assume_offset(paris_offset(end))
            .to_offset(UtcOffset::UTC)
    }
}

/// France's offset from UTC at `at`: summer time runs from the last Sunday
/// of March to the last Sunday of October, switching at 01:00 UTC.
pub fn paris_offset(at: OffsetDateTime) -> UtcOffset {
    let at = at.to_offset(UtcOffset::UTC);
    let year = at.year();
    let switch = |month: Month| {
        let last = Date::from_calendar_date(year, month, 31).ok();
        let sunday = last.map(|d| {
            let back = i64::from(d.weekday().number_days_from_sunday());
            d - time::Duration::days(back)
        });
        sunday.map(|d| d.with_hms(1, 0, 0).map(|t| t.assume_utc()))
    };
    let summer = match (switch(Month::March), switch(Month::October)) {
        (Some(Ok(start)), Some(Ok(end))) => at >= start && at < end,
        _ => false,
    };
    let hours = if summer { 2 } else { 1 };
    UtcOffset::from_hms(hours, 0, 0).unwrap_or(UtcOffset::UTC)
}

/// The local date and time in France.
pub fn paris_now() -> OffsetDateTime {
    let now = OffsetDateTime::now_utc();
    now.to_offset(paris_offset(now))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn codes_round_trip() {
        for kind in Kind::ALL {
            assert_eq!(Kind::parse(kind.code()), Ok(kind));
        }
        for mode in Mode::ALL {
            assert_eq!(Mode::parse(mode.code()), Ok(mode));
        }
        for channel in Channel::ALL {
            assert_eq!(Channel::parse(channel.code()), Ok(channel));
        }
        assert_eq!(Kind::parse("spam"), Err(Invalid::Choice));
        assert_eq!(Kind::parse("moderation"), Ok(Kind::Moderation));
        assert_eq!(Kind::ALL.len(), 14, "every kind is listed");
    }

    #[test]
    fn phones_are_read_as_people_write_them() {
        for written in [
            "06 12 34 56 78",
            "06.12.34.56.78",
            "+33 6 12 34 56 78",
            "0033612345678",
            "+33 (0)6 12 34 56 78",
            "0033 06 12 34 56 78",
        ] {
            assert_eq!(
                Phone::parse(written).map(|p| p.0),
                Ok("+33612345678".into()),
                "{written}"
            );
        }
        assert_eq!(
            Phone::parse("+44 7700 900123").map(|p| p.0),
            Ok("+447700900123".into())
        );
        assert_eq!(Phone::parse(""), Err(Invalid::Required));
        // Found by fuzzing: a trunk 0 after +33 was kept, and the number
        // then read back, as written for people, as another number.
        let odd = Phone::parse("0033033333336").map(|p| p.0);
        assert_eq!(odd, Ok("+3333333336".into()));
        let written = phone_as_written("+3333333336");
        assert_eq!(Phone::parse(&written).map(|p| p.0), odd);
        // Nor does the stored number lose another zero when read again.
        let zeros = Phone::parse("003300337733333336").map(|p| p.0);
        assert_eq!(zeros, Ok("+33337733333336".into()));
        assert_eq!(Phone::parse("+33337733333336").map(|p| p.0), zeros);
        assert_eq!(phone_as_written("+33612345678"), "06 12 34 56 78");
        assert_eq!(phone_as_written("+447700900123"), "+447700900123");
        assert_eq!(
            Phone::french_mobile("07 12 34 56 78").map(|p| p.0),
            Ok("+33712345678".into())
        );
        for not_mobile in ["01 42 00 00 00", "+44 7700 900123", "+33 6 12 34 56"] {
            assert_eq!(
                Phone::french_mobile(not_mobile),
                Err(Invalid::Phone),
                "{not_mobile}"
            );
        }
        for wrong in [
            "06 12",
            "hello",
            "612345678",
            "+33 6 12 34 56 78 90 12 34 5",
        ] {
            assert_eq!(Phone::parse(wrong), Err(Invalid::Phone), "{wrong}");
        }
    }

    #[test]
    fn french_summer_time_follows_the_european_rule() {
        let hours = |at: OffsetDateTime| paris_offset(at).whole_hours();
        assert_eq!(hours(datetime!(2026-01-15 12:00 UTC)), 1);
        assert_eq!(hours(datetime!(2026-07-15 12:00 UTC)), 2);
        // 2026: summer time from 29 March to 25 October, at 01:00 UTC.
        assert_eq!(hours(datetime!(2026-03-29 00:59 UTC)), 1);
        assert_eq!(hours(datetime!(2026-03-29 01:00 UTC)), 2);
        assert_eq!(hours(datetime!(2026-10-25 00:59 UTC)), 2);
        assert_eq!(hours(datetime!(2026-10-25 01:00 UTC)), 1);
    }

    #[test]
    fn quiet_hours_hold_sms_until_morning() -> Result<(), Invalid> {
        let night = QuietHours::new(21, 8)?;
        assert!(night.contains(23) && night.contains(0) && night.contains(7));
        assert!(!night.contains(8) && !night.contains(20));
        // 22:30 in Paris in winter is 21:30 UTC; released at 08:00 Paris.
        let late = datetime!(2026-01-15 21:30 UTC);
        assert_eq!(night.release(late), datetime!(2026-01-16 07:00 UTC));
        // 06:00 in Paris in summer is 04:00 UTC; released the same morning.
        let early = datetime!(2026-07-15 04:00 UTC);
        assert_eq!(night.release(early), datetime!(2026-07-15 06:00 UTC));
        let day = datetime!(2026-07-15 10:00 UTC);
        assert_eq!(night.release(day), day);
        let never = QuietHours::new(9, 9)?;
        assert!(!never.contains(9) && !never.contains(3));
        let office = QuietHours::new(12, 14)?;
        assert!(office.contains(13) && !office.contains(14) && !office.contains(11));
        assert_eq!(QuietHours::new(24, 8), Err(Invalid::Range));
        Ok(())
    }
}
