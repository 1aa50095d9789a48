//! Kill -9 the server during a storm of writes (time transfers, needs,
//! messages and documents for the safe), restart it on the same database
//! and data folder, and check that every acknowledged write is there and
//! whole: the bank adds up, each need and message reads back, and each
//! document opens to the exact bytes sent. On SQLite always, and on
//! PostgreSQL when `ENTRAIDE_TEST_POSTGRES_URL` is set.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::Duration;

use entraide_store::Db;
use serde_json::{Value, json};
use support::{Node, call};

/// Most writes of each kind sent in the storm (the kill comes first).
const STORM: usize = 1000;
/// Writers of each kind, sending one write after the other.
const WRITERS: usize = 4;
/// Acknowledged writes of each kind awaited before the kill.
const BEFORE_KILL: usize = 25;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Transfer,
    Need,
    Message,
    Document,
}

/// An acknowledged write: its kind, the id the server gave, who made it,
/// and its number in the storm (documents hold it in their bytes).
#[derive(Debug)]
struct Acked {
    kind: Kind,
    id: i64,
    by: usize,
    n: usize,
}

struct World {
    org: i64,
    team: i64,
    people: Vec<(i64, String)>,
}

async fn world(base: &str, db: &Db, client: &reqwest::Client) -> World {
    let mut people = Vec::new();
    for i in 0..6 {
        people.push(support::sign_up(client, base, i).await);
    }
    let org = db
        .create_organisation("Banque du temps", "association", "", people[0].0)
        .await
        .unwrap();
    for (id, _) in &people[1..] {
        db.set_membership(org, *id, "volunteer").await.unwrap();
    }
    let settings = json!({"floor_hours": "100", "ceiling_hours": "1000", "confirm_days": "7"});
    let put = reqwest::Method::PUT;
    let bank = format!("{base}/orgs/{org}/timebank");
    call(client, put.clone(), bank, &people[0].1, settings).await;
    let home = json!({"lat": "48.8687", "lng": "2.3784"});
    for (_, token) in &people {
        let place = format!("{base}/me/location");
        call(client, put.clone(), place, token, home.clone()).await;
    }
    let team = format!("{base}/orgs/{org}/conversation");
    let team = call(client, reqwest::Method::POST, team, &people[1].1, json!({})).await;
    World {
        org,
        team: team["id"].as_i64().unwrap(),
        people,
    }
}

/// The bytes of the storm's `n`th document.
fn document(n: usize) -> Vec<u8> {
    format!(
        "%PDF-1.4\n% document {n} of the storm\n{}\n%%EOF\n",
        "x".repeat(n % 97)
    )
    .into_bytes()
}

fn multipart(n: usize) -> (String, Vec<u8>) {
    let boundary = "entraide-crash-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nPièce {n}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"doc_type\"\r\n\r\nother\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"piece-{n}.pdf\"\r\n\
         Content-Type: application/pdf\r\n\r\n"
    )
    .into_bytes();
    body.extend(document(n));
    body.extend(format!("\r\n--{boundary}--\r\n").into_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// One write of the storm; `Some(id)` when the server acknowledged it.
async fn write(
    client: &reqwest::Client,
    base: &str,
    w: &World,
    kind: Kind,
    n: usize,
) -> Option<i64> {
    let by = n % w.people.len();
    let token = &w.people[by].1;
    let request = match kind {
        Kind::Transfer => {
            let to = w.people[(n + 1 + n % 4) % w.people.len()].0;
            let body = json!({"recipient": to, "hours": "0", "minutes": (1 + n % 40).to_string(), "why": "orage", "key": format!("s{n}")});
            let url = format!("{base}/orgs/{}/timebank/transfers", w.org);
            client.post(url).json(&body)
        }
        Kind::Need => {
            let day =
                (time::OffsetDateTime::now_utc().date() + time::Duration::days(10)).to_string();
            let body = json!({"kind": "need", "category": "small-jobs", "title": format!("Besoin {n} pendant l'orage"),
                "description": "", "date": day, "from": "14:00", "to": "16:00", "place": "home"});
            client.post(format!("{base}/exchanges")).json(&body)
        }
        Kind::Message => {
            let body = json!({"body": format!("Message {n} pendant l'orage")});
            let url = format!("{base}/conversations/{}/messages", w.team);
            client.post(url).json(&body)
        }
        Kind::Document => {
            let (content_type, body) = multipart(n);
            let url = format!("{base}/safe/{}/documents", w.people[by].0);
            client
                .post(url)
                .header("content-type", content_type)
                .body(body)
        }
    };
    let reply = request.bearer_auth(token).send().await.ok()?;
    if !reply.status().is_success() {
        return None;
    }
    reply.json::<Value>().await.ok()?["id"].as_i64()
}

async fn storm(url: &str, db: &Db) {
    let data = support::data_dir("crash");
    let node = Node::start(url, &data, &[]).await;
    let base = node.api();
    let client = reqwest::Client::new();
    let w = std::sync::Arc::new(world(&base, db, &client).await);

    // The storm: a few writers per kind, each sending one write after the
    // other, so that writes of every kind are in flight when the server is
    // killed.
    let kinds = [Kind::Transfer, Kind::Need, Kind::Message, Kind::Document];
    let (acked_tx, mut acked_rx) = tokio::sync::mpsc::unbounded_channel::<Acked>();
    let mut senders = Vec::new();
    for (k, kind) in kinds.into_iter().enumerate() {
        for writer in 0..WRITERS {
            let (client, base, w, acked) =
                (client.clone(), base.clone(), w.clone(), acked_tx.clone());
            senders.push(tokio::spawn(async move {
                let mut n = k * STORM + writer;
                while n < (k + 1) * STORM {
                    if let Some(id) = write(&client, &base, &w, kind, n).await {
                        let by = n % w.people.len();
                        let _ = acked.send(Acked { kind, id, by, n });
                    } else if client.get(&base).send().await.is_err() {
                        return; // the server is gone
                    }
                    n += WRITERS;
                }
            }));
        }
    }
    drop(acked_tx);
    let mut acked: Vec<Acked> = Vec::new();
    let under_way = |acked: &[Acked]| {
        kinds
            .iter()
            .all(|k| acked.iter().filter(|a| a.kind == *k).count() >= BEFORE_KILL)
    };
    while !under_way(&acked) {
        match tokio::time::timeout(Duration::from_secs(60), acked_rx.recv()).await {
            Ok(Some(write)) => acked.push(write),
            _ => break,
        }
    }
    drop(node); // SIGKILL, in the middle of the storm
    for sender in senders {
        let _ = sender.await;
    }
    while let Ok(write) = acked_rx.try_recv() {
        acked.push(write);
    }
    let count = |kind| acked.iter().filter(|a| a.kind == kind).count();
    eprintln!(
        "{} writes acknowledged before the kill: {} transfers, {} needs, {} messages, {} documents",
        acked.len(),
        count(Kind::Transfer),
        count(Kind::Need),
        count(Kind::Message),
        count(Kind::Document),
    );
    assert!(under_way(&acked), "the storm was under way for every kind");
    for kind in kinds {
        assert!(
            count(kind) < STORM,
            "the kill came before the {kind:?}s ended"
        );
    }

    // Restart on the same database and folder: everything acknowledged is there.
    let node = Node::start(url, &data, &[]).await;
    check_bank(db, w.org, &acked).await;
    check_needs_and_documents(&client, &node.api(), &w, &acked).await;
    check_messages(&client, &node.api(), &w, &acked).await;
}

async fn check_bank(db: &Db, org: i64, acked: &[Acked]) {
    let totals = db.bank_totals(org).await.unwrap();
    assert_eq!(
        (totals.sum, totals.mismatched, totals.unbalanced),
        (0, 0, 0),
        "{totals:?}"
    );
    let mut recorded = Vec::new();
    let mut page = 1;
    loop {
        let rows = db
            .bank_transfers(org, entraide_store::Page::new(page, 100))
            .await
            .unwrap();
        recorded.extend(rows.rows.iter().map(|t| t.id));
        if !rows.more {
            break;
        }
        page += 1;
    }
    for a in acked.iter().filter(|a| a.kind == Kind::Transfer) {
        assert!(
            recorded.contains(&a.id),
            "acknowledged transfer {} is there",
            a.id
        );
    }
}

async fn check_needs_and_documents(
    client: &reqwest::Client,
    base: &str,
    w: &World,
    acked: &[Acked],
) {
    for a in acked {
        let token = &w.people[a.by].1;
        match a.kind {
            Kind::Need => {
                let url = format!("{base}/exchanges/{}", a.id);
                let need = call(client, reqwest::Method::GET, url, token, Value::Null).await;
                let title = need["title"]
                    .as_str()
                    .or(need["exchange"]["title"].as_str());
                assert_eq!(
                    title,
                    Some(format!("Besoin {} pendant l'orage", a.n).as_str()),
                    "{need}"
                );
            }
            Kind::Document => {
                let url = format!("{base}/documents/{}/content", a.id);
                let reply = client.get(url).bearer_auth(token).send().await.unwrap();
                assert_eq!(reply.status(), 200, "document {} opens", a.id);
                let bytes = reply.bytes().await.unwrap();
                assert_eq!(
                    bytes.as_ref(),
                    document(a.n).as_slice(),
                    "document {} whole",
                    a.id
                );
            }
            Kind::Transfer | Kind::Message => {}
        }
    }
    // No document is listed whose file is missing or damaged, acknowledged or not.
    for (id, token) in &w.people {
        let url = format!("{base}/safe/{id}/documents");
        let list = call(client, reqwest::Method::GET, url, token, Value::Null).await;
        for doc in list["documents"].as_array().unwrap() {
            let url = format!("{base}/documents/{}/content", doc["id"]);
            let reply = client.get(url).bearer_auth(token).send().await.unwrap();
            assert_eq!(reply.status(), 200, "listed document {doc} opens");
        }
    }
}

async fn check_messages(client: &reqwest::Client, base: &str, w: &World, acked: &[Acked]) {
    let mut seen = std::collections::HashMap::new();
    let mut page = 1;
    loop {
        let url = format!("{base}/conversations/{}/messages?page={page}", w.team);
        let view = call(
            client,
            reqwest::Method::GET,
            url,
            &w.people[1].1,
            Value::Null,
        )
        .await;
        for m in view["messages"].as_array().unwrap() {
            seen.insert(
                m["id"].as_i64().unwrap(),
                m["body"].as_str().unwrap().to_owned(),
            );
        }
        if view["more"] != true {
            break;
        }
        page += 1;
    }
    for a in acked.iter().filter(|a| a.kind == Kind::Message) {
        assert_eq!(
            seen.get(&a.id).map(String::as_str),
            Some(format!("Message {} pendant l'orage", a.n).as_str()),
            "acknowledged message {} is there",
            a.id
        );
    }
}

#[tokio::test]
async fn acknowledged_writes_survive_kill_9_on_sqlite() {
    let path = std::env::temp_dir().join(format!("entraide-crash-{}.db", support::free_port()));
    let url = format!("sqlite://{}", path.display());
    let db = Db::connect(&url).await.unwrap();
    db.migrate().await.unwrap();
    storm(&url, &db).await;
}

#[tokio::test]
async fn acknowledged_writes_survive_kill_9_on_postgres() {
    let Some((db, url)) = entraide_store::testing::fresh_postgres_url().await.unwrap() else {
        return;
    };
    storm(&url, &db).await;
}
