//! The local board: what neighbours post for the people living around them
//! (information, questions, lost and found, alerts, events), how far a post
//! reaches and when it leaves the board.

use time::{Date, OffsetDateTime, Time};

use crate::error::{Errors, Invalid, ParseError};
use crate::exchange::{parse_date, parse_time};
use crate::names::Title;
use crate::notify::paris_offset;
use crate::role::keyed_enum;

keyed_enum!(
    /// What a post is about; labels live in the `.ftl` files as `post-kind-<key>`.
    PostKind, "post_kind" {
        Info => "info",
        Question => "question",
        LostFound => "lost-found",
        Alert => "alert",
        Event => "event",
    }
);

/// How far a post reaches around its author's home, in metres.
pub const RADII: [i64; 4] = [500, 1000, 2000, 5000];
pub const DEFAULT_RADIUS_M: i64 = 1000;
/// The widest reach, used to find the posts that could reach a home.
pub const MAX_RADIUS_M: i64 = 5000;
/// Days a post stays on the board (an event stays until the day after it).
pub const LIFETIME_DAYS: i64 = 30;
/// Longest post and comment.
pub const MAX_BODY: usize = 4000;
pub const MAX_COMMENT: usize = 2000;
/// How far ahead an event may be announced.
const MAX_EVENT_DAYS: i64 = 366;

/// A post's text fields, as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct PostInput {
    pub kind: String,
    pub title: String,
    pub body: String,
    /// Metres; empty means the default.
    pub radius: String,
    /// Events only: `YYYY-MM-DD` and `HH:MM`, French time.
    pub event_date: String,
    pub event_time: String,
}

/// A post ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPost {
    pub kind: PostKind,
    pub title: Title,
    pub body: String,
    pub radius_m: i64,
    /// Events only: when it starts (Unix seconds).
    pub event_at: Option<i64>,
    /// When it leaves the board (Unix seconds).
    pub expires_at: i64,
}

/// Trimmed text of 1 to `max` characters, newlines allowed.
pub fn parse_text(field: &'static str, raw: &str, max: usize) -> Result<String, ParseError> {
    let value = raw.trim();
    if value.is_empty() {
        return Err(ParseError::new(field, Invalid::Required));
    }
    if value.chars().count() > max {
        return Err(ParseError::new(field, Invalid::TooLong));
    }
    if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r')
    {
        return Err(ParseError::new(field, Invalid::Characters));
    }
    Ok(value.to_owned())
}

/// Parses a reach: one of [`RADII`], the default when empty.
pub fn parse_radius(raw: &str) -> Result<i64, ParseError> {
    match raw.trim() {
        "" => Ok(DEFAULT_RADIUS_M),
        text => text
            .parse::<i64>()
            .ok()
            .filter(|r| RADII.contains(r))
            .ok_or(ParseError::new("radius", Invalid::Choice)),
    }
}

/// Midnight (French time) starting the day after `day`.
fn start_of_day_after(day: Date) -> i64 {
    let next = day.next_day().unwrap_or(day);
    let local = next.with_time(Time::MIDNIGHT);
    let guess = local.assume_utc();
    local.assume_offset(paris_offset(guess)).unix_timestamp()
}

impl NewPost {
    /// Checks every field at once; `now` is the current time.
    pub fn parse(input: &PostInput, now: OffsetDateTime) -> Result<Self, Errors> {
        let mut errors = Errors::default();
        let kind = errors.take(PostKind::parse(&input.kind));
        let title = errors.take(Title::parse(&input.title));
        let body = errors.take(parse_text("body", &input.body, MAX_BODY));
        let radius = errors.take(parse_radius(&input.radius));
        let mut event_at = None;
        let mut expires_at = now.unix_timestamp() + LIFETIME_DAYS * 24 * 3600;
        if kind == Some(PostKind::Event) {
            let date = errors.take(parse_date("event_date", &input.event_date));
            let time = errors.take(parse_time("event_time", &input.event_time));
            if let (Some(date), Some(minutes)) = (date, time) {
                let local = date.midnight().assume_utc();
                let at = local.unix_timestamp() + i64::from(minutes) * 60
                    - i64::from(paris_offset(local).whole_seconds());
                let now_s = now.unix_timestamp();
                if at < now_s {
                    errors.push(ParseError::new("event_date", Invalid::Past));
                } else if at > now_s + MAX_EVENT_DAYS * 24 * 3600 {
                    errors.push(ParseError::new("event_date", Invalid::Range));
                } else {
                    event_at = Some(at);
                    expires_at = start_of_day_after(date);
                }
            }
        }
        match (kind, title, body, radius) {
            (Some(kind), Some(title), Some(body), Some(radius_m)) if errors.0.is_empty() => {
                Ok(Self {
                    kind,
                    title,
                    body,
                    radius_m,
                    event_at,
                    expires_at,
                })
            }
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    fn input(kind: &str) -> PostInput {
        PostInput {
            kind: kind.into(),
            title: "Chat trouvé rue Oberkampf".into(),
            body: "Un chat tigré attend son humain au 12.".into(),
            ..PostInput::default()
        }
    }

    #[test]
    fn a_post_lasts_thirty_days_within_a_kilometre_by_default() {
        let now = datetime!(2026-11-22 10:00 UTC);
        let post = NewPost::parse(&input("lost-found"), now);
        let Ok(post) = post else { panic!("{post:?}") };
        assert_eq!(post.kind, PostKind::LostFound);
        assert_eq!(post.radius_m, 1000);
        assert_eq!(post.event_at, None);
        assert_eq!(post.expires_at - now.unix_timestamp(), 30 * 24 * 3600);
    }

    #[test]
    fn an_event_leaves_the_board_the_day_after() {
        let now = datetime!(2026-11-22 10:00 UTC);
        let mut event = input("event");
        event.event_date = "2026-11-28".into();
        event.event_time = "18:30".into();
        event.radius = "2000".into();
        let Ok(post) = NewPost::parse(&event, now) else {
            panic!("refused")
        };
        // 18:30 in Paris in November is 17:30 UTC.
        assert_eq!(
            post.event_at,
            Some(datetime!(2026-11-28 17:30 UTC).unix_timestamp())
        );
        assert_eq!(
            post.expires_at,
            datetime!(2026-11-28 23:00 UTC).unix_timestamp()
        );
        assert_eq!(post.radius_m, 2000);
    }

    #[test]
    fn every_mistake_is_reported_at_once() {
        let now = datetime!(2026-11-22 10:00 UTC);
        let bad = PostInput {
            kind: "party".into(),
            title: "".into(),
            body: " ".into(),
            radius: "700".into(),
            ..PostInput::default()
        };
        let fields: Vec<&str> = NewPost::parse(&bad, now)
            .err()
            .map(|e| e.0.iter().map(|e| e.field).collect())
            .unwrap_or_default();
        assert_eq!(fields, ["post_kind", "title", "body", "radius"]);
        let mut past = input("event");
        past.event_date = "2026-11-01".into();
        past.event_time = "10:00".into();
        let fields: Vec<&str> = NewPost::parse(&past, now)
            .err()
            .map(|e| e.0.iter().map(|e| e.field).collect())
            .unwrap_or_default();
        assert_eq!(fields, ["event_date"]);
        let missing: Vec<&str> = NewPost::parse(&input("event"), now)
            .err()
            .map(|e| e.0.iter().map(|e| e.field).collect())
            .unwrap_or_default();
        assert_eq!(missing, ["event_date", "event_time"]);
    }

    #[test]
    fn kinds_round_trip() {
        for kind in PostKind::ALL {
            assert_eq!(PostKind::parse(kind.key()), Ok(*kind));
        }
    }
}
