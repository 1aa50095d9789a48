//! Kinds of organisation and the roles a person can hold in one.

macro_rules! keyed_enum {
    ($(#[$doc:meta])* $name:ident, $field:literal { $($variant:ident => $key:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];
            /// The stable key stored in the database and used in URLs and translations.
            pub fn key(self) -> &'static str {
                match self { $(Self::$variant => $key),+ }
            }
            pub fn parse(raw: &str) -> Result<Self, $crate::error::ParseError> {
                match raw.trim() {
                    $($key => Ok(Self::$variant),)+
                    "" => Err($crate::error::ParseError::new($field, $crate::error::Invalid::Required)),
                    _ => Err($crate::error::ParseError::new($field, $crate::error::Invalid::Choice)),
                }
            }
        }
    };
}
pub(crate) use keyed_enum;

keyed_enum!(
    /// What sort of body an organisation is.
    OrgKind, "kind" {
        Association => "association",
        SocialService => "social_service",
        WorksCouncil => "works_council",
        Collective => "collective",
    }
);

keyed_enum!(
    /// A person's role inside one organisation.
    OrgRole, "role" {
        Member => "member",
        Volunteer => "volunteer",
        Coordinator => "coordinator",
        SocialWorker => "social_worker",
        Admin => "admin",
    }
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{Invalid, ParseError};

    #[test]
    fn keys_round_trip() {
        for role in OrgRole::ALL {
            assert_eq!(OrgRole::parse(role.key()), Ok(*role));
        }
        for kind in OrgKind::ALL {
            assert_eq!(OrgKind::parse(kind.key()), Ok(*kind));
        }
        assert!(OrgRole::parse("king").is_err());
        assert_eq!(
            OrgRole::parse("").map(|_| ()),
            Err(ParseError::new("role", Invalid::Required))
        );
    }
}
