//! Moderation of the local board: reports of posts and comments, the queue
//! of open reports, hiding and showing again, dismissing; every act lands in
//! the moderation log in the same transaction. Who moderates a post is
//! decided from the organisations its author belongs to.

use serde::Serialize;

use crate::moderation::Scope;
use crate::sql::{Arg, Clauses, bind_all};
use crate::{Db, Listing, Page, StoreError, now};

/// An open report, with the text it is about (moderators read hidden text).
#[derive(Debug, Clone, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct BoardReport {
    pub id: i64,
    pub post_id: i64,
    /// 0 when the post itself is reported.
    pub comment_id: i64,
    pub reason: String,
    pub reported_at: i64,
    pub reporter_name: Option<String>,
    pub author_name: Option<String>,
    pub post_title: String,
    /// The reported text: the post's, or the comment's.
    pub body: String,
    pub hidden_at: Option<i64>,
}

/// What a moderator does to a post or one of its comments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoardAction {
    Hide,
    Unhide,
    Dismiss,
}

impl BoardAction {
    pub fn key(self) -> &'static str {
        match self {
            Self::Hide => "hide",
            Self::Unhide => "unhide",
            Self::Dismiss => "dismiss",
        }
    }
}

/// One moderator's act.
#[derive(Debug, Clone)]
pub struct BoardAct<'a> {
    pub action: BoardAction,
    pub actor_id: i64,
    pub post_id: i64,
    /// 0: the post itself.
    pub comment_id: i64,
    pub note: &'a str,
}

impl Db {
    /// The organisations the author of a post belongs to: their moderators
    /// moderate the post.
    pub async fn post_author_orgs(&self, post: i64) -> Result<Vec<i64>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT m.org_id FROM memberships m JOIN board_posts p ON p.author_id = m.user_id \
             WHERE p.id = $1 ORDER BY m.org_id",
        )
        .bind(post)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Records a report; `Conflict` when this person already reported it.
    pub async fn report_board(
        &self,
        post: i64,
        comment: i64,
        reporter: i64,
        reason: &str,
    ) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "INSERT INTO board_reports (post_id, comment_id, reporter_id, reason, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(post)
        .bind(comment)
        .bind(reporter)
        .bind(reason)
        .bind(now())
        .fetch_one(&self.pool)
        .await?)
    }

    /// Open reports in `scope` (for organisations: posts whose author is a
    /// member of one of them), newest first.
    pub async fn open_board_reports(
        &self,
        scope: &Scope,
        page: Page,
    ) -> Result<Listing<BoardReport>, StoreError> {
        let mut c = Clauses::default();
        c.push("r.resolved_at IS NULL".to_owned());
        match scope {
            Scope::All => {}
            Scope::Orgs(orgs) if orgs.is_empty() => {
                return Ok(Listing {
                    rows: Vec::new(),
                    more: false,
                });
            }
            Scope::Orgs(orgs) => {
                let list = c.list(orgs);
                c.push(format!(
                    "EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = p.author_id AND m.org_id IN ({list}))"
                ));
            }
        }
        let limit = c.arg(Arg::Int(page.limit()));
        let offset = c.arg(Arg::Int(page.offset()));
        let sql = format!(
            "SELECT r.id, r.post_id, r.comment_id, r.reason, r.created_at AS reported_at, \
             rp.display_name AS reporter_name, \
             COALESCE(cu.display_name, pa.display_name) AS author_name, p.title AS post_title, \
             COALESCE(cm.body, p.body) AS body, \
             CASE WHEN r.comment_id = 0 THEN p.hidden_at ELSE cm.hidden_at END AS hidden_at \
             FROM board_reports r JOIN board_posts p ON p.id = r.post_id \
             LEFT JOIN users pa ON pa.id = p.author_id \
             LEFT JOIN board_comments cm ON cm.id = r.comment_id AND r.comment_id <> 0 \
             LEFT JOIN users cu ON cu.id = cm.author_id \
             LEFT JOIN users rp ON rp.id = r.reporter_id{} \
             ORDER BY r.id DESC LIMIT {limit} OFFSET {offset}",
            c.where_sql()
        );
        let query = sqlx::query_as(sqlx::AssertSqlSafe(sql));
        let rows = bind_all!(query, &c.args).fetch_all(&self.pool).await?;
        Ok(Listing::cut(rows, page))
    }

    /// Applies a moderator's act, settles the open reports of what it is
    /// about (unless showing again) and logs it, in one transaction.
    pub async fn moderate_board(&self, act: &BoardAct<'_>) -> Result<i64, StoreError> {
        let at = now();
        // Every path writes first: on SQLite, a transaction that read first
        // fails when another connection wrote meanwhile.
        let mut tx = self.pool.begin().await?;
        if act.action != BoardAction::Unhide {
            sqlx::query(
                "UPDATE board_reports SET resolved_at = $1, resolved_by = $2, outcome = $3 \
                 WHERE post_id = $4 AND comment_id = $5 AND resolved_at IS NULL",
            )
            .bind(at)
            .bind(act.actor_id)
            .bind(act.action.key())
            .bind(act.post_id)
            .bind(act.comment_id)
            .execute(&mut *tx)
            .await?;
        }
        let hidden = (act.action == BoardAction::Hide).then_some(at);
        let target: Option<i64> = match (act.action, act.comment_id) {
            (BoardAction::Dismiss, 0) => {
                sqlx::query_scalar("SELECT author_id FROM board_posts WHERE id = $1")
                    .bind(act.post_id)
                    .fetch_one(&mut *tx)
                    .await?
            }
            (BoardAction::Dismiss, comment) => {
                sqlx::query_scalar(
                    "SELECT author_id FROM board_comments WHERE id = $1 AND post_id = $2",
                )
                .bind(comment)
                .bind(act.post_id)
                .fetch_one(&mut *tx)
                .await?
            }
            (_, 0) => {
                sqlx::query_scalar(
                    "UPDATE board_posts SET hidden_at = $1, hidden_by = $2 WHERE id = $3 RETURNING author_id",
                )
                .bind(hidden)
                .bind(hidden.map(|_| act.actor_id))
                .bind(act.post_id)
                .fetch_one(&mut *tx)
                .await?
            }
            (_, comment) => {
                sqlx::query_scalar(
                    "UPDATE board_comments SET hidden_at = $1, hidden_by = $2 WHERE id = $3 AND post_id = $4 \
                     RETURNING author_id",
                )
                .bind(hidden)
                .bind(hidden.map(|_| act.actor_id))
                .bind(comment)
                .bind(act.post_id)
                .fetch_one(&mut *tx)
                .await?
            }
        };
        let note = if act.comment_id == 0 {
            act.note.to_owned()
        } else {
            format!("#{} {}", act.comment_id, act.note)
                .trim()
                .to_owned()
        };
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO moderation_log (actor_id, action, target_id, post_id, note, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(act.actor_id)
        .bind(act.action.key())
        .bind(target)
        .bind(act.post_id)
        .bind(note)
        .bind(at)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }
}
