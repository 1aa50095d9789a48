//! The matching benchmark at regional scale (docs/benchmarks.md): fills an
//! empty database with generated members and needs/offers, then times, in
//! process, "the 20 best helpers for a need within 3 km" and "needs near
//! me, filtered, first page" at random places, and prints percentiles and
//! the peak resident memory.
//!
//! `--queries 0` only generates, so that a second run measures the memory
//! of the queries alone.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use clap::Parser;
use entraide_core::exchange::CATEGORIES;
use entraide_core::matching::{Wanted, rank};
use entraide_core::profile::Availability;
use entraide_store::exchanges::{Exchange, Search};
use entraide_store::generate::{Generated, Plan};
use entraide_store::{Db, Page, StoreError};
use rand::rngs::StdRng;
use rand::{Rng as _, SeedableRng as _};

/// The radius both questions use, as the pages do.
const RADIUS_M: f64 = 3000.0;
/// Helpers shown for a need.
const MATCH_LIMIT: usize = 20;
/// Invitations counted for fairness: the last 30 days.
const FAIRNESS_WINDOW_SECONDS: i64 = 30 * 24 * 3600;

#[derive(Parser)]
struct Args {
    /// `sqlite://…` or `postgres://…`.
    #[arg(long)]
    database_url: String,
    /// Members to generate when the database is empty.
    #[arg(long, default_value_t = 1_000_000)]
    members: usize,
    /// Needs and offers to generate when the database is empty.
    #[arg(long, default_value_t = 200_000)]
    exchanges: usize,
    /// Timed queries per question (0: generate only).
    #[arg(long, default_value_t = 2_000)]
    queries: usize,
    /// Untimed queries first, per question.
    #[arg(long, default_value_t = 50)]
    warmup: usize,
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Stop a question's timed queries after this many seconds.
    #[arg(long, default_value_t = 900)]
    budget_secs: u64,
    /// Writes the places queried (CSV) for the PostGIS baseline.
    #[arg(long)]
    places_out: Option<PathBuf>,
}

/// One question's place: a need to find helpers for, or an offer whose
/// owner looks for needs nearby.
struct Place {
    exchange: Exchange,
    /// The interests of the need's owner; the category searched for offers.
    interests: Vec<String>,
    category: &'static str,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let db = Db::connect(&args.database_url)
        .await
        .context("connecting")?;
    db.migrate().await.context("migrating")?;
    println!("backend: {:?}", db.backend());
    let mut extent = db.extent().await?;
    if extent.members == 0 && extent.exchanges == 0 {
        generate(&db, &args).await?;
        extent = db.extent().await?;
    } else {
        println!(
            "using the data present: {} members, {} exchanges",
            extent.members, extent.exchanges
        );
    }
    if args.queries > 0 && extent.max_exchange_id > 0 {
        let mut rng = StdRng::seed_from_u64(args.seed.wrapping_add(1));
        let count = args.warmup + args.queries;
        let needs = places(&db, &mut rng, extent.max_exchange_id, "need", count).await?;
        let offers = places(&db, &mut rng, extent.max_exchange_id, "offer", count).await?;
        if let Some(path) = &args.places_out {
            write_places(path, &needs, &offers, args.warmup)?;
        }
        let budget = Duration::from_secs(args.budget_secs);
        run_matching(&db, &needs, args.warmup, budget).await?;
        run_search(&db, &offers, args.warmup, budget).await?;
    }
    println!("peak resident memory (VmHWM): {}", peak_rss());
    db.close().await;
    Ok(())
}

async fn generate(db: &Db, args: &Args) -> anyhow::Result<()> {
    let plan = Plan {
        seed: args.seed,
        members: args.members,
        exchanges: args.exchanges,
    };
    let start = Instant::now();
    let mut shown = Instant::now();
    let report = |g: &Generated| {
        if shown.elapsed() >= Duration::from_secs(10) {
            shown = Instant::now();
            eprintln!(
                "  {:>7.1} s: {} members, {} tags, {} exchanges, {} terms",
                start.elapsed().as_secs_f64(),
                g.members,
                g.tags,
                g.exchanges,
                g.terms
            );
        }
    };
    let done = db.generate(&plan, report).await.context("generating")?;
    let seconds = start.elapsed().as_secs_f64();
    let rows = done.members + done.tags + done.exchanges + done.terms;
    println!(
        "generated {} members ({} tags) and {} exchanges ({} search terms) in {seconds:.1} s \
         ({:.0} rows/s)",
        done.members,
        done.tags,
        done.exchanges,
        done.terms,
        rows as f64 / seconds
    );
    Ok(())
}

/// `count` open exchanges of `kind` drawn at random, with what each
/// question needs beside the exchange itself.
async fn places(
    db: &Db,
    rng: &mut StdRng,
    max_id: i64,
    kind: &str,
    count: usize,
) -> anyhow::Result<Vec<Place>> {
    let mut out = Vec::with_capacity(count);
    let mut tries = 0;
    while out.len() < count {
        tries += 1;
        anyhow::ensure!(tries < 100 * count + 1000, "too few open {kind}s");
        let exchange = match db.exchange(rng.gen_range(1..=max_id)).await {
            Ok(e) if e.kind == kind && e.state == "open" => e,
            Ok(_) | Err(StoreError::NotFound) => continue,
            Err(e) => return Err(e.into()),
        };
        let interests = db.tags(exchange.owner_id).await?.interests;
        let category = CATEGORIES[rng.gen_range(0..CATEGORIES.len())];
        out.push(Place {
            exchange,
            interests,
            category,
        });
    }
    Ok(out)
}

/// `{a,b}`: a PostgreSQL array literal (keys hold no commas or quotes).
fn array(keys: &[String]) -> String {
    format!("{{{}}}", keys.join(","))
}

fn write_places(
    path: &PathBuf,
    needs: &[Place],
    offers: &[Place],
    warmup: usize,
) -> anyhow::Result<()> {
    let mut csv = String::from(
        "question,seq,warmup,exchange_id,owner_id,lat,lng,category,skills,interests,languages,slots\n",
    );
    for (question, list) in [("helpers", needs), ("search", offers)] {
        for (seq, p) in list.iter().enumerate() {
            let e = &p.exchange;
            writeln!(
                csv,
                "{question},{seq},{},{},{},{},{},{},\"{}\",\"{}\",\"{}\",{}",
                seq < warmup,
                e.id,
                e.owner_id,
                e.lat,
                e.lng,
                p.category,
                array(&e.skill_keys()),
                array(&p.interests),
                array(&e.language_keys()),
                e.slots
            )?;
        }
    }
    std::fs::write(path, csv).with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

/// Nearest-rank percentile of sorted milliseconds.
fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// p50, p99 and max of milliseconds.
fn stats(mut ms: Vec<f64>) -> String {
    ms.sort_by(f64::total_cmp);
    format!(
        "p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        percentile(&ms, 0.5),
        percentile(&ms, 0.99),
        ms.last().copied().unwrap_or(f64::NAN)
    )
}

fn summary(label: &str, ms: Vec<f64>, planned: usize) -> String {
    let ran = if ms.len() < planned {
        format!("{} of {planned} (time budget reached)", ms.len())
    } else {
        ms.len().to_string()
    };
    format!("{label}: {ran} queries, {}", stats(ms))
}

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

async fn run_matching(
    db: &Db,
    needs: &[Place],
    warmup: usize,
    budget: Duration,
) -> anyhow::Result<()> {
    let since = entraide_store::now() - FAIRNESS_WINDOW_SECONDS;
    let (mut total, mut store, mut ranking) = (Vec::new(), Vec::new(), Vec::new());
    let (mut candidates, mut found) = (0usize, 0usize);
    let mut started = None;
    for (i, need) in needs.iter().enumerate() {
        if i == warmup {
            started = Some(Instant::now());
        }
        if started.is_some_and(|s| s.elapsed() > budget) {
            break;
        }
        let e = &need.exchange;
        let (skills, languages) = (e.skill_keys(), e.language_keys());
        let wanted = Wanted {
            place: e.point(),
            radius_m: RADIUS_M,
            skills: &skills,
            interests: &need.interests,
            languages: &languages,
            slots: Availability::from_bits(e.slots),
        };
        let t0 = Instant::now();
        let read = db
            .helper_candidates(e.point(), RADIUS_M, e.owner_id, since)
            .await?;
        let t1 = Instant::now();
        let ranked = rank(&wanted, &read, MATCH_LIMIT);
        let t2 = Instant::now();
        if i >= warmup {
            total.push(millis(t2 - t0));
            store.push(millis(t1 - t0));
            ranking.push(millis(t2 - t1));
            candidates += read.len();
            found += ranked.len();
        }
    }
    let n = total.len().max(1);
    println!("{}", summary("helpers", total, needs.len() - warmup));
    println!("  reading candidates (store): {}", stats(store));
    println!("  ranking (core): {}", stats(ranking));
    println!(
        "  candidates read per query: {} on average; helpers returned: {:.1} on average",
        candidates / n,
        found as f64 / n as f64
    );
    Ok(())
}

async fn run_search(
    db: &Db,
    offers: &[Place],
    warmup: usize,
    budget: Duration,
) -> anyhow::Result<()> {
    let mut total = Vec::new();
    let mut found = 0usize;
    let mut started = None;
    for (i, offer) in offers.iter().enumerate() {
        if i == warmup {
            started = Some(Instant::now());
        }
        if started.is_some_and(|s| s.elapsed() > budget) {
            break;
        }
        let search = Search {
            kind: Some("need"),
            near: Some((offer.exchange.point(), RADIUS_M)),
            category: Some(offer.category),
            open_only: true,
            ..Search::default()
        };
        let t0 = Instant::now();
        let page = db.search_exchanges(&search, Page::new(1, 20)).await?;
        let elapsed = t0.elapsed();
        if i >= warmup {
            total.push(millis(elapsed));
            found += page.rows.len();
        }
    }
    let n = total.len().max(1);
    println!("{}", summary("search", total, offers.len() - warmup));
    println!(
        "  needs on the first page: {:.1} on average",
        found as f64 / n as f64
    );
    Ok(())
}

/// The process's peak resident memory, from `/proc/self/status` (Linux).
fn peak_rss() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l.trim_start_matches("VmHWM:").trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".to_owned())
}
