//! Creating an account by sign-up: the person, their verification link, the
//! email carrying it and the audit entry are written together or not at all.

use crate::jobs::{Email, NewJob};
use crate::tokens::EmailPurpose;
use crate::{Db, StoreError, now};

/// A sign-up, already parsed and hashed by the caller.
pub struct SignUp<'a> {
    pub email: &'a str,
    pub password_hash: &'a str,
    pub display_name: &'a str,
    pub locale: &'a str,
    /// Digest of the verification link's secret.
    pub verify_digest: &'a str,
    pub mail: &'a Email,
}

impl Db {
    /// Creates the account in one transaction; `Conflict` when the email is
    /// already used.
    pub async fn sign_up(&self, new: &SignUp<'_>) -> Result<i64, StoreError> {
        let _writing = self.writing();
        let at = now();
        let mut tx = self.pool.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (email, password_hash, display_name, locale, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(new.email)
        .bind(new.password_hash)
        .bind(new.display_name)
        .bind(new.locale)
        .bind(at)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query("INSERT INTO email_tokens (token_hash, user_id, purpose, expires_at) VALUES ($1, $2, 'verify', $3)")
            .bind(new.verify_digest)
            .bind(id)
            .bind(at + EmailPurpose::Verify.lifetime_seconds())
            .execute(&mut *tx)
            .await?;
        crate::jobs::enqueue_in(&mut tx, &NewJob::now("email", new.mail)?).await?;
        sqlx::query("INSERT INTO audit_log (at, event, actor_id, detail) VALUES ($1, 'account-created', $2, '')")
            .bind(at)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(id)
    }
}
