//! Where sealed objects live: a local folder by default (object_store's
//! file system backend), or any object store given by the caller (S3 in
//! production). Objects are sealed before `put` and opened after `get`.

use std::sync::Arc;

use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt as _, PutPayload};

use crate::{DataKey, VaultError, open, seal};

/// Sealed objects in a store.
#[derive(Clone, Debug)]
pub struct Vault {
    store: Arc<dyn ObjectStore>,
}

impl Vault {
    pub fn new(store: Arc<dyn ObjectStore>) -> Self {
        Self { store }
    }

    /// A vault in a local folder, created if needed.
    pub fn local(dir: &std::path::Path) -> Result<Self, VaultError> {
        std::fs::create_dir_all(dir)?;
        let store = LocalFileSystem::new_with_prefix(dir)?.with_automatic_cleanup(true);
        Ok(Self::new(Arc::new(store)))
    }

    fn path(name: &str) -> Result<Path, VaultError> {
        Path::parse(name).map_err(|e| VaultError::Storage(e.into()))
    }

    /// Seals `plain` with the owner's key and stores it under `name`;
    /// returns the stored size.
    pub async fn put(&self, key: &DataKey, name: &str, plain: &[u8]) -> Result<u64, VaultError> {
        let sealed = seal(&key.0, name.as_bytes(), plain)?;
        let size = sealed.len() as u64;
        self.store
            .put(&Self::path(name)?, PutPayload::from(sealed))
            .await?;
        Ok(size)
    }

    /// Reads and opens the object `name`.
    pub async fn get(&self, key: &DataKey, name: &str) -> Result<Vec<u8>, VaultError> {
        let sealed = self.store.get(&Self::path(name)?).await?.bytes().await?;
        open(&key.0, name.as_bytes(), &sealed)
    }

    pub async fn delete(&self, name: &str) -> Result<(), VaultError> {
        match self.store.delete(&Self::path(name)?).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(other) => Err(other.into()),
        }
    }
}
