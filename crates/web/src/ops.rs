//! Operational endpoints: health, metrics, static files and the API's
//! description and documentation.

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::state::AppState;

const STYLE: &str = include_str!("../static/style.css");
const SCRIPT: &str = include_str!("../static/app.js");
const MAP_SCRIPT: &str = include_str!("../static/neighbourhood.js");
const LEAFLET_JS: &str = include_str!("../static/vendor/leaflet/leaflet.js");
const LEAFLET_CSS: &str = include_str!("../static/vendor/leaflet/leaflet.css");
/// Leaflet's images, by the name its stylesheet uses.
const LEAFLET_IMAGES: [(&str, &[u8]); 5] = [
    (
        "layers.png",
        include_bytes!("../static/vendor/leaflet/images/layers.png"),
    ),
    (
        "layers-2x.png",
        include_bytes!("../static/vendor/leaflet/images/layers-2x.png"),
    ),
    (
        "marker-icon.png",
        include_bytes!("../static/vendor/leaflet/images/marker-icon.png"),
    ),
    (
        "marker-icon-2x.png",
        include_bytes!("../static/vendor/leaflet/images/marker-icon-2x.png"),
    ),
    (
        "marker-shadow.png",
        include_bytes!("../static/vendor/leaflet/images/marker-shadow.png"),
    ),
];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(health))
        .route("/metrics", get(metrics))
        .route(
            "/static/style.css",
            get(|| async { asset("text/css; charset=utf-8", STYLE) }),
        )
        .route(
            "/static/app.js",
            get(|| async { asset("text/javascript; charset=utf-8", SCRIPT) }),
        )
        .route(
            "/static/neighbourhood.js",
            get(|| async { asset("text/javascript; charset=utf-8", MAP_SCRIPT) }),
        )
        .route(
            "/static/vendor/leaflet/leaflet.js",
            get(|| async { asset("text/javascript; charset=utf-8", LEAFLET_JS) }),
        )
        .route(
            "/static/vendor/leaflet/leaflet.css",
            get(|| async { asset("text/css; charset=utf-8", LEAFLET_CSS) }),
        )
        .route("/static/vendor/leaflet/images/{name}", get(leaflet_image))
        .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }))
}

fn asset(mime: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, mime),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}

async fn leaflet_image(axum::extract::Path(name): axum::extract::Path<String>) -> Response {
    match LEAFLET_IMAGES.iter().find(|(n, _)| *n == name) {
        Some((_, bytes)) => (
            [
                (header::CONTENT_TYPE, "image/png"),
                (header::CACHE_CONTROL, "public, max-age=3600"),
            ],
            *bytes,
        )
            .into_response(),
        None => crate::error::AppError::NotFound.into_response(),
    }
}

/// 200 only when the database answers.
async fn health(State(state): State<AppState>) -> Response {
    if state.db.ping().await {
        (StatusCode::OK, "ok").into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
    }
}

async fn metrics(State(state): State<AppState>) -> Response {
    let (size, idle) = state.db.pool_usage();
    metrics::gauge!("db_pool_connections").set(f64::from(size));
    metrics::gauge!("db_pool_idle_connections").set(idle as f64);
    // 0 until every member has been read into the helper index at start
    // (seconds at a million members): a readiness signal for operators and
    // for the load scripts.
    metrics::gauge!("helper_index_ready").set(if state.helpers.is_ready() { 1.0 } else { 0.0 });
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(),
    )
        .into_response()
}
