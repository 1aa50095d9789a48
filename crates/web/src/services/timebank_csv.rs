//! Time-bank statements as CSV: a member's own account, and every movement
//! of the bank for its administrators. Times are French local time;
//! amounts are whole minutes, negative when the account paid.

use entraide_core::authz::Action;
use entraide_core::notify::paris_offset;
use entraide_store::Page;
use entraide_store::ledger::Holder;
use entraide_store::users::User;
use time::OffsetDateTime;

use crate::error::AppError;
use crate::services::members_csv::spreadsheet_safe;
use crate::services::orgs::require;
use crate::state::AppState;

pub const STATEMENT_HEADER: [&str; 7] = [
    "date",
    "transfer",
    "kind",
    "reason",
    "with",
    "minutes",
    "balance_after",
];
pub const BANK_HEADER: [&str; 8] = [
    "date", "transfer", "from", "to", "minutes", "kind", "reason", "reverses",
];

/// `2026-11-22 18:05`, in French local time.
fn local(unix: i64) -> String {
    let Ok(at) = OffsetDateTime::from_unix_timestamp(unix) else {
        return String::new();
    };
    let at = at.to_offset(paris_offset(at));
    format!("{} {:02}:{:02}", at.date(), at.hour(), at.minute())
}

fn finish(writer: csv::Writer<Vec<u8>>) -> Result<String, AppError> {
    let bytes = writer.into_inner().map_err(AppError::internal)?;
    String::from_utf8(bytes).map_err(AppError::internal)
}

/// The signed-in member's statement in the bank, oldest first.
pub async fn statement(state: &AppState, user: &User, org: i64) -> Result<String, AppError> {
    let role = require(state, user, org, Action::UseTimeBank).await?;
    let org_name = state.db.organisation(org).await?.name;
    state.db.bank_limits(org).await?;
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record(STATEMENT_HEADER)
        .map_err(AppError::internal)?;
    if role.is_none() {
        return finish(writer);
    }
    let account = state.db.time_account(org, Holder::Member(user.id)).await?;
    let mut lines = Vec::new();
    for number in 1.. {
        let page = state.db.statement(account, Page::new(number, 500)).await?;
        lines.extend(page.rows);
        if !page.more {
            break;
        }
    }
    for l in lines.iter().rev() {
        writer
            .write_record([
                local(l.created_at).as_str(),
                &l.transfer_id.to_string(),
                &l.kind,
                &spreadsheet_safe(&l.reason),
                &spreadsheet_safe(l.other_name.as_deref().unwrap_or(&org_name)),
                &l.minutes.to_string(),
                &l.balance_after.to_string(),
            ])
            .map_err(AppError::internal)?;
    }
    finish(writer)
}

/// Every movement of the bank, oldest first (administrators).
pub async fn bank(state: &AppState, user: &User, org: i64) -> Result<String, AppError> {
    require(state, user, org, Action::ManageTimeBank).await?;
    let org_name = state.db.organisation(org).await?.name;
    state.db.bank_limits(org).await?;
    let mut lines = Vec::new();
    for number in 1.. {
        let page = state.db.bank_transfers(org, Page::new(number, 500)).await?;
        lines.extend(page.rows);
        if !page.more {
            break;
        }
    }
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record(BANK_HEADER)
        .map_err(AppError::internal)?;
    for l in lines.iter().rev() {
        writer
            .write_record([
                local(l.created_at).as_str(),
                &l.id.to_string(),
                &spreadsheet_safe(l.from_name.as_deref().unwrap_or(&org_name)),
                &spreadsheet_safe(l.to_name.as_deref().unwrap_or(&org_name)),
                &l.minutes.to_string(),
                &l.kind,
                &spreadsheet_safe(&l.reason),
                &l.reverses.map(|r| r.to_string()).unwrap_or_default(),
            ])
            .map_err(AppError::internal)?;
    }
    state
        .db
        .audit(entraide_store::audit::NewAudit {
            event: "time-bank-exported",
            actor_id: Some(user.id),
            org_id: Some(org),
            ..Default::default()
        })
        .await?;
    finish(writer)
}
