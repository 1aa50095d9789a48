//! Recognition: a person's contributions record counted from the exchanges,
//! thanks and visits already stored, and the skills endorsed by the people
//! they helped.

use entraide_core::recognition::Record;
use serde::Serialize;

use crate::audit::NewAudit;
use crate::{Db, StoreError, now};

/// The contributions record in one statement, each number a count over an
/// index:
/// - helped: needs done where the person helped, plus the people helped on
///   the person's own offers that were done;
/// - thanked: thanks received;
/// - organised: needs and offers done that the person posted (the one who
///   typed them: the owner, or whoever acted for the owner), plus the
///   visit pairings they approved as a coordinator;
/// - answered: needs the person came forward for or accepted an invitation
///   to, whatever came of it but a withdrawal (a `not_chosen` counts only
///   when they came forward themself, not when an invitation went
///   unanswered); answering an offer is asking for help, not giving it;
/// - visited: visits logged as the visitor of a pairing.
const RECORD: &str = "SELECT \
     (SELECT COUNT(*) FROM participations p JOIN exchanges e ON e.id = p.exchange_id \
      WHERE p.user_id = $1 AND p.part = 'helped' AND e.kind = 'need') \
     + (SELECT COUNT(*) FROM exchanges e JOIN participations p ON p.exchange_id = e.id \
      WHERE e.owner_id = $1 AND e.state = 'done' AND e.kind = 'offer' AND p.part = 'helped') AS helped, \
     (SELECT COUNT(*) FROM thanks WHERE to_id = $1) AS thanked, \
     (SELECT COUNT(*) FROM exchanges WHERE owner_id = $1 AND state = 'done' AND posted_by IS NULL) \
     + (SELECT COUNT(*) FROM exchanges WHERE posted_by = $1 AND state = 'done') \
     + (SELECT COUNT(*) FROM pairings WHERE approved_by = $1) AS organised, \
     (SELECT COUNT(*) FROM participations p JOIN exchanges e ON e.id = p.exchange_id \
      WHERE p.user_id = $1 AND e.kind = 'need' \
      AND (p.part IN ('responded', 'accepted', 'helped', 'no_show') \
           OR p.part = 'not_chosen' AND p.invited_at IS NULL)) AS answered, \
     (SELECT COUNT(*) FROM visits v JOIN pairings pa ON pa.id = v.pairing_id \
      WHERE pa.visitor_id = $1) AS visited";

/// An endorsement still stands while its exchange shows the help given: a
/// helper later marked as absent loses it. The owner has no participation,
/// so the one of the two who is a participant is the one to look at.
const STANDS: &str = "EXISTS (SELECT 1 FROM participations p WHERE p.exchange_id = en.exchange_id \
     AND p.user_id IN (en.endorser_id, en.endorsed_id) AND p.part = 'helped')";

/// One skill of a person with how many people endorsed it.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct EndorsedSkill {
    /// A key of the skills taxonomy.
    pub skill: String,
    /// Distinct people who endorsed it.
    pub people: i64,
}

/// An endorsement as the data download lists it.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct EndorsementEntry {
    pub exchange_id: i64,
    pub exchange_title: String,
    /// The other person: the helper for endorsements given, the person
    /// helped for endorsements received.
    pub other_name: String,
    pub skill: String,
    pub created_at: i64,
}

/// An endorsement to record or withdraw.
#[derive(Debug, Clone, Copy)]
pub struct Endorsement<'a> {
    pub exchange_id: i64,
    /// The person helped.
    pub endorser_id: i64,
    /// The person who helped.
    pub endorsed_id: i64,
    pub skill: &'a str,
    /// Set when someone acts for the person helped: the act is logged for them.
    pub acted_by: Option<i64>,
}

impl Endorsement<'_> {
    async fn log(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        event: &str,
    ) -> Result<(), StoreError> {
        if let Some(actor) = self.acted_by {
            crate::audit::record(
                tx,
                NewAudit {
                    event,
                    actor_id: Some(actor),
                    subject_id: Some(self.endorser_id),
                    org_id: None,
                    detail: &format!("#{} {}", self.exchange_id, self.skill),
                },
            )
            .await?;
        }
        Ok(())
    }
}

impl Db {
    /// What a person did, counted from what is already stored.
    pub async fn contributions(&self, person: i64) -> Result<Record, StoreError> {
        let (helped, thanked, organised, answered, visited): (i64, i64, i64, i64, i64) =
            sqlx::query_as(RECORD)
                .bind(person)
                .fetch_one(&self.pool)
                .await?;
        Ok(Record {
            helped,
            thanked,
            organised,
            answered,
            visited,
        })
    }

    /// Records an endorsement if the endorsed person helped the endorser in
    /// that exchange and it is done (checked in the insert itself); `false`
    /// when they did not, `Conflict` when it was already given.
    pub async fn endorse(&self, endorsement: &Endorsement<'_>) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "INSERT INTO endorsements (exchange_id, endorser_id, endorsed_id, skill, acted_by, created_at) \
             SELECT $1, $2, $3, $4, $5, $6 WHERE EXISTS (SELECT 1 FROM exchanges e \
             JOIN participations p ON p.exchange_id = e.id \
             WHERE e.id = $1 AND e.state = 'done' AND p.part = 'helped' \
             AND (e.kind = 'need' AND e.owner_id = $2 AND p.user_id = $3 \
               OR e.kind = 'offer' AND e.owner_id = $3 AND p.user_id = $2))",
        )
        .bind(endorsement.exchange_id)
        .bind(endorsement.endorser_id)
        .bind(endorsement.endorsed_id)
        .bind(endorsement.skill)
        .bind(endorsement.acted_by)
        .bind(now())
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        endorsement.log(&mut tx, "endorsement-given-for").await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Withdraws an endorsement; `NotFound` when there is none.
    pub async fn withdraw_endorsement(
        &self,
        endorsement: &Endorsement<'_>,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "DELETE FROM endorsements WHERE exchange_id = $1 AND endorser_id = $2 \
             AND endorsed_id = $3 AND skill = $4",
        )
        .bind(endorsement.exchange_id)
        .bind(endorsement.endorser_id)
        .bind(endorsement.endorsed_id)
        .bind(endorsement.skill)
        .execute(&mut *tx)
        .await?;
        crate::one_row(done)?;
        endorsement
            .log(&mut tx, "endorsement-withdrawn-for")
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The endorsements an endorser gave in one exchange: (helper, skill).
    pub async fn endorsements_in(
        &self,
        exchange_id: i64,
        endorser_id: i64,
    ) -> Result<Vec<(i64, String)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT endorsed_id, skill FROM endorsements WHERE exchange_id = $1 AND endorser_id = $2 \
             ORDER BY endorsed_id, skill",
        )
        .bind(exchange_id)
        .bind(endorser_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// A person's endorsed skills, the most endorsed first.
    pub async fn endorsed_skills(&self, person: i64) -> Result<Vec<EndorsedSkill>, StoreError> {
        let sql = format!(
            "SELECT en.skill, COUNT(DISTINCT en.endorser_id) AS people FROM endorsements en \
             WHERE en.endorsed_id = $1 AND {STANDS} GROUP BY en.skill ORDER BY people DESC, en.skill"
        );
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(person)
            .fetch_all(&self.pool)
            .await?)
    }

    /// Every endorsement a person gave, for their data download.
    pub async fn endorsements_given(
        &self,
        person: i64,
    ) -> Result<Vec<EndorsementEntry>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT en.exchange_id, e.title AS exchange_title, u.display_name AS other_name, \
             en.skill, en.created_at FROM endorsements en JOIN exchanges e ON e.id = en.exchange_id \
             JOIN users u ON u.id = en.endorsed_id WHERE en.endorser_id = $1 \
             ORDER BY en.created_at, en.exchange_id, en.skill",
        )
        .bind(person)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Every endorsement a person received, for their data download.
    pub async fn endorsements_received(
        &self,
        person: i64,
    ) -> Result<Vec<EndorsementEntry>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT en.exchange_id, e.title AS exchange_title, u.display_name AS other_name, \
             en.skill, en.created_at FROM endorsements en JOIN exchanges e ON e.id = en.exchange_id \
             JOIN users u ON u.id = en.endorser_id WHERE en.endorsed_id = $1 \
             ORDER BY en.created_at, en.exchange_id, en.skill",
        )
        .bind(person)
        .fetch_all(&self.pool)
        .await?)
    }
}
