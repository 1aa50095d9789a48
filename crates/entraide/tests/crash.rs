//! Kill -9 the server during a storm of time transfers, restart it on the
//! same database, and check that every acknowledged transfer is there, none
//! is half-applied, and the bank still adds up. On SQLite always, and on
//! PostgreSQL when `ENTRAIDE_TEST_POSTGRES_URL` is set.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use entraide_store::Db;
use serde_json::{Value, json};

struct Node(Child);

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn start(url: &str, port: u16, data: &std::path::Path) -> Node {
    let node = Node(
        Command::new(env!("CARGO_BIN_EXE_entraide"))
            .arg("serve")
            .env("ENTRAIDE_DATABASE_URL", url)
            .env("ENTRAIDE_BIND", format!("127.0.0.1:{port}"))
            .env("ENTRAIDE_DATA_DIR", data)
            .env("RUST_LOG", "error")
            .stdout(Stdio::null())
            .spawn()
            .expect("the entraide binary starts"),
    );
    let client = reqwest::Client::new();
    for _ in 0..200 {
        let reply = client
            .get(format!("http://127.0.0.1:{port}/healthz"))
            .send()
            .await;
        if reply.is_ok_and(|r| r.status().is_success()) {
            return node;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the server did not start");
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn storm(url: &str, db: &Db) {
    let data = std::env::temp_dir().join(format!("entraide-crash-{}", free_port()));
    let port = free_port();
    let node = start(url, port, &data).await;
    let base = format!("http://127.0.0.1:{port}/api/v1");
    let client = reqwest::Client::new();
    let mut people = Vec::new();
    for i in 0..6 {
        let body = json!({"email": format!("p{i}@example.fr"), "password": "correct horse battery", "display_name": format!("P{i}")});
        let reply: Value = client
            .post(format!("{base}/signup"))
            .json(&body)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        people.push((
            reply["user"]["profile"]["id"].as_i64().unwrap(),
            reply["token"].as_str().unwrap().to_owned(),
        ));
    }
    let org = db
        .create_organisation("Banque du temps", "association", "", people[0].0)
        .await
        .unwrap();
    for (id, _) in &people[1..] {
        db.set_membership(org, *id, "member").await.unwrap();
    }
    let settings = json!({"floor_hours": "100", "ceiling_hours": "1000", "confirm_days": "7"});
    let opened = client
        .put(format!("{base}/orgs/{org}/timebank"))
        .bearer_auth(&people[0].1)
        .json(&settings)
        .send()
        .await
        .unwrap();
    assert_eq!(opened.status(), 204);

    // A storm of transfers; the server is killed while it runs.
    let (acked_tx, mut acked_rx) = tokio::sync::mpsc::unbounded_channel::<i64>();
    let mut senders = Vec::new();
    for n in 0..400_usize {
        let (from, to) = (n % people.len(), (n + 1 + n % 4) % people.len());
        let (token, to_id) = (people[from].1.clone(), people[to].0);
        let url = format!("{base}/orgs/{org}/timebank/transfers");
        let client = client.clone();
        let acked = acked_tx.clone();
        senders.push(tokio::spawn(async move {
            let body = json!({"recipient": to_id, "hours": "0", "minutes": (1 + n % 40).to_string(), "why": "orage", "key": format!("s{n}")});
            let sent = client.post(url).bearer_auth(token).json(&body).send().await;
            if let Ok(reply) = sent
                && reply.status() == 201
                && let Ok(done) = reply.json::<Value>().await
            {
                let _ = acked.send(done["id"].as_i64().unwrap_or(0));
            }
        }));
    }
    drop(acked_tx);
    let mut acked = Vec::new();
    while acked.len() < 50 {
        match tokio::time::timeout(Duration::from_secs(20), acked_rx.recv()).await {
            Ok(Some(id)) => acked.push(id),
            _ => break,
        }
    }
    drop(node); // SIGKILL, in the middle of the storm
    for sender in senders {
        let _ = sender.await;
    }
    while let Ok(id) = acked_rx.try_recv() {
        acked.push(id);
    }
    assert!(
        acked.len() >= 50,
        "the storm was under way: {} acknowledged",
        acked.len()
    );
    eprintln!(
        "{} of 400 transfers acknowledged before the kill",
        acked.len()
    );

    // Restart on the same database: everything acknowledged is there.
    let port = free_port();
    let _node = start(url, port, &data).await;
    let totals = db.bank_totals(org).await.unwrap();
    assert_eq!(
        (totals.sum, totals.mismatched, totals.unbalanced),
        (0, 0, 0),
        "{totals:?}"
    );
    assert!(totals.transfers >= acked.len() as i64);
    let recorded = db
        .bank_transfers(org, entraide_store::Page::new(1, 100))
        .await
        .unwrap();
    let mut all: Vec<i64> = recorded.rows.iter().map(|t| t.id).collect();
    let mut page = 2;
    let mut more = recorded.more;
    while more {
        let next = db
            .bank_transfers(org, entraide_store::Page::new(page, 100))
            .await
            .unwrap();
        all.extend(next.rows.iter().map(|t| t.id));
        more = next.more;
        page += 1;
    }
    for id in &acked {
        assert!(all.contains(id), "acknowledged transfer {id} is there");
    }
}

#[tokio::test]
async fn acknowledged_transfers_survive_kill_9_on_sqlite() {
    let path = std::env::temp_dir().join(format!("entraide-crash-{}.db", free_port()));
    let url = format!("sqlite://{}", path.display());
    let db = Db::connect(&url).await.unwrap();
    db.migrate().await.unwrap();
    storm(&url, &db).await;
}

#[tokio::test]
async fn acknowledged_transfers_survive_kill_9_on_postgres() {
    let Some((db, url)) = entraide_store::testing::fresh_postgres_url().await.unwrap() else {
        return;
    };
    storm(&url, &db).await;
}
