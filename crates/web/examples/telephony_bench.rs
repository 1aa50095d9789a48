//! Webhook answer latency under load: what a telephony provider waits for.
//!
//! ```sh
//! telephony_bench --backend sqlite|postgres [--boxes 500] [--clients 16] [--seconds 20]
//! ```
//!
//! Sets up an organisation with a provider, `--boxes` people with a
//! personal number each, serves the application on a loopback port in
//! this process, then `--clients` tasks play whole calls for `--seconds`,
//! every webhook signed as the provider signs it: a caller reaches a
//! personal number and leaves a message (greeting, recording finished),
//! then the person calls the access number, names the box, types the PIN,
//! hears the first message and presses "next". Prints webhooks per second
//! and p50 / p99 / max latency, overall and per step, and the errors.
//! PostgreSQL runs in a new schema of `ENTRAIDE_TEST_POSTGRES_URL`.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use entraide_store::Db;
use entraide_store::telephony::NewBox;
use entraide_web::services::telephony::{ProviderInput, configure, provider_key};
use entraide_web::services::voice_boxes::pin_tag;
use entraide_web::{AppState, WebConfig, app};
use rand::Rng as _;

type Error = Box<dyn std::error::Error + Send + Sync>;

const TOKEN: &str = "bench-auth-token";

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

/// One signed webhook: (step name, path and query, form parameters).
struct Hook {
    step: &'static str,
    path: String,
    params: Vec<(String, String)>,
}

fn hook(step: &'static str, path: String, params: &[(&str, &str)]) -> Hook {
    Hook {
        step,
        path,
        params: params
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
    }
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let backend = arg("--backend", "sqlite");
    let boxes: usize = arg("--boxes", "500").parse()?;
    let clients: usize = arg("--clients", "16").parse()?;
    let seconds: u64 = arg("--seconds", "20").parse()?;
    let db = database(&backend).await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let data_dir = std::env::temp_dir().join(format!("entraide-bench-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&data_dir)?;
    let config = WebConfig {
        base_url: url::Url::parse(&base)?,
        data_dir: data_dir.clone(),
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
    let state = AppState::new(db.clone(), config);
    let admin = db
        .create_user_with_email("admin@bench.test", "x", "Admin", "fr")
        .await?;
    let org = db
        .create_organisation("CCAS", "social_service", "", admin)
        .await?;
    let admin = db.user(admin).await?;
    configure(
        &state,
        &admin,
        org,
        &ProviderInput {
            api_url: "https://api.twilio.com".into(),
            account_sid: "AC0123456789".into(),
            auth_token: TOKEN.into(),
            access_number: "+33184600000".into(),
            shared_number: String::new(),
            quarantine_days: "90".into(),
        },
    )
    .await
    .map_err(|e| e.to_string())?;
    let (_, key) = provider_key(&state, org).await.map_err(|e| e.to_string())?;
    let numbers: Vec<String> = (0..boxes).map(|i| format!("+3318470{i:04}")).collect();
    db.add_pool_numbers(org, &numbers).await?;
    for i in 0..boxes {
        let user = db
            .create_user_with_email(&format!("p{i}@bench.test"), "x", &format!("P{i}"), "fr")
            .await?;
        db.open_voice_box(&NewBox {
            user,
            org,
            personal: true,
            quarantine_days: 90,
            box_number: &format!("{:06}", 100_000 + i),
            pin_tag: &pin_tag(&key, user, "4321"),
            opened_by: admin.id,
        })
        .await?
        .ok_or("no box")?;
    }
    let router = app(state);
    tokio::spawn(async move { axum::serve(listener, router).await });

    let client = reqwest::Client::new();
    let numbers = std::sync::Arc::new(numbers);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..clients {
        let (client, base, numbers) = (client.clone(), base.clone(), numbers.clone());
        tasks.push(tokio::spawn(async move {
            let mut latencies: Vec<(&'static str, Duration)> = Vec::new();
            let mut errors = 0_u64;
            let mut n = 0_u64;
            while Instant::now() < deadline {
                let number = {
                    let mut rng = rand::thread_rng();
                    numbers[rng.gen_range(0..numbers.len())].clone()
                };
                let typed = format!("0{}", &number[3..]);
                let (deposit, listen, recording) = (
                    format!("CAd{c}x{n}"),
                    format!("CAl{c}x{n}"),
                    format!("RE{c}x{n}"),
                );
                n += 1;
                let t = format!("/telephony/{org}");
                let url = format!(
                    "https://api.twilio.com/2010-04-01/Accounts/AC0123456789/Recordings/{recording}"
                );
                let calls = [
                    hook(
                        "greeting",
                        format!("{t}/voice"),
                        &[
                            ("CallSid", &deposit),
                            ("From", "+33612345678"),
                            ("To", &number),
                        ],
                    ),
                    hook("recorded", format!("{t}/recorded?box=0"), &[]),
                    hook(
                        "access",
                        format!("{t}/voice"),
                        &[
                            ("CallSid", &listen),
                            ("From", "+33700000000"),
                            ("To", "+33184600000"),
                        ],
                    ),
                    hook(
                        "box",
                        format!("{t}/access/box"),
                        &[("CallSid", &listen), ("Digits", &typed)],
                    ),
                    hook(
                        "pin",
                        format!("{t}/access/pin"),
                        &[("CallSid", &listen), ("Digits", "4321")],
                    ),
                    hook(
                        "menu",
                        format!("{t}/access/menu?at=0"),
                        &[("CallSid", &listen)],
                    ),
                    hook(
                        "key",
                        format!("{t}/access/key?at=0"),
                        &[("CallSid", &listen), ("Digits", "5")],
                    ),
                ];
                let mut record_action = String::new();
                for mut call in calls {
                    if call.step == "recorded" {
                        // The greeting's Record verb says where to post.
                        call.path = record_action.clone();
                        call.params = [
                            ("CallSid", deposit.as_str()),
                            ("From", "+33612345678"),
                            ("To", &number),
                            ("RecordingSid", &recording),
                            ("RecordingUrl", &url),
                            ("RecordingDuration", "9"),
                        ]
                        .iter()
                        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                        .collect();
                    }
                    let signature = entraide_core::telephony::signature(
                        TOKEN,
                        &format!("{base}{}", call.path),
                        &call.params,
                    );
                    let sent = Instant::now();
                    let reply = client
                        .post(format!("{base}{}", call.path))
                        .header("x-twilio-signature", signature)
                        .form(&call.params)
                        .send()
                        .await;
                    let body = match reply {
                        Ok(r) if r.status().is_success() => r.text().await.unwrap_or_default(),
                        _ => {
                            errors += 1;
                            break;
                        }
                    };
                    latencies.push((call.step, sent.elapsed()));
                    if body.contains("tel-say-sorry") || body.contains("Désolé") {
                        errors += 1;
                    }
                    if call.step == "greeting" {
                        record_action = body
                            .split("<Record method=\"POST\" action=\"")
                            .nth(1)
                            .and_then(|rest| rest.split('"').next())
                            .map(|a| a.replace("&amp;", "&").replace(&base, ""))
                            .unwrap_or_default();
                    }
                }
            }
            (latencies, errors)
        }));
    }
    let mut all: Vec<(&'static str, Duration)> = Vec::new();
    let mut errors = 0;
    for task in tasks {
        let (l, e) = task.await?;
        all.extend(l);
        errors += e;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let summary = |mut d: Vec<Duration>| {
        d.sort_unstable();
        let at = |q: f64| {
            d.get(((d.len() as f64 * q) as usize).min(d.len().saturating_sub(1)))
                .map_or(0.0, |x| x.as_secs_f64() * 1000.0)
        };
        format!(
            "{} answers, p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            d.len(),
            at(0.5),
            at(0.99),
            at(1.0)
        )
    };
    let mut by_step: BTreeMap<&str, Vec<Duration>> = BTreeMap::new();
    for (step, d) in &all {
        by_step.entry(step).or_default().push(*d);
    }
    println!(
        "{backend}, {clients} concurrent calls, {boxes} boxes: {:.0} webhooks/s; {}; {errors} errors",
        all.len() as f64 / elapsed,
        summary(all.iter().map(|(_, d)| *d).collect())
    );
    for (step, d) in by_step {
        println!("  {step:9} {}", summary(d));
    }
    let _ = std::fs::remove_dir_all(&data_dir);
    Ok(())
}
