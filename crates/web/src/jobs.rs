//! The job worker: claims due jobs from the table, runs each by its kind,
//! and records the outcome (done, retry after a backoff, dead letter).
//! Several workers on several nodes share the table safely; a job whose
//! worker died is taken again when its lease runs out.

use std::time::Duration;

use entraide_store::jobs::{Email, Job};
use entraide_store::now;

use crate::mail::Mailer;
use crate::sms::{SmsError, SmsSender};
use crate::state::AppState;

/// Seconds a worker holds a job before another may take it, unless the
/// settings say otherwise (`WebConfig::job_lease_secs`).
pub const LEASE: i64 = 120;
/// Jobs claimed at once.
const BATCH: i64 = 20;

/// How a job ended.
#[derive(Debug)]
pub enum Outcome {
    Done,
    /// Not now (quiet hours, no mail server yet): run again at this time
    /// without counting an attempt.
    Later(i64),
}

/// Why a job failed.
#[derive(Debug)]
pub struct Failure {
    pub message: String,
    /// Retrying cannot help (a refused phone number, a broken payload).
    pub permanent: bool,
}

impl Failure {
    pub fn retry(message: impl std::fmt::Display) -> Self {
        Self {
            message: message.to_string(),
            permanent: false,
        }
    }
    pub fn permanent(message: impl std::fmt::Display) -> Self {
        Self {
            message: message.to_string(),
            permanent: true,
        }
    }
}

impl From<entraide_store::StoreError> for Failure {
    fn from(error: entraide_store::StoreError) -> Self {
        match error {
            entraide_store::StoreError::NotFound => Self::permanent("not found"),
            other => Self::retry(other),
        }
    }
}

impl From<SmsError> for Failure {
    fn from(error: SmsError) -> Self {
        match error {
            SmsError::Refused { .. } => Self::permanent(error),
            SmsError::Unavailable(_) => Self::retry(error),
        }
    }
}

/// What a worker sends through.
pub struct Worker {
    pub state: AppState,
    pub mailer: Option<Mailer>,
    pub sms: Option<SmsSender>,
}

impl Worker {
    pub fn new(state: &AppState) -> Self {
        let mailer = match &state.config.smtp {
            Some(smtp) => match Mailer::new(smtp) {
                Ok(mailer) => Some(mailer),
                Err(error) => {
                    tracing::error!(%error, "mail is not configured correctly; emails wait");
                    None
                }
            },
            None => {
                tracing::warn!("no SMTP server configured: emails wait until one is");
                None
            }
        };
        let sms = state.config.sms.clone().map(SmsSender::new);
        Self {
            state: state.clone(),
            mailer,
            sms,
        }
    }

    /// Runs until the process stops: works through what is due, then
    /// sleeps until woken or for a second.
    pub async fn run(self) {
        loop {
            let busy = match self.round().await {
                Ok(count) => count > 0,
                Err(error) => {
                    tracing::error!(%error, "could not read the jobs table");
                    false
                }
            };
            if !busy {
                let wake = self.state.wake_jobs.notified();
                let _ = tokio::time::timeout(Duration::from_secs(1), wake).await;
            }
        }
    }

    /// Claims and runs one batch; returns how many jobs it ran.
    pub async fn round(&self) -> Result<usize, entraide_store::StoreError> {
        self.round_at(now()).await
    }

    /// One batch as if the clock read `at` (tests move it forward to reach
    /// a retry's backoff or a dead worker's lease).
    pub async fn round_at(&self, at: i64) -> Result<usize, entraide_store::StoreError> {
        let db = &self.state.db;
        let jobs = db
            .claim_jobs(at, self.state.config.job_lease_secs, BATCH)
            .await?;
        // The batch runs at once: a mail server answers each message after
        // a network round trip or two, which one job at a time would wait
        // for in turn (see docs/benchmarks.md).
        let results =
            futures_util::future::join_all(jobs.iter().map(|job| self.run_one(job, at))).await;
        for (job, result) in jobs.iter().zip(results) {
            let recorded = match result {
                Ok(Outcome::Done) => db.finish_job(job.id).await,
                Ok(Outcome::Later(at)) => db.postpone_job(job.id, at).await,
                Err(failure) => {
                    let dead = db
                        .fail_job(job, &failure.message, failure.permanent, at)
                        .await;
                    match dead {
                        Ok(true) => {
                            tracing::error!(id = job.id, kind = %job.kind, error = %failure.message, "job failed for good; it waits in the dead letters");
                        }
                        Ok(false) => {
                            tracing::warn!(id = job.id, kind = %job.kind, error = %failure.message, "job failed, will retry");
                        }
                        Err(_) => {}
                    }
                    dead.map(|_| ())
                }
            };
            if let Err(error) = recorded {
                tracing::error!(%error, id = job.id, "could not record a job's outcome");
            }
        }
        Ok(jobs.len())
    }

    async fn run_one(&self, job: &Job, at: i64) -> Result<Outcome, Failure> {
        match job.kind.as_str() {
            "email" => {
                let email: Email =
                    serde_json::from_str(&job.payload).map_err(Failure::permanent)?;
                self.email(&email).await
            }
            "notify" => crate::services::notifications::deliver(self, job, at).await,
            "digest" => crate::services::notifications::digest(self, job, at).await,
            "schedule" => crate::services::schedule::run(self, job).await,
            "voice-fetch" => crate::services::voicemail::fetch(self, job).await,
            other => Err(Failure::permanent(format!("unknown job kind {other}"))),
        }
    }

    /// Sends an email, or waits when no mail server is configured.
    pub async fn email(&self, email: &Email) -> Result<Outcome, Failure> {
        match &self.mailer {
            Some(mailer) => {
                mailer.send(email).await.map_err(Failure::retry)?;
                metrics::counter!("entraide_emails_sent_total").increment(1);
                Ok(Outcome::Done)
            }
            None => Ok(Outcome::Later(now() + 600)),
        }
    }
}

/// Gives a dead letter another set of attempts, on an administrator's
/// request (logged), and wakes the worker. `NotFound` unless the job is dead.
pub async fn retry(state: &AppState, by: i64, id: i64) -> Result<(), crate::error::AppError> {
    if !state.db.retry_job(id).await? {
        return Err(crate::error::AppError::NotFound);
    }
    state
        .db
        .audit(entraide_store::audit::NewAudit {
            event: "job-retried",
            actor_id: Some(by),
            detail: &id.to_string(),
            ..Default::default()
        })
        .await?;
    state.wake_jobs.notify_one();
    Ok(())
}
