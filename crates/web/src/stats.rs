//! Counts shown on the home page, kept for a short while so the most
//! visited page costs no database query.

use std::sync::RwLock;
use std::time::{Duration, Instant};

use entraide_store::{Db, StoreError};

/// How long the counts may be shown before they are read again.
const FRESH_FOR: Duration = Duration::from_secs(30);

#[derive(Default)]
pub struct HomeCounts(RwLock<Option<(Instant, Counts)>>);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub people: i64,
    pub organisations: i64,
}

impl HomeCounts {
    pub async fn get(&self, db: &Db) -> Result<Counts, StoreError> {
        if let Ok(guard) = self.0.read()
            && let Some((at, counts)) = *guard
            && at.elapsed() < FRESH_FOR
        {
            return Ok(counts);
        }
        let counts = Counts {
            people: db.count_people().await?,
            organisations: db.count_organisations().await?,
        };
        if let Ok(mut guard) = self.0.write() {
            *guard = Some((Instant::now(), counts));
        }
        Ok(counts)
    }
}
