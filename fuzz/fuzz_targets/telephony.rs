//! What a telephony provider sends: keypad digits, numbers typed on a
//! keypad, webhook parameters under a signature, and the text Entraide
//! speaks back inside TwiML.
#![no_main]

use entraide_core::telephony::{
    BoxNumber, MenuKey, VoicePin, keypad_digits, signature, signature_matches, typed_number,
};
use entraide_core::twiml::escape;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (&str, &str, Vec<(String, String)>)| {
    let (typed, token, params) = input;
    let digits = keypad_digits(typed);
    assert!(digits.len() <= 20 && digits.bytes().all(|b| b.is_ascii_digit()));
    if let Some(number) = typed_number(&digits) {
        assert!(number.starts_with('+') && number[1..].bytes().all(|b| b.is_ascii_digit()));
    }
    if let Ok(b) = BoxNumber::parse(typed) {
        assert!((4..=8).contains(&b.as_str().len()));
    }
    if let Ok(pin) = VoicePin::parse(typed) {
        assert!(pin.as_str().bytes().all(|b| b.is_ascii_digit()));
    }
    let _ = MenuKey::parse(&digits);
    // A signature matches its own request, in any order of parameters, and
    // nothing else.
    let url = format!("https://entraide.example/telephony/1/voice?{typed}");
    let signed = signature(token, &url, &params);
    assert!(signature_matches(token, &url, &params, &signed));
    let mut reversed = params.clone();
    reversed.reverse();
    assert!(signature_matches(token, &url, &reversed, &signed));
    let mut more = params.clone();
    more.push(("Digits".to_owned(), "1".to_owned()));
    assert!(!signature_matches(token, &url, &more, &signed));
    // Escaped text never opens or closes an element.
    let escaped = escape(typed);
    assert!(!escaped.contains('<') && !escaped.contains('>') && !escaped.contains('"'));
});
