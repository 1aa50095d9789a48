//! Background jobs in a table of the same database: at-least-once delivery,
//! idempotency keys, retries with exponential backoff and dead letters.
//!
//! A worker claims due jobs by setting a lease (`locked_until`); a job whose
//! worker dies mid-way is claimed again once the lease runs out. On
//! PostgreSQL the claim skips rows another node is claiming at that moment
//! (`FOR UPDATE SKIP LOCKED`); SQLite has a single writer, so the plain form
//! is already exclusive there.

use serde::{Deserialize, Serialize};

use crate::{Backend, Db, Listing, Page, StoreError, now};

/// A job to queue.
#[derive(Debug, Clone)]
pub struct NewJob {
    pub kind: &'static str,
    /// JSON, read back by the job's handler.
    pub payload: String,
    /// Queuing a second job with the same key queues nothing.
    pub key: Option<String>,
    /// When it may run (seconds since the epoch).
    pub run_at: i64,
    pub max_attempts: i64,
}

impl NewJob {
    /// A job due now, with the default number of attempts.
    pub fn now(kind: &'static str, payload: &impl Serialize) -> Result<Self, StoreError> {
        Ok(Self {
            kind,
            payload: serde_json::to_string(payload)
                .map_err(|e| StoreError::Payload(e.to_string()))?,
            key: None,
            run_at: now(),
            max_attempts: MAX_ATTEMPTS,
        })
    }
    pub fn key(mut self, key: impl Into<String>) -> Self {
        self.key = Some(key.into());
        self
    }
    pub fn at(mut self, run_at: i64) -> Self {
        self.run_at = run_at;
        self
    }
}

/// A claimed job.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub payload: String,
    /// Counting this one.
    pub attempts: i64,
    pub max_attempts: i64,
}

/// A job that failed too often, for the administration page.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct DeadJob {
    pub id: i64,
    pub kind: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub finished_at: Option<i64>,
}

/// How many jobs wait and how many are dead.
#[derive(Debug, Clone, Copy, Default, Serialize, utoipa::ToSchema)]
pub struct JobCounts {
    pub queued: i64,
    pub dead: i64,
}

/// An email job's payload.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Email {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// The one-click unsubscribe address (RFC 8058), for notifications.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unsubscribe: Option<String>,
}

/// Attempts before a job becomes a dead letter.
pub const MAX_ATTEMPTS: i64 = 8;

/// Seconds before the next attempt after `attempts` failures: 30 s, 1 min,
/// 2 min… capped at about a day.
pub fn backoff(attempts: i64) -> i64 {
    30_i64 << attempts.clamp(1, 12).saturating_sub(1)
}

const INSERT: &str = "INSERT INTO jobs (kind, payload, idempotency_key, run_at, max_attempts, created_at) \
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (idempotency_key) DO NOTHING RETURNING id";

/// Queues `job` inside a caller's transaction, so the job exists exactly
/// when the act that causes it does. `None` when its key was already used.
pub(crate) async fn enqueue_in(
    conn: &mut sqlx::AnyConnection,
    job: &NewJob,
) -> Result<Option<i64>, StoreError> {
    Ok(sqlx::query_scalar(INSERT)
        .bind(job.kind)
        .bind(&job.payload)
        .bind(job.key.as_deref())
        .bind(job.run_at)
        .bind(job.max_attempts)
        .bind(now())
        .fetch_optional(conn)
        .await?)
}

impl Db {
    /// Queues a job. `None` when its idempotency key was already used.
    pub async fn enqueue(&self, job: &NewJob) -> Result<Option<i64>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        enqueue_in(&mut conn, job).await
    }

    /// Claims up to `limit` jobs due at `at`, holding each for `lease`
    /// seconds. Jobs whose last attempt was interrupted become dead letters.
    pub async fn claim_jobs(
        &self,
        at: i64,
        lease: i64,
        limit: i64,
    ) -> Result<Vec<Job>, StoreError> {
        sqlx::query(
            "UPDATE jobs SET state = 'dead', finished_at = $1, \
             last_error = COALESCE(last_error, 'interrupted') \
             WHERE state = 'queued' AND attempts >= max_attempts AND locked_until <= $1",
        )
        .bind(at)
        .execute(&self.pool)
        .await?;
        let lock = match self.backend() {
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let sql = format!(
            "UPDATE jobs SET locked_until = $1, attempts = attempts + 1 WHERE id IN \
             (SELECT id FROM jobs WHERE state = 'queued' AND run_at <= $2 AND locked_until <= $2 \
              AND attempts < max_attempts ORDER BY run_at, id LIMIT $3{lock}) \
             RETURNING id, kind, payload, attempts, max_attempts"
        );
        let mut jobs: Vec<Job> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(at + lease)
            .bind(at)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        jobs.sort_by_key(|j| j.id);
        Ok(jobs)
    }

    /// Records a job as done.
    pub async fn finish_job(&self, id: i64) -> Result<(), StoreError> {
        sqlx::query("UPDATE jobs SET state = 'done', finished_at = $1, locked_until = 0, last_error = NULL WHERE id = $2")
            .bind(now())
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Records a failed attempt: another one after the backoff, or a dead
    /// letter when attempts are used up or `give_up` says retrying is
    /// useless. Returns whether it is dead.
    pub async fn fail_job(
        &self,
        job: &Job,
        error: &str,
        give_up: bool,
        at: i64,
    ) -> Result<bool, StoreError> {
        let dead = give_up || job.attempts >= job.max_attempts;
        sqlx::query(
            "UPDATE jobs SET state = $1, run_at = $2, locked_until = 0, last_error = $3, finished_at = $4 WHERE id = $5",
        )
        .bind(if dead { "dead" } else { "queued" })
        .bind(at + backoff(job.attempts))
        .bind(error)
        .bind(dead.then_some(at))
        .bind(job.id)
        .execute(&self.pool)
        .await?;
        Ok(dead)
    }

    /// Runs a queued job now rather than after its backoff (what it waited
    /// for has happened). Returns whether such a job was waiting.
    pub async fn hurry_job(&self, key: &str) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE jobs SET run_at = $1 WHERE idempotency_key = $2 AND state = 'queued' AND run_at > $1",
        )
        .bind(now())
        .bind(key)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Puts a job back for later without counting the attempt (quiet
    /// hours, a service not configured yet).
    pub async fn postpone_job(&self, id: i64, run_at: i64) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE jobs SET run_at = $1, locked_until = 0, attempts = attempts - 1 WHERE id = $2 AND state = 'queued'",
        )
        .bind(run_at)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Dead letters, newest first.
    pub async fn dead_jobs(&self, page: Page) -> Result<Listing<DeadJob>, StoreError> {
        let rows = sqlx::query_as(
            "SELECT id, kind, attempts, last_error, created_at, finished_at FROM jobs \
             WHERE state = 'dead' ORDER BY id DESC LIMIT $1 OFFSET $2",
        )
        .bind(page.limit())
        .bind(page.offset())
        .fetch_all(&self.pool)
        .await?;
        Ok(Listing::cut(rows, page))
    }

    /// Gives a dead letter a fresh set of attempts, due now. False when the
    /// job is not dead (already retried, or unknown).
    pub async fn retry_job(&self, id: i64) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE jobs SET state = 'queued', attempts = 0, run_at = $1, locked_until = 0, finished_at = NULL \
             WHERE id = $2 AND state = 'dead'",
        )
        .bind(now())
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn job_counts(&self) -> Result<JobCounts, StoreError> {
        let (queued, dead): (i64, i64) = sqlx::query_as(
            "SELECT COALESCE(SUM(CASE WHEN state = 'queued' THEN 1 ELSE 0 END), 0), \
             COALESCE(SUM(CASE WHEN state = 'dead' THEN 1 ELSE 0 END), 0) FROM jobs",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(JobCounts { queued, dead })
    }

    /// Forgets jobs that finished before `before` (dead letters stay).
    pub async fn delete_done_jobs(&self, before: i64) -> Result<u64, StoreError> {
        Ok(
            sqlx::query("DELETE FROM jobs WHERE state = 'done' AND finished_at < $1")
                .bind(before)
                .execute(&self.pool)
                .await?
                .rows_affected(),
        )
    }
}
