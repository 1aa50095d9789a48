//! Conversations and their moderation: what a message may hold, who may
//! post where, how a message shows to each reader, and the acts of
//! moderators. Pure rules; the store gathers the facts they decide on.

use crate::error::{Invalid, ParseError};
use crate::role::keyed_enum;

/// Longest message, in characters.
pub const MAX_MESSAGE: usize = 4000;
/// Longest report reason or moderation note, in characters.
pub const MAX_NOTE: usize = 1000;
/// Characters of a message kept for a notification or a list preview.
pub const PREVIEW_CHARS: usize = 80;
/// Longest suspension a platform administrator may give, in days.
pub const MAX_SUSPENSION_DAYS: i64 = 365;

keyed_enum!(
    /// What a conversation is attached to.
    ConversationKind, "kind" {
        Direct => "direct",
        Exchange => "exchange",
        Pairing => "pairing",
        Team => "team",
    }
);

keyed_enum!(
    /// What a moderator did; each act is written to the moderation log.
    ModerationAction, "action" {
        Hide => "hide",
        Unhide => "unhide",
        Warn => "warn",
        Suspend => "suspend",
        Dismiss => "dismiss",
    }
);

impl ModerationAction {
    /// Whether the act settles the open reports on the message.
    pub fn resolves_reports(self) -> bool {
        !matches!(self, Self::Unhide)
    }
}

/// Trims, turns the `\r\n` that browsers send into `\n`, and checks the
/// length and the characters (newlines are the only control characters
/// allowed when `multiline`).
fn text(field: &'static str, raw: &str, max: usize) -> Result<String, ParseError> {
    let value = raw.replace("\r\n", "\n");
    let value = value.trim();
    let count = value.chars().count();
    if count == 0 {
        return Err(ParseError::new(field, Invalid::Required));
    }
    if count > max {
        return Err(ParseError::new(field, Invalid::TooLong));
    }
    if value.chars().any(|c| c.is_control() && c != '\n') {
        return Err(ParseError::new(field, Invalid::Characters));
    }
    Ok(value.to_owned())
}

/// The text of a message: trimmed, 1 to 4000 characters, newlines allowed
/// but no other control character.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageBody(String);

impl MessageBody {
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        text("body", raw, MAX_MESSAGE).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The first [`PREVIEW_CHARS`] characters on one line, for a
    /// notification or a list.
    pub fn preview(&self) -> String {
        preview(&self.0)
    }
}

/// The first [`PREVIEW_CHARS`] characters of `text` on one line.
pub fn preview(text: &str) -> String {
    let line: String = text
        .chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .take(PREVIEW_CHARS)
        .collect();
    line.trim().to_owned()
}

/// Why a person reports a message, or a moderator's note: 1 to 1000
/// characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note(String);

impl Note {
    pub fn parse(field: &'static str, raw: &str) -> Result<Self, ParseError> {
        text(field, raw, MAX_NOTE).map(Self)
    }

    /// An optional note: empty is fine.
    pub fn optional(field: &'static str, raw: &str) -> Result<Option<Self>, ParseError> {
        if raw.trim().is_empty() {
            Ok(None)
        } else {
            Self::parse(field, raw).map(Some)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// How long a suspension lasts: 1 to 365 days.
pub fn parse_suspension_days(raw: &str) -> Result<i64, ParseError> {
    match raw.trim() {
        "" => Err(ParseError::new("days", Invalid::Required)),
        text => text
            .parse::<i64>()
            .ok()
            .filter(|d| (1..=MAX_SUSPENSION_DAYS).contains(d))
            .ok_or(ParseError::new("days", Invalid::Range)),
    }
}

/// What is known of a person about to post in a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Poster {
    pub member: bool,
    /// Until when (Unix seconds) the person may not post, if suspended.
    pub suspended_until: Option<i64>,
    /// In a direct conversation: the other person blocked the poster.
    pub blocked_by_other: bool,
    /// In a direct conversation: the poster blocked the other person.
    pub blocks_other: bool,
}

/// Why a post is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    NotMember,
    /// Suspended until then (Unix seconds).
    Suspended(i64),
    /// The other person does not accept the poster's messages. Said as
    /// such, without saying more (when, or whether anything else changed).
    BlockedByOther,
    /// The poster blocked the other person; they must unblock first.
    BlocksOther,
}

/// Whether `poster` may post now (`now` in Unix seconds).
pub fn may_post(poster: Poster, now: i64) -> Result<(), Refusal> {
    if !poster.member {
        return Err(Refusal::NotMember);
    }
    if let Some(until) = poster.suspended_until.filter(|u| *u > now) {
        return Err(Refusal::Suspended(until));
    }
    if poster.blocked_by_other {
        return Err(Refusal::BlockedByOther);
    }
    if poster.blocks_other {
        return Err(Refusal::BlocksOther);
    }
    Ok(())
}

/// How one message shows to one reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Shown {
    /// The text, as written.
    Visible,
    /// Hidden by moderation: the text is withheld.
    Hidden,
    /// Hidden by moderation, shown to a moderator with that mark.
    HiddenForModerator,
    /// Written by someone the reader blocked: folded, the reader may open it.
    Blocked,
}

impl Shown {
    pub fn of(hidden: bool, author_blocked: bool, reader_moderates: bool) -> Self {
        match (hidden, reader_moderates, author_blocked) {
            (true, true, _) => Self::HiddenForModerator,
            (true, false, _) => Self::Hidden,
            (false, _, true) => Self::Blocked,
            (false, _, false) => Self::Visible,
        }
    }

    /// Whether the reader receives the text at all.
    pub fn reveals_text(self) -> bool {
        !matches!(self, Self::Hidden)
    }

    pub fn key(self) -> &'static str {
        match self {
            Self::Visible => "visible",
            Self::Hidden => "hidden",
            Self::HiddenForModerator => "hidden_for_moderator",
            Self::Blocked => "blocked",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_is_trimmed_bounded_and_keeps_its_lines() {
        let body = MessageBody::parse("  Bonjour Odette,\r\nà mardi !  ").map(|b| b.0);
        assert_eq!(body, Ok("Bonjour Odette,\nà mardi !".into()));
        assert_eq!(
            MessageBody::parse(" \n\t "),
            Err(ParseError::new("body", Invalid::Required))
        );
        assert!(MessageBody::parse(&"é".repeat(MAX_MESSAGE)).is_ok());
        assert_eq!(
            MessageBody::parse(&"é".repeat(MAX_MESSAGE + 1)),
            Err(ParseError::new("body", Invalid::TooLong))
        );
        for bad in ["a\u{0}b", "a\tb", "a\rb", "bip\u{7}"] {
            assert_eq!(
                MessageBody::parse(bad),
                Err(ParseError::new("body", Invalid::Characters)),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn previews_are_one_short_line() {
        let long = format!("Bonjour,\nje passe {}", "très ".repeat(30));
        let preview = MessageBody::parse(&long).map(|b| b.preview());
        let preview = preview.unwrap_or_default();
        assert!(!preview.contains('\n'));
        assert!(preview.starts_with("Bonjour, je passe très"));
        assert!(preview.chars().count() <= PREVIEW_CHARS);
    }

    #[test]
    fn notes_and_suspensions_are_bounded() {
        assert_eq!(Note::optional("note", "  "), Ok(None));
        assert!(Note::parse("reason", "").is_err());
        assert!(Note::parse("reason", &"x".repeat(MAX_NOTE + 1)).is_err());
        assert_eq!(parse_suspension_days("7"), Ok(7));
        for bad in ["0", "366", "une semaine", ""] {
            assert!(parse_suspension_days(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn who_may_post() {
        let member = Poster {
            member: true,
            suspended_until: None,
            blocked_by_other: false,
            blocks_other: false,
        };
        assert_eq!(may_post(member, 100), Ok(()));
        let outsider = Poster {
            member: false,
            ..member
        };
        assert_eq!(may_post(outsider, 100), Err(Refusal::NotMember));
        let suspended = Poster {
            suspended_until: Some(200),
            ..member
        };
        assert_eq!(may_post(suspended, 100), Err(Refusal::Suspended(200)));
        assert_eq!(may_post(suspended, 200), Ok(()), "a suspension ends");
        let blocked = Poster {
            blocked_by_other: true,
            blocks_other: true,
            ..member
        };
        assert_eq!(may_post(blocked, 100), Err(Refusal::BlockedByOther));
        let blocking = Poster {
            blocks_other: true,
            ..member
        };
        assert_eq!(may_post(blocking, 100), Err(Refusal::BlocksOther));
    }

    #[test]
    fn hidden_messages_show_only_to_moderators() {
        assert_eq!(Shown::of(false, false, false), Shown::Visible);
        assert_eq!(Shown::of(true, false, false), Shown::Hidden);
        assert_eq!(Shown::of(true, true, false), Shown::Hidden);
        assert_eq!(Shown::of(true, false, true), Shown::HiddenForModerator);
        assert_eq!(Shown::of(false, true, false), Shown::Blocked);
        assert!(!Shown::Hidden.reveals_text());
        assert!(Shown::Blocked.reveals_text());
    }

    #[test]
    fn actions_round_trip() {
        for action in ModerationAction::ALL {
            assert_eq!(ModerationAction::parse(action.key()), Ok(*action));
        }
        for kind in ConversationKind::ALL {
            assert_eq!(ConversationKind::parse(kind.key()), Ok(*kind));
        }
        assert!(!ModerationAction::Unhide.resolves_reports());
    }
}
