//! The typeface printed on the cards. DejaVu Sans ships inside the binary so
//! that accented and non-Latin names print the same on every machine, and
//! each PDF embeds only the glyphs it shows, which keeps a sheet small.

use std::collections::BTreeMap;

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Filter, Finish, Name, Pdf, Rect, Ref, Str};
use subsetter::GlyphRemapper;
use ttf_parser::{Face, GlyphId};

use super::CardError;

const DEJAVU_SANS: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// The name the font goes by inside the PDF, after the subset tag.
const POSTSCRIPT_NAME: &str = "DejaVuSans";

/// The character collection for fonts addressed by glyph number.
const IDENTITY: SystemInfo<'static> = SystemInfo {
    registry: Str(b"Adobe"),
    ordering: Str(b"Identity"),
    supplement: 0,
};

/// The font while a sheet is being written: it remembers every glyph shown
/// so that the subset, the widths and the text extraction map agree.
pub(super) struct Typeface {
    face: Face<'static>,
    // Glyph numbers in the subset are dense and given out in order of first
    // use; the text shown on the page is written with the new numbers.
    remapper: GlyphRemapper,
    // Lets readers copy and search the text although it is written as glyph
    // numbers.
    unicode: BTreeMap<u16, char>,
}

impl Typeface {
    pub(super) fn load() -> Result<Self, CardError> {
        let face = Face::parse(DEJAVU_SANS, 0).map_err(|_| CardError::Font)?;
        Ok(Self {
            face,
            remapper: GlyphRemapper::new(),
            unicode: BTreeMap::new(),
        })
    }

    /// Width of one character at `size` points.
    pub(super) fn advance(&self, c: char, size: f32) -> f32 {
        let units = self.face.glyph_hor_advance(self.glyph(c)).unwrap_or(0);
        f32::from(units) * size / f32::from(self.face.units_per_em())
    }

    /// Width of `text` at `size` points, without the kerning a text shaper
    /// would add: close enough to decide how large a line can be.
    pub(super) fn measure(&self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.advance(c, size)).sum()
    }

    /// Keeps the glyphs of `text` for the subset and returns the string to
    /// show it: two bytes per glyph, as the Identity-H encoding wants.
    pub(super) fn encode(&mut self, text: &str) -> Vec<u8> {
        let mut codes = Vec::with_capacity(text.len() * 2);
        for c in text.chars() {
            let glyph = self.glyph(c);
            let code = self.remapper.remap(glyph.0);
            // A character the font lacks shows as the empty box; it has no
            // text of its own to give back.
            if glyph.0 != 0 {
                self.unicode.entry(code).or_insert(c);
            }
            codes.extend(code.to_be_bytes());
        }
        codes
    }

    fn glyph(&self, c: char) -> GlyphId {
        self.face.glyph_index(c).unwrap_or(GlyphId(0))
    }

    /// Writes the font's objects and returns the one pages refer to.
    pub(super) fn write(&self, pdf: &mut Pdf, next: &mut Ref) -> Result<Ref, CardError> {
        let type0_ref = next.bump();
        let cid_ref = next.bump();
        let descriptor_ref = next.bump();
        let file_ref = next.bump();
        let cmap_ref = next.bump();

        let subset = subsetter::subset(DEJAVU_SANS, 0, &self.remapper)?;
        // Readers tell embedded subsets apart by this six-letter tag.
        let base_name = format!("{}+{POSTSCRIPT_NAME}", self.subset_tag());
        let base_name = Name(base_name.as_bytes());
        let scale = 1000.0 / f32::from(self.face.units_per_em());

        pdf.type0_font(type0_ref)
            .base_font(base_name)
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(cid_ref)
            .to_unicode(cmap_ref);

        let mut cid = pdf.cid_font(cid_ref);
        cid.subtype(CidFontType::Type2)
            .base_font(base_name)
            .system_info(IDENTITY)
            .font_descriptor(descriptor_ref)
            .cid_to_gid_map_predefined(Name(b"Identity"));
        let widths = self
            .remapper
            .remapped_gids()
            .map(|old| f32::from(self.face.glyph_hor_advance(GlyphId(old)).unwrap_or(0)) * scale);
        cid.widths().consecutive(0, widths);
        cid.finish();

        let bbox = self.face.global_bounding_box();
        let ascent = f32::from(self.face.ascender()) * scale;
        let cap_height = self
            .face
            .capital_height()
            .map_or(ascent, |h| f32::from(h) * scale);
        // The usual estimate of vertical stem thickness from the weight,
        // which readers only use to hint when the font cannot be used.
        let stem_v = 10.0 + 0.244 * (f32::from(self.face.weight().to_number()) - 50.0);
        pdf.font_descriptor(descriptor_ref)
            .name(base_name)
            .flags(FontFlags::NON_SYMBOLIC)
            .bbox(Rect::new(
                f32::from(bbox.x_min) * scale,
                f32::from(bbox.y_min) * scale,
                f32::from(bbox.x_max) * scale,
                f32::from(bbox.y_max) * scale,
            ))
            .italic_angle(self.face.italic_angle())
            .ascent(ascent)
            .descent(f32::from(self.face.descender()) * scale)
            .cap_height(cap_height)
            .stem_v(stem_v)
            .font_file2(file_ref);

        let packed = super::pdf::deflate(&subset);
        pdf.stream(file_ref, &packed)
            .filter(Filter::FlateDecode)
            .pair(
                Name(b"Length1"),
                i32::try_from(subset.len()).unwrap_or(i32::MAX),
            );

        let mut cmap = UnicodeCmap::new(Name(b"Custom"), IDENTITY);
        for (&code, &c) in &self.unicode {
            cmap.pair(code, c);
        }
        let cmap = super::pdf::deflate(&cmap.finish());
        pdf.stream(cmap_ref, &cmap).filter(Filter::FlateDecode);

        Ok(type0_ref)
    }

    /// Six capital letters derived from the glyphs kept, so that the same
    /// subset always gets the same tag and different ones rarely share it.
    fn subset_tag(&self) -> String {
        // FNV-1a: a stable hash, unlike the standard library's.
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for glyph in self.remapper.remapped_gids() {
            for byte in glyph.to_be_bytes() {
                hash ^= u64::from(byte);
                hash = hash.wrapping_mul(0x0100_0000_01b3);
            }
        }
        (0..6)
            .map(|_| {
                let letter = b'A' + (hash % 26) as u8;
                hash /= 26;
                char::from(letter)
            })
            .collect()
    }
}
