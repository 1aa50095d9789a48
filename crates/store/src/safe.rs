//! The digital safe in the database: each owner's wrapped data key,
//! folders, and documents (sealed metadata, plaintext size for quotas,
//! the name of the sealed object in storage, an optional expiry).

use serde::Serialize;

use crate::{Db, Listing, Page, StoreError, now};

/// A document as stored; `meta` is sealed with the owner's data key.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StoredDocument {
    pub id: i64,
    pub owner_id: i64,
    pub folder_id: Option<i64>,
    pub doc_type: String,
    pub meta: String,
    pub size: i64,
    pub object: String,
    pub expires_on: Option<String>,
    pub uploaded_by: Option<i64>,
    pub uploaded_by_name: Option<String>,
    pub created_at: i64,
}

/// A folder as stored; `name` is sealed.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct StoredFolder {
    pub id: i64,
    pub name: String,
}

/// A document to record once its object is stored.
#[derive(Debug, Clone)]
pub struct NewDocument<'a> {
    pub owner: i64,
    pub folder: Option<i64>,
    pub doc_type: &'a str,
    pub meta: &'a str,
    pub size: i64,
    pub object: &'a str,
    pub expires_on: Option<&'a str>,
    pub uploaded_by: i64,
    /// The owner's quota, in bytes.
    pub quota: i64,
}

/// A document whose expiry is near, for the reminder.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Expiring {
    pub id: i64,
    pub owner_id: i64,
    pub doc_type: String,
    pub expires_on: String,
}

const DOCUMENT_SELECT: &str = "SELECT d.id, d.owner_id, d.folder_id, d.doc_type, d.meta, d.size, \
     d.object, d.expires_on, d.uploaded_by, u.display_name AS uploaded_by_name, d.created_at \
     FROM documents d LEFT JOIN users u ON u.id = d.uploaded_by";

impl Db {
    /// The owner's wrapped data key: (server key id, base64).
    pub async fn vault_key(&self, owner: i64) -> Result<Option<(String, String)>, StoreError> {
        Ok(
            sqlx::query_as("SELECT key_id, wrapped FROM vault_keys WHERE user_id = $1")
                .bind(owner)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// Keeps a new wrapped data key unless one exists (two first uploads
    /// at once); returns the key that won.
    pub async fn keep_vault_key(
        &self,
        owner: i64,
        key_id: &str,
        wrapped: &str,
    ) -> Result<(String, String), StoreError> {
        sqlx::query(
            "INSERT INTO vault_keys (user_id, key_id, wrapped, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (user_id) DO NOTHING",
        )
        .bind(owner)
        .bind(key_id)
        .bind(wrapped)
        .bind(now())
        .execute(&self.pool)
        .await?;
        self.vault_key(owner).await?.ok_or(StoreError::NotFound)
    }

    /// Wrapped keys after `after` (by owner id), for a key rotation.
    pub async fn vault_keys_after(
        &self,
        after: i64,
        limit: i64,
    ) -> Result<Vec<(i64, String, String)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT user_id, key_id, wrapped FROM vault_keys WHERE user_id > $1 ORDER BY user_id LIMIT $2",
        )
        .bind(after)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Replaces a wrapped key, only if it is still the one that was read.
    pub async fn rewrap_vault_key(
        &self,
        owner: i64,
        old_key_id: &str,
        key_id: &str,
        wrapped: &str,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE vault_keys SET key_id = $1, wrapped = $2 WHERE user_id = $3 AND key_id = $4",
        )
        .bind(key_id)
        .bind(wrapped)
        .bind(owner)
        .bind(old_key_id)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Records a document within the owner's quota; `None` when it would
    /// go over.
    pub async fn add_document(&self, new: &NewDocument<'_>) -> Result<Option<i64>, StoreError> {
        Ok(sqlx::query_scalar(
            "INSERT INTO documents (owner_id, folder_id, doc_type, meta, size, object, expires_on, \
             uploaded_by, created_at) \
             SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9 WHERE \
             (SELECT CAST(COALESCE(SUM(size), 0) AS BIGINT) FROM documents WHERE owner_id = $1) + $5 <= $10 \
             RETURNING id",
        )
        .bind(new.owner)
        .bind(new.folder)
        .bind(new.doc_type)
        .bind(new.meta)
        .bind(new.size)
        .bind(new.object)
        .bind(new.expires_on)
        .bind(new.uploaded_by)
        .bind(now())
        .bind(new.quota)
        .fetch_optional(&self.pool)
        .await?)
    }

    pub async fn document(&self, id: i64) -> Result<StoredDocument, StoreError> {
        let sql = format!("{DOCUMENT_SELECT} WHERE d.id = $1");
        sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// An owner's documents, newest first, in one folder or all.
    pub async fn documents_of(
        &self,
        owner: i64,
        folder: Option<i64>,
        page: Page,
    ) -> Result<Listing<StoredDocument>, StoreError> {
        let sql = format!(
            "{DOCUMENT_SELECT} WHERE d.owner_id = $1 AND ($2 = 0 OR d.folder_id = $2) \
             ORDER BY d.id DESC LIMIT $3 OFFSET $4"
        );
        let rows = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(owner)
            .bind(folder.unwrap_or(0))
            .bind(page.limit())
            .bind(page.offset())
            .fetch_all(&self.pool)
            .await?;
        Ok(Listing::cut(rows, page))
    }

    /// Bytes an owner keeps in the safe.
    pub async fn safe_usage(&self, owner: i64) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT CAST(COALESCE(SUM(size), 0) AS BIGINT) FROM documents WHERE owner_id = $1",
        )
        .bind(owner)
        .fetch_one(&self.pool)
        .await?)
    }

    /// Deletes a document's row; returns its object's name, to delete next.
    pub async fn delete_document(&self, id: i64) -> Result<String, StoreError> {
        sqlx::query_scalar("DELETE FROM documents WHERE id = $1 RETURNING object")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// Every object name of an owner, to erase them with the account.
    pub async fn objects_of(&self, owner: i64) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT object FROM documents WHERE owner_id = $1 UNION ALL \
                 SELECT object FROM voice_messages WHERE owner_id = $1 AND object IS NOT NULL",
        )
        .bind(owner)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The sealed objects of accounts whose grace period ended before
    /// `cutoff`: (owner, object), to remove from storage once erased.
    pub async fn sealed_objects_due(&self, cutoff: i64) -> Result<Vec<(i64, String)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT d.owner_id, d.object FROM documents d JOIN users u ON u.id = d.owner_id \
             WHERE u.deletion_requested_at IS NOT NULL AND u.deletion_requested_at < $1 \
             UNION ALL SELECT m.owner_id, m.object FROM voice_messages m \
             JOIN users u ON u.id = m.owner_id WHERE m.object IS NOT NULL \
             AND u.deletion_requested_at IS NOT NULL AND u.deletion_requested_at < $1",
        )
        .bind(cutoff)
        .fetch_all(&self.pool)
        .await?)
    }

    pub async fn add_folder(&self, owner: i64, sealed_name: &str) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "INSERT INTO safe_folders (owner_id, name, created_at) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(owner)
        .bind(sealed_name)
        .bind(now())
        .fetch_one(&self.pool)
        .await?)
    }

    pub async fn folders_of(&self, owner: i64) -> Result<Vec<StoredFolder>, StoreError> {
        Ok(
            sqlx::query_as("SELECT id, name FROM safe_folders WHERE owner_id = $1 ORDER BY id")
                .bind(owner)
                .fetch_all(&self.pool)
                .await?,
        )
    }

    /// Deletes a folder of `owner`; its documents stay, outside any folder.
    pub async fn delete_folder(&self, owner: i64, id: i64) -> Result<(), StoreError> {
        let done = sqlx::query("DELETE FROM safe_folders WHERE id = $1 AND owner_id = $2")
            .bind(id)
            .bind(owner)
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// Documents expiring on or before `day` (`YYYY-MM-DD`) not yet reminded.
    pub async fn documents_expiring(&self, day: &str) -> Result<Vec<Expiring>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT id, owner_id, doc_type, expires_on FROM documents \
             WHERE expires_on IS NOT NULL AND expires_on <= $1 AND reminded_at IS NULL ORDER BY id LIMIT 500",
        )
        .bind(day)
        .fetch_all(&self.pool)
        .await?)
    }

    pub async fn mark_reminded(&self, id: i64) -> Result<(), StoreError> {
        sqlx::query("UPDATE documents SET reminded_at = $1 WHERE id = $2")
            .bind(now())
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
