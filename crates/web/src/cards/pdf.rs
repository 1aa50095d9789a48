//! Lays a person's business cards out on an A4 sheet, ten standard 85×55 mm
//! cards with crop marks in the margins, and writes the sheet as a PDF.

use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use unicode_normalization::UnicodeNormalization;

use super::font::Typeface;
use super::qr::QrForm;
use super::{Card, CardError};

const POINTS_PER_MM: f32 = 72.0 / 25.4;

const PAGE_WIDTH_MM: f32 = 210.0;
const PAGE_HEIGHT_MM: f32 = 297.0;
const CARD_WIDTH_MM: f32 = 85.0;
const CARD_HEIGHT_MM: f32 = 55.0;
const COLUMNS: usize = 2;
const ROWS: usize = 5;
/// Room kept clear along each card's edge, so that a cut a little off the
/// mark, with scissors at home, never touches the text.
const PADDING_MM: f32 = 5.0;
/// Side of the QR code: large enough for a phone to read a contact page
/// address from arm's length once printed.
const QR_SIDE_MM: f32 = 22.0;
/// Crop marks stop this far from the cards so none shows after cutting.
const MARK_GAP_MM: f32 = 2.0;
const MARK_LENGTH_MM: f32 = 6.0;

const FONT: Name<'static> = Name(b"F1");
const QR: Name<'static> = Name(b"Qr");

fn mm(value: f32) -> f32 {
    value * POINTS_PER_MM
}

/// How one kind of line looks: its size, the size below which it is cut
/// rather than shrunk further, and its grey level (0 is black).
struct Style {
    size: f32,
    min_size: f32,
    gray: f32,
}

const NAME: Style = Style {
    size: 14.0,
    min_size: 8.0,
    gray: 0.0,
};
const LABEL: Style = Style {
    size: 7.0,
    min_size: 5.0,
    gray: 0.35,
};
const NUMBER: Style = Style {
    size: 13.0,
    min_size: 8.0,
    gray: 0.0,
};
const BOX: Style = Style {
    size: 10.0,
    min_size: 7.0,
    gray: 0.0,
};
const MESSAGE: Style = Style {
    size: 8.0,
    min_size: 5.5,
    gray: 0.0,
};
const PLATFORM: Style = Style {
    size: 7.5,
    min_size: 5.0,
    gray: 0.35,
};

/// A line of text on a card, in points from the card's bottom-left corner.
struct Line {
    x: f32,
    baseline: f32,
    size: f32,
    gray: f32,
    glyphs: Vec<u8>,
}

/// Makes the PDF sheet of business cards for `card`: one A4 page of ten
/// identical cards to print and cut.
pub fn business_cards_pdf(card: &Card<'_>) -> Result<Vec<u8>, CardError> {
    let mut font = Typeface::load()?;
    let qr = card.qr_url.map(QrForm::new).transpose()?;
    let lines = lay_out(card, &mut font, qr.as_ref().map(QrForm::modules));

    let mut pdf = Pdf::new();
    let mut next = Ref::new(1);
    let catalog_ref = next.bump();
    let tree_ref = next.bump();
    let page_ref = next.bump();
    let content_ref = next.bump();
    let info_ref = next.bump();
    let font_ref = font.write(&mut pdf, &mut next)?;
    let qr_ref = qr.as_ref().map(|form| {
        let id = next.bump();
        form.write(&mut pdf, id);
        id
    });

    let mut catalog = pdf.catalog(catalog_ref);
    catalog.pages(tree_ref);
    // Viewers then show the translated title rather than a file name.
    catalog.viewer_preferences().display_doc_title(true);
    catalog.finish();
    pdf.document_info(info_ref)
        .title(TextStr(card.labels.title));
    pdf.pages(tree_ref).kids([page_ref]).count(1);

    let mut page = pdf.page(page_ref);
    page.parent(tree_ref)
        .media_box(Rect::new(0.0, 0.0, mm(PAGE_WIDTH_MM), mm(PAGE_HEIGHT_MM)))
        .contents(content_ref);
    let mut resources = page.resources();
    resources.fonts().pair(FONT, font_ref);
    if let Some(id) = qr_ref {
        resources.x_objects().pair(QR, id);
    }
    resources.finish();
    page.finish();

    let mut content = Content::new();
    crop_marks(&mut content);
    let grid_left = (PAGE_WIDTH_MM - CARD_WIDTH_MM * COLUMNS as f32) / 2.0;
    let grid_bottom = (PAGE_HEIGHT_MM - CARD_HEIGHT_MM * ROWS as f32) / 2.0;
    for row in 0..ROWS {
        for column in 0..COLUMNS {
            let x = mm(grid_left + CARD_WIDTH_MM * column as f32);
            let y = mm(grid_bottom + CARD_HEIGHT_MM * row as f32);
            content.save_state();
            content.transform([1.0, 0.0, 0.0, 1.0, x, y]);
            draw_card(&mut content, &lines, qr.as_ref());
            content.restore_state();
        }
    }
    let packed = deflate(&content.finish());
    pdf.stream(content_ref, &packed).filter(Filter::FlateDecode);

    Ok(pdf.finish())
}

/// Places the card's lines from the top down; the lines beside the QR code,
/// when there is one of `qr_modules` modules a side, get a narrower column.
fn lay_out(card: &Card<'_>, font: &mut Typeface, qr_modules: Option<usize>) -> Vec<Line> {
    // A reader needs four modules of white around the code; its other sides
    // lie in the card's padding.
    let beside_qr = qr_modules.map(|modules| {
        let side = mm(QR_SIDE_MM);
        side + 4.0 * side / modules.max(1) as f32
    });
    let mut column = Column {
        font,
        lines: Vec::new(),
        beside_qr,
    };
    column.put(card.name, &NAME, 11.0);
    column.put(card.labels.phone, &LABEL, 18.0);
    column.put(card.number, &NUMBER, 23.5);
    let mut message_at = 30.0;
    if let Some(number) = card.box_number {
        let text = format!("{} {}", clean(card.labels.box_label), clean(number));
        column.put(&text, &BOX, 29.0);
        message_at = 35.5;
    }
    column.put(card.labels.leave_message, &MESSAGE, message_at);
    column.put(card.platform, &PLATFORM, CARD_HEIGHT_MM - PADDING_MM);
    column.lines
}

struct Column<'f> {
    font: &'f mut Typeface,
    lines: Vec<Line>,
    /// Width taken from lines beside the QR code, with its white border.
    beside_qr: Option<f32>,
}

impl Column<'_> {
    /// Adds `text` with its baseline `from_top` millimetres below the card's
    /// top edge, shrunk, and at worst cut, to fit the room it has.
    fn put(&mut self, text: &str, style: &Style, from_top: f32) {
        let text = clean(text);
        if text.is_empty() {
            return;
        }
        let mut room = mm(CARD_WIDTH_MM - 2.0 * PADDING_MM);
        // A line whose capitals reach above the QR code's lower edge would
        // run into it; a quarter of a millimetre between lines is plenty.
        let top = from_top - style.size * 0.75 / POINTS_PER_MM;
        if let Some(taken) = self.beside_qr
            && top < PADDING_MM + QR_SIDE_MM + 0.25
        {
            room -= taken;
        }
        let (text, size) = self.fit(&text, style, room);
        self.lines.push(Line {
            x: mm(PADDING_MM),
            baseline: mm(CARD_HEIGHT_MM - from_top),
            size,
            gray: style.gray,
            glyphs: self.font.encode(&text),
        });
    }

    /// The size to print `text` at within `room` points, and the text
    /// itself, ending in an ellipsis when even the smallest size is too
    /// wide.
    fn fit(&self, text: &str, style: &Style, room: f32) -> (String, f32) {
        let natural = self.font.measure(text, style.size);
        if natural <= room {
            return (text.to_owned(), style.size);
        }
        let shrunk = style.size * room / natural;
        if shrunk >= style.min_size {
            return (text.to_owned(), shrunk);
        }
        let size = style.min_size;
        let budget = room - self.font.advance(ELLIPSIS, size);
        let mut used = 0.0;
        let mut kept = String::new();
        for c in text.chars() {
            used += self.font.advance(c, size);
            if used > budget {
                break;
            }
            kept.push(c);
        }
        let mut kept = kept.trim_end().to_owned();
        kept.push(ELLIPSIS);
        (kept, size)
    }
}

const ELLIPSIS: char = '…';

/// Collapses line breaks and other control characters a name might carry,
/// which a single printed line cannot show, and composes accents with their
/// letters: the font has a glyph for "ễ" but places a separate combining
/// accent only roughly, as nothing here positions marks.
fn clean(text: &str) -> String {
    let spaced: String = text
        .nfc()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    spaced.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn draw_card(content: &mut Content, lines: &[Line], qr: Option<&QrForm>) {
    for line in lines {
        content.set_fill_gray(line.gray);
        content.begin_text();
        content.set_font(FONT, line.size);
        content.next_line(line.x, line.baseline);
        content.show(Str(&line.glyphs));
        content.end_text();
    }
    if let Some(form) = qr {
        let side = mm(QR_SIDE_MM);
        let scale = side / form.modules() as f32;
        let x = mm(CARD_WIDTH_MM - PADDING_MM) - side;
        let y = mm(CARD_HEIGHT_MM - PADDING_MM) - side;
        content.save_state();
        content.transform([scale, 0.0, 0.0, scale, x, y]);
        content.x_object(QR);
        content.restore_state();
    }
}

/// Short grey marks in the page margins, in line with every cut, so the
/// sheet can be cut with a ruler without lines printed on the cards.
fn crop_marks(content: &mut Content) {
    let grid_width = CARD_WIDTH_MM * COLUMNS as f32;
    let grid_height = CARD_HEIGHT_MM * ROWS as f32;
    let left = (PAGE_WIDTH_MM - grid_width) / 2.0;
    let bottom = (PAGE_HEIGHT_MM - grid_height) / 2.0;
    let right = left + grid_width;
    let top = bottom + grid_height;

    content.save_state();
    content.set_stroke_gray(0.5);
    content.set_line_width(0.3);
    for column in 0..=COLUMNS {
        let x = mm(left + CARD_WIDTH_MM * column as f32);
        let below = bottom - MARK_GAP_MM;
        content.move_to(x, mm(below - MARK_LENGTH_MM));
        content.line_to(x, mm(below));
        let above = top + MARK_GAP_MM;
        content.move_to(x, mm(above));
        content.line_to(x, mm(above + MARK_LENGTH_MM));
    }
    for row in 0..=ROWS {
        let y = mm(bottom + CARD_HEIGHT_MM * row as f32);
        let before = left - MARK_GAP_MM;
        content.move_to(mm(before - MARK_LENGTH_MM), y);
        content.line_to(mm(before), y);
        let after = right + MARK_GAP_MM;
        content.move_to(mm(after), y);
        content.line_to(mm(after + MARK_LENGTH_MM), y);
    }
    content.stroke();
    content.restore_state();
}

/// Compresses a stream for the `FlateDecode` filter.
pub(super) fn deflate(data: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(data, 6)
}
