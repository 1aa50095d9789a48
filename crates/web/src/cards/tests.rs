//! Checks the sheet of business cards by reading the PDF back with an
//! independent parser, as a viewer or a printer would.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use lopdf::content::{Content, Operation};
use lopdf::{Document, ObjectId};
use qrcode::{Color, QrCode};

use super::{Card, CardLabels, business_cards_pdf};

const NAME: &str = "Zoé Lefèvre-Nguyễn";
const NUMBER: &str = "+33 1 84 60 12 34";
const CONTACT_PAGE: &str = "https://entraide.example.org/p/7f3a9c21";
const CARDS_PER_SHEET: usize = 10;

fn card<'a>(name: &'a str, box_number: Option<&'a str>, qr_url: Option<&'a str>) -> Card<'a> {
    Card {
        name,
        number: NUMBER,
        box_number,
        platform: "https://entraide.example.org",
        qr_url,
        labels: CardLabels {
            phone: "Phone and voicemail",
            box_label: "Box",
            leave_message: "Leave me a message at any time",
            title: "Business cards",
        },
    }
}

fn parse(card: &Card<'_>) -> (Document, ObjectId) {
    let bytes = business_cards_pdf(card).unwrap();
    let doc = Document::load_mem(&bytes).unwrap();
    let pages = doc.get_pages();
    assert_eq!(pages.len(), 1, "one sheet of cards");
    let page = pages[&1];
    (doc, page)
}

fn page_ops(doc: &Document, page: ObjectId) -> Vec<Operation> {
    Content::decode(&doc.get_page_content(page))
        .unwrap()
        .operations
}

fn count(ops: &[Operation], operator: &str) -> usize {
    ops.iter().filter(|op| op.operator == operator).count()
}

fn resources(doc: &Document, page: ObjectId) -> &lopdf::Dictionary {
    doc.get_dictionary(page)
        .unwrap()
        .get_deref(b"Resources", doc)
        .unwrap()
        .as_dict()
        .unwrap()
}

#[test]
fn the_sheet_is_a_single_a4_page() {
    let (doc, page) = parse(&card(NAME, None, None));
    let media_box: Vec<f32> = doc
        .get_dictionary(page)
        .unwrap()
        .get(b"MediaBox")
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_float().unwrap())
        .collect();
    let expected = [0.0, 0.0, 595.28, 841.89];
    assert_eq!(media_box.len(), 4);
    for (got, want) in media_box.iter().zip(expected) {
        assert!((got - want).abs() < 0.01, "{media_box:?}");
    }
}

#[test]
fn every_card_shows_the_name_and_number_as_text() {
    let (doc, _) = parse(&card(NAME, None, None));
    let text = doc.extract_text(&[1]).unwrap();
    assert_eq!(text.matches(NAME).count(), CARDS_PER_SHEET, "{text}");
    assert_eq!(text.matches(NUMBER).count(), CARDS_PER_SHEET, "{text}");
    assert_eq!(text.matches("Phone and voicemail").count(), CARDS_PER_SHEET);
    assert_eq!(
        text.matches("Leave me a message at any time").count(),
        CARDS_PER_SHEET
    );
    assert_eq!(
        text.matches("https://entraide.example.org").count(),
        CARDS_PER_SHEET
    );
    assert!(!text.contains("+33 1 84 60 12 35"));
    assert!(!text.contains("Box"));
}

#[test]
fn other_accented_names_come_back_intact() {
    let (doc, _) = parse(&card("Œuvre Ça", None, None));
    let text = doc.extract_text(&[1]).unwrap();
    assert_eq!(text.matches("Œuvre Ça").count(), CARDS_PER_SHEET, "{text}");
    assert!(!text.contains(NAME));
}

#[test]
fn decomposed_accents_print_as_the_composed_letters() {
    // "Zoé Lefèvre-Nguyễn" with every accent typed as a separate mark.
    let decomposed = "Zoe\u{301} Lefe\u{300}vre-Nguye\u{302}\u{303}n";
    assert_ne!(decomposed, NAME);
    let (doc, _) = parse(&card(decomposed, None, None));
    let text = doc.extract_text(&[1]).unwrap();
    assert_eq!(text.matches(NAME).count(), CARDS_PER_SHEET, "{text}");
}

#[test]
fn a_box_on_a_shared_number_is_printed_after_its_label() {
    let (doc, _) = parse(&card(NAME, Some("1234"), None));
    let text = doc.extract_text(&[1]).unwrap();
    assert_eq!(text.matches("Box 1234").count(), CARDS_PER_SHEET, "{text}");
}

#[test]
fn the_qr_code_is_drawn_on_every_card_when_asked() {
    let (doc, page) = parse(&card(NAME, None, Some(CONTACT_PAGE)));
    assert_eq!(count(&page_ops(&doc, page), "Do"), CARDS_PER_SHEET);

    let form = resources(&doc, page)
        .get_deref(b"XObject", &doc)
        .unwrap()
        .as_dict()
        .unwrap()
        .get_deref(b"Qr", &doc)
        .unwrap()
        .as_stream()
        .unwrap();
    let ops = Content::decode(&form.decompressed_content().unwrap())
        .unwrap()
        .operations;

    // The squares drawn must cover exactly the dark modules of the code a
    // reader would decode from the same address.
    let code = QrCode::new(CONTACT_PAGE.as_bytes()).unwrap();
    let dark = code
        .to_colors()
        .iter()
        .filter(|c| **c == Color::Dark)
        .count();
    let covered: f32 = ops
        .iter()
        .filter(|op| op.operator == "re")
        .map(|op| op.operands[2].as_float().unwrap() * op.operands[3].as_float().unwrap())
        .sum();
    assert!(dark > 100);
    assert_eq!(covered, dark as f32);
    let side = code.width() as f32;
    let bbox: Vec<f32> = form
        .dict
        .get(b"BBox")
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_float().unwrap())
        .collect();
    assert_eq!(bbox, [0.0, 0.0, side, side]);
}

#[test]
fn no_qr_code_is_drawn_without_an_address() {
    let (doc, page) = parse(&card(NAME, None, None));
    let ops = page_ops(&doc, page);
    assert_eq!(count(&ops, "Do"), 0);
    assert_eq!(count(&ops, "re"), 0);
    assert!(resources(&doc, page).get(b"XObject").is_err());
}

#[test]
fn the_font_is_embedded_as_a_small_subset() {
    let bytes = business_cards_pdf(&card(NAME, Some("1234"), Some(CONTACT_PAGE))).unwrap();
    assert!(bytes.len() < 60_000, "{} bytes", bytes.len());
    let doc = Document::load_mem(&bytes).unwrap();
    let files: Vec<&lopdf::Stream> = doc
        .objects
        .values()
        .filter_map(|o| o.as_stream().ok())
        .filter(|s| s.dict.get(b"Length1").is_ok())
        .collect();
    assert_eq!(files.len(), 1, "one embedded TrueType font");
    let font = files[0].decompressed_content().unwrap();
    assert!(font.len() < 40_000, "{} bytes", font.len());
    let base_fonts: Vec<&[u8]> = doc
        .objects
        .values()
        .filter_map(|o| o.as_dict().ok())
        .filter_map(|d| d.get(b"BaseFont").ok())
        .filter_map(|n| n.as_name().ok())
        .collect();
    assert!(!base_fonts.is_empty());
    for name in base_fonts {
        assert_eq!(
            name.get(6),
            Some(&b'+'),
            "{}",
            String::from_utf8_lossy(name)
        );
        assert!(name.ends_with(b"+DejaVuSans"));
    }
}

#[test]
fn the_title_is_the_one_given() {
    let (doc, _) = parse(&card(NAME, None, None));
    let info = doc
        .trailer
        .get_deref(b"Info", &doc)
        .unwrap()
        .as_dict()
        .unwrap();
    let title = info.get(b"Title").unwrap();
    let title = lopdf::decode_text_string(title).unwrap();
    assert_eq!(title, "Business cards");
}

#[test]
fn a_name_too_long_for_the_card_is_cut_with_an_ellipsis() {
    let long = "Marie-Bernadette Évangéline de la Tour-Saint-Maur ".repeat(4);
    let (doc, page) = parse(&card(&long, None, Some(CONTACT_PAGE)));
    let text = doc.extract_text(&[1]).unwrap();
    assert!(!text.contains(long.trim()));
    assert_eq!(text.matches("Marie-Bernadette").count(), CARDS_PER_SHEET);
    assert_eq!(text.matches('…').count(), CARDS_PER_SHEET, "{text}");
    // The number still fits at its full size next to the QR code.
    let sizes: Vec<f32> = page_ops(&doc, page)
        .iter()
        .filter(|op| op.operator == "Tf")
        .map(|op| op.operands[1].as_float().unwrap())
        .collect();
    assert!(sizes.contains(&13.0), "{sizes:?}");
    assert!(sizes.contains(&8.0), "{sizes:?}");
}

#[test]
fn a_name_outside_the_font_still_makes_a_sheet() {
    // DejaVu Sans has no CJK glyphs: those print as empty boxes rather
    // than failing the whole sheet.
    let (doc, _) = parse(&card("山田 Zoé", None, None));
    let text = doc.extract_text(&[1]).unwrap();
    assert_eq!(text.matches("Zoé").count(), CARDS_PER_SHEET);
}

#[test]
fn the_same_card_always_gives_the_same_bytes() {
    let one = business_cards_pdf(&card(NAME, Some("1234"), Some(CONTACT_PAGE))).unwrap();
    let two = business_cards_pdf(&card(NAME, Some("1234"), Some(CONTACT_PAGE))).unwrap();
    assert_eq!(one, two);
    let other = business_cards_pdf(&card(NAME, Some("1235"), Some(CONTACT_PAGE))).unwrap();
    assert_ne!(one, other);
}

#[test]
fn an_address_too_long_for_a_qr_code_is_an_error() {
    let url = format!("https://entraide.example.org/{}", "a".repeat(5000));
    let result = business_cards_pdf(&card(NAME, None, Some(&url)));
    assert!(matches!(result, Err(super::CardError::Qr(_))));
}

#[test]
fn crop_marks_stay_in_the_margins() {
    let (doc, page) = parse(&card(NAME, None, None));
    let ops = page_ops(&doc, page);
    let points: Vec<(f32, f32)> = ops
        .iter()
        .filter(|op| op.operator == "m" || op.operator == "l")
        .map(|op| {
            (
                op.operands[0].as_float().unwrap(),
                op.operands[1].as_float().unwrap(),
            )
        })
        .collect();
    // Three vertical cuts and six horizontal ones, each marked at both ends.
    assert_eq!(points.len(), 2 * 2 * (3 + 6));
    let mm = 72.0 / 25.4;
    let (left, right) = (20.0 * mm, 190.0 * mm);
    let (bottom, top) = (11.0 * mm, 286.0 * mm);
    for (x, y) in points {
        let outside = x < left - 0.5 || x > right + 0.5 || y < bottom - 0.5 || y > top + 0.5;
        assert!(outside, "mark at ({x}, {y}) is on a card");
    }
    assert!(matches!(
        ops.first().map(|op| op.operator.as_str()),
        Some("q")
    ));
}
