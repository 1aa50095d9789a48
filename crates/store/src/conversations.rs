//! Conversations: direct ones between two people, and those of an exchange,
//! a visits pairing or an organisation's team, whose members follow their
//! source; opening them, and a person's list with unread counts.

use serde::Serialize;

use crate::messages::{UNREAD_CAP, UNREAD_FILTER};
use crate::{Db, Flag, Listing, Page, StoreError, now};

/// What a group conversation belongs to; its members come from there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    /// The owner and the helpers accepted (or who helped).
    Exchange(i64),
    /// The visitor and the person visited while the pair lasts, and the
    /// programme organisation's coordinators and admins.
    Pairing(i64),
    /// An organisation's volunteers, coordinators, social workers and admins.
    Team(i64),
}

impl Group {
    fn create_sql(self) -> &'static str {
        match self {
            Self::Exchange(_) => {
                "INSERT INTO conversations (kind, exchange_id, created_at) VALUES ('exchange', $1, $2) \
                 ON CONFLICT (exchange_id) DO NOTHING"
            }
            Self::Pairing(_) => {
                "INSERT INTO conversations (kind, pairing_id, created_at) VALUES ('pairing', $1, $2) \
                 ON CONFLICT (pairing_id) DO NOTHING"
            }
            Self::Team(_) => {
                "INSERT INTO conversations (kind, org_id, created_at) VALUES ('team', $1, $2) \
                 ON CONFLICT (org_id) DO NOTHING"
            }
        }
    }

    fn find_sql(self) -> &'static str {
        match self {
            Self::Exchange(_) => "SELECT id FROM conversations WHERE exchange_id = $1",
            Self::Pairing(_) => "SELECT id FROM conversations WHERE pairing_id = $1",
            Self::Team(_) => "SELECT id FROM conversations WHERE org_id = $1",
        }
    }

    fn exists_sql(self) -> &'static str {
        match self {
            Self::Exchange(_) => "SELECT COUNT(*) FROM exchanges WHERE id = $1",
            Self::Pairing(_) => "SELECT COUNT(*) FROM pairings WHERE id = $1",
            Self::Team(_) => "SELECT COUNT(*) FROM organisations WHERE id = $1",
        }
    }

    /// The people who belong, as a sub-query on `$2` (the source's id).
    fn source_sql(self) -> &'static str {
        match self {
            Self::Exchange(_) => {
                "SELECT owner_id AS user_id FROM exchanges WHERE id = $2 \
                 UNION SELECT user_id FROM participations WHERE exchange_id = $2 AND part IN ('accepted', 'helped')"
            }
            Self::Pairing(_) => {
                "SELECT visitor_id AS user_id FROM pairings WHERE id = $2 AND ended_at IS NULL \
                 UNION SELECT visited_id FROM pairings WHERE id = $2 AND ended_at IS NULL \
                 UNION SELECT m.user_id FROM pairings p JOIN programmes g ON g.id = p.programme_id \
                 JOIN memberships m ON m.org_id = g.org_id \
                 WHERE p.id = $2 AND m.role IN ('coordinator', 'admin')"
            }
            Self::Team(_) => {
                "SELECT user_id FROM memberships WHERE org_id = $2 \
                 AND role IN ('volunteer', 'coordinator', 'social_worker', 'admin')"
            }
        }
    }

    fn id(self) -> i64 {
        match self {
            Self::Exchange(id) | Self::Pairing(id) | Self::Team(id) => id,
        }
    }

    /// The group a stored conversation belongs to (`None`: a direct one).
    pub(crate) fn of(row: &Source) -> Option<Self> {
        match (
            row.kind.as_str(),
            row.exchange_id,
            row.pairing_id,
            row.org_id,
        ) {
            ("exchange", Some(id), _, _) => Some(Self::Exchange(id)),
            ("pairing", _, Some(id), _) => Some(Self::Pairing(id)),
            ("team", _, _, Some(id)) => Some(Self::Team(id)),
            _ => None,
        }
    }
}

/// Where a conversation comes from, as stored.
#[derive(sqlx::FromRow)]
pub(crate) struct Source {
    pub kind: String,
    exchange_id: Option<i64>,
    pairing_id: Option<i64>,
    org_id: Option<i64>,
    direct_low: Option<i64>,
    direct_high: Option<i64>,
}

impl Source {
    /// In a direct conversation, the person other than `user`.
    pub(crate) fn other_than(&self, user: i64) -> Option<i64> {
        match (self.direct_low, self.direct_high) {
            (Some(low), high) if low == user => high,
            (low, Some(high)) if high == user => low,
            _ => None,
        }
    }
}

/// A conversation as one person sees it: what it is about, named for them.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct Conversation {
    pub id: i64,
    /// direct, exchange, pairing or team
    pub kind: String,
    pub exchange_id: Option<i64>,
    pub pairing_id: Option<i64>,
    /// The organisation of a team conversation.
    pub org_id: Option<i64>,
    /// In a direct conversation, the other person.
    pub other_id: Option<i64>,
    pub other_name: Option<String>,
    pub exchange_title: Option<String>,
    pub org_name: Option<String>,
    pub visitor_name: Option<String>,
    pub visited_name: Option<String>,
    /// The organisation whose admins moderate it (a team's, a pairing's
    /// programme's, a need posted in an organisation's name).
    pub moderating_org: Option<i64>,
    pub created_at: i64,
    pub last_message_at: Option<i64>,
}

/// `$1` is the viewer.
const CONVERSATION_SELECT: &str = "SELECT c.id, c.kind, c.exchange_id, c.pairing_id, c.org_id, \
     du.id AS other_id, du.display_name AS other_name, e.title AS exchange_title, o.name AS org_name, \
     pv.display_name AS visitor_name, pd.display_name AS visited_name, \
     COALESCE(c.org_id, e.org_id, g.org_id) AS moderating_org, c.created_at, c.last_message_at";

const CONVERSATION_JOINS: &str = "LEFT JOIN users du ON c.kind = 'direct' \
     AND du.id = CASE WHEN c.direct_low = $1 THEN c.direct_high ELSE c.direct_low END \
     LEFT JOIN exchanges e ON e.id = c.exchange_id LEFT JOIN organisations o ON o.id = c.org_id \
     LEFT JOIN pairings p ON p.id = c.pairing_id LEFT JOIN programmes g ON g.id = p.programme_id \
     LEFT JOIN users pv ON pv.id = p.visitor_id LEFT JOIN users pd ON pd.id = p.visited_id";

/// A conversation in a person's list: unread count (up to
/// [`UNREAD_CAP`]) and last message.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct ConversationSummary {
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub conversation: Conversation,
    #[sqlx(try_from = "Flag")]
    pub muted: bool,
    /// Messages not read yet (not one's own, not hidden, not from people
    /// one blocked).
    pub unread: i64,
    pub last_author_name: Option<String>,
    /// The last message's text; empty when it was hidden or its author is
    /// blocked by the viewer.
    pub last_body: Option<String>,
}

/// A person's place in a conversation.
#[derive(Debug, Clone, Copy, sqlx::FromRow)]
pub struct Membership {
    pub last_read_message_id: i64,
    #[sqlx(try_from = "Flag")]
    pub muted: bool,
}

/// Brings a group conversation's members in step with its source, on
/// `conn` (inside the caller's transaction, if any): newcomers join, people
/// who left the source lose access. Each statement is idempotent.
pub(crate) async fn sync(
    conn: &mut sqlx::AnyConnection,
    id: i64,
    group: Group,
) -> Result<(), StoreError> {
    let source = group.source_sql();
    let join = format!(
        "INSERT INTO conversation_members (conversation_id, user_id, joined_at) \
         SELECT $1, s.user_id, $3 FROM ({source}) s WHERE s.user_id IS NOT NULL \
         ON CONFLICT (conversation_id, user_id) DO NOTHING"
    );
    sqlx::query(sqlx::AssertSqlSafe(join))
        .bind(id)
        .bind(group.id())
        .bind(now())
        .execute(&mut *conn)
        .await?;
    let leave = format!(
        "DELETE FROM conversation_members WHERE conversation_id = $1 AND user_id NOT IN ({source})"
    );
    sqlx::query(sqlx::AssertSqlSafe(leave))
        .bind(id)
        .bind(group.id())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

impl Db {
    /// The direct conversation between two people, created on first use
    /// with both as members. `NotFound` when either does not exist.
    pub async fn open_direct(&self, a: i64, b: i64) -> Result<i64, StoreError> {
        let (low, high) = (a.min(b), a.max(b));
        let people: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE id IN ($1, $2)")
            .bind(low)
            .bind(high)
            .fetch_one(&self.pool)
            .await?;
        if people != 2 || low == high {
            return Err(StoreError::NotFound);
        }
        // Writing first: on SQLite, a transaction that read before writing
        // fails at once when another connection wrote meanwhile.
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO conversations (kind, direct_low, direct_high, created_at) VALUES ('direct', $1, $2, $3) \
             ON CONFLICT (direct_low, direct_high) DO NOTHING",
        )
        .bind(low)
        .bind(high)
        .bind(now())
        .execute(&mut *tx)
        .await?;
        let id: i64 = sqlx::query_scalar(
            "SELECT id FROM conversations WHERE direct_low = $1 AND direct_high = $2",
        )
        .bind(low)
        .bind(high)
        .fetch_one(&mut *tx)
        .await?;
        for person in [low, high] {
            sqlx::query(
                "INSERT INTO conversation_members (conversation_id, user_id, joined_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (conversation_id, user_id) DO NOTHING",
            )
            .bind(id)
            .bind(person)
            .bind(now())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    /// The direct conversation between two people, if they ever had one.
    pub async fn direct_between(&self, a: i64, b: i64) -> Result<Option<i64>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT id FROM conversations WHERE direct_low = $1 AND direct_high = $2",
        )
        .bind(a.min(b))
        .bind(a.max(b))
        .fetch_optional(&self.pool)
        .await?)
    }

    /// The conversation of an exchange, a pairing or a team, created on
    /// first use; its members are brought in step with the source.
    /// `NotFound` when the source does not exist.
    pub async fn open_group(&self, group: Group) -> Result<i64, StoreError> {
        let found: i64 = sqlx::query_scalar(group.exists_sql())
            .bind(group.id())
            .fetch_one(&self.pool)
            .await?;
        if found == 0 {
            return Err(StoreError::NotFound);
        }
        // No transaction: each step is idempotent, and on SQLite a
        // transaction that reads before it writes fails at once when
        // another connection wrote meanwhile.
        let mut conn = self.pool.acquire().await?;
        sqlx::query(group.create_sql())
            .bind(group.id())
            .bind(now())
            .execute(&mut *conn)
            .await?;
        let id: i64 = sqlx::query_scalar(group.find_sql())
            .bind(group.id())
            .fetch_one(&mut *conn)
            .await?;
        sync(&mut conn, id, group).await?;
        Ok(id)
    }

    /// Whether `user` belongs to a group's source (may open its
    /// conversation); `NotFound` when the source does not exist.
    pub async fn belongs_to(&self, group: Group, user: i64) -> Result<bool, StoreError> {
        let found: i64 = sqlx::query_scalar(group.exists_sql())
            .bind(group.id())
            .fetch_one(&self.pool)
            .await?;
        if found == 0 {
            return Err(StoreError::NotFound);
        }
        let sql = format!(
            "SELECT COUNT(*) FROM ({}) s WHERE s.user_id = $1",
            group.source_sql()
        );
        let count: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .bind(user)
            .bind(group.id())
            .fetch_one(&self.pool)
            .await?;
        Ok(count > 0)
    }

    /// Whether two people are members of one same conversation.
    pub async fn share_a_conversation(&self, a: i64, b: i64) -> Result<bool, StoreError> {
        let count: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM conversation_members x JOIN conversation_members y \
             ON y.conversation_id = x.conversation_id WHERE x.user_id = $1 AND y.user_id = $2",
        )
        .bind(a)
        .bind(b)
        .fetch_one(&self.pool)
        .await?;
        Ok(count > 0)
    }

    /// Everyone in a conversation (whose pages a change concerns).
    pub async fn member_ids(&self, id: i64) -> Result<Vec<i64>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT user_id FROM conversation_members WHERE conversation_id = $1 ORDER BY user_id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Brings a conversation's members in step with its source (nothing to
    /// do for a direct one), as when it is opened.
    pub async fn sync_members(&self, id: i64) -> Result<(), StoreError> {
        let mut conn = self.pool.acquire().await?;
        let source: Source = sqlx::query_as(
            "SELECT kind, exchange_id, pairing_id, org_id, direct_low, direct_high FROM conversations WHERE id = $1",
        )
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
        if let Some(group) = Group::of(&source) {
            sync(&mut conn, id, group).await?;
        }
        Ok(())
    }

    /// A conversation as `viewer` sees it (the other person of a direct one).
    pub async fn conversation(&self, id: i64, viewer: i64) -> Result<Conversation, StoreError> {
        let sql = format!(
            "{CONVERSATION_SELECT} FROM conversations c {CONVERSATION_JOINS} WHERE c.id = $2"
        );
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(viewer)
            .bind(id)
            .fetch_one(&self.pool)
            .await?)
    }

    /// `user`'s place in a conversation, if they are a member.
    pub async fn membership(&self, id: i64, user: i64) -> Result<Option<Membership>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT last_read_message_id, muted FROM conversation_members WHERE conversation_id = $1 AND user_id = $2",
        )
        .bind(id)
        .bind(user)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// `user`'s conversations, the most recently active first.
    ///
    /// The unread messages are sought as a range of the
    /// `(conversation_id, id)` index: written as `m.id > last read`,
    /// PostgreSQL came to walk the primary key over every conversation's
    /// later messages once the table had grown (8,000 rows read and thrown
    /// away per conversation under the soak).
    pub async fn conversations_of(
        &self,
        user: i64,
        page: Page,
    ) -> Result<Listing<ConversationSummary>, StoreError> {
        let sql = format!(
            "{CONVERSATION_SELECT}, cm.muted, \
             (SELECT COUNT(*) FROM (SELECT 1 FROM messages m WHERE m.conversation_id = c.id \
              AND (m.conversation_id, m.id) > (c.id, cm.last_read_message_id) AND {UNREAD_FILTER} \
              LIMIT {UNREAD_CAP}) AS capped) AS unread, \
             la.display_name AS last_author_name, \
             CASE WHEN lm.hidden_at IS NULL AND NOT EXISTS (SELECT 1 FROM blocks b \
               WHERE b.blocker_id = $1 AND b.blocked_id = lm.author_id) THEN lm.body ELSE '' END AS last_body \
             FROM conversation_members cm JOIN conversations c ON c.id = cm.conversation_id {CONVERSATION_JOINS} \
             LEFT JOIN messages lm ON lm.id = (SELECT MAX(x.id) FROM messages x WHERE x.conversation_id = c.id) \
             LEFT JOIN users la ON la.id = lm.author_id \
             WHERE cm.user_id = $1 \
             ORDER BY COALESCE(c.last_message_at, c.created_at) DESC, c.id DESC LIMIT $2 OFFSET $3"
        );
        let rows = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(user)
            .bind(page.limit())
            .bind(page.offset())
            .fetch_all(&self.pool)
            .await?;
        Ok(Listing::cut(rows, page))
    }
}
