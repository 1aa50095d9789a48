//! Synthetic members and needs/offers in bulk, spread like the population of
//! Île-de-France and deterministic from a seed: the data set of the
//! regional-scale matching benchmark (docs/benchmarks.md).
//!
//! Rows go in with multi-row INSERTs (the same SQL text on both databases)
//! and explicit ids, so that tags and search terms can name their owner
//! without reading anything back.

use entraide_core::exchange::{CATEGORIES, Schedule, format_date};
use entraide_core::geo::Point;
use entraide_core::profile::{Availability, INTERESTS, LANGUAGES, SKILLS};
use entraide_core::text::terms;
use rand::rngs::StdRng;
use rand::seq::SliceRandom as _;
use rand::{Rng as _, SeedableRng as _};

use crate::{Backend, Db, StoreError, now};

/// Values bound per statement. Far below both databases' limits (SQLite
/// 32,766, PostgreSQL 65,535) on purpose: SQLite finds a parameter by
/// walking the statement's list of them, so binding costs grow with the
/// square of a statement's size; a few hundred values keep that small while
/// still saving most round trips.
const VALUES_PER_STATEMENT: usize = 600;
/// Members or exchanges per transaction: large enough that commits cost
/// little, small enough that the SQLite WAL stays at tens of MB.
const ROWS_PER_COMMIT: usize = 20_000;

const PARIS: Point = Point {
    lat: 48.8566,
    lng: 2.3522,
};
const KM_PER_DEGREE: f64 = 111.195;

/// Towns of the outer ring people gather around, (lat, lng, weight):
/// Versailles, Saint-Germain-en-Laye, Cergy, Poissy, Saint-Quentin-en-Yvelines,
/// Massy, Évry, Melun, Marne-la-Vallée, Chelles, Meaux, Sarcelles, Roissy.
#[rustfmt::skip]
const TOWNS: &[(f64, f64, f64)] = &[
    (48.8049, 2.1204, 3.0), (48.8989, 2.0938, 2.0), (49.0364, 2.0761, 3.0), (48.9296, 2.0456, 1.5),
    (48.7722, 2.0370, 2.5), (48.7309, 2.2713, 2.0), (48.6239, 2.4294, 2.5), (48.5421, 2.6554, 1.5),
    (48.8480, 2.6500, 3.0), (48.8811, 2.5908, 1.5), (48.9601, 2.8788, 1.5), (48.9973, 2.3790, 2.0),
    (49.0145, 2.5500, 1.0),
];

/// One title per category of [`CATEGORIES`], in the same order.
const TITLES: &[&str] = &[
    "Monter une étagère et fixer des cadres",
    "Garder deux enfants après l'école",
    "Aide aux devoirs de mathématiques pour un collégien",
    "Atelier couture pour débutants au centre social",
    "Faire les courses pour une voisine âgée",
    "Remplir un dossier de retraite",
    "Visite et conversation avec une personne seule",
    "Accompagner à un rendez-vous à l'hôpital",
    "Porter des cartons pour un déménagement",
    "Entretenir un balcon fleuri",
    "Préparer des repas pour la semaine",
    "Traduire un courrier administratif",
    "Prêter une perceuse pour l'après-midi",
];

const DESCRIPTIONS: &[&str] = &[
    "Je cherche quelqu'un de patient, près de chez moi, pour un coup de main.",
    "Deux heures suffisent, je peux offrir un café et une part de gâteau.",
    "Au troisième étage sans ascenseur, merci de prévenir avant de venir.",
    "Je suis disponible en semaine, plutôt le matin.",
    "Toute aide est la bienvenue, même pour une heure.",
    "Nous pouvons en parler d'abord au téléphone.",
];

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    pub seed: u64,
    pub members: usize,
    pub exchanges: usize,
}

/// Rows written so far.
#[derive(Debug, Clone, Copy, Default)]
pub struct Generated {
    pub members: u64,
    pub tags: u64,
    pub exchanges: u64,
    pub terms: u64,
}

/// What a database already holds.
#[derive(Debug, Clone, Copy)]
pub struct Extent {
    pub members: i64,
    pub exchanges: i64,
    pub max_exchange_id: i64,
}

/// A point `x_km` east and `y_km` north of `origin`.
fn offset(origin: Point, x_km: f64, y_km: f64) -> Point {
    Point {
        lat: origin.lat + y_km / KM_PER_DEGREE,
        lng: origin.lng + x_km / (KM_PER_DEGREE * origin.lng_scale()),
    }
}

/// A standard normal draw (Box–Muller; `rand` 0.8 has no normal law
/// without `rand_distr`).
fn normal(rng: &mut StdRng) -> f64 {
    let u: f64 = 1.0 - rng.r#gen::<f64>();
    let v: f64 = rng.r#gen();
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

/// A home drawn with the region's density: 17 % in Paris (about 105 km²),
/// 38 % in the inner suburbs, the rest in the outer ring, half of it around
/// its towns and half spread out, thinning with distance, to 40 km.
fn region_point(rng: &mut StdRng) -> Point {
    let share: f64 = rng.r#gen();
    let angle = rng.gen_range(0.0..std::f64::consts::TAU);
    if share < 0.17 {
        // An ellipse of 12.4 × 10.8 km, uniform inside.
        let r = rng.r#gen::<f64>().sqrt();
        offset(PARIS, 6.2 * r * angle.cos(), 5.4 * r * angle.sin())
    } else if share < 0.55 {
        // A ring from the périphérique to 15 km, uniform by area.
        let (inner, outer): (f64, f64) = (6.5, 15.0);
        let r = (inner.powi(2) + rng.r#gen::<f64>() * (outer.powi(2) - inner.powi(2))).sqrt();
        offset(PARIS, r * angle.cos(), r * angle.sin())
    } else if share < 0.775 {
        let total: f64 = TOWNS.iter().map(|t| t.2).sum();
        let mut left = rng.r#gen::<f64>() * total;
        let mut town = TOWNS[0];
        for t in TOWNS {
            town = *t;
            left -= t.2;
            if left <= 0.0 {
                break;
            }
        }
        let centre = Point {
            lat: town.0,
            lng: town.1,
        };
        offset(centre, 2.5 * normal(rng), 2.5 * normal(rng))
    } else {
        // A uniform radius makes the density fall as 1/r.
        let r = rng.gen_range(15.0..40.0);
        offset(PARIS, r * angle.cos(), r * angle.sin())
    }
}

/// One table's multi-row INSERT: the table and columns, how many values
/// are bound per row, and what ends each row (constants, or `$1` for the
/// values every row shares).
type Table = (&'static str, usize, &'static str);

/// `INSERT INTO … VALUES (…), (…)` for `rows` rows of `table`.
fn insert_sql((into, width, tail): Table, rows: usize) -> String {
    let first = if tail.contains("$1") { 2 } else { 1 };
    let tuples: Vec<String> = (0..rows)
        .map(|i| {
            let start = first + i * width;
            let marks: Vec<String> = (start..start + width).map(|n| format!("${n}")).collect();
            format!("({}{tail})", marks.join(", "))
        })
        .collect();
    format!("INSERT {into} VALUES {}", tuples.join(", "))
}

/// Keys between spaces, as [`crate::exchanges`] stores them.
fn spaced(keys: &[&str]) -> String {
    format!(" {} ", keys.join(" "))
}

type AnyQuery = sqlx::query::Query<'static, sqlx::Any, sqlx::any::AnyArguments>;
/// A member's tag: (member, kind, value).
type Tag = (i64, &'static str, &'static str);
/// A search term of an exchange: (exchange, term, weight).
type Word = (i64, String, i64);
/// The weighted search terms of each title (outer) and description (inner).
type TermTable = [Vec<Vec<(String, i64)>>];

/// Draws a member, binds their row and keeps their tags; returns their home.
fn member(rng: &mut StdRng, id: i64, query: AnyQuery, tags: &mut Vec<Tag>) -> (AnyQuery, Point) {
    let visibility = match rng.gen_range(0..100) {
        0..=84 => "neighbours",
        85..=96 => "organisations",
        _ => "hidden",
    };
    // About five free slots a week out of 21.
    let availability = (0..21).fold(0i64, |bits, slot| {
        bits | i64::from(rng.gen_bool(0.25)) << slot
    });
    let count = rng.gen_range(1..=4);
    tags.extend(
        SKILLS
            .choose_multiple(rng, count)
            .map(|s| (id, "skill", *s)),
    );
    let count = rng.gen_range(1..=4);
    tags.extend(
        INTERESTS
            .choose_multiple(rng, count)
            .map(|i| (id, "interest", *i)),
    );
    // French for nine in ten, sometimes with a second language.
    let first = if rng.gen_bool(0.9) {
        "fr"
    } else {
        LANGUAGES[rng.gen_range(1..LANGUAGES.len())]
    };
    tags.push((id, "language", first));
    let second = LANGUAGES[rng.gen_range(0..LANGUAGES.len())];
    if rng.gen_bool(0.35) && second != first {
        tags.push((id, "language", second));
    }
    let home = region_point(rng);
    let query = query
        .bind(id)
        .bind(format!("Membre {id}"))
        .bind(visibility)
        .bind(home.lat)
        .bind(home.lng)
        .bind(home.cell())
        .bind(home.area())
        .bind(home.wide_area())
        .bind(availability)
        .bind(rng.gen_range(1935..=2007i64));
    (query, home)
}

/// Draws a need or an offer of one of `owners`, binds its row and keeps its
/// search terms; `terms[c][d]` holds those of title `c` and description `d`.
fn posted(
    rng: &mut StdRng,
    (id, query): (i64, AnyQuery),
    owners: &[(i64, Point)],
    (today, terms): (time::Date, &TermTable),
    words: &mut Vec<Word>,
) -> AnyQuery {
    let (owner, home) = owners[rng.gen_range(0..owners.len())];
    // Most help happens at home; the rest nearby (a school, a shop).
    let place = if rng.gen_bool(0.7) {
        home
    } else {
        offset(home, 0.7 * normal(rng), 0.7 * normal(rng))
    };
    let day = today.saturating_add(time::Duration::days(rng.gen_range(1..60)));
    let schedule = if rng.gen_bool(0.7) {
        let from = rng.gen_range(8..19u16) * 60;
        let to = from + rng.gen_range(1..=3u16) * 60;
        Schedule::Once {
            date: day,
            from,
            to,
        }
    } else {
        let slots = (0..rng.gen_range(1..=3)).fold(0, |bits, _| bits | 1 << rng.gen_range(0..21));
        let ends = rng
            .gen_bool(0.5)
            .then(|| day.saturating_add(time::Duration::days(90)));
        Schedule::Weekly {
            slots: Availability(slots),
            starts: day,
            ends,
        }
    };
    let (kind, from, to) = match schedule {
        Schedule::Once { from, to, .. } => ("once", Some(i64::from(from)), Some(i64::from(to))),
        Schedule::Weekly { .. } => ("weekly", None, None),
    };
    let count = rng.gen_range(0..=2);
    let skills: Vec<&str> = SKILLS.choose_multiple(rng, count).copied().collect();
    let mut languages = vec!["fr"];
    if rng.gen_bool(0.1) {
        languages.push(LANGUAGES[rng.gen_range(1..LANGUAGES.len())]);
    }
    let category = rng.gen_range(0..CATEGORIES.len().min(TITLES.len()));
    let description = rng.gen_range(0..DESCRIPTIONS.len());
    words.extend(
        terms[category][description]
            .iter()
            .map(|(t, w)| (id, t.clone(), *w)),
    );
    query
        .bind(id)
        .bind(if rng.gen_bool(0.55) { "need" } else { "offer" })
        .bind(CATEGORIES[category])
        .bind(TITLES[category])
        .bind(DESCRIPTIONS[description])
        .bind(owner)
        .bind(kind)
        .bind(format_date(schedule.first_day()))
        .bind(schedule.last_day().map(format_date))
        .bind(from)
        .bind(to)
        .bind(schedule.slots().0)
        .bind(place.lat)
        .bind(place.lng)
        .bind(place.cell())
        .bind(place.area())
        .bind(place.wide_area())
        .bind(place.index_cell() as i64)
        .bind(rng.gen_range(1..=3i64))
        .bind(["low", "normal", "normal", "normal", "urgent"][rng.gen_range(0..5)])
        .bind(spaced(&skills))
        .bind(spaced(&languages))
}

/// Search terms of one title and description: title words weigh 3,
/// description words 1, as a posted exchange's do.
fn weighted_terms(title: &[String], description: &[String]) -> Vec<(String, i64)> {
    let mut out: Vec<(String, i64)> = title.iter().map(|t| (t.clone(), 3)).collect();
    for term in description {
        if !out.iter().any(|(t, _)| t == term) {
            out.push((term.clone(), 1));
        }
    }
    out
}

/// Inserts `count` rows into `table`, a few hundred values a statement: `head`
/// binds the values every row shares (`$1`), `row` binds the i-th row.
async fn insert_rows(
    conn: &mut sqlx::AnyConnection,
    table: Table,
    count: usize,
    head: impl Fn(AnyQuery) -> AnyQuery,
    mut row: impl FnMut(AnyQuery, usize) -> AnyQuery,
) -> Result<(), StoreError> {
    let per = (VALUES_PER_STATEMENT / table.1).max(1);
    for start in (0..count).step_by(per) {
        let rows = per.min(count - start);
        let mut query = head(sqlx::query(sqlx::AssertSqlSafe(insert_sql(table, rows))));
        for i in start..start + rows {
            query = row(query, i);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

impl Db {
    /// How many members and exchanges the database holds.
    pub async fn extent(&self) -> Result<Extent, StoreError> {
        let (members, exchanges, max_exchange_id): (i64, i64, i64) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM users), (SELECT COUNT(*) FROM exchanges), \
             (SELECT COALESCE(MAX(id), 0) FROM exchanges)",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(Extent {
            members,
            exchanges,
            max_exchange_id,
        })
    }

    /// Inserts `plan.members` members (with tags), then `plan.exchanges`
    /// open needs and offers (with search terms) owned by them, one
    /// transaction per [`ROWS_PER_COMMIT`] rows. Generated members have no
    /// password: they never sign in. `progress` hears the totals after
    /// every commit.
    pub async fn generate(
        &self,
        plan: &Plan,
        mut progress: impl FnMut(&Generated),
    ) -> Result<Generated, StoreError> {
        let _writing = self.writing();
        const USERS: Table = (
            "INTO users (id, display_name, visibility, home_lat, home_lng, home_cell, \
             home_area, home_wide_area, availability, birth_year, created_at)",
            10,
            ", $1",
        );
        const TAGS: Table = ("INTO user_tags (user_id, kind, value, free)", 3, ", 0");
        const EXCHANGES: Table = (
            "INTO exchanges (id, kind, category, title, description, owner_id, schedule, \
             first_day, last_day, time_from, time_to, slots, lat, lng, cell, area, wide_area, \
             fine_area, helpers_wanted, urgency, skills, languages, state, created_at, updated_at)",
            22,
            ", 'open', $1, $1",
        );
        const TERMS: Table = ("INTO exchange_terms (exchange_id, term, weight)", 3, "");
        let mut rng = StdRng::seed_from_u64(plan.seed);
        let mut done = Generated::default();
        let at = now();
        let first: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM users")
            .fetch_one(&self.pool)
            .await?;
        let mut owners: Vec<(i64, Point)> = Vec::with_capacity(plan.members);
        while owners.len() < plan.members {
            let count = ROWS_PER_COMMIT.min(plan.members - owners.len());
            let next = first + owners.len() as i64;
            let mut tags: Vec<Tag> = Vec::new();
            let mut tx = self.pool.begin().await?;
            let draw = |q, i: usize| {
                let id = next + i as i64;
                let (q, home) = member(&mut rng, id, q, &mut tags);
                owners.push((id, home));
                q
            };
            insert_rows(&mut tx, USERS, count, |q| q.bind(at), draw).await?;
            let tag = |q: AnyQuery, i: usize| q.bind(tags[i].0).bind(tags[i].1).bind(tags[i].2);
            insert_rows(&mut tx, TAGS, tags.len(), |q| q, tag).await?;
            tx.commit().await?;
            done.members += count as u64;
            done.tags += tags.len() as u64;
            progress(&done);
        }
        let today = time::OffsetDateTime::now_utc().date();
        let description_terms: Vec<Vec<String>> = DESCRIPTIONS.iter().map(|d| terms(d)).collect();
        let weighted: Vec<Vec<Vec<(String, i64)>>> = TITLES
            .iter()
            .map(|t| {
                let title = terms(t);
                description_terms
                    .iter()
                    .map(|d| weighted_terms(&title, d))
                    .collect()
            })
            .collect();
        let first: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM exchanges")
            .fetch_one(&self.pool)
            .await?;
        let mut made = 0;
        while made < plan.exchanges && !owners.is_empty() {
            let count = ROWS_PER_COMMIT.min(plan.exchanges - made);
            let next = first + made as i64;
            let mut words: Vec<Word> = Vec::new();
            let mut tx = self.pool.begin().await?;
            let draw = |q, i: usize| {
                let id = next + i as i64;
                posted(&mut rng, (id, q), &owners, (today, &weighted), &mut words)
            };
            insert_rows(&mut tx, EXCHANGES, count, |q| q.bind(at), draw).await?;
            let word = |q: AnyQuery, i: usize| {
                let (exchange, term, weight) = &words[i];
                q.bind(*exchange).bind(term.clone()).bind(*weight)
            };
            insert_rows(&mut tx, TERMS, words.len(), |q| q, word).await?;
            tx.commit().await?;
            made += count;
            done.exchanges += count as u64;
            done.terms += words.len() as u64;
            progress(&done);
        }
        if self.backend() == Backend::Postgres {
            // Explicit ids leave the identity sequences behind; later
            // sign-ups and postings must not collide with generated rows.
            for table in ["users", "exchanges"] {
                let sql = format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
                     (SELECT COALESCE(MAX(id), 1) FROM {table}))"
                );
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .execute(&self.pool)
                    .await?;
            }
        }
        Ok(done)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_number_their_values_after_the_shared_ones() {
        let sql = insert_sql(("INTO t (a, b, at)", 2, ", $1"), 2);
        assert_eq!(
            sql,
            "INSERT INTO t (a, b, at) VALUES ($2, $3, $1), ($4, $5, $1)"
        );
        assert_eq!(
            insert_sql(("INTO t (a)", 1, ""), 2),
            "INSERT INTO t (a) VALUES ($1), ($2)"
        );
    }

    #[test]
    fn a_sixth_of_the_people_live_in_paris_and_nobody_far_away() {
        let mut rng = StdRng::seed_from_u64(7);
        let homes: Vec<Point> = (0..20_000).map(|_| region_point(&mut rng)).collect();
        let in_paris = homes
            .iter()
            .filter(|h| {
                let x = (h.lng - PARIS.lng) * KM_PER_DEGREE * PARIS.lng_scale() / 6.2;
                let y = (h.lat - PARIS.lat) * KM_PER_DEGREE / 5.4;
                x * x + y * y <= 1.0
            })
            .count();
        assert!((3_200..3_600).contains(&in_paris), "{in_paris}");
        assert!(homes.iter().all(|h| PARIS.distance_m(*h) < 60_000.0));
        let again: Vec<Point> = {
            let mut rng = StdRng::seed_from_u64(7);
            (0..3).map(|_| region_point(&mut rng)).collect()
        };
        assert_eq!(again, homes[..3]);
    }
}
