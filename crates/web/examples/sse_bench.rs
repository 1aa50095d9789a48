//! Live stream benchmark (docs/benchmarks.md): how many `/events` streams
//! one node holds, the server's memory per stream, and how long one
//! notification to everyone takes to reach every stream.
//!
//! ```text
//! sse_bench prepare --database-url URL --people 10000 --tokens FILE
//! sse_bench streams --url http://127.0.0.1:PORT --tokens FILE [--steps 1000,5000,10000]
//!                   [--server-pid PID]
//!                   [--signal-database-url postgres://… | --signal-url http://127.0.0.1:PORT]
//! sse_bench serve --database-url URL --tokens FILE --bind 127.0.0.1:PORT --trigger 127.0.0.1:PORT
//! ```
//!
//! `prepare` creates the people (their email unverified, so that a
//! notification makes no delivery job) and an API token for each, written to
//! FILE as `id token` lines. `streams` opens the streams against a running
//! server, step by step, checks that each received its first `counts` event,
//! and reads the server's resident memory (`--server-pid`). At each step it
//! can also notify everyone it holds a stream for, and time the new counts
//! reaching every stream: through the PostgreSQL database the server uses,
//! as another node would (`--signal-database-url`), or, on SQLite, where
//! signals stay within one process, by asking `serve` (`--signal-url`).
//! `serve` is `entraide serve` (the same application and background work)
//! with that one more route on a second loopback address.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use entraide_core::credentials::{new_token, token_digest};
use entraide_core::notify::Kind;
use entraide_store::Db;
use entraide_store::seed::SeedPerson;
use entraide_web::services::notifications::{self, Event};
use entraide_web::{AppState, WebConfig};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;
use tokio::sync::{Semaphore, mpsc};

type Error = Box<dyn std::error::Error + Send + Sync>;

/// Streams being opened at once.
const OPENING: usize = 200;
/// Longest wait for a step's streams or for a signal to reach them all.
const WAIT_LIMIT: Duration = Duration::from_secs(300);
/// People inserted per transaction.
const SEED_BATCH: usize = 1_000;

struct Args(Vec<String>);

impl Args {
    fn value(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .position(|a| a == name)
            .and_then(|i| self.0.get(i + 1))
            .map(String::as_str)
    }

    fn required(&self, name: &str) -> Result<&str, Error> {
        self.value(name)
            .ok_or_else(|| format!("{name} is required").into())
    }
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let args = Args(std::env::args().skip(1).collect());
    let steps: Vec<usize> = args
        .value("--steps")
        .unwrap_or("1000,5000,10000")
        .split(',')
        .map(str::parse)
        .collect::<Result<_, _>>()
        .map_err(|_| "--steps takes numbers separated by commas")?;
    match args.0.first().map(String::as_str) {
        Some("prepare") => {
            let people = args
                .value("--people")
                .unwrap_or("10000")
                .parse()
                .map_err(|_| "--people needs a number")?;
            prepare(
                args.required("--database-url")?,
                people,
                args.required("--tokens")?,
            )
            .await
        }
        Some("streams") => {
            let pid = match args.value("--server-pid") {
                Some(pid) => Some(pid.parse::<u32>().map_err(|_| "--server-pid")?),
                None => None,
            };
            let signal = match (
                args.value("--signal-database-url"),
                args.value("--signal-url"),
            ) {
                (Some(url), _) if url.starts_with("postgres") => Some(Signal::Database(
                    AppState::new(Db::connect(url).await?, config()?),
                )),
                (Some(_), _) => {
                    return Err("signals reach another process through PostgreSQL only".into());
                }
                (None, Some(url)) => Some(Signal::Trigger(url.trim_end_matches('/').to_owned())),
                (None, None) => None,
            };
            let url = url::Url::parse(args.required("--url")?)?;
            let addr = url
                .socket_addrs(|| None)?
                .into_iter()
                .next()
                .ok_or("--url names no address")?;
            let people = tokens(args.required("--tokens")?)?;
            run(addr, &people, &steps, pid, signal.as_ref()).await
        }
        Some("serve") => {
            let db = Db::connect(args.required("--database-url")?).await?;
            db.migrate().await?;
            let people: Vec<i64> = tokens(args.required("--tokens")?)?
                .into_iter()
                .map(|(id, _)| id)
                .collect();
            serve(
                AppState::new(db, config()?),
                args.required("--bind")?.parse()?,
                args.required("--trigger")?.parse()?,
                Arc::new(people),
            )
            .await
        }
        _ => Err("usage: sse_bench prepare|streams|serve …".into()),
    }
}

fn config() -> Result<WebConfig, Error> {
    Ok(WebConfig {
        base_url: url::Url::parse("https://entraide.example")?,
        data_dir: std::env::temp_dir(),
        smtp: None,
        sms: None,
        geocoder_url: None,
        deletion_grace_days: 30,
        trusted_proxies: Vec::new(),
        timeouts: Default::default(),
        job_lease_secs: entraide_web::jobs::LEASE,
        safe: entraide_web::config::SafeConfig::default(),
        map: entraide_web::config::MapConfig::default(),
    })
}

async fn prepare(url: &str, count: usize, out: &str) -> Result<(), Error> {
    let started = Instant::now();
    let db = Db::connect(url).await?;
    db.migrate().await?;
    let mut lines = String::new();
    let mut start = 0;
    while start < count {
        let batch: Vec<SeedPerson> = (start..count.min(start + SEED_BATCH))
            .map(|i| SeedPerson {
                email: Some(format!("stream{i}@bench.example")),
                display_name: format!("Stream {i}"),
                locale: "en".into(),
                visibility: "organisations".into(),
                ..SeedPerson::default()
            })
            .collect();
        for id in db.seed_people(&batch).await? {
            let token = new_token();
            db.create_api_token(id, "bench", &token_digest(&token))
                .await?;
            lines.push_str(&format!("{id} {token}\n"));
        }
        start += SEED_BATCH;
    }
    std::fs::write(out, lines)?;
    println!(
        "{count} people with an API token each in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// (person id, API token) pairs.
fn tokens(path: &str) -> Result<Vec<(i64, String)>, Error> {
    std::fs::read_to_string(path)?
        .lines()
        .map(|line| {
            let (id, token) = line.split_once(' ').ok_or("a line without a token")?;
            Ok((id.parse()?, token.to_owned()))
        })
        .collect()
}

/// Resident memory of a process, in kB.
fn rss_kb(pid: u32) -> Result<u64, Error> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| "no VmRSS".into())
}

/// What the streams report.
struct Shared {
    opened: AtomicUsize,
    failed: AtomicUsize,
    /// Streams opening now.
    opening: Semaphore,
    /// Each `counts` event after the first: when it came, the count it gave.
    updates: mpsc::UnboundedSender<(Instant, i64)>,
}

async fn run(
    addr: SocketAddr,
    people: &[(i64, String)],
    steps: &[usize],
    pid: Option<u32>,
    signal: Option<&Signal>,
) -> Result<(), Error> {
    let (updates, mut heard) = mpsc::unbounded_channel();
    let shared = Arc::new(Shared {
        opened: AtomicUsize::new(0),
        failed: AtomicUsize::new(0),
        opening: Semaphore::new(OPENING),
        updates,
    });
    let idle = match pid {
        Some(pid) => Some(rss_kb(pid)?),
        None => None,
    };
    if let Some(idle) = idle {
        println!(
            "server resident memory with no stream: {:.1} MB",
            idle as f64 / 1024.0
        );
    }
    let base = format!("http://{addr}");
    println!(
        "| streams | the server counts | time to open the new ones | server RSS | (RSS - idle) / streams | signal to all: notify returned | last stream told |"
    );
    println!("|---|---|---|---|---|---|---|");
    let mut tasks = Vec::new();
    for &target in steps {
        if target > people.len() {
            return Err(format!("only {} tokens for {target} streams", people.len()).into());
        }
        let started = Instant::now();
        let before = tasks.len();
        for (_, token) in &people[before..target] {
            let permit = shared.opening.acquire().await?;
            permit.forget();
            let shared = shared.clone();
            let token = token.clone();
            tasks.push(tokio::spawn(async move {
                if let Err(error) = hold(addr, &token, &shared).await {
                    if shared.failed.fetch_add(1, Ordering::Relaxed) < 3 {
                        eprintln!("a stream failed: {error}");
                    }
                    shared.opening.add_permits(1);
                }
            }));
        }
        while shared.opened.load(Ordering::Relaxed) + shared.failed.load(Ordering::Relaxed) < target
        {
            if started.elapsed() > WAIT_LIMIT {
                return Err("streams did not open in time".into());
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let open_time = started.elapsed();
        let failed = shared.failed.load(Ordering::Relaxed);
        if failed > 0 {
            return Err(format!("{failed} streams failed").into());
        }
        tokio::time::sleep(Duration::from_secs(3)).await;
        let counted = live_streams(&base).await?;
        let memory = match (pid, idle) {
            (Some(pid), Some(idle)) => {
                let rss = rss_kb(pid)?;
                format!(
                    "{:.1} MB | {:.1} kB",
                    rss as f64 / 1024.0,
                    rss.saturating_sub(idle) as f64 / target as f64
                )
            }
            _ => "- | -".to_owned(),
        };
        let timing = match signal {
            Some(signal) => {
                let ids: Vec<i64> = people[..target].iter().map(|(id, _)| *id).collect();
                let (returned, last) = signal_all(signal, &ids, &mut heard).await?;
                format!("{:.0} ms | {:.0} ms", ms(returned), ms(last))
            }
            None => "- | -".to_owned(),
        };
        println!(
            "| {target} | {counted} | {:.2} s ({:.0}/s) | {memory} | {timing} |",
            open_time.as_secs_f64(),
            (target - before) as f64 / open_time.as_secs_f64().max(1e-9),
        );
    }
    for task in &tasks {
        task.abort();
    }
    // The server sees a stream closed when it next writes to it (a
    // keep-alive comment every 20 s).
    let closing = Instant::now();
    while live_streams(&base).await? > 0 && closing.elapsed() < Duration::from_secs(60) {
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let left = live_streams(&base).await?;
    if let (Some(pid), Some(idle)) = (pid, idle) {
        let rss = rss_kb(pid)?;
        println!(
            "server resident memory once it counted {left} streams left ({:.0} s after closing them): \
             {:.1} MB (idle was {:.1} MB)",
            closing.elapsed().as_secs_f64(),
            rss as f64 / 1024.0,
            idle as f64 / 1024.0
        );
    }
    Ok(())
}

/// The streams the server counts open (its `entraide_live_streams` gauge).
async fn live_streams(base: &str) -> Result<i64, Error> {
    let text = reqwest::get(format!("{base}/metrics"))
        .await?
        .text()
        .await?;
    Ok(text
        .lines()
        .find_map(|l| l.strip_prefix("entraide_live_streams "))
        .and_then(|v| v.trim().parse::<f64>().ok())
        .map_or(0, |v| v as i64))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// How the benchmark makes the server notify people.
enum Signal {
    /// Through the PostgreSQL database the server listens to, as another
    /// node would.
    Database(AppState),
    /// By asking `sse_bench serve` on its trigger address.
    Trigger(String),
}

/// Notifies `people` of one event, through `state`.
async fn notify_first(state: &AppState, people: &[i64]) -> Result<(), Error> {
    let notified = notifications::notify(
        state,
        people,
        Event {
            kind: Kind::Invited,
            actor_id: None,
            subject: "Put up a shelf in the living room",
            link: format!("/exchanges/{}", people.len()),
            dedup: None,
            collapse: false,
        },
    )
    .await
    .map_err(|e| format!("notify: {e:?}"))?;
    if notified.len() != people.len() {
        return Err(format!("{} of {} notified", notified.len(), people.len()).into());
    }
    Ok(())
}

/// Notifies `people` of one event and waits for each
/// stream's new counts. Returns when the notification was written and
/// when the last stream was told.
async fn signal_all(
    signal: &Signal,
    people: &[i64],
    heard: &mut mpsc::UnboundedReceiver<(Instant, i64)>,
) -> Result<(Duration, Duration), Error> {
    while heard.try_recv().is_ok() {}
    let count = people.len();
    let started = Instant::now();
    match signal {
        Signal::Database(state) => {
            notify_first(state, people).await?;
        }
        Signal::Trigger(url) => {
            let reply = reqwest::Client::new()
                .post(format!("{url}/notify?count={count}"))
                .send()
                .await?;
            if !reply.status().is_success() {
                return Err(format!("the trigger answered {}", reply.text().await?).into());
            }
        }
    }
    let returned = started.elapsed();
    let mut last = started;
    for _ in 0..count {
        let (at, unread) = tokio::time::timeout(WAIT_LIMIT, heard.recv())
            .await?
            .ok_or("the streams are gone")?;
        if unread < 1 {
            return Err(format!("a stream was told {unread} unread").into());
        }
        last = last.max(at);
    }
    Ok((returned, last - started))
}

/// The server of `entraide serve` (the application and its background
/// work), and on `trigger` one more route: `POST /notify?count=N` notifies
/// the first N people of the tokens file.
async fn serve(
    state: AppState,
    bind: SocketAddr,
    trigger: SocketAddr,
    people: Arc<Vec<i64>>,
) -> Result<(), Error> {
    entraide_web::spawn_background(&state);
    let app = entraide_web::app(state.clone()).into_make_service_with_connect_info::<SocketAddr>();
    let listener = tokio::net::TcpListener::bind(bind).await?;
    tokio::spawn(async move { axum::serve(listener, app).await });
    let control = axum::Router::new().route(
        "/notify",
        axum::routing::post(
            move |axum::extract::Query(query): axum::extract::Query<CountQuery>| async move {
                let Some(first) = people.get(..query.count) else {
                    return (
                        axum::http::StatusCode::BAD_REQUEST,
                        "not so many people".to_owned(),
                    );
                };
                match notify_first(&state, first).await {
                    Ok(()) => (axum::http::StatusCode::OK, "notified".to_owned()),
                    Err(error) => (
                        axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                        error.to_string(),
                    ),
                }
            },
        ),
    );
    let listener = tokio::net::TcpListener::bind(trigger).await?;
    println!("serving on http://{bind}, trigger on http://{trigger}");
    axum::serve(listener, control).await?;
    Ok(())
}

#[derive(serde::Deserialize)]
struct CountQuery {
    count: usize,
}

/// Opens one stream and reads it until the server or the benchmark ends it:
/// counts the first `counts` event as opened, reports every later one.
async fn hold(addr: SocketAddr, token: &str, shared: &Shared) -> Result<(), Error> {
    let mut stream = TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    let request = format!(
        "GET /events HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
         Accept: text/event-stream\r\nAccept-Language: en\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await?;
    const EVENT: &[u8] = b"event: counts\ndata: ";
    let mut text: Vec<u8> = Vec::with_capacity(1024);
    let mut buffer = [0_u8; 1024];
    let mut first = true;
    let mut checked = false;
    loop {
        let read = stream.read(&mut buffer).await?;
        if read == 0 {
            return Err("the server closed the stream".into());
        }
        text.extend_from_slice(&buffer[..read]);
        if !checked {
            if find(&text, b"\r\n\r\n").is_none() {
                continue;
            }
            if !text.starts_with(b"HTTP/1.1 200") {
                let head = String::from_utf8_lossy(&text);
                let status = head.lines().next().unwrap_or_default().to_owned();
                return Err(format!("the server answered {status}").into());
            }
            checked = true;
        }
        while let Some(at) = find(&text, EVENT) {
            let data = &text[at + EVENT.len()..];
            let Some(end) = find(data, b"\n") else {
                break;
            };
            let count = serde_json::from_slice::<serde_json::Value>(&data[..end])?["notifications"]
                .as_i64()
                .ok_or("counts without notifications")?;
            text.drain(..at + EVENT.len() + end);
            if first {
                first = false;
                shared.opened.fetch_add(1, Ordering::Relaxed);
                shared.opening.add_permits(1);
            } else {
                let _ = shared.updates.send((Instant::now(), count));
            }
        }
        if text.len() > 4096 {
            // Only keep-alive comments and chunk headers pile up here.
            text.drain(..text.len() - 64);
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
