//! Searching needs and offers: near a place (the H3 cells covering the
//! radius, then a planar distance both databases compute alike), by stemmed
//! terms (`exchange_terms`), by category, skill, day and rhythm; sorted by
//! distance, date or relevance; one page at a time.

use entraide_core::geo::{Covering, Point};

use crate::exchanges::{EXCHANGE_COLUMNS, Exchange};
use crate::sql::{Arg, Clauses, bind_all};
use crate::{Db, Listing, Page, StoreError};

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

impl Db {
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
            // Within a few kilometres, the finer cells read about a third
            // of what the area cells would.
            let (column, cells) = match point.covering(radius) {
                Covering::Areas(_) => {
                    let fine: Vec<i64> = point
                        .index_covering(radius)
                        .into_iter()
                        .map(|c| c as i64)
                        .collect();
                    ("e.fine_area", fine)
                }
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
        // The page's ids first, then their rows: the place, the state, the
        // kind, the category and the distance read only columns of
        // `exchanges_fine_area` (which carries the id), so the usual search
        // sorts its candidates from the index and reads only the page's rows
        // from the table. (Every exchange has its owner, so the join is left
        // to the outer query.)
        let sql = format!(
            "SELECT {EXCHANGE_COLUMNS} FROM exchanges e JOIN users o ON o.id = e.owner_id \
             WHERE e.id IN (SELECT e.id FROM exchanges e{} ORDER BY {order} LIMIT {limit} OFFSET {offset}) \
             ORDER BY {order}",
            c.where_sql()
        );
        let query = sqlx::query_as(sqlx::AssertSqlSafe(sql));
        let rows = bind_all!(query, &c.args).fetch_all(&self.pool).await?;
        Ok(Listing::cut(rows, page))
    }
}
