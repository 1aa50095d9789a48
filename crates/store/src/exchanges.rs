//! Needs and offers: posting, reading, searching near a place, closing and
//! expiring. Participations (who helps) live in [`crate::participations`].

use entraide_core::exchange::{NewExchange, Place, Schedule, format_date};
use entraide_core::geo::Point;
use entraide_core::lifecycle::{ExchangeState, ExchangeStep, exchange_step, on_close};
use entraide_core::text::terms;

use crate::audit::NewAudit;
pub use crate::search::{Search, Sort};
use crate::{Db, Listing, Page, StoreError, now};

/// Columns of [`Exchange`], qualified.
pub(crate) const EXCHANGE_COLUMNS: &str = "e.id, e.kind, e.category, e.title, e.description, e.owner_id, \
     o.display_name AS owner_name, e.posted_by, e.org_id, e.state, e.schedule, e.first_day, e.last_day, \
     e.time_from, e.time_to, e.slots, e.lat, e.lng, e.place_label, e.cell, e.helpers_wanted, e.urgency, \
     e.skills, e.languages, e.created_at, e.updated_at, \
     (SELECT COUNT(*) FROM participations p WHERE p.exchange_id = e.id AND p.part = 'accepted') AS accepted";

/// A need or an offer as stored. `lat`, `lng` and `place_label` are exact:
/// only the owner (and whoever acts for them) may see them.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Exchange {
    pub id: i64,
    pub kind: String,
    pub category: String,
    pub title: String,
    pub description: String,
    pub owner_id: i64,
    pub owner_name: String,
    pub posted_by: Option<i64>,
    pub org_id: Option<i64>,
    pub state: String,
    pub schedule: String,
    pub first_day: String,
    pub last_day: Option<String>,
    pub time_from: Option<i64>,
    pub time_to: Option<i64>,
    pub slots: i64,
    pub lat: f64,
    pub lng: f64,
    pub place_label: Option<String>,
    pub cell: i64,
    pub helpers_wanted: i64,
    pub urgency: String,
    pub skills: String,
    pub languages: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub accepted: i64,
}

impl Exchange {
    pub fn skill_keys(&self) -> Vec<String> {
        self.skills.split_whitespace().map(str::to_owned).collect()
    }

    pub fn language_keys(&self) -> Vec<String> {
        self.languages
            .split_whitespace()
            .map(str::to_owned)
            .collect()
    }

    pub fn point(&self) -> Point {
        Point {
            lat: self.lat,
            lng: self.lng,
        }
    }
}

/// Keys stored between spaces, so that `LIKE '% key %'` finds one.
pub(crate) fn spaced(keys: &[String]) -> String {
    format!(" {} ", keys.join(" "))
}

/// A need or an offer to store, with who it is for and who typed it.
pub struct Posting<'a> {
    pub exchange: &'a NewExchange,
    pub place: &'a Place,
    pub owner_id: i64,
    /// Set when someone posts for the owner; the act is logged for them.
    pub posted_by: Option<i64>,
    pub org_id: Option<i64>,
}

/// The search weight of a title word, against 1 for a description word.
const TITLE_WEIGHT: i64 = 3;

fn search_terms(title: &str, description: &str) -> Vec<(String, i64)> {
    let mut weighted: Vec<(String, i64)> = terms(title)
        .into_iter()
        .map(|t| (t, TITLE_WEIGHT))
        .collect();
    for term in terms(description) {
        if !weighted.iter().any(|(t, _)| *t == term) {
            weighted.push((term, 1));
        }
    }
    weighted
}

impl Db {
    /// Stores a need or an offer with its search terms, and logs it for the
    /// owner when someone else posted it; all or nothing.
    pub async fn post_exchange(&self, posting: &Posting<'_>) -> Result<i64, StoreError> {
        let e = posting.exchange;
        let at = now();
        let (first_day, last_day, from, to) = match e.schedule {
            Schedule::Once { date, from, to } => {
                (date, Some(date), Some(i64::from(from)), Some(i64::from(to)))
            }
            Schedule::Weekly { starts, ends, .. } => (starts, ends, None, None),
        };
        let point = posting.place.point;
        let mut tx = self.pool.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO exchanges (kind, category, title, description, owner_id, posted_by, org_id, state, \
             schedule, first_day, last_day, time_from, time_to, slots, lat, lng, place_label, cell, area, \
             wide_area, fine_area, helpers_wanted, urgency, skills, languages, created_at, updated_at) VALUES \
             ($1, $2, $3, $4, $5, $6, $7, 'open', $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, \
             $20, $21, $22, $23, $24, $25, $25) RETURNING id",
        )
        .bind(e.kind.key())
        .bind(e.category)
        .bind(e.title.as_str())
        .bind(e.description.as_str())
        .bind(posting.owner_id)
        .bind(posting.posted_by)
        .bind(posting.org_id)
        .bind(match e.schedule {
            Schedule::Once { .. } => "once",
            Schedule::Weekly { .. } => "weekly",
        })
        .bind(format_date(first_day))
        .bind(last_day.map(format_date))
        .bind(from)
        .bind(to)
        .bind(e.schedule.slots().0)
        .bind(point.lat)
        .bind(point.lng)
        .bind(posting.place.label.as_deref())
        .bind(point.cell())
        .bind(point.area())
        .bind(point.wide_area())
        .bind(point.index_cell() as i64)
        .bind(e.helpers_wanted)
        .bind(e.urgency.key())
        .bind(spaced(&e.skills))
        .bind(spaced(&e.languages))
        .bind(at)
        .fetch_one(&mut *tx)
        .await?;
        for (term, weight) in search_terms(e.title.as_str(), e.description.as_str()) {
            sqlx::query(
                "INSERT INTO exchange_terms (term, exchange_id, weight) VALUES ($1, $2, $3)",
            )
            .bind(term)
            .bind(id)
            .bind(weight)
            .execute(&mut *tx)
            .await?;
        }
        if let Some(actor) = posting.posted_by {
            crate::audit::record(
                &mut tx,
                NewAudit {
                    event: "exchange-posted-for",
                    actor_id: Some(actor),
                    subject_id: Some(posting.owner_id),
                    org_id: posting.org_id,
                    detail: &format!("#{id} {}", e.title.as_str()),
                },
            )
            .await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    /// Fills the fine cell of needs and offers posted before it existed (run
    /// after the migrations; a no-op once done).
    pub(crate) async fn backfill_fine_areas(&self) -> Result<(), StoreError> {
        let missing: Vec<(i64, f64, f64)> =
            sqlx::query_as("SELECT id, lat, lng FROM exchanges WHERE fine_area IS NULL")
                .fetch_all(&self.pool)
                .await?;
        for chunk in missing.chunks(5000) {
            let mut tx = self.pool.begin().await?;
            for (id, lat, lng) in chunk {
                let cell = Point {
                    lat: *lat,
                    lng: *lng,
                }
                .index_cell() as i64;
                sqlx::query("UPDATE exchanges SET fine_area = $1 WHERE id = $2")
                    .bind(cell)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
        }
        Ok(())
    }

    pub async fn exchange(&self, id: i64) -> Result<Exchange, StoreError> {
        let sql = format!(
            "SELECT {EXCHANGE_COLUMNS} FROM exchanges e JOIN users o ON o.id = e.owner_id WHERE e.id = $1"
        );
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_one(&self.pool)
            .await?)
    }

    /// The needs and offers a person owns, newest first.
    pub async fn exchanges_of(
        &self,
        owner_id: i64,
        page: Page,
    ) -> Result<Listing<Exchange>, StoreError> {
        let sql = format!(
            "SELECT {EXCHANGE_COLUMNS} FROM exchanges e JOIN users o ON o.id = e.owner_id \
             WHERE e.owner_id = $1 ORDER BY e.id DESC LIMIT $2 OFFSET $3"
        );
        let rows = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(owner_id)
            .bind(page.limit())
            .bind(page.offset())
            .fetch_all(&self.pool)
            .await?;
        Ok(Listing::cut(rows, page))
    }

    /// Completes or cancels an exchange (or expires it), settling every
    /// participation; `actor` is logged when acting for the owner.
    pub async fn close_exchange(
        &self,
        id: i64,
        step: ExchangeStep,
        acting_for: Option<i64>,
    ) -> Result<ExchangeState, StoreError> {
        let at = now();
        let mut tx = self.pool.begin().await?;
        // Writing first takes the row (PostgreSQL) or the database (SQLite)
        // for this transaction, so the state read below cannot change.
        let (state, owner, org): (String, i64, Option<i64>) = sqlx::query_as(
            "UPDATE exchanges SET updated_at = $1 WHERE id = $2 RETURNING state, owner_id, org_id",
        )
        .bind(at)
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        let current = ExchangeState::parse(&state).map_err(|_| StoreError::NotFound)?;
        let next = exchange_step(current, step)?;
        sqlx::query("UPDATE exchanges SET state = $1 WHERE id = $2")
            .bind(next.key())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let parts: Vec<(i64, String)> =
            sqlx::query_as("SELECT user_id, part FROM participations WHERE exchange_id = $1")
                .bind(id)
                .fetch_all(&mut *tx)
                .await?;
        for (user, part) in parts {
            let Ok(part) = entraide_core::lifecycle::Part::parse(&part) else {
                continue;
            };
            let settled = on_close(next, part);
            if settled != part {
                sqlx::query(
                    "UPDATE participations SET part = $1, updated_at = $2 WHERE exchange_id = $3 AND user_id = $4",
                )
                .bind(settled.key())
                .bind(at)
                .bind(id)
                .bind(user)
                .execute(&mut *tx)
                .await?;
            }
        }
        if next == ExchangeState::Done {
            crate::claims::open_claims(&mut tx, id, at).await?;
        }
        if let Some(actor) = acting_for {
            crate::audit::record(
                &mut tx,
                NewAudit {
                    event: "exchange-closed-for",
                    actor_id: Some(actor),
                    subject_id: Some(owner),
                    org_id: org,
                    detail: &format!("#{id} {}", next.key()),
                },
            )
            .await?;
        }
        tx.commit().await?;
        Ok(next)
    }

    /// Marks as expired the open exchanges whose last day is before `today`
    /// (`YYYY-MM-DD`); returns how many.
    pub async fn expire_exchanges(&self, today: &str) -> Result<u64, StoreError> {
        let at = now();
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE exchanges SET state = 'expired', updated_at = $1 \
             WHERE state = 'open' AND last_day IS NOT NULL AND last_day < $2",
        )
        .bind(at)
        .bind(today)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE participations SET part = 'not_chosen', updated_at = $1 \
             WHERE part IN ('invited', 'responded') AND exchange_id IN \
             (SELECT id FROM exchanges WHERE state = 'expired')",
        )
        .bind(at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(done.rows_affected())
    }
}
