//! What the scheduled runs read: exchanges about to start (for reminders)
//! and active pairings with their programme's rule (for overdue visits).

use crate::{Db, StoreError};

/// A one-off exchange with helpers chosen, and who takes part in it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Upcoming {
    pub id: i64,
    pub title: String,
    pub owner_id: i64,
    pub first_day: String,
    /// Minutes after midnight, when a time was given.
    pub time_from: Option<i64>,
}

/// An active pairing, its programme's organisation and overdue rule.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PairingDue {
    pub id: i64,
    pub org_id: i64,
    pub visitor_name: String,
    pub visited_name: String,
    pub started_on: String,
    pub last_visit: Option<String>,
    pub overdue_weeks: i64,
}

impl Db {
    /// Scheduled one-off exchanges on the given days.
    pub async fn upcoming_on(&self, days: &[String]) -> Result<Vec<Upcoming>, StoreError> {
        let mut all = Vec::new();
        for day in days {
            let rows: Vec<Upcoming> = sqlx::query_as(
                "SELECT id, title, owner_id, first_day, time_from FROM exchanges \
                 WHERE state = 'scheduled' AND schedule = 'once' AND first_day = $1 ORDER BY id",
            )
            .bind(day)
            .fetch_all(&self.pool)
            .await?;
            all.extend(rows);
        }
        Ok(all)
    }

    /// The helpers chosen for an exchange.
    pub async fn accepted_helpers(&self, exchange_id: i64) -> Result<Vec<i64>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT user_id FROM participations WHERE exchange_id = $1 AND part = 'accepted' ORDER BY user_id",
        )
        .bind(exchange_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Every active pairing with what deciding "overdue" needs.
    pub async fn pairings_due(&self) -> Result<Vec<PairingDue>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT p.id, g.org_id, vr.display_name AS visitor_name, vd.display_name AS visited_name, \
             p.started_on, (SELECT MAX(visited_on) FROM visits v WHERE v.pairing_id = p.id) AS last_visit, \
             g.overdue_weeks FROM pairings p JOIN programmes g ON g.id = p.programme_id \
             JOIN users vr ON vr.id = p.visitor_id JOIN users vd ON vd.id = p.visited_id \
             WHERE p.ended_at IS NULL ORDER BY p.id",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    /// An organisation's coordinators and administrators.
    pub async fn org_coordinators(&self, org_id: i64) -> Result<Vec<i64>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT user_id FROM memberships WHERE org_id = $1 AND role IN ('coordinator', 'admin') ORDER BY user_id",
        )
        .bind(org_id)
        .fetch_all(&self.pool)
        .await?)
    }
}
