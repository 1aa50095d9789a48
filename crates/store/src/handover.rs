//! Handing an account over to the person it was made for: someone
//! registered by a social worker (login + PIN) gives their own email and
//! password; once the email is confirmed, the PIN and the login stop
//! working, every session and API token opened with them ends, and the
//! registering organisation can no longer give a new PIN.

use crate::audit::NewAudit;
use crate::jobs::{Email, NewJob};
use crate::tokens::EmailPurpose;
use crate::{Db, StoreError, now};

/// A hand-over, parsed and hashed by the caller.
pub struct HandOver<'a> {
    pub user: i64,
    pub email: &'a str,
    pub password_hash: &'a str,
    /// Digest of the verification link's secret.
    pub verify_digest: &'a str,
    pub mail: &'a Email,
}

impl Db {
    /// Records the person's email (unconfirmed) and password, the link
    /// confirming the email and the mail carrying it, in one transaction.
    /// `NotFound` when the account is not a PIN account waiting for its
    /// hand-over; `Conflict` when another account uses the email.
    pub async fn start_handover(&self, new: &HandOver<'_>) -> Result<(), StoreError> {
        let _writing = self.writing();
        let at = now();
        let mut tx = self.pool.begin().await?;
        let changed = sqlx::query(
            "UPDATE users SET email = $1, password_hash = $2, email_verified_at = NULL \
             WHERE id = $3 AND login IS NOT NULL AND email_verified_at IS NULL",
        )
        .bind(new.email)
        .bind(new.password_hash)
        .bind(new.user)
        .execute(&mut *tx)
        .await?;
        if changed.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        // A link sent to an earlier address must not confirm this one.
        sqlx::query(
            "UPDATE email_tokens SET used_at = $1 WHERE user_id = $2 AND purpose = 'verify' AND used_at IS NULL",
        )
        .bind(at)
        .bind(new.user)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO email_tokens (token_hash, user_id, purpose, expires_at) VALUES ($1, $2, 'verify', $3)",
        )
        .bind(new.verify_digest)
        .bind(new.user)
        .bind(at + EmailPurpose::Verify.lifetime_seconds())
        .execute(&mut *tx)
        .await?;
        crate::jobs::enqueue_in(&mut tx, &NewJob::now("email", new.mail)?).await?;
        crate::audit::record(
            &mut tx,
            NewAudit {
                event: "handover-started",
                actor_id: Some(new.user),
                subject_id: Some(new.user),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Ends the PIN of a handed-over account whose email is now confirmed:
    /// login and PIN are cleared and every session and API token ends, so
    /// whoever saw the printed PIN keeps nothing. Returns whether it was
    /// such an account; doing it twice changes nothing.
    pub async fn finish_handover(&self, user: i64) -> Result<bool, StoreError> {
        let _writing = self.writing();
        let mut tx = self.pool.begin().await?;
        let done: Option<i64> = sqlx::query_scalar(
            "UPDATE users SET login = NULL, pin_hash = NULL, pin_failures = 0, pin_locked = 0 \
             WHERE id = $1 AND login IS NOT NULL AND email_verified_at IS NOT NULL \
             AND password_hash IS NOT NULL RETURNING id",
        )
        .bind(user)
        .fetch_optional(&mut *tx)
        .await?;
        if done.is_none() {
            return Ok(false);
        }
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM api_tokens WHERE user_id = $1")
            .bind(user)
            .execute(&mut *tx)
            .await?;
        crate::audit::record(
            &mut tx,
            NewAudit {
                event: "handover-completed",
                actor_id: Some(user),
                subject_id: Some(user),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }
}
