//! Visits programmes for the pages and the API: coordinators open a
//! programme, vet visitors, add the people to visit, see visitors proposed
//! by proximity and shared interests, approve and end pairings, and see
//! pairs nobody visited lately; visitors join (accepting the charter) and
//! log their visits.

use entraide_core::authz::{Action, Actor, allows};
use entraide_core::geo::Point;
use entraide_core::matching::{Wanted, rank};
use entraide_core::profile::Availability;
use entraide_core::role::OrgRole;
use entraide_core::visits::{NewProgramme, Rhythm, VisitLog, is_overdue};
use entraide_core::{Invalid, ParseError};
use entraide_store::pairings::{Pairing, Visit};
use entraide_store::programmes::{Programme, Visited, Visitor};
use entraide_store::users::User;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::AppError;
use crate::i18n::Lang;
use crate::services::exchanges::today;
use crate::services::matching::{HelperMatch, MATCH_LIMIT, describe};
use crate::state::AppState;

/// Visitors are proposed within this distance of the person visited.
pub const VISIT_RADIUS_M: f64 = 5000.0;

async fn coordinates(state: &AppState, user: &User, org_id: i64) -> Result<bool, AppError> {
    let role = state.db.role_in(org_id, user.id).await?;
    let actor = Actor {
        platform_admin: user.platform_admin,
        org_role: role.as_deref().and_then(|r| OrgRole::parse(r).ok()),
    };
    Ok(allows(actor, Action::CoordinateVisits))
}

/// The programme, when `user` coordinates it; `Forbidden` otherwise.
pub async fn coordinated(
    state: &AppState,
    user: &User,
    programme_id: i64,
) -> Result<Programme, AppError> {
    let programme = state.db.programme(programme_id).await?;
    if coordinates(state, user, programme.org_id).await? {
        Ok(programme)
    } else {
        Err(AppError::Forbidden)
    }
}

/// `Forbidden` unless `user` may run visits programmes in the organisation.
pub async fn require_coordinator(
    state: &AppState,
    user: &User,
    org_id: i64,
) -> Result<(), AppError> {
    state.db.organisation(org_id).await?;
    if coordinates(state, user, org_id).await? {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

#[derive(Debug, Default, Clone, Deserialize, ToSchema)]
#[serde(default)]
pub struct ProgrammeInput {
    pub name: String,
    /// What visitors commit to; they accept it when joining.
    pub charter: String,
    /// Weeks without a visit before a pair shows as overdue (default 3).
    pub overdue_weeks: String,
}

pub async fn create(
    state: &AppState,
    user: &User,
    org_id: i64,
    input: &ProgrammeInput,
) -> Result<i64, AppError> {
    require_coordinator(state, user, org_id).await?;
    let programme = NewProgramme::parse(&input.name, &input.charter, &input.overdue_weeks)
        .map_err(AppError::Invalid)?;
    Ok(state
        .db
        .create_programme(org_id, &programme, user.id)
        .await?)
}

/// Joins as a visitor; the charter must be accepted explicitly.
pub async fn join(
    state: &AppState,
    user: &User,
    programme_id: i64,
    charter_accepted: bool,
) -> Result<(), AppError> {
    state.db.programme(programme_id).await?;
    if !charter_accepted {
        return Err(AppError::field(ParseError::new(
            "charter",
            Invalid::Unchecked,
        )));
    }
    Ok(state.db.join_programme(programme_id, user.id).await?)
}

pub async fn vet(
    state: &AppState,
    user: &User,
    programme_id: i64,
    visitor: i64,
) -> Result<(), AppError> {
    coordinated(state, user, programme_id).await?;
    Ok(state.db.vet_visitor(programme_id, visitor, user.id).await?)
}

/// Adds a person to visit: a member of the organisation, or someone it
/// registered.
pub async fn add_visited(
    state: &AppState,
    user: &User,
    programme_id: i64,
    person_id: i64,
) -> Result<(), AppError> {
    let programme = coordinated(state, user, programme_id).await?;
    let person = state.db.user(person_id).await?;
    let belongs = person.registered_org == Some(programme.org_id)
        || state
            .db
            .role_in(programme.org_id, person.id)
            .await?
            .is_some();
    if !belongs {
        return Err(AppError::Conflict("not-in-organisation"));
    }
    if state.db.is_visited_in(programme_id, person_id).await? {
        return Err(AppError::Conflict("already-visited"));
    }
    Ok(state
        .db
        .add_visited(programme_id, person_id, user.id)
        .await?)
}

/// Vetted visitors for a visited person, ranked with the reasons.
pub async fn propose(
    state: &AppState,
    user: &User,
    programme_id: i64,
    visited_id: i64,
    lang: Lang,
) -> Result<(User, Vec<HelperMatch>), AppError> {
    coordinated(state, user, programme_id).await?;
    if !state.db.is_visited_in(programme_id, visited_id).await? {
        return Err(AppError::NotFound);
    }
    let person = state.db.user(visited_id).await?;
    let (Some(lat), Some(lng)) = (person.home_lat, person.home_lng) else {
        return Err(AppError::Conflict("no-home"));
    };
    let place = Point { lat, lng };
    let tags = state.db.tags(visited_id).await?;
    let mut candidates = state.db.visitor_candidates(programme_id).await?;
    candidates.retain(|c| c.id != visited_id);
    let wanted = Wanted {
        place,
        radius_m: VISIT_RADIUS_M,
        skills: &[],
        interests: &tags.interests,
        languages: &tags.languages,
        slots: Availability::from_bits(person.availability),
    };
    let ranked = rank(&wanted, &candidates, MATCH_LIMIT);
    let matches = describe(state, ranked, &candidates, place, lang).await?;
    Ok((person, matches))
}

#[derive(Debug, Default, Clone, Deserialize, ToSchema)]
#[serde(default)]
pub struct PairingInput {
    pub visitor_id: i64,
    pub visited_id: i64,
    /// Weekly slots of the visits (`tue-afternoon`).
    pub slots: Vec<String>,
    /// 1 (every week) to 4 (every four weeks).
    pub every_weeks: String,
}

pub async fn pair(
    state: &AppState,
    user: &User,
    programme_id: i64,
    input: &PairingInput,
) -> Result<i64, AppError> {
    coordinated(state, user, programme_id).await?;
    let rhythm = Rhythm::parse(&input.slots, &input.every_weeks).map_err(AppError::Invalid)?;
    let created = state
        .db
        .create_pairing(
            programme_id,
            input.visitor_id,
            input.visited_id,
            rhythm,
            today(),
            user.id,
        )
        .await;
    match created {
        Ok(id) => Ok(id),
        Err(entraide_store::StoreError::NotFound) => Err(AppError::Conflict("not-vetted")),
        Err(entraide_store::StoreError::Conflict) => Err(AppError::Conflict("already-paired")),
        Err(other) => Err(other.into()),
    }
}

pub async fn end_pairing(state: &AppState, user: &User, pairing_id: i64) -> Result<i64, AppError> {
    let pairing = state.db.pairing(pairing_id).await?;
    coordinated(state, user, pairing.programme_id).await?;
    state.db.end_pairing(pairing_id, user.id).await?;
    Ok(pairing.programme_id)
}

#[derive(Debug, Default, Clone, Deserialize, ToSchema)]
#[serde(default)]
pub struct VisitInput {
    /// `YYYY-MM-DD`, today or in the last 90 days.
    pub day: String,
    /// Duration in minutes (5 to 600).
    pub minutes: String,
    /// Seen by the programme's coordinators only.
    pub note: String,
}

pub async fn log_visit(
    state: &AppState,
    user: &User,
    pairing_id: i64,
    input: &VisitInput,
) -> Result<i64, AppError> {
    let visit = VisitLog::parse(&input.day, &input.minutes, &input.note, today())
        .map_err(AppError::Invalid)?;
    Ok(state.db.log_visit(pairing_id, user.id, &visit).await?)
}

/// A pairing as a coordinator sees it, with whether it is overdue.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PairingView {
    #[serde(flatten)]
    pub pairing: Pairing,
    pub slot_keys: Vec<String>,
    pub overdue: bool,
}

impl PairingView {
    pub fn new(pairing: Pairing, overdue_weeks: i64) -> Self {
        let day = |d: &str| entraide_core::exchange::parse_date("day", d).ok();
        let overdue = day(&pairing.started_on).is_some_and(|started| {
            is_overdue(
                pairing.last_visit.as_deref().and_then(day),
                started,
                today(),
                overdue_weeks,
            )
        });
        Self {
            slot_keys: Availability::from_bits(pairing.slots).slots(),
            overdue,
            pairing,
        }
    }
}

/// A programme as the viewer may see it: the charter for everyone; the
/// visitors, people visited and pairings for its coordinators.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProgrammeView {
    pub programme: Programme,
    pub coordinator: bool,
    /// The viewer's standing as a visitor (`applied`, `vetted`, `left`).
    pub my_status: Option<String>,
    pub visitors: Vec<Visitor>,
    pub visited: Vec<Visited>,
    pub pairings: Vec<PairingView>,
}

pub async fn view(
    state: &AppState,
    user: &User,
    programme_id: i64,
) -> Result<ProgrammeView, AppError> {
    let programme = state.db.programme(programme_id).await?;
    let coordinator = coordinates(state, user, programme.org_id).await?;
    let my_status = state.db.visitor_status(programme_id, user.id).await?;
    let (visitors, visited, pairings) = if coordinator {
        let pairings = state
            .db
            .programme_pairings(programme_id)
            .await?
            .into_iter()
            .map(|p| PairingView::new(p, programme.overdue_weeks))
            .collect();
        (
            state.db.programme_visitors(programme_id).await?,
            state.db.visited_people(programme_id).await?,
            pairings,
        )
    } else {
        (Vec::new(), Vec::new(), Vec::new())
    };
    Ok(ProgrammeView {
        programme,
        coordinator,
        my_status,
        visitors,
        visited,
        pairings,
    })
}

/// The visits of a pairing: its visitor sees dates and durations; its
/// coordinators also read the notes.
pub async fn visits_of(
    state: &AppState,
    user: &User,
    pairing: &Pairing,
) -> Result<Vec<Visit>, AppError> {
    let programme = state.db.programme(pairing.programme_id).await?;
    if coordinates(state, user, programme.org_id).await? {
        return Ok(state.db.visits(pairing.id).await?);
    }
    if pairing.visitor_id != user.id {
        return Err(AppError::Forbidden);
    }
    let mut visits = state.db.visits(pairing.id).await?;
    for visit in &mut visits {
        visit.note.clear();
    }
    Ok(visits)
}
