//! Profiles: editing one's own, placing one's home, and what others may see
//! of a person (never the exact home).

use entraide_core::error::Errors;
use entraide_core::geo::{Point, SHOWN_PRECISION_METRES, shown_position};
use entraide_core::names::{Bio, DisplayName, Tag};
use entraide_core::profile::{Availability, INTERESTS, LANGUAGES, SKILLS, Visibility, parse_keys};
use entraide_store::audit::NewAudit;
use entraide_store::profiles::{Home, ProfileUpdate, Tags};
use entraide_store::users::User;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::AppError;
use crate::forms::FormData;
use crate::state::AppState;

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ProfileInput {
    pub display_name: String,
    pub bio: String,
    /// `hidden`, `organisations` or `neighbours`.
    pub visibility: String,
    /// Slots such as `tue-evening`.
    pub availability: Vec<String>,
    pub skills: Vec<String>,
    pub interests: Vec<String>,
    pub languages: Vec<String>,
    /// Free skill tags, outside the taxonomy.
    pub free_tags: Vec<String>,
}

impl ProfileInput {
    pub fn from_form(form: &FormData) -> Self {
        Self {
            display_name: form.get("display_name").into(),
            bio: form.get("bio").into(),
            visibility: form.get("visibility").into(),
            availability: form.all("availability"),
            skills: form.all("skills"),
            interests: form.all("interests"),
            languages: form.all("languages"),
            free_tags: form
                .get("free_tags")
                .split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(String::from)
                .collect(),
        }
    }
}

/// Validates every field, then saves them all or nothing.
pub async fn update(state: &AppState, user: &User, input: &ProfileInput) -> Result<(), AppError> {
    let mut errors = Errors::default();
    let name = errors.take(DisplayName::parse(&input.display_name));
    let bio = errors.take(Bio::parse(&input.bio));
    let visibility = errors.take(Visibility::parse(&input.visibility));
    let availability = errors.take(Availability::parse(&input.availability));
    let skills = errors.take(parse_keys("skills", &input.skills, SKILLS));
    let interests = errors.take(parse_keys("interests", &input.interests, INTERESTS));
    let languages = errors.take(parse_keys("languages", &input.languages, LANGUAGES));
    let free: Option<Vec<String>> = errors.take(
        input
            .free_tags
            .iter()
            .take(20)
            .map(|t| {
                Tag::parse(t)
                    .map(|t| t.into_inner())
                    .map_err(|e| entraide_core::ParseError::new("free_tags", e.reason))
            })
            .collect(),
    );
    let (
        Some(name),
        Some(bio),
        Some(visibility),
        Some(availability),
        Some(skills),
        Some(interests),
        Some(languages),
        Some(free),
    ) = (
        name,
        bio,
        visibility,
        availability,
        skills,
        interests,
        languages,
        free,
    )
    else {
        return Err(AppError::Invalid(errors));
    };
    let update = ProfileUpdate {
        display_name: name.as_str(),
        bio: bio.as_str(),
        visibility: visibility.key(),
        availability: availability.0,
        skills: &skills,
        interests: &interests,
        languages: &languages,
        free_tags: &free,
    };
    state.db.update_profile(user.id, &update).await?;
    Ok(())
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct LocationInput {
    /// A postal address to look up; used when given.
    pub address: String,
    /// A pin placed by hand, used when no address is given.
    pub lat: String,
    pub lng: String,
}

/// Finds a place from an address (through the geocoder) or a hand-placed
/// pin. Returns the normalised address label, if any, and the point.
pub async fn locate(
    state: &AppState,
    input: &LocationInput,
) -> Result<(Option<String>, Point), AppError> {
    let address = input.address.trim();
    if address.is_empty() {
        let point = Point::parse(&input.lat, &input.lng).map_err(AppError::field)?;
        return Ok((None, point));
    }
    if address.chars().count() > 200 {
        return Err(AppError::field(entraide_core::ParseError::new(
            "address",
            entraide_core::Invalid::TooLong,
        )));
    }
    match state.geocoder.search(address).await {
        Ok(Some(found)) => Ok((Some(found.label), found.point)),
        Ok(None) => Err(AppError::Conflict("address-not-found")),
        Err(error) => {
            tracing::warn!(%error, "address search unavailable");
            Err(AppError::Conflict("geocoder-unavailable"))
        }
    }
}

/// Places the person's home from an address or a pin. Returns the
/// normalised address label, if any.
pub async fn set_location(
    state: &AppState,
    user: &User,
    input: &LocationInput,
) -> Result<Option<String>, AppError> {
    let (label, point) = locate(state, input).await?;
    let home = Home {
        label: label.as_deref(),
        lat: point.lat,
        lng: point.lng,
        cell: point.cell(),
    };
    state.db.set_home(user.id, Some(&home)).await?;
    Ok(label)
}

pub async fn clear_location(state: &AppState, user: &User) -> Result<(), AppError> {
    Ok(state.db.set_home(user.id, None).await?)
}

/// An approximate position as others see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ApproximatePosition {
    pub lat: f64,
    pub lng: f64,
    /// The shown position lies within this many metres of the real one.
    pub precision_m: u32,
}

impl ApproximatePosition {
    pub fn of(user: &User) -> Option<Self> {
        Self::of_cell(user.home_cell?)
    }

    /// The shown position of a stored cell.
    pub fn of_cell(cell: i64) -> Option<Self> {
        let shown = shown_position(cell)?;
        // Rounded further to 4 decimals: the cell centre is all we vouch for.
        let round = |x: f64| (x * 10_000.0).round() / 10_000.0;
        Some(Self {
            lat: round(shown.lat),
            lng: round(shown.lng),
            precision_m: SHOWN_PRECISION_METRES,
        })
    }
}

/// What another person may see of a profile.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PersonView {
    pub id: i64,
    pub display_name: String,
    pub bio: String,
    pub has_photo: bool,
    pub skills: Vec<String>,
    pub free_tags: Vec<String>,
    pub interests: Vec<String>,
    pub languages: Vec<String>,
    pub availability: Vec<String>,
    pub position: Option<ApproximatePosition>,
}

impl PersonView {
    pub fn new(user: &User, tags: Tags) -> Self {
        Self {
            id: user.id,
            display_name: user.display_name.clone(),
            bio: user.bio.clone(),
            has_photo: user.photo.is_some(),
            skills: tags.skills,
            free_tags: tags.free_tags,
            interests: tags.interests,
            languages: tags.languages,
            availability: Availability::from_bits(user.availability).slots(),
            position: ApproximatePosition::of(user),
        }
    }
}

/// Another person's profile, if the viewer may see it.
pub async fn view_person(
    state: &AppState,
    viewer: &User,
    person_id: i64,
) -> Result<PersonView, AppError> {
    let person = state.db.user(person_id).await?;
    let visible = viewer.id == person.id
        || viewer.platform_admin
        || match Visibility::parse(&person.visibility).unwrap_or(Visibility::Hidden) {
            Visibility::Neighbours => true,
            Visibility::Organisations => {
                state.db.share_an_organisation(viewer.id, person.id).await?
            }
            Visibility::Hidden => state.db.accompanies(viewer.id, person.id).await?,
        };
    if !visible || person.deletion_requested_at.is_some() && viewer.id != person.id {
        // Same answer as a missing person: hidden profiles are not confirmed to exist.
        return Err(AppError::NotFound);
    }
    let tags = state.db.tags(person.id).await?;
    Ok(PersonView::new(&person, tags))
}

/// Largest accepted photo, in bytes.
pub const PHOTO_LIMIT: usize = 3 * 1024 * 1024;

/// Stores a profile photo (JPEG, PNG or WebP, recognised by content, not by
/// name) under a random file name, replacing the previous one.
pub async fn set_photo(state: &AppState, user: &User, bytes: &[u8]) -> Result<(), AppError> {
    let invalid = |reason| AppError::field(entraide_core::ParseError::new("photo", reason));
    if bytes.is_empty() {
        return Err(invalid(entraide_core::Invalid::Required));
    }
    if bytes.len() > PHOTO_LIMIT {
        return Err(invalid(entraide_core::Invalid::TooLong));
    }
    let extension = photo_extension(bytes).ok_or(invalid(entraide_core::Invalid::Choice))?;
    let dir = state.config.data_dir.join("photos");
    tokio::fs::create_dir_all(&dir)
        .await
        .map_err(AppError::internal)?;
    let name = format!("{}.{extension}", uuid::Uuid::new_v4());
    let path = dir.join(&name);
    let temp = dir.join(format!(".{name}.part"));
    tokio::fs::write(&temp, bytes)
        .await
        .map_err(AppError::internal)?;
    tokio::fs::rename(&temp, &path)
        .await
        .map_err(AppError::internal)?;
    if let Some(previous) = state.db.set_photo(user.id, Some(&name)).await? {
        let _ = tokio::fs::remove_file(dir.join(previous)).await;
    }
    state
        .db
        .audit(NewAudit {
            event: "photo-changed",
            actor_id: Some(user.id),
            ..Default::default()
        })
        .await?;
    Ok(())
}

pub async fn remove_photo(state: &AppState, user: &User) -> Result<(), AppError> {
    if let Some(previous) = state.db.set_photo(user.id, None).await? {
        let _ = tokio::fs::remove_file(state.config.data_dir.join("photos").join(previous)).await;
    }
    Ok(())
}

/// The file extension matching an image's first bytes.
pub fn photo_extension(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("jpg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("png")
    } else if bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("webp")
    } else {
        None
    }
}
