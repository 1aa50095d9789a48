//! Notification and mail benchmark (docs/benchmarks.md): the fan-out of one
//! event to many people (writing the notifications and delivery jobs, then
//! rendering each email as the worker does), and the emails per second the
//! job worker delivers to an SMTP server on loopback.
//!
//! ```text
//! notify_bench fanout --backend sqlite|postgres [--recipients 10000] [--runs 3]
//! notify_bench mail   --backend sqlite|postgres [--emails 2000] [--runs 3] [--workers 1]
//! notify_bench sink   [--emails 2000]
//! ```
//!
//! Every run starts from an empty database: a new SQLite file under the
//! system temp folder (removed afterwards), or a new schema of the
//! PostgreSQL server named by `ENTRAIDE_TEST_POSTGRES_URL`, as the tests do.
//! The SMTP server is a small one in this program, on 127.0.0.1: it answers
//! every command and counts the messages. `sink` measures it alone.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use entraide_core::notify::Kind;
use entraide_store::Db;
use entraide_store::jobs::Email;
use entraide_store::seed::SeedPerson;
use entraide_web::jobs::{LEASE, Worker};
use entraide_web::mail::Mailer;
use entraide_web::services::notifications::{self, Event, render_email};
use entraide_web::{AppState, SmtpConfig, SmtpSecurity, WebConfig};
use tokio::io::{AsyncBufReadExt as _, AsyncReadExt as _, AsyncWriteExt as _, BufReader};
use tokio::net::{TcpListener, TcpStream};

type Error = Box<dyn std::error::Error + Send + Sync>;

/// A run never takes longer than this.
const RUN_LIMIT: Duration = Duration::from_secs(600);
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

    fn number(&self, name: &str, default: usize) -> Result<usize, Error> {
        match self.value(name) {
            Some(text) => Ok(text.parse().map_err(|_| format!("{name} needs a number"))?),
            None => Ok(default),
        }
    }
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let args = Args(std::env::args().skip(1).collect());
    let command = args.0.first().cloned().unwrap_or_default();
    let backend = args.value("--backend").unwrap_or("sqlite").to_owned();
    let runs = args.number("--runs", 3)?;
    // Another SMTP server already listening on 127.0.0.1 (instead of ours).
    let external = match args.value("--smtp-port") {
        Some(port) => Some(
            port.parse::<u16>()
                .map_err(|_| "--smtp-port needs a port")?,
        ),
        None => None,
    };
    match command.as_str() {
        "fanout" => fanout(&backend, args.number("--recipients", 10_000)?, runs).await,
        "mail" => {
            let emails = args.number("--emails", 2_000)?;
            let workers = args.number("--workers", 1)?;
            mail(&backend, emails, runs, workers, external).await
        }
        "sink" => sink_alone(args.number("--emails", 2_000)?, external).await,
        _ => Err("usage: notify_bench fanout|mail|sink [--backend sqlite|postgres] …".into()),
    }
}

/// An empty, migrated database, and what to remove once done.
async fn fresh_db(backend: &str, run: usize) -> Result<(Db, Option<PathBuf>), Error> {
    match backend {
        "sqlite" => {
            let path = std::env::temp_dir().join(format!(
                "entraide-notify-bench-{}-{run}.db",
                std::process::id()
            ));
            remove_sqlite(&path);
            let db = Db::connect(&format!("sqlite://{}", path.display())).await?;
            db.migrate().await?;
            Ok((db, Some(path)))
        }
        "postgres" => {
            let db = entraide_store::testing::fresh_postgres()
                .await?
                .ok_or("set ENTRAIDE_TEST_POSTGRES_URL to a PostgreSQL database")?;
            Ok((db, None))
        }
        other => Err(format!("unknown backend {other}").into()),
    }
}

fn remove_sqlite(path: &std::path::Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        let _ = std::fs::remove_file(name);
    }
}

fn config(smtp_port: Option<u16>) -> Result<WebConfig, Error> {
    Ok(WebConfig {
        base_url: url::Url::parse("https://entraide.example")?,
        data_dir: std::env::temp_dir(),
        smtp: smtp_port.map(smtp),
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

fn smtp(port: u16) -> SmtpConfig {
    SmtpConfig {
        host: "127.0.0.1".into(),
        port,
        security: SmtpSecurity::None,
        username: None,
        password: None,
        from: "Entraide <no-reply@entraide.example>".into(),
    }
}

/// The actor, then `count` people with a verified email who want to be
/// told at once (the default), half in French and half in English.
async fn seed(db: &Db, count: usize) -> Result<(i64, Vec<i64>), Error> {
    let actor = db
        .seed_people(&[SeedPerson {
            email: Some("actor@bench.example".into()),
            display_name: "Odile".into(),
            locale: "fr".into(),
            visibility: "organisations".into(),
            email_verified: true,
            ..SeedPerson::default()
        }])
        .await?;
    let actor = *actor.first().ok_or("no actor")?;
    let mut ids = Vec::with_capacity(count);
    let mut start = 0;
    while start < count {
        let batch: Vec<SeedPerson> = (start..count.min(start + SEED_BATCH))
            .map(|i| SeedPerson {
                email: Some(format!("person{i}@bench.example")),
                display_name: format!("Person {i}"),
                locale: if i % 2 == 0 { "fr" } else { "en" }.into(),
                visibility: "organisations".into(),
                email_verified: true,
                ..SeedPerson::default()
            })
            .collect();
        ids.extend(db.seed_people(&batch).await?);
        start += SEED_BATCH;
    }
    Ok((actor, ids))
}

/// One event for everyone, through the web service (notification rows,
/// delivery jobs, live signal, worker wake-up).
async fn notify_all(state: &AppState, actor: i64, people: &[i64]) -> Result<usize, Error> {
    let notified = notifications::notify(
        state,
        people,
        Event {
            kind: Kind::Invited,
            actor_id: Some(actor),
            subject: "Put up a shelf in the living room",
            link: "/exchanges/1".into(),
            dedup: None,
            collapse: false,
        },
    )
    .await
    .map_err(|e| format!("notify: {e:?}"))?;
    Ok(notified.len())
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => values[n / 2],
        n => f64::midpoint(values[n / 2 - 1], values[n / 2]),
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[derive(Default)]
struct RenderTimes {
    claim: Duration,
    read: Duration,
    render: Duration,
    emails: usize,
    bytes: usize,
}

/// What the worker does before sending, for every queued job: claim (20 at
/// a time), read the notification and its recipient, render the email.
async fn render_queued(state: &AppState) -> Result<(RenderTimes, Vec<i64>), Error> {
    let mut times = RenderTimes::default();
    let mut ids = Vec::new();
    loop {
        let started = Instant::now();
        let jobs = state
            .db
            .claim_jobs(entraide_store::now(), LEASE, 20)
            .await?;
        times.claim += started.elapsed();
        if jobs.is_empty() {
            break;
        }
        for job in jobs {
            let payload: serde_json::Value = serde_json::from_str(&job.payload)?;
            let id = payload["id"].as_i64().ok_or("a job without an id")?;
            let started = Instant::now();
            let n = state.db.delivery(id).await?;
            times.read += started.elapsed();
            let started = Instant::now();
            let email = render_email(state, &n)
                .await
                .map_err(|f| f.message)?
                .ok_or("a recipient without an email address")?;
            times.render += started.elapsed();
            times.emails += 1;
            times.bytes += email_size(&email);
            ids.push(id);
        }
    }
    Ok((times, ids))
}

/// Renders the same notifications again (the unsubscribe tokens exist now).
async fn render_again(state: &AppState, ids: &[i64]) -> Result<Duration, Error> {
    let started = Instant::now();
    for id in ids {
        let n = state.db.delivery(*id).await?;
        render_email(state, &n)
            .await
            .map_err(|f| f.message)?
            .ok_or("a recipient without an email address")?;
    }
    Ok(started.elapsed())
}

fn email_size(email: &Email) -> usize {
    email.subject.len() + email.text.len() + email.html.len()
}

async fn fanout(backend: &str, recipients: usize, runs: usize) -> Result<(), Error> {
    println!("fan-out of one event to {recipients} people on {backend}, {runs} runs");
    let (mut enqueue, mut render, mut claim, mut read, mut compose, mut again) =
        (vec![], vec![], vec![], vec![], vec![], vec![]);
    for run in 1..=runs {
        let (db, file) = fresh_db(backend, run).await?;
        let state = AppState::new(db.clone(), config(None)?);
        let (actor, people) = seed(&db, recipients).await?;
        let started = Instant::now();
        let notified = notify_all(&state, actor, &people).await?;
        let enqueued = started.elapsed();
        let queued = db.job_counts().await?.queued;
        if notified != recipients || queued != i64::try_from(recipients)? {
            return Err(format!("{notified} notified and {queued} jobs queued").into());
        }
        let started = Instant::now();
        let (times, ids) = tokio::time::timeout(RUN_LIMIT, render_queued(&state)).await??;
        let rendered = started.elapsed();
        if times.emails != recipients {
            return Err(format!("{} emails rendered", times.emails).into());
        }
        let second = render_again(&state, &ids).await?;
        println!(
            "run {run}: enqueue {:.0} ms; render {:.0} ms ({:.0} emails/s; claim {:.0} ms, read {:.0} ms, \
             render_email {:.0} ms; {} bytes per email); again, tokens made: {:.0} ms",
            ms(enqueued),
            ms(rendered),
            recipients as f64 / rendered.as_secs_f64(),
            ms(times.claim),
            ms(times.read),
            ms(times.render),
            times.bytes / times.emails.max(1),
            ms(second),
        );
        enqueue.push(ms(enqueued));
        render.push(ms(rendered));
        claim.push(ms(times.claim));
        read.push(ms(times.read));
        compose.push(ms(times.render));
        again.push(ms(second));
        db.close().await;
        if let Some(path) = file {
            remove_sqlite(&path);
        }
    }
    let render_median = median(&mut render);
    println!(
        "median: enqueue {:.0} ms; render {:.0} ms = {:.0} emails/s (claim {:.0}, read {:.0}, render_email {:.0} ms); \
         again {:.0} ms",
        median(&mut enqueue),
        render_median,
        recipients as f64 / render_median * 1000.0,
        median(&mut claim),
        median(&mut read),
        median(&mut compose),
        median(&mut again),
    );
    Ok(())
}

async fn mail(
    backend: &str,
    emails: usize,
    runs: usize,
    workers: usize,
    external: Option<u16>,
) -> Result<(), Error> {
    let sink = Sink::start().await?;
    let port = external.unwrap_or(sink.port);
    println!(
        "{emails} notification emails through {workers} worker(s) on {backend} to {} on 127.0.0.1:{port}, {runs} runs",
        if external.is_some() {
            "another SMTP server"
        } else {
            "this program's SMTP server"
        },
    );
    let mut rates = Vec::new();
    for run in 1..=runs {
        let (db, file) = fresh_db(backend, run).await?;
        let state = AppState::new(db.clone(), config(Some(port))?);
        let (actor, people) = seed(&db, emails).await?;
        notify_all(&state, actor, &people).await?;
        let before = sink.messages();
        let started = Instant::now();
        let mut tasks = Vec::new();
        for _ in 0..workers {
            let worker = Worker::new(&state);
            if worker.mailer.is_none() {
                return Err("the mailer did not start".into());
            }
            tasks.push(tokio::spawn(async move {
                let mut ran = 0;
                loop {
                    match worker.round().await {
                        Ok(0) => return Ok::<usize, String>(ran),
                        Ok(count) => ran += count,
                        Err(error) => return Err(error.to_string()),
                    }
                }
            }));
        }
        let mut ran = 0;
        for task in tasks {
            ran += tokio::time::timeout(RUN_LIMIT, task).await???;
        }
        let elapsed = started.elapsed();
        let counts = db.job_counts().await?;
        let received = match external {
            // Jobs are done only once the server accepted the message.
            Some(_) => u64::try_from(emails)?,
            None => sink.messages() - before,
        };
        if received != u64::try_from(emails)? || counts.queued != 0 || counts.dead != 0 {
            return Err(format!(
                "{ran} jobs ran, {received} messages received, {} queued, {} dead",
                counts.queued, counts.dead
            )
            .into());
        }
        let rate = emails as f64 / elapsed.as_secs_f64();
        println!(
            "run {run}: {emails} emails in {:.0} ms = {rate:.0} emails/s",
            ms(elapsed)
        );
        rates.push(rate);
        db.close().await;
        if let Some(path) = file {
            remove_sqlite(&path);
        }
    }
    println!("median: {:.0} emails/s", median(&mut rates));
    Ok(())
}

/// The SMTP server alone, with a plain client (one connection per message
/// as the mailer does, with and without Nagle's algorithm), then the mailer
/// alone (no database).
async fn sink_alone(emails: usize, external: Option<u16>) -> Result<(), Error> {
    let sink = Sink::start().await?;
    let port = external.unwrap_or(sink.port);
    let body = "Subject: A test\r\n\r\n".to_owned() + &"x".repeat(2_000) + "\r\n";
    for nodelay in [true, false] {
        let before = sink.messages();
        let started = Instant::now();
        for _ in 0..emails {
            raw_send(port, &body, nodelay).await?;
        }
        let elapsed = started.elapsed();
        println!(
            "SMTP server alone, plain client, one connection per message, TCP_NODELAY {}: {} in {:.0} ms = {:.0} messages/s",
            if nodelay { "on" } else { "off" },
            if external.is_some() {
                emails as u64
            } else {
                sink.messages() - before
            },
            ms(elapsed),
            emails as f64 / elapsed.as_secs_f64()
        );
    }
    let mailer = Mailer::new(&smtp(port))?;
    let email = Email {
        to: "person@bench.example".into(),
        subject: "Odile asks you to help: put up a shelf in the living room".into(),
        text: "x".repeat(500),
        html: "<p>".to_owned() + &"x".repeat(900) + "</p>",
        unsubscribe: Some("https://entraide.example/unsubscribe?token=t&kind=invited".into()),
    };
    for concurrency in [1_usize, 4, 16] {
        let before = sink.messages();
        let started = Instant::now();
        let per = emails / concurrency;
        let sends = (0..concurrency).map(|_| async {
            for _ in 0..per {
                mailer.send(&email).await?;
            }
            Ok::<(), String>(())
        });
        for result in futures_util::future::join_all(sends).await {
            result?;
        }
        let elapsed = started.elapsed();
        let sent = match external {
            Some(_) => (per * concurrency) as u64,
            None => sink.messages() - before,
        };
        println!(
            "Mailer::send alone (lettre, no database), {concurrency} at a time: {sent} in {:.0} ms = {:.0} emails/s",
            ms(elapsed),
            sent as f64 / elapsed.as_secs_f64()
        );
    }
    Ok(())
}

/// One message over a new connection, as a plain SMTP client.
async fn raw_send(port: u16, body: &str, nodelay: bool) -> Result<(), Error> {
    let stream = TcpStream::connect(("127.0.0.1", port)).await?;
    stream.set_nodelay(nodelay)?;
    let (read, mut write) = stream.into_split();
    let mut reader = BufReader::new(read);
    let mut line = String::new();
    answer(&mut reader, &mut line).await?;
    for command in [
        "EHLO bench\r\n",
        "MAIL FROM:<a@bench.example>\r\n",
        "RCPT TO:<b@bench.example>\r\n",
        "DATA\r\n",
    ] {
        write.write_all(command.as_bytes()).await?;
        answer(&mut reader, &mut line).await?;
    }
    write.write_all(body.as_bytes()).await?;
    write.write_all(b".\r\n").await?;
    answer(&mut reader, &mut line).await?;
    write.write_all(b"QUIT\r\n").await?;
    answer(&mut reader, &mut line).await?;
    Ok(())
}

/// Reads one answer line; an error unless it says yes (2xx or 3xx).
async fn answer(
    reader: &mut BufReader<tokio::net::tcp::OwnedReadHalf>,
    line: &mut String,
) -> Result<(), Error> {
    line.clear();
    reader.read_line(line).await?;
    if line.starts_with('2') || line.starts_with('3') {
        Ok(())
    } else {
        Err(format!("the SMTP server answered {line:?}").into())
    }
}

/// An SMTP server on 127.0.0.1 that accepts every message and counts it.
struct Sink {
    port: u16,
    received: Arc<AtomicU64>,
}

impl Sink {
    async fn start() -> Result<Self, Error> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let port = listener.local_addr()?.port();
        let received = Arc::new(AtomicU64::new(0));
        let counter = received.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let counter = counter.clone();
                tokio::spawn(async move {
                    let _ = serve_smtp(stream, &counter).await;
                });
            }
        });
        Ok(Self { port, received })
    }

    fn messages(&self) -> u64 {
        self.received.load(Ordering::Relaxed)
    }
}

async fn serve_smtp(stream: TcpStream, received: &AtomicU64) -> std::io::Result<()> {
    stream.set_nodelay(true)?;
    let (read, mut write) = stream.into_split();
    let mut reader = BufReader::new(read);
    let mut line = Vec::with_capacity(1024);
    write.write_all(b"220 localhost ESMTP sink\r\n").await?;
    let mut in_data = false;
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line).await? == 0 {
            return Ok(());
        }
        if in_data {
            if line == b".\r\n" || line == b".\n" {
                in_data = false;
                received.fetch_add(1, Ordering::Relaxed);
                write.write_all(b"250 queued\r\n").await?;
            }
            continue;
        }
        let verb = line
            .iter()
            .take_while(|b| b.is_ascii_alphabetic())
            .map(u8::to_ascii_uppercase)
            .collect::<Vec<u8>>();
        let answer: &[u8] = match verb.as_slice() {
            b"EHLO" | b"HELO" => b"250 localhost\r\n",
            b"DATA" => {
                in_data = true;
                b"354 go ahead\r\n"
            }
            b"QUIT" => {
                write.write_all(b"221 bye\r\n").await?;
                // Read to the end so the client closes first.
                let mut rest = Vec::new();
                let _ = reader.read_to_end(&mut rest).await;
                return Ok(());
            }
            _ => b"250 ok\r\n",
        };
        write.write_all(answer).await?;
    }
}
