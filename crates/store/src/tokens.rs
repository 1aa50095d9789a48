//! Bearer secrets, stored only as digests: sign-in sessions, personal API
//! tokens and single-use email links (verification, password reset).

use crate::{Db, StoreError, now};

/// How long a sign-in session lives.
pub const SESSION_SECONDS: i64 = 30 * 24 * 3600;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

/// What a single-use email link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailPurpose {
    Verify,
    Reset,
}

impl EmailPurpose {
    fn key(self) -> &'static str {
        match self {
            Self::Verify => "verify",
            Self::Reset => "reset",
        }
    }
    /// Verification links last two days, reset links one hour.
    pub fn lifetime_seconds(self) -> i64 {
        match self {
            Self::Verify => 48 * 3600,
            Self::Reset => 3600,
        }
    }
}

impl Db {
    pub async fn create_session(&self, digest: &str, user_id: i64) -> Result<(), StoreError> {
        let _writing = self.writing();
        let at = now();
        sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(digest)
            .bind(user_id)
            .bind(at)
            .bind(at + SESSION_SECONDS)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The person behind a live session.
    pub async fn session_user(&self, digest: &str) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT user_id FROM sessions WHERE token_hash = $1 AND expires_at > $2",
        )
        .bind(digest)
        .bind(now())
        .fetch_one(&self.pool)
        .await?)
    }

    pub async fn delete_session(&self, digest: &str) -> Result<(), StoreError> {
        let _writing = self.writing();
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(digest)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn delete_expired_sessions(&self) -> Result<u64, StoreError> {
        let _writing = self.writing();
        let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(now())
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    pub async fn create_api_token(
        &self,
        user_id: i64,
        name: &str,
        digest: &str,
    ) -> Result<i64, StoreError> {
        let _writing = self.writing();
        Ok(sqlx::query_scalar(
            "INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(user_id)
        .bind(name)
        .bind(digest)
        .bind(now())
        .fetch_one(&self.pool)
        .await?)
    }

    pub async fn api_tokens(&self, user_id: i64) -> Result<Vec<ApiToken>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT id, name, created_at, last_used_at FROM api_tokens WHERE user_id = $1 ORDER BY id",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Revokes one of the person's tokens; `NotFound` if it is not theirs.
    pub async fn revoke_api_token(&self, user_id: i64, token_id: i64) -> Result<(), StoreError> {
        let _writing = self.writing();
        crate::one_row(
            sqlx::query("DELETE FROM api_tokens WHERE id = $1 AND user_id = $2")
                .bind(token_id)
                .bind(user_id)
                .execute(&self.pool)
                .await?,
        )
    }

    pub async fn create_email_token(
        &self,
        digest: &str,
        user_id: i64,
        purpose: EmailPurpose,
    ) -> Result<(), StoreError> {
        let _writing = self.writing();
        sqlx::query("INSERT INTO email_tokens (token_hash, user_id, purpose, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(digest)
            .bind(user_id)
            .bind(purpose.key())
            .bind(now() + purpose.lifetime_seconds())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Uses a single-use link: returns its person, or `NotFound` when the
    /// link is unknown, expired, already used or meant for something else.
    /// The update is one statement, so two clicks cannot both succeed.
    pub async fn consume_email_token(
        &self,
        digest: &str,
        purpose: EmailPurpose,
    ) -> Result<i64, StoreError> {
        let _writing = self.writing();
        let at = now();
        Ok(sqlx::query_scalar(
            "UPDATE email_tokens SET used_at = $1 WHERE token_hash = $2 AND purpose = $3 \
             AND used_at IS NULL AND expires_at > $1 RETURNING user_id",
        )
        .bind(at)
        .bind(digest)
        .bind(purpose.key())
        .fetch_one(&self.pool)
        .await?)
    }

    /// Checks a link without using it (to show the reset form).
    pub async fn peek_email_token(
        &self,
        digest: &str,
        purpose: EmailPurpose,
    ) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT user_id FROM email_tokens WHERE token_hash = $1 AND purpose = $2 \
             AND used_at IS NULL AND expires_at > $3",
        )
        .bind(digest)
        .bind(purpose.key())
        .bind(now())
        .fetch_one(&self.pool)
        .await?)
    }

    /// Uses a reset link: sets the new password hash, confirms the email
    /// (the link proved it), and ends every session and API token, all in
    /// one transaction. `NotFound` when the link is unknown, used or expired.
    pub async fn reset_password(
        &self,
        digest: &str,
        password_hash: &str,
    ) -> Result<i64, StoreError> {
        let _writing = self.writing();
        let at = now();
        let mut tx = self.pool.begin().await?;
        let user_id: i64 = sqlx::query_scalar(
            "UPDATE email_tokens SET used_at = $1 WHERE token_hash = $2 AND purpose = 'reset' \
             AND used_at IS NULL AND expires_at > $1 RETURNING user_id",
        )
        .bind(at)
        .bind(digest)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query("UPDATE users SET password_hash = $1, email_verified_at = COALESCE(email_verified_at, $2) WHERE id = $3")
            .bind(password_hash)
            .bind(at)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM api_tokens WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(user_id)
    }
}
