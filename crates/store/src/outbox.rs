//! Outgoing email, written in the same transaction as the act that causes
//! it and delivered by a worker with retries, so a crash between "saved"
//! and "sent" loses nothing.

use crate::{Backend, Db, StoreError, now};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OutgoingEmail {
    pub id: i64,
    pub to_address: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub attempts: i64,
}

/// An email to queue.
#[derive(Debug, Clone)]
pub struct NewEmail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// After this many failed attempts a message stays in the table as a dead
/// letter for an administrator to look at.
pub const MAX_ATTEMPTS: i64 = 8;
/// A claimed message is retried by another worker if not settled in time.
const CLAIM_SECONDS: i64 = 120;

impl Db {
    pub async fn enqueue_email(
        &self,
        to: &str,
        subject: &str,
        text: &str,
        html: &str,
    ) -> Result<i64, StoreError> {
        let at = now();
        Ok(sqlx::query_scalar(
            "INSERT INTO outbox_emails (to_address, subject, body_text, body_html, created_at, next_attempt_at) \
             VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
        )
        .bind(to)
        .bind(subject)
        .bind(text)
        .bind(html)
        .bind(at)
        .fetch_one(&self.pool)
        .await?)
    }

    /// Claims up to `limit` messages that are due. Several workers on several
    /// nodes never claim the same message at once.
    pub async fn claim_emails(&self, limit: i64) -> Result<Vec<OutgoingEmail>, StoreError> {
        let at = now();
        // PostgreSQL needs SKIP LOCKED for concurrent claimers; SQLite has a
        // single writer, so the plain form is already exclusive there.
        let lock = match self.backend() {
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let sql = format!(
            "UPDATE outbox_emails SET locked_until = $1, attempts = attempts + 1 WHERE id IN \
             (SELECT id FROM outbox_emails WHERE sent_at IS NULL AND next_attempt_at <= $2 \
              AND locked_until <= $2 AND attempts < $3 ORDER BY id LIMIT $4{lock}) \
             RETURNING id, to_address, subject, body_text, body_html, attempts"
        );
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(at + CLAIM_SECONDS)
            .bind(at)
            .bind(MAX_ATTEMPTS)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?)
    }

    pub async fn mark_email_sent(&self, id: i64) -> Result<(), StoreError> {
        sqlx::query("UPDATE outbox_emails SET sent_at = $1, locked_until = 0, last_error = NULL WHERE id = $2")
            .bind(now())
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Schedules another attempt with exponential backoff (30 s, 1 min, 2 min…).
    pub async fn mark_email_failed(
        &self,
        id: i64,
        attempts: i64,
        error: &str,
    ) -> Result<(), StoreError> {
        let delay = 30_i64 << attempts.clamp(0, 12);
        sqlx::query("UPDATE outbox_emails SET next_attempt_at = $1, locked_until = 0, last_error = $2 WHERE id = $3")
            .bind(now() + delay)
            .bind(error)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Messages not yet sent, for tests and the administration.
    pub async fn pending_email_count(&self) -> Result<i64, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT COUNT(*) FROM outbox_emails WHERE sent_at IS NULL")
                .fetch_one(&self.pool)
                .await?,
        )
    }
}
