//! The single error type of the domain: which input was refused and why.

/// Why an input was refused. The `code` is stable: the web layer turns it
/// into a translated sentence (`error-<code>` in the `.ftl` files).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Invalid {
    #[error("this field is required")]
    Required,
    #[error("too short")]
    TooShort,
    #[error("too long")]
    TooLong,
    #[error("not a valid email address")]
    Email,
    #[error("not a valid PIN")]
    Pin,
    #[error("not a valid login")]
    Login,
    #[error("not a valid choice")]
    Choice,
    #[error("not a valid coordinate")]
    Coordinate,
    #[error("contains forbidden characters")]
    Characters,
    #[error("not a valid date")]
    Date,
    #[error("not a valid time")]
    Time,
    #[error("out of range")]
    Range,
    #[error("in the past")]
    Past,
    #[error("in the future")]
    Future,
    /// A box that must be ticked (a charter, a consent) was not.
    #[error("not ticked")]
    Unchecked,
    #[error("not a valid phone number")]
    Phone,
    /// A voicemail PIN: four to eight digits.
    #[error("not a valid voicemail PIN")]
    VoicePin,
}

impl Invalid {
    /// Stable machine code, also used to build translation keys.
    pub fn code(self) -> &'static str {
        match self {
            Self::Required => "required",
            Self::TooShort => "too-short",
            Self::TooLong => "too-long",
            Self::Email => "email",
            Self::Pin => "pin",
            Self::Login => "login",
            Self::Choice => "choice",
            Self::Coordinate => "coordinate",
            Self::Characters => "characters",
            Self::Date => "date",
            Self::Time => "time",
            Self::Range => "range",
            Self::Past => "past",
            Self::Future => "future",
            Self::Unchecked => "unchecked",
            Self::Phone => "phone",
            Self::VoicePin => "voice-pin",
        }
    }
}

/// A refused input together with the name of the field it came from.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct ParseError {
    pub field: &'static str,
    pub reason: Invalid,
}

impl ParseError {
    pub fn new(field: &'static str, reason: Invalid) -> Self {
        Self { field, reason }
    }
}

/// Collects every refused field of a form, so a person sees all their
/// mistakes at once rather than one per submission.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Errors(pub Vec<ParseError>);

impl Errors {
    /// Keeps the parsed value, or records the error and returns `None`.
    pub fn take<T>(&mut self, result: Result<T, ParseError>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.0.push(error);
                None
            }
        }
    }

    pub fn push(&mut self, error: ParseError) {
        self.0.push(error);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}
