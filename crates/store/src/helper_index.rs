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
use futures_util::TryStreamExt as _;

use crate::{Db, StoreError, now};

/// Invitations received since this long ago count for fairness.
pub const FAIRNESS_WINDOW_SECONDS: i64 = 30 * 24 * 3600;

#[derive(Debug, Clone, Copy, Default)]
struct Masks {
    skills: u64,
    interests: u64,
    languages: u64,
}

#[derive(Debug, Clone, Copy, Default)]
struct Counts {
    helped: i64,
    no_shows: i64,
    recently_asked: i64,
}

/// One person with a home, as the index keeps them (about 90 bytes).
#[derive(Debug, Clone)]
struct Person {
    id: i64,
    home: Point,
    masks: Masks,
    availability: i64,
    /// 0 hidden, 1 organisations, 2 neighbours.
    visibility: u8,
    leaving: bool,
    counts: Counts,
}

#[derive(Debug, Default)]
struct Snapshot {
    /// People by index cell; a query walks only the cells of its circle.
    cells: HashMap<u64, Vec<Person>>,
    cell_of: HashMap<i64, u64>,
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
    visibility: i64,
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
const METRES_PER_DEGREE: f64 = 111_195.0;

impl HelperIndex {
    pub fn is_ready(&self) -> bool {
        self.snapshot.read().is_ok_and(|s| s.is_some())
    }

    /// People with a home in the index.
    pub fn len(&self) -> usize {
        self.snapshot
            .read()
            .ok()
            .and_then(|s| s.as_ref().map(|s| s.cell_of.len()))
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
        let (full, since, since_id, records_since) = match marks {
            Some((changed, max_id, records, loaded)) if started - loaded < FULL_RELOAD_SECONDS => (
                false,
                changed - CLOCK_SLACK_SECONDS,
                max_id,
                records - CLOCK_SLACK_SECONDS,
            ),
            _ => (true, i64::MIN, i64::MIN, i64::MIN),
        };
        // People first, then their tags: a person inserted in between has
        // an id above the mark and is read again next time, tags and all.
        // Rows never changed since their insertion (`changed_at` 0) come
        // through their id only.
        let people = read_people(db, since, since_id).await?;
        let masks = read_masks(db, (!full).then_some((since, since_id))).await?;
        let records = read_records(db, records_since, started - FAIRNESS_WINDOW_SECONDS).await?;
        let count = people.len();
        let mut guard = self
            .snapshot
            .write()
            .map_err(|_| StoreError::InvalidUrl("helper index lock poisoned".into()))?;
        if full || guard.is_none() {
            let mut fresh = Snapshot::default();
            fresh.apply(people, &masks, records);
            fresh.records_at = started - 1;
            fresh.loaded_at = started;
            *guard = Some(fresh);
        } else if let Some(current) = guard.as_mut() {
            current.apply(people, &masks, records);
            current.records_at = started - 1;
        }
        Ok(count)
    }

    /// The `limit` best candidates for `asked`, or `None` until the index
    /// is loaded. Distances are planar (within metres of the great circle
    /// at these radii): this only preselects, the caller ranks exactly.
    /// `shares_org` lists who shares an organisation with the owner (for
    /// people visible to their organisations only); `skip`, people already
    /// taking part.
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
        let scale = place.lng_scale();
        let radius_deg = asked.radius_m / METRES_PER_DEGREE;
        let lng_radius_deg = radius_deg / scale.max(0.01);
        let (skills_wanted, slots_asked) = (asked.skills.count_ones(), asked.slots.0.count_ones());
        let mut scored: Vec<(f64, f64, &Person)> = Vec::new();
        for cell in place.index_covering(asked.radius_m) {
            for p in snapshot.cells.get(&cell).map_or(&[][..], Vec::as_slice) {
                let dlat = p.home.lat - place.lat;
                let dlng = p.home.lng - place.lng;
                if dlat.abs() > radius_deg || dlng.abs() > lng_radius_deg {
                    continue;
                }
                let visible = p.visibility == 2 || p.visibility == 1 && shares_org.contains(&p.id);
                if !visible || p.leaving || p.id == owner_id || skip.contains(&p.id) {
                    continue;
                }
                let x = dlng * scale;
                let distance_m = (dlat * dlat + x * x).sqrt() * METRES_PER_DEGREE;
                if distance_m > asked.radius_m {
                    continue;
                }
                let fit = Fit {
                    distance_m,
                    skills_wanted,
                    skills_matched: (asked.skills & p.masks.skills).count_ones(),
                    interests_shared: (asked.interests & p.masks.interests).count_ones(),
                    slots_asked,
                    slots_common: (asked.slots.0 & p.availability).count_ones(),
                    language_ok: asked.languages == 0 || asked.languages & p.masks.languages != 0,
                    helped: p.counts.helped,
                    no_shows: p.counts.no_shows,
                    recently_asked: p.counts.recently_asked,
                };
                scored.push((points(&fit), distance_m, p));
            }
        }
        let order = |a: &(f64, f64, &Person), b: &(f64, f64, &Person)| {
            b.0.total_cmp(&a.0)
                .then(a.1.total_cmp(&b.1))
                .then(a.2.id.cmp(&b.2.id))
        };
        if scored.len() > limit {
            scored.select_nth_unstable_by(limit, order);
            scored.truncate(limit);
        }
        scored.sort_by(order);
        Some(scored.into_iter().map(|(_, _, p)| p.candidate()).collect())
    }
}

impl Person {
    fn candidate(&self) -> Candidate {
        Candidate {
            id: self.id,
            home: self.home,
            skills: keys(self.masks.skills, SKILLS),
            interests: keys(self.masks.interests, INTERESTS),
            languages: keys(self.masks.languages, LANGUAGES),
            availability: Availability::from_bits(self.availability),
            helped: self.counts.helped,
            no_shows: self.counts.no_shows,
            recently_asked: self.counts.recently_asked,
        }
    }
}

impl Snapshot {
    fn remove(&mut self, id: i64) -> Option<Person> {
        let cell = self.cell_of.remove(&id)?;
        let people = self.cells.get_mut(&cell)?;
        let at = people.iter().position(|p| p.id == id)?;
        Some(people.swap_remove(at))
    }

    fn apply(&mut self, people: Vec<Row>, masks: &HashMap<i64, Masks>, records: Vec<Record>) {
        for row in people {
            self.changed_at = self.changed_at.max(row.changed_at);
            self.max_id = self.max_id.max(row.id);
            let counts = self.remove(row.id).map(|p| p.counts).unwrap_or_default();
            let (Some(lat), Some(lng)) = (row.home_lat, row.home_lng) else {
                continue;
            };
            let home = Point { lat, lng };
            let cell = home.index_cell();
            self.cell_of.insert(row.id, cell);
            self.cells.entry(cell).or_default().push(Person {
                id: row.id,
                home,
                masks: masks.get(&row.id).copied().unwrap_or_default(),
                availability: row.availability,
                visibility: u8::try_from(row.visibility).unwrap_or(0),
                leaving: row.leaving != 0,
                counts,
            });
        }
        for record in records {
            let Some(cell) = self.cell_of.get(&record.user_id) else {
                continue;
            };
            let person = self
                .cells
                .get_mut(cell)
                .and_then(|people| people.iter_mut().find(|p| p.id == record.user_id));
            if let Some(person) = person {
                person.counts = Counts {
                    helped: record.helped,
                    no_shows: record.no_shows,
                    recently_asked: record.recently_asked,
                };
            }
        }
    }
}

async fn read_people(db: &Db, since: i64, since_id: i64) -> Result<Vec<Row>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT id, home_lat, home_lng, availability, \
         CASE visibility WHEN 'neighbours' THEN 2 WHEN 'organisations' THEN 1 ELSE 0 END AS visibility, \
         CASE WHEN deletion_requested_at IS NULL THEN 0 ELSE 1 END AS leaving, changed_at \
         FROM users WHERE id IN (SELECT id FROM users WHERE changed_at >= $1 AND changed_at > 0 \
         UNION SELECT id FROM users WHERE id > $2)",
    )
    .bind(since)
    .bind(since_id)
    .fetch_all(&db.pool)
    .await?)
}

/// Tags as bit masks, for everyone (`None`) or for those changed since the
/// marks; streamed, so millions of tags never sit in memory at once.
async fn read_masks(
    db: &Db,
    changed: Option<(i64, i64)>,
) -> Result<HashMap<i64, Masks>, StoreError> {
    let mut masks: HashMap<i64, Masks> = HashMap::new();
    let query = match changed {
        None => sqlx::query_as::<_, (i64, String, String)>(
            "SELECT user_id, kind, value FROM user_tags WHERE free = 0",
        ),
        Some(_) => sqlx::query_as::<_, (i64, String, String)>(
            "SELECT user_id, kind, value FROM user_tags WHERE free = 0 AND user_id IN \
             (SELECT id FROM users WHERE changed_at >= $1 AND changed_at > 0 \
              UNION SELECT id FROM users WHERE id > $2)",
        ),
    };
    let query = match changed {
        Some((since, since_id)) => query.bind(since).bind(since_id),
        None => query,
    };
    let mut rows = query.fetch(&db.pool);
    while let Some((user, kind, value)) = rows.try_next().await? {
        let entry = masks.entry(user).or_default();
        let key = [value];
        match kind.as_str() {
            "skill" => entry.skills |= mask(&key, SKILLS),
            "interest" => entry.interests |= mask(&key, INTERESTS),
            "language" => entry.languages |= mask(&key, LANGUAGES),
            _ => {}
        }
    }
    Ok(masks)
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
