//! What people sign in with and how they are reached: emails, logins, PINs
//! and phone numbers. What parses is in its stored form, and that form
//! parses again to itself.
#![no_main]

use entraide_core::credentials::{Email, Login, Password, Pin};
use entraide_core::notify::Phone;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|raw: &str| {
    if let Ok(email) = Email::parse(raw) {
        let s = email.as_str();
        assert_eq!(s, s.to_lowercase(), "an email is stored lower-cased");
        assert!(s.len() <= 254);
        let (local, domain) = s.split_once('@').expect("an email has an @");
        assert!(!local.is_empty() && !domain.is_empty() && !domain.contains('@'));
        assert!(!s.chars().any(|c| c.is_control() || c.is_whitespace()));
        assert_eq!(Email::parse(s).as_ref().map(Email::as_str), Ok(s));
    }
    if let Ok(login) = Login::parse(raw) {
        let s = login.as_str();
        assert!((3..=40).contains(&s.len()));
        assert!(
            s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        );
        assert_eq!(Login::parse(s).as_ref().map(Login::as_str), Ok(s));
    }
    // A login made from any display name is itself a valid login.
    let made = Login::generate(raw);
    assert!(
        Login::parse(made.as_str()).is_ok(),
        "{:?} from {raw:?}",
        made.as_str()
    );
    if let Ok(pin) = Pin::parse(raw) {
        assert!(pin.as_str().len() == 6 && pin.as_str().bytes().all(|b| b.is_ascii_digit()));
    }
    if let Ok(password) = Password::parse(raw) {
        // Kept as typed: spaces at either end are part of a password.
        assert_eq!(password.as_str(), raw);
    }
    if let Ok(phone) = Phone::parse(raw) {
        let s = phone.as_str();
        let digits = s.strip_prefix('+').expect("a phone is stored with +");
        assert!((8..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()));
        assert!(!digits.starts_with('0'));
        assert_eq!(Phone::parse(s).as_ref().map(Phone::as_str).ok(), Some(s));
        // As French people write it, it still reads as the same number.
        let written = entraide_core::notify::phone_as_written(s);
        assert_eq!(
            Phone::parse(&written).as_ref().map(Phone::as_str).ok(),
            Some(s),
            "{written:?}"
        );
    }
    if let Ok(mobile) = Phone::french_mobile(raw) {
        assert!(mobile.as_str().starts_with("+336") || mobile.as_str().starts_with("+337"));
    }
});
