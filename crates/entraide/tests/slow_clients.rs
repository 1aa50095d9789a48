//! Slow and idle clients against a real `entraide serve` (SQLite): headers
//! sent too slowly and idle keep-alive connections are closed, a body that
//! trickles in gets a translated 408 and changes nothing, and hundreds of
//! half-open connections do not keep others from being served.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::{Duration, Instant};

use support::Node;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

/// Seconds given to headers and to a whole request in these tests.
const HEADERS: &str = "1";
const REQUEST: &str = "2";

async fn node(what: &str) -> (Node, String) {
    let data = support::data_dir(what);
    std::fs::create_dir_all(&data).unwrap();
    let url = format!("sqlite://{}", data.join("entraide.db").display());
    let node = Node::start(
        &url,
        &data,
        &[
            ("ENTRAIDE_HEADER_TIMEOUT_SECS", HEADERS),
            ("ENTRAIDE_REQUEST_TIMEOUT_SECS", REQUEST),
        ],
    )
    .await;
    (node, url)
}

/// Reads until the server closes the connection; returns what came and
/// how long it took. Fails if the server keeps it open for `limit`.
async fn read_until_closed(stream: &mut TcpStream, limit: Duration) -> (String, Duration) {
    let started = Instant::now();
    let mut seen = Vec::new();
    let mut buffer = [0_u8; 4096];
    loop {
        match tokio::time::timeout_at((started + limit).into(), stream.read(&mut buffer)).await {
            Ok(Ok(0) | Err(_)) => break,
            Ok(Ok(n)) => seen.extend_from_slice(&buffer[..n]),
            Err(_) => panic!(
                "the connection was still open after {limit:?}: {}",
                String::from_utf8_lossy(&seen)
            ),
        }
    }
    (
        String::from_utf8_lossy(&seen).into_owned(),
        started.elapsed(),
    )
}

#[tokio::test]
async fn headers_sent_too_slowly_end_the_connection() {
    let (node, _) = node("slow-headers").await;
    let mut stream = TcpStream::connect(("127.0.0.1", node.port)).await.unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: entraide\r\n")
        .await
        .unwrap();
    let (answer, took) = read_until_closed(&mut stream, Duration::from_secs(8)).await;
    assert!(!answer.contains("200 OK"), "{answer}");
    assert!(
        took >= Duration::from_millis(900),
        "closed by the deadline, not at once: {took:?}"
    );
}

#[tokio::test]
async fn an_idle_connection_is_closed_after_its_last_answer() {
    let (node, _) = node("idle").await;
    let mut stream = TcpStream::connect(("127.0.0.1", node.port)).await.unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: entraide\r\n\r\n")
        .await
        .unwrap();
    let (answer, _) = read_until_closed(&mut stream, Duration::from_secs(8)).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

#[tokio::test]
async fn a_body_that_trickles_in_gets_408_and_changes_nothing() {
    let (node, url) = node("slow-body").await;
    let mut stream = TcpStream::connect(("127.0.0.1", node.port)).await.unwrap();
    let body = r#"{"email": "lent@example.fr", "password": "correct horse battery", "display_name": "Lent"}"#;
    let head = format!(
        "POST /api/v1/signup HTTP/1.1\r\nHost: entraide\r\nAccept-Language: fr\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(&body.as_bytes()[..20]).await.unwrap();
    let (answer, _) = read_until_closed(&mut stream, Duration::from_secs(10)).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains(r#""code":"timed-out""#), "{answer}");
    assert!(
        answer.contains("trop de temps"),
        "in the asker's language: {answer}"
    );
    let db = entraide_store::Db::connect(&url).await.unwrap();
    assert_eq!(db.count_people().await.unwrap(), 0, "nobody was signed up");
}

#[tokio::test]
async fn half_open_connections_do_not_starve_other_clients() {
    let (node, _) = node("slowloris").await;
    let mut held = Vec::new();
    for _ in 0..300 {
        let mut stream = TcpStream::connect(("127.0.0.1", node.port)).await.unwrap();
        stream
            .write_all(b"GET / HTTP/1.1\r\nHost: e")
            .await
            .unwrap();
        held.push(stream);
    }
    let client = reqwest::Client::new();
    for _ in 0..20 {
        let reply = tokio::time::timeout(
            Duration::from_secs(5),
            client.get(format!("{}/healthz", node.base)).send(),
        )
        .await
        .expect("answered while 300 connections hang")
        .unwrap();
        assert_eq!(reply.status(), 200);
    }
    for stream in &mut held {
        read_until_closed(stream, Duration::from_secs(8)).await;
    }
}
