//! Thanks ("mercis"): recorded within each person's daily allowance, and
//! listed on the profile of the person thanked.

use serde::Serialize;

use crate::{Db, StoreError, now};

/// Thanks a person may give in a day.
pub const DAILY_ALLOWANCE: i64 = 5;

/// A thank-you as the profile shows it.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct Thanks {
    pub id: i64,
    /// Empty when the giver's account was erased.
    pub from_name: Option<String>,
    pub message: String,
    /// The exchange the thanks are for, if any.
    pub exchange_id: Option<i64>,
    pub exchange_title: Option<String>,
    /// The board post the thanks (a merci) are for, if any.
    pub post_id: Option<i64>,
    pub post_title: Option<String>,
    pub created_at: i64,
}

impl Db {
    /// Records thanks unless `from` used up today's allowance (since
    /// `day_start`); returns the new id, or `None` when the allowance is
    /// spent. The count and the insert are one statement: serial on SQLite;
    /// on PostgreSQL two thanks sent at the same instant could both pass,
    /// which at worst gives one more thanks than the allowance.
    pub async fn give_thanks(
        &self,
        from: i64,
        to: i64,
        message: &str,
        exchange: Option<i64>,
        day_start: i64,
    ) -> Result<Option<i64>, StoreError> {
        Ok(sqlx::query_scalar(
            "INSERT INTO thanks (from_id, to_id, message, exchange_id, created_at) \
             SELECT $1, $2, $3, $7, $4 WHERE (SELECT COUNT(*) FROM thanks WHERE from_id = $1 AND created_at >= $5) < $6 \
             RETURNING id",
        )
        .bind(from)
        .bind(to)
        .bind(message)
        .bind(now())
        .bind(day_start)
        .bind(DAILY_ALLOWANCE)
        .bind(exchange)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Thanks left today for `from`.
    pub async fn thanks_left(&self, from: i64, day_start: i64) -> Result<i64, StoreError> {
        let used: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM thanks WHERE from_id = $1 AND created_at >= $2",
        )
        .bind(from)
        .bind(day_start)
        .fetch_one(&self.pool)
        .await?;
        Ok((DAILY_ALLOWANCE - used).max(0))
    }

    /// How many thanks `to` received, and the latest few.
    pub async fn thanks_received(
        &self,
        to: i64,
        latest: i64,
    ) -> Result<(i64, Vec<Thanks>), StoreError> {
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM thanks WHERE to_id = $1")
            .bind(to)
            .fetch_one(&self.pool)
            .await?;
        let rows = sqlx::query_as(
            "SELECT t.id, u.display_name AS from_name, t.message, t.exchange_id, \
             e.title AS exchange_title, t.post_id, p.title AS post_title, t.created_at FROM thanks t \
             LEFT JOIN users u ON u.id = t.from_id LEFT JOIN exchanges e ON e.id = t.exchange_id \
             LEFT JOIN board_posts p ON p.id = t.post_id WHERE t.to_id = $1 ORDER BY t.id DESC LIMIT $2",
        )
        .bind(to)
        .bind(latest)
        .fetch_all(&self.pool)
        .await?;
        Ok((count, rows))
    }

    /// Every thanks `from` gave (recipient's name, message, when), for
    /// their data download.
    pub async fn thanks_given(&self, from: i64) -> Result<Vec<Thanks>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT t.id, u.display_name AS from_name, t.message, t.exchange_id, \
             e.title AS exchange_title, t.post_id, p.title AS post_title, t.created_at FROM thanks t \
             JOIN users u ON u.id = t.to_id LEFT JOIN exchanges e ON e.id = t.exchange_id \
             LEFT JOIN board_posts p ON p.id = t.post_id WHERE t.from_id = $1 ORDER BY t.id",
        )
        .bind(from)
        .fetch_all(&self.pool)
        .await?)
    }
}
