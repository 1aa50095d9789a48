//! "My neighbourhood" pages: the overview with the map, and the map's list
//! view (the same areas in a table, for keyboards, screen readers and pages
//! without JavaScript).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Response};
use entraide_core::geo::Point;

use super::layout::Base;
use crate::auth::SignedIn;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::services::map::{self, MapArea, START_ZOOM};
use crate::services::neighbourhood::{self, Overview};
use crate::state::AppState;

#[derive(Template, WebTemplate)]
#[template(path = "neighbourhood/show.html")]
pub struct OverviewPage {
    base: Base,
    o: Overview,
    visibility: String,
    min_people: u32,
    start: (f64, f64),
    zoom: i64,
    min_zoom: i64,
    tiles: String,
    attribution: String,
}

pub async fn overview(State(state): State<AppState>, me: SignedIn) -> Result<Response, AppError> {
    let o = neighbourhood::overview(&state, &me.user).await?;
    let config = &state.config.map;
    let page = OverviewPage {
        base: Base::new(&me.ctx, "neighbourhood-title"),
        o,
        visibility: me.user.visibility.clone(),
        min_people: config.min_people,
        start: map::start(&me.user),
        zoom: START_ZOOM,
        min_zoom: entraide_core::map::MIN_ZOOM,
        tiles: config.tile_url.clone().unwrap_or_default(),
        attribution: config.tile_attribution.clone(),
    };
    let mut response = page.into_response();
    // Tiles come from elsewhere: this page alone lets images from there in.
    if let Some(origin) = config.tile_origin() {
        let policy = format!(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: {origin}; \
             object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
        );
        if let Ok(value) = HeaderValue::from_str(&policy) {
            response
                .headers_mut()
                .insert("content-security-policy", value);
        }
    }
    Ok(response)
}

/// One line of the list view.
pub struct AreaRow {
    pub place: String,
    pub count: u32,
    pub size: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "neighbourhood/areas.html")]
pub struct AreasPage {
    base: Base,
    has_home: bool,
    rows: Vec<AreaRow>,
    min_people: u32,
}

/// Where an area lies from the centre of the reader's home cell, in words.
fn place(lang: Lang, from: Point, area: &MapArea) -> String {
    let to = Point {
        lat: area.lat,
        lng: area.lng,
    };
    let metres = entraide_core::matching::rounded_distance_m(from.distance_m(to));
    if metres <= 200 {
        return lang.t("areas-here");
    }
    let east = (to.lng - from.lng) * from.lng_scale();
    let north = to.lat - from.lat;
    let angle = east.atan2(north).to_degrees().rem_euclid(360.0);
    const POINTS: [&str; 8] = ["n", "ne", "e", "se", "s", "sw", "w", "nw"];
    let point = POINTS[((angle + 22.5) / 45.0) as usize % 8];
    lang.t_with(
        "areas-where",
        &[
            ("distance", lang.distance(metres)),
            ("direction", lang.label("direction", point)),
        ],
    )
}

pub async fn areas(State(state): State<AppState>, me: SignedIn) -> Result<AreasPage, AppError> {
    let lang = me.ctx.lang;
    let view = map::around(&state, &me.user).await?;
    let (lat, lng) = map::start(&me.user);
    let from = Point { lat, lng };
    let mut rows: Vec<(f64, AreaRow)> = view
        .iter()
        .flat_map(|v| v.areas.iter())
        .map(|a| {
            let distance = from.distance_m(Point {
                lat: a.lat,
                lng: a.lng,
            });
            let size = lang.t_with(
                "neighbourhood-about",
                &[("distance", lang.distance(i64::from(a.radius_m)))],
            );
            (
                distance,
                AreaRow {
                    place: place(lang, from, a),
                    count: a.count,
                    size,
                },
            )
        })
        .collect();
    rows.sort_by(|a, b| a.0.total_cmp(&b.0));
    Ok(AreasPage {
        base: Base::new(&me.ctx, "areas-title"),
        has_home: view.is_some(),
        rows: rows.into_iter().map(|(_, r)| r).collect(),
        min_people: state.config.map.min_people,
    })
}
