//! Needs and offers for the pages and the API alike: posting (for oneself
//! or for an accompanied person), showing, searching, and every step of an
//! exchange's life with the right person taking it.

use entraide_core::authz::{Action, Actor, allows};
use entraide_core::exchange::{ExchangeInput, NewExchange, Place};
use entraide_core::geo::Point;
use entraide_core::lifecycle::{ExchangeState, ExchangeStep, Part, Side, Step};
use entraide_core::notify::Kind;
use entraide_core::role::OrgRole;
use entraide_core::{Invalid, ParseError};
use entraide_store::exchanges::{Exchange, Posting};
use entraide_store::participations::StepRequest;
use entraide_store::users::{RegisteredPerson, User};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::AppError;
use crate::forms::FormData;
use crate::services::notifications::{Event, notify};
use crate::services::profiles::{LocationInput, locate};
use crate::state::AppState;

/// Default search radius, in metres.
pub const DEFAULT_RADIUS_M: f64 = 3000.0;

/// A need or an offer as sent by a form or a JSON body.
#[derive(Debug, Default, Clone, Deserialize, ToSchema)]
#[serde(default)]
pub struct ExchangeBody {
    /// `need` or `offer`.
    pub kind: String,
    pub category: String,
    pub title: String,
    pub description: String,
    /// `once` (date, from, to) or `weekly` (slots, starts, ends).
    pub schedule: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// `HH:MM`.
    pub from: String,
    pub to: String,
    /// Weekly slots such as `tue-afternoon`.
    pub slots: Vec<String>,
    pub starts: String,
    pub ends: String,
    pub skills: Vec<String>,
    pub languages: Vec<String>,
    pub helpers_wanted: String,
    /// `low`, `normal` or `urgent`.
    pub urgency: String,
    /// Where: an address, or a pin; both empty means the owner's home.
    pub address: String,
    pub lat: String,
    pub lng: String,
    /// Post for an accompanied person (their id) instead of oneself.
    pub for_person: Option<i64>,
}

impl ExchangeBody {
    pub fn from_form(form: &FormData) -> Self {
        Self {
            kind: form.get("kind").to_owned(),
            category: form.get("category").to_owned(),
            title: form.get("title").to_owned(),
            description: form.get("description").to_owned(),
            schedule: form.get("schedule").to_owned(),
            date: form.get("date").to_owned(),
            from: form.get("from").to_owned(),
            to: form.get("to").to_owned(),
            slots: form.all("slots"),
            starts: form.get("starts").to_owned(),
            ends: form.get("ends").to_owned(),
            skills: form.all("skills"),
            languages: form.all("languages"),
            helpers_wanted: form.get("helpers_wanted").to_owned(),
            urgency: form.get("urgency").to_owned(),
            address: form.get("address").to_owned(),
            lat: form.get("lat").to_owned(),
            lng: form.get("lng").to_owned(),
            for_person: form.get("for_person").trim().parse().ok(),
        }
    }

    fn input(&self) -> ExchangeInput {
        ExchangeInput {
            kind: self.kind.clone(),
            category: self.category.clone(),
            title: self.title.clone(),
            description: self.description.clone(),
            schedule: self.schedule.clone(),
            date: self.date.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
            slots: self.slots.clone(),
            starts: self.starts.clone(),
            ends: self.ends.clone(),
            skills: self.skills.clone(),
            languages: self.languages.clone(),
            helpers_wanted: self.helpers_wanted.clone(),
            urgency: self.urgency.clone(),
        }
    }
}

/// Today's date in France, where Entraide's people live.
pub fn today() -> time::Date {
    let offset = time::UtcOffset::from_hms(1, 0, 0).unwrap_or(time::UtcOffset::UTC);
    time::OffsetDateTime::now_utc().to_offset(offset).date()
}

/// The people `user` may act for, and through which organisation.
pub async fn accompanied(state: &AppState, user: &User) -> Result<Vec<RegisteredPerson>, AppError> {
    let people = state.db.registered_people_for(user.id).await?;
    Ok(people
        .into_iter()
        .filter(|p| {
            let actor = Actor {
                platform_admin: false,
                org_role: OrgRole::parse(&p.role).ok(),
            };
            allows(actor, Action::ActForPeople)
        })
        .collect())
}

/// How the viewer stands towards an exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Its owner.
    Owner,
    /// Acting for the owner through an organisation that accompanies them.
    ActingFor,
    /// Anyone else.
    Other,
}

impl Standing {
    pub fn manages(self) -> bool {
        self != Self::Other
    }
}

pub async fn standing(
    state: &AppState,
    user: &User,
    exchange: &Exchange,
) -> Result<Standing, AppError> {
    if exchange.owner_id == user.id {
        return Ok(Standing::Owner);
    }
    let owner = state.db.user(exchange.owner_id).await?;
    let Some(org) = owner.registered_org else {
        return Ok(Standing::Other);
    };
    let role = state.db.role_in(org, user.id).await?;
    let actor = Actor {
        platform_admin: false,
        org_role: role.as_deref().and_then(|r| OrgRole::parse(r).ok()),
    };
    Ok(if allows(actor, Action::ActForPeople) {
        Standing::ActingFor
    } else {
        Standing::Other
    })
}

/// Posts a need or an offer; returns its id.
pub async fn create(state: &AppState, user: &User, body: &ExchangeBody) -> Result<i64, AppError> {
    let parsed = NewExchange::parse(&body.input(), today());
    let (owner, posted_by, org_id) = match body.for_person {
        Some(person) if person != user.id => {
            let people = accompanied(state, user).await?;
            let Some(found) = people.iter().find(|p| p.id == person) else {
                return Err(AppError::Forbidden);
            };
            (
                state.db.user(found.id).await?,
                Some(user.id),
                Some(found.org_id),
            )
        }
        _ => (user.clone(), None, None),
    };
    let no_place = body.address.trim().is_empty() && body.lat.trim().is_empty();
    let place = if no_place {
        match (owner.home_lat, owner.home_lng) {
            (Some(lat), Some(lng)) => Ok(Place {
                point: Point { lat, lng },
                label: owner.home_label.clone(),
            }),
            _ => Err(AppError::field(ParseError::new(
                "address",
                Invalid::Required,
            ))),
        }
    } else {
        let location = LocationInput {
            address: body.address.clone(),
            lat: body.lat.clone(),
            lng: body.lng.clone(),
        };
        locate(state, &location)
            .await
            .map(|(label, point)| Place { point, label })
    };
    let (exchange, place) = match (parsed, place) {
        (Ok(exchange), Ok(place)) => (exchange, place),
        (Err(mut errors), Err(AppError::Invalid(more))) => {
            errors.0.extend(more.0);
            return Err(AppError::Invalid(errors));
        }
        (Err(errors), _) => return Err(AppError::Invalid(errors)),
        (_, Err(error)) => return Err(error),
    };
    let posting = Posting {
        exchange: &exchange,
        place: &place,
        owner_id: owner.id,
        posted_by,
        org_id,
    };
    Ok(state.db.post_exchange(&posting).await?)
}

/// One step on one participation, checked against who takes it: the owner
/// side (owner or someone acting for them) or the participant themself.
pub async fn take_step(
    state: &AppState,
    user: &User,
    exchange_id: i64,
    step: Step,
    participant: Option<i64>,
    message: &str,
) -> Result<Part, AppError> {
    let exchange = state.db.exchange(exchange_id).await?;
    let standing = standing(state, user, &exchange).await?;
    let message = message.trim();
    if message.chars().count() > 1000 {
        return Err(AppError::field(ParseError::new(
            "message",
            Invalid::TooLong,
        )));
    }
    let (target, acting_for_owner) = match step.side() {
        Side::Owner => {
            if !standing.manages() {
                return Err(AppError::Forbidden);
            }
            let target = participant
                .ok_or_else(|| AppError::field(ParseError::new("user", Invalid::Required)))?;
            if target == exchange.owner_id {
                return Err(AppError::Conflict("transition"));
            }
            // Only someone the inviter may see can be invited.
            if step == Step::Invite {
                crate::services::profiles::view_person(state, user, target).await?;
            }
            (target, standing == Standing::ActingFor)
        }
        Side::Participant => {
            if exchange.owner_id == user.id {
                return Err(AppError::Conflict("transition"));
            }
            (user.id, false)
        }
    };
    let request = StepRequest {
        exchange_id,
        user_id: target,
        step,
        actor_id: user.id,
        acting_for_owner,
        message,
    };
    let part = state.db.apply_step(&request).await?;
    // The step is saved; a failure to notify is logged, not shown as the
    // step failing.
    if let Err(error) = notify_step(state, &exchange, step, target, user.id).await {
        tracing::error!(%error, exchange = exchange_id, "could not notify a step");
    }
    Ok(part)
}

/// Tells the other side of a step: an invitation or a choice goes to the
/// participant (from the owner, even when someone acts for them); an answer
/// goes to the owner and to whoever posted for them.
async fn notify_step(
    state: &AppState,
    exchange: &Exchange,
    step: Step,
    participant: i64,
    actor: i64,
) -> Result<(), AppError> {
    let (kind, recipients, actor_id) = match step {
        Step::Invite => (Kind::Invited, vec![participant], exchange.owner_id),
        Step::Choose => (Kind::Accepted, vec![participant], exchange.owner_id),
        Step::Respond | Step::AcceptInvitation => {
            let mut owners = vec![exchange.owner_id];
            owners.extend(exchange.posted_by.filter(|p| *p != exchange.owner_id));
            (Kind::Response, owners, actor)
        }
        _ => return Ok(()),
    };
    notify(
        state,
        &recipients,
        Event {
            kind,
            actor_id: Some(actor_id),
            subject: &exchange.title,
            link: format!("/exchanges/{}", exchange.id),
            dedup: None,
            collapse: false,
        },
    )
    .await?;
    Ok(())
}

/// Completes or cancels an exchange; only its owner side may.
pub async fn close(
    state: &AppState,
    user: &User,
    exchange_id: i64,
    step: ExchangeStep,
) -> Result<ExchangeState, AppError> {
    if step == ExchangeStep::Expire {
        return Err(AppError::field(ParseError::new("step", Invalid::Choice)));
    }
    let exchange = state.db.exchange(exchange_id).await?;
    let standing = standing(state, user, &exchange).await?;
    if !standing.manages() {
        return Err(AppError::Forbidden);
    }
    let acting = (standing == Standing::ActingFor).then_some(user.id);
    let closed = state.db.close_exchange(exchange_id, step, acting).await?;
    if closed == ExchangeState::Done
        && let Err(error) = crate::services::claims::opened(state, exchange_id).await
    {
        tracing::error!(%error, "could not ask to confirm the time given");
    }
    Ok(closed)
}

/// A summary for lists and maps: approximate position only.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ExchangeCard {
    pub id: i64,
    pub kind: String,
    pub category: String,
    pub title: String,
    pub state: String,
    pub owner_name: String,
    pub schedule: String,
    pub first_day: String,
    pub last_day: Option<String>,
    /// `HH:MM`, for one-off exchanges.
    pub from: Option<String>,
    pub to: Option<String>,
    /// Weekly slots (`tue-afternoon`), for recurring exchanges.
    pub slots: Vec<String>,
    pub urgency: String,
    pub skills: Vec<String>,
    pub helpers_wanted: i64,
    pub accepted: i64,
    pub position: Option<crate::services::profiles::ApproximatePosition>,
    /// From the viewer's home to the shown position, rounded to 100 m.
    pub distance_m: Option<i64>,
}

impl ExchangeCard {
    pub fn new(exchange: &Exchange, viewer: &User) -> Self {
        let position = crate::services::profiles::ApproximatePosition::of_cell(exchange.cell);
        let distance_m = match (viewer.home_lat, viewer.home_lng, &position) {
            (Some(lat), Some(lng), Some(shown)) => Some(
                entraide_core::matching::rounded_distance_m(Point { lat, lng }.distance_m(Point {
                    lat: shown.lat,
                    lng: shown.lng,
                })),
            ),
            _ => None,
        };
        let time = |m: Option<i64>| {
            m.and_then(|m| u16::try_from(m).ok())
                .map(entraide_core::exchange::format_time)
        };
        Self {
            id: exchange.id,
            kind: exchange.kind.clone(),
            category: exchange.category.clone(),
            title: exchange.title.clone(),
            state: exchange.state.clone(),
            owner_name: exchange.owner_name.clone(),
            schedule: exchange.schedule.clone(),
            first_day: exchange.first_day.clone(),
            last_day: exchange.last_day.clone(),
            from: time(exchange.time_from),
            to: time(exchange.time_to),
            slots: if exchange.schedule == "weekly" {
                entraide_core::profile::Availability::from_bits(exchange.slots).slots()
            } else {
                Vec::new()
            },
            urgency: exchange.urgency.clone(),
            skills: exchange.skill_keys(),
            helpers_wanted: exchange.helpers_wanted,
            accepted: exchange.accepted,
            position,
            distance_m,
        }
    }
}
