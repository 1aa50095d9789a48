//! Searching needs and offers from the list page and the API: the query
//! string parsed (a bad value is a field error, never ignored), around the
//! viewer's home.

use entraide_core::geo::{MAX_RADIUS_M, Point};
use entraide_core::text::query_terms;
use entraide_core::{Invalid, ParseError};
use entraide_store::exchanges::{Exchange, Search, Sort};
use entraide_store::users::User;
use entraide_store::{Listing, Page};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::error::AppError;
use crate::services::exchanges::DEFAULT_RADIUS_M;
use crate::state::AppState;

/// Search parameters of the list page and of `GET /api/v1/exchanges`.
#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
#[serde(default)]
pub struct SearchQuery {
    /// Words to find (accents and endings do not matter).
    pub q: Option<String>,
    /// `need` or `offer`.
    pub kind: Option<String>,
    pub category: Option<String>,
    pub skill: Option<String>,
    /// `weekly` or `once`.
    pub recurring: Option<String>,
    /// Happening on or after this day (`YYYY-MM-DD`).
    pub after: Option<String>,
    /// Radius in metres around the viewer's home (default 3000, at most 30000).
    pub radius: Option<f64>,
    /// `distance` (default), `date` or `relevance`.
    pub sort: Option<String>,
    pub page: Option<i64>,
}

fn nonempty(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

impl SearchQuery {
    /// Parses the filters; a bad value is a field error, never ignored.
    pub fn search(&self, viewer: &User) -> Result<Search, AppError> {
        let mut errors = entraide_core::error::Errors::default();
        let kind = nonempty(&self.kind)
            .and_then(|k| errors.take(entraide_core::exchange::Kind::parse(k).map(|k| k.key())));
        let category = nonempty(&self.category)
            .and_then(|c| errors.take(entraide_core::exchange::parse_category(c)));
        let skill = nonempty(&self.skill).and_then(|s| {
            errors
                .take(entraide_core::profile::parse_keys(
                    "skill",
                    &[s.to_owned()],
                    entraide_core::profile::SKILLS,
                ))
                .and_then(|mut keys| keys.pop())
        });
        let recurring = match nonempty(&self.recurring) {
            None => None,
            Some("weekly") => Some(true),
            Some("once") => Some(false),
            Some(_) => {
                errors.push(ParseError::new("recurring", Invalid::Choice));
                None
            }
        };
        let from_day = nonempty(&self.after).and_then(|d| {
            errors.take(
                entraide_core::exchange::parse_date("after", d)
                    .map(entraide_core::exchange::format_date),
            )
        });
        let radius = self.radius.unwrap_or(DEFAULT_RADIUS_M);
        if !(100.0..=MAX_RADIUS_M).contains(&radius) {
            errors.push(ParseError::new("radius", Invalid::Range));
        }
        let terms = nonempty(&self.q)
            .map(|q| query_terms(q, 8))
            .unwrap_or_default();
        let near = match (viewer.home_lat, viewer.home_lng) {
            (Some(lat), Some(lng)) => Some((Point { lat, lng }, radius)),
            _ => None,
        };
        let sort = match nonempty(&self.sort) {
            None if !terms.is_empty() => Sort::Relevance,
            None | Some("distance") => Sort::Distance,
            Some("date") => Sort::Date,
            Some("relevance") => Sort::Relevance,
            Some(_) => {
                errors.push(ParseError::new("sort", Invalid::Choice));
                Sort::Distance
            }
        };
        if !errors.0.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        Ok(Search {
            kind,
            near,
            terms,
            category,
            skill,
            recurring,
            from_day,
            to_day: None,
            open_only: true,
            // Without a home there is no distance to sort by.
            sort: if near.is_none() && sort == Sort::Distance {
                Sort::Date
            } else {
                sort
            },
        })
    }
}

pub async fn search(
    state: &AppState,
    viewer: &User,
    query: &SearchQuery,
    page_size: i64,
) -> Result<Listing<Exchange>, AppError> {
    let search = query.search(viewer)?;
    let page = Page::new(query.page.unwrap_or(1), page_size);
    Ok(state.db.search_exchanges(&search, page).await?)
}
