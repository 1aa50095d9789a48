//! What "my neighbourhood" reads: how many people visible to neighbours live
//! in each home cell of some area cells (for the map, which publishes only
//! k-anonymous sums of them), and the people near a home whom a viewer may
//! see, by their home cell only.

use std::collections::HashMap;

use crate::profiles::Tags;
use crate::sql::{Arg, Clauses, bind_all};
use crate::{Db, StoreError};

/// Area cells per query: keeps the statement small on both databases.
const AREAS_PER_QUERY: usize = 200;

/// Someone living near the viewer, as the neighbourhood page lists them:
/// the home cell, never the home.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Nearby {
    pub id: i64,
    pub display_name: String,
    pub home_cell: i64,
}

/// An open offer of someone nearby.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OfferTitle {
    pub owner_id: i64,
    pub id: i64,
    pub title: String,
}

impl Db {
    /// People visible to neighbours, counted by home cell (resolution 9),
    /// in these area cells: `(area, cell, count)`. Answered from the
    /// `users_map` index alone.
    pub async fn map_counts(&self, areas: &[i64]) -> Result<Vec<(i64, i64, i64)>, StoreError> {
        let mut out = Vec::new();
        for chunk in areas.chunks(AREAS_PER_QUERY) {
            let mut c = Clauses::default();
            let list = c.list(chunk);
            let sql = format!(
                "SELECT home_area, home_cell, COUNT(*) FROM users WHERE home_area IN ({list}) \
                 AND visibility = 'neighbours' AND deletion_requested_at IS NULL \
                 GROUP BY home_area, home_cell"
            );
            let query = sqlx::query_as::<_, (i64, i64, i64)>(sqlx::AssertSqlSafe(sql));
            out.extend(bind_all!(query, &c.args).fetch_all(&self.pool).await?);
        }
        Ok(out)
    }

    /// Up to `limit` people living in these home cells whom `viewer` may
    /// see (visible to neighbours, or to members of an organisation they
    /// share), the viewer and people leaving excluded, by id.
    pub async fn people_in_cells(
        &self,
        viewer: i64,
        cells: &[i64],
        limit: i64,
    ) -> Result<Vec<Nearby>, StoreError> {
        if cells.is_empty() {
            return Ok(Vec::new());
        }
        let mut c = Clauses::default();
        let list = c.list(cells);
        let me = c.arg(Arg::Int(viewer));
        let limit = c.arg(Arg::Int(limit));
        let sql = format!(
            "SELECT u.id, u.display_name, u.home_cell FROM users u WHERE u.home_cell IN ({list}) \
             AND u.id <> {me} AND u.deletion_requested_at IS NULL \
             AND (u.visibility = 'neighbours' OR (u.visibility = 'organisations' AND EXISTS \
             (SELECT 1 FROM memberships mine JOIN memberships theirs ON theirs.org_id = mine.org_id \
             WHERE mine.user_id = {me} AND theirs.user_id = u.id))) ORDER BY u.id LIMIT {limit}"
        );
        let query = sqlx::query_as(sqlx::AssertSqlSafe(sql));
        Ok(bind_all!(query, &c.args).fetch_all(&self.pool).await?)
    }

    /// The tags of several people at once.
    pub async fn tags_of(&self, ids: &[i64]) -> Result<HashMap<i64, Tags>, StoreError> {
        let mut out: HashMap<i64, Tags> = HashMap::new();
        if ids.is_empty() {
            return Ok(out);
        }
        let mut c = Clauses::default();
        let list = c.list(ids);
        let sql = format!(
            "SELECT user_id, kind, value, free FROM user_tags WHERE user_id IN ({list}) \
             ORDER BY user_id, kind, value"
        );
        let query = sqlx::query_as::<_, (i64, String, String, i64)>(sqlx::AssertSqlSafe(sql));
        for (user, kind, value, free) in bind_all!(query, &c.args).fetch_all(&self.pool).await? {
            let tags = out.entry(user).or_default();
            match (kind.as_str(), free != 0) {
                ("skill", false) => tags.skills.push(value),
                ("skill", true) => tags.free_tags.push(value),
                ("interest", _) => tags.interests.push(value),
                ("language", _) => tags.languages.push(value),
                _ => {}
            }
        }
        Ok(out)
    }

    /// The open offers of several people, newest first.
    pub async fn open_offers_of(&self, ids: &[i64]) -> Result<Vec<OfferTitle>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut c = Clauses::default();
        let list = c.list(ids);
        let sql = format!(
            "SELECT owner_id, id, title FROM exchanges WHERE owner_id IN ({list}) \
             AND kind = 'offer' AND state = 'open' ORDER BY id DESC LIMIT 200"
        );
        let query = sqlx::query_as(sqlx::AssertSqlSafe(sql));
        Ok(bind_all!(query, &c.args).fetch_all(&self.pool).await?)
    }
}
