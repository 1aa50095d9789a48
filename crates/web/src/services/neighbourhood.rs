//! "My neighbourhood": the people nearby who chose to be seen by the reader
//! (each at the centre of their home cell), the needs and offers around,
//! the events to come and the latest posts of the local board.

use entraide_core::geo::{Point, SHOWN_PRECISION_METRES, cell_rings, shown_position};
use entraide_core::matching::rounded_distance_m;
use entraide_store::Page;
use entraide_store::exchanges::{Search, Sort};
use entraide_store::users::User;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::AppError;
use crate::services::board::{self, PostView, home};
use crate::services::exchanges::ExchangeCard;
use crate::services::profiles::ApproximatePosition;
use crate::state::AppState;

/// People listed on the page.
pub const PEOPLE_SHOWN: usize = 12;
/// Rings of home cells looked at around the reader's (about 1.5 km).
const RINGS: u32 = 5;
/// How far needs and offers are looked for, in metres.
pub const EXCHANGES_RADIUS_M: f64 = 1000.0;

/// Someone nearby, as the reader may see them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Neighbour {
    pub id: i64,
    pub display_name: String,
    pub skills: Vec<String>,
    pub free_tags: Vec<String>,
    pub interests: Vec<String>,
    /// Titles of their open offers (at most three).
    pub offers: Vec<OfferLink>,
    pub position: Option<ApproximatePosition>,
    /// From the reader's home to the shown position, rounded to 100 m.
    pub distance_m: Option<i64>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OfferLink {
    pub id: i64,
    pub title: String,
}

/// Everything the neighbourhood page shows.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Overview {
    /// Without a home there is no neighbourhood: everything else is empty.
    pub has_home: bool,
    /// The precision of every position shown, in metres.
    pub precision_m: u32,
    pub people: Vec<Neighbour>,
    pub needs: Vec<ExchangeCard>,
    pub offers: Vec<ExchangeCard>,
    pub events: Vec<PostView>,
    pub posts: Vec<PostView>,
}

/// The people nearby whom the reader may see, nearest home cells first.
pub async fn people(state: &AppState, user: &User) -> Result<Vec<Neighbour>, AppError> {
    let (Some(cell), Some(from)) = (user.home_cell, home(user)) else {
        return Ok(Vec::new());
    };
    let rings = cell_rings(cell, RINGS);
    let mut found = Vec::new();
    // Nearest rings first, a few queries at most: 0–1, 2–3, 4–5.
    for group in rings.chunks(2) {
        let cells: Vec<i64> = group.iter().flatten().copied().collect();
        let left = PEOPLE_SHOWN - found.len();
        let mut batch = state
            .db
            .people_in_cells(user.id, &cells, left as i64)
            .await?;
        let distance = |c: i64| shown_position(c).map_or(f64::MAX, |p| from.distance_m(p));
        batch.sort_by(|a, b| {
            distance(a.home_cell)
                .total_cmp(&distance(b.home_cell))
                .then(a.id.cmp(&b.id))
        });
        found.extend(batch);
        if found.len() >= PEOPLE_SHOWN {
            break;
        }
    }
    let ids: Vec<i64> = found.iter().map(|p| p.id).collect();
    let mut tags = state.db.tags_of(&ids).await?;
    let offers = state.db.open_offers_of(&ids).await?;
    Ok(found
        .into_iter()
        .map(|p| {
            let t = tags.remove(&p.id).unwrap_or_default();
            let position = ApproximatePosition::of_cell(p.home_cell);
            let distance_m = position.as_ref().map(|s| {
                rounded_distance_m(from.distance_m(Point {
                    lat: s.lat,
                    lng: s.lng,
                }))
            });
            Neighbour {
                id: p.id,
                display_name: p.display_name,
                skills: t.skills,
                free_tags: t.free_tags,
                interests: t.interests,
                offers: offers
                    .iter()
                    .filter(|o| o.owner_id == p.id)
                    .take(3)
                    .map(|o| OfferLink {
                        id: o.id,
                        title: o.title.clone(),
                    })
                    .collect(),
                position,
                distance_m,
            }
        })
        .collect())
}

/// The first needs or offers open around the reader's home, nearest first.
async fn exchanges(
    state: &AppState,
    user: &User,
    kind: &'static str,
) -> Result<Vec<ExchangeCard>, AppError> {
    let Some(from) = home(user) else {
        return Ok(Vec::new());
    };
    let search = Search {
        kind: Some(kind),
        near: Some((from, EXCHANGES_RADIUS_M)),
        open_only: true,
        sort: Sort::Distance,
        ..Search::default()
    };
    let listing = state.db.search_exchanges(&search, Page::new(1, 5)).await?;
    Ok(listing
        .rows
        .iter()
        .filter(|e| e.owner_id != user.id)
        .map(|e| ExchangeCard::new(e, user))
        .collect())
}

pub async fn overview(state: &AppState, user: &User) -> Result<Overview, AppError> {
    Ok(Overview {
        has_home: user.home_cell.is_some(),
        precision_m: SHOWN_PRECISION_METRES,
        people: people(state, user).await?,
        needs: exchanges(state, user, "need").await?,
        offers: exchanges(state, user, "offer").await?,
        events: board::events(state, user, 5).await?,
        posts: board::board(state, user, None, 1, 5).await?.rows,
    })
}
