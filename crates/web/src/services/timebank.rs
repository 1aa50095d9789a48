//! An organisation's time bank as its members and administrators use it:
//! opening it, giving time, paying collective work from the organisation's
//! account, reversing a transfer, statements and totals.

use entraide_core::authz::Action;
use entraide_core::ledger::{Limits, Minutes};
use entraide_core::{Invalid, ParseError};
use entraide_store::ledger::{Holder, NewTransfer, Transfer, TransferError};
use entraide_store::ledger_views::{BankLine, BankTotals, StatementLine};
use entraide_store::users::User;
use entraide_store::{Listing, Page, StoreError};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::AppError;
use crate::services::orgs::require;
use crate::state::AppState;

impl From<TransferError> for AppError {
    fn from(error: TransferError) -> Self {
        match error {
            TransferError::Refused(refusal) => Self::Conflict(refusal.code()),
            TransferError::Claim(_) => Self::Conflict("claim-state"),
            TransferError::Store(store) => store.into(),
        }
    }
}

/// A bank's settings as submitted.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct BankSettings {
    /// Lowest balance, in hours (0 to 100, as a debt): 10 means −10 h.
    pub floor_hours: String,
    /// Highest balance, in hours (1 to 1000).
    pub ceiling_hours: String,
    /// Days before time given for an exchange counts as confirmed (1 to 60).
    pub confirm_days: String,
}

fn number(
    field: &'static str,
    raw: &str,
    range: std::ops::RangeInclusive<i64>,
) -> Result<i64, ParseError> {
    raw.trim()
        .parse::<i64>()
        .ok()
        .filter(|n| range.contains(n))
        .ok_or(ParseError::new(field, Invalid::Range))
}

/// Opens the bank or changes its settings (organisation admins).
pub async fn configure(
    state: &AppState,
    user: &User,
    org: i64,
    input: &BankSettings,
) -> Result<(), AppError> {
    require(state, user, org, Action::ManageTimeBank).await?;
    let mut errors = entraide_core::error::Errors::default();
    let floor = errors.take(number("floor_hours", &input.floor_hours, 0..=100));
    let ceiling = errors.take(number("ceiling_hours", &input.ceiling_hours, 1..=1000));
    let days = errors.take(number("confirm_days", &input.confirm_days, 1..=60));
    let (Some(floor), Some(ceiling), Some(days)) = (floor, ceiling, days) else {
        return Err(AppError::Invalid(errors));
    };
    let limits = Limits::new(-floor * 60, ceiling * 60)
        .map_err(|e| AppError::field(ParseError::new("floor_hours", e)))?;
    state.db.open_bank(org, limits, days).await?;
    state
        .db
        .audit(entraide_store::audit::NewAudit {
            event: "time-bank-configured",
            actor_id: Some(user.id),
            org_id: Some(org),
            detail: &format!("{floor} h / {ceiling} h / {days} d"),
            ..Default::default()
        })
        .await?;
    Ok(())
}

/// A movement as submitted.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct GiftInput {
    /// Who receives the time (a member of the organisation).
    pub recipient: i64,
    pub hours: String,
    pub minutes: String,
    /// Why (1 to 200 characters).
    pub why: String,
    /// `gift` from your own account, or `collective` from the
    /// organisation's (administrators).
    #[serde(default = "gift")]
    pub kind: String,
    /// Chosen by the client; sending the same key again records nothing new.
    pub key: String,
}

fn gift() -> String {
    "gift".to_owned()
}

/// Gives time to a member: from one's own account, or from the
/// organisation's for collective work.
pub async fn give(
    state: &AppState,
    user: &User,
    org: i64,
    input: &GiftInput,
) -> Result<Transfer, AppError> {
    let collective = match input.kind.as_str() {
        "gift" => false,
        "collective" => true,
        _ => return Err(AppError::field(ParseError::new("kind", Invalid::Choice))),
    };
    let action = if collective {
        Action::ManageTimeBank
    } else {
        Action::UseTimeBank
    };
    let role = require(state, user, org, action).await?;
    if !collective && role.is_none() {
        // A platform administrator holds no account in banks they do not belong to.
        return Err(AppError::Forbidden);
    }
    state.db.bank_limits(org).await?;
    let mut errors = entraide_core::error::Errors::default();
    let minutes = errors.take(
        Minutes::from_parts(&input.hours, &input.minutes)
            .map_err(|e| ParseError::new("duration", e)),
    );
    let reason = input.why.trim();
    if reason.is_empty() {
        errors.push(ParseError::new("why", Invalid::Required));
    } else if reason.chars().count() > 200 {
        errors.push(ParseError::new("why", Invalid::TooLong));
    }
    let key = input.key.trim();
    if key.is_empty() || key.len() > 100 {
        errors.push(ParseError::new("key", Invalid::Required));
    }
    let Some(minutes) = minutes.filter(|_| errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    if state.db.role_in(org, input.recipient).await?.is_none() {
        return Err(AppError::field(ParseError::new(
            "recipient",
            Invalid::Choice,
        )));
    }
    let from = if collective {
        Holder::Organisation
    } else {
        Holder::Member(user.id)
    };
    let transfer = state
        .db
        .transfer(&NewTransfer {
            bank: org,
            from,
            to: Holder::Member(input.recipient),
            minutes,
            kind: if collective { "collective" } else { "gift" },
            reason,
            exchange_id: None,
            key,
            by: user.id,
        })
        .await?;
    Ok(transfer)
}

/// Reverses a transfer (administrators); the reason is kept with it.
pub async fn reverse(
    state: &AppState,
    user: &User,
    org: i64,
    transfer: i64,
    reason: &str,
) -> Result<Transfer, AppError> {
    require(state, user, org, Action::ManageTimeBank).await?;
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::field(ParseError::new("why", Invalid::Required)));
    }
    Ok(state
        .db
        .reverse_transfer(org, transfer, reason, user.id)
        .await?)
}

/// What a member sees of the bank.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MyAccount {
    pub balance: i64,
    pub floor: i64,
    pub ceiling: i64,
    pub lines: Vec<StatementLine>,
    pub more: bool,
}

/// The signed-in member's balance and statement; `NotFound` when the
/// organisation runs no bank.
pub async fn my_account(
    state: &AppState,
    user: &User,
    org: i64,
    page: Page,
) -> Result<MyAccount, AppError> {
    let role = require(state, user, org, Action::UseTimeBank).await?;
    let limits = state.db.bank_limits(org).await?;
    if role.is_none() {
        return Ok(MyAccount {
            balance: 0,
            floor: limits.floor,
            ceiling: limits.ceiling,
            lines: Vec::new(),
            more: false,
        });
    }
    let account = state.db.time_account(org, Holder::Member(user.id)).await?;
    let Listing { rows, more } = state.db.statement(account, page).await?;
    Ok(MyAccount {
        balance: state.db.balance(account).await?,
        floor: limits.floor,
        ceiling: limits.ceiling,
        lines: rows,
        more,
    })
}

/// The bank's totals and its latest movements (administrators).
pub async fn totals(
    state: &AppState,
    user: &User,
    org: i64,
) -> Result<(BankTotals, Vec<BankLine>), AppError> {
    require(state, user, org, Action::ManageTimeBank).await?;
    state.db.bank_limits(org).await?;
    let lines = state.db.bank_transfers(org, Page::new(1, 50)).await?.rows;
    Ok((state.db.bank_totals(org).await?, lines))
}

/// Whether the organisation runs a bank.
pub async fn runs_bank(state: &AppState, org: i64) -> Result<bool, AppError> {
    match state.db.bank_limits(org).await {
        Ok(_) => Ok(true),
        Err(StoreError::NotFound) => Ok(false),
        Err(other) => Err(other.into()),
    }
}
