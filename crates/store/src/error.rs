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
    #[error("database error: {0}")]
    Database(sqlx::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        match &error {
            sqlx::Error::RowNotFound => Self::NotFound,
            sqlx::Error::Database(db) if db.is_unique_violation() => Self::Conflict,
            _ => Self::Database(error),
        }
    }
}
