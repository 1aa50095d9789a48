//! Recognition for the pages and the API alike: a person's contributions
//! record, level and badges, and the skills endorsed by the people they
//! helped; endorsing a helper after a done exchange, and withdrawing it.

use entraide_core::error::Errors;
use entraide_core::lifecycle::{ExchangeState, Part};
use entraide_core::profile::SKILLS;
use entraide_core::recognition::{self, Progress, Record};
use entraide_core::{Invalid, ParseError};
use entraide_store::StoreError;
use entraide_store::exchanges::Exchange;
use entraide_store::recognition::{EndorsedSkill, Endorsement};
use entraide_store::users::User;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::AppError;
use crate::services::exchanges::{Standing, standing};
use crate::state::AppState;

/// How many badges within reach a profile suggests.
const NEXT_BADGES: usize = 3;

/// The contributions record with its weighted score.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RecordView {
    pub helped: i64,
    pub thanked: i64,
    pub organised: i64,
    pub answered: i64,
    pub visited: i64,
    /// Helping, visiting and organising weigh 3; a thanks or an answer 1.
    pub score: i64,
}

/// The level above and what it takes to reach it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NextLevelView {
    /// `newcomer`, `neighbour`, `helper` or `pillar`.
    pub level: String,
    pub points: i64,
    /// The same in helps, rounded up.
    pub helps: i64,
}

/// How far a person is on a badge.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BadgeView {
    /// Its key, e.g. `first_help`, `ten_visits`, `three_skills_endorsed`.
    pub badge: String,
    pub have: i64,
    pub need: i64,
}

impl From<Progress> for BadgeView {
    fn from(progress: Progress) -> Self {
        Self {
            badge: progress.badge.key().to_owned(),
            have: progress.have,
            need: progress.need,
        }
    }
}

/// What a profile shows of a person's recognition.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Recognition {
    pub record: RecordView,
    /// `newcomer`, `neighbour`, `helper` or `pillar`.
    pub level: String,
    /// Absent at the top level.
    pub next_level: Option<NextLevelView>,
    /// Badges earned.
    pub badges: Vec<BadgeView>,
    /// Badges closest to being earned.
    pub next_badges: Vec<BadgeView>,
    /// Skills endorsed by the people helped, the most endorsed first.
    pub endorsements: Vec<EndorsedSkill>,
}

/// A person's recognition. Callers check first that the viewer may see
/// the profile (`profiles::view_person`).
pub async fn of(state: &AppState, person: i64) -> Result<Recognition, AppError> {
    let record: Record = state.db.contributions(person).await?;
    let endorsements = state.db.endorsed_skills(person).await?;
    let endorsed = i64::try_from(endorsements.len()).unwrap_or(i64::MAX);
    let progress = recognition::badges(&record, endorsed);
    Ok(Recognition {
        record: RecordView {
            helped: record.helped,
            thanked: record.thanked,
            organised: record.organised,
            answered: record.answered,
            visited: record.visited,
            score: record.score(),
        },
        level: record.level().key().to_owned(),
        next_level: record.next_level().map(|next| NextLevelView {
            level: next.level.key().to_owned(),
            points: next.points,
            helps: next.helps,
        }),
        badges: progress
            .iter()
            .filter(|p| p.earned())
            .map(|p| BadgeView::from(*p))
            .collect(),
        next_badges: recognition::next_badges(&progress, NEXT_BADGES)
            .into_iter()
            .map(BadgeView::from)
            .collect(),
        endorsements,
    })
}

/// Who endorses when `user` acts on an exchange: the person helped (the
/// owner of a need, or a participant of an offer) and, when someone acts
/// for the owner, who that is. `Forbidden` for anyone else.
async fn endorser(
    state: &AppState,
    user: &User,
    exchange: &Exchange,
) -> Result<(i64, Option<i64>), AppError> {
    if exchange.kind == entraide_core::exchange::Kind::Need.key() {
        return match standing(state, user, exchange).await? {
            Standing::Owner => Ok((exchange.owner_id, None)),
            Standing::ActingFor => Ok((exchange.owner_id, Some(user.id))),
            Standing::Other => Err(AppError::Forbidden),
        };
    }
    let part = state.db.participation(exchange.id, user.id).await?;
    if exchange.owner_id != user.id && part.is_some() {
        Ok((user.id, None))
    } else {
        Err(AppError::Forbidden)
    }
}

/// The helper and the skill, or every reason they were refused.
fn parse(helper: Option<i64>, skill: &str) -> Result<(i64, &'static str), AppError> {
    let mut errors = Errors::default();
    let helper = errors.take(helper.ok_or(ParseError::new("helper", Invalid::Required)));
    let skill = skill.trim();
    let skill = errors.take(match SKILLS.iter().find(|s| **s == skill) {
        Some(found) => Ok(*found),
        None if skill.is_empty() => Err(ParseError::new("skill", Invalid::Required)),
        None => Err(ParseError::new("skill", Invalid::Choice)),
    });
    match (helper, skill) {
        (Some(helper), Some(skill)) => Ok((helper, skill)),
        _ => Err(AppError::Invalid(errors)),
    }
}

/// Endorses `helper` for `skill` in a done exchange, as the person helped
/// (or for them). 403 for anyone else, 422 for a skill outside the
/// taxonomy, 409 when the exchange is not done, the person did not help
/// in it, or the endorsement was already given.
pub async fn endorse(
    state: &AppState,
    user: &User,
    exchange_id: i64,
    helper: Option<i64>,
    skill: &str,
) -> Result<(), AppError> {
    let exchange = state.db.exchange(exchange_id).await?;
    let (endorser_id, acted_by) = endorser(state, user, &exchange).await?;
    let (helper, skill) = parse(helper, skill)?;
    if exchange.state != ExchangeState::Done.key() {
        return Err(AppError::Conflict("endorse-not-done"));
    }
    let endorsement = Endorsement {
        exchange_id,
        endorser_id,
        endorsed_id: helper,
        skill,
        acted_by,
    };
    match state.db.endorse(&endorsement).await {
        Ok(true) => Ok(()),
        Ok(false) => Err(AppError::Conflict("endorse-not-helper")),
        Err(StoreError::Conflict) => Err(AppError::Conflict("endorse-duplicate")),
        Err(other) => Err(other.into()),
    }
}

/// Withdraws an endorsement given in an exchange; 404 when there is none.
pub async fn withdraw(
    state: &AppState,
    user: &User,
    exchange_id: i64,
    helper: Option<i64>,
    skill: &str,
) -> Result<(), AppError> {
    let exchange = state.db.exchange(exchange_id).await?;
    let (endorser_id, acted_by) = endorser(state, user, &exchange).await?;
    let (helper, skill) = parse(helper, skill)?;
    let endorsement = Endorsement {
        exchange_id,
        endorser_id,
        endorsed_id: helper,
        skill,
        acted_by,
    };
    Ok(state.db.withdraw_endorsement(&endorsement).await?)
}

/// A helper the viewer may endorse on a done exchange's page.
#[derive(Debug, Clone, Serialize)]
pub struct HelperToEndorse {
    pub person_id: i64,
    pub display_name: String,
    /// Skills already endorsed, each with a button to withdraw it.
    pub endorsed: Vec<String>,
    /// The exchange's skills and the helper's own (when their profile is
    /// visible to the viewer), offered first.
    pub suggested: Vec<String>,
    /// The rest of the taxonomy.
    pub others: Vec<String>,
}

/// The helpers the viewer may endorse on this exchange: empty unless it
/// is done and the viewer is the person helped (or acts for them).
pub async fn helpers_to_endorse(
    state: &AppState,
    user: &User,
    exchange: &Exchange,
) -> Result<Vec<HelperToEndorse>, AppError> {
    if exchange.state != ExchangeState::Done.key() {
        return Ok(Vec::new());
    }
    let endorser_id = match endorser(state, user, exchange).await {
        Ok((id, _)) => id,
        Err(AppError::Forbidden) => return Ok(Vec::new()),
        Err(other) => return Err(other),
    };
    let helpers: Vec<(i64, String)> = if exchange.owner_id == endorser_id {
        state
            .db
            .participants(exchange.id)
            .await?
            .into_iter()
            .filter(|p| p.part == Part::Helped.key())
            .map(|p| (p.user_id, p.display_name))
            .collect()
    } else if state.db.participation(exchange.id, endorser_id).await? == Some(Part::Helped) {
        vec![(exchange.owner_id, exchange.owner_name.clone())]
    } else {
        Vec::new()
    };
    let given = state.db.endorsements_in(exchange.id, endorser_id).await?;
    let wanted = exchange.skill_keys();
    let mut out = Vec::with_capacity(helpers.len());
    for (person_id, display_name) in helpers {
        let own = match crate::services::profiles::view_person(state, user, person_id).await {
            Ok(view) => view.skills,
            Err(AppError::NotFound) => Vec::new(),
            Err(other) => return Err(other),
        };
        let endorsed: Vec<String> = given
            .iter()
            .filter(|(id, _)| *id == person_id)
            .map(|(_, skill)| skill.clone())
            .collect();
        let open = SKILLS
            .iter()
            .map(|s| (*s).to_owned())
            .filter(|s| !endorsed.contains(s));
        let (suggested, others) = open.partition(|s| wanted.contains(s) || own.contains(s));
        out.push(HelperToEndorse {
            person_id,
            display_name,
            endorsed,
            suggested,
            others,
        });
    }
    Ok(out)
}
