//! Visits programmes: opening one, visitors joining (charter accepted) and
//! being vetted, and the people to visit being added. Pairings and the
//! visit log live in [`crate::pairings`].

use entraide_core::visits::NewProgramme;

use crate::audit::NewAudit;
use crate::{Db, StoreError, now, one_row};

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct Programme {
    pub id: i64,
    pub org_id: i64,
    pub org_name: String,
    pub name: String,
    pub charter: String,
    pub overdue_weeks: i64,
    pub created_at: i64,
}

/// A visitor of a programme and where they stand.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct Visitor {
    pub user_id: i64,
    pub display_name: String,
    /// `applied`, `vetted` or `left`.
    pub status: String,
    pub charter_accepted_at: i64,
    pub vetted_at: Option<i64>,
    /// Pairings this visitor has now.
    pub active_pairings: i64,
}

/// A person visited through a programme.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct Visited {
    pub user_id: i64,
    pub display_name: String,
    pub birth_year: Option<i64>,
    pub active_pairings: i64,
}

const PROGRAMME_SELECT: &str = "SELECT p.id, p.org_id, o.name AS org_name, p.name, p.charter, \
     p.overdue_weeks, p.created_at FROM programmes p JOIN organisations o ON o.id = p.org_id";

impl Db {
    pub async fn create_programme(
        &self,
        org_id: i64,
        programme: &NewProgramme,
        by: i64,
    ) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "INSERT INTO programmes (org_id, name, charter, overdue_weeks, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(org_id)
        .bind(programme.name.as_str())
        .bind(programme.charter.as_str())
        .bind(programme.overdue_weeks)
        .bind(by)
        .bind(now())
        .fetch_one(&self.pool)
        .await?)
    }

    pub async fn programme(&self, id: i64) -> Result<Programme, StoreError> {
        let sql = format!("{PROGRAMME_SELECT} WHERE p.id = $1");
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_one(&self.pool)
            .await?)
    }

    pub async fn programmes_of(&self, org_id: i64) -> Result<Vec<Programme>, StoreError> {
        let sql = format!("{PROGRAMME_SELECT} WHERE p.org_id = $1 ORDER BY p.name, p.id");
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(org_id)
            .fetch_all(&self.pool)
            .await?)
    }

    /// Joins as a visitor, the charter accepted now; someone who left may
    /// apply again. A vetted visitor stays vetted.
    pub async fn join_programme(&self, programme_id: i64, user_id: i64) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO programme_visitors (programme_id, user_id, status, charter_accepted_at) \
             VALUES ($1, $2, 'applied', $3) ON CONFLICT (programme_id, user_id) DO UPDATE SET \
             status = CASE WHEN programme_visitors.status = 'left' THEN 'applied' ELSE programme_visitors.status END, \
             charter_accepted_at = excluded.charter_accepted_at",
        )
        .bind(programme_id)
        .bind(user_id)
        .bind(now())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// A visitor leaves; their pairings end with them.
    pub async fn leave_programme(&self, programme_id: i64, user_id: i64) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE programme_visitors SET status = 'left' WHERE programme_id = $1 AND user_id = $2 AND status <> 'left'",
        )
        .bind(programme_id)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        one_row(done)?;
        sqlx::query(
            "UPDATE pairings SET ended_at = $1 WHERE programme_id = $2 AND visitor_id = $3 AND ended_at IS NULL",
        )
        .bind(now())
        .bind(programme_id)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A coordinator vets an applicant (`NotFound` unless they applied).
    pub async fn vet_visitor(
        &self,
        programme_id: i64,
        user_id: i64,
        by: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE programme_visitors SET status = 'vetted', vetted_by = $1, vetted_at = $2 \
             WHERE programme_id = $3 AND user_id = $4 AND status = 'applied'",
        )
        .bind(by)
        .bind(now())
        .bind(programme_id)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        one_row(done)?;
        crate::audit::record(
            &mut tx,
            NewAudit {
                event: "visitor-vetted",
                actor_id: Some(by),
                subject_id: Some(user_id),
                org_id: None,
                detail: &format!("programme #{programme_id}"),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn programme_visitors(&self, programme_id: i64) -> Result<Vec<Visitor>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT v.user_id, u.display_name, v.status, v.charter_accepted_at, v.vetted_at, \
             (SELECT COUNT(*) FROM pairings p WHERE p.programme_id = v.programme_id \
              AND p.visitor_id = v.user_id AND p.ended_at IS NULL) AS active_pairings \
             FROM programme_visitors v JOIN users u ON u.id = v.user_id \
             WHERE v.programme_id = $1 ORDER BY v.status, u.display_name, v.user_id",
        )
        .bind(programme_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// A person's standing as a visitor (`None`: never joined).
    pub async fn visitor_status(
        &self,
        programme_id: i64,
        user_id: i64,
    ) -> Result<Option<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT status FROM programme_visitors WHERE programme_id = $1 AND user_id = $2",
        )
        .bind(programme_id)
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Adds a person to visit; logged for them.
    pub async fn add_visited(
        &self,
        programme_id: i64,
        user_id: i64,
        by: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO programme_visited (programme_id, user_id, added_by, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(programme_id)
        .bind(user_id)
        .bind(by)
        .bind(now())
        .execute(&mut *tx)
        .await?;
        crate::audit::record(
            &mut tx,
            NewAudit {
                event: "visited-added",
                actor_id: Some(by),
                subject_id: Some(user_id),
                org_id: None,
                detail: &format!("programme #{programme_id}"),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn visited_people(&self, programme_id: i64) -> Result<Vec<Visited>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT v.user_id, u.display_name, u.birth_year, \
             (SELECT COUNT(*) FROM pairings p WHERE p.programme_id = v.programme_id \
              AND p.visited_id = v.user_id AND p.ended_at IS NULL) AS active_pairings \
             FROM programme_visited v JOIN users u ON u.id = v.user_id \
             WHERE v.programme_id = $1 ORDER BY u.display_name, v.user_id",
        )
        .bind(programme_id)
        .fetch_all(&self.pool)
        .await?)
    }

    pub async fn is_visited_in(&self, programme_id: i64, user_id: i64) -> Result<bool, StoreError> {
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT user_id FROM programme_visited WHERE programme_id = $1 AND user_id = $2",
        )
        .bind(programme_id)
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(found.is_some())
    }
}
