//! Everything a handler can reach: the database, the configuration and the
//! services (mail, geocoding, rate limits, metrics).

use std::sync::Arc;

use entraide_store::Db;
use metrics_exporter_prometheus::PrometheusHandle;
use tokio::sync::Notify;

use crate::config::WebConfig;
use crate::geocode::Geocoder;
use crate::ratelimit::RateLimits;

/// Cheap to clone (one reference count): every extractor clones it.
#[derive(Clone)]
pub struct AppState(Arc<Services>);

/// What [`AppState`] shares.
pub struct Services {
    pub db: Db,
    pub config: Arc<WebConfig>,
    pub geocoder: Geocoder,
    pub limits: Arc<RateLimits>,
    pub metrics: PrometheusHandle,
    /// Wakes the job worker as soon as a job is queued.
    pub wake_jobs: Arc<Notify>,
    /// Open event streams of this node.
    pub live: Arc<crate::live::Live>,
    pub home_counts: Arc<crate::stats::HomeCounts>,
    /// Who could help, in memory, refreshed in the background.
    pub helpers: Arc<entraide_store::helper_index::HelperIndex>,
    /// The digital safe's keys and storage, opened on first use.
    pub safe: tokio::sync::OnceCell<crate::services::safe_keys::Safe>,
    /// Counts of the neighbours' map, per area cell, for a short while.
    pub map_cache: Arc<crate::services::map::MapCache>,
    /// Outgoing HTTP (voice recordings from the telephony provider).
    pub http: reqwest::Client,
}

impl AppState {
    pub fn new(db: Db, config: WebConfig) -> Self {
        let geocoder = Geocoder::new(config.geocoder_url.clone());
        Self(Arc::new(Services {
            db,
            config: Arc::new(config),
            geocoder,
            limits: Arc::new(RateLimits::default()),
            metrics: crate::middleware::metrics_handle(),
            wake_jobs: Arc::new(Notify::new()),
            live: Arc::default(),
            home_counts: Arc::default(),
            helpers: Arc::default(),
            safe: tokio::sync::OnceCell::new(),
            map_cache: Arc::default(),
            http: reqwest::Client::builder()
                .connect_timeout(std::time::Duration::from_secs(10))
                .build()
                .unwrap_or_default(),
        }))
    }
}

impl std::ops::Deref for AppState {
    type Target = Services;

    fn deref(&self) -> &Services {
        &self.0
    }
}
