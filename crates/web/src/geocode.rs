//! Turning a typed address into a point, through the French national address
//! base (BAN) API or any service of the same shape. When none is configured
//! or it fails, people place a pin by hand.

use entraide_core::geo::Point;
use url::Url;

#[derive(Clone)]
pub struct Geocoder {
    client: reqwest::Client,
    base: Option<Url>,
}

/// A found address: the label the service normalised and its point.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub label: String,
    pub point: Point,
}

#[derive(Debug, thiserror::Error)]
pub enum GeocodeError {
    #[error("no address search service is configured")]
    Disabled,
    #[error("the address search service failed: {0}")]
    Service(String),
}

#[derive(serde::Deserialize)]
struct Collection {
    features: Vec<Feature>,
}
#[derive(serde::Deserialize)]
struct Feature {
    geometry: Geometry,
    properties: Properties,
}
#[derive(serde::Deserialize)]
struct Geometry {
    coordinates: (f64, f64),
}
#[derive(serde::Deserialize)]
struct Properties {
    label: String,
}

impl Geocoder {
    pub fn new(base: Option<Url>) -> Self {
        let client = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(5))
            .build()
            .unwrap_or_default();
        Self { client, base }
    }

    pub fn enabled(&self) -> bool {
        self.base.is_some()
    }

    /// The best match for `address`, or `None` when nothing matches.
    pub async fn search(&self, address: &str) -> Result<Option<Found>, GeocodeError> {
        let base = self.base.as_ref().ok_or(GeocodeError::Disabled)?;
        let mut url = base
            .join("search/")
            .map_err(|e| GeocodeError::Service(e.to_string()))?;
        url.query_pairs_mut()
            .append_pair("q", address)
            .append_pair("limit", "1");
        let response = self
            .client
            .get(url)
            .send()
            .await
            // The URL holds the searched address: keep it out of errors and logs.
            .map_err(|e| GeocodeError::Service(e.without_url().to_string()))?;
        if !response.status().is_success() {
            return Err(GeocodeError::Service(format!(
                "status {}",
                response.status()
            )));
        }
        let collection: Collection = response
            .json()
            .await
            .map_err(|e| GeocodeError::Service(e.without_url().to_string()))?;
        Ok(collection.features.into_iter().next().and_then(|f| {
            let (lng, lat) = f.geometry.coordinates;
            Point::new(lat, lng).ok().map(|point| Found {
                label: f.properties.label,
                point,
            })
        }))
    }
}
