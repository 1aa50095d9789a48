//! Texts sent by SMS: rewritten into the GSM alphabet and cut to one
//! segment when the fixed parts leave room.
#![no_main]

use entraide_core::sms::{SMS_SEGMENT, fit_sms, sms_length, sms_text};
use libfuzzer_sys::fuzz_target;

/// The GSM 7-bit alphabet, basic set and extension table.
fn gsm(c: char) -> bool {
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà^{}\\[~]|€"
        .contains(c)
}

fuzz_target!(|input: (&str, &str, &str)| {
    let (before, subject, after) = input;
    let plain = sms_text(subject);
    assert!(plain.chars().all(gsm), "{plain:?}");
    assert_eq!(sms_text(&plain), plain, "rewriting twice changes nothing");
    let whole = fit_sms(before, subject, after);
    assert!(whole.chars().all(gsm));
    let fixed = sms_length(&sms_text(before)) + sms_length(&sms_text(after));
    if fixed + 3 < SMS_SEGMENT {
        assert!(
            sms_length(&whole) <= SMS_SEGMENT,
            "{} septets",
            sms_length(&whole)
        );
    }
    assert!(whole.starts_with(&sms_text(before)) && whole.ends_with(&sms_text(after)));
});
