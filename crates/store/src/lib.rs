//! Entraide's persistence: one [`Db`] handle over SQLite or PostgreSQL,
//! the same SQL text for both, one module per domain.

pub mod admin;
pub mod audit;
pub mod board;
pub mod board_moderation;
mod cache;
pub mod claims;
pub mod conversations;
mod db;
mod error;
pub mod exchanges;
pub mod generate;
pub mod handover;
pub mod helper_index;
pub mod import;
pub mod jobs;
pub mod ledger;
pub mod ledger_views;
pub mod live;
pub mod matching;
pub mod messages;
pub mod moderation;
pub mod neighbourhood;
pub mod notifications;
pub mod orgs;
pub mod pairings;
pub mod participations;
pub mod profiles;
pub mod programmes;
pub mod recognition;
pub mod safe;
pub mod safe_access;
pub mod safe_notes;
pub mod schedule;
pub mod search;
pub mod seed;
pub mod signup;
mod sql;
pub mod telephony;
#[cfg(feature = "testing")]
pub mod testing;
pub mod thanks;
pub mod tokens;
pub mod users;
pub mod voicemail;

pub use db::{Backend, Db, now};
pub use error::StoreError;

/// One page of a listing: which page and how many rows per page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub number: i64,
    pub size: i64,
}

impl Page {
    /// Page numbers run from 1 to a million (so offsets cannot overflow);
    /// sizes are kept between 1 and 100.
    pub fn new(number: i64, size: i64) -> Self {
        Self {
            number: number.clamp(1, 1_000_000),
            size: size.clamp(1, 100),
        }
    }
    /// Rows to ask for: one more than the page holds, to learn whether a
    /// next page exists.
    pub fn limit(self) -> i64 {
        self.size + 1
    }
    pub fn offset(self) -> i64 {
        (self.number - 1) * self.size
    }
}

/// One page of rows, and whether more follow.
#[derive(Debug, Clone)]
pub struct Listing<T> {
    pub rows: Vec<T>,
    pub more: bool,
}

impl<T> Listing<T> {
    /// Cuts rows fetched with [`Page::limit`] down to the page.
    pub(crate) fn cut(mut rows: Vec<T>, page: Page) -> Self {
        let size = usize::try_from(page.size).unwrap_or(0);
        let more = rows.len() > size;
        rows.truncate(size);
        Self { rows, more }
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Listing<U> {
        Listing {
            rows: self.rows.into_iter().map(f).collect(),
            more: self.more,
        }
    }
}

/// `NotFound` when a write meant for one row touched none (an id that does
/// not exist, or does not belong to the caller).
pub(crate) fn one_row(done: sqlx::any::AnyQueryResult) -> Result<(), StoreError> {
    if done.rows_affected() == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}

/// A yes/no column. Both databases store it as an integer (0 or 1), because
/// the common driver does not carry SQLite's boolean type.
#[derive(Debug, Clone, Copy, sqlx::Type)]
#[sqlx(transparent)]
pub struct Flag(pub i64);

impl From<Flag> for bool {
    fn from(flag: Flag) -> Self {
        flag.0 != 0
    }
}
