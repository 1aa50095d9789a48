//! Live signals between nodes. On PostgreSQL, `NOTIFY` carries the ids of
//! the people whose messages or notifications changed (ids only, never
//! content); every node `LISTEN`s and wakes its own open streams. SQLite
//! belongs to one process, which signals its streams directly.

use sqlx::postgres::PgListener;

use crate::{Backend, Db, StoreError};

/// The channel every node listens on.
pub const CHANNEL: &str = "entraide_live";
/// A NOTIFY payload must stay under 8000 bytes.
const PAYLOAD: usize = 7_000;

/// What a listening connection heard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Heard {
    /// These people have something new.
    People(Vec<i64>),
    /// The connection dropped and came back: signals may have been missed.
    Reconnected,
}

/// A node's listening connection (PostgreSQL only).
pub struct Listener(PgListener);

impl Listener {
    /// Waits for the next signal. Reconnects by itself when the database
    /// comes back, and then says so.
    pub async fn next(&mut self) -> Result<Heard, StoreError> {
        match self.0.try_recv().await? {
            Some(notification) => Ok(Heard::People(parse(notification.payload()))),
            None => Ok(Heard::Reconnected),
        }
    }
}

/// Comma-separated ids, skipping anything else.
fn parse(payload: &str) -> Vec<i64> {
    payload
        .split(',')
        .filter_map(|id| id.trim().parse().ok())
        .collect()
}

/// Ids joined by commas, in payloads small enough for NOTIFY.
fn payloads(people: &[i64]) -> Vec<String> {
    let mut out = vec![String::new()];
    for id in people {
        let id = id.to_string();
        let last = out.last().map_or(0, String::len);
        if last + id.len() + 1 > PAYLOAD {
            out.push(String::new());
        }
        if let Some(current) = out.last_mut() {
            if !current.is_empty() {
                current.push(',');
            }
            current.push_str(&id);
        }
    }
    out.retain(|p| !p.is_empty());
    out
}

impl Db {
    /// Tells every node that `people` have something new. Returns false on
    /// SQLite, where nothing is sent and the caller signals in-process.
    pub async fn announce(&self, people: &[i64]) -> Result<bool, StoreError> {
        if self.backend() == Backend::Sqlite {
            return Ok(false);
        }
        for payload in payloads(people) {
            sqlx::query("SELECT pg_notify($1, $2)")
                .bind(CHANNEL)
                .bind(payload)
                .execute(&self.pool)
                .await?;
        }
        Ok(true)
    }

    /// Opens this node's listening connection; `None` on SQLite.
    pub async fn listen(&self) -> Result<Option<Listener>, StoreError> {
        let Some(url) = &self.listen_url else {
            return Ok(None);
        };
        let mut listener = PgListener::connect(&url.0)
            .await
            .map_err(|e| StoreError::Unreachable(e.to_string()))?;
        listener.listen(CHANNEL).await?;
        Ok(Some(Listener(listener)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_stay_small_and_lose_nobody() {
        let people: Vec<i64> = (1_000_000..1_010_000).collect();
        let chunks = payloads(&people);
        assert!(chunks.len() > 1);
        assert!(chunks.iter().all(|p| p.len() <= PAYLOAD));
        let back: Vec<i64> = chunks.iter().flat_map(|p| parse(p)).collect();
        assert_eq!(back, people);
        assert!(payloads(&[]).is_empty());
    }
}
