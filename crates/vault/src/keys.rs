//! The server key (from a file or the environment), owners' data keys,
//! and wrapping one with the other. A wrapped key names the server key
//! that wrapped it, so a ring holding the new and the old server keys can
//! rewrap every data key during a rotation without touching any document.

use std::io::Write as _;
use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use rand::RngCore as _;
use sha2::{Digest as _, Sha256};
use zeroize::Zeroizing;

use crate::VaultError;
use crate::seal::{open, seal};

/// A 32-byte key that wraps data keys. Never logged, never stored in the
/// database.
pub struct ServerKey {
    id: String,
    key: Zeroizing<[u8; 32]>,
}

impl std::fmt::Debug for ServerKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ServerKey({})", self.id)
    }
}

impl ServerKey {
    fn from_bytes(key: Zeroizing<[u8; 32]>) -> Self {
        // The id is a digest of the key: it names the key without revealing it.
        let digest = Sha256::digest(b"entraide-vault-key-id").to_vec();
        let mut hasher = Sha256::new();
        hasher.update(&digest);
        hasher.update(key.as_slice());
        let id = hasher.finalize()[..6]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        Self { id, key }
    }

    pub fn generate() -> Self {
        let mut key = Zeroizing::new([0_u8; 32]);
        rand::rngs::OsRng.fill_bytes(key.as_mut_slice());
        Self::from_bytes(key)
    }

    /// Reads 32 bytes written in base64 (surrounding spaces ignored).
    pub fn from_base64(text: &str) -> Result<Self, VaultError> {
        let decoded = Zeroizing::new(
            STANDARD
                .decode(text.trim())
                .map_err(|_| VaultError::BadKey("not base64"))?,
        );
        let bytes: [u8; 32] = decoded
            .as_slice()
            .try_into()
            .map_err(|_| VaultError::BadKey("not 32 bytes"))?;
        Ok(Self::from_bytes(Zeroizing::new(bytes)))
    }

    pub fn to_base64(&self) -> Zeroizing<String> {
        Zeroizing::new(STANDARD.encode(self.key.as_slice()))
    }

    /// Loads the key file, or creates it (readable by its owner only) with
    /// a new key when it does not exist yet.
    pub fn load_or_create(path: &Path) -> Result<Self, VaultError> {
        match std::fs::read_to_string(path) {
            Ok(text) => Self::from_base64(&Zeroizing::new(text)),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                let key = Self::generate();
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                let mut options = std::fs::OpenOptions::new();
                options.write(true).create_new(true);
                #[cfg(unix)]
                std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
                let mut file = options.open(path)?;
                file.write_all(key.to_base64().as_bytes())?;
                file.sync_all()?;
                Ok(key)
            }
            Err(error) => Err(error.into()),
        }
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// Wraps a data key for `owner` (the owner's id is bound to it, so a
    /// wrapped key copied to another owner's row does not open).
    pub fn wrap(&self, data: &DataKey, owner: &str) -> Result<WrappedKey, VaultError> {
        Ok(WrappedKey {
            key_id: self.id.clone(),
            bytes: seal(&self.key, owner.as_bytes(), data.0.as_slice())?,
        })
    }

    fn unwrap_key(&self, wrapped: &WrappedKey, owner: &str) -> Result<DataKey, VaultError> {
        let plain = Zeroizing::new(open(&self.key, owner.as_bytes(), &wrapped.bytes)?);
        let bytes: [u8; 32] = plain
            .as_slice()
            .try_into()
            .map_err(|_| VaultError::Tampered)?;
        Ok(DataKey(Zeroizing::new(bytes)))
    }
}

/// An owner's key for their objects; lives in memory only while used.
pub struct DataKey(pub(crate) Zeroizing<[u8; 32]>);

impl DataKey {
    pub fn generate() -> Self {
        let mut key = Zeroizing::new([0_u8; 32]);
        rand::rngs::OsRng.fill_bytes(key.as_mut_slice());
        Self(key)
    }

    /// Seals small things kept in the database (titles, notes), bound to `aad`.
    pub fn seal(&self, aad: &[u8], plain: &[u8]) -> Result<Vec<u8>, VaultError> {
        seal(&self.0, aad, plain)
    }

    pub fn open(&self, aad: &[u8], sealed: &[u8]) -> Result<Vec<u8>, VaultError> {
        open(&self.0, aad, sealed)
    }

    /// A keyed digest of `message` (HMAC-SHA-256), in hex: for secrets too
    /// short to hash on their own (a keypad PIN) and for links that must
    /// not be forged. Only a holder of the key can compute or check it.
    pub fn tag(&self, message: &[u8]) -> String {
        use hmac::{KeyInit as _, Mac as _};
        let Ok(mut mac) = hmac::Hmac::<sha2_11::Sha256>::new_from_slice(self.0.as_slice()) else {
            // HMAC takes keys of any length; this arm is never taken.
            return String::new();
        };
        mac.update(message);
        mac.finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

/// A data key as stored: sealed by the server key named `key_id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrappedKey {
    pub key_id: String,
    pub bytes: Vec<u8>,
}

/// The server key that wraps new data keys, and older ones still able to
/// unwrap what they wrapped (during a rotation).
#[derive(Debug)]
pub struct KeyRing {
    current: ServerKey,
    previous: Vec<ServerKey>,
}

impl KeyRing {
    pub fn new(current: ServerKey) -> Self {
        Self {
            current,
            previous: Vec::new(),
        }
    }

    pub fn with_previous(mut self, key: ServerKey) -> Self {
        self.previous.push(key);
        self
    }

    pub fn current(&self) -> &ServerKey {
        &self.current
    }

    pub fn wrap(&self, data: &DataKey, owner: &str) -> Result<WrappedKey, VaultError> {
        self.current.wrap(data, owner)
    }

    pub fn unwrap(&self, wrapped: &WrappedKey, owner: &str) -> Result<DataKey, VaultError> {
        std::iter::once(&self.current)
            .chain(&self.previous)
            .find(|k| k.id == wrapped.key_id)
            .ok_or_else(|| VaultError::UnknownKey(wrapped.key_id.clone()))?
            .unwrap_key(wrapped, owner)
    }

    /// The same data key wrapped by the current server key (a no-op copy
    /// when it already is).
    pub fn rewrap(&self, wrapped: &WrappedKey, owner: &str) -> Result<WrappedKey, VaultError> {
        if wrapped.key_id == self.current.id {
            return Ok(wrapped.clone());
        }
        self.wrap(&self.unwrap(wrapped, owner)?, owner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_depend_on_the_key_and_the_message() {
        let (a, b) = (DataKey::generate(), DataKey::generate());
        assert_eq!(a.tag(b"pin:1:0042"), a.tag(b"pin:1:0042"));
        assert_ne!(a.tag(b"pin:1:0042"), a.tag(b"pin:1:0043"));
        assert_ne!(a.tag(b"pin:1:0042"), b.tag(b"pin:1:0042"));
        assert_eq!(a.tag(b"").len(), 64);
    }
}
