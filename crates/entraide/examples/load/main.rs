//! Open-loop load on a running Entraide, by signed-in demo people, through the JSON API.
//!
//! ```sh
//! load --base http://127.0.0.1:8080 [--rate 100] [--seconds 60] [--pid PID]
//! load --base http://127.0.0.1:8080 --max [--rate 50] [--step-seconds 30]
//! ```
//!
//! The server must have the demo data (`entraide demo`): the generator signs
//! in the demo staff with the demo password, then starts requests at a fixed
//! rate, spread evenly, whatever the server does. A slow server therefore
//! piles up requests in flight instead of slowing the generator down, as real
//! visitors would; latency is measured from the moment a request was due, so
//! a late start counts against the server (no coordinated omission). When the
//! generator itself starts a request more than 10 ms late it counts it.
//!
//! The mix, per 100 requests: reads — 15 home page (anonymous), 15
//! `GET /api/v1/me`, 20 exchange searches with varied filters, 10
//! notifications, 10 conversation lists, 5 unread counters, 5 neighbourhood
//! overviews; writes — 8 messages in a conversation, 4 needs created then
//! cancelled (two requests), 4 "mark all notifications read", 4 one-minute
//! time-bank gifts between two demo people (alternating, so balances stay
//! put). Every answer must be 2xx, except a time-bank gift refused with 409
//! (`ledger-floor` or `ledger-ceiling`), counted apart as an expected refusal.
//!
//! Every minute and at the end it prints one line of `key=value`: requests,
//! errors by kind, p50/p99/max latency of that minute, late starts, and the
//! server's resident memory (`VmRSS` of `--pid`). `--max` ramps the rate by
//! half each step until a step has an error or a p99 of 250 ms or more, then
//! narrows between the last good and the first bad rate, and prints
//! `max_rate=`. Only loopback addresses are accepted as `--base`.

mod mix;
mod setup;

use mix::{Outcome, act, pick};
use setup::{Setup, loopback_base, setup};

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rand::Rng as _;

pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// Beyond this many requests in flight new ones are shed and counted as
/// errors: an overloaded server must not make the generator eat the machine.
const MAX_IN_FLIGHT: u64 = 2_000;
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// Idle pooled connections are dropped after this (see `setup`).
pub const IDLE: Duration = Duration::from_secs(4);
const LATE: Duration = Duration::from_millis(10);

fn arg(name: &str, default: &str) -> String {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
        .unwrap_or_else(|| default.to_owned())
}

fn flag(name: &str) -> bool {
    std::env::args().any(|a| a == name)
}

/// One minute (or one step) of results.
#[derive(Default)]
struct Window {
    micros: Vec<u64>,
    refused: u64,
    late: u64,
    errors: BTreeMap<String, u64>,
}

impl Window {
    fn requests(&self) -> u64 {
        self.micros.len() as u64 + self.errors.values().sum::<u64>()
    }

    fn error_count(&self) -> u64 {
        self.errors.values().sum()
    }

    /// Quantile of the successful requests, in milliseconds.
    fn at(&mut self, q: f64) -> f64 {
        self.micros.sort_unstable();
        let n = self.micros.len();
        if n == 0 {
            return 0.0;
        }
        let i = ((n as f64 * q).ceil() as usize).clamp(1, n) - 1;
        self.micros[i] as f64 / 1000.0
    }

    fn line(&mut self, label: &str, seconds: f64, pid: Option<u32>) -> String {
        let errors = if self.errors.is_empty() {
            "none".to_owned()
        } else {
            self.errors
                .iter()
                .map(|(k, v)| format!("{k}:{v}"))
                .collect::<Vec<_>>()
                .join(",")
        };
        let rss = pid
            .and_then(rss_mb)
            .map_or_else(|| "-".to_owned(), |mb| format!("{mb:.1}"));
        let (p50, p99, max) = (self.at(0.50), self.at(0.99), self.at(1.0));
        format!(
            "{label} requests={} rate={:.0}/s ok={} refused={} errors={} error_kinds={errors} \
             p50_ms={p50:.1} p99_ms={p99:.1} max_ms={max:.1} late_starts={} rss_mb={rss}",
            self.requests(),
            self.requests() as f64 / seconds.max(0.001),
            self.micros.len(),
            self.refused,
            self.error_count(),
            self.late,
        )
    }
}

/// The server's resident memory, from `/proc/<pid>/status`.
fn rss_mb(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn record(window: &Mutex<Window>, outcomes: Vec<Outcome>, micros: u64) {
    let Ok(mut w) = window.lock() else {
        return;
    };
    for outcome in outcomes {
        match outcome {
            Outcome::Ok => w.micros.push(micros),
            Outcome::Refused => {
                w.micros.push(micros);
                w.refused += 1;
            }
            Outcome::Failed(kind) => *w.errors.entry(kind).or_default() += 1,
        }
    }
}

fn take(window: &Mutex<Window>) -> Window {
    window
        .lock()
        .map(|mut w| std::mem::take(&mut *w))
        .unwrap_or_default()
}

/// Starts requests at `rate` per second for `seconds`, then waits for the
/// last ones. With `minute_lines` it prints a line each minute.
async fn run(
    setup: &Arc<Setup>,
    rate: f64,
    seconds: u64,
    pid: Option<u32>,
    minute_lines: bool,
) -> Window {
    let window = Arc::new(Mutex::new(Window::default()));
    let total = Arc::new(Mutex::new(Window::default()));
    let in_flight = Arc::new(AtomicU64::new(0));
    let interval = Duration::from_secs_f64(1.0 / rate);
    let start = tokio::time::Instant::now();
    let end = start + Duration::from_secs(seconds);
    let mut next_minute = start + Duration::from_secs(60);
    let mut minute = 0;
    let mut tasks = tokio::task::JoinSet::new();
    let mut n: u64 = 0;
    loop {
        let due = start + interval.mul_f64(n as f64);
        if due >= end {
            break;
        }
        if minute_lines && due >= next_minute {
            minute += 1;
            let mut w = take(&window);
            println!("{}", w.line(&format!("minute={minute}"), 60.0, pid));
            merge(&total, w);
            next_minute += Duration::from_secs(60);
        }
        tokio::time::sleep_until(due).await;
        let late = tokio::time::Instant::now().saturating_duration_since(due) > LATE;
        let roll = rand::thread_rng().gen_range(0..100);
        n += 1;
        if late && let Ok(mut w) = window.lock() {
            w.late += 1;
        }
        if in_flight.load(Ordering::Relaxed) >= MAX_IN_FLIGHT {
            record(&window, vec![Outcome::Failed("shed".into())], 0);
            continue;
        }
        in_flight.fetch_add(1, Ordering::Relaxed);
        let (setup, window, in_flight) = (setup.clone(), window.clone(), in_flight.clone());
        tasks.spawn(async move {
            let outcomes = act(&setup, pick(roll), n).await;
            // From when the request was due, not when it left.
            let micros = due.elapsed().as_micros() as u64;
            record(&window, outcomes, micros);
            in_flight.fetch_sub(1, Ordering::Relaxed);
        });
        // Reap finished tasks so the set does not grow for the whole soak.
        while tasks.try_join_next().is_some() {}
    }
    while tasks.join_next().await.is_some() {}
    let mut w = take(&window);
    if minute_lines && w.requests() > 0 {
        let seconds_left = (start.elapsed().as_secs_f64() - 60.0 * minute as f64).max(1.0);
        println!(
            "{}",
            w.line(&format!("minute={}", minute + 1), seconds_left, pid)
        );
    }
    merge(&total, w);
    take(&total)
}

fn merge(into: &Mutex<Window>, from: Window) {
    if let Ok(mut t) = into.lock() {
        t.micros.extend(from.micros);
        t.refused += from.refused;
        t.late += from.late;
        for (k, v) in from.errors {
            *t.errors.entry(k).or_default() += v;
        }
    }
}

/// The p99 a step must stay under, in milliseconds: well above what an
/// unhurried server answers in (a few ms to a few tens), well below what
/// a growing queue reaches within a step.
const STEP_P99_MS: f64 = 250.0;

/// A step passes with no error and a p99 under [`STEP_P99_MS`]. Late
/// starts are reported but do not fail a step: latency runs from the due
/// time, so a generator that fell behind already shows in the p99.
fn passes(w: &mut Window) -> bool {
    w.error_count() == 0 && w.at(0.99) < STEP_P99_MS
}

async fn find_max(setup: &Arc<Setup>, mut rate: f64, step: u64, pid: Option<u32>) -> f64 {
    let mut good = 0.0_f64;
    let mut bad = f64::INFINITY;
    // Grow by half until a step fails, then halve the gap three times.
    for _ in 0..24 {
        let mut w = run(setup, rate, step, pid, false).await;
        let ok = passes(&mut w);
        println!(
            "{}",
            w.line(
                &format!("step rate_target={rate:.0} pass={ok}"),
                step as f64,
                pid
            )
        );
        if ok {
            good = good.max(rate);
        } else {
            bad = bad.min(rate);
        }
        if bad.is_finite() && (bad - good) <= bad * 0.1 {
            break;
        }
        rate = if bad.is_finite() {
            (good + bad) / 2.0
        } else {
            rate * 1.5
        };
        // Let the server drain queues and finish background work between steps.
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
    good
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let base = loopback_base(&arg("--base", "http://127.0.0.1:8080"))?;
    let rate: f64 = arg("--rate", if flag("--max") { "50" } else { "100" }).parse()?;
    let seconds: u64 = arg("--seconds", "60").parse()?;
    let step: u64 = arg("--step-seconds", "30").parse()?;
    let pid: Option<u32> = match arg("--pid", "") {
        p if p.is_empty() => None,
        p => Some(p.parse()?),
    };
    if !(rate > 0.0 && rate <= 50_000.0) || seconds == 0 || seconds > 24 * 3600 || step == 0 {
        return Err(
            "--rate must be in (0, 50000], --seconds in [1, 86400], --step-seconds ≥ 1".into(),
        );
    }
    let setup = Arc::new(setup(base).await?);
    println!(
        "signed_in={} conversations={} bank={}",
        setup.people.len(),
        setup
            .people
            .iter()
            .filter(|p| p.conversation.is_some())
            .count(),
        setup
            .bank
            .as_ref()
            .map_or("none".to_owned(), |b| b.org.to_string())
    );
    if flag("--max") {
        let best = find_max(&setup, rate, step, pid).await;
        println!("max_rate={best:.0}");
        return Ok(());
    }
    let started = Instant::now();
    let mut total = run(&setup, rate, seconds, pid, true).await;
    println!(
        "{}",
        total.line("total", started.elapsed().as_secs_f64(), pid)
    );
    Ok(())
}
