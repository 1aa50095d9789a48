//! Sustained time-bank transfers over HTTP, and their latency.
//!
//! ```sh
//! ledger_bench --backend sqlite|postgres [--members 200] [--clients 16] [--seconds 20]
//! ```
//!
//! Opens a bank with `--members` members (each with an API token), serves
//! the application on a loopback port in this process, then `--clients`
//! tasks post transfers between random members (each with its own
//! idempotency key) for `--seconds`. Prints transfers per second, p50 and
//! p99 latency, refusals and errors, and checks the bank still adds up.
//! PostgreSQL runs in a new schema of `ENTRAIDE_TEST_POSTGRES_URL`.

use std::time::{Duration, Instant};

use entraide_core::credentials::{new_token, token_digest};
use entraide_core::ledger::Limits;
use entraide_store::Db;
use entraide_web::{AppState, WebConfig, app};
use rand::Rng as _;

type Error = Box<dyn std::error::Error + Send + Sync>;

fn arg(name: &str, default: &str) -> String {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
        .unwrap_or_else(|| default.to_owned())
}

async fn database(backend: &str) -> Result<Db, Error> {
    Ok(match backend {
        "postgres" => entraide_store::testing::fresh_postgres()
            .await?
            .ok_or("set ENTRAIDE_TEST_POSTGRES_URL")?,
        _ => entraide_store::testing::fresh_sqlite().await?,
    })
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let backend = arg("--backend", "sqlite");
    let members: usize = arg("--members", "200").parse()?;
    let clients: usize = arg("--clients", "16").parse()?;
    let seconds: u64 = arg("--seconds", "20").parse()?;
    let db = database(&backend).await?;

    let mut people = Vec::with_capacity(members);
    for i in 0..members {
        let id = db
            .create_user_with_email(&format!("m{i}@bench.test"), "x", &format!("M{i}"), "fr")
            .await?;
        let token = new_token();
        db.create_api_token(id, "bench", &token_digest(&token))
            .await?;
        people.push((id, token));
    }
    let org = db
        .create_organisation("Banque du temps", "association", "", people[0].0)
        .await?;
    for (id, _) in &people[1..] {
        db.set_membership(org, *id, "member").await?;
    }
    db.open_bank(
        org,
        Limits {
            floor: -100_000,
            ceiling: 100_000,
        },
        7,
    )
    .await?;

    let config = WebConfig {
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
    };
    let router = app(AppState::new(db.clone(), config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let port = listener.local_addr()?.port();
    tokio::spawn(async move { axum::serve(listener, router).await });
    let endpoint = format!("http://127.0.0.1:{port}/api/v1/orgs/{org}/timebank/transfers");
    let client = reqwest::Client::new();
    let people = std::sync::Arc::new(people);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..clients {
        let (client, endpoint, people) = (client.clone(), endpoint.clone(), people.clone());
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let (mut refused, mut errors) = (0_u64, 0_u64);
            let mut n = 0_u64;
            while Instant::now() < deadline {
                let (from, to, minutes) = {
                    let mut rng = rand::thread_rng();
                    let from = rng.gen_range(0..people.len());
                    let mut to = rng.gen_range(0..people.len());
                    if to == from {
                        to = (to + 1) % people.len();
                    }
                    (from, to, rng.gen_range(1..60))
                };
                let body = serde_json::json!({"recipient": people[to].0, "hours": "0",
                    "minutes": minutes.to_string(), "why": "bench", "key": format!("c{c}-{n}")});
                n += 1;
                let sent = Instant::now();
                let reply = client
                    .post(&endpoint)
                    .bearer_auth(&people[from].1)
                    .json(&body)
                    .send()
                    .await;
                match reply.map(|r| r.status().as_u16()) {
                    Ok(201) => latencies.push(sent.elapsed()),
                    Ok(409) => refused += 1,
                    _ => errors += 1,
                }
            }
            (latencies, refused, errors)
        }));
    }
    let mut latencies = Vec::new();
    let (mut refused, mut errors) = (0, 0);
    for task in tasks {
        let (l, r, e) = task.await?;
        latencies.extend(l);
        refused += r;
        errors += e;
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort_unstable();
    let at = |q: f64| {
        latencies
            .get(((latencies.len() as f64 * q) as usize).min(latencies.len().saturating_sub(1)))
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    let totals = db.bank_totals(org).await?;
    println!(
        "{backend}: {} transfers in {elapsed:.1} s = {:.0}/s, p50 {:.2} ms, p99 {:.2} ms, {refused} refused, {errors} errors; \
         bank: {} transfers, sum {}, mismatched {}, unbalanced {}",
        latencies.len(),
        latencies.len() as f64 / elapsed,
        at(0.50),
        at(0.99),
        totals.transfers,
        totals.sum,
        totals.mismatched,
        totals.unbalanced
    );
    Ok(())
}
