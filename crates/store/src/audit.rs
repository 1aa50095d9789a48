//! The audit log of security events and of acts done on someone's behalf.
//! Entries are only ever added; a person sees the ones about them.

use crate::{Db, Page, StoreError, now};

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct AuditEntry {
    pub id: i64,
    pub at: i64,
    pub event: String,
    pub actor_id: Option<i64>,
    pub actor_name: Option<String>,
    pub subject_id: Option<i64>,
    pub subject_name: Option<String>,
    pub org_id: Option<i64>,
    pub detail: String,
}

/// One event to record.
#[derive(Debug, Clone, Default)]
pub struct NewAudit<'a> {
    pub event: &'a str,
    pub actor_id: Option<i64>,
    pub subject_id: Option<i64>,
    pub org_id: Option<i64>,
    pub detail: &'a str,
}

const ENTRY_SELECT: &str = "SELECT a.id, a.at, a.event, a.actor_id, ua.display_name AS actor_name, \
     a.subject_id, us.display_name AS subject_name, a.org_id, a.detail FROM audit_log a \
     LEFT JOIN users ua ON ua.id = a.actor_id LEFT JOIN users us ON us.id = a.subject_id";

const INSERT: &str = "INSERT INTO audit_log (at, event, actor_id, subject_id, org_id, detail) \
     VALUES ($1, $2, $3, $4, $5, $6)";

fn bind_entry<'q>(
    query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
    entry: &NewAudit<'q>,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
    query
        .bind(now())
        .bind(entry.event)
        .bind(entry.actor_id)
        .bind(entry.subject_id)
        .bind(entry.org_id)
        .bind(entry.detail)
}

/// Records an entry inside a transaction, so it lands with the act.
pub(crate) async fn record(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    entry: NewAudit<'_>,
) -> Result<(), StoreError> {
    bind_entry(sqlx::query(INSERT), &entry)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

impl Db {
    pub async fn audit(&self, entry: NewAudit<'_>) -> Result<(), StoreError> {
        bind_entry(sqlx::query(INSERT), &entry)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The whole log, newest first (platform administration).
    pub async fn audit_entries(
        &self,
        page: Page,
    ) -> Result<crate::Listing<AuditEntry>, StoreError> {
        let sql = format!("{ENTRY_SELECT} ORDER BY a.id DESC LIMIT $1 OFFSET $2");
        let rows = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(page.limit())
            .bind(page.offset())
            .fetch_all(&self.pool)
            .await?;
        Ok(crate::Listing::cut(rows, page))
    }

    /// What happened to or was done by a person, newest first.
    pub async fn audit_about(
        &self,
        user_id: i64,
        page: Page,
    ) -> Result<crate::Listing<AuditEntry>, StoreError> {
        let sql = format!(
            "{ENTRY_SELECT} WHERE a.subject_id = $1 OR (a.actor_id = $1 AND a.subject_id IS NULL) \
             ORDER BY a.id DESC LIMIT $2 OFFSET $3"
        );
        let rows = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(user_id)
            .bind(page.limit())
            .bind(page.offset())
            .fetch_all(&self.pool)
            .await?;
        Ok(crate::Listing::cut(rows, page))
    }
}
