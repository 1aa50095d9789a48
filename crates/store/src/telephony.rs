//! Telephony settings and boxes: each organisation's provider and pool of
//! numbers (a released number rests before it is given again), and the
//! voice box of each person, with its PIN's digest and lock.

use serde::Serialize;

use crate::{Db, StoreError, now};

/// An organisation's provider, as stored (the token stays sealed).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Provider {
    pub org_id: i64,
    pub api_url: String,
    pub account_sid: String,
    pub key_id: String,
    pub wrapped_key: String,
    pub sealed_token: String,
    pub access_number: Option<String>,
    pub shared_number: Option<String>,
    pub quarantine_days: i64,
}

/// A number of the pool and who holds it.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct PoolNumber {
    pub id: i64,
    pub number: String,
    pub holder_id: Option<i64>,
    pub holder_name: Option<String>,
    /// When its last holder gave it back.
    pub released_at: Option<i64>,
}

/// A person's voice box.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct VoiceBox {
    pub id: i64,
    pub user_id: i64,
    pub org_id: i64,
    pub number: Option<String>,
    pub box_number: String,
    pub pin_tag: String,
    pub failed_pins: i64,
    pub locked_at: Option<i64>,
    #[sqlx(try_from = "crate::Flag")]
    pub notify_worker: bool,
    pub opened_by: Option<i64>,
    pub display_name: String,
    pub locale: String,
}

const BOX_SELECT: &str = "SELECT b.id, b.user_id, b.org_id, n.number, b.box_number, b.pin_tag, \
     b.failed_pins, b.locked_at, b.notify_worker, b.opened_by, u.display_name, u.locale \
     FROM voice_boxes b JOIN users u ON u.id = b.user_id \
     LEFT JOIN phone_numbers n ON n.id = b.number_id";

impl Db {
    pub async fn phone_provider(&self, org: i64) -> Result<Option<Provider>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT org_id, api_url, account_sid, key_id, wrapped_key, sealed_token, access_number, \
             shared_number, quarantine_days FROM phone_providers WHERE org_id = $1",
        )
        .bind(org)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Creates or replaces the provider of `provider.org_id`.
    pub async fn set_phone_provider(&self, provider: &Provider) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO phone_providers (org_id, api_url, account_sid, key_id, wrapped_key, \
             sealed_token, access_number, shared_number, quarantine_days, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (org_id) DO UPDATE SET \
             api_url = excluded.api_url, account_sid = excluded.account_sid, \
             sealed_token = excluded.sealed_token, access_number = excluded.access_number, \
             shared_number = excluded.shared_number, quarantine_days = excluded.quarantine_days, \
             updated_at = excluded.updated_at",
        )
        .bind(provider.org_id)
        .bind(&provider.api_url)
        .bind(&provider.account_sid)
        .bind(&provider.key_id)
        .bind(&provider.wrapped_key)
        .bind(&provider.sealed_token)
        .bind(&provider.access_number)
        .bind(&provider.shared_number)
        .bind(provider.quarantine_days)
        .bind(now())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The providers' wrapped keys, for a server key rotation.
    pub async fn phone_provider_keys(&self) -> Result<Vec<(i64, String, String)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT org_id, key_id, wrapped_key FROM phone_providers ORDER BY org_id",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    /// Replaces a provider's wrapped key if it is still the one read.
    pub async fn rewrap_phone_provider_key(
        &self,
        org: i64,
        old_key_id: &str,
        key_id: &str,
        wrapped: &str,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE phone_providers SET key_id = $1, wrapped_key = $2 WHERE org_id = $3 AND key_id = $4",
        )
        .bind(key_id)
        .bind(wrapped)
        .bind(org)
        .bind(old_key_id)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Which organisation's numbers include `number` (personal, access or
    /// shared), to route a call.
    pub async fn org_of_number(&self, number: &str) -> Result<Option<i64>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT org_id FROM phone_numbers WHERE number = $1 UNION ALL \
             SELECT org_id FROM phone_providers WHERE access_number = $1 OR shared_number = $1",
        )
        .bind(number)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Adds numbers to the pool; returns how many were new.
    pub async fn add_pool_numbers(&self, org: i64, numbers: &[String]) -> Result<u64, StoreError> {
        let mut tx = self.pool.begin().await?;
        let mut added = 0;
        for number in numbers {
            added += sqlx::query(
                "INSERT INTO phone_numbers (org_id, number, created_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (number) DO NOTHING",
            )
            .bind(org)
            .bind(number)
            .bind(now())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        }
        tx.commit().await?;
        Ok(added)
    }

    pub async fn pool_numbers(&self, org: i64) -> Result<Vec<PoolNumber>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT n.id, n.number, b.user_id AS holder_id, u.display_name AS holder_name, \
             n.released_at FROM phone_numbers n LEFT JOIN voice_boxes b ON b.number_id = n.id \
             LEFT JOIN users u ON u.id = b.user_id WHERE n.org_id = $1 ORDER BY n.number",
        )
        .bind(org)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Removes a number nobody holds; `false` when it is held or unknown.
    pub async fn remove_pool_number(&self, org: i64, id: i64) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "DELETE FROM phone_numbers WHERE id = $1 AND org_id = $2 \
             AND NOT EXISTS (SELECT 1 FROM voice_boxes WHERE number_id = $1)",
        )
        .bind(id)
        .bind(org)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Opens `user`'s box, on the first free number of the pool that has
    /// rested `quarantine_days` when `personal`, else as a box of the shared
    /// number. `None` when the person already has a box or no number is free.
    pub async fn open_voice_box(&self, new: &NewBox<'_>) -> Result<Option<i64>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let number: Option<i64> = if new.personal {
            let rested = now() - new.quarantine_days * 86_400;
            let free: Option<i64> = sqlx::query_scalar(
                "SELECT n.id FROM phone_numbers n WHERE n.org_id = $1 \
                 AND (n.released_at IS NULL OR n.released_at <= $2) \
                 AND NOT EXISTS (SELECT 1 FROM voice_boxes b WHERE b.number_id = n.id) \
                 ORDER BY n.released_at IS NOT NULL, n.released_at, n.id LIMIT 1",
            )
            .bind(new.org)
            .bind(rested)
            .fetch_optional(&mut *tx)
            .await?;
            match free {
                Some(id) => Some(id),
                None => return Ok(None),
            }
        } else {
            None
        };
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO voice_boxes (user_id, org_id, number_id, box_number, pin_tag, opened_by, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING id",
        )
        .bind(new.user)
        .bind(new.org)
        .bind(number)
        .bind(new.box_number)
        .bind(new.pin_tag)
        .bind(new.opened_by)
        .bind(now())
        .fetch_optional(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn voice_box_of(&self, user: i64) -> Result<Option<VoiceBox>, StoreError> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{BOX_SELECT} WHERE b.user_id = $1"
        )))
        .bind(user)
        .fetch_optional(&self.pool)
        .await?)
    }

    pub async fn voice_box(&self, id: i64) -> Result<VoiceBox, StoreError> {
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{BOX_SELECT} WHERE b.id = $1")))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// The box a caller names on the keypad: its box number in `org`, or the
    /// personal number it lives on.
    pub async fn voice_box_named(
        &self,
        org: i64,
        box_number: &str,
        number: Option<&str>,
    ) -> Result<Option<VoiceBox>, StoreError> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{BOX_SELECT} WHERE b.org_id = $1 AND (b.box_number = $2 OR n.number = $3)"
        )))
        .bind(org)
        .bind(box_number)
        .bind(number.unwrap_or(""))
        .fetch_optional(&self.pool)
        .await?)
    }

    /// The box living on the personal number `number`.
    pub async fn voice_box_on(&self, number: &str) -> Result<Option<VoiceBox>, StoreError> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{BOX_SELECT} WHERE n.number = $1"
        )))
        .bind(number)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Closes a box (its messages go with it) and puts its number to rest.
    pub async fn close_voice_box(&self, id: i64) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "UPDATE phone_numbers SET released_at = $1 \
             WHERE id = (SELECT number_id FROM voice_boxes WHERE id = $2)",
        )
        .bind(now())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM voice_boxes WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Counts a wrong PIN; the box locks at `max`. Returns whether it is
    /// now locked.
    pub async fn wrong_voice_pin(&self, id: i64, max: i64) -> Result<bool, StoreError> {
        let locked: Option<i64> = sqlx::query_scalar(
            "UPDATE voice_boxes SET failed_pins = failed_pins + 1, \
             locked_at = CASE WHEN failed_pins + 1 >= $1 THEN COALESCE(locked_at, $2) ELSE locked_at END \
             WHERE id = $3 RETURNING locked_at",
        )
        .bind(max)
        .bind(now())
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .flatten();
        Ok(locked.is_some())
    }

    /// Clears the count of wrong PINs and the lock.
    pub async fn unlock_voice_box(&self, id: i64) -> Result<(), StoreError> {
        sqlx::query("UPDATE voice_boxes SET failed_pins = 0, locked_at = NULL WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// A new PIN digest; it also unlocks the box.
    pub async fn set_voice_pin(&self, id: i64, pin_tag: &str) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE voice_boxes SET pin_tag = $1, failed_pins = 0, locked_at = NULL WHERE id = $2",
        )
        .bind(pin_tag)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn set_notify_worker(&self, id: i64, on: bool) -> Result<(), StoreError> {
        sqlx::query("UPDATE voice_boxes SET notify_worker = $1 WHERE id = $2")
            .bind(i64::from(on))
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

/// A box to open.
pub struct NewBox<'a> {
    pub user: i64,
    pub org: i64,
    pub personal: bool,
    pub quarantine_days: i64,
    pub box_number: &'a str,
    pub pin_tag: &'a str,
    pub opened_by: i64,
}
