//! Envelope encryption and object storage for what people keep in their
//! safe (documents, voice recordings): each owner has a data key, kept
//! only wrapped by the server key; every object is sealed with its
//! owner's data key (XChaCha20-Poly1305) before it reaches storage, bound
//! to its name so a swapped or altered object is refused. No plaintext is
//! ever written to disk.

mod keys;
mod seal;
mod storage;

pub use keys::{DataKey, KeyRing, ServerKey, WrappedKey};
pub use seal::{open, seal};
#[cfg(feature = "s3")]
pub use storage::S3Settings;
pub use storage::Vault;

/// What can go wrong in the vault.
#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    /// A server key that is not 32 bytes of base64.
    #[error("the vault key is not valid: {0}")]
    BadKey(&'static str),
    /// A wrapped key made by a server key this ring does not hold.
    #[error("no vault key with id {0} is loaded")]
    UnknownKey(String),
    /// Authentication failed: altered, truncated, or sealed for another name or key.
    #[error("the sealed data was altered or does not belong here")]
    Tampered,
    #[error("too large to seal")]
    TooLarge,
    #[error("no such object")]
    NotFound,
    #[error("object storage: {0}")]
    Storage(#[source] object_store::Error),
    #[error("vault key file: {0}")]
    Io(#[from] std::io::Error),
}

impl From<object_store::Error> for VaultError {
    fn from(error: object_store::Error) -> Self {
        match error {
            object_store::Error::NotFound { .. } => Self::NotFound,
            other => Self::Storage(other),
        }
    }
}
