//! Business cards for a person's phone line: a printable A4 sheet of cards
//! (PDF) and a contact file (vCard) that others can save to their phone.
//!
//! Everything here is pure: the caller looks the person up and passes the
//! translated labels in, so this module holds no wording of its own.

mod font;
mod pdf;
mod qr;
mod vcard;

#[cfg(test)]
mod tests;

pub use pdf::business_cards_pdf;
pub use vcard::vcard;

/// What goes on a person's card.
#[derive(Debug, Clone, Copy)]
pub struct Card<'a> {
    /// The person's chosen name, in any script the card font covers.
    pub name: &'a str,
    /// Display form of the phone number, e.g. "+33 1 84 60 12 34".
    pub number: &'a str,
    /// The person's box when they share a number instead of having their
    /// own, e.g. "1234".
    pub box_number: Option<&'a str>,
    /// The platform's address, e.g. "https://entraide.example.org".
    pub platform: &'a str,
    /// When given, each card carries a QR code pointing to this address
    /// (usually the person's contact page).
    pub qr_url: Option<&'a str>,
    /// Translated strings printed on the cards.
    pub labels: CardLabels<'a>,
}

/// Translated strings supplied by the caller.
#[derive(Debug, Clone, Copy)]
pub struct CardLabels<'a> {
    /// Printed above the number, e.g. "Phone and voicemail".
    pub phone: &'a str,
    /// Printed before the box number, e.g. "Box".
    pub box_label: &'a str,
    /// Printed under the number, e.g. "Leave me a message at any time".
    pub leave_message: &'a str,
    /// The PDF document's title, shown by viewers, e.g. "Business cards".
    pub title: &'a str,
}

/// Why a sheet of cards could not be made.
#[derive(Debug, thiserror::Error)]
pub enum CardError {
    /// The font shipped with the binary did not parse: a build problem,
    /// never the person's data.
    #[error("the card font could not be read")]
    Font,
    /// The font could not be cut down to the glyphs the cards use.
    #[error("the card font could not be subset: {0}")]
    Subset(#[from] subsetter::Error),
    /// The address is too long to fit in a QR code.
    #[error("the address does not fit in a QR code: {0}")]
    Qr(#[from] qrcode::types::QrError),
}
