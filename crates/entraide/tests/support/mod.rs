//! Helpers for the tests that run `entraide serve` as a real process:
//! start a node on a free port and wait for it, kill it, and call its API.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};

/// A server process, killed (SIGKILL) when dropped.
pub struct Node {
    child: Child,
    pub port: u16,
    pub base: String,
}

impl Node {
    /// Starts `entraide serve` on `url` with its data in `data`, plus the
    /// `extra` environment, and waits for `/healthz` to answer 200. Its log
    /// is shown when `ENTRAIDE_TEST_NODE_LOGS` is set.
    pub async fn start(url: &str, data: &Path, extra: &[(&str, &str)]) -> Node {
        let port = free_port();
        let mut command = Command::new(env!("CARGO_BIN_EXE_entraide"));
        command
            .arg("serve")
            .env("ENTRAIDE_DATABASE_URL", url)
            .env("ENTRAIDE_BIND", format!("127.0.0.1:{port}"))
            .env("ENTRAIDE_DATA_DIR", data)
            .env("RUST_LOG", "error")
            .stdout(if std::env::var_os("ENTRAIDE_TEST_NODE_LOGS").is_some() {
                Stdio::inherit()
            } else {
                Stdio::null()
            });
        for (name, value) in extra {
            command.env(name, value);
        }
        let node = Node {
            child: command.spawn().expect("the entraide binary starts"),
            port,
            base: format!("http://127.0.0.1:{port}"),
        };
        let client = reqwest::Client::new();
        for _ in 0..300 {
            let reply = client.get(format!("{}/healthz", node.base)).send().await;
            if reply.is_ok_and(|r| r.status().is_success()) {
                return node;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the node on port {port} did not start");
    }

    /// The API's root on this node.
    pub fn api(&self) -> String {
        format!("{}/api/v1", self.base)
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A new data folder under the system temp folder.
pub fn data_dir(what: &str) -> PathBuf {
    std::env::temp_dir().join(format!("entraide-{what}-{}", uuid_like()))
}

fn uuid_like() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{}-{nanos}", free_port())
}

/// Signs someone up through the API; returns (user id, bearer token).
pub async fn sign_up(client: &reqwest::Client, api: &str, n: usize) -> (i64, String) {
    let body = json!({"email": format!("p{n}@example.fr"), "password": "correct horse battery", "display_name": format!("P{n}")});
    let reply: Value = client
        .post(format!("{api}/signup"))
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    (
        reply["user"]["profile"]["id"].as_i64().unwrap(),
        reply["token"].as_str().unwrap().to_owned(),
    )
}

/// Calls the API and insists on success; returns the JSON answer (or null).
pub async fn call(
    client: &reqwest::Client,
    method: reqwest::Method,
    url: String,
    token: &str,
    body: Value,
) -> Value {
    let mut request = client.request(method, url).json(&body);
    if !token.is_empty() {
        request = request.bearer_auth(token);
    }
    let reply = request.send().await.unwrap();
    let status = reply.status();
    let text = reply.text().await.unwrap();
    assert!(status.is_success(), "{status}: {text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}
