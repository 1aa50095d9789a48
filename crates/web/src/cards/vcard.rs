//! The contact file (vCard 4.0, RFC 6350) that lets someone save a person's
//! number and contact page to their phone in one tap.

use std::fmt::Write as _;

/// Longest line allowed before folding, in octets, line break excluded.
const LINE_OCTETS: usize = 75;

/// A vCard 4.0 for `name`, reachable at `number_e164` (e.g. "+33184601234")
/// and, when given, at `url`.
///
/// Lines end in CRLF and are folded at 75 octets, never inside a UTF-8
/// character. Anything in the number other than a leading `+` and digits is
/// dropped, and the URL's spaces and control characters are percent-encoded,
/// so neither can break the file's structure.
pub fn vcard(name: &str, number_e164: &str, url: Option<&str>) -> String {
    let mut card = String::new();
    push_line(&mut card, "BEGIN:VCARD");
    push_line(&mut card, "VERSION:4.0");
    push_line(&mut card, &format!("FN:{}", escape_text(name)));
    push_line(
        &mut card,
        &format!("TEL;TYPE=voice;VALUE=uri:tel:{}", tel_digits(number_e164)),
    );
    // An empty address would make an empty property, which some phones
    // refuse the whole card for.
    if let Some(url) = url.filter(|url| !url.trim().is_empty()) {
        push_line(&mut card, &format!("URL:{}", encode_uri(url)));
    }
    push_line(&mut card, "END:VCARD");
    card
}

/// Escapes a text value as RFC 6350 section 3.4 asks: backslash, comma,
/// semicolon and line breaks (a CRLF pair becomes one `\n`).
fn escape_text(value: &str) -> String {
    let mut escaped = String::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => escaped.push_str("\\\\"),
            ',' => escaped.push_str("\\,"),
            ';' => escaped.push_str("\\;"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                escaped.push_str("\\n");
            }
            '\n' => escaped.push_str("\\n"),
            c => escaped.push(c),
        }
    }
    escaped
}

/// The global number as a `tel:` URI wants it: a `+` then digits only.
fn tel_digits(number: &str) -> String {
    let mut digits = String::with_capacity(number.len());
    if number.trim_start().starts_with('+') {
        digits.push('+');
    }
    digits.extend(number.chars().filter(char::is_ascii_digit));
    digits
}

/// A URI value is not backslash-escaped (RFC 6350 section 4); what could
/// break the line is percent-encoded instead.
fn encode_uri(uri: &str) -> String {
    let mut encoded = String::with_capacity(uri.len());
    for c in uri.chars() {
        if c.is_control() || c == ' ' {
            let mut buf = [0; 4];
            for byte in c.encode_utf8(&mut buf).bytes() {
                // Writing to a String cannot fail.
                let _ = write!(encoded, "%{byte:02X}");
            }
        } else {
            encoded.push(c);
        }
    }
    encoded
}

/// Appends one content line, folded: each continuation line starts with a
/// space, which counts towards its 75 octets.
fn push_line(card: &mut String, line: &str) {
    let mut budget = LINE_OCTETS;
    let mut used = 0;
    for c in line.chars() {
        if used + c.len_utf8() > budget {
            card.push_str("\r\n ");
            budget = LINE_OCTETS - 1;
            used = 0;
        }
        card.push(c);
        used += c.len_utf8();
    }
    card.push_str("\r\n");
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    /// Undoes folding, as a reader of the file would.
    fn unfold(card: &str) -> String {
        card.replace("\r\n ", "")
    }

    #[test]
    fn has_the_required_properties_in_order_with_crlf() {
        let card = vcard(
            "Zoé Lefèvre-Nguyễn",
            "+33184601234",
            Some("https://entraide.example.org/p/zoe"),
        );
        assert_eq!(
            card,
            "BEGIN:VCARD\r\n\
             VERSION:4.0\r\n\
             FN:Zoé Lefèvre-Nguyễn\r\n\
             TEL;TYPE=voice;VALUE=uri:tel:+33184601234\r\n\
             URL:https://entraide.example.org/p/zoe\r\n\
             END:VCARD\r\n"
        );
    }

    #[test]
    fn every_line_ends_in_crlf_and_no_bare_line_feed_is_left() {
        let card = vcard("Œuvre Ça\nsecond line", "+33 1 84 60 12 34", None);
        assert!(card.ends_with("\r\n"));
        let bare = card
            .match_indices('\n')
            .filter(|(i, _)| *i == 0 || card.as_bytes()[i - 1] != b'\r');
        assert_eq!(bare.count(), 0, "{card:?}");
        assert_eq!(card.matches("\r\n").count(), 5);
    }

    #[test]
    fn the_url_line_is_left_out_without_a_url() {
        let card = vcard("Œuvre Ça", "+33184601234", None);
        assert!(!card.contains("URL"));
        assert!(card.contains("FN:Œuvre Ça\r\n"));
    }

    #[test]
    fn an_empty_url_is_left_out() {
        assert!(!vcard("A", "+1", Some(" ")).contains("URL"));
        assert!(
            vcard("A", "+1", Some("https://x.example")).contains("\r\nURL:https://x.example\r\n")
        );
    }

    #[test]
    fn escapes_commas_semicolons_backslashes_and_line_breaks() {
        let card = vcard("Dupont, Anne; \\ Zoé\r\nflat 2\nrear", "+33184601234", None);
        assert!(
            card.contains("FN:Dupont\\, Anne\\; \\\\ Zoé\\nflat 2\\nrear\r\n"),
            "{card:?}"
        );
    }

    #[test]
    fn keeps_only_a_leading_plus_and_digits_in_the_number() {
        let card = vcard("A", "+33 1 84 60 12 34\r\nEND:VCARD", None);
        assert!(card.contains("tel:+33184601234\r\n"), "{card:?}");
        assert_eq!(card.matches("END:VCARD").count(), 1);
    }

    #[test]
    fn percent_encodes_what_would_break_the_url_line() {
        let card = vcard("A", "+1", Some("https://x.example/a b\r\nEND:VCARD"));
        assert!(
            card.contains("URL:https://x.example/a%20b%0D%0AEND:VCARD\r\n"),
            "{card:?}"
        );
        assert_eq!(card.matches("\r\nEND:VCARD").count(), 1);
    }

    #[test]
    fn folds_long_lines_at_75_octets_without_splitting_characters() {
        // Two-byte and three-byte characters, so that a naive cut at 75
        // octets would land inside one of them.
        let name = "Zoé Lefèvre-Nguyễn ".repeat(20);
        let card = vcard(&name, "+33184601234", None);
        let lines: Vec<&str> = card.split("\r\n").collect();
        assert!(lines.len() > 6, "the name should have been folded");
        for line in &lines {
            assert!(line.len() <= 75, "{} octets: {line:?}", line.len());
        }
        // Folding happens as late as it can: the next character would not
        // have fitted on the line it was pushed off.
        for pair in lines.windows(2) {
            if let Some(next) = pair[1].strip_prefix(' ') {
                let first = next.chars().next().unwrap();
                assert!(pair[0].len() + first.len_utf8() > 75, "{pair:?}");
            }
        }
        assert!(lines.iter().filter(|l| l.starts_with(' ')).count() >= 6);
        assert!(unfold(&card).contains(&format!("FN:{name}\r\n")));
    }

    #[test]
    fn a_line_of_exactly_75_octets_is_not_folded() {
        let name = "a".repeat(75 - "FN:".len());
        let card = vcard(&name, "+1", None);
        assert!(card.contains(&format!("\r\nFN:{name}\r\n")));
        let longer = vcard(&format!("{name}b"), "+1", None);
        assert!(longer.contains(&format!("\r\nFN:{name}\r\n b\r\n")));
    }
}
