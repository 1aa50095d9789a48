//! What the web layer needs to know about its deployment. The binary builds
//! it from defaults, the TOML file and the environment.

use std::path::PathBuf;

use secrecy::SecretString;
use url::Url;

#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Public address of this instance, used in emails and printed handouts.
    pub base_url: Url,
    /// Folder for uploaded files (profile photos, exports).
    pub data_dir: PathBuf,
    /// Outgoing mail; `None` keeps messages in the outbox until configured.
    pub smtp: Option<SmtpConfig>,
    /// Text messages; `None` leaves notifications by SMS in the centre only.
    pub sms: Option<crate::sms::SmsConfig>,
    /// Address search service (BAN API shape); `None` leaves the manual pin only.
    pub geocoder_url: Option<Url>,
    /// Days between a deletion request and the erasure of the account.
    pub deletion_grace_days: i64,
    /// Reverse proxies and load balancers whose `X-Forwarded-For` is
    /// believed; empty means clients connect directly.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// The digital safe's keys and limits.
    pub safe: SafeConfig,
    /// The neighbours' map.
    pub map: MapConfig,
    /// How long clients may take to send headers and requests.
    pub timeouts: crate::server::Timeouts,
    /// Seconds a node's worker holds a job before another node may take it
    /// over (the job's worker died, or hangs).
    pub job_lease_secs: i64,
}

/// The digital safe: where its server key comes from, and its limits.
#[derive(Debug, Clone)]
pub struct SafeConfig {
    /// The server key in base64; `None` reads (or creates) `vault.key` in
    /// the data folder.
    pub key: Option<secrecy::SecretString>,
    /// The key being replaced during a rotation, in base64.
    pub previous_key: Option<secrecy::SecretString>,
    /// Largest document accepted, in bytes.
    pub document_limit: u64,
    /// What one person may keep in all, in bytes.
    pub quota: u64,
    /// An S3-compatible bucket instead of the data folder (needs a build
    /// with the `s3` feature).
    pub s3: Option<S3Config>,
}

/// An S3-compatible bucket for the safe.
#[derive(Debug, Clone)]
pub struct S3Config {
    pub bucket: String,
    pub endpoint: Option<String>,
    pub region: String,
    pub access_key_id: String,
    pub secret_access_key: secrecy::SecretString,
}

impl Default for SafeConfig {
    fn default() -> Self {
        Self {
            key: None,
            previous_key: None,
            document_limit: 20 * 1_000_000,
            quota: 500 * 1_000_000,
            s3: None,
        }
    }
}

/// How the neighbours' map is drawn and how much it may show.
#[derive(Debug, Clone)]
pub struct MapConfig {
    /// Tile address template (`https://tiles.example/{z}/{x}/{y}.png`);
    /// `None` draws the areas on a plain background.
    pub tile_url: Option<String>,
    /// The credit the tile provider asks for, shown on the map.
    pub tile_attribution: String,
    /// People an area must hold before it is shown on its own (k).
    pub min_people: u32,
    /// Seconds the per-area counts stay in memory (0: always read).
    pub cache_secs: u64,
}

impl Default for MapConfig {
    fn default() -> Self {
        Self {
            tile_url: None,
            tile_attribution: String::new(),
            min_people: entraide_core::map::DEFAULT_MIN_PEOPLE,
            cache_secs: 60,
        }
    }
}

impl MapConfig {
    /// The origin the tiles come from, for the page's CSP.
    pub fn tile_origin(&self) -> Option<String> {
        let url = url::Url::parse(&self.tile_url.as_ref()?.replace(['{', '}'], "")).ok()?;
        Some(url.origin().ascii_serialization())
    }
}

impl WebConfig {
    /// Cookies get the `Secure` flag when the public address is HTTPS.
    pub fn secure_cookies(&self) -> bool {
        self.base_url.scheme() == "https"
    }

    /// An absolute link to `path` on this instance.
    pub fn link(&self, path: &str) -> String {
        format!("{}{}", self.base_url.as_str().trim_end_matches('/'), path)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpSecurity {
    /// Plain connection: only for a relay on the same machine or in tests.
    None,
    Starttls,
    Tls,
}

#[derive(Debug, Clone)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    pub username: Option<String>,
    pub password: Option<SecretString>,
    pub from: String,
}
