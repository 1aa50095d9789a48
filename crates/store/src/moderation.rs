//! Moderation of conversations: people report messages, moderators see the
//! open reports of the organisations they moderate (everything for platform
//! administrators), hide or unhide messages, warn or suspend authors, or
//! dismiss reports. Every act lands in the moderation log with the act.

use entraide_core::conversation::ModerationAction;
use serde::Serialize;

use crate::sql::{Arg, Clauses, bind_all};
use crate::{Db, Listing, Page, StoreError, now};

/// A message with what moderation needs to know of it.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct MessageContext {
    pub id: i64,
    pub conversation_id: i64,
    pub author_id: Option<i64>,
    pub author_name: Option<String>,
    pub body: String,
    pub created_at: i64,
    pub hidden_at: Option<i64>,
    /// The organisation whose admins moderate the conversation.
    pub moderating_org: Option<i64>,
}

/// An open report, with the message it is about.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct Report {
    pub id: i64,
    pub message_id: i64,
    pub conversation_id: i64,
    pub reason: String,
    pub reported_at: i64,
    pub reporter_name: Option<String>,
    pub author_id: Option<i64>,
    pub author_name: Option<String>,
    /// The message's text, also when it is hidden: moderators read it.
    pub body: String,
    pub hidden_at: Option<i64>,
    pub author_suspended_until: Option<i64>,
    pub org_id: Option<i64>,
    pub org_name: Option<String>,
}

/// One line of the moderation log.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct LogEntry {
    pub id: i64,
    pub action: String,
    pub actor_name: Option<String>,
    pub target_name: Option<String>,
    pub message_id: Option<i64>,
    pub org_name: Option<String>,
    pub note: String,
    pub created_at: i64,
}

/// One act of a moderator.
#[derive(Debug, Clone)]
pub struct Act<'a> {
    pub action: ModerationAction,
    pub actor_id: i64,
    pub message_id: i64,
    /// The organisation in whose name the moderator acts, if any.
    pub org_id: Option<i64>,
    pub note: &'a str,
    /// For a suspension: until when (Unix seconds).
    pub until: Option<i64>,
}

/// Which reports and log lines a moderator sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Platform administrators: everything.
    All,
    /// Those of conversations linked to these organisations.
    Orgs(Vec<i64>),
}

/// The organisation moderating a message's conversation, from `m` and `c`.
const MODERATING_ORG: &str = "COALESCE(c.org_id, \
     (SELECT e.org_id FROM exchanges e WHERE e.id = c.exchange_id), \
     (SELECT g.org_id FROM pairings p JOIN programmes g ON g.id = p.programme_id WHERE p.id = c.pairing_id))";

impl Scope {
    /// Adds the scope's condition on `column` (an organisation id), or
    /// `None` when nothing can match.
    fn restrict(&self, clauses: &mut Clauses, column: &str) -> Option<()> {
        match self {
            Self::All => Some(()),
            Self::Orgs(orgs) if orgs.is_empty() => None,
            Self::Orgs(orgs) => {
                let list = clauses.list(orgs);
                clauses.push(format!("{column} IN ({list})"));
                Some(())
            }
        }
    }
}

impl Db {
    /// A message and the organisation that moderates its conversation.
    pub async fn message_context(&self, id: i64) -> Result<MessageContext, StoreError> {
        let sql = format!(
            "SELECT m.id, m.conversation_id, m.author_id, u.display_name AS author_name, m.body, \
             m.created_at, m.hidden_at, {MODERATING_ORG} AS moderating_org \
             FROM messages m JOIN conversations c ON c.id = m.conversation_id \
             LEFT JOIN users u ON u.id = m.author_id WHERE m.id = $1"
        );
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_one(&self.pool)
            .await?)
    }

    /// Records `reporter`'s report of a message; `Conflict` when they
    /// already reported it.
    pub async fn report_message(
        &self,
        message: i64,
        reporter: i64,
        reason: &str,
    ) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "INSERT INTO message_reports (message_id, reporter_id, reason, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(message)
        .bind(reporter)
        .bind(reason)
        .bind(now())
        .fetch_one(&self.pool)
        .await?)
    }

    /// Open reports in `scope`, the newest first.
    pub async fn open_reports(
        &self,
        scope: &Scope,
        page: Page,
    ) -> Result<Listing<Report>, StoreError> {
        let mut clauses = Clauses::default();
        if scope.restrict(&mut clauses, "r.org_id").is_none() {
            return Ok(Listing {
                rows: Vec::new(),
                more: false,
            });
        }
        let limit = clauses.arg(Arg::Int(page.limit()));
        let offset = clauses.arg(Arg::Int(page.offset()));
        let sql = format!(
            "SELECT r.*, o.name AS org_name FROM (\
               SELECT mr.id, mr.message_id, m.conversation_id, mr.reason, mr.created_at AS reported_at, \
               rp.display_name AS reporter_name, m.author_id, au.display_name AS author_name, m.body, \
               m.hidden_at, au.suspended_until AS author_suspended_until, {MODERATING_ORG} AS org_id \
               FROM message_reports mr JOIN messages m ON m.id = mr.message_id \
               JOIN conversations c ON c.id = m.conversation_id \
               LEFT JOIN users rp ON rp.id = mr.reporter_id LEFT JOIN users au ON au.id = m.author_id \
               WHERE mr.resolved_at IS NULL) r \
             LEFT JOIN organisations o ON o.id = r.org_id{} \
             ORDER BY r.id DESC LIMIT {limit} OFFSET {offset}",
            clauses.where_sql()
        );
        let query = sqlx::query_as(sqlx::AssertSqlSafe(sql));
        let rows = bind_all!(query, &clauses.args)
            .fetch_all(&self.pool)
            .await?;
        Ok(Listing::cut(rows, page))
    }

    /// Applies one moderator's act and logs it, in one transaction. Hiding,
    /// warning, suspending and dismissing settle the message's open
    /// reports. Returns the log line's id.
    pub async fn moderate(&self, act: &Act<'_>) -> Result<i64, StoreError> {
        // A suspension writes the users table, which the sign-in cache reads.
        let _writing = self.writing();
        let at = now();
        let author: Option<i64> =
            sqlx::query_scalar("SELECT author_id FROM messages WHERE id = $1")
                .bind(act.message_id)
                .fetch_one(&self.pool)
                .await?;
        // Every act below starts with a write: on SQLite, a transaction that
        // read first fails at once when another connection wrote meanwhile.
        let mut tx = self.pool.begin().await?;
        match act.action {
            ModerationAction::Hide => {
                sqlx::query(
                    "UPDATE messages SET hidden_at = $1, hidden_by = $2 WHERE id = $3 AND hidden_at IS NULL",
                )
                .bind(at)
                .bind(act.actor_id)
                .bind(act.message_id)
                .execute(&mut *tx)
                .await?;
            }
            ModerationAction::Unhide => {
                sqlx::query("UPDATE messages SET hidden_at = NULL, hidden_by = NULL WHERE id = $1")
                    .bind(act.message_id)
                    .execute(&mut *tx)
                    .await?;
            }
            ModerationAction::Suspend => {
                let author = author.ok_or(StoreError::NotFound)?;
                sqlx::query("UPDATE users SET suspended_until = $1 WHERE id = $2")
                    .bind(act.until.unwrap_or(at))
                    .bind(author)
                    .execute(&mut *tx)
                    .await?;
            }
            ModerationAction::Warn | ModerationAction::Dismiss => {}
        }
        if act.action.resolves_reports() {
            sqlx::query(
                "UPDATE message_reports SET resolved_at = $1, resolved_by = $2, outcome = $3 \
                 WHERE message_id = $4 AND resolved_at IS NULL",
            )
            .bind(at)
            .bind(act.actor_id)
            .bind(act.action.key())
            .bind(act.message_id)
            .execute(&mut *tx)
            .await?;
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO moderation_log (actor_id, action, target_id, message_id, org_id, note, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(act.actor_id)
        .bind(act.action.key())
        .bind(author)
        .bind(act.message_id)
        .bind(act.org_id)
        .bind(act.note)
        .bind(at)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Until when a person may not post, if suspended now.
    pub async fn suspended_until(&self, user: i64) -> Result<Option<i64>, StoreError> {
        let until: Option<i64> =
            sqlx::query_scalar("SELECT suspended_until FROM users WHERE id = $1")
                .bind(user)
                .fetch_one(&self.pool)
                .await?;
        Ok(until.filter(|u| *u > now()))
    }

    /// The moderation log in `scope`, the newest first.
    pub async fn moderation_log(
        &self,
        scope: &Scope,
        page: Page,
    ) -> Result<Listing<LogEntry>, StoreError> {
        let mut clauses = Clauses::default();
        if scope.restrict(&mut clauses, "l.org_id").is_none() {
            return Ok(Listing {
                rows: Vec::new(),
                more: false,
            });
        }
        let limit = clauses.arg(Arg::Int(page.limit()));
        let offset = clauses.arg(Arg::Int(page.offset()));
        let sql = format!(
            "SELECT l.id, l.action, a.display_name AS actor_name, t.display_name AS target_name, \
             l.message_id, o.name AS org_name, l.note, l.created_at FROM moderation_log l \
             LEFT JOIN users a ON a.id = l.actor_id LEFT JOIN users t ON t.id = l.target_id \
             LEFT JOIN organisations o ON o.id = l.org_id{} \
             ORDER BY l.id DESC LIMIT {limit} OFFSET {offset}",
            clauses.where_sql()
        );
        let query = sqlx::query_as(sqlx::AssertSqlSafe(sql));
        let rows = bind_all!(query, &clauses.args)
            .fetch_all(&self.pool)
            .await?;
        Ok(Listing::cut(rows, page))
    }
}
