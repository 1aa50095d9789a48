//! What goes into the digital safe: document types, file names made safe
//! to show and to offer for download, the kind of file recognised from its
//! first bytes (never from what the browser claims), and expiry dates.

use time::Date;

use crate::error::{Invalid, ParseError};
use crate::role::keyed_enum;

keyed_enum!(
    /// What a paper is, so it can be found again and its expiry followed.
    DocType, "doc_type" {
        Identity => "identity",
        Residence => "residence",
        Health => "health",
        Income => "income",
        Taxes => "taxes",
        Housing => "housing",
        Other => "other",
    }
);

/// The kinds of file the safe keeps: what phones and scanners produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Pdf,
    Jpeg,
    Png,
    Webp,
    Heic,
}

impl FileKind {
    /// Recognises a file from its first bytes.
    pub fn sniff(bytes: &[u8]) -> Result<Self, ParseError> {
        let kind = if bytes.starts_with(b"%PDF-") {
            Self::Pdf
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Self::Jpeg
        } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
            Self::Png
        } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Self::Webp
        } else if bytes.len() >= 12
            && &bytes[4..8] == b"ftyp"
            && matches!(&bytes[8..12], b"heic" | b"heix" | b"mif1" | b"heif")
        {
            Self::Heic
        } else if bytes.is_empty() {
            return Err(ParseError::new("file", Invalid::Required));
        } else {
            return Err(ParseError::new("file", Invalid::Choice));
        };
        Ok(kind)
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Webp => "image/webp",
            Self::Heic => "image/heic",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::Jpeg => "jpg",
            Self::Png => "png",
            Self::Webp => "webp",
            Self::Heic => "heic",
        }
    }
}

/// A file name safe to show and to put in a download header: the last
/// part of what was sent (no folders), letters, digits, spaces and `._-()`
/// only, at most 80 characters, ending with the extension of its real kind.
pub fn file_name(sent: &str, kind: FileKind) -> String {
    let last = sent.rsplit(['/', '\\']).next().unwrap_or_default();
    let stem = last.rsplit_once('.').map_or(last, |(stem, _)| stem);
    let cleaned: String = stem
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '_' | '-' | '(' | ')' | '.'))
        .take(80)
        .collect();
    // No hidden file, nor a name of dots and spaces only.
    let cleaned = cleaned
        .trim_start_matches(|c: char| c == '.' || c.is_whitespace())
        .trim_end();
    let stem = if cleaned.is_empty() {
        "document"
    } else {
        cleaned
    };
    format!("{stem}.{}", kind.extension())
}

/// An optional expiry date (`YYYY-MM-DD`); an empty field means none.
pub fn expiry(raw: &str) -> Result<Option<Date>, ParseError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    crate::exchange::parse_date("expires_on", raw).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_recognised_by_their_bytes_not_their_name() {
        assert_eq!(FileKind::sniff(b"%PDF-1.7\n..."), Ok(FileKind::Pdf));
        assert_eq!(
            FileKind::sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0]),
            Ok(FileKind::Jpeg)
        );
        assert_eq!(FileKind::sniff(b"\x89PNG\r\n\x1a\n...."), Ok(FileKind::Png));
        assert_eq!(FileKind::sniff(b"RIFF\0\0\0\0WEBPVP8 "), Ok(FileKind::Webp));
        assert_eq!(
            FileKind::sniff(b"\0\0\0\x18ftypheic\0\0"),
            Ok(FileKind::Heic)
        );
        assert_eq!(
            FileKind::sniff(b"<html><script>alert(1)</script>"),
            Err(ParseError::new("file", Invalid::Choice))
        );
        assert_eq!(
            FileKind::sniff(b""),
            Err(ParseError::new("file", Invalid::Required))
        );
    }

    #[test]
    fn file_names_lose_folders_and_odd_characters_and_keep_their_real_kind() {
        assert_eq!(file_name("../../etc/passwd", FileKind::Pdf), "passwd.pdf");
        assert_eq!(
            file_name("C:\\Users\\a\\carte.exe", FileKind::Jpeg),
            "carte.jpg"
        );
        assert_eq!(
            file_name("Quittance (mai).PDF", FileKind::Pdf),
            "Quittance (mai).pdf"
        );
        assert_eq!(
            file_name("\"; rm -rf /\r\n.png", FileKind::Png),
            "document.png"
        );
        assert_eq!(file_name("...", FileKind::Png), "document.png");
        assert_eq!(
            file_name(&"é".repeat(200), FileKind::Pdf).chars().count(),
            84
        );
    }

    #[test]
    fn names_of_dots_and_spaces_become_document() {
        // Found by fuzzing: « ...» gave the name « ...pdf».
        for sent in [" ....pdf", ". . .pdf", "  .. x.pdf"] {
            let name = file_name(sent, FileKind::Pdf);
            assert!(!name.starts_with([' ', '.']), "{sent:?} gave {name:?}");
            assert_eq!(file_name(&name, FileKind::Pdf), name);
        }
        assert_eq!(file_name(" ....pdf", FileKind::Pdf), "document.pdf");
        assert_eq!(file_name("  .. x.pdf", FileKind::Pdf), "x.pdf");
    }

    #[test]
    fn expiry_dates_are_optional_and_real() {
        assert_eq!(expiry(""), Ok(None));
        assert!(expiry("2031-02-28").is_ok_and(|d| d.is_some()));
        assert_eq!(
            expiry("2031-02-30"),
            Err(ParseError::new("expires_on", Invalid::Date))
        );
        assert_eq!(
            expiry("demain"),
            Err(ParseError::new("expires_on", Invalid::Date))
        );
        // Found by fuzzing: a signed or five-digit year parsed, then could
        // not be written back as a date of the form.
        for odd in ["-0522-05-05", "+2031-02-28", "12031-02-28", "2031-2-28"] {
            assert_eq!(
                expiry(odd),
                Err(ParseError::new("expires_on", Invalid::Date)),
                "{odd}"
            );
        }
    }
}
