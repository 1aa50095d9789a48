//! Personal phone numbers and voice boxes: the numbers and digits a caller
//! types on a keypad, the voicemail PIN, the keys of the listening menu, and
//! the webhook signature of TwiML-compatible providers (Twilio, Telnyx
//! TeXML, SignalWire, Plivo).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{KeyInit as _, Mac as _};

use crate::error::{Invalid, ParseError};
use crate::notify::Phone;

/// A box number on an organisation's shared number: four to eight digits,
/// typed on a keypad.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoxNumber(String);

impl BoxNumber {
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let value = raw.trim();
        if value.is_empty() {
            return Err(ParseError::new("box_number", Invalid::Required));
        }
        if (4..=8).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(value.to_owned()))
        } else {
            Err(ParseError::new("box_number", Invalid::Characters))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The PIN that opens a voice box from any phone: four to eight digits.
/// It is not the account's PIN, which is never typed on a phone line.
pub struct VoicePin(String);

impl VoicePin {
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let value = raw.trim();
        if value.is_empty() {
            return Err(ParseError::new("pin", Invalid::Required));
        }
        if (4..=8).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(value.to_owned()))
        } else {
            Err(ParseError::new("pin", Invalid::VoicePin))
        }
    }
    /// A fresh random four-digit PIN, easy to keep in mind.
    pub fn generate() -> Self {
        use rand::Rng as _;
        Self(format!("{:04}", rand::rngs::OsRng.gen_range(0..10_000)))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for VoicePin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("VoicePin(…)")
    }
}

/// A phone number an organisation owns (international form).
pub fn parse_number(field: &'static str, raw: &str) -> Result<String, ParseError> {
    Phone::parse(raw)
        .map(|p| p.as_str().to_owned())
        .map_err(|reason| ParseError::new(field, reason))
}

/// What a caller typed: only the keypad's digits (providers also send `*`
/// and `#`), at most 20 of them; anything else is treated as nothing typed.
pub fn keypad_digits(raw: &str) -> String {
    let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
    if digits.len() > 20 {
        String::new()
    } else {
        digits
    }
}

/// The ways a caller may write their personal number on a keypad
/// (`0184601234`, `33184601234`, `0033184601234`), in international form.
pub fn typed_number(digits: &str) -> Option<String> {
    if digits.len() < 9 {
        return None;
    }
    Phone::parse(digits)
        .ok()
        .or_else(|| Phone::parse(&format!("+{digits}")).ok())
        .map(|p| p.as_str().to_owned())
}

/// The keys of the listening menu, read to the caller after each message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MenuKey {
    Repeat,
    Save,
    Delete,
    CallBack,
    Next,
}

impl MenuKey {
    pub fn parse(digits: &str) -> Option<Self> {
        match digits {
            "1" => Some(Self::Repeat),
            "2" => Some(Self::Save),
            "3" => Some(Self::Delete),
            "4" => Some(Self::CallBack),
            "5" => Some(Self::Next),
            _ => None,
        }
    }
}

/// Wrong PINs after which a box locks until a social worker unlocks it.
pub const MAX_PIN_FAILURES: i64 = 5;

/// The signature a TwiML provider puts in `X-Twilio-Signature`: HMAC-SHA1,
/// keyed with the account's auth token, of the full URL the provider
/// called followed by every POST parameter's name and value, sorted by
/// name; base64.
pub fn signature(token: &str, url: &str, params: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = params.iter().collect();
    sorted.sort();
    let mut mac = match hmac::Hmac::<sha1::Sha1>::new_from_slice(token.as_bytes()) {
        Ok(mac) => mac,
        // HMAC takes keys of any length; this arm is never taken.
        Err(_) => return String::new(),
    };
    mac.update(url.as_bytes());
    for (name, value) in sorted {
        mac.update(name.as_bytes());
        mac.update(value.as_bytes());
    }
    STANDARD.encode(mac.finalize().into_bytes())
}

/// Whether `given` is the signature of this request, compared in constant
/// time.
pub fn signature_matches(token: &str, url: &str, params: &[(String, String)], given: &str) -> bool {
    let expected = signature(token, url, params);
    let (a, b) = (expected.as_bytes(), given.trim().as_bytes());
    if a.len() != b.len() || a.is_empty() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn box_numbers_and_pins_are_digits() {
        assert!(BoxNumber::parse("1234").is_ok());
        assert!(BoxNumber::parse("123").is_err());
        assert!(BoxNumber::parse("12a4").is_err());
        assert!(VoicePin::parse(" 0042 ").is_ok());
        assert_eq!(
            VoicePin::parse("").err().map(|e| e.reason),
            Some(Invalid::Required)
        );
        assert_eq!(
            VoicePin::parse("12").err().map(|e| e.reason),
            Some(Invalid::VoicePin)
        );
        assert_eq!(VoicePin::generate().as_str().len(), 4);
    }

    #[test]
    fn keypad_input_is_read_as_typed() {
        assert_eq!(keypad_digits("12#"), "12");
        assert_eq!(keypad_digits("*"), "");
        assert_eq!(keypad_digits(&"1".repeat(21)), "");
        assert_eq!(typed_number("0184601234").as_deref(), Some("+33184601234"));
        assert_eq!(typed_number("33184601234").as_deref(), Some("+33184601234"));
        assert_eq!(
            typed_number("0033184601234").as_deref(),
            Some("+33184601234")
        );
        assert_eq!(typed_number("1234"), None);
        assert_eq!(MenuKey::parse("3"), Some(MenuKey::Delete));
        assert_eq!(MenuKey::parse("9"), None);
    }

    #[test]
    fn signature_follows_the_providers_rule() {
        // The expected value was computed apart, with Python's hmac module.
        let params: Vec<(String, String)> = [
            ("CallSid", "CA1234567890ABCDE"),
            ("Caller", "+12349013030"),
            ("Digits", "1234"),
            ("From", "+12349013030"),
            ("To", "+18005551212"),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
        let url = "https://example.com/myapp.php?foo=1&bar=2";
        let token = "12345";
        let expected = "vNe7KK2kJwCsxc9K3OLkkKB3qqI=";
        assert_eq!(signature(token, url, &params), expected);
        assert!(signature_matches(token, url, &params, expected));
        let mut reordered = params.clone();
        reordered.reverse();
        assert!(signature_matches(token, url, &reordered, expected));
        let mut changed = params.clone();
        changed[2].1 = "1235".into();
        assert!(!signature_matches(token, url, &changed, expected));
        assert!(!signature_matches("other", url, &params, expected));
        assert!(!signature_matches(token, url, &params, ""));
    }
}
