//! Settings: defaults, then an optional TOML file, then the environment
//! (`ENTRAIDE_*`). Secrets are held as `SecretString` and never printed.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use entraide_web::config::MapConfig;
use entraide_web::sms::SmsConfig;
use entraide_web::{SmtpConfig, SmtpSecurity, WebConfig};
use secrecy::SecretString;
use serde::Deserialize;
use url::Url;

/// The settings file: every key optional.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileSettings {
    pub database_url: Option<String>,
    pub database_pool: Option<u32>,
    pub bind: Option<String>,
    pub data_dir: Option<PathBuf>,
    pub base_url: Option<String>,
    pub geocoder_url: Option<String>,
    pub deletion_grace_days: Option<i64>,
    pub trusted_proxies: Option<Vec<String>>,
    /// Largest document the safe accepts, in MB.
    pub document_limit_mb: Option<u64>,
    /// What one person may keep in the safe, in MB.
    pub safe_quota_mb: Option<u64>,
    pub tile_url: Option<String>,
    pub tile_attribution: Option<String>,
    pub map_min_people: Option<u32>,
    /// Seconds a client has to send a request's headers.
    pub header_timeout_secs: Option<u64>,
    /// Seconds an ordinary request may take, body included.
    pub request_timeout_secs: Option<u64>,
    /// Seconds a worker holds a job before another node may take it over.
    pub job_lease_secs: Option<u64>,
    pub smtp: Option<FileSmtp>,
    pub sms: Option<FileSms>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileSms {
    pub url: Option<String>,
    pub account_sid: Option<String>,
    pub auth_token: Option<SecretString>,
    pub from: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileSmtp {
    pub host: Option<String>,
    pub port: Option<u16>,
    pub security: Option<SmtpSecurity>,
    pub username: Option<String>,
    pub password: Option<SecretString>,
    pub from: Option<String>,
}

/// Deliberately not `Debug`: the database URL may hold a password.
pub struct Settings {
    pub database_url: String,
    /// Connections in the pool; `None` lets the store choose for the backend.
    pub database_pool: Option<u32>,
    pub bind: SocketAddr,
    pub web: WebConfig,
}

/// The BAN address API, France's national address base.
pub const DEFAULT_GEOCODER: &str = "https://api-adresse.data.gouv.fr/";

impl Settings {
    /// Builds the settings from the file (if any) and `env` (a lookup, so tests can pass their own).
    pub fn load(
        file: Option<&std::path::Path>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, String> {
        let from_file: FileSettings = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| {
                    format!("cannot read the settings file {}: {e}", path.display())
                })?;
                toml::from_str(&text).map_err(|e| {
                    format!(
                        "the settings file {} is not valid: {}",
                        path.display(),
                        e.message()
                    )
                })?
            }
            None => FileSettings::default(),
        };
        let get = |name: &str| env(&format!("ENTRAIDE_{name}")).filter(|v| !v.trim().is_empty());
        let data_dir = get("DATA_DIR")
            .map(PathBuf::from)
            .or(from_file.data_dir)
            .unwrap_or_else(|| PathBuf::from("data"));
        let database_url = get("DATABASE_URL")
            .or(from_file.database_url)
            .unwrap_or_else(|| format!("sqlite://{}", data_dir.join("entraide.db").display()));
        let database_pool = match get("DATABASE_POOL") {
            Some(text) => Some(
                text.parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or("ENTRAIDE_DATABASE_POOL must be a positive number")?,
            ),
            None => from_file.database_pool,
        };
        let bind_text = get("BIND")
            .or(from_file.bind)
            .unwrap_or_else(|| "127.0.0.1:8080".to_owned());
        let bind: SocketAddr = bind_text
            .parse()
            .map_err(|_| format!("ENTRAIDE_BIND is not an address and port: {bind_text}"))?;
        let base_text = get("BASE_URL")
            .or(from_file.base_url)
            .unwrap_or_else(|| format!("http://{bind}"));
        let base_url = Url::parse(&base_text)
            .map_err(|e| format!("ENTRAIDE_BASE_URL is not a valid URL ({e}): {base_text}"))?;
        let geocoder_text = match env("ENTRAIDE_GEOCODER_URL") {
            Some(value) => value,
            None => from_file
                .geocoder_url
                .unwrap_or_else(|| DEFAULT_GEOCODER.to_owned()),
        };
        let geocoder_url = match geocoder_text.trim() {
            "" => None,
            text => Some(
                Url::parse(text)
                    .map_err(|e| format!("ENTRAIDE_GEOCODER_URL is not a valid URL ({e})"))?,
            ),
        };
        let grace = match get("DELETION_GRACE_DAYS") {
            Some(text) => text
                .parse()
                .map_err(|_| "ENTRAIDE_DELETION_GRACE_DAYS must be a number of days".to_owned())?,
            None => from_file.deletion_grace_days.unwrap_or(30),
        };
        let proxies: Vec<String> = match get("TRUSTED_PROXIES") {
            Some(text) => text
                .split(',')
                .map(|p| p.trim().to_owned())
                .filter(|p| !p.is_empty())
                .collect(),
            None => from_file.trusted_proxies.unwrap_or_default(),
        };
        let trusted_proxies = proxies
            .iter()
            .map(|p| {
                p.parse().map_err(|_| {
                    format!(
                        "ENTRAIDE_TRUSTED_PROXIES holds something that is not an IP address: {p}"
                    )
                })
            })
            .collect::<Result<Vec<std::net::IpAddr>, String>>()?;
        let megabytes = |name: &str, file: Option<u64>, default: u64| -> Result<u64, String> {
            let value = match get(name) {
                Some(text) => text
                    .parse::<u64>()
                    .map_err(|_| format!("ENTRAIDE_{name} must be a whole number of megabytes"))?,
                None => file.unwrap_or(default),
            };
            if value == 0 {
                return Err(format!("ENTRAIDE_{name} must be at least 1"));
            }
            Ok(value * 1_000_000)
        };
        let safe = entraide_web::config::SafeConfig {
            key: get("VAULT_KEY").map(SecretString::from),
            previous_key: get("VAULT_PREVIOUS_KEY").map(SecretString::from),
            document_limit: megabytes("DOCUMENT_LIMIT_MB", from_file.document_limit_mb, 20)?,
            quota: megabytes("SAFE_QUOTA_MB", from_file.safe_quota_mb, 500)?,
            s3: s3_settings(&get)?,
        };
        let map = map_settings(
            (
                from_file.tile_url,
                from_file.tile_attribution,
                from_file.map_min_people,
            ),
            &get,
        )?;
        let seconds =
            |name: &str, file: Option<u64>, default: Duration| -> Result<Duration, String> {
                match get(name) {
                    Some(text) => text
                        .parse::<u64>()
                        .ok()
                        .filter(|n| *n > 0)
                        .map(Duration::from_secs)
                        .ok_or_else(|| {
                            format!("ENTRAIDE_{name} must be a whole number of seconds, at least 1")
                        }),
                    None => Ok(file.map_or(default, Duration::from_secs)),
                }
            };
        let job_lease = seconds(
            "JOB_LEASE_SECS",
            from_file.job_lease_secs,
            Duration::from_secs(entraide_web::jobs::LEASE.unsigned_abs()),
        )?;
        let job_lease = i64::try_from(job_lease.as_secs()).unwrap_or(i64::MAX);
        let standard = entraide_web::server::Timeouts::default();
        let timeouts = entraide_web::server::Timeouts {
            headers: seconds(
                "HEADER_TIMEOUT_SECS",
                from_file.header_timeout_secs,
                standard.headers,
            )?,
            request: seconds(
                "REQUEST_TIMEOUT_SECS",
                from_file.request_timeout_secs,
                standard.request,
            )?,
            upload: standard.upload,
        };
        let smtp = smtp_settings(from_file.smtp.unwrap_or_default(), &get)?;
        let sms = sms_settings(from_file.sms.unwrap_or_default(), &get)?;
        Ok(Self {
            database_url,
            database_pool,
            bind,
            web: WebConfig {
                base_url,
                data_dir,
                smtp,
                sms,
                geocoder_url,
                deletion_grace_days: grace.max(0),
                trusted_proxies,
                timeouts,
                job_lease_secs: job_lease,
                safe,
                map,
            },
        })
    }
}

/// The map's tiles (none by default: a plain background, nothing fetched
/// from elsewhere) and the k of its k-anonymity.
fn map_settings(
    (url, attribution, min_people): (Option<String>, Option<String>, Option<u32>),
    get: &impl Fn(&str) -> Option<String>,
) -> Result<MapConfig, String> {
    let tile_url = get("TILE_URL").or(url).filter(|u| !u.trim().is_empty());
    if let Some(template) = &tile_url {
        let parsed = Url::parse(&template.replace(['{', '}'], ""))
            .map_err(|e| format!("ENTRAIDE_TILE_URL is not a valid address ({e})"))?;
        let placeholders = ["{z}", "{x}", "{y}"].iter().all(|p| template.contains(p));
        if !matches!(parsed.scheme(), "http" | "https") || !placeholders {
            return Err(
                "ENTRAIDE_TILE_URL must be an http(s) address with {z}, {x} and {y}".into(),
            );
        }
    }
    let min_people = match get("MAP_MIN_PEOPLE") {
        Some(text) => text
            .parse::<u32>()
            .ok()
            .filter(|k| *k >= 2)
            .ok_or("ENTRAIDE_MAP_MIN_PEOPLE must be a number of at least 2")?,
        None => min_people.unwrap_or(entraide_core::map::DEFAULT_MIN_PEOPLE),
    };
    Ok(MapConfig {
        tile_url,
        tile_attribution: get("TILE_ATTRIBUTION").or(attribution).unwrap_or_default(),
        min_people,
        ..MapConfig::default()
    })
}

fn smtp_settings(
    file: FileSmtp,
    get: &impl Fn(&str) -> Option<String>,
) -> Result<Option<SmtpConfig>, String> {
    let Some(host) = get("SMTP_HOST").or(file.host) else {
        return Ok(None);
    };
    let port = match get("SMTP_PORT") {
        Some(text) => text
            .parse()
            .map_err(|_| "ENTRAIDE_SMTP_PORT must be a port number".to_owned())?,
        None => file.port.unwrap_or(587),
    };
    let security = match get("SMTP_SECURITY").as_deref() {
        Some("none") => SmtpSecurity::None,
        Some("starttls") => SmtpSecurity::Starttls,
        Some("tls") => SmtpSecurity::Tls,
        Some(other) => {
            return Err(format!(
                "ENTRAIDE_SMTP_SECURITY must be none, starttls or tls, not {other}"
            ));
        }
        None => file.security.unwrap_or(SmtpSecurity::Starttls),
    };
    let from = get("SMTP_FROM")
        .or(file.from)
        .unwrap_or_else(|| format!("Entraide <no-reply@{host}>"));
    Ok(Some(SmtpConfig {
        host,
        port,
        security,
        username: get("SMTP_USERNAME").or(file.username),
        password: get("SMTP_PASSWORD")
            .map(SecretString::from)
            .or(file.password),
        from,
    }))
}

/// Text messages are on when an account id is given; the provider's
/// address defaults to Twilio's.
fn sms_settings(
    file: FileSms,
    get: &impl Fn(&str) -> Option<String>,
) -> Result<Option<SmsConfig>, String> {
    let Some(account_sid) = get("SMS_ACCOUNT_SID").or(file.account_sid) else {
        return Ok(None);
    };
    let url = get("SMS_URL")
        .or(file.url)
        .unwrap_or_else(|| "https://api.twilio.com".to_owned());
    let url = url::Url::parse(&url)
        .map_err(|e| format!("ENTRAIDE_SMS_URL is not a valid address: {e}"))?;
    let auth_token = get("SMS_AUTH_TOKEN")
        .map(SecretString::from)
        .or(file.auth_token)
        .ok_or("ENTRAIDE_SMS_AUTH_TOKEN is required with ENTRAIDE_SMS_ACCOUNT_SID")?;
    let from = get("SMS_FROM")
        .or(file.from)
        .ok_or("ENTRAIDE_SMS_FROM (a sending number or messaging service) is required with ENTRAIDE_SMS_ACCOUNT_SID")?;
    Ok(Some(SmsConfig {
        url,
        account_sid,
        auth_token,
        from,
    }))
}

/// The safe's S3 bucket, when `ENTRAIDE_S3_BUCKET` is set.
fn s3_settings(
    get: &impl Fn(&str) -> Option<String>,
) -> Result<Option<entraide_web::config::S3Config>, String> {
    let Some(bucket) = get("S3_BUCKET") else {
        return Ok(None);
    };
    let needed = |name: &str| {
        get(name).ok_or_else(|| format!("ENTRAIDE_{name} is needed with ENTRAIDE_S3_BUCKET"))
    };
    Ok(Some(entraide_web::config::S3Config {
        bucket,
        endpoint: get("S3_ENDPOINT"),
        region: get("S3_REGION").unwrap_or_else(|| "eu-west-3".to_owned()),
        access_key_id: needed("S3_ACCESS_KEY_ID")?,
        secret_access_key: SecretString::from(needed("S3_SECRET_ACCESS_KEY")?),
    }))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn defaults_need_nothing() -> Result<(), String> {
        let s = Settings::load(None, env(&[]))?;
        assert_eq!(s.database_url, "sqlite://data/entraide.db");
        assert_eq!(s.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(s.web.base_url.as_str(), "http://127.0.0.1:8080/");
        assert!(s.web.smtp.is_none());
        Ok(())
    }

    #[test]
    fn environment_beats_file_beats_defaults() -> Result<(), String> {
        let path =
            std::env::temp_dir().join(format!("entraide-settings-{}.toml", std::process::id()));
        std::fs::write(&path, "bind = \"0.0.0.0:9000\"\ndatabase_url = \"sqlite://file.db\"\n[smtp]\nhost = \"mail.example.org\"\npassword = \"hunter22\"\n")
            .map_err(|e| e.to_string())?;
        let s = Settings::load(
            Some(&path),
            env(&[
                ("ENTRAIDE_DATABASE_URL", "postgres://u@h/db"),
                ("ENTRAIDE_SMTP_PORT", "2525"),
            ]),
        )?;
        assert_eq!(s.database_url, "postgres://u@h/db");
        assert_eq!(s.bind.port(), 9000);
        let smtp = s.web.smtp.ok_or("smtp")?;
        assert_eq!((smtp.host.as_str(), smtp.port), ("mail.example.org", 2525));
        assert!(
            !format!("{:?}", smtp.password).contains("hunter22"),
            "secrets never print"
        );
        let _ = std::fs::remove_file(path);
        Ok(())
    }

    #[test]
    fn bad_values_give_one_sentence() {
        let err = Settings::load(None, env(&[("ENTRAIDE_BIND", "nowhere")]))
            .err()
            .unwrap_or_default();
        assert!(err.contains("ENTRAIDE_BIND"), "{err}");
        for bad in ["0", "soon", "-3"] {
            let err = Settings::load(None, env(&[("ENTRAIDE_HEADER_TIMEOUT_SECS", bad)]))
                .err()
                .unwrap_or_default();
            assert!(err.contains("ENTRAIDE_HEADER_TIMEOUT_SECS"), "{err}");
        }
        let err = Settings::load(None, env(&[("ENTRAIDE_BASE_URL", "not a url")]))
            .err()
            .unwrap_or_default();
        assert!(err.contains("ENTRAIDE_BASE_URL"), "{err}");
    }

    #[test]
    fn map_tiles_are_optional_and_checked() -> Result<(), String> {
        let none = Settings::load(None, env(&[]))?;
        assert!(none.web.map.tile_url.is_none());
        assert_eq!(none.web.map.min_people, 5);
        let tiles = Settings::load(
            None,
            env(&[
                (
                    "ENTRAIDE_TILE_URL",
                    "https://tiles.example.org/{z}/{x}/{y}.png",
                ),
                ("ENTRAIDE_TILE_ATTRIBUTION", "© contributors"),
                ("ENTRAIDE_MAP_MIN_PEOPLE", "8"),
            ]),
        )?;
        assert_eq!(
            tiles.web.map.tile_origin().as_deref(),
            Some("https://tiles.example.org")
        );
        assert_eq!(tiles.web.map.min_people, 8);
        for bad in [
            ("ENTRAIDE_TILE_URL", "https://tiles.example.org/tile.png"),
            ("ENTRAIDE_MAP_MIN_PEOPLE", "1"),
        ] {
            let err = Settings::load(None, env(&[bad])).err().unwrap_or_default();
            assert!(err.contains(bad.0), "{err}");
        }
        Ok(())
    }

    #[test]
    fn sms_needs_its_token_and_sender() -> Result<(), String> {
        let none = Settings::load(None, env(&[]))?;
        assert!(none.web.sms.is_none());
        let partial = Settings::load(None, env(&[("ENTRAIDE_SMS_ACCOUNT_SID", "AC1")]))
            .err()
            .unwrap_or_default();
        assert!(partial.contains("ENTRAIDE_SMS_AUTH_TOKEN"), "{partial}");
        let full = Settings::load(
            None,
            env(&[
                ("ENTRAIDE_SMS_ACCOUNT_SID", "AC1"),
                ("ENTRAIDE_SMS_AUTH_TOKEN", "tok-secret"),
                ("ENTRAIDE_SMS_FROM", "+33700000000"),
            ]),
        )?;
        let sms = full.web.sms.ok_or("sms")?;
        assert_eq!(sms.url.as_str(), "https://api.twilio.com/");
        assert!(!format!("{:?}", sms.auth_token).contains("tok-secret"));
        Ok(())
    }
}
