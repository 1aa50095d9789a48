//! What goes into the safe from outside: a file's first bytes, the name the
//! browser sent, an expiry date. A kind is recognised from the bytes alone;
//! a shown file name never leaves its folder nor hides its real kind.
#![no_main]

use entraide_core::safe::{FileKind, expiry, file_name};
use libfuzzer_sys::fuzz_target;

const KINDS: [FileKind; 5] = [
    FileKind::Pdf,
    FileKind::Jpeg,
    FileKind::Png,
    FileKind::Webp,
    FileKind::Heic,
];

fuzz_target!(|data: &[u8]| {
    if let Ok(kind) = FileKind::sniff(data) {
        assert!(!data.is_empty());
        // The same first bytes are the same kind, whatever follows.
        let mut longer = data.to_vec();
        longer.extend_from_slice(b"trailing bytes");
        assert_eq!(FileKind::sniff(&longer), Ok(kind));
    }
    let sent = String::from_utf8_lossy(data);
    for kind in KINDS {
        let name = file_name(&sent, kind);
        let (stem, extension) = name.rsplit_once('.').expect("a name has an extension");
        assert_eq!(extension, kind.extension());
        assert!(!stem.is_empty(), "{name:?}");
        assert!(!name.starts_with(['.', ' ']), "a hidden file: {name:?}");
        assert!(!name.contains(['/', '\\', '"', '\0']), "{name:?}");
        assert!(!name.chars().any(char::is_control), "{name:?}");
        assert!(stem.chars().count() <= 80, "{name:?}");
        // Made safe once, it stays as it is.
        assert_eq!(file_name(&name, kind), name);
        // It fits in a download header.
        assert!(axum_free_header_ok(&name), "{name:?}");
    }
    if let Ok(Some(date)) = expiry(&sent) {
        let written = entraide_core::exchange::format_date(date);
        assert_eq!(expiry(&written), Ok(Some(date)), "{written:?}");
    }
});

/// What HTTP allows in a header value: no control character but tab.
fn axum_free_header_ok(value: &str) -> bool {
    value
        .bytes()
        .all(|b| b == b'\t' || (b >= 0x20 && b != 0x7f))
}
