//! Notifications: one row per person and event, the choice made for each
//! (a delivery job now, the daily digest, or the in-app centre only), the
//! centre itself, and each person's notification settings.

use serde::Serialize;

use crate::{Db, Listing, Page, StoreError, now};

/// An event to tell people about.
#[derive(Debug, Clone)]
pub struct NewNotification<'a> {
    /// A [`entraide_core::notify::Kind`] code.
    pub kind: &'a str,
    pub actor_id: Option<i64>,
    /// What it is about, as a person wrote it (a need's title…).
    pub subject: &'a str,
    /// Where it leads, a path on the site.
    pub link: &'a str,
    /// Notifying twice with the same key notifies each person once.
    pub dedup: Option<&'a str>,
    /// Skip people who have not yet read a notification leading to the same
    /// link (ten messages in a row make one notification).
    pub collapse: bool,
}

/// A notification as the centre shows it.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct Notification {
    pub id: i64,
    pub kind: String,
    pub actor_name: Option<String>,
    pub subject: String,
    pub link: String,
    pub created_at: i64,
    pub read_at: Option<i64>,
}

/// A notification with what its delivery needs to know of its recipient.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Delivery {
    pub id: i64,
    pub user_id: i64,
    pub kind: String,
    pub actor_name: Option<String>,
    pub subject: String,
    pub link: String,
    pub delivery: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub channel: String,
    pub locale: String,
    pub quiet_from: i64,
    pub quiet_to: i64,
}

/// How a person wants to be told.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Settings {
    /// email, sms or none
    pub channel: String,
    pub phone: Option<String>,
    pub quiet_from: i64,
    pub quiet_to: i64,
    /// (kind, mode) for the kinds whose mode is not the default.
    pub modes: Vec<(String, String)>,
}

/// Recipients per statement: well under both databases' parameter limits.
const CHUNK: usize = 500;

/// A notification with its recipient, for deliveries and digests.
const DELIVERY_SELECT: &str = "SELECT n.id, n.user_id, n.kind, a.display_name AS actor_name, n.subject, \
     n.link, n.delivery, u.email, u.phone, u.notify_channel AS channel, u.locale, u.quiet_from, \
     u.quiet_to FROM notifications n JOIN users u ON u.id = n.user_id \
     LEFT JOIN users a ON a.id = n.actor_id";

const COLUMNS: &str =
    "n.id, n.kind, a.display_name AS actor_name, n.subject, n.link, n.created_at, n.read_at";

fn placeholders(from: usize, count: usize) -> String {
    (from..from + count)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Db {
    /// Notifies `recipients` of one event. In one transaction: a row per
    /// person (skipped when `dedup` already notified them), marked for the
    /// digest or for delivery now after each person's settings, and a
    /// delivery job for each of the latter. Returns the people notified.
    pub async fn notify(
        &self,
        recipients: &[i64],
        event: &NewNotification<'_>,
    ) -> Result<Vec<i64>, StoreError> {
        let at = now();
        let mut notified = Vec::with_capacity(recipients.len());
        let mut tx = self.pool.begin().await?;
        for chunk in recipients.chunks(CHUNK) {
            let sql = format!(
                "INSERT INTO notifications (user_id, kind, actor_id, subject, link, dedup_key, created_at, delivery) \
                 SELECT u.id, $1, $2, $3, $4, $5 || ':' || u.id, $6, \
                   CASE WHEN u.notify_channel = 'email' AND (u.email IS NULL OR u.email_verified_at IS NULL) THEN 'none' \
                        WHEN u.notify_channel = 'sms' AND u.phone IS NULL THEN 'none' \
                        WHEN u.notify_channel = 'none' OR p.mode = 'off' THEN 'none' \
                        WHEN p.mode = 'digest' THEN 'digest' ELSE 'now' END \
                 FROM users u LEFT JOIN notification_prefs p ON p.user_id = u.id AND p.kind = $1 \
                 WHERE u.id IN ({}) AND u.deletion_requested_at IS NULL \
                 AND ($7 = 0 OR NOT EXISTS (SELECT 1 FROM notifications o \
                      WHERE o.user_id = u.id AND o.link = $4 AND o.read_at IS NULL)) \
                 ON CONFLICT (dedup_key) DO NOTHING RETURNING id, user_id, delivery",
                placeholders(8, chunk.len())
            );
            let mut query = sqlx::query_as::<_, (i64, i64, String)>(sqlx::AssertSqlSafe(sql))
                .bind(event.kind)
                .bind(event.actor_id)
                .bind(event.subject)
                .bind(event.link)
                .bind(event.dedup)
                .bind(at)
                .bind(i64::from(event.collapse));
            for id in chunk {
                query = query.bind(*id);
            }
            let rows = query.fetch_all(&mut *tx).await?;
            let now_ids: Vec<i64> = rows
                .iter()
                .filter(|(_, _, delivery)| delivery == "now")
                .map(|(id, _, _)| *id)
                .collect();
            notified.extend(rows.iter().map(|(_, user, _)| *user));
            if now_ids.is_empty() {
                continue;
            }
            let sql = format!(
                "INSERT INTO jobs (kind, payload, idempotency_key, run_at, max_attempts, created_at) \
                 SELECT 'notify', '{{\"id\":' || id || '}}', 'notify:' || id, $1, $2, $1 \
                 FROM notifications WHERE id IN ({}) ON CONFLICT (idempotency_key) DO NOTHING",
                placeholders(3, now_ids.len())
            );
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(at)
                .bind(crate::jobs::MAX_ATTEMPTS);
            for id in &now_ids {
                query = query.bind(*id);
            }
            query.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(notified)
    }

    /// A notification and its recipient's address, language and settings.
    pub async fn delivery(&self, id: i64) -> Result<Delivery, StoreError> {
        let sql = format!("{DELIVERY_SELECT} WHERE n.id = $1");
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_one(&self.pool)
            .await?)
    }

    /// Records notifications as told outside the site.
    pub async fn mark_delivered(&self, ids: &[i64]) -> Result<(), StoreError> {
        for chunk in ids.chunks(CHUNK) {
            let sql = format!(
                "UPDATE notifications SET delivery = 'sent' WHERE id IN ({})",
                placeholders(1, chunk.len())
            );
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for id in chunk {
                query = query.bind(*id);
            }
            query.execute(&self.pool).await?;
        }
        Ok(())
    }

    /// People with notifications waiting for their digest.
    pub async fn digest_recipients(&self) -> Result<Vec<i64>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT DISTINCT user_id FROM notifications WHERE delivery = 'digest' ORDER BY user_id",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    /// What `user`'s digest holds, oldest first (at most 100).
    pub async fn digest_for(&self, user: i64) -> Result<Vec<Delivery>, StoreError> {
        let sql = format!(
            "{DELIVERY_SELECT} WHERE n.user_id = $1 AND n.delivery = 'digest' ORDER BY n.id LIMIT 100"
        );
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(user)
            .fetch_all(&self.pool)
            .await?)
    }

    /// `user`'s notifications, newest first.
    pub async fn notifications(
        &self,
        user: i64,
        page: Page,
    ) -> Result<Listing<Notification>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM notifications n LEFT JOIN users a ON a.id = n.actor_id \
             WHERE n.user_id = $1 ORDER BY n.id DESC LIMIT $2 OFFSET $3"
        );
        let rows = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(user)
            .bind(page.limit())
            .bind(page.offset())
            .fetch_all(&self.pool)
            .await?;
        Ok(Listing::cut(rows, page))
    }

    /// `user`'s unread notifications, up to [`crate::messages::UNREAD_CAP`].
    pub async fn unread_notifications(&self, user: i64) -> Result<i64, StoreError> {
        let sql = format!(
            "SELECT COUNT(*) FROM (SELECT 1 FROM notifications WHERE user_id = $1 \
             AND read_at IS NULL LIMIT {}) AS capped",
            crate::messages::UNREAD_CAP
        );
        Ok(sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .bind(user)
            .fetch_one(&self.pool)
            .await?)
    }

    /// Marks one of `user`'s notifications read and returns where it leads.
    pub async fn open_notification(&self, user: i64, id: i64) -> Result<String, StoreError> {
        sqlx::query("UPDATE notifications SET read_at = $1 WHERE id = $2 AND user_id = $3 AND read_at IS NULL")
            .bind(now())
            .bind(id)
            .bind(user)
            .execute(&self.pool)
            .await?;
        Ok(
            sqlx::query_scalar("SELECT link FROM notifications WHERE id = $1 AND user_id = $2")
                .bind(id)
                .bind(user)
                .fetch_one(&self.pool)
                .await?,
        )
    }

    /// Marks all of `user`'s notifications read; returns how many were unread.
    pub async fn read_all_notifications(&self, user: i64) -> Result<u64, StoreError> {
        Ok(sqlx::query(
            "UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL",
        )
        .bind(now())
        .bind(user)
        .execute(&self.pool)
        .await?
        .rows_affected())
    }

    /// Marks read the notifications of `user` that lead to `link` (opening a
    /// conversation reads its message notifications).
    pub async fn read_notifications_to(&self, user: i64, link: &str) -> Result<u64, StoreError> {
        Ok(sqlx::query(
            "UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND link = $3 AND read_at IS NULL",
        )
        .bind(now())
        .bind(user)
        .bind(link)
        .execute(&self.pool)
        .await?
        .rows_affected())
    }

    pub async fn notification_settings(&self, user: i64) -> Result<Settings, StoreError> {
        let (channel, phone, quiet_from, quiet_to): (String, Option<String>, i64, i64) =
            sqlx::query_as(
                "SELECT notify_channel, phone, quiet_from, quiet_to FROM users WHERE id = $1",
            )
            .bind(user)
            .fetch_one(&self.pool)
            .await?;
        let modes = sqlx::query_as(
            "SELECT kind, mode FROM notification_prefs WHERE user_id = $1 ORDER BY kind",
        )
        .bind(user)
        .fetch_all(&self.pool)
        .await?;
        Ok(Settings {
            channel,
            phone,
            quiet_from,
            quiet_to,
            modes,
        })
    }

    /// Replaces `user`'s settings; modes equal to `default_mode` are not stored.
    pub async fn set_notification_settings(
        &self,
        user: i64,
        settings: &Settings,
        default_mode: &str,
    ) -> Result<(), StoreError> {
        let _writing = self.writing();
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE users SET notify_channel = $1, phone = $2, quiet_from = $3, quiet_to = $4 WHERE id = $5")
            .bind(&settings.channel)
            .bind(settings.phone.as_deref())
            .bind(settings.quiet_from)
            .bind(settings.quiet_to)
            .bind(user)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM notification_prefs WHERE user_id = $1")
            .bind(user)
            .execute(&mut *tx)
            .await?;
        for (kind, mode) in settings.modes.iter().filter(|(_, m)| m != default_mode) {
            sqlx::query("INSERT INTO notification_prefs (user_id, kind, mode) VALUES ($1, $2, $3)")
                .bind(user)
                .bind(kind)
                .bind(mode)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The token of `user`'s unsubscribe links, made on first use. Read
    /// first: every notification email asks for it, and only the first
    /// should write.
    pub async fn notify_token(&self, user: i64) -> Result<String, StoreError> {
        let read = || async {
            sqlx::query_scalar::<_, Option<String>>("SELECT notify_token FROM users WHERE id = $1")
                .bind(user)
                .fetch_one(&self.pool)
                .await
        };
        if let Some(token) = read().await? {
            return Ok(token);
        }
        self.make_notify_token(user).await?;
        read().await?.ok_or(StoreError::NotFound)
    }

    async fn make_notify_token(&self, user: i64) -> Result<(), StoreError> {
        let _writing = self.writing();
        let fresh = uuid::Uuid::new_v4().simple().to_string();
        sqlx::query("UPDATE users SET notify_token = $1 WHERE id = $2 AND notify_token IS NULL")
            .bind(&fresh)
            .bind(user)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Who holds an unsubscribe token (`NotFound` when nobody does).
    pub async fn unsubscribe_user(&self, token: &str) -> Result<i64, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT id FROM users WHERE notify_token = $1")
                .bind(token)
                .fetch_one(&self.pool)
                .await?,
        )
    }

    /// Turns off one kind of notification for the holder of `token`.
    /// Returns who it was, or `NotFound` for an unknown token.
    pub async fn unsubscribe(&self, token: &str, kind: &str) -> Result<i64, StoreError> {
        let user = self.unsubscribe_user(token).await?;
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM notification_prefs WHERE user_id = $1 AND kind = $2")
            .bind(user)
            .bind(kind)
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO notification_prefs (user_id, kind, mode) VALUES ($1, $2, 'off')")
            .bind(user)
            .bind(kind)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(user)
    }
}
