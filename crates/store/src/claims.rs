//! Claims of time for done exchanges: opened when the exchange is marked
//! done (in the same transaction), confirmed, disputed, settled or
//! cancelled. A step that pays moves the minutes in the same transaction
//! that changes the claim, under the key `claim:{id}`, so a claim is never
//! confirmed without its transfer nor paid twice.

use entraide_core::claim::{ClaimState, ClaimStep, Party, claim_step, first_claim_minutes};
use entraide_core::ledger::Refusal;
use serde::Serialize;

use crate::ledger::{Holder, Movement, TransferError, apply_in};
use crate::{Db, Listing, Page, StoreError, now};

/// A claim as pages and the API show it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct Claim {
    pub id: i64,
    pub bank_id: i64,
    pub exchange_id: i64,
    pub exchange_title: String,
    pub helper_id: Option<i64>,
    pub helper_name: Option<String>,
    pub helped_id: Option<i64>,
    pub helped_name: Option<String>,
    pub minutes: i64,
    /// pending, confirmed, disputed or cancelled
    pub state: String,
    /// The reason given by the person helped, when disputed.
    pub dispute: String,
    /// A ledger code, when the bank could not credit it on the due day.
    pub refusal: String,
    /// When a pending claim counts as confirmed.
    pub due_at: i64,
    pub transfer_id: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A step to take on a claim.
#[derive(Debug, Clone)]
pub struct ClaimAction<'a> {
    pub id: i64,
    pub step: ClaimStep,
    /// The party the actor acts as (checked by the caller).
    pub party: Party,
    /// New minutes for `adjust`, `confirm` or `settle`; `None` keeps them.
    pub minutes: Option<i64>,
    /// The reason, for `dispute` and `cancel`.
    pub why: &'a str,
    pub by: i64,
}

const CLAIM_SELECT: &str = "SELECT c.id, c.bank_id, c.exchange_id, e.title AS exchange_title, \
     c.helper_id, hr.display_name AS helper_name, c.helped_id, hd.display_name AS helped_name, \
     c.minutes, c.state, c.dispute, c.refusal, c.due_at, c.transfer_id, c.created_at, c.updated_at \
     FROM time_claims c JOIN exchanges e ON e.id = c.exchange_id \
     LEFT JOIN users hr ON hr.id = c.helper_id LEFT JOIN users hd ON hd.id = c.helped_id";

/// Opens a pending claim for every helped participation of a done
/// exchange, in the bank both people belong to (the exchange's own
/// organisation first). Exchanges outside any shared bank open none.
pub(crate) async fn open_claims(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    exchange_id: i64,
    at: i64,
) -> Result<u64, StoreError> {
    let (kind, owner, org, from, to): (String, i64, Option<i64>, Option<i64>, Option<i64>) =
        sqlx::query_as(
            "SELECT kind, owner_id, org_id, time_from, time_to FROM exchanges WHERE id = $1",
        )
        .bind(exchange_id)
        .fetch_one(&mut **tx)
        .await?;
    let others: Vec<i64> = sqlx::query_scalar(
        "SELECT user_id FROM participations WHERE exchange_id = $1 AND part = 'helped' ORDER BY user_id",
    )
    .bind(exchange_id)
    .fetch_all(&mut **tx)
    .await?;
    let minutes = first_claim_minutes(from, to);
    let mut opened = 0;
    for other in others {
        let (helper, helped) = if kind == "need" {
            (other, owner)
        } else {
            (owner, other)
        };
        opened += sqlx::query(
            "INSERT INTO time_claims (bank_id, exchange_id, helper_id, helped_id, minutes, due_at, \
             created_at, updated_at) \
             SELECT b.org_id, $1, $2, $3, $4, $5 + b.confirm_days * 86400, $5, $5 FROM time_banks b \
             JOIN memberships m1 ON m1.org_id = b.org_id AND m1.user_id = $2 \
             JOIN memberships m2 ON m2.org_id = b.org_id AND m2.user_id = $3 \
             ORDER BY CASE WHEN b.org_id = $6 THEN 0 ELSE 1 END, b.org_id LIMIT 1",
        )
        .bind(exchange_id)
        .bind(helper)
        .bind(helped)
        .bind(minutes)
        .bind(at)
        .bind(org.unwrap_or(0))
        .execute(&mut **tx)
        .await?
        .rows_affected();
    }
    Ok(opened)
}

impl Db {
    pub async fn claim(&self, id: i64) -> Result<Claim, StoreError> {
        let sql = format!("{CLAIM_SELECT} WHERE c.id = $1");
        sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// The claims of one exchange.
    pub async fn claims_of_exchange(&self, exchange_id: i64) -> Result<Vec<Claim>, StoreError> {
        let sql = format!("{CLAIM_SELECT} WHERE c.exchange_id = $1 ORDER BY c.id");
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(exchange_id)
            .fetch_all(&self.pool)
            .await?)
    }

    /// A bank's claims in one state, oldest first (a queue to work through).
    pub async fn bank_claims(
        &self,
        bank: i64,
        state: ClaimState,
        page: Page,
    ) -> Result<Listing<Claim>, StoreError> {
        let sql = format!(
            "{CLAIM_SELECT} WHERE c.bank_id = $1 AND c.state = $2 ORDER BY c.id LIMIT $3 OFFSET $4"
        );
        let rows = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(bank)
            .bind(state.key())
            .bind(page.limit())
            .bind(page.offset())
            .fetch_all(&self.pool)
            .await?;
        Ok(Listing::cut(rows, page))
    }

    /// A person's open claims in a bank, as helper or as the person helped.
    pub async fn open_claims_of(&self, bank: i64, user: i64) -> Result<Vec<Claim>, StoreError> {
        let sql = format!(
            "{CLAIM_SELECT} WHERE c.bank_id = $1 AND c.state IN ('pending', 'disputed') \
             AND (c.helped_id = $2 OR c.helper_id = $2) ORDER BY c.id LIMIT 100"
        );
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(bank)
            .bind(user)
            .fetch_all(&self.pool)
            .await?)
    }

    /// Pending claims whose delay passed, oldest first.
    pub async fn due_claims(&self, at: i64, limit: i64) -> Result<Vec<i64>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT id FROM time_claims WHERE state = 'pending' AND due_at <= $1 AND refusal = '' \
             ORDER BY due_at, id LIMIT $2",
        )
        .bind(at)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Takes a step on a claim; when it pays, the minutes move from the
    /// person helped (or the organisation, for `pay_collective`) to the
    /// helper in the same transaction.
    pub async fn take_claim_step(&self, action: &ClaimAction<'_>) -> Result<Claim, TransferError> {
        let seen = self.claim(action.id).await?;
        let pays = action.step.pays();
        // Accounts are found (or opened) before the transaction: on SQLite a
        // second connection could not write while it holds the database.
        let accounts = if pays {
            let payer = if action.step == ClaimStep::PayCollective {
                Some(Holder::Organisation)
            } else {
                seen.helped_id.map(Holder::Member)
            };
            // An erased account cannot pay or be paid.
            let (Some(helper), Some(payer)) = (seen.helper_id, payer) else {
                if action.step == ClaimStep::AutoConfirm {
                    self.note_refusal(action.id, Refusal::Unknown).await?;
                }
                return Err(Refusal::Unknown.into());
            };
            Some((
                self.time_account(seen.bank_id, payer).await?,
                self.time_account(seen.bank_id, Holder::Member(helper))
                    .await?,
                self.bank_limits(seen.bank_id).await?,
            ))
        } else {
            None
        };
        let at = now();
        let mut tx = self.pool.begin().await?;
        let (state, minutes): (String, i64) = sqlx::query_as(
            "UPDATE time_claims SET updated_at = $1 WHERE id = $2 RETURNING state, minutes",
        )
        .bind(at)
        .bind(action.id)
        .fetch_one(&mut *tx)
        .await
        .map_err(StoreError::from)?;
        let current = ClaimState::parse(&state).map_err(|_| StoreError::NotFound)?;
        let next = claim_step(current, action.step, action.party)?;
        let minutes = action.minutes.unwrap_or(minutes);
        let mut transfer_id = None;
        if let Some((from, to, limits)) = accounts {
            let key = format!("claim:{}", action.id);
            let reason: String = seen.exchange_title.chars().take(200).collect();
            let movement = Movement {
                bank: seen.bank_id,
                from,
                to,
                minutes,
                kind: if action.step == ClaimStep::PayCollective {
                    "collective"
                } else {
                    "exchange"
                },
                reason: &reason,
                exchange_id: Some(seen.exchange_id),
                reverses: None,
                key: &key,
                by: action.by,
            };
            match apply_in(&mut tx, &movement, limits).await {
                Ok(transfer) => transfer_id = Some(transfer.id),
                Err(TransferError::Refused(refusal)) if action.step == ClaimStep::AutoConfirm => {
                    drop(tx);
                    self.note_refusal(action.id, refusal).await?;
                    return Err(refusal.into());
                }
                Err(other) => return Err(other),
            }
        }
        let dispute = match action.step {
            ClaimStep::Dispute | ClaimStep::Cancel | ClaimStep::Withdraw => action.why,
            ClaimStep::Confirm | ClaimStep::Settle | ClaimStep::PayCollective => "",
            ClaimStep::Adjust | ClaimStep::AutoConfirm => &seen.dispute,
        };
        sqlx::query(
            "UPDATE time_claims SET state = $1, minutes = $2, dispute = $3, transfer_id = $4, \
             decided_by = $5 WHERE id = $6",
        )
        .bind(next.key())
        .bind(minutes)
        .bind(dispute)
        .bind(transfer_id)
        .bind((action.step != ClaimStep::AutoConfirm).then_some(action.by))
        .bind(action.id)
        .execute(&mut *tx)
        .await
        .map_err(StoreError::from)?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(self.claim(action.id).await?)
    }

    /// Marks a due claim the bank could not credit (the person helped is
    /// at the floor, or the helper at the ceiling): it waits for the
    /// bank's administrators, who see it with the disputed ones.
    async fn note_refusal(&self, id: i64, refusal: Refusal) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE time_claims SET state = 'disputed', refusal = $1, updated_at = $2 \
             WHERE id = $3 AND state = 'pending'",
        )
        .bind(refusal.code())
        .bind(now())
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

impl Db {
    /// Every claim a person took part in, as helper or person helped, for
    /// their data download.
    pub async fn claims_of_person(&self, user: i64) -> Result<Vec<Claim>, StoreError> {
        let sql =
            format!("{CLAIM_SELECT} WHERE c.helper_id = $1 OR c.helped_id = $1 ORDER BY c.id");
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(user)
            .fetch_all(&self.pool)
            .await?)
    }

    /// Who settles a bank's disputes: its organisation's administrators.
    pub async fn bank_admins(&self, bank: i64) -> Result<Vec<i64>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT user_id FROM memberships WHERE org_id = $1 AND role = 'admin' ORDER BY user_id",
        )
        .bind(bank)
        .fetch_all(&self.pool)
        .await?)
    }
}
