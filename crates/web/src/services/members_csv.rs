//! Members as CSV: export, and import with a dry run that lists every
//! refused row and why before anything changes.

use entraide_core::authz::Action;
use entraide_core::members::{self, MemberRow, RowProblem, SheetProblem};
use entraide_core::role::OrgRole;
use entraide_store::audit::NewAudit;
use entraide_store::import::ImportRow;
use entraide_store::users::User;
use entraide_store::{Page, StoreError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::AppError;
use crate::i18n::Lang;
use crate::services::orgs::require;
use crate::state::AppState;

pub const HEADER: [&str; 4] = ["email", "login", "display_name", "role"];
/// Largest import accepted at once.
pub const MAX_ROWS: usize = members::MAX_ROWS;

pub async fn export(state: &AppState, user: &User, org_id: i64) -> Result<String, AppError> {
    require(state, user, org_id, Action::ExportImportMembers).await?;
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(HEADER).map_err(AppError::internal)?;
    for number in 1.. {
        let members = state.db.members(org_id, Page::new(number, 100)).await?;
        for m in &members.rows {
            let record = [
                m.email.as_deref().unwrap_or(""),
                m.login.as_deref().unwrap_or(""),
                &spreadsheet_safe(&m.display_name),
                &m.role,
            ];
            writer.write_record(record).map_err(AppError::internal)?;
        }
        if !members.more {
            break;
        }
    }
    let bytes = writer.into_inner().map_err(AppError::internal)?;
    state
        .db
        .audit(NewAudit {
            event: "members-exported",
            actor_id: Some(user.id),
            org_id: Some(org_id),
            ..Default::default()
        })
        .await?;
    String::from_utf8(bytes).map_err(AppError::internal)
}

/// A cell that spreadsheets will not run as a formula: text starting with
/// `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading quote.
pub fn spreadsheet_safe(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}").into()
    } else {
        text.into()
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RejectedRow {
    /// Line number in the file (the header is line 1).
    pub line: u64,
    pub reason: String,
}

#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct ImportReport {
    pub dry_run: bool,
    /// Rows that add a new person to the organisation.
    pub added: u64,
    /// Rows about people already members (their role is updated).
    pub updated: u64,
    pub rejected: Vec<RejectedRow>,
}

/// Imports `email,display_name,role` rows (header required; `login` column
/// ignored). People without an account get one without password: they set
/// it with "forgot password". Nothing is written on a dry run, nor when any
/// row is refused.
pub async fn import(
    state: &AppState,
    user: &User,
    lang: Lang,
    org_id: i64,
    text: &str,
    dry_run: bool,
) -> Result<ImportReport, AppError> {
    require(state, user, org_id, Action::ExportImportMembers).await?;
    let mut report = ImportReport {
        dry_run,
        ..ImportReport::default()
    };
    let sheet = members::read(text).map_err(|problem| match problem {
        SheetProblem::Unreadable => AppError::Malformed,
        SheetProblem::MissingColumns => AppError::Conflict("csv-header"),
    })?;
    for (line, problem) in sheet.refused {
        let reason = match problem {
            RowProblem::TooMany => lang.t("import-too-many"),
            RowProblem::Unreadable => lang.t("import-unreadable"),
            RowProblem::Duplicate => lang.t("import-duplicate"),
            RowProblem::Field(error) => {
                let label = lang.t(&format!("field-{}", error.field.replace('_', "-")));
                let message = crate::error::field_message(lang, &error);
                lang.t_with("field-error", &[("label", label), ("message", message)])
            }
        };
        report.rejected.push(RejectedRow { line, reason });
    }
    let (lines, rows): (Vec<u64>, Vec<MemberRow>) = sheet.rows.into_iter().unzip();
    // Existing accounts are never pulled into an organisation by someone
    // else's spreadsheet: they join through an invitation link. Admin roles
    // change only on the members page, where the last-admin rule applies.
    let mut plan: Vec<(&MemberRow, Option<i64>)> = Vec::new();
    for (row, line) in rows.iter().zip(&lines) {
        let refuse = |key: &str| RejectedRow {
            line: *line,
            reason: lang.t(key),
        };
        match state.db.user_by_email(row.email.as_str()).await {
            Ok(existing) => match state.db.role_in(org_id, existing.id).await? {
                None => report.rejected.push(refuse("import-has-account")),
                Some(current) if (current == "admin") != (row.role == OrgRole::Admin) => {
                    report.rejected.push(refuse("import-admin-role"))
                }
                Some(_) => {
                    report.updated += 1;
                    plan.push((row, Some(existing.id)));
                }
            },
            Err(StoreError::NotFound) => {
                report.added += 1;
                plan.push((row, None));
            }
            Err(other) => return Err(other.into()),
        }
    }
    report.rejected.sort_by_key(|r| r.line);
    if dry_run || !report.rejected.is_empty() {
        return Ok(report);
    }
    let rows: Vec<ImportRow<'_>> = plan
        .iter()
        .map(|(row, existing)| ImportRow {
            existing: *existing,
            email: row.email.as_str(),
            display_name: row.name.as_str(),
            role: row.role.key(),
        })
        .collect();
    state
        .db
        .import_members(org_id, user.id, lang.code(), &rows)
        .await?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::spreadsheet_safe;

    #[test]
    fn formulas_are_defused() {
        assert_eq!(
            spreadsheet_safe("=HYPERLINK(\"http://x\")"),
            "'=HYPERLINK(\"http://x\")"
        );
        assert_eq!(spreadsheet_safe("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(spreadsheet_safe("Léa-Marie"), "Léa-Marie");
    }
}
