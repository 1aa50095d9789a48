//! Needs and offers: posting, reading, searching near a place, closing and
//! expiring. Participations (who helps) live in [`crate::participations`].

use entraide_core::exchange::{NewExchange, Place, Schedule, format_date};
use entraide_core::geo::{Covering, Point};
use entraide_core::lifecycle::{ExchangeState, ExchangeStep, exchange_step, on_close};
use entraide_core::text::terms;

use crate::audit::NewAudit;
use crate::{Db, Listing, Page, StoreError, now};

/// Columns of [`Exchange`], qualified.
const EXCHANGE_COLUMNS: &str = "e.id, e.kind, e.category, e.title, e.description, e.owner_id, \
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

/// How a search is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    #[default]
    Distance,
    Date,
    Relevance,
}

/// What to look for. Every filter is optional.
#[derive(Debug, Clone, Default)]
pub struct Search {
    pub kind: Option<&'static str>,
    pub near: Option<(Point, f64)>,
    /// Search terms from [`entraide_core::text::query_terms`]; all must match.
    pub terms: Vec<String>,
    pub category: Option<&'static str>,
    pub skill: Option<String>,
    /// `Some(true)`: weekly only; `Some(false)`: one-off only.
    pub recurring: Option<bool>,
    /// Happening on or after this day (`YYYY-MM-DD`).
    pub from_day: Option<String>,
    /// Starting on or before this day.
    pub to_day: Option<String>,
    /// Open exchanges only (the default for browsing).
    pub open_only: bool,
    pub sort: Sort,
}

/// A value to bind, for queries whose shape depends on the filters.
#[derive(Debug, Clone)]
pub(crate) enum Arg {
    Int(i64),
    Float(f64),
    Text(String),
}

/// Builds a WHERE clause with numbered placeholders.
#[derive(Default)]
pub(crate) struct Clauses {
    pub parts: Vec<String>,
    pub args: Vec<Arg>,
}

impl Clauses {
    /// Adds an argument and returns its placeholder.
    pub fn arg(&mut self, arg: Arg) -> String {
        self.args.push(arg);
        format!("${}", self.args.len())
    }

    pub fn list(&mut self, values: &[i64]) -> String {
        let marks: Vec<String> = values.iter().map(|v| self.arg(Arg::Int(*v))).collect();
        marks.join(", ")
    }

    pub fn push(&mut self, part: String) {
        self.parts.push(part);
    }

    pub fn where_sql(&self) -> String {
        if self.parts.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.parts.join(" AND "))
        }
    }
}

macro_rules! bind_all {
    ($query:expr, $args:expr) => {{
        let mut query = $query;
        for arg in $args {
            query = match arg {
                $crate::exchanges::Arg::Int(v) => query.bind(*v),
                $crate::exchanges::Arg::Float(v) => query.bind(*v),
                $crate::exchanges::Arg::Text(v) => query.bind(v.clone()),
            };
        }
        query
    }};
}
pub(crate) use bind_all;

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
             wide_area, helpers_wanted, urgency, skills, languages, created_at, updated_at) VALUES \
             ($1, $2, $3, $4, $5, $6, $7, 'open', $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, \
             $20, $21, $22, $23, $24, $24) RETURNING id",
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

    pub async fn exchange(&self, id: i64) -> Result<Exchange, StoreError> {
        let sql = format!(
            "SELECT {EXCHANGE_COLUMNS} FROM exchanges e JOIN users o ON o.id = e.owner_id WHERE e.id = $1"
        );
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_one(&self.pool)
            .await?)
    }

    /// One page of needs or offers matching `search`. Distance is measured
    /// on a plane scaled at the search point's latitude (exact to a few
    /// metres at these radii), computed by the database so that both
    /// backends sort identically; ties go to the newest.
    pub async fn search_exchanges(
        &self,
        search: &Search,
        page: Page,
    ) -> Result<Listing<Exchange>, StoreError> {
        let mut c = Clauses::default();
        if search.open_only {
            c.push("e.state = 'open'".to_owned());
        }
        if let Some(kind) = search.kind {
            let p = c.arg(Arg::Text(kind.to_owned()));
            c.push(format!("e.kind = {p}"));
        }
        if let Some(category) = search.category {
            let p = c.arg(Arg::Text(category.to_owned()));
            c.push(format!("e.category = {p}"));
        }
        if let Some(skill) = &search.skill {
            let p = c.arg(Arg::Text(format!("% {skill} %")));
            c.push(format!("e.skills LIKE {p}"));
        }
        match search.recurring {
            Some(true) => c.push("e.schedule = 'weekly'".to_owned()),
            Some(false) => c.push("e.schedule = 'once'".to_owned()),
            None => {}
        }
        if let Some(day) = &search.from_day {
            let p = c.arg(Arg::Text(day.clone()));
            c.push(format!("(e.last_day IS NULL OR e.last_day >= {p})"));
        }
        if let Some(day) = &search.to_day {
            let p = c.arg(Arg::Text(day.clone()));
            c.push(format!("e.first_day <= {p}"));
        }
        let mut distance = "0.0".to_owned();
        if let Some((point, radius)) = search.near {
            let (column, cells) = match point.covering(radius) {
                Covering::Areas(cells) => ("e.area", cells),
                Covering::WideAreas(cells) => ("e.wide_area", cells),
            };
            let list = c.list(&cells);
            c.push(format!("{column} IN ({list})"));
            let lat = c.arg(Arg::Float(point.lat));
            let lng = c.arg(Arg::Float(point.lng));
            let scale = c.arg(Arg::Float(point.lng_scale()));
            distance = format!(
                "((e.lat - {lat}) * (e.lat - {lat}) + (e.lng - {lng}) * {scale} * (e.lng - {lng}) * {scale})"
            );
            let metres_per_degree = 111_195.0;
            let limit = c.arg(Arg::Float((radius / metres_per_degree).powi(2)));
            c.push(format!("{distance} <= {limit}"));
        }
        let mut relevance = "0".to_owned();
        if !search.terms.is_empty() {
            let marks: Vec<String> = search
                .terms
                .iter()
                .map(|t| c.arg(Arg::Text(t.clone())))
                .collect();
            let marks = marks.join(", ");
            let count = c.arg(Arg::Int(search.terms.len() as i64));
            c.push(format!(
                "e.id IN (SELECT exchange_id FROM exchange_terms WHERE term IN ({marks}) \
                 GROUP BY exchange_id HAVING COUNT(*) = {count})"
            ));
            relevance = format!(
                "(SELECT SUM(weight) FROM exchange_terms t WHERE t.exchange_id = e.id AND t.term IN ({marks}))"
            );
        }
        let order = match search.sort {
            Sort::Distance => format!("{distance}, e.id DESC"),
            Sort::Date => "e.first_day, e.id DESC".to_owned(),
            Sort::Relevance => format!("{relevance} DESC, {distance}, e.id DESC"),
        };
        let limit = c.arg(Arg::Int(page.limit()));
        let offset = c.arg(Arg::Int(page.offset()));
        let sql = format!(
            "SELECT {EXCHANGE_COLUMNS} FROM exchanges e JOIN users o ON o.id = e.owner_id{} \
             ORDER BY {order} LIMIT {limit} OFFSET {offset}",
            c.where_sql()
        );
        let query = sqlx::query_as(sqlx::AssertSqlSafe(sql));
        let rows = bind_all!(query, &c.args).fetch_all(&self.pool).await?;
        Ok(Listing::cut(rows, page))
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
