//! Who takes part in an exchange: invitations, responses, acceptances,
//! withdrawals and no-shows, each applied through the state machine of
//! `entraide_core::lifecycle` inside one transaction.

use entraide_core::lifecycle::{ExchangeState, Part, Step, settle, step};

use crate::audit::NewAudit;
use crate::{Db, Listing, Page, StoreError, now};

/// A participant as the owner of the exchange sees them.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Participant {
    pub user_id: i64,
    pub display_name: String,
    pub part: String,
    pub invited_by: Option<i64>,
    pub message: String,
    pub updated_at: i64,
}

/// One of a person's participations, with the exchange's title, for their
/// "my invitations and answers" page.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct Involvement {
    pub exchange_id: i64,
    pub kind: String,
    pub title: String,
    pub state: String,
    pub owner_name: String,
    pub first_day: String,
    pub part: String,
    pub updated_at: i64,
}

/// A step to apply to one participation.
pub struct StepRequest<'a> {
    pub exchange_id: i64,
    /// Whose participation changes.
    pub user_id: i64,
    pub step: Step,
    /// Who acts (the participant, the owner, or someone acting for the owner).
    pub actor_id: i64,
    /// Set when the actor acts for the owner: the act is logged for them.
    pub acting_for_owner: bool,
    pub message: &'a str,
}

impl Db {
    /// Applies one step and settles the exchange (scheduled as soon as one
    /// helper is accepted, open again when none is left). Returns the new
    /// participation. `Illegal` when the state machine refuses, `Full` when
    /// every place is taken; nothing changes then.
    pub async fn apply_step(&self, request: &StepRequest<'_>) -> Result<Part, StoreError> {
        let at = now();
        let mut tx = self.pool.begin().await?;
        // Writing first takes the exchange for this transaction, so two
        // people acting at once are applied one after the other.
        let (state, wanted, owner, org): (String, i64, i64, Option<i64>) = sqlx::query_as(
            "UPDATE exchanges SET updated_at = $1 WHERE id = $2 \
             RETURNING state, helpers_wanted, owner_id, org_id",
        )
        .bind(at)
        .bind(request.exchange_id)
        .fetch_one(&mut *tx)
        .await?;
        let exchange = ExchangeState::parse(&state).map_err(|_| StoreError::NotFound)?;
        let current: Option<String> = sqlx::query_scalar(
            "SELECT part FROM participations WHERE exchange_id = $1 AND user_id = $2",
        )
        .bind(request.exchange_id)
        .bind(request.user_id)
        .fetch_optional(&mut *tx)
        .await?;
        let current = current.and_then(|p| Part::parse(&p).ok());
        let next = step(exchange, current, request.step)?;
        let accepted: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM participations WHERE exchange_id = $1 AND part = 'accepted'",
        )
        .bind(request.exchange_id)
        .fetch_one(&mut *tx)
        .await?;
        let accepted_after = accepted + i64::from(next.is_accepted())
            - i64::from(current.is_some_and(Part::is_accepted));
        // Accepting beyond the places asked for is refused, and so is
        // inviting once they are all taken: the invitee could not accept.
        let full = next.is_accepted() && accepted_after > wanted
            || request.step == Step::Invite && accepted >= wanted;
        if full {
            return Err(StoreError::Full);
        }
        let invited = request.step == Step::Invite;
        sqlx::query(
            "INSERT INTO participations (exchange_id, user_id, part, invited_by, invited_at, message, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7) \
             ON CONFLICT (exchange_id, user_id) DO UPDATE SET part = excluded.part, \
             invited_by = COALESCE(excluded.invited_by, participations.invited_by), \
             invited_at = COALESCE(excluded.invited_at, participations.invited_at), \
             message = CASE WHEN excluded.message = '' THEN participations.message ELSE excluded.message END, \
             updated_at = excluded.updated_at",
        )
        .bind(request.exchange_id)
        .bind(request.user_id)
        .bind(next.key())
        .bind(invited.then_some(request.actor_id))
        .bind(invited.then_some(at))
        .bind(request.message)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        let settled = settle(exchange, usize::try_from(accepted_after).unwrap_or(0));
        if settled != exchange {
            sqlx::query("UPDATE exchanges SET state = $1 WHERE id = $2")
                .bind(settled.key())
                .bind(request.exchange_id)
                .execute(&mut *tx)
                .await?;
        }
        if request.acting_for_owner {
            crate::audit::record(
                &mut tx,
                NewAudit {
                    event: "exchange-step-for",
                    actor_id: Some(request.actor_id),
                    subject_id: Some(owner),
                    org_id: org,
                    detail: &format!("#{} {}", request.exchange_id, request.step.key()),
                },
            )
            .await?;
        }
        tx.commit().await?;
        Ok(next)
    }

    /// Everyone taking part in an exchange, most recent change first.
    pub async fn participants(&self, exchange_id: i64) -> Result<Vec<Participant>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT p.user_id, u.display_name, p.part, p.invited_by, p.message, p.updated_at \
             FROM participations p JOIN users u ON u.id = p.user_id \
             WHERE p.exchange_id = $1 ORDER BY p.updated_at DESC, p.user_id",
        )
        .bind(exchange_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// A person's participation in an exchange, if any.
    pub async fn participation(
        &self,
        exchange_id: i64,
        user_id: i64,
    ) -> Result<Option<Part>, StoreError> {
        let part: Option<String> = sqlx::query_scalar(
            "SELECT part FROM participations WHERE exchange_id = $1 AND user_id = $2",
        )
        .bind(exchange_id)
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(part.and_then(|p| Part::parse(&p).ok()))
    }

    /// A person's invitations and answers; pending invitations first.
    pub async fn involvements(
        &self,
        user_id: i64,
        page: Page,
    ) -> Result<Listing<Involvement>, StoreError> {
        let rows = sqlx::query_as(
            "SELECT p.exchange_id, e.kind, e.title, e.state, o.display_name AS owner_name, e.first_day, \
             p.part, p.updated_at FROM participations p JOIN exchanges e ON e.id = p.exchange_id \
             JOIN users o ON o.id = e.owner_id WHERE p.user_id = $1 \
             ORDER BY CASE WHEN p.part = 'invited' THEN 0 ELSE 1 END, p.updated_at DESC, p.exchange_id DESC \
             LIMIT $2 OFFSET $3",
        )
        .bind(user_id)
        .bind(page.limit())
        .bind(page.offset())
        .fetch_all(&self.pool)
        .await?;
        Ok(Listing::cut(rows, page))
    }

    /// How many invitations are waiting for a person's answer.
    pub async fn pending_invitations(&self, user_id: i64) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM participations p JOIN exchanges e ON e.id = p.exchange_id \
             WHERE p.user_id = $1 AND p.part = 'invited' AND e.state IN ('open', 'scheduled')",
        )
        .bind(user_id)
        .fetch_one(&self.pool)
        .await?)
    }
}
