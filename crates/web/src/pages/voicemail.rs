//! The person's voicemail page: their number or box, how to listen from
//! any phone, the messages to play in the browser, mark heard, keep or
//! delete (after a confirmation page), their PIN, whether their worker is
//! told, and their business cards.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::layout::Base;
use super::see_other;
use crate::auth::SignedIn;
use crate::error::AppError;
use crate::forms::{FormData, FormView};
use crate::services::voice_boxes::{self as boxes, BoxView};
use crate::services::voicemail::{self, VoiceMessage};
use crate::state::AppState;

#[derive(Template, WebTemplate)]
#[template(path = "voicemail/show.html")]
pub struct VoicemailPage {
    base: Base,
    voice_box: Option<BoxView>,
    messages: Vec<VoiceMessage>,
    pin_form: FormView,
}

impl VoicemailPage {
    pub fn phone(&self, stored: &str) -> String {
        entraide_core::notify::phone_as_written(stored)
    }

    pub fn box_sentence(&self, box_number: &str, shared: &str) -> String {
        self.base.lang.t_with(
            "voicemail-your-box",
            &[
                ("box", box_number.to_owned()),
                ("number", self.phone(shared)),
            ],
        )
    }
}

async fn page(
    state: &AppState,
    me: &SignedIn,
    pin_form: FormView,
) -> Result<VoicemailPage, AppError> {
    let (voice_box, messages) = match state.db.voice_box_of(me.user.id).await? {
        Some(found) => (
            Some(boxes::box_view(state, &found).await?),
            voicemail::messages(state, &found).await?,
        ),
        None => (None, Vec::new()),
    };
    Ok(VoicemailPage {
        base: Base::new(&me.ctx, "voicemail-title"),
        voice_box,
        messages,
        pin_form,
    })
}

pub async fn show(State(state): State<AppState>, me: SignedIn) -> Result<Response, AppError> {
    let page = page(&state, &me, FormView::default()).await?;
    Ok(([(axum::http::header::CACHE_CONTROL, "no-store")], page).into_response())
}

/// Plays a message in the browser (and marks it heard).
pub async fn audio(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    crate::api::telephony::audio_response(&state, &me, id).await
}

/// Marks a message heard or keeps it.
pub async fn act(
    State(state): State<AppState>,
    me: SignedIn,
    Path((id, act)): Path<(i64, String)>,
) -> Result<Response, AppError> {
    if !matches!(act.as_str(), "heard" | "save") {
        return Err(AppError::NotFound);
    }
    voicemail::act(&state, &me.user, id, &act).await?;
    Ok(see_other("/voicemail"))
}

#[derive(Template, WebTemplate)]
#[template(path = "voicemail/delete.html")]
pub struct DeletePage {
    base: Base,
    message: VoiceMessage,
}

impl DeletePage {
    pub fn warning(&self) -> String {
        let caller = match self.message.caller.as_str() {
            "" => self.base.t("voicemail-hidden"),
            shown => shown.to_owned(),
        };
        let when = self.base.local_date(&self.message.received_at);
        self.base.lang.t_with(
            "voicemail-delete-warning",
            &[("caller", caller), ("when", when)],
        )
    }
}

pub async fn delete_page(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<DeletePage, AppError> {
    let found = state
        .db
        .voice_box_of(me.user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let message = voicemail::messages(&state, &found)
        .await?
        .into_iter()
        .find(|m| m.id == id)
        .ok_or(AppError::NotFound)?;
    Ok(DeletePage {
        base: Base::new(&me.ctx, "voicemail-delete-title"),
        message,
    })
}

pub async fn delete(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    voicemail::act(&state, &me.user, id, "delete").await?;
    Ok(see_other("/voicemail?done=voicemail-deleted"))
}

/// The person chooses their PIN; a refused one comes back in the form.
pub async fn choose_pin(
    State(state): State<AppState>,
    me: SignedIn,
    form: FormData,
) -> Result<Response, AppError> {
    match boxes::choose_pin(&state, &me.user, form.get("pin")).await {
        Ok(()) => Ok(see_other("/voicemail?done=voicemail-pin")),
        Err(error @ AppError::Invalid(_)) => {
            let failed = FormView::default().with_error(&error, me.ctx.lang);
            Ok((error.status(), page(&state, &me, failed).await?).into_response())
        }
        Err(other) => Err(other),
    }
}

pub async fn notify_worker(
    State(state): State<AppState>,
    me: SignedIn,
    form: FormData,
) -> Result<Response, AppError> {
    boxes::set_notify_worker(&state, &me.user, form.get("notify_worker") == "on").await?;
    Ok(see_other("/voicemail?done=voicemail-notify"))
}

#[derive(serde::Deserialize)]
pub struct SheetQuery {
    #[serde(default)]
    qr: String,
}

/// The printable sheet of business cards.
pub async fn cards(
    State(state): State<AppState>,
    me: SignedIn,
    axum::extract::Query(query): axum::extract::Query<SheetQuery>,
) -> Result<Response, AppError> {
    let pdf = crate::services::cards::sheet(&state, &me.user, me.ctx.lang, query.qr == "1").await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"cards.pdf\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        pdf,
    )
        .into_response())
}

/// The person's contact file, to save in a phone.
pub async fn vcard(State(state): State<AppState>, me: SignedIn) -> Result<Response, AppError> {
    let card = crate::services::cards::contact_file(&state, &me.user).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/vcard; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"contact.vcf\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        card,
    )
        .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "voicemail/contact.html")]
pub struct ContactPage {
    base: Base,
    reach: crate::services::cards::Reach,
}

impl ContactPage {
    pub fn how(&self) -> String {
        let number = entraide_core::notify::phone_as_written(&self.reach.number);
        match &self.reach.box_number {
            Some(box_number) => self.base.lang.t_with(
                "voicemail-contact-box",
                &[("number", number), ("box", box_number.clone())],
            ),
            None => self
                .base
                .lang
                .t_with("voicemail-contact-call", &[("number", number)]),
        }
    }
}

/// The public page a card's QR code leads to.
pub async fn contact(
    State(state): State<AppState>,
    ctx: crate::auth::Ctx,
    Path((id, tag)): Path<(i64, String)>,
) -> Result<ContactPage, AppError> {
    let reach = crate::services::cards::contact(&state, id, &tag).await?;
    let title = ctx
        .lang
        .t_with("voicemail-contact-title", &[("name", reach.name.clone())]);
    Ok(ContactPage {
        base: Base::titled(&ctx, title),
        reach,
    })
}
