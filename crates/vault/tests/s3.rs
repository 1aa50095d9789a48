//! The vault on S3-compatible storage, against a local S3 server (PyPI
//! `moto[server]`, started on a free loopback port): sealed objects round
//! trip, nothing readable is stored, an altered object is refused, and
//! unreachable storage is a quick, clear error.
#![cfg(feature = "s3")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use entraide_vault::{DataKey, S3Settings, Vault, VaultError};
use object_store::ObjectStoreExt as _;

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// One raw HTTP request to the local server; returns the status line.
fn http(port: u16, request: &str) -> std::io::Result<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    stream.write_all(request.as_bytes())?;
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    Ok(answer.lines().next().unwrap_or_default().to_owned())
}

fn start() -> (Server, u16) {
    let port = free_port();
    let child = Command::new(std::env::var("MOTO_SERVER").unwrap_or_else(|_| "moto_server".into()))
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("moto_server (pip install 'moto[server]') must be installed for the s3 tests");
    let server = Server(child);
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        let create = format!(
            "PUT /entraide HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        );
        if http(port, &create).is_ok_and(|status| status.contains(" 200")) {
            return (server, port);
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    panic!("the local S3 server did not start");
}

fn settings(endpoint: String) -> S3Settings {
    S3Settings {
        bucket: "entraide".into(),
        endpoint: Some(endpoint),
        region: "eu-west-3".into(),
        access_key_id: "test".into(),
        secret_access_key: "test".into(),
    }
}

#[tokio::test]
async fn sealed_objects_round_trip_through_s3_and_nothing_readable_is_stored() {
    let (_server, port) = start();
    let endpoint = format!("http://127.0.0.1:{port}");
    let vault = Vault::s3(&settings(endpoint.clone())).unwrap();
    let key = DataKey::generate();
    let marker = b"MARQUEUR-S3-TITRE-SEJOUR";
    vault.put(&key, "owners/7/doc", marker).await.unwrap();
    assert_eq!(vault.get(&key, "owners/7/doc").await.unwrap(), marker);

    let raw = object_store::aws::AmazonS3Builder::new()
        .with_bucket_name("entraide")
        .with_region("eu-west-3")
        .with_access_key_id("test")
        .with_secret_access_key("test")
        .with_endpoint(&endpoint)
        .with_allow_http(true)
        .build()
        .unwrap();
    let path = object_store::path::Path::from("owners/7/doc");
    let stored = raw.get(&path).await.unwrap().bytes().await.unwrap();
    assert!(!stored.windows(marker.len()).any(|w| w == marker));
    let mut altered = stored.to_vec();
    altered[30] ^= 1;
    raw.put(&path, altered.into()).await.unwrap();
    assert!(matches!(
        vault.get(&key, "owners/7/doc").await,
        Err(VaultError::Tampered)
    ));
    vault.delete("owners/7/doc").await.unwrap();
    assert!(matches!(
        vault.get(&key, "owners/7/doc").await,
        Err(VaultError::NotFound)
    ));
}

#[tokio::test]
async fn unreachable_storage_is_a_quick_clear_error() {
    let closed = free_port();
    let vault = Vault::s3(&settings(format!("http://127.0.0.1:{closed}"))).unwrap();
    let started = Instant::now();
    let result = vault.put(&DataKey::generate(), "owners/1/doc", b"x").await;
    assert!(matches!(result, Err(VaultError::Storage(_))), "{result:?}");
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
}
