//! Two `entraide serve` processes on one PostgreSQL database: a message
//! sent through one node reaches a live stream opened on the other (through
//! LISTEN/NOTIFY), and when one node is killed with jobs in hand, the other
//! keeps serving and does those jobs once their lease runs out. Skipped
//! without `ENTRAIDE_TEST_POSTGRES_URL`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../web/tests/common/smtp.rs"]
mod smtp;
mod support;

use std::sync::atomic::Ordering;
use std::time::Duration;

use serde_json::{Value, json};
use support::{Node, call};

async fn start(url: &str) -> Node {
    Node::start(url, &support::data_dir("node"), &[("RUST_LOG", "warn")]).await
}

#[tokio::test]
async fn a_write_on_one_node_reaches_a_stream_on_the_other() {
    let Some((db, url)) = entraide_store::testing::fresh_postgres_url().await.unwrap() else {
        return;
    };
    let a = start(&url).await;
    let b = start(&url).await;
    let client = reqwest::Client::new();
    let sign_up = |email: &str, name: &str| {
        let body =
            json!({"email": email, "password": "correct horse battery", "display_name": name});
        call(
            &client,
            reqwest::Method::POST,
            format!("{}/api/v1/signup", a.base),
            "",
            body,
        )
    };
    let odette = sign_up("odette@example.fr", "Odette").await;
    let bob = sign_up("bob@example.fr", "Bob").await;
    let (odette_token, bob_token) = (
        odette["token"].as_str().unwrap().to_owned(),
        bob["token"].as_str().unwrap().to_owned(),
    );
    let home = json!({"lat": "48.8687", "lng": "2.3784"});
    call(
        &client,
        reqwest::Method::PUT,
        format!("{}/api/v1/me/location", a.base),
        &odette_token,
        home,
    )
    .await;
    let day = (time::OffsetDateTime::now_utc().date() + time::Duration::days(10)).to_string();
    let need = json!({"kind": "need", "category": "small-jobs", "title": "Fixer une étagère",
        "description": "", "date": day, "from": "14:00", "to": "16:00", "place": "home"});
    let created = call(
        &client,
        reqwest::Method::POST,
        format!("{}/api/v1/exchanges", a.base),
        &odette_token,
        need,
    )
    .await;
    let exchange = created["id"].as_i64().unwrap();

    // Bob answers, Odette chooses him: they share the need's conversation.
    let steps = format!("{}/api/v1/exchanges/{exchange}/steps", a.base);
    let respond = json!({"step": "respond"});
    call(
        &client,
        reqwest::Method::POST,
        steps.clone(),
        &bob_token,
        respond,
    )
    .await;
    let bob_id = bob["user"]["profile"]["id"].as_i64().unwrap();
    let choose = json!({"step": "choose", "person_id": bob_id});
    call(&client, reqwest::Method::POST, steps, &odette_token, choose).await;
    let opened = format!("{}/api/v1/exchanges/{exchange}/conversation", a.base);
    let opened = call(
        &client,
        reqwest::Method::POST,
        opened,
        &bob_token,
        json!({}),
    )
    .await;
    let conversation = opened["id"].as_i64().unwrap();

    // Odette listens on node B.
    let mut stream = client
        .get(format!("{}/events", b.base))
        .bearer_auth(&odette_token)
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), 200);
    let mut seen = String::new();
    let mut counts = Vec::new();
    // Bob writes through node A.
    let sent = async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        let url = format!("{}/api/v1/conversations/{conversation}/messages", a.base);
        let body = json!({"body": "Je passe samedi vers 10 h avec ma perceuse."});
        call(&client, reqwest::Method::POST, url, &bob_token, body).await
    };
    let listen = async {
        loop {
            let chunk = tokio::time::timeout(Duration::from_secs(15), stream.chunk())
                .await
                .expect("node B sends the change within fifteen seconds")
                .unwrap()
                .expect("the stream stays open");
            seen.push_str(&String::from_utf8_lossy(&chunk));
            while let Some(end) = seen.find("\n\n") {
                let event: String = seen.drain(..end + 2).collect();
                if let Some(data) = event.lines().find_map(|l| l.strip_prefix("data: ")) {
                    let value: Value = serde_json::from_str(data).unwrap();
                    counts.push(value["messages"].as_i64().unwrap());
                }
            }
            if counts.last() == Some(&1) {
                return;
            }
        }
    };
    tokio::join!(sent, listen);
    assert_eq!(
        counts.first(),
        Some(&0),
        "the stream starts with the current counts"
    );
    let mine = format!("{}/api/v1/me/counts", b.base);
    let unread = call(
        &client,
        reqwest::Method::GET,
        mine,
        &odette_token,
        Value::Null,
    )
    .await;
    assert_eq!(unread["messages"], 1);
    db.close().await;
}

#[tokio::test]
async fn jobs_go_on_when_the_node_holding_them_dies() {
    let Some((_db, url)) = entraide_store::testing::fresh_postgres_url().await.unwrap() else {
        return;
    };
    // The mail server hangs at first: the first node's worker takes the
    // sign-up emails and waits on it, jobs in hand.
    let (smtp_port, inbox) = smtp::start().await;
    inbox.1.on.store(true, Ordering::SeqCst);
    let smtp_port = smtp_port.to_string();
    let env = [
        ("ENTRAIDE_SMTP_HOST", "127.0.0.1"),
        ("ENTRAIDE_SMTP_PORT", smtp_port.as_str()),
        ("ENTRAIDE_SMTP_SECURITY", "none"),
        ("ENTRAIDE_SMTP_FROM", "Entraide <no-reply@entraide.test>"),
        ("ENTRAIDE_JOB_LEASE_SECS", "3"),
    ];
    let a = Node::start(&url, &support::data_dir("node"), &env).await;
    let client = reqwest::Client::new();
    for n in 0..8 {
        support::sign_up(&client, &a.api(), n).await;
    }
    for _ in 0..200 {
        if inbox.1.waiting.load(Ordering::SeqCst) > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        inbox.1.waiting.load(Ordering::SeqCst) > 0,
        "node A holds jobs"
    );

    // Node B starts and serves; node A dies with its jobs; mail comes back.
    let b = Node::start(&url, &support::data_dir("node"), &env).await;
    for n in 8..12 {
        support::sign_up(&client, &b.api(), n).await;
    }
    drop(a); // SIGKILL
    inbox.1.on.store(false, Ordering::SeqCst);
    let mut messages = Vec::new();
    for _ in 0..400 {
        messages = inbox.messages();
        if messages.len() >= 12 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    for n in 0..12 {
        let to = format!("p{n}@example.fr");
        let sent = messages.iter().filter(|m| m.contains(&to)).count();
        assert_eq!(sent, 1, "one email to {to}, sent by node B");
    }
    let health = client
        .get(format!("{}/healthz", b.base))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200, "node B still serves");
}
