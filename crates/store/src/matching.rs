//! Reading the people who could help near a place, with their tags and
//! track record, for `entraide_core::matching` to rank. Only people who
//! chose to be visible to the owner are read: visible to neighbours, or to
//! members of an organisation they share with the owner.

use std::collections::{HashMap, HashSet};

use entraide_core::geo::{Covering, Point};
use entraide_core::matching::Candidate;
use entraide_core::profile::Availability;

use crate::sql::{Arg, Clauses, bind_all};
use crate::{Db, StoreError};

/// Who may be proposed to an owner; `{owner}` stands for the owner's
/// placeholder.
const VISIBLE_TO_OWNER: &str = "(u.visibility = 'neighbours' OR (u.visibility = 'organisations' \
     AND EXISTS (SELECT 1 FROM memberships mine JOIN memberships theirs ON theirs.org_id = mine.org_id \
     WHERE mine.user_id = {owner} AND theirs.user_id = u.id)))";

#[derive(sqlx::FromRow)]
struct Person {
    id: i64,
    home_lat: f64,
    home_lng: f64,
    availability: i64,
}

#[derive(sqlx::FromRow)]
struct Record {
    user_id: i64,
    helped: i64,
    no_shows: i64,
    recently_asked: i64,
}

impl Db {
    /// Display names of several people at once (for lists of matches).
    pub async fn display_names(&self, ids: &[i64]) -> Result<HashMap<i64, String>, StoreError> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let mut c = Clauses::default();
        let list = c.list(ids);
        let sql = format!("SELECT id, display_name FROM users WHERE id IN ({list})");
        let rows: Vec<(i64, String)> = bind_all!(sqlx::query_as(sqlx::AssertSqlSafe(sql)), &c.args)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.into_iter().collect())
    }

    /// People sharing an organisation with `owner_id` (for those who show
    /// themselves to their organisations only).
    pub async fn sharing_an_organisation(&self, owner_id: i64) -> Result<HashSet<i64>, StoreError> {
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT DISTINCT theirs.user_id FROM memberships mine \
             JOIN memberships theirs ON theirs.org_id = mine.org_id WHERE mine.user_id = $1",
        )
        .bind(owner_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(ids.into_iter().collect())
    }

    /// The people among `ids` who are still visible to `owner_id`, read
    /// afresh with their tags and records (the index preselects; this is
    /// the truth).
    pub async fn candidates_by_id(
        &self,
        ids: &[i64],
        owner_id: i64,
        asked_since: i64,
    ) -> Result<Vec<Candidate>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut c = Clauses::default();
        let list = c.list(ids);
        let filter = format!("u.id IN ({list})");
        self.candidates_where(c, &filter, owner_id, asked_since)
            .await
    }

    /// Everyone who could help near `place` within `radius_m`, except the
    /// owner. `asked_since` (Unix seconds) starts the fairness window.
    pub async fn helper_candidates(
        &self,
        place: Point,
        radius_m: f64,
        owner_id: i64,
        asked_since: i64,
    ) -> Result<Vec<Candidate>, StoreError> {
        let mut c = Clauses::default();
        let (column, cells) = match place.covering(radius_m) {
            Covering::Areas(cells) => ("u.home_area", cells),
            Covering::WideAreas(cells) => ("u.home_wide_area", cells),
        };
        let list = c.list(&cells);
        let in_area = format!("{column} IN ({list})");
        self.candidates_where(c, &in_area, owner_id, asked_since)
            .await
    }

    /// The people among `ids` still visible to `owner_id` now (visibility,
    /// shared organisations, not being erased): one query, the check that
    /// stands between the in-memory index and a list of names.
    pub async fn still_visible(
        &self,
        ids: &[i64],
        owner_id: i64,
    ) -> Result<HashSet<i64>, StoreError> {
        if ids.is_empty() {
            return Ok(HashSet::new());
        }
        let mut c = Clauses::default();
        let list = c.list(ids);
        let owner = c.arg(Arg::Int(owner_id));
        let sql = format!(
            "SELECT u.id FROM users u WHERE u.id IN ({list}) AND u.id <> {owner} \
             AND u.deletion_requested_at IS NULL AND {VISIBLE_TO_OWNER}"
        );
        let sql = sql.replace("{owner}", &owner);
        let found: Vec<i64> = bind_all!(sqlx::query_scalar(sqlx::AssertSqlSafe(sql)), &c.args)
            .fetch_all(&self.pool)
            .await?;
        Ok(found.into_iter().collect())
    }

    /// Candidates matching `filter` (a condition on `u`, whose arguments are
    /// already in `c`), visible to the owner, with tags and records.
    async fn candidates_where(
        &self,
        mut c: Clauses,
        in_area: &str,
        owner_id: i64,
        asked_since: i64,
    ) -> Result<Vec<Candidate>, StoreError> {
        let owner = c.arg(Arg::Int(owner_id));
        let people_sql = format!(
            "SELECT u.id, u.home_lat, u.home_lng, u.availability FROM users u \
             WHERE {in_area} AND u.id <> {owner} AND u.home_lat IS NOT NULL AND u.home_lng IS NOT NULL \
             AND u.deletion_requested_at IS NULL AND {VISIBLE_TO_OWNER}"
        );
        let people_sql = people_sql.replace("{owner}", &owner);
        let people: Vec<Person> =
            bind_all!(sqlx::query_as(sqlx::AssertSqlSafe(people_sql)), &c.args)
                .fetch_all(&self.pool)
                .await?;
        if people.is_empty() {
            return Ok(Vec::new());
        }
        let tags_sql = format!(
            "SELECT t.user_id, t.kind, t.value FROM user_tags t JOIN users u ON u.id = t.user_id \
             WHERE {in_area} AND u.id <> {owner}"
        );
        let tags: Vec<(i64, String, String)> =
            bind_all!(sqlx::query_as(sqlx::AssertSqlSafe(tags_sql)), &c.args)
                .fetch_all(&self.pool)
                .await?;
        let since = c.arg(Arg::Int(asked_since));
        let records_sql = format!(
            "SELECT p.user_id, \
             COUNT(*) FILTER (WHERE p.part = 'helped') AS helped, \
             COUNT(*) FILTER (WHERE p.part = 'no_show') AS no_shows, \
             COUNT(*) FILTER (WHERE p.invited_at >= {since}) AS recently_asked \
             FROM participations p JOIN users u ON u.id = p.user_id \
             WHERE {in_area} AND u.id <> {owner} GROUP BY p.user_id"
        );
        let records: Vec<Record> =
            bind_all!(sqlx::query_as(sqlx::AssertSqlSafe(records_sql)), &c.args)
                .fetch_all(&self.pool)
                .await?;
        let mut by_id: HashMap<i64, Candidate> = people
            .into_iter()
            .map(|p| {
                let candidate = Candidate {
                    id: p.id,
                    home: Point {
                        lat: p.home_lat,
                        lng: p.home_lng,
                    },
                    skills: Vec::new(),
                    interests: Vec::new(),
                    languages: Vec::new(),
                    availability: Availability::from_bits(p.availability),
                    helped: 0,
                    no_shows: 0,
                    recently_asked: 0,
                };
                (p.id, candidate)
            })
            .collect();
        for (user, kind, value) in tags {
            if let Some(candidate) = by_id.get_mut(&user) {
                match kind.as_str() {
                    "skill" => candidate.skills.push(value),
                    "interest" => candidate.interests.push(value),
                    "language" => candidate.languages.push(value),
                    _ => {}
                }
            }
        }
        for record in records {
            if let Some(candidate) = by_id.get_mut(&record.user_id) {
                candidate.helped = record.helped;
                candidate.no_shows = record.no_shows;
                candidate.recently_asked = record.recently_asked;
            }
        }
        let mut candidates: Vec<Candidate> = by_id.into_values().collect();
        candidates.sort_by_key(|c| c.id);
        Ok(candidates)
    }
}
