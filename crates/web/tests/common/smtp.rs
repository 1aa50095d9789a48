//! A minimal SMTP server on loopback that keeps every message it receives,
//! so tests can read real mail sent by the application.
#![allow(dead_code)]

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt as _, AsyncWriteExt as _, BufReader};
use tokio::net::TcpListener;

#[derive(Clone, Default)]
pub struct Inbox(pub Arc<Mutex<Vec<String>>>, pub Hold);

/// While held, the server accepts connections but does not greet them, as
/// a mail server that hangs; `waiting` counts the connections held so.
#[derive(Clone, Default)]
pub struct Hold {
    pub on: Arc<std::sync::atomic::AtomicBool>,
    pub waiting: Arc<std::sync::atomic::AtomicUsize>,
}

impl Inbox {
    pub fn messages(&self) -> Vec<String> {
        self.0.lock().map(|m| m.clone()).unwrap_or_default()
    }

    /// Waits up to five seconds for the `count`-th message.
    pub async fn wait_for(&self, count: usize) -> Vec<String> {
        for _ in 0..100 {
            let messages = self.messages();
            if messages.len() >= count {
                return messages;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("expected {count} emails, got {}", self.messages().len());
    }
}

/// Starts the server; returns its port and inbox.
pub async fn start() -> (u16, Inbox) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let inbox = Inbox::default();
    let keep = inbox.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let inbox = keep.clone();
            tokio::spawn(async move {
                let hold = &inbox.1;
                if hold.on.load(Ordering::SeqCst) {
                    hold.waiting.fetch_add(1, Ordering::SeqCst);
                    while hold.on.load(Ordering::SeqCst) {
                        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                    }
                    hold.waiting.fetch_sub(1, Ordering::SeqCst);
                }
                let (read, mut write) = stream.into_split();
                let mut lines = BufReader::new(read).lines();
                let _ = write.write_all(b"220 localhost ESMTP test\r\n").await;
                let mut data: Option<String> = None;
                while let Ok(Some(line)) = lines.next_line().await {
                    if let Some(body) = data.as_mut() {
                        if line == "." {
                            inbox.0.lock().unwrap().push(std::mem::take(body));
                            data = None;
                            let _ = write.write_all(b"250 queued\r\n").await;
                        } else {
                            body.push_str(line.strip_prefix('.').unwrap_or(&line));
                            body.push('\n');
                        }
                        continue;
                    }
                    let verb = line
                        .split_whitespace()
                        .next()
                        .unwrap_or("")
                        .to_ascii_uppercase();
                    let answer: &[u8] = match verb.as_str() {
                        "EHLO" | "HELO" => b"250 localhost\r\n",
                        "DATA" => {
                            data = Some(String::new());
                            b"354 go ahead\r\n"
                        }
                        "QUIT" => {
                            let _ = write.write_all(b"221 bye\r\n").await;
                            break;
                        }
                        _ => b"250 ok\r\n",
                    };
                    let _ = write.write_all(answer).await;
                }
            });
        }
    });
    (port, inbox)
}
