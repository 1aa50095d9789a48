//! Live updates: each open event stream of a signed-in person waits on a
//! signal for that person. Signals come from this node directly on SQLite,
//! and from PostgreSQL `LISTEN` on every node otherwise (see
//! [`entraide_store::live`]), so a message written through one node wakes
//! streams open on all of them.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use entraide_store::live::Heard;
use tokio::sync::broadcast;

use crate::state::AppState;

/// Open streams, by person.
#[derive(Default)]
pub struct Live {
    streams: Mutex<HashMap<i64, broadcast::Sender<()>>>,
}

/// One open stream's end; dropping it forgets the person when it was their
/// last stream.
pub struct Subscription {
    live: Arc<Live>,
    user: i64,
    pub receiver: broadcast::Receiver<()>,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        metrics::gauge!("entraide_live_streams").decrement(1.0);
        let mut streams = self
            .live
            .streams
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        // This subscription's receiver is still counted here.
        if streams
            .get(&self.user)
            .is_some_and(|s| s.receiver_count() <= 1)
        {
            streams.remove(&self.user);
        }
    }
}

impl Live {
    pub fn subscribe(self: &Arc<Self>, user: i64) -> Subscription {
        let mut streams = self.streams.lock().unwrap_or_else(PoisonError::into_inner);
        let receiver = streams
            .entry(user)
            .or_insert_with(|| broadcast::channel(1).0)
            .subscribe();
        metrics::gauge!("entraide_live_streams").increment(1.0);
        Subscription {
            live: self.clone(),
            user,
            receiver,
        }
    }

    /// Wakes the streams this node holds for `people`.
    pub fn wake(&self, people: &[i64]) {
        let streams = self.streams.lock().unwrap_or_else(PoisonError::into_inner);
        for id in people {
            if let Some(sender) = streams.get(id) {
                let _ = sender.send(());
            }
        }
    }

    /// Wakes every stream (after signals may have been missed).
    pub fn wake_all(&self) {
        let streams = self.streams.lock().unwrap_or_else(PoisonError::into_inner);
        for sender in streams.values() {
            let _ = sender.send(());
        }
    }

    /// People with at least one stream open on this node.
    pub fn people(&self) -> usize {
        self.streams
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }
}

/// Tells `people`'s open streams, on every node, that something changed.
/// Never fails the caller: a missed signal only delays a counter until the
/// next page load.
pub async fn publish(state: &AppState, people: &[i64]) {
    if people.is_empty() {
        return;
    }
    match state.db.announce(people).await {
        Ok(true) => {}
        Ok(false) => state.live.wake(people),
        Err(error) => {
            tracing::warn!(%error, "could not announce a live update");
            state.live.wake(people);
        }
    }
}

/// On PostgreSQL, listens for other nodes' signals until the process stops,
/// reconnecting when the database goes away.
pub fn spawn_listener(state: &AppState) {
    let state = state.clone();
    tokio::spawn(async move {
        loop {
            let mut listener = match state.db.listen().await {
                Ok(Some(listener)) => listener,
                Ok(None) => return,
                Err(error) => {
                    tracing::warn!(%error, "live updates: cannot listen yet, retrying");
                    tokio::time::sleep(Duration::from_secs(2)).await;
                    continue;
                }
            };
            // Whatever happened while not listening is unknown.
            state.live.wake_all();
            loop {
                match listener.next().await {
                    Ok(Heard::People(people)) => state.live.wake(&people),
                    Ok(Heard::Reconnected) => state.live.wake_all(),
                    Err(error) => {
                        tracing::warn!(%error, "live updates: listening connection lost");
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        break;
                    }
                }
            }
        }
    });
}
