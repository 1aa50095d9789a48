//! Short texts typed by people: display names, bios, organisation names,
//! free tags. Each is trimmed, bounded and free of control characters.

use crate::error::{Invalid, ParseError};

fn bounded(
    field: &'static str,
    raw: &str,
    min: usize,
    max: usize,
    multiline: bool,
) -> Result<String, ParseError> {
    let value = raw.trim();
    let count = value.chars().count();
    if count == 0 && min > 0 {
        return Err(ParseError::new(field, Invalid::Required));
    }
    if count < min {
        return Err(ParseError::new(field, Invalid::TooShort));
    }
    if count > max {
        return Err(ParseError::new(field, Invalid::TooLong));
    }
    let forbidden = |c: char| c.is_control() && !(multiline && (c == '\n' || c == '\r'));
    if value.chars().any(forbidden) {
        return Err(ParseError::new(field, Invalid::Characters));
    }
    Ok(value.to_owned())
}

macro_rules! text_type {
    ($(#[$doc:meta])* $name:ident, $field:literal, $min:expr, $max:expr, $multiline:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name(String);

        impl $name {
            pub fn parse(raw: &str) -> Result<Self, ParseError> {
                bounded($field, raw, $min, $max, $multiline).map(Self)
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
            pub fn into_inner(self) -> String {
                self.0
            }
        }
    };
}

text_type!(
    /// The name a person shows to others (a nickname is fine).
    DisplayName, "display_name", 1, 60, false
);
text_type!(
    /// A few lines a person writes about themselves.
    Bio, "bio", 0, 600, true
);
text_type!(
    /// What a document in the safe is called by its owner.
    DocumentTitle, "title", 1, 120, false
);
text_type!(
    /// A folder of the safe.
    FolderName, "folder_name", 1, 60, false
);
text_type!(
    /// A note the person keeps in their safe.
    NoteText, "text", 1, 4000, true
);
text_type!(
    /// Who an important contact is.
    ContactName, "name", 1, 80, false
);
text_type!(
    /// What an important contact does for the person («médecin»).
    ContactRole, "role", 1, 80, false
);
text_type!(
    /// A few words beside a contact, or a desk session's free text.
    ShortNote, "note", 0, 1000, true
);
text_type!(
    /// What comes next after a desk session.
    NextSteps, "next_steps", 0, 2000, true
);
text_type!(
    /// The public name of an organisation.
    OrgName, "name", 2, 100, false
);
text_type!(
    /// A free tag (skill or interest not in the taxonomy).
    Tag, "tag", 2, 40, false
);

text_type!(
    /// The title of a need or an offer.
    Title, "title", 4, 120, false
);
text_type!(
    /// The description of a need or an offer.
    Description, "description", 0, 4000, true
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_name_is_trimmed_and_bounded() {
        assert_eq!(
            DisplayName::parse("  Aïcha ").map(|n| n.into_inner()),
            Ok("Aïcha".into())
        );
        assert_eq!(
            DisplayName::parse("   ").map(|_| ()),
            Err(ParseError::new("display_name", Invalid::Required))
        );
        assert!(DisplayName::parse(&"x".repeat(61)).is_err());
        assert!(DisplayName::parse(&"é".repeat(60)).is_ok());
        assert!(DisplayName::parse("a\u{0}b").is_err());
    }

    #[test]
    fn bio_may_be_empty_and_multiline() {
        assert!(Bio::parse("").is_ok());
        assert!(Bio::parse("line one\nline two").is_ok());
        assert!(Bio::parse(&"b".repeat(601)).is_err());
    }

    #[test]
    fn org_name_needs_two_characters() {
        assert_eq!(
            OrgName::parse("A").map(|_| ()),
            Err(ParseError::new("name", Invalid::TooShort))
        );
        assert!(OrgName::parse("CCAS Paris 11").is_ok());
    }
}
