//! Time banks in the database: accounts, transfers and their two balanced
//! entries, applied so that a bank's balances always add up to zero and
//! stay within its limits, whatever runs at the same time.
//!
//! A transfer is one transaction that writes before it reads: the transfer
//! row first, then the payer's row, debited only if it stays above the
//! floor (the organisation's own account, which pays collective work, has
//! none), and the payee's, credited only if it stays under the ceiling
//! (both conditions in the `UPDATE` itself, so concurrent transfers cannot
//! both pass a stale check), the two rows in the order of their ids (no
//! deadlock between A→B and B→A), then both entries at once. Its
//! idempotency key is unique: a retried request finds the first one
//! instead of paying twice.

use entraide_core::ledger::{Limits, Minutes, Refusal};
use serde::Serialize;

use crate::{Db, StoreError, now};

/// One movement to record.
#[derive(Debug, Clone)]
pub struct NewTransfer<'a> {
    pub bank: i64,
    pub from: Holder,
    pub to: Holder,
    pub minutes: Minutes,
    /// gift, exchange or collective
    pub kind: &'a str,
    pub reason: &'a str,
    pub exchange_id: Option<i64>,
    /// Unique per bank and author; the same key returns the same transfer.
    pub key: &'a str,
    pub by: i64,
}

/// Whose account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holder {
    Member(i64),
    /// The organisation's own account.
    Organisation,
}

/// A recorded transfer.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct Transfer {
    pub id: i64,
    pub bank_id: i64,
    pub from_account: i64,
    pub to_account: i64,
    pub minutes: i64,
    pub kind: String,
    pub reason: String,
    pub reverses: Option<i64>,
    pub created_at: i64,
}

/// Why a transfer did not happen.
#[derive(Debug, thiserror::Error)]
pub enum TransferError {
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// A claim step not allowed from the claim's state or by this party.
    #[error(transparent)]
    Claim(#[from] entraide_core::claim::Refused),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for TransferError {
    fn from(error: sqlx::Error) -> Self {
        Self::Store(error.into())
    }
}

const TRANSFER_COLUMNS: &str =
    "id, bank_id, from_account, to_account, minutes, kind, reason, reverses, created_at";

impl Db {
    /// Opens an organisation's time bank (or changes its limits).
    pub async fn open_bank(
        &self,
        org: i64,
        limits: Limits,
        confirm_days: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO time_banks (org_id, floor_minutes, ceiling_minutes, confirm_days, created_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (org_id) DO UPDATE SET \
             floor_minutes = excluded.floor_minutes, ceiling_minutes = excluded.ceiling_minutes, \
             confirm_days = excluded.confirm_days",
        )
        .bind(org)
        .bind(limits.floor)
        .bind(limits.ceiling)
        .bind(confirm_days)
        .bind(now())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// A bank's limits; `NotFound` when the organisation runs none.
    pub async fn bank_limits(&self, org: i64) -> Result<Limits, StoreError> {
        let (floor, ceiling): (i64, i64) = sqlx::query_as(
            "SELECT floor_minutes, ceiling_minutes FROM time_banks WHERE org_id = $1",
        )
        .bind(org)
        .fetch_one(&self.pool)
        .await?;
        Ok(Limits { floor, ceiling })
    }

    /// The account of `holder` in `bank`, opened at zero on first use.
    pub async fn time_account(&self, bank: i64, holder: Holder) -> Result<i64, StoreError> {
        let (kind, user) = match holder {
            Holder::Member(user) => ("member", Some(user)),
            Holder::Organisation => ("organisation", None),
        };
        let find =
            || async {
                match holder {
                    Holder::Member(user) => {
                        sqlx::query_scalar::<_, i64>(
                            "SELECT id FROM time_accounts WHERE bank_id = $1 AND user_id = $2",
                        )
                        .bind(bank)
                        .bind(user)
                        .fetch_optional(&self.pool)
                        .await
                    }
                    Holder::Organisation => sqlx::query_scalar::<_, i64>(
                        "SELECT id FROM time_accounts WHERE bank_id = $1 AND kind = 'organisation'",
                    )
                    .bind(bank)
                    .fetch_optional(&self.pool)
                    .await,
                }
            };
        if let Some(id) = find().await? {
            return Ok(id);
        }
        let inserted = sqlx::query(
            "INSERT INTO time_accounts (bank_id, kind, user_id, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(bank)
        .bind(kind)
        .bind(user)
        .bind(now())
        .execute(&self.pool)
        .await;
        match inserted.map_err(StoreError::from) {
            Ok(_) | Err(StoreError::Conflict) => {}
            Err(other) => return Err(other),
        }
        find().await?.ok_or(StoreError::NotFound)
    }

    pub async fn balance(&self, account: i64) -> Result<i64, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT balance FROM time_accounts WHERE id = $1")
                .bind(account)
                .fetch_one(&self.pool)
                .await?,
        )
    }

    /// Records a transfer, or returns the one already recorded under its key.
    pub async fn transfer(&self, new: &NewTransfer<'_>) -> Result<Transfer, TransferError> {
        let key = format!("{}:{}:{}", new.bank, new.by, new.key);
        if let Some(done) = self.transfer_by_key(&key).await? {
            return Ok(done);
        }
        let limits = self.bank_limits(new.bank).await?;
        let from = self.time_account(new.bank, new.from).await?;
        let to = self.time_account(new.bank, new.to).await?;
        let movement = Movement {
            bank: new.bank,
            from,
            to,
            minutes: new.minutes.get(),
            kind: new.kind,
            reason: new.reason,
            exchange_id: new.exchange_id,
            reverses: None,
            key: &key,
            by: new.by,
        };
        self.apply(&movement, limits).await
    }

    /// Moves back what transfer `id` moved; one reversal per transfer.
    pub async fn reverse_transfer(
        &self,
        bank: i64,
        id: i64,
        reason: &str,
        by: i64,
    ) -> Result<Transfer, TransferError> {
        let key = format!("reverse:{id}");
        if let Some(done) = self.transfer_by_key(&key).await? {
            return Ok(done);
        }
        let sql =
            format!("SELECT {TRANSFER_COLUMNS} FROM time_transfers WHERE id = $1 AND bank_id = $2");
        let original: Option<Transfer> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .bind(bank)
            .fetch_optional(&self.pool)
            .await?;
        let original = original.ok_or(Refusal::Unknown)?;
        if original.reverses.is_some() {
            return Err(Refusal::NotReversible.into());
        }
        let limits = self.bank_limits(bank).await?;
        let movement = Movement {
            bank,
            from: original.to_account,
            to: original.from_account,
            minutes: original.minutes,
            kind: "reversal",
            reason,
            exchange_id: None,
            reverses: Some(id),
            key: &key,
            by,
        };
        self.apply(&movement, limits).await
    }

    async fn transfer_by_key(&self, key: &str) -> Result<Option<Transfer>, StoreError> {
        let sql =
            format!("SELECT {TRANSFER_COLUMNS} FROM time_transfers WHERE idempotency_key = $1");
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(key)
            .fetch_optional(&self.pool)
            .await?)
    }

    async fn apply(&self, m: &Movement<'_>, limits: Limits) -> Result<Transfer, TransferError> {
        let mut tx = self.pool.begin().await?;
        match apply_in(&mut tx, m, limits).await {
            Ok(transfer) => {
                tx.commit().await?;
                Ok(transfer)
            }
            Err(TransferError::Store(StoreError::Conflict)) => {
                drop(tx);
                // The same key won a race, or the transfer was already reversed.
                match self.transfer_by_key(m.key).await? {
                    Some(done) => Ok(done),
                    None => Err(Refusal::AlreadyReversed.into()),
                }
            }
            Err(other) => Err(other),
        }
    }
}

/// Applies a movement inside `tx`, which the caller commits; a transfer
/// already recorded under the same key (or a second reversal) comes back as
/// [`StoreError::Conflict`], after which the transaction is unusable.
pub(crate) async fn apply_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    m: &Movement<'_>,
    limits: Limits,
) -> Result<Transfer, TransferError> {
    if m.from == m.to {
        return Err(Refusal::SameAccount.into());
    }
    // The transfer's row before the accounts': it waits on no other
    // transfer, and a repeated key fails here, before any account is locked.
    // From the first account's update to the commit, every transfer that
    // touches either account waits, so that stretch is kept to three
    // statements.
    let sql = format!(
        "INSERT INTO time_transfers (bank_id, from_account, to_account, minutes, kind, reason, \
             exchange_id, reverses, idempotency_key, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING {TRANSFER_COLUMNS}"
    );
    let inserted = sqlx::query_as::<_, Transfer>(sqlx::AssertSqlSafe(sql))
        .bind(m.bank)
        .bind(m.from)
        .bind(m.to)
        .bind(m.minutes)
        .bind(m.kind)
        .bind(m.reason)
        .bind(m.exchange_id)
        .bind(m.reverses)
        .bind(m.key)
        .bind(m.by)
        .bind(now())
        .fetch_one(&mut **tx)
        .await;
    let transfer = inserted.map_err(StoreError::from)?;
    // Lower id first, so two opposite transfers lock in the same order.
    let mut balances = [(m.from, 0_i64), (m.to, 0_i64)];
    let order = if m.from < m.to { [0, 1] } else { [1, 0] };
    let mut payer_done = false;
    for i in order {
        let (account, _) = balances[i];
        let after: Option<i64> = if account == m.from {
            sqlx::query_scalar(
                "UPDATE time_accounts SET balance = balance - $1 WHERE id = $2 AND bank_id = $3 \
                     AND (kind = 'organisation' OR balance - $1 >= $4) RETURNING balance",
            )
            .bind(m.minutes)
            .bind(account)
            .bind(m.bank)
            .bind(limits.floor)
            .fetch_optional(&mut **tx)
            .await?
        } else {
            sqlx::query_scalar(
                "UPDATE time_accounts SET balance = balance + $1 WHERE id = $2 AND bank_id = $3 \
                     AND balance + $1 <= $4 RETURNING balance",
            )
            .bind(m.minutes)
            .bind(account)
            .bind(m.bank)
            .bind(limits.ceiling)
            .fetch_optional(&mut **tx)
            .await?
        };
        let Some(after) = after else {
            // Dropping the transaction rolls back the transfer and the
            // other account. When both limits would refuse, the payer's
            // floor is the answer, whichever row came first.
            let payer_short: i64 = if account == m.from || payer_done {
                0
            } else {
                sqlx::query_scalar(
                        "SELECT COUNT(*) FROM time_accounts WHERE id = $1 AND kind = 'member' AND balance - $2 < $3",
                    )
                    .bind(m.from)
                    .bind(m.minutes)
                    .bind(limits.floor)
                    .fetch_one(&mut **tx)
                    .await?
            };
            let refusal = if account == m.from || payer_short > 0 {
                Refusal::Floor
            } else {
                Refusal::Ceiling
            };
            return Err(refusal.into());
        };
        balances[i].1 = after;
        payer_done |= account == m.from;
    }
    sqlx::query(
        "INSERT INTO time_entries (transfer_id, account_id, minutes, balance_after) \
         VALUES ($1, $2, $3, $4), ($1, $5, $6, $7)",
    )
    .bind(transfer.id)
    .bind(m.from)
    .bind(-m.minutes)
    .bind(balances[0].1)
    .bind(m.to)
    .bind(m.minutes)
    .bind(balances[1].1)
    .execute(&mut **tx)
    .await?;
    Ok(transfer)
}

/// A transfer resolved to accounts.
pub(crate) struct Movement<'a> {
    pub bank: i64,
    pub from: i64,
    pub to: i64,
    pub minutes: i64,
    pub kind: &'a str,
    pub reason: &'a str,
    pub exchange_id: Option<i64>,
    pub reverses: Option<i64>,
    pub key: &'a str,
    pub by: i64,
}
