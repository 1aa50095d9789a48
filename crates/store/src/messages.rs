//! Messages of a conversation: writing one (checked against the rules of
//! who may post), reading a page, marking read, muting, blocking people,
//! and counting what a person has not read.

use entraide_core::conversation::{MessageBody, Poster, Refusal, may_post};

use crate::conversations::{Group, Source, sync};
use crate::{Db, Flag, Listing, Page, StoreError, now, one_row};

/// A message, with whether the reader blocked its author.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Message {
    pub id: i64,
    pub conversation_id: i64,
    pub author_id: Option<i64>,
    pub author_name: Option<String>,
    pub body: String,
    pub created_at: i64,
    pub hidden_at: Option<i64>,
    #[sqlx(try_from = "Flag")]
    pub author_blocked: bool,
}

/// A message just written, and who should hear of it.
#[derive(Debug, Clone)]
pub struct Posted {
    pub message_id: i64,
    /// Members but the author, those who muted the conversation and those
    /// who blocked the author.
    pub recipients: Vec<i64>,
    /// Every member, the author included (their pages are refreshed).
    pub members: Vec<i64>,
}

/// Not counted: one's own messages, hidden ones, and those of people one
/// blocked. `$1` is the reader; `m` the messages.
/// Unread counts stop here (shown as "99+"): counting further costs a
/// read of every unread row on each page for nothing anyone can use.
pub const UNREAD_CAP: i64 = 100;

pub(crate) const UNREAD_FILTER: &str = "m.hidden_at IS NULL AND COALESCE(m.author_id, 0) <> $1 \
     AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.blocker_id = $1 AND b.blocked_id = m.author_id)";

async fn is_blocked(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    blocker: i64,
    blocked: i64,
) -> Result<bool, StoreError> {
    let count: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM blocks WHERE blocker_id = $1 AND blocked_id = $2")
            .bind(blocker)
            .bind(blocked)
            .fetch_one(&mut **tx)
            .await?;
    Ok(count > 0)
}

impl Db {
    /// Writes a message, in one transaction: members brought in step with
    /// the source, the rules of [`may_post`] checked, the message stored,
    /// the conversation's last message time moved, the author's own
    /// messages counted as read. A refusal changes nothing.
    pub async fn post_message(
        &self,
        id: i64,
        author: i64,
        body: &MessageBody,
    ) -> Result<Result<Posted, Refusal>, StoreError> {
        let at = now();
        let mut tx = self.pool.begin().await?;
        // Writing first takes the conversation for this transaction.
        let source: Source = sqlx::query_as(
            "UPDATE conversations SET last_message_at = $1 WHERE id = $2 \
             RETURNING kind, exchange_id, pairing_id, org_id, direct_low, direct_high",
        )
        .bind(at)
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        if let Some(group) = Group::of(&source) {
            sync(&mut tx, id, group).await?;
        }
        let member: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM conversation_members WHERE conversation_id = $1 AND user_id = $2",
        )
        .bind(id)
        .bind(author)
        .fetch_one(&mut *tx)
        .await?;
        let suspended_until: Option<i64> =
            sqlx::query_scalar("SELECT suspended_until FROM users WHERE id = $1")
                .bind(author)
                .fetch_one(&mut *tx)
                .await?;
        let (blocked_by_other, blocks_other) = match source.other_than(author) {
            Some(other) if source.kind == "direct" => (
                is_blocked(&mut tx, other, author).await?,
                is_blocked(&mut tx, author, other).await?,
            ),
            _ => (false, false),
        };
        let poster = Poster {
            member: member > 0,
            suspended_until,
            blocked_by_other,
            blocks_other,
        };
        if let Err(refusal) = may_post(poster, at) {
            return Ok(Err(refusal));
        }
        let message_id: i64 = sqlx::query_scalar(
            "INSERT INTO messages (conversation_id, author_id, body, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(id)
        .bind(author)
        .bind(body.as_str())
        .bind(at)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE conversation_members SET last_read_message_id = $1 WHERE conversation_id = $2 AND user_id = $3",
        )
        .bind(message_id)
        .bind(id)
        .bind(author)
        .execute(&mut *tx)
        .await?;
        let everyone: Vec<(i64, i64, i64)> = sqlx::query_as(
            "SELECT cm.user_id, cm.muted, \
             (SELECT COUNT(*) FROM blocks b WHERE b.blocker_id = cm.user_id AND b.blocked_id = $2) \
             FROM conversation_members cm WHERE cm.conversation_id = $1 ORDER BY cm.user_id",
        )
        .bind(id)
        .bind(author)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        let recipients = everyone
            .iter()
            .filter(|(user, muted, blocks)| *user != author && *muted == 0 && *blocks == 0)
            .map(|(user, _, _)| *user)
            .collect();
        Ok(Ok(Posted {
            message_id,
            recipients,
            members: everyone.into_iter().map(|(user, _, _)| user).collect(),
        }))
    }

    /// One page of a conversation's messages for `reader`: page 1 holds
    /// the newest; inside a page the oldest come first.
    pub async fn messages(
        &self,
        id: i64,
        reader: i64,
        page: Page,
    ) -> Result<Listing<Message>, StoreError> {
        let rows = sqlx::query_as(
            "SELECT m.id, m.conversation_id, m.author_id, u.display_name AS author_name, m.body, \
             m.created_at, m.hidden_at, \
             CASE WHEN EXISTS (SELECT 1 FROM blocks b WHERE b.blocker_id = $2 AND b.blocked_id = m.author_id) \
             THEN 1 ELSE 0 END AS author_blocked \
             FROM messages m LEFT JOIN users u ON u.id = m.author_id \
             WHERE m.conversation_id = $1 ORDER BY m.id DESC LIMIT $3 OFFSET $4",
        )
        .bind(id)
        .bind(reader)
        .bind(page.limit())
        .bind(page.offset())
        .fetch_all(&self.pool)
        .await?;
        let mut listing = Listing::cut(rows, page);
        listing.rows.reverse();
        Ok(listing)
    }

    /// Marks `user`'s messages read up to `up_to` (the newest when `None`);
    /// never moves backwards.
    pub async fn mark_read(
        &self,
        id: i64,
        user: i64,
        up_to: Option<i64>,
    ) -> Result<(), StoreError> {
        let latest =
            "(SELECT COALESCE(MAX(id), 0) FROM messages WHERE conversation_id = $1 AND id <= $2)";
        let sql = format!(
            "UPDATE conversation_members SET last_read_message_id = {latest} \
             WHERE conversation_id = $1 AND user_id = $3 AND last_read_message_id < {latest}"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .bind(up_to.unwrap_or(i64::MAX))
            .bind(user)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Mutes or unmutes a conversation for `user` (`NotFound` for a
    /// non-member): a muted one notifies nothing and counts no unread.
    pub async fn set_muted(&self, id: i64, user: i64, muted: bool) -> Result<(), StoreError> {
        one_row(
            sqlx::query(
                "UPDATE conversation_members SET muted = $1 WHERE conversation_id = $2 AND user_id = $3",
            )
            .bind(i64::from(muted))
            .bind(id)
            .bind(user)
            .execute(&self.pool)
            .await?,
        )
    }

    /// Messages `user` has not read, across the conversations they did not
    /// mute, up to [`UNREAD_CAP`]; their own, hidden ones and those of
    /// people they blocked are not counted. The range names both columns of
    /// the `(conversation_id, id)` index, as in
    /// [`Db::conversations_of`](crate::Db::conversations_of), so that
    /// PostgreSQL cannot take the primary key's walk instead.
    pub async fn unread_messages(&self, user: i64) -> Result<i64, StoreError> {
        let sql = format!(
            "SELECT COUNT(*) FROM (SELECT 1 FROM conversation_members cm JOIN messages m \
             ON m.conversation_id = cm.conversation_id \
             AND (m.conversation_id, m.id) > (cm.conversation_id, cm.last_read_message_id) \
             WHERE cm.user_id = $1 AND cm.muted = 0 AND {UNREAD_FILTER} LIMIT {UNREAD_CAP}) AS capped"
        );
        Ok(sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .bind(user)
            .fetch_one(&self.pool)
            .await?)
    }

    /// `blocker` no longer hears from `blocked`; blocking twice is fine.
    pub async fn block(&self, blocker: i64, blocked: i64) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO blocks (blocker_id, blocked_id, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (blocker_id, blocked_id) DO NOTHING",
        )
        .bind(blocker)
        .bind(blocked)
        .bind(now())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn unblock(&self, blocker: i64, blocked: i64) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM blocks WHERE blocker_id = $1 AND blocked_id = $2")
            .bind(blocker)
            .bind(blocked)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Whether `blocker` blocked `blocked`.
    pub async fn blocks(&self, blocker: i64, blocked: i64) -> Result<bool, StoreError> {
        let count: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM blocks WHERE blocker_id = $1 AND blocked_id = $2",
        )
        .bind(blocker)
        .bind(blocked)
        .fetch_one(&self.pool)
        .await?;
        Ok(count > 0)
    }

    /// Messages `author` wrote, oldest first, for their data download.
    pub async fn messages_by(
        &self,
        author: i64,
        page: Page,
    ) -> Result<Listing<(i64, i64, String, i64)>, StoreError> {
        let rows = sqlx::query_as(
            "SELECT id, conversation_id, body, created_at FROM messages WHERE author_id = $1 \
             ORDER BY id LIMIT $2 OFFSET $3",
        )
        .bind(author)
        .bind(page.limit())
        .bind(page.offset())
        .fetch_all(&self.pool)
        .await?;
        Ok(Listing::cut(rows, page))
    }
}
