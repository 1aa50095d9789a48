//! The store's error type: constraint violations are named once here so the
//! web layer can map them to 404 / 409 without looking at SQL.

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A unique constraint refused the write (an email already used, …).
    #[error("already exists")]
    Conflict,
    /// A step of an exchange's life that its current state forbids.
    #[error(transparent)]
    Illegal(#[from] entraide_core::lifecycle::Illegal),
    /// The exchange already has all the helpers it asked for.
    #[error("no place left")]
    Full,
    /// The change would leave an organisation without an admin.
    #[error("the last admin")]
    LastAdmin,
    #[error("the database URL is not valid: {0}")]
    InvalidUrl(String),
    #[error("the database cannot be reached: {0}")]
    Unreachable(String),
    #[error("migrations failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A job's payload could not be written or read back.
    #[error("job payload: {0}")]
    Payload(String),
    /// The database is busy (no connection free in time) or not answering
    /// (restarting, unreachable): nothing was written; retry shortly.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error("database error: {0}")]
    Database(sqlx::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        match &error {
            sqlx::Error::RowNotFound => Self::NotFound,
            sqlx::Error::Database(db) if db.is_unique_violation() => Self::Conflict,
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
                Self::Unavailable(error.to_string())
            }
            sqlx::Error::Database(db) if db.code().is_some_and(|code| busy(&code)) => {
                Self::Unavailable(error.to_string())
            }
            _ => Self::Database(error),
        }
    }
}

/// Whether a database error code says "busy or not answering, try again":
/// PostgreSQL's connection exceptions (class 08) and operator interventions
/// (class 57: shutting down, starting up); SQLite's BUSY and LOCKED, with
/// their extended codes (the low byte is the primary code).
fn busy(code: &str) -> bool {
    if code.starts_with("08") || code.starts_with("57") {
        return true;
    }
    code.parse::<u32>()
        .is_ok_and(|number| matches!(number & 0xff, 5 | 6))
}

#[cfg(test)]
mod tests {
    use super::busy;

    #[test]
    fn busy_codes_of_both_databases() {
        for code in ["08006", "08001", "57P01", "57P03", "5", "6", "517", "261"] {
            assert!(busy(code), "{code}");
        }
        for code in ["23505", "42P01", "40001", "1", "19", "2067", "10"] {
            assert!(!busy(code), "{code}");
        }
    }
}
