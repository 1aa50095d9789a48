//! What a time bank shows: an account's statement and the bank's totals,
//! with the check that every balance equals the sum of its entries.

use serde::Serialize;

use crate::{Db, Listing, Page, StoreError};

/// One line of an account's statement.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct StatementLine {
    pub transfer_id: i64,
    /// Signed: negative when the account paid.
    pub minutes: i64,
    pub balance_after: i64,
    pub kind: String,
    pub reason: String,
    /// The other side's name (the organisation's account has none).
    pub other_name: Option<String>,
    pub reverses: Option<i64>,
    pub created_at: i64,
}

/// A bank's figures for its administrators.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct BankTotals {
    /// Always zero.
    pub sum: i64,
    pub accounts: i64,
    pub transfers: i64,
    /// Minutes held by accounts in credit.
    pub in_credit: i64,
    /// Accounts whose balance differs from the sum of their entries: always zero.
    pub mismatched: i64,
    /// Transfers without exactly two entries summing to zero: always zero.
    pub unbalanced: i64,
}

/// One movement of a bank, as its administrators list them.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct BankLine {
    pub id: i64,
    /// Empty for the organisation's account (or an erased member).
    pub from_name: Option<String>,
    pub to_name: Option<String>,
    pub minutes: i64,
    pub kind: String,
    pub reason: String,
    pub reverses: Option<i64>,
    /// 1 when a later movement reverses this one.
    pub reversed: i64,
    pub created_at: i64,
}

impl Db {
    /// A bank's movements, newest first.
    pub async fn bank_transfers(
        &self,
        bank: i64,
        page: Page,
    ) -> Result<Listing<BankLine>, StoreError> {
        let rows = sqlx::query_as(
            "SELECT t.id, uf.display_name AS from_name, ut.display_name AS to_name, t.minutes, t.kind, \
             t.reason, t.reverses, (SELECT COUNT(*) FROM time_transfers r WHERE r.reverses = t.id) AS reversed, \
             t.created_at FROM time_transfers t \
             JOIN time_accounts af ON af.id = t.from_account LEFT JOIN users uf ON uf.id = af.user_id \
             JOIN time_accounts ab ON ab.id = t.to_account LEFT JOIN users ut ON ut.id = ab.user_id \
             WHERE t.bank_id = $1 ORDER BY t.id DESC LIMIT $2 OFFSET $3",
        )
        .bind(bank)
        .bind(page.limit())
        .bind(page.offset())
        .fetch_all(&self.pool)
        .await?;
        Ok(Listing::cut(rows, page))
    }

    /// An account's movements, newest first.
    pub async fn statement(
        &self,
        account: i64,
        page: Page,
    ) -> Result<Listing<StatementLine>, StoreError> {
        let rows = sqlx::query_as(
            "SELECT e.transfer_id, e.minutes, e.balance_after, t.kind, t.reason, u.display_name AS other_name, \
             t.reverses, t.created_at FROM time_entries e JOIN time_transfers t ON t.id = e.transfer_id \
             JOIN time_entries o ON o.transfer_id = e.transfer_id AND o.account_id <> e.account_id \
             JOIN time_accounts a ON a.id = o.account_id LEFT JOIN users u ON u.id = a.user_id \
             WHERE e.account_id = $1 ORDER BY e.transfer_id DESC LIMIT $2 OFFSET $3",
        )
        .bind(account)
        .bind(page.limit())
        .bind(page.offset())
        .fetch_all(&self.pool)
        .await?;
        Ok(Listing::cut(rows, page))
    }

    /// A bank's totals, and whether every balance matches its entries.
    pub async fn bank_totals(&self, bank: i64) -> Result<BankTotals, StoreError> {
        let (sum, accounts, in_credit): (i64, i64, i64) = sqlx::query_as(
            "SELECT CAST(COALESCE(SUM(balance), 0) AS BIGINT), COUNT(*), \
             CAST(COALESCE(SUM(CASE WHEN balance > 0 THEN balance ELSE 0 END), 0) AS BIGINT) \
             FROM time_accounts WHERE bank_id = $1",
        )
        .bind(bank)
        .fetch_one(&self.pool)
        .await?;
        let transfers: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM time_transfers WHERE bank_id = $1")
                .bind(bank)
                .fetch_one(&self.pool)
                .await?;
        let mismatched: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM time_accounts a WHERE a.bank_id = $1 AND a.balance <> \
             COALESCE((SELECT SUM(e.minutes) FROM time_entries e WHERE e.account_id = a.id), 0)",
        )
        .bind(bank)
        .fetch_one(&self.pool)
        .await?;
        let unbalanced: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM time_transfers t WHERE t.bank_id = $1 AND \
             ((SELECT COUNT(*) FROM time_entries e WHERE e.transfer_id = t.id) <> 2 \
              OR (SELECT COALESCE(SUM(e.minutes), 0) FROM time_entries e WHERE e.transfer_id = t.id) <> 0)",
        )
        .bind(bank)
        .fetch_one(&self.pool)
        .await?;
        Ok(BankTotals {
            sum,
            accounts,
            transfers,
            in_credit,
            mismatched,
            unbalanced,
        })
    }

    /// A member's accounts: (bank, account, balance).
    pub async fn time_accounts_of(&self, user: i64) -> Result<Vec<(i64, i64, i64)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT bank_id, id, balance FROM time_accounts WHERE user_id = $1 ORDER BY bank_id",
        )
        .bind(user)
        .fetch_all(&self.pool)
        .await?)
    }
}
