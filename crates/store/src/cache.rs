//! An in-process cache of who is signed in (session or API token → person,
//! and a person's tags), used on SQLite only.
//!
//! Why only SQLite: an SQLite database belongs to one server process, so
//! every write that could make an entry stale passes through this process
//! and clears the cache. PostgreSQL may serve several nodes, whose writes
//! this process never sees; there the cache is off.
//!
//! How it stays exact: every store method that writes the `users`,
//! `sessions`, `api_tokens` or `user_tags` tables holds a [`Writing`] guard
//! for its whole duration. The guard moves the epoch forward when it starts
//! and again when it ends (after the commit), and an entry is only served
//! when it was filled in the current epoch by a read that began with no write
//! in flight. A write made by another process on the same file (the
//! `grant-admin` command) is seen within [`TTL`].

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::profiles::Tags;
use crate::users::User;

/// The longest an entry is served, whatever happens.
pub const TTL: Duration = Duration::from_secs(30);
/// Entries per map before it is emptied (bounds memory at a few MB).
const CAPACITY: usize = 20_000;

struct Entry<V> {
    epoch: u64,
    filled: Instant,
    value: V,
}

/// One map of the cache.
pub(crate) struct Slot<K, V>(Mutex<HashMap<K, Entry<V>>>);

impl<K, V> Default for Slot<K, V> {
    fn default() -> Self {
        Self(Mutex::new(HashMap::new()))
    }
}

/// A session's owner and when the session ends.
#[derive(Clone)]
pub(crate) struct SessionOwner {
    pub user: User,
    pub expires_at: i64,
}

/// An API token's owner, its id and when it was last recorded as used.
#[derive(Clone)]
pub(crate) struct CachedToken {
    pub user: User,
    pub token_id: i64,
    pub used_at: Option<i64>,
}

#[derive(Default)]
pub(crate) struct Cache {
    epoch: AtomicU64,
    writers: AtomicU64,
    pub sessions: Slot<String, SessionOwner>,
    pub tokens: Slot<String, CachedToken>,
    pub tags: Slot<i64, Tags>,
}

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cache")
            .field("epoch", &self.epoch.load(Ordering::SeqCst))
            .finish_non_exhaustive()
    }
}

/// Held by a write for its whole duration; see the module comment.
pub(crate) struct Writing<'a>(Option<&'a Cache>);

impl Drop for Writing<'_> {
    fn drop(&mut self) {
        if let Some(cache) = self.0 {
            cache.epoch.fetch_add(1, Ordering::SeqCst);
            cache.writers.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

impl Cache {
    pub(crate) fn writing(cache: Option<&Self>) -> Writing<'_> {
        if let Some(cache) = cache {
            cache.writers.fetch_add(1, Ordering::SeqCst);
            cache.epoch.fetch_add(1, Ordering::SeqCst);
        }
        Writing(cache)
    }

    /// The epoch a read may fill entries for, or `None` while a write is in
    /// flight (its result must then not be kept).
    pub(crate) fn begin_read(&self) -> Option<u64> {
        let epoch = self.epoch.load(Ordering::SeqCst);
        (self.writers.load(Ordering::SeqCst) == 0).then_some(epoch)
    }

    pub(crate) fn get<K: Eq + Hash, V: Clone>(&self, slot: &Slot<K, V>, key: &K) -> Option<V> {
        let epoch = self.epoch.load(Ordering::SeqCst);
        let map = slot.0.lock().unwrap_or_else(PoisonError::into_inner);
        map.get(key)
            .filter(|e| e.epoch == epoch && e.filled.elapsed() < TTL)
            .map(|e| e.value.clone())
    }

    pub(crate) fn put<K: Eq + Hash, V>(&self, slot: &Slot<K, V>, key: K, read: u64, value: V) {
        let mut map = slot.0.lock().unwrap_or_else(PoisonError::into_inner);
        // Checked under the lock: a write that started after the read makes
        // the value possibly stale, so it is dropped.
        if self.epoch.load(Ordering::SeqCst) != read || self.writers.load(Ordering::SeqCst) != 0 {
            return;
        }
        if map.len() >= CAPACITY || map.values().next().is_some_and(|e| e.epoch != read) {
            map.clear();
        }
        map.insert(
            key,
            Entry {
                epoch: read,
                filled: Instant::now(),
                value,
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_during_a_read_keeps_the_result_out() {
        let cache = Cache::default();
        let slot: Slot<i64, i64> = Slot::default();
        let Some(read) = cache.begin_read() else {
            panic!("no write is in flight")
        };
        {
            let _w = Cache::writing(Some(&cache));
            assert!(cache.begin_read().is_none());
            cache.put(&slot, 1, read, 10);
        }
        assert_eq!(cache.get(&slot, &1), None);
        let Some(read) = cache.begin_read() else {
            panic!("no write is in flight")
        };
        cache.put(&slot, 1, read, 11);
        assert_eq!(cache.get(&slot, &1), Some(11));
        drop(Cache::writing(Some(&cache)));
        assert_eq!(cache.get(&slot, &1), None, "a finished write empties it");
    }

    /// Every store function that writes a table the cache reads must hold
    /// the guard; this reads the sources so a new one cannot forget it.
    #[test]
    fn every_write_to_cached_tables_holds_the_guard() {
        let sources = [
            include_str!("admin.rs"),
            include_str!("audit.rs"),
            include_str!("conversations.rs"),
            include_str!("exchanges.rs"),
            include_str!("generate.rs"),
            include_str!("handover.rs"),
            include_str!("matching.rs"),
            include_str!("messages.rs"),
            include_str!("moderation.rs"),
            include_str!("pairings.rs"),
            include_str!("participations.rs"),
            include_str!("programmes.rs"),
            include_str!("import.rs"),
            include_str!("orgs.rs"),
            include_str!("jobs.rs"),
            include_str!("notifications.rs"),
            include_str!("profiles.rs"),
            include_str!("search.rs"),
            include_str!("seed.rs"),
            include_str!("signup.rs"),
            include_str!("testing.rs"),
            include_str!("tokens.rs"),
            include_str!("users.rs"),
        ];
        let writes = [
            "INTO users",
            "UPDATE users",
            "DELETE FROM users",
            "INTO sessions",
            "UPDATE sessions",
            "DELETE FROM sessions",
            "INTO api_tokens",
            "UPDATE api_tokens",
            "DELETE FROM api_tokens",
            "INTO user_tags",
            "DELETE FROM user_tags",
        ];
        let mut missing = Vec::new();
        for source in sources {
            for function in source.split("async fn ").skip(1) {
                let name = function.split('(').next().unwrap_or_default();
                let body = function.split("\n    }\n").next().unwrap_or_default();
                let writes_cached = writes.iter().any(|w| body.contains(w));
                if writes_cached && !body.contains("self.writing()") {
                    missing.push(name.to_owned());
                }
            }
        }
        assert!(
            missing.is_empty(),
            "writes without the cache guard: {missing:?}"
        );
    }
}
