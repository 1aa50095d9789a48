//! Confirming the time given for an exchange: who may see a claim and take
//! which step (the helper, the person helped or whoever acts for them, the
//! bank's administrators), the notifications each step sends, and the
//! hourly run that confirms the claims nobody disputed in time.

use entraide_core::authz::{Action, Actor, allows};
use entraide_core::claim::{ClaimState, ClaimStep, Party};
use entraide_core::ledger::Minutes;
use entraide_core::notify::Kind;
use entraide_core::role::OrgRole;
use entraide_core::{Invalid, ParseError};
use entraide_store::claims::{Claim, ClaimAction};
use entraide_store::users::User;
use entraide_store::{Listing, Page};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::error::AppError;
use crate::services::notifications::{Event, notify};
use crate::state::AppState;

/// A step on a claim as submitted.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct ClaimInput {
    /// adjust, withdraw, confirm, dispute, settle, pay_collective or cancel.
    pub step: String,
    /// The time, for `adjust` (required), `confirm` and `settle` (optional).
    #[serde(default)]
    pub hours: String,
    #[serde(default)]
    pub minutes: String,
    /// Why: required to dispute or cancel (up to 500 characters).
    #[serde(default)]
    pub why: String,
}

/// Whether `user` may act for `person`: a social worker or coordinator of
/// the organisation that registered them.
async fn acts_for(state: &AppState, user: &User, person: Option<i64>) -> Result<bool, AppError> {
    let Some(person) = person else {
        return Ok(false);
    };
    if person == user.id {
        return Ok(true);
    }
    let Some(org) = state.db.user(person).await?.registered_org else {
        return Ok(false);
    };
    let role = state.db.role_in(org, user.id).await?;
    Ok(allows(
        Actor {
            platform_admin: false,
            org_role: role.as_deref().and_then(|r| OrgRole::parse(r).ok()),
        },
        Action::ActForPeople,
    ))
}

/// Whether `user` may take the part of `party` on `claim`.
pub async fn holds(
    state: &AppState,
    user: &User,
    claim: &Claim,
    party: Party,
) -> Result<bool, AppError> {
    match party {
        Party::Helper => acts_for(state, user, claim.helper_id).await,
        Party::Helped => acts_for(state, user, claim.helped_id).await,
        Party::Bank => {
            Ok(
                crate::services::orgs::require(state, user, claim.bank_id, Action::ManageTimeBank)
                    .await
                    .is_ok(),
            )
        }
        Party::Time => Ok(false),
    }
}

/// A claim, for the people it concerns and the bank's administrators.
pub async fn view(state: &AppState, user: &User, id: i64) -> Result<Claim, AppError> {
    let claim = state.db.claim(id).await?;
    for party in [Party::Helped, Party::Helper, Party::Bank] {
        if holds(state, user, &claim, party).await? {
            return Ok(claim);
        }
    }
    Err(AppError::NotFound)
}

/// The claims of an exchange that `user` may see.
pub async fn of_exchange(
    state: &AppState,
    user: &User,
    exchange_id: i64,
) -> Result<Vec<Claim>, AppError> {
    let mut shown = Vec::new();
    for claim in state.db.claims_of_exchange(exchange_id).await? {
        for party in [Party::Helped, Party::Helper, Party::Bank] {
            if holds(state, user, &claim, party).await? {
                shown.push(claim);
                break;
            }
        }
    }
    Ok(shown)
}

/// A bank's claims in one state (administrators).
pub async fn of_bank(
    state: &AppState,
    user: &User,
    org: i64,
    claim_state: ClaimState,
    page: Page,
) -> Result<Listing<Claim>, AppError> {
    crate::services::orgs::require(state, user, org, Action::ManageTimeBank).await?;
    state.db.bank_limits(org).await?;
    Ok(state.db.bank_claims(org, claim_state, page).await?)
}

/// Takes a step on a claim and tells the other side.
pub async fn act(
    state: &AppState,
    user: &User,
    id: i64,
    input: &ClaimInput,
) -> Result<Claim, AppError> {
    let claim = view(state, user, id).await?;
    let step = ClaimStep::parse(&input.step).map_err(AppError::field)?;
    if step == ClaimStep::AutoConfirm || !holds(state, user, &claim, step.party()).await? {
        return Err(AppError::Forbidden);
    }
    let minutes = match step {
        ClaimStep::Adjust => Some(duration(input)?),
        ClaimStep::Confirm | ClaimStep::Settle
            if !(input.hours.trim().is_empty() && input.minutes.trim().is_empty()) =>
        {
            Some(duration(input)?)
        }
        _ => None,
    };
    let why = input.why.trim();
    if why.chars().count() > 500 {
        return Err(AppError::field(ParseError::new("why", Invalid::TooLong)));
    }
    if why.is_empty() && matches!(step, ClaimStep::Dispute | ClaimStep::Cancel) {
        return Err(AppError::field(ParseError::new("why", Invalid::Required)));
    }
    let done = state
        .db
        .take_claim_step(&ClaimAction {
            id,
            step,
            party: step.party(),
            minutes,
            why,
            by: user.id,
        })
        .await?;
    let own = match step.party() {
        Party::Helper => claim.helper_id == Some(user.id),
        Party::Helped => claim.helped_id == Some(user.id),
        Party::Bank | Party::Time => false,
    };
    if !own {
        state
            .db
            .audit(entraide_store::audit::NewAudit {
                event: "time-claim-step",
                actor_id: Some(user.id),
                subject_id: match step.party() {
                    Party::Helper => claim.helper_id,
                    _ => claim.helped_id,
                },
                org_id: Some(claim.bank_id),
                detail: &format!("#{id} {} {}", step.key(), done.minutes),
            })
            .await?;
    }
    tell(state, &done, step, Some(user.id)).await;
    Ok(done)
}

fn duration(input: &ClaimInput) -> Result<i64, AppError> {
    Minutes::from_parts(&input.hours, &input.minutes)
        .map(Minutes::get)
        .map_err(|e| AppError::field(ParseError::new("duration", e)))
}

/// Notifies whom a step concerns; a failure to notify is logged, the step stays.
async fn tell(state: &AppState, claim: &Claim, step: ClaimStep, actor: Option<i64>) {
    let (kind, recipients) = match step {
        ClaimStep::Confirm
        | ClaimStep::AutoConfirm
        | ClaimStep::Settle
        | ClaimStep::PayCollective => (Kind::TimeCredited, claim.helper_id.into_iter().collect()),
        ClaimStep::Dispute => {
            let mut to: Vec<i64> = claim.helper_id.into_iter().collect();
            to.extend(
                state
                    .db
                    .bank_admins(claim.bank_id)
                    .await
                    .unwrap_or_default(),
            );
            (Kind::TimeDisputed, to)
        }
        ClaimStep::Adjust | ClaimStep::Withdraw | ClaimStep::Cancel => return,
    };
    let event = Event {
        kind,
        actor_id: actor,
        subject: &claim.exchange_title,
        link: format!("/exchanges/{}#time", claim.exchange_id),
        dedup: None,
        collapse: false,
    };
    if let Err(error) = notify(state, &recipients, event).await {
        tracing::error!(%error, "could not notify a time claim step");
    }
}

/// Asks the people helped in a just-done exchange to confirm the time.
pub async fn opened(state: &AppState, exchange_id: i64) -> Result<(), AppError> {
    for claim in state.db.claims_of_exchange(exchange_id).await? {
        let Some(helped) = claim.helped_id else {
            continue;
        };
        notify(
            state,
            &[helped],
            Event {
                kind: Kind::TimeToConfirm,
                actor_id: claim.helper_id,
                subject: &claim.exchange_title,
                link: format!("/exchanges/{exchange_id}#time"),
                dedup: Some(format!("claim:{}", claim.id)),
                collapse: false,
            },
        )
        .await?;
    }
    Ok(())
}

/// Confirms the claims whose delay passed; a claim the bank cannot credit
/// goes to its administrators. Returns how many were confirmed.
pub async fn confirm_due(state: &AppState, at: i64) -> Result<u64, AppError> {
    let mut confirmed = 0;
    loop {
        let due = state.db.due_claims(at, 100).await?;
        if due.is_empty() {
            return Ok(confirmed);
        }
        for id in due {
            let claim = state.db.claim(id).await?;
            let by = claim.helped_id.or(claim.helper_id).unwrap_or(0);
            let action = ClaimAction {
                id,
                step: ClaimStep::AutoConfirm,
                party: Party::Time,
                minutes: None,
                why: "",
                by,
            };
            match state.db.take_claim_step(&action).await {
                Ok(done) => {
                    confirmed += 1;
                    tell(state, &done, ClaimStep::AutoConfirm, None).await;
                }
                Err(entraide_store::ledger::TransferError::Refused(refusal)) => {
                    tracing::info!(
                        claim = id,
                        code = refusal.code(),
                        "time claim waits for the bank"
                    );
                    let admins = state.db.bank_admins(claim.bank_id).await?;
                    let event = Event {
                        kind: Kind::TimeDisputed,
                        actor_id: None,
                        subject: &claim.exchange_title,
                        link: format!("/orgs/{}/timebank/claims", claim.bank_id),
                        dedup: Some(format!("claim-refused:{id}")),
                        collapse: false,
                    };
                    notify(state, &admins, event).await?;
                }
                // Someone else took a step meanwhile: nothing to do.
                Err(entraide_store::ledger::TransferError::Claim(_)) => {}
                Err(other) => return Err(other.into()),
            }
        }
    }
}
