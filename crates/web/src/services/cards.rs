//! A person's business cards and contact page: the printable sheet and
//! the vCard carry their chosen name and the number that reaches their
//! box; the optional QR code leads to a public contact page whose address
//! cannot be guessed (it is keyed with the organisation's telephony key)
//! and which shows nothing more than the card.

use entraide_store::telephony::VoiceBox;
use entraide_store::users::User;

use crate::cards::{Card, CardLabels, business_cards_pdf, vcard};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::services::telephony::provider_key;
use crate::state::AppState;

/// What a card shows: the number to dial and, on a shared number, the box.
#[derive(Debug, Clone)]
pub struct Reach {
    pub name: String,
    /// International form.
    pub number: String,
    pub box_number: Option<String>,
}

async fn reach_of(state: &AppState, found: &VoiceBox) -> Result<Reach, AppError> {
    let (number, box_number) = match &found.number {
        Some(number) => (number.clone(), None),
        None => {
            let provider = state
                .db
                .phone_provider(found.org_id)
                .await?
                .ok_or(AppError::NotFound)?;
            let shared = provider.shared_number.ok_or(AppError::NotFound)?;
            (shared, Some(found.box_number.clone()))
        }
    };
    Ok(Reach {
        name: found.display_name.clone(),
        number,
        box_number,
    })
}

/// The address of the person's contact page.
async fn contact_path(state: &AppState, found: &VoiceBox) -> Result<String, AppError> {
    let (_, key) = provider_key(state, found.org_id).await?;
    let tag = key.tag(format!("contact:{}", found.id).as_bytes());
    Ok(format!("/contact/{}/{}", found.id, &tag[..24]))
}

async fn own_box(state: &AppState, owner: &User) -> Result<VoiceBox, AppError> {
    state
        .db
        .voice_box_of(owner.id)
        .await?
        .ok_or(AppError::NotFound)
}

/// The sheet of cards, in the person's language, with a QR code to their
/// contact page when asked.
pub async fn sheet(
    state: &AppState,
    owner: &User,
    lang: Lang,
    with_qr: bool,
) -> Result<Vec<u8>, AppError> {
    let found = own_box(state, owner).await?;
    let reach = reach_of(state, &found).await?;
    let qr = match with_qr {
        true => Some(state.config.link(&contact_path(state, &found).await?)),
        false => None,
    };
    let number = entraide_core::notify::phone_as_written(&reach.number);
    let platform = state.config.base_url.as_str().trim_end_matches('/');
    let (phone, box_label, leave, title) = (
        lang.t("voicemail-card-phone"),
        lang.t("voicemail-card-box"),
        lang.t("voicemail-card-leave"),
        lang.t("voicemail-card-title"),
    );
    business_cards_pdf(&Card {
        name: &reach.name,
        number: &number,
        box_number: reach.box_number.as_deref(),
        platform,
        qr_url: qr.as_deref(),
        labels: CardLabels {
            phone: &phone,
            box_label: &box_label,
            leave_message: &leave,
            title: &title,
        },
    })
    .map_err(AppError::internal)
}

/// The person's vCard: their name, the number to dial and their contact
/// page (which gives the box to type on a shared number).
pub async fn contact_file(state: &AppState, owner: &User) -> Result<String, AppError> {
    let found = own_box(state, owner).await?;
    let reach = reach_of(state, &found).await?;
    let url = state.config.link(&contact_path(state, &found).await?);
    Ok(vcard(&reach.name, &reach.number, Some(&url)))
}

/// The public contact page's content, when the address is right.
pub async fn contact(state: &AppState, box_id: i64, tag: &str) -> Result<Reach, AppError> {
    let found = state.db.voice_box(box_id).await?;
    let expected = contact_path(state, &found).await?;
    if expected != format!("/contact/{box_id}/{tag}") {
        return Err(AppError::NotFound);
    }
    reach_of(state, &found).await
}
