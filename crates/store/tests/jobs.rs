//! The jobs table and notifications, on both databases: idempotency,
//! leases that survive a dead worker, backoff, dead letters, and fan-out
//! that follows each person's settings.

use entraide_store::jobs::{MAX_ATTEMPTS, NewJob, backoff};
use entraide_store::notifications::{NewNotification, Settings};
use entraide_store::testing::backends;
use entraide_store::{Page, StoreError, now};

type TestResult = Result<(), StoreError>;

#[tokio::test]
async fn jobs_run_once_survive_dead_workers_and_end_as_dead_letters() -> TestResult {
    for db in backends().await? {
        let at = now();
        let job = NewJob::now("email", &serde_json::json!({"to": "a@b.fr"}))?.key("k1");
        let first = db.enqueue(&job).await?;
        assert!(first.is_some());
        assert_eq!(db.enqueue(&job).await?, None, "same key, queued once");
        assert_eq!(db.job_counts().await?.queued, 1);

        let claimed = db.claim_jobs(at, 60, 10).await?;
        assert_eq!(claimed.len(), 1);
        assert_eq!(claimed[0].attempts, 1);
        assert!(
            db.claim_jobs(at, 60, 10).await?.is_empty(),
            "a claimed job is not claimed twice"
        );
        // The worker dies without a word: once the lease runs out, another
        // worker takes the job again.
        let again = db.claim_jobs(at + 61, 60, 10).await?;
        assert_eq!(again.len(), 1, "an interrupted job runs again");
        assert_eq!(again[0].attempts, 2);

        assert!(!db.fail_job(&again[0], "smtp down", false, at + 61).await?);
        assert!(
            db.claim_jobs(at + 62, 60, 10).await?.is_empty(),
            "a retry waits for its backoff"
        );
        let later = at + 61 + backoff(2);
        let third = db.claim_jobs(later, 60, 10).await?;
        assert_eq!(third.len(), 1);
        db.postpone_job(third[0].id, later + 10).await?;
        let fourth = db.claim_jobs(later + 10, 60, 10).await?;
        assert_eq!(fourth[0].attempts, 3, "a postponed run is not counted");

        // A provider that refuses for good makes a dead letter at once.
        assert!(db.fail_job(&fourth[0], "refused", true, later + 10).await?);
        let counts = db.job_counts().await?;
        assert_eq!((counts.queued, counts.dead), (0, 1));
        let dead = db.dead_jobs(Page::new(1, 10)).await?;
        assert_eq!(dead.rows[0].last_error.as_deref(), Some("refused"));
        assert!(db.retry_job(dead.rows[0].id).await?);
        assert!(
            !db.retry_job(dead.rows[0].id).await?,
            "only dead jobs are retried"
        );
        let retried = db.claim_jobs(now(), 60, 10).await?;
        assert_eq!(
            retried[0].attempts, 1,
            "a retried job has its attempts back"
        );
        db.finish_job(retried[0].id).await?;
        assert_eq!(db.job_counts().await?.queued, 0);
        assert_eq!(db.delete_done_jobs(now() + 1).await?, 1);
    }
    Ok(())
}

#[tokio::test]
async fn a_job_failing_every_time_becomes_a_dead_letter() -> TestResult {
    for db in backends().await? {
        db.enqueue(&NewJob::now("sms", &serde_json::json!({}))?)
            .await?;
        let mut at = now();
        for attempt in 1..=MAX_ATTEMPTS {
            let claimed = db.claim_jobs(at, 60, 10).await?;
            assert_eq!(claimed.len(), 1, "attempt {attempt}");
            let dead = db.fail_job(&claimed[0], "provider down", false, at).await?;
            assert_eq!(dead, attempt == MAX_ATTEMPTS);
            at += backoff(attempt) + 1;
        }
        assert!(db.claim_jobs(at + 86_400, 60, 10).await?.is_empty());
        assert_eq!(db.job_counts().await?.dead, 1);

        // A worker that dies during the last attempt leaves a dead letter too.
        let job = NewJob {
            max_attempts: 1,
            ..NewJob::now("sms", &serde_json::json!({}))?
        };
        db.enqueue(&job).await?;
        assert_eq!(db.claim_jobs(at, 60, 10).await?.len(), 1);
        assert!(db.claim_jobs(at + 61, 60, 10).await?.is_empty());
        assert_eq!(db.job_counts().await?.dead, 2);
    }
    Ok(())
}

#[tokio::test]
async fn concurrent_workers_never_share_a_job() -> TestResult {
    for db in backends().await? {
        for i in 0..60 {
            db.enqueue(&NewJob::now("email", &i)?).await?;
        }
        let at = now();
        let workers = (0..4).map(|_| {
            let db = db.clone();
            tokio::spawn(async move {
                let mut mine = Vec::new();
                loop {
                    let batch = db.claim_jobs(at, 60, 5).await?;
                    if batch.is_empty() {
                        return Ok::<_, StoreError>(mine);
                    }
                    mine.extend(batch.into_iter().map(|j| j.id));
                }
            })
        });
        let mut all = Vec::new();
        for worker in workers {
            all.extend(
                worker
                    .await
                    .map_err(|e| StoreError::Payload(e.to_string()))??,
            );
        }
        all.sort_unstable();
        let before = all.len();
        all.dedup();
        assert_eq!(
            (before, all.len()),
            (60, 60),
            "each job claimed exactly once"
        );
    }
    Ok(())
}

async fn verified(db: &entraide_store::Db, email: &str) -> Result<i64, StoreError> {
    let id = db
        .create_user_with_email(email, "hash", email, "fr")
        .await?;
    db.mark_email_verified(id).await?;
    Ok(id)
}

#[tokio::test]
async fn fan_out_follows_each_persons_settings() -> TestResult {
    for db in backends().await? {
        let actor = verified(&db, "actor@x.fr").await?;
        let now_person = verified(&db, "now@x.fr").await?;
        let digest_person = verified(&db, "digest@x.fr").await?;
        let off_person = verified(&db, "off@x.fr").await?;
        let sms_without_phone = verified(&db, "sms@x.fr").await?;
        let settings = |channel: &str, mode: &str| Settings {
            channel: channel.into(),
            phone: None,
            quiet_from: 21,
            quiet_to: 8,
            modes: vec![("message".into(), mode.into())],
        };
        db.set_notification_settings(digest_person, &settings("email", "digest"), "now")
            .await?;
        db.set_notification_settings(off_person, &settings("email", "off"), "now")
            .await?;
        db.set_notification_settings(sms_without_phone, &settings("sms", "now"), "now")
            .await?;
        assert_eq!(
            db.notification_settings(digest_person).await?.modes,
            vec![("message".to_owned(), "digest".to_owned())]
        );
        let event = NewNotification {
            kind: "message",
            actor_id: Some(actor),
            subject: "Bonjour",
            link: "/conversations/1",
            dedup: None,
            collapse: true,
        };
        let everyone = [now_person, digest_person, off_person, sms_without_phone];
        let notified = db.notify(&everyone, &event).await?;
        assert_eq!(notified.len(), 4, "everyone sees it in their centre");
        assert_eq!(
            db.job_counts().await?.queued,
            1,
            "one delivery job: the person who chose 'now'"
        );
        assert_eq!(db.digest_recipients().await?, vec![digest_person]);
        assert_eq!(db.unread_notifications(off_person).await?, 1);

        let again = db.notify(&everyone, &event).await?;
        assert!(
            again.is_empty(),
            "unread notifications of the same link collapse"
        );
        let listing = db.notifications(now_person, Page::new(1, 10)).await?;
        assert_eq!(listing.rows[0].actor_name.as_deref(), Some("actor@x.fr"));
        let link = db.open_notification(now_person, listing.rows[0].id).await?;
        assert_eq!(link, "/conversations/1");
        assert_eq!(db.unread_notifications(now_person).await?, 0);
        assert!(
            db.open_notification(off_person, listing.rows[0].id)
                .await
                .is_err(),
            "nobody opens another person's notification"
        );
        assert_eq!(db.notify(&[now_person], &event).await?, vec![now_person]);

        let keyed = NewNotification {
            dedup: Some("reminder:7"),
            collapse: false,
            ..event.clone()
        };
        assert_eq!(db.notify(&[now_person, off_person], &keyed).await?.len(), 2);
        assert!(
            db.notify(&[now_person, off_person], &keyed)
                .await?
                .is_empty(),
            "once per key and person"
        );

        let token = db.notify_token(off_person).await?;
        assert_eq!(
            db.notify_token(off_person).await?,
            token,
            "one token per person"
        );
        assert_eq!(db.unsubscribe(&token, "reminder").await?, off_person);
        assert!(matches!(
            db.unsubscribe("nope", "reminder").await,
            Err(StoreError::NotFound)
        ));
        assert!(
            db.notification_settings(off_person)
                .await?
                .modes
                .contains(&("reminder".to_owned(), "off".to_owned()))
        );

        let many: Vec<i64> = {
            let mut ids = Vec::new();
            for i in 0..1_200 {
                ids.push(
                    db.create_user_with_email(&format!("p{i}@x.fr"), "h", "P", "fr")
                        .await?,
                );
            }
            ids
        };
        let wide = NewNotification {
            link: "/exchanges/9",
            ..event.clone()
        };
        assert_eq!(
            db.notify(&many, &wide).await?.len(),
            1_200,
            "fan-out in chunks"
        );
        assert_eq!(db.read_all_notifications(many[0]).await?, 1);
    }
    Ok(())
}
