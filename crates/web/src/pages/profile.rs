//! One's own profile (view, edit, home, photo) and other people's profiles.

use askama::Template;
use askama_web::WebTemplate;
use axum::body::Bytes;
use axum::extract::{Multipart, Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use entraide_core::profile::{
    Availability, DAY_PARTS, INTERESTS, LANGUAGES, SKILLS, Visibility, WEEKDAYS,
};

use super::layout::Base;
use super::see_other;
use crate::auth::SignedIn;
use crate::error::AppError;
use crate::forms::{FormData, FormView, refuse};
use crate::services::profiles::{
    self, ApproximatePosition, LocationInput, PersonView, ProfileInput,
};
use crate::services::recognition::{self, Recognition};
use crate::state::AppState;

#[derive(Template, WebTemplate)]
#[template(path = "profile/me.html")]
pub struct MePage {
    base: Base,
    person: PersonView,
    email: Option<String>,
    email_verified: bool,
    login: Option<String>,
    home_label: Option<String>,
    has_home: bool,
    geocoder: bool,
    location: FormView,
    photo: FormView,
    organisations: Vec<(entraide_store::orgs::Organisation, String)>,
    recognition: Recognition,
}

async fn me_page(
    state: &AppState,
    me: &SignedIn,
    location: FormView,
    photo: FormView,
) -> Result<MePage, AppError> {
    let user = &me.user;
    let tags = state.db.tags(user.id).await?;
    Ok(MePage {
        base: Base::new(&me.ctx, "me-title"),
        person: PersonView::new(user, tags),
        email: user.email.clone(),
        email_verified: user.email_verified_at.is_some(),
        login: user.login.clone(),
        home_label: user.home_label.clone(),
        has_home: user.home_cell.is_some(),
        geocoder: state.geocoder.enabled(),
        location,
        photo,
        organisations: state.db.memberships_of(user.id).await?,
        recognition: recognition::of(state, user.id).await?,
    })
}

pub async fn me(State(state): State<AppState>, me: SignedIn) -> Result<MePage, AppError> {
    me_page(&state, &me, FormView::default(), FormView::default()).await
}

#[derive(Template, WebTemplate)]
#[template(path = "profile/edit.html")]
pub struct EditPage {
    base: Base,
    form: FormView,
    skills: &'static [&'static str],
    interests: &'static [&'static str],
    languages: &'static [&'static str],
    weekdays: [&'static str; 7],
    day_parts: [&'static str; 3],
    visibilities: &'static [Visibility],
}

impl EditPage {
    fn new(base: Base, form: FormView) -> Self {
        Self {
            base,
            form,
            skills: SKILLS,
            interests: INTERESTS,
            languages: LANGUAGES,
            weekdays: WEEKDAYS,
            day_parts: DAY_PARTS,
            visibilities: Visibility::ALL,
        }
    }
}

pub async fn edit_page(State(state): State<AppState>, me: SignedIn) -> Result<EditPage, AppError> {
    let user = &me.user;
    let tags = state.db.tags(user.id).await?;
    let form = FormView::default()
        .with("display_name", user.display_name.clone())
        .with("bio", user.bio.clone())
        .with("visibility", user.visibility.clone())
        .with("free_tags", tags.free_tags.join(", "))
        .with_all("skills", tags.skills)
        .with_all("interests", tags.interests)
        .with_all("languages", tags.languages)
        .with_all(
            "availability",
            Availability::from_bits(user.availability).slots(),
        );
    Ok(EditPage::new(Base::new(&me.ctx, "edit-title"), form))
}

pub async fn edit(State(state): State<AppState>, me: SignedIn, form: FormData) -> Response {
    match profiles::update(&state, &me.user, &ProfileInput::from_form(&form)).await {
        Ok(()) => see_other("/me?done=profile-saved"),
        Err(error) => refuse(error, &form, me.ctx.lang, |form| {
            EditPage::new(Base::new(&me.ctx, "edit-title"), form)
        }),
    }
}

pub async fn location(State(state): State<AppState>, me: SignedIn, form: FormData) -> Response {
    let input = LocationInput {
        address: form.get("address").into(),
        lat: form.get("lat").into(),
        lng: form.get("lng").into(),
    };
    match profiles::set_location(&state, &me.user, &input).await {
        Ok(_) => see_other("/me?done=location-saved#home"),
        Err(error @ (AppError::Internal(_) | AppError::Unauthorized)) => error.into_response(),
        Err(error) => {
            let view = FormView::from_data(&form).with_error(&error, me.ctx.lang);
            match me_page(&state, &me, view, FormView::default()).await {
                Ok(page) => (error.status(), page).into_response(),
                Err(other) => other.into_response(),
            }
        }
    }
}

pub async fn clear_location(
    State(state): State<AppState>,
    me: SignedIn,
) -> Result<Response, AppError> {
    profiles::clear_location(&state, &me.user).await?;
    Ok(see_other("/me?done=location-cleared#home"))
}

/// Reads the `photo` part of a multipart upload.
async fn photo_bytes(mut multipart: Multipart) -> Result<Bytes, AppError> {
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|_| AppError::Malformed)?
    {
        if field.name() == Some("photo") {
            return field.bytes().await.map_err(|_| AppError::Malformed);
        }
    }
    Ok(Bytes::new())
}

pub async fn photo(State(state): State<AppState>, me: SignedIn, multipart: Multipart) -> Response {
    let result = match photo_bytes(multipart).await {
        Ok(bytes) => profiles::set_photo(&state, &me.user, &bytes).await,
        Err(error) => Err(error),
    };
    match result {
        Ok(()) => see_other("/me?done=photo-saved"),
        Err(error @ AppError::Internal(_)) => error.into_response(),
        Err(error) => {
            let view = FormView::default().with_error(&error, me.ctx.lang);
            match me_page(&state, &me, FormView::default(), view).await {
                Ok(page) => (error.status(), page).into_response(),
                Err(other) => other.into_response(),
            }
        }
    }
}

pub async fn remove_photo(
    State(state): State<AppState>,
    me: SignedIn,
) -> Result<Response, AppError> {
    profiles::remove_photo(&state, &me.user).await?;
    Ok(see_other("/me?done=photo-removed"))
}

#[derive(Template, WebTemplate)]
#[template(path = "profile/person.html")]
pub struct PersonPage {
    base: Base,
    person: PersonView,
    messaging: crate::services::conversations::PersonActions,
    thanks: crate::services::thanks::Received,
    recognition: Recognition,
    /// The viewer's own profile: no thanks form.
    own: bool,
    form: crate::forms::FormView,
}

pub async fn person(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<PersonPage, AppError> {
    person_page(&state, &me, id, crate::forms::FormView::default()).await
}

async fn person_page(
    state: &AppState,
    me: &SignedIn,
    id: i64,
    form: crate::forms::FormView,
) -> Result<PersonPage, AppError> {
    let person = profiles::view_person(state, &me.user, id).await?;
    let messaging = crate::services::conversations::person_actions(state, &me.user, id).await?;
    Ok(PersonPage {
        base: Base::titled(&me.ctx, person.display_name.clone()),
        thanks: crate::services::thanks::received(state, &me.user, id).await?,
        recognition: recognition::of(state, id).await?,
        own: id == me.user.id,
        person,
        messaging,
        form,
    })
}

/// Thanks a person from their profile.
pub async fn thank(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    form: crate::forms::FormData,
) -> Response {
    let exchange = match form.get("exchange").trim() {
        "" => None,
        raw => match raw.parse::<i64>() {
            Ok(exchange) => Some(exchange),
            Err(_) => return AppError::NotFound.into_response(),
        },
    };
    let given =
        crate::services::thanks::give(&state, &me.user, id, form.get("thanks_message"), exchange)
            .await;
    match given {
        Ok(_) => match exchange {
            Some(exchange) => {
                super::see_other(&format!("/exchanges/{exchange}?done=thanks-sent#time"))
            }
            None => super::see_other(&format!("/people/{id}?done=thanks-sent")),
        },
        Err(error @ (AppError::Internal(_) | AppError::NotFound | AppError::Forbidden)) => {
            error.into_response()
        }
        Err(error) => {
            let status = error.status();
            let view = crate::forms::FormView::from_data(&form).with_error(&error, me.ctx.lang);
            match person_page(&state, &me, id, view).await {
                Ok(page) => (status, page).into_response(),
                Err(error) => error.into_response(),
            }
        }
    }
}

/// A profile photo, for those who may see the profile.
pub async fn photo_file(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    profiles::view_person(&state, &me.user, id).await?;
    let name = state.db.user(id).await?.photo.ok_or(AppError::NotFound)?;
    let bytes = tokio::fs::read(state.config.data_dir.join("photos").join(&name))
        .await
        .map_err(|_| AppError::NotFound)?;
    let mime = match profiles::photo_extension(&bytes) {
        Some("png") => "image/png",
        Some("webp") => "image/webp",
        _ => "image/jpeg",
    };
    Ok((
        [
            (header::CONTENT_TYPE, mime),
            (header::CACHE_CONTROL, "private, max-age=300"),
        ],
        bytes,
    )
        .into_response())
}

/// Used by templates to show an approximate position.
pub fn position_text(base: &Base, position: &Option<ApproximatePosition>) -> String {
    match position {
        Some(p) => base.t1("position-approximate", "metres", &p.precision_m.to_string()),
        None => base.t("position-none"),
    }
}
