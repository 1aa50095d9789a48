//! PostgreSQL restarted under a steady load of writes: while it is down,
//! Entraide answers 503 with `Retry-After` (never a 500), it recovers by
//! itself within seconds of the database's return, and every write it
//! acknowledged, before or after, is there.
//!
//! Needs `ENTRAIDE_TEST_POSTGRES_URL` and `ENTRAIDE_TEST_POSTGRES_RESTART`,
//! the shell command that restarts that server (CI sets it to
//! `pg_ctlcluster 15 main restart`); skipped otherwise.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support::{Node, call};

/// Writers sending one need after the other.
const WRITERS: usize = 4;
/// Acknowledged writes before the restart, and again after it.
const BEFORE: usize = 100;
/// How soon Entraide must accept writes again once the database is back.
const RECOVERY: Duration = Duration::from_secs(10);

/// What one write came to.
#[derive(Debug)]
enum Outcome {
    Acked(i64, Instant),
    Unavailable,
    Unreachable,
    /// Anything else; its status and body show in the failure message.
    #[allow(dead_code)]
    Other(u16, String),
}

async fn write(client: &reqwest::Client, api: &str, token: &str, n: usize) -> Outcome {
    let day = (time::OffsetDateTime::now_utc().date() + time::Duration::days(10)).to_string();
    let body = json!({"kind": "need", "category": "small-jobs", "title": format!("Besoin {n}"),
        "description": "", "date": day, "from": "14:00", "to": "16:00", "place": "home"});
    let sent = client
        .post(format!("{api}/exchanges"))
        .bearer_auth(token)
        .json(&body)
        .timeout(Duration::from_secs(30))
        .send()
        .await;
    let Ok(reply) = sent else {
        return Outcome::Unreachable;
    };
    let status = reply.status().as_u16();
    let retry = reply.headers().contains_key("retry-after");
    let text = reply.text().await.unwrap_or_default();
    match status {
        201 => match serde_json::from_str::<Value>(&text)
            .ok()
            .and_then(|v| v["id"].as_i64())
        {
            Some(id) => Outcome::Acked(id, Instant::now()),
            None => Outcome::Other(status, text),
        },
        503 if retry => Outcome::Unavailable,
        _ => Outcome::Other(status, text),
    }
}

#[tokio::test]
async fn entraide_recovers_by_itself_when_postgres_restarts() {
    let Ok(restart) = std::env::var("ENTRAIDE_TEST_POSTGRES_RESTART") else {
        eprintln!("skipped: ENTRAIDE_TEST_POSTGRES_RESTART is not set");
        return;
    };
    let Some((_db, url)) = entraide_store::testing::fresh_postgres_url().await.unwrap() else {
        return;
    };
    let node = Node::start(&url, &support::data_dir("pg-restart"), &[]).await;
    let api = node.api();
    let client = reqwest::Client::new();
    let (_, token) = support::sign_up(&client, &api, 0).await;
    let home = json!({"lat": "48.8687", "lng": "2.3784"});
    let place = format!("{api}/me/location");
    call(&client, reqwest::Method::PUT, place, &token, home).await;

    let stop = Arc::new(AtomicBool::new(false));
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Outcome>();
    let mut writers = Vec::new();
    for w in 0..WRITERS {
        let (client, api, token, stop, tx) = (
            client.clone(),
            api.clone(),
            token.clone(),
            stop.clone(),
            tx.clone(),
        );
        writers.push(tokio::spawn(async move {
            let mut n = w;
            while !stop.load(Ordering::SeqCst) {
                let outcome = write(&client, &api, &token, n).await;
                if !matches!(outcome, Outcome::Acked(..)) {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                let _ = tx.send(outcome);
                n += WRITERS;
            }
        }));
    }
    drop(tx);
    let mut outcomes = Vec::new();
    let acked = |outcomes: &[Outcome]| {
        outcomes
            .iter()
            .filter(|o| matches!(o, Outcome::Acked(..)))
            .count()
    };
    while acked(&outcomes) < BEFORE {
        outcomes.push(rx.recv().await.unwrap());
    }

    // The restart, while the writers go on.
    let mut restarting = tokio::task::spawn_blocking(move || {
        let status = std::process::Command::new("sh")
            .arg("-c")
            .arg(&restart)
            .status()
            .expect("the restart command runs");
        assert!(status.success(), "the restart command succeeded");
        Instant::now()
    });
    let mut back = None;
    let deadline = Instant::now() + Duration::from_secs(120);
    let after = |outcomes: &[Outcome], back: Instant| {
        outcomes
            .iter()
            .filter(|o| matches!(o, Outcome::Acked(_, at) if *at > back))
            .count()
    };
    loop {
        let outcome = tokio::time::timeout(Duration::from_secs(1), rx.recv()).await;
        if let Ok(Some(outcome)) = outcome {
            outcomes.push(outcome);
        }
        if back.is_none() && restarting.is_finished() {
            back = Some((&mut restarting).await.unwrap());
        }
        if back.is_some_and(|back| after(&outcomes, back) >= BEFORE) || Instant::now() > deadline {
            break;
        }
    }
    stop.store(true, Ordering::SeqCst);
    for writer in writers {
        writer.await.unwrap();
    }
    while let Ok(outcome) = rx.try_recv() {
        outcomes.push(outcome);
    }
    let back = back.expect("the database came back");

    let refused: Vec<&Outcome> = outcomes
        .iter()
        .filter(|o| matches!(o, Outcome::Other(..)))
        .collect();
    assert!(
        refused.is_empty(),
        "only 201 or 503 with Retry-After: {refused:?}"
    );
    let first_after = outcomes
        .iter()
        .filter_map(|o| match o {
            Outcome::Acked(_, at) if *at > back => Some(*at),
            _ => None,
        })
        .min()
        .expect("writes were acknowledged after the restart");
    let recovery = first_after - back;
    let unavailable = outcomes
        .iter()
        .filter(|o| matches!(o, Outcome::Unavailable))
        .count();
    let unreachable = outcomes
        .iter()
        .filter(|o| matches!(o, Outcome::Unreachable))
        .count();
    eprintln!(
        "{} writes acknowledged, {unavailable} answered 503, {unreachable} unanswered; \
         first write acknowledged {recovery:?} after PostgreSQL was back",
        acked(&outcomes)
    );
    assert!(recovery < RECOVERY, "recovered in {recovery:?}");
    assert_eq!(unreachable, 0, "Entraide itself kept answering");

    // Every acknowledged need is there.
    for outcome in &outcomes {
        if let Outcome::Acked(id, _) = outcome {
            let url = format!("{api}/exchanges/{id}");
            call(&client, reqwest::Method::GET, url, &token, Value::Null).await;
        }
    }
}
