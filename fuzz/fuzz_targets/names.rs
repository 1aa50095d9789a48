//! Short texts typed by people (names, bios, titles, messages, board
//! posts): a value that parses is trimmed, within its bounds, free of
//! control characters, and parses again to itself.
#![no_main]

use entraide_core::conversation::MessageBody;
use entraide_core::names::{
    Bio, ContactName, ContactRole, Description, DisplayName, DocumentTitle, FolderName, NextSteps,
    NoteText, OrgName, ShortNote, Tag, Title,
};
use libfuzzer_sys::fuzz_target;

/// Checks what every parsed text promises; `again` parses the output anew.
fn holds(
    raw: &str,
    parsed: Option<&str>,
    min: usize,
    max: usize,
    multiline: bool,
    again: impl Fn(&str) -> Option<String>,
) {
    let Some(value) = parsed else { return };
    // Messages also turn the browser's \r\n into \n.
    assert!(
        value == raw.trim() || value == raw.replace("\r\n", "\n").trim(),
        "a parsed text is the input, trimmed: {value:?}"
    );
    let count = value.chars().count();
    assert!(
        count >= min && count <= max,
        "{count} characters outside {min}..={max}"
    );
    if min > 0 {
        assert!(!value.is_empty());
    }
    assert!(
        value
            .chars()
            .all(|c| !c.is_control() || (multiline && (c == '\n' || c == '\r'))),
        "a control character went through: {value:?}"
    );
    assert_eq!(
        again(value).as_deref(),
        Some(value),
        "parsing is not idempotent"
    );
}

macro_rules! check {
    ($raw:expr, $type:ty, $min:expr, $max:expr, $multiline:expr) => {
        holds(
            $raw,
            <$type>::parse($raw).ok().as_ref().map(|v| v.as_str()),
            $min,
            $max,
            $multiline,
            |s| <$type>::parse(s).ok().map(|v| v.as_str().to_owned()),
        )
    };
}

fuzz_target!(|raw: &str| {
    check!(raw, DisplayName, 1, 60, false);
    check!(raw, Bio, 0, 600, true);
    check!(raw, DocumentTitle, 1, 120, false);
    check!(raw, FolderName, 1, 60, false);
    check!(raw, NoteText, 1, 4000, true);
    check!(raw, ContactName, 1, 80, false);
    check!(raw, ContactRole, 1, 80, false);
    check!(raw, ShortNote, 0, 1000, true);
    check!(raw, NextSteps, 0, 2000, true);
    check!(raw, OrgName, 2, 100, false);
    check!(raw, Tag, 2, 40, false);
    check!(raw, Title, 4, 120, false);
    check!(raw, Description, 0, 4000, true);
    check!(raw, MessageBody, 1, 4000, true);
    if let Ok(body) = MessageBody::parse(raw) {
        assert!(
            !body.as_str().contains('\r'),
            "a message keeps only newlines"
        );
    }
    let post = entraide_core::board::parse_text("text", raw, 500);
    holds(raw, post.as_deref().ok(), 1, 500, true, |s| {
        entraide_core::board::parse_text("text", s, 500).ok()
    });
    let preview = entraide_core::conversation::preview(raw);
    assert!(!preview.contains(['\n', '\r']), "a preview is one line");
});
