//! Scheduled work on every backend: each node proposing the same runs
//! queues them once; reminders reach the owner and the chosen helper a day
//! before, once; the morning digest gathers what people asked to get once a
//! day.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::{TestApp, smtp};
use entraide_core::notify::{paris_now, paris_offset};
use entraide_store::jobs::NewJob;
use entraide_web::jobs::Worker;
use entraide_web::{SmtpConfig, SmtpSecurity};
use serde_json::json;

async fn person(t: &TestApp, email: &str, name: &str) -> (i64, String) {
    let (id, token) = t.sign_up(email, name).await;
    t.db.mark_email_verified(id).await.unwrap();
    let placed = t
        .api(
            "PUT",
            "/api/v1/me/location",
            &token,
            Some(json!({"lat": "48.8687", "lng": "2.3784"})),
        )
        .await;
    assert_eq!(placed.status, StatusCode::OK);
    (id, token)
}

async fn need_on(t: &TestApp, token: &str, day: &str) -> i64 {
    let need = json!({
        "kind": "need", "category": "small-jobs", "title": "Porter les courses",
        "description": "", "date": day, "from": "14:00", "to": "15:00", "place": "home"
    });
    let created = t.api("POST", "/api/v1/exchanges", token, Some(need)).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    created.json()["id"].as_i64().unwrap()
}

async fn step(t: &TestApp, token: &str, id: i64, step: &str, person: Option<i64>) {
    let reply = t
        .api(
            "POST",
            &format!("/api/v1/exchanges/{id}/steps"),
            token,
            Some(json!({"step": step, "person_id": person})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
}

async fn kinds_of(t: &TestApp, user: i64) -> Vec<String> {
    let listing =
        t.db.notifications(user, entraide_store::Page::new(1, 50))
            .await
            .unwrap();
    listing.rows.into_iter().map(|n| n.kind).collect()
}

#[tokio::test]
async fn every_node_proposes_the_same_runs_and_they_are_queued_once() {
    for t in TestApp::all().await {
        let before = t.db.job_counts().await.unwrap().queued;
        entraide_web::services::schedule::tick(&t.state)
            .await
            .unwrap();
        let after = t.db.job_counts().await.unwrap().queued;
        assert_eq!(
            after - before,
            5,
            "reminders, time claims, digests, overdue visits, expiring papers"
        );
        entraide_web::services::schedule::tick(&t.state)
            .await
            .unwrap();
        assert_eq!(t.db.job_counts().await.unwrap().queued, after);
    }
}

#[tokio::test]
async fn reminders_go_out_a_day_before_and_only_once() {
    for t in TestApp::all().await {
        let (owner, owner_token) = person(&t, "odette@example.fr", "Odette").await;
        let (helper, helper_token) = person(&t, "bob@example.fr", "Bob").await;
        let tomorrow = paris_now().date() + time::Duration::days(1);
        let id = need_on(&t, &owner_token, &tomorrow.to_string()).await;
        step(&t, &helper_token, id, "respond", None).await;
        step(&t, &owner_token, id, "choose", Some(helper)).await;

        // 14:00 tomorrow in Paris, and the hour that starts a day before it.
        let local = tomorrow.with_hms(14, 0, 0).unwrap().assume_utc();
        let start = local.unix_timestamp() - i64::from(paris_offset(local).whole_seconds());
        let worker = Worker::new(&t.state);
        let run = |at: i64, key: &str| {
            NewJob::now("schedule", &json!({"task": "reminders", "at": at}))
                .unwrap()
                .key(key.to_owned())
        };
        t.db.enqueue(&run(start - 23 * 3600, "early"))
            .await
            .unwrap();
        worker.round().await.unwrap();
        assert!(
            !kinds_of(&t, owner).await.contains(&"reminder".to_owned()),
            "not yet"
        );

        t.db.enqueue(&run(start - 24 * 3600, "on-time"))
            .await
            .unwrap();
        worker.round().await.unwrap();
        assert!(kinds_of(&t, owner).await.contains(&"reminder".to_owned()));
        assert!(kinds_of(&t, helper).await.contains(&"reminder".to_owned()));

        t.db.enqueue(&run(start - 24 * 3600, "again"))
            .await
            .unwrap();
        worker.round().await.unwrap();
        let reminders = kinds_of(&t, helper)
            .await
            .into_iter()
            .filter(|k| k == "reminder")
            .count();
        assert_eq!(reminders, 1, "a second run does not remind twice");
    }
}

#[tokio::test]
async fn the_morning_digest_gathers_what_waited() {
    let (port, inbox) = smtp::start().await;
    for t in TestApp::all_with(|c| {
        c.smtp = Some(SmtpConfig {
            host: "127.0.0.1".into(),
            port,
            security: SmtpSecurity::None,
            username: None,
            password: None,
            from: "Entraide <no-reply@entraide.test>".into(),
        })
    })
    .await
    {
        let (owner, owner_token) = person(&t, "odette@example.fr", "Odette").await;
        let (_, bob_token) = person(&t, "bob@example.fr", "Bob").await;
        let (_, carol_token) = person(&t, "carol@example.fr", "Carol").await;
        let settings = json!({"channel": "email", "quiet_from": 21, "quiet_to": 8,
            "modes": {"response": "digest"}});
        let saved = t
            .api(
                "PUT",
                "/api/v1/me/notification-settings",
                &owner_token,
                Some(settings),
            )
            .await;
        assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
        let day = (paris_now().date() + time::Duration::days(5)).to_string();
        let id = need_on(&t, &owner_token, &day).await;
        let worker = Worker::new(&t.state);
        worker.round().await.unwrap();
        let before = inbox.messages().len();
        step(&t, &bob_token, id, "respond", None).await;
        step(&t, &carol_token, id, "respond", None).await;
        worker.round().await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        assert_eq!(inbox.messages().len(), before, "nothing sent at once");
        assert_eq!(t.db.digest_recipients().await.unwrap(), vec![owner]);

        let today = paris_now().date().to_string();
        let digests = NewJob::now("schedule", &json!({"task": "digests", "day": today})).unwrap();
        t.db.enqueue(&digests).await.unwrap();
        worker.round().await.unwrap(); // queues one digest per person
        worker.round().await.unwrap(); // sends it
        let mails = inbox.wait_for(before + 1).await;
        let digest = mails[before].replace("=\n", "").replace("=3D", "=");
        assert!(digest.contains("To: odette@example.fr"));
        let link = format!("http://entraide.test/exchanges/{id}");
        assert!(
            digest.matches(&link).count() >= 2,
            "both answers are listed: {digest}"
        );
        assert!(digest.contains("List-Unsubscribe: <http://entraide.test/unsubscribe?token="));
        assert!(
            t.db.digest_recipients().await.unwrap().is_empty(),
            "sent once"
        );
    }
}

#[tokio::test]
async fn coordinators_hear_of_a_pair_nobody_visited_lately_once() {
    for t in TestApp::all().await {
        let db = &t.db;
        let coordinator = db
            .create_user_with_email("coord@example.fr", "h", "Claire", "fr")
            .await
            .unwrap();
        let visitor = db
            .create_user_with_email("lina@example.fr", "h", "Lina", "fr")
            .await
            .unwrap();
        let elder = db
            .create_user_with_email("mamie@example.fr", "h", "Mamie", "fr")
            .await
            .unwrap();
        let org = db
            .create_organisation("Voisin-Âge 11e", "association", "", coordinator)
            .await
            .unwrap();
        let programme = entraide_core::visits::NewProgramme::parse(
            "Visites du 11e",
            "Je viens chaque semaine et je préviens en cas d'empêchement.",
            "2",
        )
        .unwrap();
        let id = db
            .create_programme(org, &programme, coordinator)
            .await
            .unwrap();
        db.join_programme(id, visitor).await.unwrap();
        db.vet_visitor(id, visitor, coordinator).await.unwrap();
        db.add_visited(id, elder, coordinator).await.unwrap();
        let rhythm =
            entraide_core::visits::Rhythm::parse(&["tue-afternoon".to_owned()], "1").unwrap();
        let today = paris_now().date();
        let pairing = db
            .create_pairing(
                id,
                visitor,
                elder,
                rhythm,
                today - time::Duration::days(30),
                coordinator,
            )
            .await
            .unwrap();
        let worker = Worker::new(&t.state);
        for key in ["first", "second"] {
            let run = NewJob::now(
                "schedule",
                &json!({"task": "overdue", "day": today.to_string()}),
            )
            .unwrap()
            .key(key);
            db.enqueue(&run).await.unwrap();
            worker.round().await.unwrap();
        }
        let told = db
            .notifications(coordinator, entraide_store::Page::new(1, 10))
            .await
            .unwrap();
        assert_eq!(told.rows.len(), 1, "once per missed period");
        assert_eq!(told.rows[0].kind, "visit-overdue");
        assert_eq!(told.rows[0].link, format!("/pairings/{pairing}"));
        assert_eq!(told.rows[0].subject, "Lina · Mamie");
        assert!(
            kinds_of(&t, visitor).await.is_empty(),
            "only coordinators are told"
        );
    }
}

#[tokio::test]
async fn papers_about_to_expire_are_announced_once_without_saying_what_they_are() {
    for t in TestApp::all().await {
        let (owner, token) = person(&t, "momo@example.fr", "Momo").await;
        let today = paris_now().date();
        let add = |expires: String, title: &'static str| {
            let (t, token) = (&t, token.clone());
            async move {
                let reply = common::upload::send(
                    t,
                    &format!("/api/v1/safe/{owner}/documents"),
                    &token,
                    "",
                    &[
                        ("title", title),
                        ("doc_type", "identity"),
                        ("expires_on", &expires),
                    ],
                    "carte.pdf",
                    &common::upload::pdf(title),
                )
                .await;
                assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
            }
        };
        add(
            (today + time::Duration::days(20)).to_string(),
            "Carte de séjour",
        )
        .await;
        add((today + time::Duration::days(200)).to_string(), "Passeport").await;
        let worker = Worker::new(&t.state);
        for key in ["first", "again"] {
            let run = NewJob::now(
                "schedule",
                &json!({"task": "expiring", "day": today.to_string()}),
            )
            .unwrap()
            .key(key.to_owned());
            t.db.enqueue(&run).await.unwrap();
            worker.round().await.unwrap();
        }
        let kinds = kinds_of(&t, owner).await;
        assert_eq!(
            kinds.iter().filter(|k| *k == "document-expiring").count(),
            1,
            "{kinds:?}"
        );
        let listing =
            t.db.notifications(owner, entraide_store::Page::new(1, 5))
                .await
                .unwrap();
        let subject = &listing.rows[0].subject;
        assert_eq!(*subject, (today + time::Duration::days(20)).to_string());
        assert!(
            !subject.contains("séjour"),
            "what the paper is stays sealed"
        );
    }
}
