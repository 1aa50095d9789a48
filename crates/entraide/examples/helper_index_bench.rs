//! "The 20 best helpers for a need within 3 km" the way the server answers
//! it (docs/benchmarks.md): the in-memory helper index preselects 40
//! people, the database confirms who is still visible, the core ranks
//! them. Runs
//! on a database that `matching_bench` filled; prints the index's load time
//! and size, the percentiles, and the peak resident memory.

use std::collections::HashSet;
use std::time::Instant;

use anyhow::Context as _;
use clap::Parser;
use entraide_core::matching::{Wanted, rank};
use entraide_core::profile::Availability;
use entraide_store::helper_index::{Asked, HelperIndex};
use entraide_store::{Db, StoreError};
use rand::rngs::StdRng;
use rand::{Rng as _, SeedableRng as _};

const RADIUS_M: f64 = 3000.0;
const MATCH_LIMIT: usize = 20;
const PRESELECT: usize = 2 * MATCH_LIMIT;

#[derive(Parser)]
struct Args {
    /// `sqlite://…` or `postgres://…`, already filled.
    #[arg(long)]
    database_url: String,
    #[arg(long, default_value_t = 2_000)]
    queries: usize,
    #[arg(long, default_value_t = 50)]
    warmup: usize,
    #[arg(long, default_value_t = 42)]
    seed: u64,
}

fn percentile(sorted: &[f64], q: f64) -> f64 {
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted
        .get(rank.clamp(1, sorted.len().max(1)) - 1)
        .copied()
        .unwrap_or(f64::NAN)
}

fn stats(mut ms: Vec<f64>) -> String {
    ms.sort_by(f64::total_cmp);
    format!(
        "{} queries, p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        ms.len(),
        percentile(&ms, 0.5),
        percentile(&ms, 0.99),
        ms.last().copied().unwrap_or(f64::NAN)
    )
}

fn rss(field: &str) -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .map(|l| l.trim_start_matches(field).trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".to_owned())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let db = Db::connect(&args.database_url)
        .await
        .context("connecting")?;
    db.migrate().await.context("migrating")?;
    let extent = db.extent().await?;
    anyhow::ensure!(
        extent.max_exchange_id > 0,
        "fill the database with matching_bench first"
    );
    println!("backend: {:?}, {} members", db.backend(), extent.members);

    let index = HelperIndex::default();
    let started = Instant::now();
    index.refresh(&db).await?;
    println!(
        "index loaded in {:.1} s: {} people with a home; resident memory now {}",
        started.elapsed().as_secs_f64(),
        index.len(),
        rss("VmRSS:")
    );
    let started = Instant::now();
    index.refresh(&db).await?;
    println!(
        "catching up with no change: {:.1} ms",
        started.elapsed().as_secs_f64() * 1000.0
    );

    let mut rng = StdRng::seed_from_u64(args.seed.wrapping_add(1));
    let (mut total, mut memory) = (Vec::new(), Vec::new());
    let mut returned = 0usize;
    let mut done = 0usize;
    while done < args.warmup + args.queries {
        let need = match db.exchange(rng.gen_range(1..=extent.max_exchange_id)).await {
            Ok(e) if e.kind == "need" && e.state == "open" => e,
            Ok(_) | Err(StoreError::NotFound) => continue,
            Err(e) => return Err(e.into()),
        };
        let interests = db.tags(need.owner_id).await?.interests;
        let (skills, languages) = (need.skill_keys(), need.language_keys());
        let slots = Availability::from_bits(need.slots);
        let t0 = Instant::now();
        let shares: HashSet<i64> = db.sharing_an_organisation(need.owner_id).await?;
        let asked = Asked::new(
            need.point(),
            RADIUS_M,
            &skills,
            &interests,
            &languages,
            slots,
        );
        let t1 = Instant::now();
        let mut chosen = index
            .best(&asked, need.owner_id, &shares, &[], PRESELECT)
            .unwrap_or_default();
        let t2 = Instant::now();
        let ids: Vec<i64> = chosen.iter().map(|c| c.id).collect();
        let visible = db.still_visible(&ids, need.owner_id).await?;
        chosen.retain(|c| visible.contains(&c.id));
        let exact = chosen;
        let wanted = Wanted {
            place: need.point(),
            radius_m: RADIUS_M,
            skills: &skills,
            interests: &interests,
            languages: &languages,
            slots,
        };
        let ranked = rank(&wanted, &exact, MATCH_LIMIT);
        let t3 = Instant::now();
        if done >= args.warmup {
            total.push((t3 - t0).as_secs_f64() * 1000.0);
            memory.push((t2 - t1).as_secs_f64() * 1000.0);
            returned += ranked.len();
        }
        done += 1;
    }
    println!(
        "helpers (index + visibility check + ranking): {}",
        stats(total)
    );
    println!("  index preselection alone: {}", stats(memory));
    println!(
        "  helpers returned: {:.1} on average",
        returned as f64 / args.queries.max(1) as f64
    );
    println!("peak resident memory (VmHWM): {}", rss("VmHWM:"));
    Ok(())
}
