//! Entraide's web application: HTML pages, the JSON API and the operational
//! endpoints, built by [`app`].

pub mod api;
pub mod auth;
pub mod cards;
pub mod config;
pub mod error;
pub mod forms;
pub mod geocode;
pub mod i18n;
pub mod jobs;
pub mod live;
pub mod mail;
pub mod middleware;
pub mod ops;
pub mod pages;
pub mod ratelimit;
pub mod server;
pub mod services;
pub mod sms;
pub mod state;
pub mod stats;
pub mod telephony;

use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use tower_http::csrf::CsrfLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

pub use config::{SmtpConfig, SmtpSecurity, WebConfig};
pub use state::AppState;

/// Largest request body: CSV imports and photos stay well under it.
pub const BODY_LIMIT: usize = 8 * 1024 * 1024;

/// The one way to build Entraide's HTTP application.
pub fn app(state: AppState) -> Router {
    // Most requests are small and quick; documents for the safe may be
    // large and arrive slowly over a phone's connection.
    let quick = Router::new()
        .merge(pages::routes())
        .nest("/api", api::routes())
        .merge(ops::routes())
        .merge(telephony::routes(&state))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            state.config.timeouts.request,
        ));
    let upload_limit = usize::try_from(state.config.safe.document_limit)
        .unwrap_or(usize::MAX)
        .saturating_add(1024 * 1024);
    let uploads = api::upload_routes()
        .merge(pages::safe::upload_routes())
        .layer(DefaultBodyLimit::max(upload_limit))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            state.config.timeouts.upload,
        ));
    Router::new()
        .merge(quick)
        .merge(uploads)
        .fallback(|| async { error::AppError::NotFound })
        // Innermost first: errors get their body in the request's language,
        // which `auth::resolve` (outside it) has worked out.
        // Cross-site form posts are refused before any handler runs, and the
        // refusal gets a translated body like every other error.
        .layer(CsrfLayer::new())
        .layer(axum::middleware::from_fn(error::render))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::resolve,
        ))
        .layer(axum::middleware::from_fn(middleware::track))
        .layer(axum::middleware::from_fn(middleware::security_headers))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Starts the background work of one node: the job worker (mail, SMS,
/// notifications, digests, reminders), live updates from other nodes, the
/// scheduler and the hourly clean-up (expired sessions, erased accounts,
/// idle rate-limit keys, needs and offers whose last day has passed).
pub fn spawn_background(state: &AppState) {
    tokio::spawn(jobs::Worker::new(state).run());
    live::spawn_listener(state);
    let ticking = state.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(60));
        loop {
            every.tick().await;
            if let Err(error) = services::schedule::tick(&ticking).await {
                tracing::error!(%error, "could not queue the scheduled runs");
            }
        }
    });
    let index = state.clone();
    tokio::spawn(async move {
        // Loads everyone first, then catches up with what changed.
        let mut every = tokio::time::interval(Duration::from_secs(5));
        loop {
            every.tick().await;
            let started = std::time::Instant::now();
            let first = !index.helpers.is_ready();
            match index.helpers.refresh(&index.db).await {
                Ok(read) if first => tracing::info!(
                    people = read,
                    ms = started.elapsed().as_millis() as u64,
                    "helper index loaded"
                ),
                Ok(_) => {}
                Err(error) => tracing::error!(%error, "could not refresh the helper index"),
            }
        }
    });
    let state = state.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(3600));
        loop {
            every.tick().await;
            state.limits.shrink();
            if let Err(error) = state.db.delete_expired_sessions().await {
                tracing::error!(%error, "could not delete expired sessions");
            }
            let week_ago = entraide_store::now() - 7 * 24 * 3600;
            if let Err(error) = state.db.delete_done_jobs(week_ago).await {
                tracing::error!(%error, "could not forget finished jobs");
            }
            let day_ago = entraide_store::now() - 24 * 3600;
            if let Err(error) = state.db.delete_old_calls(day_ago).await {
                tracing::error!(%error, "could not forget past phone calls");
            }
            match services::privacy::purge(&state).await {
                Ok(0) => {}
                Ok(count) => tracing::info!(count, "erased accounts whose grace period ended"),
                Err(error) => tracing::error!(%error, "could not erase deleted accounts"),
            }
            let today = entraide_core::exchange::format_date(services::exchanges::today());
            match state.db.expire_exchanges(&today).await {
                Ok(0) => {}
                Ok(count) => tracing::info!(count, "needs and offers expired"),
                Err(error) => tracing::error!(%error, "could not expire needs and offers"),
            }
        }
    });
}
