//! What the safe keeps besides documents: the person's notes and important
//! contacts, and the desk sessions ("permanences") workers held with them.
//! Their text is sealed by the caller with the person's data key; only who
//! wrote it, when, and for a session the day and the organisation, are
//! plain.

use serde::Serialize;

use crate::{Db, StoreError, now};

/// A note or a contact as stored; `sealed` holds its text.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StoredNote {
    pub id: i64,
    pub owner_id: i64,
    /// note or contact
    pub kind: String,
    pub sealed: String,
    pub written_by: Option<i64>,
    pub written_by_name: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A desk session as stored; `sealed` holds its topics and next steps.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct StoredSession {
    pub id: i64,
    pub person_id: i64,
    pub org_id: Option<i64>,
    pub org_name: Option<String>,
    pub worker_id: Option<i64>,
    pub worker_name: Option<String>,
    pub held_on: String,
    pub sealed: String,
    pub created_at: i64,
}

/// Notes and contacts shown at most, newest first: a safe holds a handful.
const NOTES_SHOWN: i64 = 500;

const NOTE_SELECT: &str = "SELECT n.id, n.owner_id, n.kind, n.sealed, n.written_by, \
     u.display_name AS written_by_name, n.created_at, n.updated_at \
     FROM safe_notes n LEFT JOIN users u ON u.id = n.written_by";

const SESSION_SELECT: &str = "SELECT s.id, s.person_id, s.org_id, o.name AS org_name, s.worker_id, \
     u.display_name AS worker_name, s.held_on, s.sealed, s.created_at FROM desk_sessions s \
     LEFT JOIN organisations o ON o.id = s.org_id LEFT JOIN users u ON u.id = s.worker_id";

impl Db {
    pub async fn add_note(
        &self,
        owner: i64,
        kind: &str,
        sealed: &str,
        by: i64,
    ) -> Result<i64, StoreError> {
        let at = now();
        Ok(sqlx::query_scalar(
            "INSERT INTO safe_notes (owner_id, kind, sealed, written_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
        )
        .bind(owner)
        .bind(kind)
        .bind(sealed)
        .bind(by)
        .bind(at)
        .fetch_one(&self.pool)
        .await?)
    }

    pub async fn note(&self, id: i64) -> Result<StoredNote, StoreError> {
        let sql = format!("{NOTE_SELECT} WHERE n.id = $1");
        sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// An owner's notes and contacts, contacts first, newest first.
    pub async fn notes_of(&self, owner: i64) -> Result<Vec<StoredNote>, StoreError> {
        let sql = format!(
            "{NOTE_SELECT} WHERE n.owner_id = $1 ORDER BY n.kind, n.id DESC LIMIT {NOTES_SHOWN}"
        );
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(owner)
            .fetch_all(&self.pool)
            .await?)
    }

    /// Replaces a note's text, only if it still belongs to `owner`.
    pub async fn update_note(
        &self,
        owner: i64,
        id: i64,
        sealed: &str,
        by: i64,
    ) -> Result<(), StoreError> {
        let done = sqlx::query(
            "UPDATE safe_notes SET sealed = $1, written_by = $2, updated_at = $3 \
             WHERE id = $4 AND owner_id = $5",
        )
        .bind(sealed)
        .bind(by)
        .bind(now())
        .bind(id)
        .bind(owner)
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    pub async fn delete_note(&self, owner: i64, id: i64) -> Result<(), StoreError> {
        let done = sqlx::query("DELETE FROM safe_notes WHERE id = $1 AND owner_id = $2")
            .bind(id)
            .bind(owner)
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// Records a desk session held by `worker` for `org`; `held_on` is
    /// `YYYY-MM-DD`.
    pub async fn add_desk_session(
        &self,
        person: i64,
        org: i64,
        worker: i64,
        held_on: &str,
        sealed: &str,
    ) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "INSERT INTO desk_sessions (person_id, org_id, worker_id, held_on, sealed, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(person)
        .bind(org)
        .bind(worker)
        .bind(held_on)
        .bind(sealed)
        .bind(now())
        .fetch_one(&self.pool)
        .await?)
    }

    /// A person's desk sessions, latest first: all of them, or those of
    /// one organisation.
    pub async fn desk_sessions_of(
        &self,
        person: i64,
        org: Option<i64>,
        limit: i64,
    ) -> Result<Vec<StoredSession>, StoreError> {
        let sql = format!(
            "{SESSION_SELECT} WHERE s.person_id = $1 AND ($2 = 0 OR s.org_id = $2) \
             ORDER BY s.held_on DESC, s.id DESC LIMIT $3"
        );
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(person)
            .bind(org.unwrap_or(0))
            .bind(limit)
            .fetch_all(&self.pool)
            .await?)
    }
}
