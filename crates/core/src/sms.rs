//! SMS text: rewritten into the GSM 7-bit alphabet (so a message is not
//! sent as UCS-2, 70 characters a segment) and cut to fit one segment.

/// Characters of the GSM 7-bit alphabet that count as one (the basic set).
const GSM_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
/// Characters that count as two (the extension table).
const GSM_EXTENDED: &str = "^{}\\[~]|€";
/// One SMS segment in the GSM alphabet.
pub const SMS_SEGMENT: usize = 160;

/// Rewrites `text` in the GSM alphabet, so an SMS is not sent as UCS-2
/// (70 characters a segment): isolation marks go, accents missing from the
/// alphabet lose their accent, typographic quotes and spaces become plain.
pub fn sms_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if GSM_BASIC.contains(c) || GSM_EXTENDED.contains(c) {
            out.push(c);
            continue;
        }
        let plain = match c {
            '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{ad}' => "",
            'â' | 'á' | 'ã' => "a",
            'À' | 'Â' | 'Á' => "A",
            'ê' | 'ë' => "e",
            'È' | 'Ê' | 'Ë' => "E",
            'î' | 'ï' | 'í' => "i",
            'Î' | 'Ï' => "I",
            'ô' | 'ó' | 'õ' => "o",
            'Ô' => "O",
            'û' | 'ú' => "u",
            'Ù' | 'Û' => "U",
            'ç' => "c",
            'ÿ' => "y",
            'œ' => "oe",
            'Œ' => "OE",
            '’' | '‘' | '´' | '`' => "'",
            '«' | '»' | '“' | '”' => "\"",
            '…' => "...",
            '–' | '—' | '‑' => "-",
            '\u{a0}' | '\u{202f}' | '\u{2009}' | '\t' => " ",
            _ => "?",
        };
        out.push_str(plain);
    }
    out
}

/// Length of GSM text in septets.
pub fn sms_length(text: &str) -> usize {
    text.chars()
        .map(|c| if GSM_EXTENDED.contains(c) { 2 } else { 1 })
        .sum()
}

/// `before`, `subject` and `after` as one SMS: the subject (a title chosen
/// by a person) is shortened with "..." so the whole fits one segment when
/// the fixed parts allow it.
pub fn fit_sms(before: &str, subject: &str, after: &str) -> String {
    let (before, subject, after) = (sms_text(before), sms_text(subject), sms_text(after));
    let fixed = sms_length(&before) + sms_length(&after);
    let whole = format!("{before}{subject}{after}");
    if sms_length(&whole) <= SMS_SEGMENT || fixed + 3 >= SMS_SEGMENT {
        return whole;
    }
    let room = SMS_SEGMENT - fixed - 3;
    let mut short = String::new();
    let mut used = 0;
    for c in subject.chars() {
        let width = if GSM_EXTENDED.contains(c) { 2 } else { 1 };
        if used + width > room {
            break;
        }
        used += width;
        short.push(c);
    }
    format!("{before}{}...{after}", short.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sms_text_stays_in_the_gsm_alphabet() {
        assert_eq!(
            sms_text("\u{2068}Odette\u{2069} : « tâche » à 9\u{a0}h… c’est sûr"),
            "Odette : \" tache \" à 9 h... c'est sur"
        );
        assert_eq!(sms_text("Élodie, ça va ? 10 €"), "Élodie, ca va ? 10 €");
        assert_eq!(sms_length("10 €"), 5);
    }

    #[test]
    fn long_titles_are_cut_to_keep_one_segment() {
        let title = "Accompagner Madame Durand à son rendez-vous médical à l’hôpital Saint-Antoine puis l’aider à porter ses courses jusqu’au cinquième étage";
        let sms = fit_sms(
            "Entraide : Odette vous invite a aider : ",
            title,
            " https://entraide.test/exchanges/12",
        );
        assert_eq!(sms_length(&sms), SMS_SEGMENT);
        assert!(sms.contains("...") && sms.ends_with("/exchanges/12"));
        let short = fit_sms("A: ", "court", " B");
        assert_eq!(short, "A: court B");
    }
}
