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
}
