//! The safe's keys: the server key ring (from the settings or the key file
//! in the data folder), each owner's data key (made on first use, kept
//! wrapped), and sealing the small texts kept in the database.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use entraide_vault::{DataKey, KeyRing, ServerKey, Vault, VaultError, WrappedKey};
use secrecy::ExposeSecret as _;

use crate::config::WebConfig;
use crate::error::AppError;
use crate::state::AppState;

/// The opened safe: storage and the server key ring.
#[derive(Debug)]
pub struct Safe {
    pub vault: Vault,
    pub ring: KeyRing,
}

impl Safe {
    /// Opens the key ring and the storage folder; a bad key or an
    /// unreadable folder is one clear sentence.
    pub fn open(config: &WebConfig) -> Result<Self, String> {
        let key_file = config.data_dir.join("vault.key");
        if config.safe.s3.is_some() && config.safe.key.is_none() {
            // Several nodes share a bucket; a key file of their own each
            // would wrap data keys that the other nodes cannot open.
            return Err(
                "with the safe in an S3 bucket, set ENTRAIDE_VAULT_KEY so that every node holds the same key"
                    .to_owned(),
            );
        }
        let current = match &config.safe.key {
            Some(text) => ServerKey::from_base64(text.expose_secret())
                .map_err(|e| format!("ENTRAIDE_VAULT_KEY: {e}"))?,
            None => ServerKey::load_or_create(&key_file)
                .map_err(|e| format!("{}: {e}", key_file.display()))?,
        };
        let mut ring = KeyRing::new(current);
        if let Some(text) = &config.safe.previous_key {
            ring = ring.with_previous(
                ServerKey::from_base64(text.expose_secret())
                    .map_err(|e| format!("ENTRAIDE_VAULT_PREVIOUS_KEY: {e}"))?,
            );
        }
        let previous_file = config.data_dir.join("vault.key.previous");
        if let Ok(text) = std::fs::read_to_string(&previous_file) {
            ring = ring.with_previous(
                ServerKey::from_base64(&text)
                    .map_err(|e| format!("{}: {e}", previous_file.display()))?,
            );
        }
        let folder = config.data_dir.join("safe");
        let vault = Vault::local(&folder).map_err(|e| format!("{}: {e}", folder.display()))?;
        Ok(Self { vault, ring })
    }
}

impl From<VaultError> for AppError {
    fn from(error: VaultError) -> Self {
        match error {
            VaultError::NotFound => Self::NotFound,
            // The disk or the bucket is not answering: nothing was stored.
            VaultError::Storage(error) => Self::Unavailable(format!("object storage: {error}")),
            other => Self::Internal(other.to_string()),
        }
    }
}

impl AppState {
    /// The safe, opened on first use.
    pub async fn safe(&self) -> Result<&Safe, AppError> {
        self.safe
            .get_or_try_init(|| async { Safe::open(&self.config).map_err(AppError::Internal) })
            .await
    }
}

/// `owner`'s data key, made and kept (wrapped) on first use.
pub async fn data_key(state: &AppState, owner: i64) -> Result<DataKey, AppError> {
    let safe = state.safe().await?;
    let bound = owner.to_string();
    let (key_id, wrapped) = match state.db.vault_key(owner).await? {
        Some(found) => found,
        None => {
            let fresh = safe.ring.wrap(&DataKey::generate(), &bound)?;
            state
                .db
                .keep_vault_key(owner, &fresh.key_id, &STANDARD.encode(&fresh.bytes))
                .await?
        }
    };
    let bytes = STANDARD
        .decode(wrapped)
        .map_err(|_| AppError::Internal("a wrapped key is not base64".into()))?;
    Ok(safe.ring.unwrap(&WrappedKey { key_id, bytes }, &bound)?)
}

/// Seals a text for the database, bound to `aad`; base64.
pub fn seal_text(key: &DataKey, aad: &str, text: &str) -> Result<String, AppError> {
    Ok(STANDARD.encode(key.seal(aad.as_bytes(), text.as_bytes())?))
}

/// Opens what [`seal_text`] sealed.
pub fn open_text(key: &DataKey, aad: &str, sealed: &str) -> Result<String, AppError> {
    let bytes = STANDARD
        .decode(sealed)
        .map_err(|_| AppError::Internal("a sealed text is not base64".into()))?;
    String::from_utf8(key.open(aad.as_bytes(), &bytes)?)
        .map_err(|_| AppError::Internal("a sealed text is not UTF-8".into()))
}

/// What a rotation did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rotation {
    pub rewrapped: u64,
}

/// Rewraps every owner's data key with the ring's current server key
/// (documents are untouched: their data keys do not change). A row is
/// replaced only if it still holds what was read, so running it twice, or
/// after an interruption, is safe.
pub async fn rewrap_all(db: &entraide_store::Db, ring: &KeyRing) -> Result<Rotation, AppError> {
    let mut after = 0;
    let mut rewrapped = 0;
    loop {
        let batch = db.vault_keys_after(after, 500).await?;
        let Some(last) = batch.last() else {
            rewrapped += rewrap_telephony(db, ring).await?;
            return Ok(Rotation { rewrapped });
        };
        after = last.0;
        for (owner, key_id, wrapped) in batch {
            let Some((new_id, encoded)) =
                rewrapped_key(ring, &key_id, &wrapped, &owner.to_string())?
            else {
                continue;
            };
            if db
                .rewrap_vault_key(owner, &key_id, &new_id, &encoded)
                .await?
            {
                rewrapped += 1;
            }
        }
    }
}

/// A wrapped key (base64) wrapped again with the ring's current key:
/// (its key id, base64); `None` when it already is.
fn rewrapped_key(
    ring: &KeyRing,
    key_id: &str,
    wrapped: &str,
    bound: &str,
) -> Result<Option<(String, String)>, AppError> {
    if key_id == ring.current().id() {
        return Ok(None);
    }
    let bytes = STANDARD
        .decode(wrapped)
        .map_err(|_| AppError::Internal("a wrapped key is not base64".into()))?;
    let fresh = ring.rewrap(
        &WrappedKey {
            key_id: key_id.to_owned(),
            bytes,
        },
        bound,
    )?;
    Ok(Some((fresh.key_id, STANDARD.encode(&fresh.bytes))))
}

/// Rewraps the organisations' telephony keys (they seal the provider's
/// token and key the voicemail PINs), like the owners' data keys.
async fn rewrap_telephony(db: &entraide_store::Db, ring: &KeyRing) -> Result<u64, AppError> {
    let mut rewrapped = 0;
    for (org, key_id, wrapped) in db.phone_provider_keys().await? {
        let bound = format!("telephony:{org}");
        let Some((new_id, encoded)) = rewrapped_key(ring, &key_id, &wrapped, &bound)? else {
            continue;
        };
        if db
            .rewrap_phone_provider_key(org, &key_id, &new_id, &encoded)
            .await?
        {
            rewrapped += 1;
        }
    }
    Ok(rewrapped)
}

/// Replaces the key file of the data folder with a new server key and
/// rewraps every data key; run while the servers are stopped. The old key
/// waits in `vault.key.previous` until every data key is rewrapped, so an
/// interrupted rotation resumes where it stopped when run again.
pub async fn rotate_key_file(
    db: &entraide_store::Db,
    data_dir: &std::path::Path,
) -> Result<Rotation, String> {
    let current = data_dir.join("vault.key");
    let previous = data_dir.join("vault.key.previous");
    if !previous.exists() {
        if !current.exists() {
            return Err(format!("no key file to rotate in {}", data_dir.display()));
        }
        std::fs::rename(&current, &previous).map_err(|e| format!("{}: {e}", previous.display()))?;
    }
    let read = |path: &std::path::Path| {
        std::fs::read_to_string(path)
            .map_err(|e| format!("{}: {e}", path.display()))
            .and_then(|text| ServerKey::from_base64(&text).map_err(|e| e.to_string()))
    };
    let old = read(&previous)?;
    // A new key, unless an interrupted rotation already wrote it.
    let new =
        ServerKey::load_or_create(&current).map_err(|e| format!("{}: {e}", current.display()))?;
    let ring = KeyRing::new(new).with_previous(old);
    let done = rewrap_all(db, &ring).await.map_err(|e| e.to_string())?;
    std::fs::remove_file(&previous).map_err(|e| format!("{}: {e}", previous.display()))?;
    Ok(done)
}
