//! Scheduled work: reminders a day before an exchange and the confirmation
//! of time claims nobody disputed (hourly), the daily
//! digests (07:00), the daily look for overdue visits (09:00) and for papers
//! of the safe about to expire (10:00), French
//! local time. Every node proposes each run as a job whose idempotency key
//! names its slot, so each run happens once whichever nodes are up.

use entraide_core::notify::{Kind, paris_offset};
use entraide_store::StoreError;
use entraide_store::jobs::{Job, NewJob};
use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime, Time};

use crate::jobs::{Failure, Outcome, Worker};
use crate::services::notifications::{Event, notify};
use crate::state::AppState;

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "lowercase", tag = "task")]
enum Task {
    /// Exchanges starting between `at` + 24 h and `at` + 25 h.
    Reminders {
        at: i64,
    },
    Digests {
        day: String,
    },
    Overdue {
        day: String,
    },
    /// Time claims whose delay passed by `at`.
    Claims {
        at: i64,
    },
    /// Papers of the safe that expire within a month of `day`.
    Expiring {
        day: String,
    },
}

/// Queues the runs due around now (called every minute by each node).
pub async fn tick(state: &AppState) -> Result<(), StoreError> {
    let at = OffsetDateTime::now_utc();
    let local = at.to_offset(paris_offset(at));
    let hour_start = local.replace_time(Time::MIDNIGHT) + Duration::hours(local.hour().into());
    let slot = |task: &Task, key: String, run_at: i64| -> Result<NewJob, StoreError> {
        Ok(NewJob::now("schedule", task)?.key(key).at(run_at))
    };
    let day = local.date().to_string();
    let reminders = Task::Reminders {
        at: hour_start.unix_timestamp(),
    };
    let runs = [
        slot(
            &reminders,
            format!("schedule:reminders:{day}T{:02}", local.hour()),
            hour_start.unix_timestamp(),
        )?,
        slot(
            &Task::Claims {
                at: hour_start.unix_timestamp(),
            },
            format!("schedule:claims:{day}T{:02}", local.hour()),
            hour_start.unix_timestamp(),
        )?,
        slot(
            &Task::Digests { day: day.clone() },
            format!("schedule:digests:{day}"),
            at_local(local, 7),
        )?,
        slot(
            &Task::Expiring { day: day.clone() },
            format!("schedule:expiring:{day}"),
            at_local(local, 10),
        )?,
        slot(
            &Task::Overdue { day: day.clone() },
            format!("schedule:overdue:{day}"),
            at_local(local, 9),
        )?,
    ];
    for run in &runs {
        state.db.enqueue(run).await?;
    }
    Ok(())
}

/// `hour`:00 on `local`'s day, as a Unix time.
fn at_local(local: OffsetDateTime, hour: u8) -> i64 {
    (local.replace_time(Time::MIDNIGHT) + Duration::hours(hour.into())).unix_timestamp()
}

/// Runs one scheduled task.
pub async fn run(worker: &Worker, job: &Job) -> Result<Outcome, Failure> {
    let task: Task = serde_json::from_str(&job.payload).map_err(Failure::permanent)?;
    let state = &worker.state;
    match task {
        Task::Reminders { at } => reminders(state, at).await?,
        Task::Claims { at } => {
            crate::services::claims::confirm_due(state, at)
                .await
                .map_err(|e| Failure::retry(e.to_string()))?;
        }
        Task::Digests { day } => {
            for user in state.db.digest_recipients().await? {
                let job = NewJob::now("digest", &serde_json::json!({ "user": user }))?
                    .key(format!("digest:{user}:{day}"));
                state.db.enqueue(&job).await?;
            }
            state.wake_jobs.notify_one();
        }
        Task::Overdue { day } => overdue(state, &day).await?,
        Task::Expiring { day } => expiring(state, &day).await?,
    }
    Ok(Outcome::Done)
}

/// Reminds owners and chosen helpers of one-off exchanges that start in a
/// day (within the hour after `at` + 24 h).
async fn reminders(state: &AppState, at: i64) -> Result<(), Failure> {
    let from = at + 24 * 3600;
    let to = from + 3600;
    let days: Vec<String> = [from, to - 1]
        .iter()
        .filter_map(|t| OffsetDateTime::from_unix_timestamp(*t).ok())
        .map(|t| t.to_offset(paris_offset(t)).date().to_string())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    for exchange in state.db.upcoming_on(&days).await? {
        let Ok(date) = entraide_core::exchange::parse_date("day", &exchange.first_day) else {
            continue;
        };
        // Without a time, people are reminded as for nine in the morning.
        let minutes = exchange.time_from.unwrap_or(9 * 60);
        let midnight = date.midnight().assume_utc();
        let local_start = midnight + Duration::minutes(minutes);
        let start = (local_start
            - Duration::seconds(paris_offset(local_start).whole_seconds().into()))
        .unix_timestamp();
        if !(from..to).contains(&start) {
            continue;
        }
        let mut people = state.db.accepted_helpers(exchange.id).await?;
        people.push(exchange.owner_id);
        notify(
            state,
            &people,
            Event {
                kind: Kind::Reminder,
                actor_id: None,
                subject: &exchange.title,
                link: format!("/exchanges/{}", exchange.id),
                dedup: Some(format!("reminder:{}", exchange.id)),
                collapse: false,
            },
        )
        .await
        .map_err(Failure::retry)?;
    }
    Ok(())
}

/// Tells coordinators of the pairings that have gone too long without a
/// visit, once per pairing and missed period.
async fn overdue(state: &AppState, day: &str) -> Result<(), Failure> {
    let Ok(today) = entraide_core::exchange::parse_date("day", day) else {
        return Err(Failure::permanent("bad day"));
    };
    let parse = |d: &str| entraide_core::exchange::parse_date("day", d).ok();
    for pairing in state.db.pairings_due().await? {
        let Some(started) = parse(&pairing.started_on) else {
            continue;
        };
        let last = pairing.last_visit.as_deref().and_then(parse);
        if !entraide_core::visits::is_overdue(last, started, today, pairing.overdue_weeks) {
            continue;
        }
        let coordinators = state.db.org_coordinators(pairing.org_id).await?;
        let subject = format!("{} · {}", pairing.visitor_name, pairing.visited_name);
        let since = pairing.last_visit.as_deref().unwrap_or(&pairing.started_on);
        notify(
            state,
            &coordinators,
            Event {
                kind: Kind::VisitOverdue,
                actor_id: None,
                subject: &subject,
                link: format!("/pairings/{}", pairing.id),
                dedup: Some(format!("overdue:{}:{since}", pairing.id)),
                collapse: false,
            },
        )
        .await
        .map_err(Failure::retry)?;
    }
    Ok(())
}

/// Tells owners, once, of papers in their safe that expire within a month
/// (an identity card takes weeks to renew). The notification names the
/// date only: what a paper is stays sealed in the safe.
async fn expiring(state: &AppState, day: &str) -> Result<(), Failure> {
    let Ok(today) = entraide_core::exchange::parse_date("day", day) else {
        return Err(Failure::permanent(format!("not a day: {day}")));
    };
    let horizon = (today + Duration::days(31)).to_string();
    for document in state.db.documents_expiring(&horizon).await? {
        notify(
            state,
            &[document.owner_id],
            Event {
                kind: Kind::DocumentExpiring,
                actor_id: None,
                subject: &document.expires_on,
                link: "/safe".to_owned(),
                dedup: Some(format!("expiring:{}", document.id)),
                collapse: false,
            },
        )
        .await
        .map_err(|e| Failure::retry(e.to_string()))?;
        state.db.mark_reminded(document.id).await?;
    }
    Ok(())
}
