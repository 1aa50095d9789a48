//! Voice messages and calls to the access number. A message is recorded
//! once per recording (the provider may repeat its callbacks), waits for
//! its audio to be fetched and sealed, then is listed, heard, saved or
//! deleted. A call to the access number remembers which box the caller
//! named and whether its PIN was right.

use crate::{Db, StoreError, now};

/// A message as stored; `caller` is sealed.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StoredMessage {
    pub id: i64,
    pub box_id: i64,
    pub owner_id: i64,
    pub recording_sid: String,
    pub recording_url: String,
    pub caller: String,
    pub seconds: i64,
    pub object: Option<String>,
    pub content_type: String,
    pub size: i64,
    pub heard_at: Option<i64>,
    #[sqlx(try_from = "crate::Flag")]
    pub saved: bool,
    pub received_at: i64,
}

const MESSAGE_SELECT: &str = "SELECT id, box_id, owner_id, recording_sid, recording_url, caller, \
     seconds, object, content_type, size, heard_at, saved, received_at FROM voice_messages";

/// A message the provider announced.
pub struct NewMessage<'a> {
    pub box_id: i64,
    pub owner: i64,
    pub call_sid: &'a str,
    pub recording_sid: &'a str,
    pub recording_url: &'a str,
    pub caller: &'a str,
    pub seconds: i64,
}

/// A call to the access number.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Call {
    pub call_sid: String,
    pub org_id: i64,
    pub box_id: Option<i64>,
    #[sqlx(try_from = "crate::Flag")]
    pub opened: bool,
    pub wrong_pins: i64,
}

impl Db {
    /// Records an announced message and, in the same transaction, queues
    /// the fetch of its audio (job `voice-fetch`, payload `{"id": …}`), so
    /// neither exists without the other. `None` when this recording or
    /// call was already recorded.
    pub async fn add_voice_message(&self, new: &NewMessage<'_>) -> Result<Option<i64>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO voice_messages (box_id, owner_id, call_sid, recording_sid, recording_url, \
             caller, seconds, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT DO NOTHING RETURNING id",
        )
        .bind(new.box_id)
        .bind(new.owner)
        .bind(new.call_sid)
        .bind(new.recording_sid)
        .bind(new.recording_url)
        .bind(new.caller)
        .bind(new.seconds)
        .bind(now())
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(id) = id {
            let job = crate::jobs::NewJob::now("voice-fetch", &serde_json::json!({ "id": id }))?
                .key(format!("voice-fetch:{id}"));
            crate::jobs::enqueue_in(&mut tx, &job).await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    pub async fn voice_message(&self, id: i64) -> Result<StoredMessage, StoreError> {
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{MESSAGE_SELECT} WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)
    }

    /// The message of a recording, if it was announced.
    pub async fn voice_message_of_recording(&self, sid: &str) -> Result<Option<i64>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT id FROM voice_messages WHERE recording_sid = $1")
                .bind(sid)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// Keeps the sealed audio's place; `false` if it was already kept (a
    /// repeated fetch), in which case the caller removes its own copy.
    pub async fn keep_voice_audio(
        &self,
        id: i64,
        object: &str,
        content_type: &str,
        size: i64,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE voice_messages SET object = $1, content_type = $2, size = $3, recording_url = '' \
             WHERE id = $4 AND object IS NULL",
        )
        .bind(object)
        .bind(content_type)
        .bind(size)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The messages of a box whose audio is kept, oldest first (the order
    /// they are read out on the phone).
    pub async fn voice_messages_of(&self, box_id: i64) -> Result<Vec<StoredMessage>, StoreError> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{MESSAGE_SELECT} WHERE box_id = $1 AND object IS NOT NULL ORDER BY received_at, id"
        )))
        .bind(box_id)
        .fetch_all(&self.pool)
        .await?)
    }

    pub async fn mark_voice_heard(&self, id: i64) -> Result<(), StoreError> {
        sqlx::query("UPDATE voice_messages SET heard_at = $1 WHERE id = $2 AND heard_at IS NULL")
            .bind(now())
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn save_voice_message(&self, id: i64) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE voice_messages SET saved = 1, heard_at = COALESCE(heard_at, $1) WHERE id = $2",
        )
        .bind(now())
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Deletes a message; returns its object to remove from storage.
    pub async fn delete_voice_message(&self, id: i64) -> Result<Option<String>, StoreError> {
        Ok(
            sqlx::query_scalar("DELETE FROM voice_messages WHERE id = $1 RETURNING object")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?
                .flatten(),
        )
    }

    /// The objects of a box's messages, before the box is closed.
    pub async fn voice_objects_of_box(&self, box_id: i64) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT object FROM voice_messages WHERE box_id = $1 AND object IS NOT NULL",
        )
        .bind(box_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The call `call_sid` of `org`; `NotFound` if it named no box yet.
    pub async fn phone_call(&self, call_sid: &str, org: i64) -> Result<Call, StoreError> {
        sqlx::query_as(
            "SELECT call_sid, org_id, box_id, opened, wrong_pins FROM phone_calls \
             WHERE call_sid = $1 AND org_id = $2",
        )
        .bind(call_sid)
        .bind(org)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)
    }

    /// Starts following the call once the caller names a box (none when
    /// it does not exist); naming another box starts again.
    pub async fn name_call_box(
        &self,
        call_sid: &str,
        org: i64,
        box_id: Option<i64>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO phone_calls (call_sid, org_id, box_id, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (call_sid) DO UPDATE SET box_id = excluded.box_id, opened = 0 \
             WHERE phone_calls.org_id = excluded.org_id",
        )
        .bind(call_sid)
        .bind(org)
        .bind(box_id)
        .bind(now())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Records the PIN's outcome on the call; returns the wrong PINs so far.
    pub async fn call_pin(&self, call_sid: &str, right: bool) -> Result<i64, StoreError> {
        let sql = if right {
            "UPDATE phone_calls SET opened = 1 WHERE call_sid = $1 RETURNING wrong_pins"
        } else {
            "UPDATE phone_calls SET wrong_pins = wrong_pins + 1 WHERE call_sid = $1 RETURNING wrong_pins"
        };
        Ok(sqlx::query_scalar(sql)
            .bind(call_sid)
            .fetch_optional(&self.pool)
            .await?
            .unwrap_or(0))
    }

    /// Forgets calls older than `before`.
    pub async fn delete_old_calls(&self, before: i64) -> Result<u64, StoreError> {
        Ok(sqlx::query("DELETE FROM phone_calls WHERE created_at < $1")
            .bind(before)
            .execute(&self.pool)
            .await?
            .rows_affected())
    }
}
