//! What people sign in with: email addresses, passwords, platform logins and
//! PINs, plus the hashing of secrets (argon2id) and of bearer tokens (SHA-256).

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine as _;
use rand::Rng as _;
use rand::rngs::OsRng;
use sha2::{Digest as _, Sha256};

use crate::error::{Invalid, ParseError};

/// An email address, lower-cased. Only the shape is checked here; the
/// verification email proves it is real.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let value = raw.trim().to_lowercase();
        let err = |reason| Err(ParseError::new("email", reason));
        if value.is_empty() {
            return err(Invalid::Required);
        }
        if value.len() > 254 {
            return err(Invalid::TooLong);
        }
        let Some((local, domain)) = value.split_once('@') else {
            return err(Invalid::Email);
        };
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && domain.split('.').all(|part| {
                !part.is_empty() && part.chars().all(|c| c.is_alphanumeric() || c == '-')
            });
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || "<>()[],;:\"@".contains(c));
        if domain_ok && local_ok {
            Ok(Self(value))
        } else {
            err(Invalid::Email)
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A password chosen by a person: at least 10 characters, at most 128.
pub struct Password(String);

impl Password {
    pub const MIN: usize = 10;
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let count = raw.chars().count();
        if count == 0 {
            return Err(ParseError::new("password", Invalid::Required));
        }
        if count < Self::MIN {
            return Err(ParseError::new("password", Invalid::TooShort));
        }
        if count > 128 {
            return Err(ParseError::new("password", Invalid::TooLong));
        }
        Ok(Self(raw.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(…)")
    }
}

/// A six-digit PIN, for people registered by a social worker.
pub struct Pin(String);

impl Pin {
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let value = raw.trim();
        if value.is_empty() {
            return Err(ParseError::new("pin", Invalid::Required));
        }
        if value.len() == 6 && value.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(value.to_owned()))
        } else {
            Err(ParseError::new("pin", Invalid::Pin))
        }
    }
    /// A fresh random PIN.
    pub fn generate() -> Self {
        Self(format!("{:06}", OsRng.gen_range(0..1_000_000)))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Pin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pin(…)")
    }
}

/// A platform-issued login such as `amina-4821`: easy to read aloud and
/// to type on any keyboard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Login(String);

impl Login {
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let value = raw.trim().to_lowercase();
        if value.is_empty() {
            return Err(ParseError::new("login", Invalid::Required));
        }
        let ok = (3..=40).contains(&value.len())
            && value
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !value.starts_with('-');
        if ok {
            Ok(Self(value))
        } else {
            Err(ParseError::new("login", Invalid::Login))
        }
    }
    /// Builds a login from a display name: its ASCII letters plus four digits.
    pub fn generate(display_name: &str) -> Self {
        let mut stem: String = display_name
            .chars()
            .filter_map(fold_ascii)
            .filter(char::is_ascii_alphabetic)
            .take(12)
            .collect();
        if stem.len() < 2 {
            stem = "membre".to_owned();
        }
        Self(format!("{stem}-{:04}", OsRng.gen_range(0..10_000)))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn fold_ascii(c: char) -> Option<char> {
    let lower = c.to_lowercase().next()?;
    Some(match lower {
        'à' | 'â' | 'ä' | 'á' | 'ã' => 'a',
        'ç' => 'c',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'î' | 'ï' | 'í' => 'i',
        'ô' | 'ö' | 'ó' => 'o',
        'ù' | 'û' | 'ü' | 'ú' => 'u',
        'ÿ' => 'y',
        other => other,
    })
}

/// Hashes a password or PIN with argon2id and a random salt.
pub fn hash_secret(secret: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default()
        .hash_password(secret.as_bytes(), &salt)?
        .to_string())
}

/// Checks a password or PIN against its stored hash; a malformed hash never matches.
pub fn verify_secret(secret: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|hash| {
            Argon2::default()
                .verify_password(secret.as_bytes(), &hash)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A random bearer secret (session cookie, API token, email link): 32 bytes,
/// URL-safe. Only its SHA-256 is stored.
pub fn new_token() -> String {
    let bytes: [u8; 32] = OsRng.r#gen();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The stored form of a bearer secret.
pub fn token_digest(token: &str) -> String {
    // Runs on every signed-in request: one string, no formatting per byte.
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digest = Sha256::digest(token.as_bytes());
    let mut out = String::with_capacity(64);
    for byte in digest {
        out.push(char::from(HEX[usize::from(byte >> 4)]));
        out.push(char::from(HEX[usize::from(byte & 0xf)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert_eq!(
            Email::parse(" Lea@Example.FR ").map(|e| e.0),
            Ok("lea@example.fr".into())
        );
        for bad in [
            "",
            "lea",
            "lea@",
            "@x.fr",
            "lea@fr",
            "le a@x.fr",
            "lea@x..fr",
            "a@b@c.fr",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn passwords_need_ten_characters() {
        assert_eq!(
            Password::parse("short").map(|_| ()),
            Err(ParseError::new("password", Invalid::TooShort))
        );
        assert!(Password::parse("assez longue").is_ok());
        assert!(Password::parse(&"p".repeat(129)).is_err());
    }

    #[test]
    fn pins_are_six_digits() {
        assert!(Pin::parse("123456").is_ok());
        for bad in ["12345", "1234567", "12a456", ""] {
            assert!(Pin::parse(bad).is_err(), "{bad}");
        }
        for _ in 0..50 {
            assert!(Pin::parse(Pin::generate().as_str()).is_ok());
        }
    }

    #[test]
    fn generated_logins_parse() {
        for name in ["Aïcha Benali", "Zoé", "李", "Jean-Pierre"] {
            let login = Login::generate(name);
            assert_eq!(Login::parse(login.as_str()).as_ref(), Ok(&login), "{name}");
        }
        assert!(Login::generate("Élodie").as_str().starts_with("elodie-"));
        assert!(Login::parse("Bad Login").is_err());
    }

    #[test]
    fn secrets_hash_and_verify() -> Result<(), argon2::password_hash::Error> {
        let hash = hash_secret("correct horse")?;
        assert!(verify_secret("correct horse", &hash));
        assert!(!verify_secret("wrong horse", &hash));
        assert!(!verify_secret("correct horse", "not a hash"));
        Ok(())
    }

    #[test]
    fn tokens_are_unique_and_digests_stable() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(token_digest(&a), token_digest(&a));
        // Stored digests must not change form: SHA-256 in lower-case hex.
        assert_eq!(
            token_digest("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
