//! Pairings of a visitor with a visited person, approved by a coordinator;
//! the visits logged; and the vetted visitors a matching can propose.

use std::collections::HashMap;

use entraide_core::exchange::format_date;
use entraide_core::geo::Point;
use entraide_core::matching::Candidate;
use entraide_core::profile::Availability;
use entraide_core::visits::{Rhythm, VisitLog};

use crate::audit::NewAudit;
use crate::{Db, StoreError, now, one_row};

/// A pairing with both names and its last visit.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct Pairing {
    pub id: i64,
    pub programme_id: i64,
    pub programme_name: String,
    pub visitor_id: i64,
    pub visitor_name: String,
    pub visited_id: i64,
    pub visited_name: String,
    pub slots: i64,
    pub every_weeks: i64,
    pub started_on: String,
    pub ended_at: Option<i64>,
    /// `YYYY-MM-DD` of the last visit logged.
    pub last_visit: Option<String>,
    pub visits: i64,
}

/// A logged visit. The note is for coordinators only.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct Visit {
    pub id: i64,
    pub visited_on: String,
    pub minutes: i64,
    pub note: String,
    pub created_at: i64,
}

const PAIRING_SELECT: &str = "SELECT p.id, p.programme_id, g.name AS programme_name, p.visitor_id, \
     vr.display_name AS visitor_name, p.visited_id, vd.display_name AS visited_name, p.slots, \
     p.every_weeks, p.started_on, p.ended_at, \
     (SELECT MAX(visited_on) FROM visits v WHERE v.pairing_id = p.id) AS last_visit, \
     (SELECT COUNT(*) FROM visits v WHERE v.pairing_id = p.id) AS visits \
     FROM pairings p JOIN programmes g ON g.id = p.programme_id \
     JOIN users vr ON vr.id = p.visitor_id JOIN users vd ON vd.id = p.visited_id";

impl Db {
    /// Approves a pairing; the visitor must be vetted and the person part of
    /// the programme (`NotFound` otherwise), and the same pair may not be
    /// active twice (`Conflict`). Logged for the visited person.
    pub async fn create_pairing(
        &self,
        programme_id: i64,
        visitor_id: i64,
        visited_id: i64,
        rhythm: Rhythm,
        today: time::Date,
        by: i64,
    ) -> Result<i64, StoreError> {
        let mut tx = self.pool.begin().await?;
        let ready: i64 = sqlx::query_scalar(
            "SELECT (SELECT COUNT(*) FROM programme_visitors WHERE programme_id = $1 AND user_id = $2 AND status = 'vetted') \
             + (SELECT COUNT(*) FROM programme_visited WHERE programme_id = $1 AND user_id = $3)",
        )
        .bind(programme_id)
        .bind(visitor_id)
        .bind(visited_id)
        .fetch_one(&mut *tx)
        .await?;
        if ready != 2 {
            return Err(StoreError::NotFound);
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO pairings (programme_id, visitor_id, visited_id, slots, every_weeks, approved_by, started_on) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(programme_id)
        .bind(visitor_id)
        .bind(visited_id)
        .bind(rhythm.slots.0)
        .bind(rhythm.every_weeks)
        .bind(by)
        .bind(format_date(today))
        .fetch_one(&mut *tx)
        .await?;
        for subject in [visited_id, visitor_id] {
            crate::audit::record(
                &mut tx,
                NewAudit {
                    event: "pairing-approved",
                    actor_id: Some(by),
                    subject_id: Some(subject),
                    org_id: None,
                    detail: &format!("pairing #{id}"),
                },
            )
            .await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    pub async fn pairing(&self, id: i64) -> Result<Pairing, StoreError> {
        let sql = format!("{PAIRING_SELECT} WHERE p.id = $1");
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_one(&self.pool)
            .await?)
    }

    /// Active pairings of a programme, the longest without a visit first.
    pub async fn programme_pairings(&self, programme_id: i64) -> Result<Vec<Pairing>, StoreError> {
        let sql = format!(
            "{PAIRING_SELECT} WHERE p.programme_id = $1 AND p.ended_at IS NULL \
             ORDER BY COALESCE((SELECT MAX(visited_on) FROM visits v WHERE v.pairing_id = p.id), p.started_on), p.id"
        );
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(programme_id)
            .fetch_all(&self.pool)
            .await?)
    }

    /// Active pairings where a person visits or is visited.
    pub async fn pairings_of(&self, user_id: i64) -> Result<Vec<Pairing>, StoreError> {
        let sql = format!(
            "{PAIRING_SELECT} WHERE (p.visitor_id = $1 OR p.visited_id = $1) AND p.ended_at IS NULL \
             ORDER BY p.id"
        );
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(user_id)
            .fetch_all(&self.pool)
            .await?)
    }

    /// Ends a pairing (to reassign the person, or when visits stop).
    pub async fn end_pairing(&self, id: i64, by: i64) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let visited: Option<i64> = sqlx::query_scalar(
            "UPDATE pairings SET ended_at = $1 WHERE id = $2 AND ended_at IS NULL RETURNING visited_id",
        )
        .bind(now())
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let visited = visited.ok_or(StoreError::NotFound)?;
        crate::audit::record(
            &mut tx,
            NewAudit {
                event: "pairing-ended",
                actor_id: Some(by),
                subject_id: Some(visited),
                org_id: None,
                detail: &format!("pairing #{id}"),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Logs a visit of an active pairing by its visitor (`NotFound` for
    /// anyone else or an ended pairing).
    pub async fn log_visit(
        &self,
        pairing_id: i64,
        visitor_id: i64,
        visit: &VisitLog,
    ) -> Result<i64, StoreError> {
        let mut tx = self.pool.begin().await?;
        let mine: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM pairings WHERE id = $1 AND visitor_id = $2 AND ended_at IS NULL",
        )
        .bind(pairing_id)
        .bind(visitor_id)
        .fetch_optional(&mut *tx)
        .await?;
        mine.ok_or(StoreError::NotFound)?;
        let id = sqlx::query_scalar(
            "INSERT INTO visits (pairing_id, visited_on, minutes, note, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(pairing_id)
        .bind(format_date(visit.day))
        .bind(visit.minutes)
        .bind(visit.note.as_str())
        .bind(now())
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The visits of a pairing, newest first.
    pub async fn visits(&self, pairing_id: i64) -> Result<Vec<Visit>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT id, visited_on, minutes, note, created_at FROM visits WHERE pairing_id = $1 \
             ORDER BY visited_on DESC, id DESC LIMIT 200",
        )
        .bind(pairing_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Removes a visit logged by mistake (its visitor only).
    pub async fn delete_visit(&self, visit_id: i64, visitor_id: i64) -> Result<(), StoreError> {
        let done = sqlx::query(
            "DELETE FROM visits WHERE id = $1 AND pairing_id IN (SELECT id FROM pairings WHERE visitor_id = $2)",
        )
        .bind(visit_id)
        .bind(visitor_id)
        .execute(&self.pool)
        .await?;
        one_row(done)
    }

    /// The vetted visitors of a programme who have a home, as matching
    /// candidates; `recently_asked` counts their active pairings, so visits
    /// spread over the visitors.
    pub async fn visitor_candidates(
        &self,
        programme_id: i64,
    ) -> Result<Vec<Candidate>, StoreError> {
        let people: Vec<(i64, f64, f64, i64, i64)> = sqlx::query_as(
            "SELECT u.id, u.home_lat, u.home_lng, u.availability, \
             (SELECT COUNT(*) FROM pairings p WHERE p.visitor_id = u.id AND p.ended_at IS NULL) \
             FROM programme_visitors v JOIN users u ON u.id = v.user_id \
             WHERE v.programme_id = $1 AND v.status = 'vetted' AND u.home_lat IS NOT NULL \
             AND u.home_lng IS NOT NULL AND u.deletion_requested_at IS NULL",
        )
        .bind(programme_id)
        .fetch_all(&self.pool)
        .await?;
        let tags: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT t.user_id, t.kind, t.value FROM user_tags t JOIN programme_visitors v \
             ON v.user_id = t.user_id WHERE v.programme_id = $1 AND v.status = 'vetted'",
        )
        .bind(programme_id)
        .fetch_all(&self.pool)
        .await?;
        let mut by_id: HashMap<i64, Candidate> = people
            .into_iter()
            .map(|(id, lat, lng, availability, pairings)| {
                let candidate = Candidate {
                    id,
                    home: Point { lat, lng },
                    skills: Vec::new(),
                    interests: Vec::new(),
                    languages: Vec::new(),
                    availability: Availability::from_bits(availability),
                    helped: 0,
                    no_shows: 0,
                    recently_asked: pairings,
                };
                (id, candidate)
            })
            .collect();
        for (user, kind, value) in tags {
            if let Some(c) = by_id.get_mut(&user) {
                match kind.as_str() {
                    "skill" => c.skills.push(value),
                    "interest" => c.interests.push(value),
                    "language" => c.languages.push(value),
                    _ => {}
                }
            }
        }
        let mut candidates: Vec<Candidate> = by_id.into_values().collect();
        candidates.sort_by_key(|c| c.id);
        Ok(candidates)
    }
}
