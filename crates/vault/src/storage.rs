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
        let store = LocalFileSystem::new_with_prefix(dir)?
            .with_automatic_cleanup(true)
            // Acknowledged means durable: each document and its folder entry
            // reach the disk before the upload is answered.
            .with_fsync(true);
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

/// Where an S3-compatible bucket is.
#[cfg(feature = "s3")]
#[derive(Debug, Clone)]
pub struct S3Settings {
    pub bucket: String,
    /// For services other than AWS (MinIO, Garage…): their address.
    pub endpoint: Option<String>,
    pub region: String,
    pub access_key_id: String,
    pub secret_access_key: String,
}

#[cfg(feature = "s3")]
impl Vault {
    /// A vault in an S3-compatible bucket.
    pub fn s3(settings: &S3Settings) -> Result<Self, VaultError> {
        let mut builder = object_store::aws::AmazonS3Builder::new()
            .with_bucket_name(&settings.bucket)
            .with_region(&settings.region)
            .with_access_key_id(&settings.access_key_id)
            .with_secret_access_key(&settings.secret_access_key)
            // A few quick retries: a person waiting on a page should hear
            // within seconds that storage is unreachable, not minutes later.
            .with_retry(object_store::RetryConfig {
                max_retries: 3,
                retry_timeout: std::time::Duration::from_secs(10),
                ..Default::default()
            });
        if let Some(endpoint) = &settings.endpoint {
            builder = builder
                .with_endpoint(endpoint)
                .with_allow_http(endpoint.starts_with("http://"))
                .with_virtual_hosted_style_request(false);
        }
        Ok(Self::new(Arc::new(builder.build()?)))
    }
}
