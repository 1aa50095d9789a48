//! The neighbourhood benchmark (docs/benchmarks.md): on the region of the
//! matching benchmark (a million members, generated when the database is
//! empty), times in process through the application's router:
//!
//! - the map's areas for a 2 km viewport at random places in Paris
//!   (`GET /api/v1/neighbourhood/map`, zoom 15), with the per-area counts
//!   read every time (cold) and kept for a minute (warm), and the size of
//!   the JSON answer;
//! - the board page of a busy neighbourhood (`GET /neighbourhood/board`),
//!   after filling the centre of Paris with posts.

use std::time::Instant;

use anyhow::Context as _;
use axum::body::Body;
use axum::http::Request;
use clap::Parser;
use entraide_core::board::RADII;
use entraide_core::credentials::{new_token, token_digest};
use entraide_core::geo::Point;
use entraide_core::map::Viewport;
use entraide_store::Db;
use entraide_store::board::NewPost;
use entraide_store::generate::Plan;
use entraide_store::users::User;
use entraide_web::config::MapConfig;
use entraide_web::{AppState, WebConfig, app};
use http_body_util::BodyExt as _;
use rand::rngs::StdRng;
use rand::{Rng as _, SeedableRng as _};
use tower::ServiceExt as _;

#[derive(Parser)]
struct Args {
    /// `sqlite://…` or `postgres://…`.
    #[arg(long)]
    database_url: String,
    /// Members to generate when the database is empty.
    #[arg(long, default_value_t = 1_000_000)]
    members: usize,
    /// Timed requests per question.
    #[arg(long, default_value_t = 500)]
    queries: usize,
    /// Posts put on the board around the centre of Paris when it has none.
    #[arg(long, default_value_t = 3000)]
    posts: usize,
    #[arg(long, default_value_t = 42)]
    seed: u64,
}

const PARIS: (f64, f64) = (48.8566, 2.3522);
/// The busy neighbourhood: 1.5 km around the centre of Paris.
const BUSY_KM: f64 = 1.5;

fn around(rng: &mut StdRng, km: f64) -> Point {
    let dlat = rng.gen_range(-km..km) / 111.195;
    let dlng = rng.gen_range(-km..km) / (111.195 * PARIS.0.to_radians().cos());
    Point {
        lat: PARIS.0 + dlat,
        lng: PARIS.1 + dlng,
    }
}

fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

fn report(what: &str, mut ms: Vec<f64>) {
    ms.sort_by(f64::total_cmp);
    println!(
        "{what}: n={} p50={:.2} ms p99={:.2} ms max={:.2} ms",
        ms.len(),
        percentile(&ms, 0.5),
        percentile(&ms, 0.99),
        ms.last().copied().unwrap_or(f64::NAN)
    );
}

fn state(db: &Db, cache_secs: u64) -> anyhow::Result<AppState> {
    let config = WebConfig {
        base_url: url::Url::parse("http://127.0.0.1:8080")?,
        data_dir: std::env::temp_dir().join("entraide-neighbourhood-bench"),
        smtp: None,
        sms: None,
        geocoder_url: None,
        deletion_grace_days: 30,
        trusted_proxies: Vec::new(),
        timeouts: Default::default(),
        job_lease_secs: entraide_web::jobs::LEASE,
        safe: entraide_web::config::SafeConfig::default(),
        map: MapConfig {
            cache_secs,
            ..MapConfig::default()
        },
    };
    Ok(AppState::new(db.clone(), config))
}

/// `count` members living in the busy neighbourhood, found by id.
async fn residents(db: &Db, rng: &mut StdRng, members: i64, count: usize) -> Vec<User> {
    let mut found = Vec::new();
    let (lat_span, lng_span) = (
        BUSY_KM / 111.195,
        BUSY_KM / (111.195 * PARIS.0.to_radians().cos()),
    );
    while found.len() < count {
        let Ok(user) = db.user(rng.gen_range(1..=members)).await else {
            continue;
        };
        let inside = matches!((user.home_lat, user.home_lng), (Some(lat), Some(lng))
            if (lat - PARIS.0).abs() < lat_span && (lng - PARIS.1).abs() < lng_span);
        if inside {
            found.push(user);
        }
    }
    found
}

async fn get(router: &axum::Router, path: &str, token: &str) -> anyhow::Result<(u16, usize)> {
    let request = Request::get(path)
        .header("authorization", format!("Bearer {token}"))
        .body(Body::empty())?;
    let response = router.clone().oneshot(request).await?;
    let status = response.status().as_u16();
    let bytes = response.into_body().collect().await?.to_bytes();
    Ok((status, bytes.len()))
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
    if extent.members == 0 {
        let started = Instant::now();
        let plan = Plan {
            seed: args.seed,
            members: args.members,
            exchanges: 0,
        };
        db.generate(&plan, |_| {}).await?;
        println!(
            "generated {} members in {:.0?}",
            args.members,
            started.elapsed()
        );
        extent = db.extent().await?;
    }
    println!("members: {}", extent.members);
    let mut rng = StdRng::seed_from_u64(args.seed);
    let people = residents(&db, &mut rng, extent.members, 200).await;
    let mut tokens = Vec::new();
    for person in &people {
        let token = new_token();
        db.create_api_token(person.id, "bench", &token_digest(&token))
            .await?;
        tokens.push(token);
    }

    // The map, cold then warm: a 2 km viewport at zoom 15, and a 6 km one
    // at zoom 13 (about 50,000 members in view in Paris).
    for (label, cache_secs, half_km, zoom) in [
        ("map 2 km, counts read each time", 0, 1.0, 15),
        ("map 2 km, counts kept 60 s", 60, 1.0, 15),
        ("map 6 km, counts read each time", 0, 3.0, 13),
        ("map 6 km, counts kept 60 s", 60, 3.0, 13),
    ] {
        let router = app(state(&db, cache_secs)?);
        let places: Vec<Point> = (0..args.queries).map(|_| around(&mut rng, 4.0)).collect();
        let mut ms = Vec::new();
        let mut sizes = Vec::new();
        let (mut areas, mut shown) = (0usize, 0u64);
        for (i, p) in places.iter().enumerate() {
            let v = Viewport::around(p.lat, p.lng, half_km, zoom);
            let path = format!(
                "/api/v1/neighbourhood/map?south={:.5}&west={:.5}&north={:.5}&east={:.5}&zoom={zoom}",
                v.south, v.west, v.north, v.east
            );
            let started = Instant::now();
            let (status, size) = get(&router, &path, &tokens[i % tokens.len()]).await?;
            ms.push(started.elapsed().as_secs_f64() * 1000.0);
            anyhow::ensure!(status == 200, "map answered {status}");
            sizes.push(size as f64);
            if i == 0 || cache_secs > 0 {
                continue;
            }
            // What the answers held, from the service itself (untimed).
            let view = entraide_web::services::map::areas(&state(&db, 0)?, &v)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            areas += view.areas.len();
            shown += view.areas.iter().map(|a| u64::from(a.count)).sum::<u64>();
        }
        report(label, ms);
        sizes.sort_by(f64::total_cmp);
        println!(
            "  payload: p50={:.0} B p99={:.0} B max={:.0} B",
            percentile(&sizes, 0.5),
            percentile(&sizes, 0.99),
            sizes.last().copied().unwrap_or(0.0)
        );
        if cache_secs == 0 && places.len() > 1 {
            let n = (places.len() - 1) as f64;
            println!(
                "  per viewport: {:.1} areas, {:.0} visible members counted",
                areas as f64 / n,
                shown as f64 / n
            );
        }
    }

    // A busy board.
    let on_board = db
        .board(
            Point {
                lat: PARIS.0,
                lng: PARIS.1,
            },
            Default::default(),
            entraide_store::Page::new(1, 1),
        )
        .await?;
    if on_board.rows.is_empty() {
        let started = Instant::now();
        let in_ten_days = entraide_store::now() + 10 * 24 * 3600;
        for i in 0..args.posts {
            let author = &people[i % people.len()];
            let at = around(&mut rng, BUSY_KM);
            db.post_to_board(&NewPost {
                author_id: author.id,
                kind: ["info", "question", "lost-found", "alert", "event"][i % 5],
                title: &format!("Message de quartier numéro {i}"),
                body: "Un mot pour les voisins, avec quelques lignes de détails.",
                radius_m: RADII[rng.gen_range(0..RADII.len())],
                event_at: (i % 5 == 4).then_some(in_ten_days),
                expires_at: in_ten_days + 24 * 3600,
                home_cell: at.cell(),
            })
            .await?;
        }
        println!("posted {} posts in {:.0?}", args.posts, started.elapsed());
    }
    let router = app(state(&db, 60)?);
    for (label, path) in [
        ("board page", "/neighbourhood/board"),
        ("board, second page", "/neighbourhood/board?page=2"),
        ("neighbourhood page", "/neighbourhood"),
    ] {
        let mut ms = Vec::new();
        for i in 0..args.queries {
            let started = Instant::now();
            let (status, _) = get(&router, path, &tokens[i % tokens.len()]).await?;
            ms.push(started.elapsed().as_secs_f64() * 1000.0);
            anyhow::ensure!(status == 200, "{path} answered {status}");
        }
        report(label, ms);
    }
    let reached = entraide_web::services::board::board(&state(&db, 60)?, &people[0], None, 1, 100)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    println!(
        "posts reaching one resident (first 100 counted): {}",
        reached.rows.len()
    );
    // Where the neighbourhood page spends its time.
    let st = state(&db, 60)?;
    let (mut people_ms, mut needs_ms) = (Vec::new(), Vec::new());
    for i in 0..args.queries.min(200) {
        let person = &people[i % people.len()];
        let started = Instant::now();
        entraide_web::services::neighbourhood::people(&st, person)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        people_ms.push(started.elapsed().as_secs_f64() * 1000.0);
        let home = Point {
            lat: person.home_lat.unwrap_or(PARIS.0),
            lng: person.home_lng.unwrap_or(PARIS.1),
        };
        let radius = entraide_web::services::neighbourhood::EXCHANGES_RADIUS_M;
        let search = entraide_store::exchanges::Search {
            kind: Some("need"),
            near: Some((home, radius)),
            open_only: true,
            ..Default::default()
        };
        let started = Instant::now();
        db.search_exchanges(&search, entraide_store::Page::new(1, 5))
            .await?;
        needs_ms.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    report("  of which people nearby", people_ms);
    report("  of which needs nearby (offers cost the same)", needs_ms);
    Ok(())
}
