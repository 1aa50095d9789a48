//! Organisations, their members and roles, and invitation links.

use crate::{Db, Page, StoreError, now};

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct Organisation {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub description: String,
    pub created_at: i64,
    pub member_count: i64,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct Member {
    pub user_id: i64,
    pub display_name: String,
    pub email: Option<String>,
    pub login: Option<String>,
    pub role: String,
    pub joined_at: i64,
    #[sqlx(try_from = "crate::Flag")]
    pub pin_locked: bool,
    /// Registered without email by this organisation's social workers.
    #[sqlx(try_from = "crate::Flag")]
    pub registered_here: bool,
}

impl Member {
    /// The member as seen by someone who may not see contact details.
    pub fn without_contacts(self) -> Self {
        Self {
            email: None,
            login: None,
            pin_locked: false,
            registered_here: false,
            ..self
        }
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Invitation {
    pub id: i64,
    pub org_id: i64,
    pub role: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub uses: i64,
}

/// How long an invitation link stays valid.
pub const INVITATION_SECONDS: i64 = 14 * 24 * 3600;

const ORG_COLUMNS: &str = "o.id, o.name, o.kind, o.description, o.created_at, \
     (SELECT COUNT(*) FROM memberships m WHERE m.org_id = o.id) AS member_count";

impl Db {
    /// Creates an organisation with its creator as admin, atomically.
    pub async fn create_organisation(
        &self,
        name: &str,
        kind: &str,
        description: &str,
        creator: i64,
    ) -> Result<i64, StoreError> {
        let mut tx = self.pool.begin().await?;
        let at = now();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO organisations (name, kind, description, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(name)
        .bind(kind)
        .bind(description)
        .bind(at)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query("INSERT INTO memberships (org_id, user_id, role, created_at) VALUES ($1, $2, 'admin', $3)")
            .bind(id)
            .bind(creator)
            .bind(at)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn update_organisation(
        &self,
        id: i64,
        name: &str,
        kind: &str,
        description: &str,
    ) -> Result<(), StoreError> {
        crate::one_row(
            sqlx::query(
                "UPDATE organisations SET name = $1, kind = $2, description = $3 WHERE id = $4",
            )
            .bind(name)
            .bind(kind)
            .bind(description)
            .bind(id)
            .execute(&self.pool)
            .await?,
        )
    }

    pub async fn organisation(&self, id: i64) -> Result<Organisation, StoreError> {
        let sql = format!("SELECT {ORG_COLUMNS} FROM organisations o WHERE o.id = $1");
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_one(&self.pool)
            .await?)
    }

    /// All organisations, by name, one page at a time.
    pub async fn organisations(
        &self,
        page: Page,
    ) -> Result<crate::Listing<Organisation>, StoreError> {
        let sql =
            format!("SELECT {ORG_COLUMNS} FROM organisations o ORDER BY o.name LIMIT $1 OFFSET $2");
        let rows = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(page.limit())
            .bind(page.offset())
            .fetch_all(&self.pool)
            .await?;
        Ok(crate::Listing::cut(rows, page))
    }

    /// The organisations a person belongs to, with their role in each.
    pub async fn memberships_of(
        &self,
        user_id: i64,
    ) -> Result<Vec<(Organisation, String)>, StoreError> {
        let sql = format!(
            "SELECT {ORG_COLUMNS}, m0.role AS role FROM organisations o \
             JOIN memberships m0 ON m0.org_id = o.id WHERE m0.user_id = $1 ORDER BY o.name"
        );
        let rows: Vec<OrgWithRole> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(user_id)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.into_iter().map(|r| (r.org, r.role)).collect())
    }

    /// A person's role in an organisation, if they are a member.
    pub async fn role_in(&self, org_id: i64, user_id: i64) -> Result<Option<String>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT role FROM memberships WHERE org_id = $1 AND user_id = $2")
                .bind(org_id)
                .bind(user_id)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    pub async fn members(
        &self,
        org_id: i64,
        page: Page,
    ) -> Result<crate::Listing<Member>, StoreError> {
        let rows = sqlx::query_as(
            "SELECT u.id AS user_id, u.display_name, u.email, u.login, m.role, m.created_at AS joined_at, u.pin_locked, \
             CASE WHEN u.registered_org = m.org_id THEN 1 ELSE 0 END AS registered_here \
             FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.org_id = $1 \
             ORDER BY u.display_name, u.id LIMIT $2 OFFSET $3",
        )
        .bind(org_id)
        .bind(page.limit())
        .bind(page.offset())
        .fetch_all(&self.pool)
        .await?;
        Ok(crate::Listing::cut(rows, page))
    }

    /// Adds a member, or changes the role of an existing one.
    pub async fn set_membership(
        &self,
        org_id: i64,
        user_id: i64,
        role: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO memberships (org_id, user_id, role, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (org_id, user_id) DO UPDATE SET role = excluded.role",
        )
        .bind(org_id)
        .bind(user_id)
        .bind(role)
        .bind(now())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Adds a member unless they already belong; returns whether they were added.
    pub async fn join_organisation(
        &self,
        org_id: i64,
        user_id: i64,
        role: &str,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO memberships (org_id, user_id, role, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (org_id, user_id) DO NOTHING",
        )
        .bind(org_id)
        .bind(user_id)
        .bind(role)
        .bind(now())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Changes a member's role (`Some`) or removes them (`None`), refusing
    /// with [`StoreError::LastAdmin`] to leave the organisation without an
    /// admin. Writing the organisation's row first makes two such changes
    /// apply one after the other, so two admins stepping down at once
    /// cannot both succeed.
    pub async fn change_member(
        &self,
        org_id: i64,
        user_id: i64,
        role: Option<&str>,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        crate::one_row(
            sqlx::query("UPDATE organisations SET name = name WHERE id = $1")
                .bind(org_id)
                .execute(&mut *tx)
                .await?,
        )?;
        let current: String =
            sqlx::query_scalar("SELECT role FROM memberships WHERE org_id = $1 AND user_id = $2")
                .bind(org_id)
                .bind(user_id)
                .fetch_one(&mut *tx)
                .await?;
        if current == "admin" && role != Some("admin") {
            let admins: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM memberships WHERE org_id = $1 AND role = 'admin'",
            )
            .bind(org_id)
            .fetch_one(&mut *tx)
            .await?;
            if admins <= 1 {
                return Err(StoreError::LastAdmin);
            }
        }
        let done = match role {
            Some(role) => {
                sqlx::query("UPDATE memberships SET role = $1 WHERE org_id = $2 AND user_id = $3")
                    .bind(role)
                    .bind(org_id)
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await?
            }
            None => {
                sqlx::query("DELETE FROM memberships WHERE org_id = $1 AND user_id = $2")
                    .bind(org_id)
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await?
            }
        };
        crate::one_row(done)?;
        tx.commit().await?;
        Ok(())
    }

    /// How many admins an organisation has (the last one cannot leave).
    pub async fn admin_count(&self, org_id: i64) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM memberships WHERE org_id = $1 AND role = 'admin'",
        )
        .bind(org_id)
        .fetch_one(&self.pool)
        .await?)
    }

    /// True when `worker` holds a social-work or admin role in an
    /// organisation the person belongs to.
    pub async fn accompanies(&self, worker: i64, person: i64) -> Result<bool, StoreError> {
        let count: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM memberships w JOIN memberships p ON p.org_id = w.org_id \
             WHERE w.user_id = $1 AND w.role IN ('social_worker', 'admin') AND p.user_id = $2",
        )
        .bind(worker)
        .bind(person)
        .fetch_one(&self.pool)
        .await?;
        Ok(count > 0)
    }

    pub async fn create_invitation(
        &self,
        org_id: i64,
        digest: &str,
        role: &str,
        created_by: i64,
    ) -> Result<i64, StoreError> {
        let at = now();
        Ok(sqlx::query_scalar(
            "INSERT INTO invitations (org_id, token_hash, role, created_by, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(org_id)
        .bind(digest)
        .bind(role)
        .bind(created_by)
        .bind(at)
        .bind(at + INVITATION_SECONDS)
        .fetch_one(&self.pool)
        .await?)
    }

    /// A live invitation by its link's digest.
    pub async fn invitation(&self, digest: &str) -> Result<Invitation, StoreError> {
        Ok(sqlx::query_as(
            "SELECT id, org_id, role, created_at, expires_at, uses FROM invitations \
             WHERE token_hash = $1 AND revoked = 0 AND expires_at > $2",
        )
        .bind(digest)
        .bind(now())
        .fetch_one(&self.pool)
        .await?)
    }

    pub async fn invitations(&self, org_id: i64) -> Result<Vec<Invitation>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT id, org_id, role, created_at, expires_at, uses FROM invitations \
             WHERE org_id = $1 AND revoked = 0 AND expires_at > $2 ORDER BY id DESC",
        )
        .bind(org_id)
        .bind(now())
        .fetch_all(&self.pool)
        .await?)
    }

    pub async fn count_invitation_use(&self, id: i64) -> Result<(), StoreError> {
        sqlx::query("UPDATE invitations SET uses = uses + 1 WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn revoke_invitation(&self, org_id: i64, id: i64) -> Result<(), StoreError> {
        crate::one_row(
            sqlx::query("UPDATE invitations SET revoked = 1 WHERE id = $1 AND org_id = $2")
                .bind(id)
                .bind(org_id)
                .execute(&self.pool)
                .await?,
        )
    }
}

#[derive(sqlx::FromRow)]
struct OrgWithRole {
    #[sqlx(flatten)]
    org: Organisation,
    role: String,
}
