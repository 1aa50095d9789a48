//! Telephony pages for staff: an organisation's provider and numbers (its
//! administrators), and a person's phone for the social worker acting for
//! them (open a box, unlock it, give a new PIN, close it after a
//! confirmation page). A PIN is shown once, in the answer to the act.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use entraide_store::telephony::PoolNumber;

use super::layout::Base;
use super::see_other;
use crate::auth::SignedIn;
use crate::error::AppError;
use crate::forms::{FormData, FormView};
use crate::services::telephony::{self as tel, ProviderInput, ProviderView};
use crate::services::voice_boxes::{self as boxes, BoxAct, BoxView};
use crate::state::AppState;

#[derive(Template, WebTemplate)]
#[template(path = "telephony/org.html")]
pub struct OrgPage {
    base: Base,
    org_id: i64,
    settings: Option<ProviderView>,
    numbers: Vec<PoolNumber>,
    form: FormView,
    numbers_form: FormView,
}

impl OrgPage {
    pub fn phone(&self, stored: &str) -> String {
        entraide_core::notify::phone_as_written(stored)
    }
}

async fn org_page(
    state: &AppState,
    me: &SignedIn,
    org: i64,
    form: Option<FormView>,
    numbers_form: FormView,
) -> Result<OrgPage, AppError> {
    let settings = tel::settings(state, &me.user, org).await?;
    let numbers = tel::pool(state, &me.user, org).await?;
    let name = state.db.organisation(org).await?.name;
    let form = form.unwrap_or_else(|| {
        let mut values = vec![("quarantine_days".to_owned(), "90".to_owned())];
        if let Some(s) = &settings {
            values = vec![
                ("api_url".to_owned(), s.api_url.clone()),
                ("account_sid".to_owned(), s.account_sid.clone()),
                (
                    "access_number".to_owned(),
                    s.access_number.clone().unwrap_or_default(),
                ),
                (
                    "shared_number".to_owned(),
                    s.shared_number.clone().unwrap_or_default(),
                ),
                ("quarantine_days".to_owned(), s.quarantine_days.to_string()),
            ];
        } else {
            values.push(("api_url".to_owned(), "https://api.twilio.com".to_owned()));
        }
        FormView::from_data(&FormData(values))
    });
    Ok(OrgPage {
        base: Base::titled(
            &me.ctx,
            me.ctx.lang.t_with("telephony-title", &[("org", name)]),
        ),
        org_id: org,
        settings,
        numbers,
        form,
        numbers_form,
    })
}

pub async fn org(
    State(state): State<AppState>,
    me: SignedIn,
    Path(org): Path<i64>,
) -> Result<OrgPage, AppError> {
    org_page(&state, &me, org, None, FormView::default()).await
}

pub async fn configure(
    State(state): State<AppState>,
    me: SignedIn,
    Path(org): Path<i64>,
    form: FormData,
) -> Result<Response, AppError> {
    let input = ProviderInput {
        api_url: form.get("api_url").into(),
        account_sid: form.get("account_sid").into(),
        auth_token: form.get("auth_token").into(),
        access_number: form.get("access_number").into(),
        shared_number: form.get("shared_number").into(),
        quarantine_days: form.get("quarantine_days").into(),
    };
    match tel::configure(&state, &me.user, org, &input).await {
        Ok(()) => Ok(see_other(&format!(
            "/orgs/{org}/telephony?done=telephony-saved"
        ))),
        Err(error @ AppError::Invalid(_)) => {
            // The token is never sent back into the page.
            let kept: Vec<(String, String)> = form
                .0
                .into_iter()
                .filter(|(k, _)| k != "auth_token")
                .collect();
            let failed = FormView::from_data(&FormData(kept)).with_error(&error, me.ctx.lang);
            let page = org_page(&state, &me, org, Some(failed), FormView::default()).await?;
            Ok((error.status(), page).into_response())
        }
        Err(other) => Err(other),
    }
}

pub async fn add_numbers(
    State(state): State<AppState>,
    me: SignedIn,
    Path(org): Path<i64>,
    form: FormData,
) -> Result<Response, AppError> {
    match tel::add_numbers(&state, &me.user, org, form.get("numbers")).await {
        Ok(_) => Ok(see_other(&format!(
            "/orgs/{org}/telephony?done=telephony-numbers"
        ))),
        Err(error @ AppError::Invalid(_)) => {
            let failed = FormView::from_data(&form).with_error(&error, me.ctx.lang);
            let page = org_page(&state, &me, org, None, failed).await?;
            Ok((error.status(), page).into_response())
        }
        Err(other) => Err(other),
    }
}

pub async fn remove_number(
    State(state): State<AppState>,
    me: SignedIn,
    Path((org, number)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    tel::remove_number(&state, &me.user, org, number).await?;
    Ok(see_other(&format!(
        "/orgs/{org}/telephony?done=telephony-removed"
    )))
}

#[derive(Template, WebTemplate)]
#[template(path = "telephony/person.html")]
pub struct PersonPage {
    base: Base,
    person_id: i64,
    voice_box: Option<BoxView>,
    messages: i64,
    /// A PIN just made, shown this once.
    pin: Option<String>,
    opened: bool,
    confirm_close: bool,
}

impl PersonPage {
    pub fn phone(&self, stored: &str) -> String {
        entraide_core::notify::phone_as_written(stored)
    }
}

async fn person_page(
    state: &AppState,
    me: &SignedIn,
    person: i64,
    pin: Option<String>,
    opened: bool,
    confirm_close: bool,
) -> Result<Response, AppError> {
    let found = boxes::box_of(state, &me.user, person).await?;
    let (voice_box, messages) = match &found {
        Some(found) => (
            Some(boxes::box_view(state, found).await?),
            i64::try_from(state.db.voice_messages_of(found.id).await?.len()).unwrap_or(0),
        ),
        None => (None, 0),
    };
    let name = state.db.user(person).await?.display_name;
    let key = if confirm_close {
        "phone-close-title"
    } else {
        "phone-title-of"
    };
    let page = PersonPage {
        base: Base::titled(&me.ctx, me.ctx.lang.t_with(key, &[("name", name)])),
        person_id: person,
        voice_box,
        messages,
        pin,
        opened,
        confirm_close,
    };
    Ok(([(header::CACHE_CONTROL, "no-store")], page).into_response())
}

pub async fn person(
    State(state): State<AppState>,
    me: SignedIn,
    Path(person): Path<i64>,
) -> Result<Response, AppError> {
    person_page(&state, &me, person, None, false, false).await
}

/// Opens a box; the page shows the PIN once.
pub async fn open(
    State(state): State<AppState>,
    me: SignedIn,
    Path(person): Path<i64>,
    form: FormData,
) -> Result<Response, AppError> {
    let opened = boxes::open_box(&state, &me.user, person, form.get("kind") != "shared").await?;
    person_page(&state, &me, person, Some(opened.pin), true, false).await
}

pub async fn unlock(
    State(state): State<AppState>,
    me: SignedIn,
    Path(person): Path<i64>,
) -> Result<Response, AppError> {
    boxes::act_on_box(&state, &me.user, person, BoxAct::Unlock).await?;
    Ok(see_other(&format!(
        "/people/{person}/phone?done=phone-unlocked"
    )))
}

pub async fn new_pin(
    State(state): State<AppState>,
    me: SignedIn,
    Path(person): Path<i64>,
) -> Result<Response, AppError> {
    let pin = boxes::act_on_box(&state, &me.user, person, BoxAct::NewPin).await?;
    person_page(&state, &me, person, pin, false, false).await
}

pub async fn close_page(
    State(state): State<AppState>,
    me: SignedIn,
    Path(person): Path<i64>,
) -> Result<Response, AppError> {
    person_page(&state, &me, person, None, false, true).await
}

pub async fn close(
    State(state): State<AppState>,
    me: SignedIn,
    Path(person): Path<i64>,
) -> Result<Response, AppError> {
    boxes::act_on_box(&state, &me.user, person, BoxAct::Close).await?;
    Ok(see_other(&format!(
        "/people/{person}/phone?done=phone-closed"
    )))
}
