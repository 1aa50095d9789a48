//! The neighbours' map for the page, its list view and the API: the areas
//! of a viewport with how many visible members each stands for, never fewer
//! than k and never anyone's point. Counts per area cell are kept in memory
//! for a short while (`MapConfig::cache_secs`): the same for every viewer,
//! and cheap to recompute.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use entraide_core::error::Errors;
use entraide_core::geo::{SHOWN_PRECISION_METRES, shown_position};
use entraide_core::map::{Area, Viewport, aggregate};
use entraide_core::{Invalid, ParseError};
use entraide_store::users::User;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::AppError;
use crate::state::AppState;

/// People visible to neighbours per home cell of one area cell: `(cell, count)`.
type AreaHomes = Arc<Vec<(i64, i64)>>;

/// Home cells and their counts, per area cell, with when they were read.
#[derive(Default)]
pub struct MapCache {
    areas: Mutex<HashMap<i64, (Instant, AreaHomes)>>,
}

impl MapCache {
    /// The fresh entries among `areas`, and the areas still to read.
    fn lookup(&self, areas: &[i64], ttl: Duration) -> (Vec<AreaHomes>, Vec<i64>) {
        let mut found = Vec::new();
        let mut missing = Vec::new();
        let Ok(map) = self.areas.lock() else {
            return (found, areas.to_vec());
        };
        for area in areas {
            match map.get(area) {
                Some((at, rows)) if at.elapsed() < ttl => found.push(rows.clone()),
                _ => missing.push(*area),
            }
        }
        (found, missing)
    }

    fn store(&self, rows: HashMap<i64, Vec<(i64, i64)>>, ttl: Duration) {
        if ttl.is_zero() {
            return;
        }
        if let Ok(mut map) = self.areas.lock() {
            map.retain(|_, (at, _)| at.elapsed() < ttl);
            let now = Instant::now();
            for (area, cells) in rows {
                map.insert(area, (now, Arc::new(cells)));
            }
        }
    }
}

/// The query of `GET /api/v1/neighbourhood/map`: the viewport's edges in
/// degrees and Leaflet's zoom (12 to 19).
#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
#[serde(default)]
pub struct MapQuery {
    pub south: Option<String>,
    pub west: Option<String>,
    pub north: Option<String>,
    pub east: Option<String>,
    pub zoom: Option<String>,
}

impl MapQuery {
    pub fn viewport(&self) -> Result<Viewport, AppError> {
        let mut errors = Errors::default();
        let mut number = |field: &'static str, raw: &Option<String>| -> f64 {
            match raw.as_deref().map(str::trim) {
                None | Some("") => {
                    errors.push(ParseError::new(field, Invalid::Required));
                    0.0
                }
                Some(text) => text.replace(',', ".").parse::<f64>().unwrap_or_else(|_| {
                    errors.push(ParseError::new(field, Invalid::Coordinate));
                    0.0
                }),
            }
        };
        let south = number("south", &self.south);
        let west = number("west", &self.west);
        let north = number("north", &self.north);
        let east = number("east", &self.east);
        let zoom = number("zoom", &self.zoom);
        if !errors.0.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        Viewport::parse(south, west, north, east, zoom.round() as i64).map_err(AppError::Invalid)
    }
}

/// One area of the map.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MapArea {
    /// The H3 cell of the area, in hexadecimal.
    pub id: String,
    /// H3 resolution (6 is about 36 km², 9 about 0.1 km²).
    pub resolution: u8,
    /// Members visible to neighbours this area stands for (at least `min_people`).
    pub count: u32,
    /// The area's centre.
    pub lat: f64,
    pub lng: f64,
    /// About how far from the centre they live, in metres.
    pub radius_m: u32,
}

impl From<Area> for MapArea {
    fn from(a: Area) -> Self {
        Self {
            id: a.id,
            resolution: a.resolution,
            count: a.count,
            lat: a.lat,
            lng: a.lng,
            radius_m: a.radius_m,
        }
    }
}

/// The areas of a viewport.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MapView {
    /// The finest resolution asked for at this zoom.
    pub resolution: u8,
    /// No area is shown with fewer people than this.
    pub min_people: u32,
    /// Positions shown on profiles lie within this many metres of the home.
    pub precision_m: u32,
    pub areas: Vec<MapArea>,
}

/// The areas of `viewport`, under the instance's k.
pub async fn areas(state: &AppState, viewport: &Viewport) -> Result<MapView, AppError> {
    let config = &state.config.map;
    let ttl = Duration::from_secs(config.cache_secs);
    let wanted = viewport.area_cells();
    let (found, missing) = state.map_cache.lookup(&wanted, ttl);
    let mut read: HashMap<i64, Vec<(i64, i64)>> =
        missing.iter().map(|a| (*a, Vec::new())).collect();
    for (area, cell, count) in state.db.map_counts(&missing).await? {
        read.entry(area).or_default().push((cell, count));
    }
    let mut homes: Vec<(i64, i64)> = found.iter().flat_map(|rows| rows.iter().copied()).collect();
    homes.extend(read.values().flatten().copied());
    state.map_cache.store(read, ttl);
    let shown = viewport.resolution();
    let areas = aggregate(&homes, shown, config.min_people)
        .into_iter()
        .filter(|a| viewport.contains(a.lat, a.lng))
        .map(MapArea::from)
        .collect();
    Ok(MapView {
        resolution: u8::from(shown),
        min_people: config.min_people,
        precision_m: SHOWN_PRECISION_METRES,
        areas,
    })
}

/// Where the map opens for a person: the centre of their home cell (never
/// the home itself, even though it is theirs), or the centre of Paris.
pub fn start(user: &User) -> (f64, f64) {
    user.home_cell
        .and_then(shown_position)
        .map(|p| {
            let round = |x: f64| (x * 10_000.0).round() / 10_000.0;
            (round(p.lat), round(p.lng))
        })
        .unwrap_or((48.8566, 2.3522))
}

/// The list view's areas: about 1.5 km around the person's home cell, at
/// the zoom the map opens with.
pub async fn around(state: &AppState, user: &User) -> Result<Option<MapView>, AppError> {
    if user.home_cell.is_none() {
        return Ok(None);
    }
    let (lat, lng) = start(user);
    let view = Viewport::around(lat, lng, 1.5, START_ZOOM);
    Ok(Some(areas(state, &view).await?))
}

/// The zoom the map opens with (streets readable, a few km across).
pub const START_ZOOM: i64 = 15;
