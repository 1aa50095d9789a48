//! Confirming time on the web: the "time given" part of a done exchange's
//! page (confirm, dispute, correct, thank), the steps its buttons post, and
//! the bank administrators' queue of disputed claims.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use entraide_core::claim::{ClaimState, ClaimStep, Party, claim_step};
use entraide_store::Page;
use entraide_store::claims::Claim;
use entraide_store::exchanges::Exchange;
use entraide_store::orgs::Organisation;
use entraide_store::users::User;
use serde::Deserialize;

use super::layout::{Base, Pager};
use super::see_other;
use crate::auth::SignedIn;
use crate::error::AppError;
use crate::forms::FormData;
use crate::services::claims::{self, ClaimInput};
use crate::state::AppState;

/// A claim with what the viewer may do to it.
pub struct ClaimView {
    pub c: Claim,
    pub steps: Vec<&'static str>,
    pub hours: i64,
    pub mins: i64,
}

impl ClaimView {
    pub fn may(&self, step: &str) -> bool {
        self.steps.contains(&step)
    }
}

/// The "time given" part of an exchange's page.
#[derive(Default)]
pub struct TimeSection {
    pub claims: Vec<ClaimView>,
    /// People the viewer may thank for this exchange (id, name).
    pub thank: Vec<(i64, String)>,
    /// The viewer runs the bank of one of the claims.
    pub bank: Option<i64>,
}

impl TimeSection {
    pub fn is_empty(&self) -> bool {
        self.claims.is_empty() && self.thank.is_empty()
    }
}

async fn steps_for(
    state: &AppState,
    user: &User,
    claim: &Claim,
) -> Result<(Vec<&'static str>, bool), AppError> {
    let current = ClaimState::parse(&claim.state).map_err(AppError::field)?;
    let mut steps = Vec::new();
    let mut bank = false;
    for party in [Party::Helped, Party::Helper, Party::Bank] {
        if !claims::holds(state, user, claim, party).await? {
            continue;
        }
        bank |= party == Party::Bank;
        for step in ClaimStep::ALL {
            if claim_step(current, *step, party).is_ok() {
                steps.push(step.key());
            }
        }
    }
    Ok((steps, bank))
}

/// What the viewer sees of the time given for `exchange` once it is done.
pub async fn time_section(
    state: &AppState,
    user: &User,
    exchange: &Exchange,
) -> Result<TimeSection, AppError> {
    if exchange.state != "done" {
        return Ok(TimeSection::default());
    }
    let mut section = TimeSection::default();
    for c in claims::of_exchange(state, user, exchange.id).await? {
        let (steps, bank) = steps_for(state, user, &c).await?;
        if bank {
            section.bank = Some(c.bank_id);
        }
        section.claims.push(ClaimView {
            hours: c.minutes / 60,
            mins: c.minutes % 60,
            steps,
            c,
        });
    }
    let participants = state.db.participants(exchange.id).await?;
    let mut took_part: Vec<(i64, String)> = vec![(exchange.owner_id, exchange.owner_name.clone())];
    took_part.extend(
        participants
            .into_iter()
            .filter(|p| p.part == "helped")
            .map(|p| (p.user_id, p.display_name)),
    );
    if took_part.iter().any(|(id, _)| *id == user.id) {
        section.thank = took_part
            .into_iter()
            .filter(|(id, _)| *id != user.id)
            .collect();
    }
    Ok(section)
}

/// One step on a claim, from a button of the exchange's page or of the
/// bank's queue; back to where it came from.
pub async fn act(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    form: FormData,
) -> Result<Response, AppError> {
    let input = ClaimInput {
        step: form.get("step").to_owned(),
        hours: form.get("hours").to_owned(),
        minutes: form.get("minutes").to_owned(),
        why: form.get("why").to_owned(),
    };
    let done = claims::act(&state, &me.user, id, &input).await?;
    let notice = format!("claim-{}", input.step.trim().replace('_', "-"));
    Ok(if form.get("back") == "bank" {
        see_other(&format!(
            "/orgs/{}/timebank/claims?done={notice}",
            done.bank_id
        ))
    } else {
        see_other(&format!(
            "/exchanges/{}?done={notice}#time",
            done.exchange_id
        ))
    })
}

#[derive(Deserialize)]
pub struct QueueQuery {
    pub state: Option<String>,
    pub page: Option<i64>,
}

#[derive(Template, WebTemplate)]
#[template(path = "timebank/claims.html")]
pub struct QueuePage {
    base: Base,
    org: Organisation,
    shown: &'static str,
    states: &'static [ClaimState],
    claims: Vec<ClaimView>,
    pager: Pager,
}

/// A bank's claims by state, disputed first: what its administrators settle.
pub async fn queue(
    State(state): State<AppState>,
    me: SignedIn,
    Path(org_id): Path<i64>,
    Query(query): Query<QueueQuery>,
) -> Result<QueuePage, AppError> {
    let shown = match query.state.as_deref() {
        None | Some("") => ClaimState::Disputed,
        Some(raw) => ClaimState::parse(raw).map_err(AppError::field)?,
    };
    let number = query.page.unwrap_or(1).max(1);
    let listing = claims::of_bank(&state, &me.user, org_id, shown, Page::new(number, 50)).await?;
    let mut views = Vec::new();
    for c in listing.rows {
        let (steps, _) = steps_for(&state, &me.user, &c).await?;
        views.push(ClaimView {
            hours: c.minutes / 60,
            mins: c.minutes % 60,
            steps,
            c,
        });
    }
    Ok(QueuePage {
        base: Base::new(&me.ctx, "claims-title"),
        org: state.db.organisation(org_id).await?,
        shown: shown.key(),
        states: ClaimState::ALL,
        claims: views,
        pager: Pager::new(
            format!("/orgs/{org_id}/timebank/claims?state={}&page=", shown.key()),
            number,
            listing.more,
        ),
    })
}

impl QueuePage {
    pub fn duration(&self, minutes: &i64) -> String {
        super::timebank::duration(*minutes)
    }
}
