//! Who may reach a person's safe: consent to be accompanied by an
//! organisation, ongoing shares with a worker or an organisation's staff,
//! one-off links to one document, and the log of every access, which the
//! owner reads.

use serde::Serialize;

use crate::{Db, Listing, Page, StoreError, now};

/// Roles whose holders a share with an organisation reaches.
const STAFF: &str = "('social_worker', 'coordinator', 'admin')";

/// An ongoing share, as the owner lists them.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct Share {
    pub id: i64,
    pub org_id: Option<i64>,
    pub org_name: Option<String>,
    pub user_id: Option<i64>,
    pub user_name: Option<String>,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

/// A consent to be accompanied.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct Accompaniment {
    pub org_id: i64,
    pub org_name: String,
    pub granted_at: i64,
    pub withdrawn_at: Option<i64>,
}

/// A one-off link as stored.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct Link {
    pub id: i64,
    pub document_id: i64,
    #[serde(skip)]
    pub code_hash: Option<String>,
    pub expires_at: i64,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
    pub uses: i64,
}

/// One line of a safe's access log.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct AccessLine {
    pub id: i64,
    pub document_id: Option<i64>,
    pub actor_name: Option<String>,
    pub via: String,
    pub action: String,
    pub detail: String,
    pub created_at: i64,
}

/// An access to record.
#[derive(Debug, Clone, Default)]
pub struct NewAccess<'a> {
    pub owner: i64,
    pub document: Option<i64>,
    pub actor: Option<i64>,
    pub via: &'a str,
    pub action: &'a str,
    pub detail: &'a str,
}

/// Records consent to be accompanied by `org`, and shares the safe with
/// its staff, inside the transaction that registers the person.
pub(crate) async fn consent_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    person: i64,
    org: i64,
    by: Option<i64>,
    at: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO accompaniments (person_id, org_id, granted_at) VALUES ($1, $2, $3) \
         ON CONFLICT (person_id, org_id) DO UPDATE SET granted_at = $3, withdrawn_at = NULL",
    )
    .bind(person)
    .bind(org)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "INSERT INTO safe_shares (owner_id, org_id, created_by, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(person)
    .bind(org)
    .bind(by)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

impl Db {
    /// Organisations the person consents to be accompanied by, now.
    pub async fn accompanying_orgs(&self, person: i64) -> Result<Vec<i64>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT org_id FROM accompaniments WHERE person_id = $1 AND withdrawn_at IS NULL ORDER BY org_id",
        )
        .bind(person)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Every consent, given or withdrawn, for the person's page.
    pub async fn accompaniments_of(&self, person: i64) -> Result<Vec<Accompaniment>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT a.org_id, o.name AS org_name, a.granted_at, a.withdrawn_at FROM accompaniments a \
             JOIN organisations o ON o.id = a.org_id WHERE a.person_id = $1 ORDER BY a.org_id",
        )
        .bind(person)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Gives (again) or withdraws consent to be accompanied by `org`.
    pub async fn set_accompaniment(
        &self,
        person: i64,
        org: i64,
        consent: bool,
    ) -> Result<(), StoreError> {
        let at = now();
        if consent {
            sqlx::query(
                "INSERT INTO accompaniments (person_id, org_id, granted_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (person_id, org_id) DO UPDATE SET granted_at = $3, withdrawn_at = NULL",
            )
            .bind(person)
            .bind(org)
            .bind(at)
            .execute(&self.pool)
            .await?;
        } else {
            sqlx::query(
                "UPDATE accompaniments SET withdrawn_at = $1 WHERE person_id = $2 AND org_id = $3 AND withdrawn_at IS NULL",
            )
            .bind(at)
            .bind(person)
            .bind(org)
            .execute(&self.pool)
            .await?;
        }
        Ok(())
    }

    /// Shares `owner`'s safe with one person or an organisation's staff.
    pub async fn share_safe(
        &self,
        owner: i64,
        org: Option<i64>,
        user: Option<i64>,
        by: i64,
    ) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "INSERT INTO safe_shares (owner_id, org_id, user_id, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(owner)
        .bind(org)
        .bind(user)
        .bind(by)
        .bind(now())
        .fetch_one(&self.pool)
        .await?)
    }

    /// Ends a share of `owner`'s safe.
    pub async fn revoke_share(&self, owner: i64, id: i64) -> Result<(), StoreError> {
        let done = sqlx::query(
            "UPDATE safe_shares SET revoked_at = $1 WHERE id = $2 AND owner_id = $3 AND revoked_at IS NULL",
        )
        .bind(now())
        .bind(id)
        .bind(owner)
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    pub async fn shares_of(&self, owner: i64) -> Result<Vec<Share>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT s.id, s.org_id, o.name AS org_name, s.user_id, u.display_name AS user_name, \
             s.created_at, s.revoked_at FROM safe_shares s \
             LEFT JOIN organisations o ON o.id = s.org_id LEFT JOIN users u ON u.id = s.user_id \
             WHERE s.owner_id = $1 ORDER BY s.revoked_at IS NOT NULL, s.id DESC",
        )
        .bind(owner)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The live share through which `viewer` reaches `owner`'s safe: one
    /// with them, or with an organisation where they are staff.
    pub async fn share_reaching(&self, owner: i64, viewer: i64) -> Result<Option<i64>, StoreError> {
        let sql = format!(
            "SELECT s.id FROM safe_shares s WHERE s.owner_id = $1 AND s.revoked_at IS NULL AND \
             (s.user_id = $2 OR s.org_id IN (SELECT org_id FROM memberships WHERE user_id = $2 AND role IN {STAFF})) \
             ORDER BY s.id LIMIT 1"
        );
        Ok(sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .bind(owner)
            .bind(viewer)
            .fetch_optional(&self.pool)
            .await?)
    }

    pub async fn add_link(
        &self,
        document: i64,
        token_digest: &str,
        code_hash: Option<&str>,
        expires_at: i64,
        by: i64,
    ) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "INSERT INTO document_links (document_id, token_digest, code_hash, expires_at, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(document)
        .bind(token_digest)
        .bind(code_hash)
        .bind(expires_at)
        .bind(by)
        .bind(now())
        .fetch_one(&self.pool)
        .await?)
    }

    pub async fn link_by_digest(&self, digest: &str) -> Result<Link, StoreError> {
        sqlx::query_as(
            "SELECT id, document_id, code_hash, expires_at, created_at, revoked_at, uses \
             FROM document_links WHERE token_digest = $1",
        )
        .bind(digest)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)
    }

    pub async fn links_of(&self, document: i64) -> Result<Vec<Link>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT id, document_id, code_hash, expires_at, created_at, revoked_at, uses \
             FROM document_links WHERE document_id = $1 ORDER BY id DESC",
        )
        .bind(document)
        .fetch_all(&self.pool)
        .await?)
    }

    pub async fn revoke_link(&self, document: i64, id: i64) -> Result<(), StoreError> {
        let done = sqlx::query(
            "UPDATE document_links SET revoked_at = $1 WHERE id = $2 AND document_id = $3 AND revoked_at IS NULL",
        )
        .bind(now())
        .bind(id)
        .bind(document)
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    pub async fn count_link_use(&self, id: i64) -> Result<(), StoreError> {
        sqlx::query("UPDATE document_links SET uses = uses + 1 WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn log_access(&self, access: &NewAccess<'_>) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO safe_access_log (owner_id, document_id, actor_id, via, action, detail, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(access.owner)
        .bind(access.document)
        .bind(access.actor)
        .bind(access.via)
        .bind(access.action)
        .bind(access.detail)
        .bind(now())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The safe's access log, newest first.
    pub async fn access_log(
        &self,
        owner: i64,
        page: Page,
    ) -> Result<Listing<AccessLine>, StoreError> {
        let rows = sqlx::query_as(
            "SELECT l.id, l.document_id, u.display_name AS actor_name, l.via, l.action, l.detail, l.created_at \
             FROM safe_access_log l LEFT JOIN users u ON u.id = l.actor_id \
             WHERE l.owner_id = $1 ORDER BY l.id DESC LIMIT $2 OFFSET $3",
        )
        .bind(owner)
        .bind(page.limit())
        .bind(page.offset())
        .fetch_all(&self.pool)
        .await?;
        Ok(Listing::cut(rows, page))
    }
}
