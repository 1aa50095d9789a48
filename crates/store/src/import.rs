//! Applying a member import: every row is written, or none is.

use crate::{Db, StoreError, now};

/// One accepted row of an import.
pub struct ImportRow<'a> {
    /// The account when it already exists (and is already a member).
    pub existing: Option<i64>,
    pub email: &'a str,
    pub display_name: &'a str,
    pub role: &'a str,
}

impl Db {
    /// Creates the missing accounts (without password: they set one through
    /// "forgot password"), sets every role and logs each person, in one
    /// transaction. `Conflict` when an email got an account meanwhile.
    pub async fn import_members(
        &self,
        org_id: i64,
        actor: i64,
        locale: &str,
        rows: &[ImportRow<'_>],
    ) -> Result<(), StoreError> {
        let _writing = self.writing();
        let at = now();
        let mut tx = self.pool.begin().await?;
        for row in rows {
            let id = match row.existing {
                Some(id) => id,
                None => sqlx::query_scalar(
                    "INSERT INTO users (email, password_hash, display_name, locale, created_at) \
                         VALUES ($1, '', $2, $3, $4) RETURNING id",
                )
                .bind(row.email)
                .bind(row.display_name)
                .bind(locale)
                .bind(at)
                .fetch_one(&mut *tx)
                .await?,
            };
            sqlx::query(
                "INSERT INTO memberships (org_id, user_id, role, created_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (org_id, user_id) DO UPDATE SET role = excluded.role",
            )
            .bind(org_id)
            .bind(id)
            .bind(row.role)
            .bind(at)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO audit_log (at, event, actor_id, subject_id, org_id, detail) \
                 VALUES ($1, 'member-imported', $2, $3, $4, $5)",
            )
            .bind(at)
            .bind(actor)
            .bind(id)
            .bind(org_id)
            .bind(row.role)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
