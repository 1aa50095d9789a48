//! Listings for the platform administration and the data a person can
//! download about themself.

use crate::{Db, Page, StoreError};

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct PersonRow {
    pub id: i64,
    pub display_name: String,
    pub email: Option<String>,
    pub login: Option<String>,
    #[sqlx(try_from = "crate::Flag")]
    pub platform_admin: bool,
    #[sqlx(try_from = "crate::Flag")]
    pub pin_locked: bool,
    pub created_at: i64,
    pub deletion_requested_at: Option<i64>,
}

impl Db {
    /// People whose name, email or login contains `query` (all when empty).
    pub async fn people(
        &self,
        query: &str,
        page: Page,
    ) -> Result<crate::Listing<PersonRow>, StoreError> {
        let pattern = format!("%{}%", query.trim().to_lowercase().replace(['%', '_'], ""));
        let rows = sqlx::query_as(
            "SELECT id, display_name, email, login, platform_admin, pin_locked, created_at, deletion_requested_at \
             FROM users WHERE LOWER(display_name) LIKE $1 OR COALESCE(email, '') LIKE $1 OR COALESCE(login, '') LIKE $1 \
             ORDER BY id LIMIT $2 OFFSET $3",
        )
        .bind(pattern)
        .bind(page.limit())
        .bind(page.offset())
        .fetch_all(&self.pool)
        .await?;
        Ok(crate::Listing::cut(rows, page))
    }

    pub async fn count_people(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(&self.pool)
            .await?)
    }

    pub async fn count_organisations(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM organisations")
            .fetch_one(&self.pool)
            .await?)
    }
}
