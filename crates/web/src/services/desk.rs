//! Desk sessions ("permanences"): a social worker or coordinator of an
//! organisation the person consents to be accompanied by records what they
//! went through together (day, topics, next steps), sealed with the
//! person's data key. The person sees every session; the staff of an
//! accompanying organisation see that organisation's. Each record and each
//! read by staff goes to the person's access log.

use entraide_core::ParseError;
use entraide_core::authz::{Action, Actor, allows};
use entraide_core::desk::{Topic, held_on, topics};
use entraide_core::error::Errors;
use entraide_core::names::{NextSteps, ShortNote};
use entraide_core::role::OrgRole;
use entraide_store::audit::NewAudit;
use entraide_store::safe_notes::StoredSession;
use entraide_store::users::User;
use entraide_vault::DataKey;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::AppError;
use crate::services::safe::{Need, Via, log, reach};
use crate::services::safe_keys::{data_key, open_text, seal_text};
use crate::state::AppState;

/// Sessions shown at most, latest first.
const SHOWN: i64 = 200;

/// A session as submitted.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct SessionInput {
    /// `YYYY-MM-DD`, today at the latest.
    pub held_on: String,
    /// Keys among housing, health, income, papers, employment, family, other.
    pub topics: Vec<String>,
    /// What else it was about, in a few words.
    pub topics_other: String,
    pub next_steps: String,
}

/// A session, opened.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SessionView {
    pub id: i64,
    pub person_id: i64,
    pub org_id: Option<i64>,
    pub org_name: Option<String>,
    pub worker_name: Option<String>,
    /// `YYYY-MM-DD`
    pub held_on: String,
    pub topics: Vec<String>,
    pub topics_other: String,
    pub next_steps: String,
    pub created_at: i64,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default)]
struct Sealed {
    topics: Vec<Topic>,
    other: String,
    next_steps: String,
}

fn aad(person: i64) -> String {
    format!("desk-session:{person}")
}

fn view(key: &DataKey, stored: StoredSession) -> Result<SessionView, AppError> {
    let text = open_text(key, &aad(stored.person_id), &stored.sealed)?;
    let sealed: Sealed = serde_json::from_str(&text).map_err(AppError::internal)?;
    Ok(SessionView {
        id: stored.id,
        person_id: stored.person_id,
        org_id: stored.org_id,
        org_name: stored.org_name,
        worker_name: stored.worker_name,
        held_on: stored.held_on,
        topics: sealed.topics.iter().map(|t| t.key().to_owned()).collect(),
        topics_other: sealed.other,
        next_steps: sealed.next_steps,
        created_at: stored.created_at,
    })
}

/// Records a session with `person` for the organisation through which the
/// worker acts for them; returns its id.
pub async fn record(
    state: &AppState,
    worker: &User,
    person: i64,
    input: &SessionInput,
) -> Result<i64, AppError> {
    let Via::Accompaniment(org) = reach(state, worker, person, Need::Write).await? else {
        // The person writes notes; sessions are what a desk records.
        return Err(AppError::Forbidden);
    };
    let mut errors = Errors::default();
    let day = errors.take(held_on(&input.held_on, crate::services::exchanges::today()));
    let other = errors.take(
        ShortNote::parse(&input.topics_other)
            .map_err(|e| ParseError::new("topics_other", e.reason)),
    );
    let chosen = errors.take(topics(&input.topics, &input.topics_other));
    let next = errors.take(NextSteps::parse(&input.next_steps));
    let (Some(day), Some(other), Some(chosen), Some(next)) = (day, other, chosen, next) else {
        return Err(AppError::Invalid(errors));
    };
    let sealed = Sealed {
        topics: chosen,
        other: other.into_inner(),
        next_steps: next.into_inner(),
    };
    let key = data_key(state, person).await?;
    let text = serde_json::to_string(&sealed).map_err(AppError::internal)?;
    let id = state
        .db
        .add_desk_session(
            person,
            org,
            worker.id,
            &day.to_string(),
            &seal_text(&key, &aad(person), &text)?,
        )
        .await?;
    log(
        state,
        person,
        None,
        worker,
        Via::Accompaniment(org),
        "add-session",
    )
    .await?;
    state
        .db
        .audit(NewAudit {
            event: "desk-session-recorded",
            actor_id: Some(worker.id),
            subject_id: Some(person),
            org_id: Some(org),
            ..Default::default()
        })
        .await?;
    Ok(id)
}

/// The accompanying organisations where `viewer` is staff who act for people.
async fn staff_orgs(state: &AppState, viewer: &User, person: i64) -> Result<Vec<i64>, AppError> {
    let mut orgs = Vec::new();
    for org in state.db.accompanying_orgs(person).await? {
        let role = state.db.role_in(org, viewer.id).await?;
        let actor = Actor {
            platform_admin: false,
            org_role: role.as_deref().and_then(|r| OrgRole::parse(r).ok()),
        };
        if allows(actor, Action::ActForPeople) {
            orgs.push(org);
        }
    }
    Ok(orgs)
}

/// `person`'s sessions: all of them for the person, those of the
/// accompanying organisations where the viewer is staff otherwise.
pub async fn list(
    state: &AppState,
    viewer: &User,
    person: i64,
) -> Result<Vec<SessionView>, AppError> {
    let stored = if viewer.id == person {
        state.db.desk_sessions_of(person, None, SHOWN).await?
    } else {
        let orgs = staff_orgs(state, viewer, person).await?;
        if orgs.is_empty() {
            return Err(AppError::NotFound);
        }
        let mut rows = Vec::new();
        for org in &orgs {
            rows.extend(state.db.desk_sessions_of(person, Some(*org), SHOWN).await?);
            log(
                state,
                person,
                None,
                viewer,
                Via::Accompaniment(*org),
                "list-sessions",
            )
            .await?;
        }
        rows.sort_by(|a, b| (&b.held_on, b.id).cmp(&(&a.held_on, a.id)));
        rows
    };
    let key = data_key(state, person).await?;
    stored.into_iter().map(|s| view(&key, s)).collect()
}

/// Whether `viewer` may record sessions for `person` (for the pages).
pub async fn may_record(state: &AppState, viewer: &User, person: i64) -> bool {
    viewer.id != person
        && matches!(
            reach(state, viewer, person, Need::Write).await,
            Ok(Via::Accompaniment(_))
        )
}
