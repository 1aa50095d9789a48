//! Fresh databases for tests: a new SQLite file each time, and a new
//! PostgreSQL schema when `ENTRAIDE_TEST_POSTGRES_URL` is set.

use std::sync::Once;

use crate::{Db, StoreError, now};

pub const POSTGRES_ENV: &str = "ENTRAIDE_TEST_POSTGRES_URL";

/// A migrated database in a new SQLite file under the system temp folder.
pub async fn fresh_sqlite() -> Result<Db, StoreError> {
    let path = std::env::temp_dir().join(format!("entraide-test-{}.db", uuid::Uuid::new_v4()));
    let db = Db::connect(&format!("sqlite://{}", path.display())).await?;
    db.migrate().await?;
    Ok(db)
}

/// A migrated database in a new schema of the test PostgreSQL server, or
/// `None` when no server is configured.
pub async fn fresh_postgres() -> Result<Option<Db>, StoreError> {
    Ok(fresh_postgres_url().await?.map(|(db, _)| db))
}

/// Like [`fresh_postgres`], with the URL that reaches the new schema (for
/// tests that start server processes on it).
pub async fn fresh_postgres_url() -> Result<Option<(Db, String)>, StoreError> {
    let Ok(base) = std::env::var(POSTGRES_ENV) else {
        static SAY_ONCE: Once = Once::new();
        SAY_ONCE.call_once(|| eprintln!("PostgreSQL tests skipped: {POSTGRES_ENV} is not set"));
        return Ok(None);
    };
    let schema = format!("t_{}", uuid::Uuid::new_v4().simple());
    let admin = Db::connect(&base).await?;
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .execute(&admin.pool)
        .await?;
    admin.close().await;
    let sep = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{sep}options=-c%20search_path%3D{schema}");
    let db = Db::connect(&url).await?;
    db.migrate().await?;
    Ok(Some((db, url)))
}

/// Every backend available to this test run: SQLite always, PostgreSQL when configured.
pub async fn backends() -> Result<Vec<Db>, StoreError> {
    let mut all = vec![fresh_sqlite().await?];
    all.extend(fresh_postgres().await?);
    Ok(all)
}

impl Db {
    /// Creates an account with email and password directly, for tests
    /// (people sign up through [`Db::sign_up`]); `Conflict` when the email
    /// is already used.
    pub async fn create_user_with_email(
        &self,
        email: &str,
        password_hash: &str,
        display_name: &str,
        locale: &str,
    ) -> Result<i64, StoreError> {
        let _writing = self.writing();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (email, password_hash, display_name, locale, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(email)
        .bind(password_hash)
        .bind(display_name)
        .bind(locale)
        .bind(now())
        .fetch_one(&self.pool)
        .await?;
        Ok(id)
    }

    /// Every exact place the database knows (homes and the places of needs
    /// and offers) with the people allowed to see it: the owner, and for a
    /// need or an offer whoever posted it for them. Tests check that no
    /// response shows one to anybody else.
    pub async fn known_places(&self) -> Result<Vec<KnownPlace>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT id AS owner_id, NULL AS posted_by, home_lat AS lat, home_lng AS lng, home_label AS label \
             FROM users WHERE home_lat IS NOT NULL AND home_lng IS NOT NULL \
             UNION ALL SELECT owner_id, posted_by, lat, lng, place_label FROM exchanges",
        )
        .fetch_all(&self.pool)
        .await?)
    }
}

/// An exact place and who may see it (see [`Db::known_places`]).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct KnownPlace {
    pub owner_id: i64,
    pub posted_by: Option<i64>,
    pub lat: f64,
    pub lng: f64,
    pub label: Option<String>,
}
