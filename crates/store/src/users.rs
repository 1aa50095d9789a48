//! People's accounts: creation by sign-up or by a social worker, credentials,
//! email verification, PIN lockout and account deletion.

use crate::cache::{Cache, CachedToken, SessionOwner};
use crate::{Db, StoreError, now};

/// A person as the application sees them. Secrets (password and PIN hashes)
/// are never part of it; exact home coordinates are, and must only be shown
/// to the person themself.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct User {
    pub id: i64,
    pub email: Option<String>,
    pub email_verified_at: Option<i64>,
    pub login: Option<String>,
    #[sqlx(try_from = "crate::Flag")]
    pub pin_locked: bool,
    pub display_name: String,
    pub bio: String,
    pub photo: Option<String>,
    #[sqlx(try_from = "crate::Flag")]
    pub platform_admin: bool,
    pub locale: String,
    pub visibility: String,
    pub home_label: Option<String>,
    pub home_lat: Option<f64>,
    pub home_lng: Option<f64>,
    pub home_cell: Option<i64>,
    pub availability: i64,
    pub birth_year: Option<i64>,
    pub registered_by: Option<i64>,
    pub registered_org: Option<i64>,
    pub created_at: i64,
    pub deletion_requested_at: Option<i64>,
}

/// Qualified, so queries joining other tables stay unambiguous.
const USER_COLUMNS: &str = "users.id, users.email, users.email_verified_at, users.login, users.pin_locked, \
     users.display_name, users.bio, users.photo, users.platform_admin, users.locale, users.visibility, \
     users.home_label, users.home_lat, users.home_lng, users.home_cell, users.availability, \
     users.birth_year, users.registered_by, users.registered_org, users.created_at, users.deletion_requested_at";

#[derive(sqlx::FromRow)]
struct TokenRow {
    #[sqlx(flatten)]
    user: User,
    token_id: i64,
    token_used_at: Option<i64>,
}

/// A session joined with its owner.
#[derive(sqlx::FromRow)]
struct SessionRow {
    #[sqlx(flatten)]
    user: User,
    session_expires_at: i64,
}

/// What is needed to check a PIN.
#[derive(Clone, sqlx::FromRow)]
pub struct PinAccount {
    pub id: i64,
    pub pin_hash: Option<String>,
    pub pin_failures: i64,
    #[sqlx(try_from = "crate::Flag")]
    pub pin_locked: bool,
}

/// PIN attempts allowed before the account locks.
pub const MAX_PIN_FAILURES: i64 = 5;

/// A new account registered by a social worker for someone without email.
pub struct AccompaniedPerson<'a> {
    pub display_name: &'a str,
    pub login: &'a str,
    pub pin_hash: &'a str,
    pub locale: &'a str,
    pub birth_year: Option<i64>,
    /// A mobile number (`+336…`): texts become their way to be told.
    pub phone: Option<&'a str>,
    pub registered_by: i64,
    /// The organisation registering them; they become its member.
    pub org_id: i64,
}

impl Db {
    /// Creates a login + PIN account, member of the registering
    /// organisation, in one transaction; `Conflict` when the login is taken.
    pub async fn create_accompanied_user(
        &self,
        person: &AccompaniedPerson<'_>,
    ) -> Result<i64, StoreError> {
        let _writing = self.writing();
        let at = now();
        let mut tx = self.pool.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (login, pin_hash, display_name, locale, birth_year, registered_by, registered_org, created_at, \
             phone, notify_channel) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(person.login)
        .bind(person.pin_hash)
        .bind(person.display_name)
        .bind(person.locale)
        .bind(person.birth_year)
        .bind(person.registered_by)
        .bind(person.org_id)
        .bind(at)
        .bind(person.phone)
        .bind(if person.phone.is_some() { "sms" } else { "email" })
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query("INSERT INTO memberships (org_id, user_id, role, created_at) VALUES ($1, $2, 'member', $3)")
            .bind(person.org_id)
            .bind(id)
            .bind(at)
            .execute(&mut *tx)
            .await?;
        crate::safe_access::consent_in(&mut tx, id, person.org_id, Some(person.registered_by), at)
            .await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn user(&self, id: i64) -> Result<User, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_one(&self.pool)
            .await?)
    }

    /// The person behind a live session, in one query (this runs on every
    /// signed-in request; on SQLite it is usually answered from memory).
    pub async fn user_by_session(&self, digest: &str) -> Result<User, StoreError> {
        let at = now();
        let cached = self
            .cache
            .as_deref()
            .and_then(|c| c.get(&c.sessions, &digest.to_owned()));
        if let Some(hit) = cached.filter(|hit| hit.expires_at > at) {
            return Ok(hit.user);
        }
        let read = self.cache.as_deref().and_then(Cache::begin_read);
        let sql = format!(
            "SELECT {USER_COLUMNS}, s.expires_at AS session_expires_at FROM users \
             JOIN sessions s ON s.user_id = users.id WHERE s.token_hash = $1 AND s.expires_at > $2"
        );
        let row: SessionRow = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(digest)
            .bind(at)
            .fetch_one(&self.pool)
            .await?;
        if let (Some(cache), Some(read)) = (self.cache.as_deref(), read) {
            let owner = SessionOwner {
                user: row.user.clone(),
                expires_at: row.session_expires_at,
            };
            cache.put(&cache.sessions, digest.to_owned(), read, owner);
        }
        Ok(row.user)
    }

    /// The owner of a personal API token, in one query; records when the
    /// token was last used (at most once a minute, to keep reads cheap).
    pub async fn user_by_api_token(&self, digest: &str) -> Result<User, StoreError> {
        let at = now();
        let cached = self
            .cache
            .as_deref()
            .and_then(|c| c.get(&c.tokens, &digest.to_owned()));
        let owner = match cached {
            Some(owner) => owner,
            None => {
                let read = self.cache.as_deref().and_then(Cache::begin_read);
                let sql = format!(
                    "SELECT {USER_COLUMNS}, t.id AS token_id, t.last_used_at AS token_used_at \
                     FROM users JOIN api_tokens t ON t.user_id = users.id WHERE t.token_hash = $1"
                );
                let row: TokenRow = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                    .bind(digest)
                    .fetch_one(&self.pool)
                    .await?;
                let owner = CachedToken {
                    user: row.user,
                    token_id: row.token_id,
                    used_at: row.token_used_at,
                };
                if let (Some(cache), Some(read)) = (self.cache.as_deref(), read) {
                    cache.put(&cache.tokens, digest.to_owned(), read, owner.clone());
                }
                owner
            }
        };
        if owner.used_at.is_none_or(|last| at - last > 60) {
            let _w = self.writing();
            sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
                .bind(at)
                .bind(owner.token_id)
                .execute(&self.pool)
                .await?;
        }
        Ok(owner.user)
    }

    pub async fn user_by_email(&self, email: &str) -> Result<User, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE email = $1");
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(email)
            .fetch_one(&self.pool)
            .await?)
    }

    /// The stored password hash of an email account, if any.
    pub async fn password_hash_by_email(
        &self,
        email: &str,
    ) -> Result<(i64, Option<String>), StoreError> {
        Ok(
            sqlx::query_as("SELECT id, password_hash FROM users WHERE email = $1")
                .bind(email)
                .fetch_one(&self.pool)
                .await?,
        )
    }

    pub async fn password_hash(&self, user_id: i64) -> Result<Option<String>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
                .bind(user_id)
                .fetch_one(&self.pool)
                .await?,
        )
    }

    pub async fn mark_email_verified(&self, user_id: i64) -> Result<(), StoreError> {
        let _writing = self.writing();
        sqlx::query(
            "UPDATE users SET email_verified_at = $1 WHERE id = $2 AND email_verified_at IS NULL",
        )
        .bind(now())
        .bind(user_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn pin_account(&self, login: &str) -> Result<PinAccount, StoreError> {
        Ok(sqlx::query_as(
            "SELECT id, pin_hash, pin_failures, pin_locked FROM users WHERE login = $1",
        )
        .bind(login)
        .fetch_one(&self.pool)
        .await?)
    }

    /// Counts a PIN attempt before the PIN is checked, in one statement, so
    /// that attempts made in parallel cannot go past the limit. Returns the
    /// attempt's number since the last right PIN, or `None` when the account
    /// is locked.
    pub async fn reserve_pin_attempt(&self, user_id: i64) -> Result<Option<i64>, StoreError> {
        let _writing = self.writing();
        Ok(sqlx::query_scalar(
            "UPDATE users SET pin_failures = pin_failures + 1 WHERE id = $1 AND pin_locked = 0 RETURNING pin_failures",
        )
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Locks a PIN account until a social worker gives a new PIN.
    pub async fn lock_pin(&self, user_id: i64) -> Result<(), StoreError> {
        let _writing = self.writing();
        sqlx::query("UPDATE users SET pin_locked = 1 WHERE id = $1")
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn reset_pin_failures(&self, user_id: i64) -> Result<(), StoreError> {
        let _writing = self.writing();
        sqlx::query("UPDATE users SET pin_failures = 0 WHERE id = $1 AND pin_failures <> 0")
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Unlocks a PIN account, optionally with a new PIN.
    pub async fn unlock_pin(
        &self,
        user_id: i64,
        new_pin_hash: Option<&str>,
    ) -> Result<(), StoreError> {
        let _writing = self.writing();
        sqlx::query(
            "UPDATE users SET pin_failures = 0, pin_locked = 0, \
             pin_hash = COALESCE($1, pin_hash) WHERE id = $2",
        )
        .bind(new_pin_hash)
        .bind(user_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn set_locale(&self, user_id: i64, locale: &str) -> Result<(), StoreError> {
        let _writing = self.writing();
        sqlx::query("UPDATE users SET locale = $1 WHERE id = $2")
            .bind(locale)
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn set_platform_admin(&self, user_id: i64, admin: bool) -> Result<(), StoreError> {
        let _writing = self.writing();
        sqlx::query("UPDATE users SET platform_admin = $1 WHERE id = $2")
            .bind(i64::from(admin))
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Starts the grace period before an account is erased; signing out everywhere.
    pub async fn request_deletion(&self, user_id: i64) -> Result<(), StoreError> {
        let _writing = self.writing();
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE users SET deletion_requested_at = $1, changed_at = $1 WHERE id = $2")
            .bind(now())
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM api_tokens WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn cancel_deletion(&self, user_id: i64) -> Result<(), StoreError> {
        let _writing = self.writing();
        sqlx::query("UPDATE users SET deletion_requested_at = NULL, changed_at = $1 WHERE id = $2")
            .bind(now())
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Erases the accounts whose grace period ended before `cutoff` and
    /// returns, for each, its photo file name (for the caller to remove).
    /// Their audit entries stay, with the person's reference removed by the
    /// foreign key (`ON DELETE SET NULL`).
    pub async fn purge_deleted_accounts(
        &self,
        cutoff: i64,
    ) -> Result<Vec<Option<String>>, StoreError> {
        let _writing = self.writing();
        Ok(sqlx::query_scalar(
            "DELETE FROM users WHERE deletion_requested_at IS NOT NULL AND deletion_requested_at < $1 RETURNING photo",
        )
        .bind(cutoff)
        .fetch_all(&self.pool)
        .await?)
    }
}

/// A person registered by an organisation, with the role the asking member
/// holds there (to decide whether they may act for them).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RegisteredPerson {
    pub id: i64,
    pub display_name: String,
    pub org_id: i64,
    pub role: String,
}

impl Db {
    /// People registered by the organisations `member_id` belongs to, with
    /// `member_id`'s role in each; sorted by name, at most 500.
    pub async fn registered_people_for(
        &self,
        member_id: i64,
    ) -> Result<Vec<RegisteredPerson>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT u.id, u.display_name, m.org_id, m.role FROM users u \
             JOIN memberships m ON m.org_id = u.registered_org \
             WHERE m.user_id = $1 AND u.id <> $1 AND u.deletion_requested_at IS NULL \
             ORDER BY u.display_name, u.id LIMIT 500",
        )
        .bind(member_id)
        .fetch_all(&self.pool)
        .await?)
    }
}
