//! The QR code on a card, drawn as filled squares rather than a picture so
//! that it stays sharp at any printer's resolution. It is drawn once, as a
//! reusable form, and placed on every card of the sheet.

use pdf_writer::{Content, Filter, Pdf, Rect, Ref};
use qrcode::{Color, QrCode};

use super::CardError;

/// A QR code ready to be written into a PDF, in units of one module.
pub(super) struct QrForm {
    modules: usize,
    content: Vec<u8>,
}

impl QrForm {
    pub(super) fn new(url: &str) -> Result<Self, CardError> {
        let code = QrCode::new(url.as_bytes())?;
        let modules = code.width();
        let colors = code.to_colors();
        let mut content = Content::new();
        // Colour may not change in the middle of a path, so it comes first.
        content.set_fill_gray(0.0);
        for (row, line) in colors.chunks(modules.max(1)).enumerate() {
            // PDF counts upwards from the bottom, the code downwards from the
            // top.
            let y = (modules - 1 - row) as f32;
            let mut x = 0;
            while x < line.len() {
                if line[x] == Color::Dark {
                    // One rectangle per run of dark modules keeps the stream
                    // small; a single fill for all of them leaves no hairline
                    // seams between neighbours.
                    let start = x;
                    while x < line.len() && line[x] == Color::Dark {
                        x += 1;
                    }
                    content.rect(start as f32, y, (x - start) as f32, 1.0);
                } else {
                    x += 1;
                }
            }
        }
        content.fill_nonzero();
        Ok(Self {
            modules,
            content: content.finish().into_vec(),
        })
    }

    /// How many modules the code has along each side.
    pub(super) fn modules(&self) -> usize {
        self.modules
    }

    pub(super) fn write(&self, pdf: &mut Pdf, id: Ref) {
        let side = self.modules as f32;
        let packed = super::pdf::deflate(&self.content);
        let mut form = pdf.form_xobject(id, &packed);
        form.bbox(Rect::new(0.0, 0.0, side, side));
        form.filter(Filter::FlateDecode);
    }
}
