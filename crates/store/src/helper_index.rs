//! An in-memory index of the people who could help, per node, so that
//! "the best helpers within 3 km" reads no rows at 1,000,000 members.
//!
//! Each node loads everyone once, then catches up every few seconds with
//! the people whose matching data changed (`users.changed_at`, new ids) and
//! whose track record changed (`participations.updated_at`); a full reload
//! every hour drops erased accounts and ages the fairness window. It works
//! the same on several nodes over one PostgreSQL: nothing is pushed, each
//! node reads.
//!
//! The index only preselects. Whoever asks re-checks the chosen people
//! against the database (still visible to the owner, not being erased) and
//! ranks them again with their exact records, so a stale entry can cost a
//! place in the list, never show someone who hid.

use std::collections::{HashMap, HashSet};
use std::sync::RwLock;

use entraide_core::geo::Point;
use entraide_core::matching::{Candidate, Fit, keys, mask, points};
use entraide_core::profile::{Availability, INTERESTS, LANGUAGES, SKILLS};

use crate::{Db, StoreError, now};

/// Invitations received since this long ago count for fairness.
pub const FAIRNESS_WINDOW_SECONDS: i64 = 30 * 24 * 3600;

#[derive(Debug, Clone, Default)]
struct Person {
    id: i64,
    home: Option<Point>,
    cell: u64,
    skills: u64,
    interests: u64,
    languages: u64,
    availability: i64,
    /// 0 hidden, 1 organisations, 2 neighbours.
    visibility: u8,
    leaving: bool,
    helped: i64,
    no_shows: i64,
    recently_asked: i64,
}

#[derive(Debug, Default)]
struct Snapshot {
    people: HashMap<i64, Person>,
    cells: HashMap<u64, Vec<i64>>,
    /// Catch-up marks: `changed_at`, highest id, `participations.updated_at`.
    changed_at: i64,
    max_id: i64,
    records_at: i64,
    loaded_at: i64,
}

/// What a need asks for, as bit masks.
#[derive(Debug, Clone, Copy)]
pub struct Asked {
    pub place: Point,
    pub radius_m: f64,
    pub skills: u64,
    pub interests: u64,
    pub languages: u64,
    pub slots: Availability,
}

impl Asked {
    pub fn new(
        place: Point,
        radius_m: f64,
        skills: &[String],
        interests: &[String],
        languages: &[String],
        slots: Availability,
    ) -> Self {
        Self {
            place,
            radius_m,
            skills: mask(skills, SKILLS),
            interests: mask(interests, INTERESTS),
            languages: mask(languages, LANGUAGES),
            slots,
        }
    }
}

#[derive(Debug, Default)]
pub struct HelperIndex {
    snapshot: RwLock<Option<Snapshot>>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    home_lat: Option<f64>,
    home_lng: Option<f64>,
    availability: i64,
    visibility: String,
    leaving: i64,
    changed_at: i64,
}

#[derive(sqlx::FromRow)]
struct Record {
    user_id: i64,
    helped: i64,
    no_shows: i64,
    recently_asked: i64,
}

const FULL_RELOAD_SECONDS: i64 = 3600;
/// A write stamped at second T may commit after one stamped T + 1 was read;
/// reading a few seconds back catches it.
const CLOCK_SLACK_SECONDS: i64 = 5;

impl HelperIndex {
    pub fn is_ready(&self) -> bool {
        self.snapshot.read().is_ok_and(|s| s.is_some())
    }

    pub fn len(&self) -> usize {
        self.snapshot
            .read()
            .ok()
            .and_then(|s| s.as_ref().map(|s| s.people.len()))
            .unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Loads everyone (first call, and every hour) or catches up with what
    /// changed since the last call. Returns how many people were read.
    pub async fn refresh(&self, db: &Db) -> Result<usize, StoreError> {
        let marks = self.snapshot.read().ok().and_then(|s| {
            s.as_ref()
                .map(|s| (s.changed_at, s.max_id, s.records_at, s.loaded_at))
        });
        let started = now();
        let (snapshot, since, since_id, records_since) = match marks {
            Some((changed, max_id, records, loaded)) if started - loaded < FULL_RELOAD_SECONDS => (
                None,
                changed - CLOCK_SLACK_SECONDS,
                max_id,
                records - CLOCK_SLACK_SECONDS,
            ),
            _ => (Some(Snapshot::default()), i64::MIN, i64::MIN, i64::MIN),
        };
        // Rows written in the same second as the last mark are read again:
        // reading twice is harmless, missing one is not.
        let people = read_people(db, since, since_id).await?;
        let tags = read_tags(db, since, since_id).await?;
        let records = read_records(db, records_since, started - FAIRNESS_WINDOW_SECONDS).await?;
        let count = people.len();
        let mut guard = self
            .snapshot
            .write()
            .map_err(|_| StoreError::InvalidUrl("helper index lock poisoned".into()))?;
        match snapshot {
            Some(mut fresh) => {
                fresh.apply(people, tags, records);
                fresh.records_at = started - 1;
                fresh.loaded_at = started;
                *guard = Some(fresh);
            }
            None => {
                if let Some(current) = guard.as_mut() {
                    current.apply(people, tags, records);
                    current.records_at = started - 1;
                }
            }
        }
        Ok(count)
    }

    /// The `limit` best candidates for `asked`, as full candidates, or
    /// `None` until the index is loaded. `shares_org` tells whether someone
    /// who shows themselves to their organisations shares one with the
    /// owner; `skip` lists people already taking part.
    pub fn best(
        &self,
        asked: &Asked,
        owner_id: i64,
        shares_org: &HashSet<i64>,
        skip: &[i64],
        limit: usize,
    ) -> Option<Vec<Candidate>> {
        let guard = self.snapshot.read().ok()?;
        let snapshot = guard.as_ref()?;
        let place = asked.place;
        // A box around the circle rejects most people before any trigonometry.
        let dlat = asked.radius_m / 111_195.0;
        let dlng = dlat / place.lng_scale().max(0.01);
        let mut scored: Vec<(f64, f64, i64)> = Vec::new();
        for cell in place.index_covering(asked.radius_m) {
            let Some(ids) = snapshot.cells.get(&cell) else {
                continue;
            };
            for id in ids {
                let Some(p) = snapshot.people.get(id) else {
                    continue;
                };
                let Some(home) = p.home else { continue };
                if (home.lat - place.lat).abs() > dlat || (home.lng - place.lng).abs() > dlng {
                    continue;
                }
                let visible = p.visibility == 2 || p.visibility == 1 && shares_org.contains(id);
                if !visible || p.leaving || p.id == owner_id || skip.contains(id) {
                    continue;
                }
                let distance_m = place.distance_m(home);
                if distance_m > asked.radius_m {
                    continue;
                }
                let fit = Fit {
                    distance_m,
                    skills_wanted: asked.skills.count_ones(),
                    skills_matched: (asked.skills & p.skills).count_ones(),
                    interests_shared: (asked.interests & p.interests).count_ones(),
                    slots_asked: asked.slots.0.count_ones(),
                    slots_common: (asked.slots.0 & p.availability).count_ones(),
                    language_ok: asked.languages == 0 || asked.languages & p.languages != 0,
                    helped: p.helped,
                    no_shows: p.no_shows,
                    recently_asked: p.recently_asked,
                };
                scored.push((points(&fit), distance_m, p.id));
            }
        }
        let order = |a: &(f64, f64, i64), b: &(f64, f64, i64)| {
            b.0.total_cmp(&a.0)
                .then(a.1.total_cmp(&b.1))
                .then(a.2.cmp(&b.2))
        };
        if scored.len() > limit {
            scored.select_nth_unstable_by(limit, order);
            scored.truncate(limit);
        }
        scored.sort_by(order);
        Some(
            scored
                .into_iter()
                .filter_map(|(_, _, id)| snapshot.people.get(&id).and_then(Person::candidate))
                .collect(),
        )
    }
}

impl Person {
    fn candidate(&self) -> Option<Candidate> {
        Some(Candidate {
            id: self.id,
            home: self.home?,
            skills: keys(self.skills, SKILLS),
            interests: keys(self.interests, INTERESTS),
            languages: keys(self.languages, LANGUAGES),
            availability: Availability::from_bits(self.availability),
            helped: self.helped,
            no_shows: self.no_shows,
            recently_asked: self.recently_asked,
        })
    }
}

impl Snapshot {
    fn apply(&mut self, people: Vec<Row>, tags: Vec<(i64, String, String)>, records: Vec<Record>) {
        for row in people {
            self.changed_at = self.changed_at.max(row.changed_at);
            self.max_id = self.max_id.max(row.id);
            let home = match (row.home_lat, row.home_lng) {
                (Some(lat), Some(lng)) => Some(Point { lat, lng }),
                _ => None,
            };
            let cell = home.map_or(0, Point::index_cell);
            let previous = self.people.get(&row.id).map(|p| p.cell);
            if previous != Some(cell) {
                if let Some(old) = previous.and_then(|c| self.cells.get_mut(&c)) {
                    old.retain(|id| *id != row.id);
                }
                self.cells.entry(cell).or_default().push(row.id);
            }
            let person = self.people.entry(row.id).or_default();
            person.id = row.id;
            person.home = home;
            person.cell = cell;
            person.availability = row.availability;
            person.visibility = match row.visibility.as_str() {
                "neighbours" => 2,
                "organisations" => 1,
                _ => 0,
            };
            person.leaving = row.leaving != 0;
            // Tags of a changed person are read again in full below.
            person.skills = 0;
            person.interests = 0;
            person.languages = 0;
        }
        for (user, kind, value) in tags {
            let Some(person) = self.people.get_mut(&user) else {
                continue;
            };
            let key = [value];
            match kind.as_str() {
                "skill" => person.skills |= mask(&key, SKILLS),
                "interest" => person.interests |= mask(&key, INTERESTS),
                "language" => person.languages |= mask(&key, LANGUAGES),
                _ => {}
            }
        }
        for record in records {
            if let Some(person) = self.people.get_mut(&record.user_id) {
                person.helped = record.helped;
                person.no_shows = record.no_shows;
                person.recently_asked = record.recently_asked;
            }
        }
    }
}

async fn read_people(db: &Db, since: i64, since_id: i64) -> Result<Vec<Row>, StoreError> {
    let rows = sqlx::query_as(
        "SELECT id, home_lat, home_lng, availability, visibility, \
         CASE WHEN deletion_requested_at IS NULL THEN 0 ELSE 1 END AS leaving, changed_at \
         FROM users WHERE changed_at >= $1 OR id > $2",
    )
    .bind(since)
    .bind(since_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows)
}

async fn read_tags(
    db: &Db,
    since: i64,
    since_id: i64,
) -> Result<Vec<(i64, String, String)>, StoreError> {
    let rows = if since == i64::MIN {
        sqlx::query_as("SELECT user_id, kind, value FROM user_tags WHERE free = 0")
            .fetch_all(&db.pool)
            .await?
    } else {
        sqlx::query_as(
            "SELECT t.user_id, t.kind, t.value FROM user_tags t JOIN users u ON u.id = t.user_id \
             WHERE t.free = 0 AND (u.changed_at >= $1 OR u.id > $2)",
        )
        .bind(since)
        .bind(since_id)
        .fetch_all(&db.pool)
        .await?
    };
    Ok(rows)
}

async fn read_records(db: &Db, since: i64, asked_since: i64) -> Result<Vec<Record>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT p.user_id, COUNT(*) FILTER (WHERE p.part = 'helped') AS helped, \
         COUNT(*) FILTER (WHERE p.part = 'no_show') AS no_shows, \
         COUNT(*) FILTER (WHERE p.invited_at >= $1) AS recently_asked \
         FROM participations p WHERE p.user_id IN \
         (SELECT user_id FROM participations WHERE updated_at >= $2) GROUP BY p.user_id",
    )
    .bind(asked_since)
    .bind(since)
    .fetch_all(&db.pool)
    .await?)
}
