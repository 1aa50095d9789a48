//! Desk sessions ("permanences") on every backend: the social worker of an
//! accompanying organisation records one; the day cannot be in the future
//! and the topics come from the list; the person reads it on their safe's
//! page and the worker's team on theirs; another organisation sees
//! nothing; withdrawn consent stops both; everything is logged for the
//! person.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::TestApp;
use common::desk::{desk, log_actions};
use serde_json::{Value, json};

async fn record(t: &TestApp, token: &str, person: i64, body: Value) -> common::Reply {
    t.api(
        "POST",
        &format!("/api/v1/safe/{person}/sessions"),
        token,
        Some(body),
    )
    .await
}

#[tokio::test]
async fn the_accompanying_worker_records_a_session_the_person_reads() {
    for t in TestApp::all().await {
        let d = desk(&t).await;
        let tomorrow =
            (time::OffsetDateTime::now_utc().date() + time::Duration::days(2)).to_string();
        let refused = record(
            &t,
            &d.worker,
            d.person,
            json!({"held_on": tomorrow, "topics": ["rent"], "next_steps": "x"}),
        )
        .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        let fields = &refused.json()["error"]["fields"];
        assert!(
            fields["held_on"].is_string() && fields["topics"].is_string(),
            "{fields}"
        );
        let empty = record(&t, &d.worker, d.person, json!({"held_on": "2025-01-10"})).await;
        assert_eq!(
            empty.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "a topic is needed"
        );

        let made = record(
            &t,
            &d.worker,
            d.person,
            json!({"held_on": "2025-01-10", "topics": ["papers", "housing"],
                   "topics_other": "Retraite", "next_steps": "Rappeler la CAF lundi"}),
        )
        .await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
        let own = record(
            &t,
            &d.person_token,
            d.person,
            json!({"held_on": "2025-01-10", "topics": ["other"]}),
        )
        .await;
        assert_eq!(
            own.status,
            StatusCode::FORBIDDEN,
            "a desk records sessions, not the person"
        );

        let mine = t
            .api(
                "GET",
                &format!("/api/v1/safe/{}/sessions", d.person),
                &d.person_token,
                None,
            )
            .await;
        assert_eq!(mine.status, StatusCode::OK, "{}", mine.body);
        assert_eq!(mine.headers["cache-control"], "no-store");
        let session = &mine.json()[0];
        assert_eq!(session["held_on"], "2025-01-10");
        assert_eq!(session["topics"], json!(["housing", "papers"]));
        assert_eq!(session["topics_other"], "Retraite");
        assert_eq!(session["next_steps"], "Rappeler la CAF lundi");
        assert_eq!(session["worker_name"], "Sophie");
        assert_eq!(session["org_name"], "CCAS du 11e");
        let team = t
            .api(
                "GET",
                &format!("/api/v1/safe/{}/sessions", d.person),
                &d.worker,
                None,
            )
            .await;
        assert_eq!(team.status, StatusCode::OK);
        assert_eq!(team.json().as_array().unwrap().len(), 1);

        for reply in [
            t.api(
                "GET",
                &format!("/api/v1/safe/{}/sessions", d.person),
                &d.outsider,
                None,
            )
            .await,
            record(
                &t,
                &d.outsider,
                d.person,
                json!({"held_on": "2025-01-10", "topics": ["health"]}),
            )
            .await,
        ] {
            assert_eq!(reply.status, StatusCode::NOT_FOUND, "{}", reply.body);
        }

        let seen = log_actions(&t, &d.person_token).await;
        assert!(
            seen.contains(&("add-session".into(), "accompaniment".into())),
            "{seen:?}"
        );
        assert!(
            seen.contains(&("list-sessions".into(), "accompaniment".into())),
            "{seen:?}"
        );
        let activity = t
            .api("GET", "/api/v1/me/activity", &d.person_token, None)
            .await;
        assert!(
            activity.body.contains("desk-session-recorded"),
            "{}",
            activity.body
        );

        t.api(
            "PUT",
            &format!("/api/v1/me/accompaniments/{}", d.org),
            &d.person_token,
            Some(json!({"consent": false})),
        )
        .await;
        let after = record(
            &t,
            &d.worker,
            d.person,
            json!({"held_on": "2025-01-11", "topics": ["health"]}),
        )
        .await;
        assert_eq!(after.status, StatusCode::NOT_FOUND);
        let hidden = t
            .api(
                "GET",
                &format!("/api/v1/safe/{}/sessions", d.person),
                &d.worker,
                None,
            )
            .await;
        assert_eq!(hidden.status, StatusCode::NOT_FOUND);
        let still = t
            .api(
                "GET",
                &format!("/api/v1/safe/{}/sessions", d.person),
                &d.person_token,
                None,
            )
            .await;
        assert_eq!(
            still.json().as_array().unwrap().len(),
            1,
            "the person keeps them"
        );
    }
}

#[tokio::test]
async fn the_pages_record_a_session_and_show_it_under_my_desk_sessions() {
    for t in TestApp::all().await {
        let d = desk(&t).await;
        let worker = t.web_login("sophie@example.fr").await;
        let path = format!("/people/{}/safe/sessions", d.person);
        let page = t.get(&path, &worker).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(page.body.contains("Noter une permanence"), "{}", page.body);
        let refused = t
            .post_form(
                &path,
                &[("held_on", "2999-01-01"), ("next_steps", "Rappeler")],
                &worker,
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.body.contains("error-summary"));
        assert!(
            refused.body.contains("ne peut pas être dans le futur"),
            "{}",
            refused.body
        );
        let done = t
            .post_form(
                &path,
                &[
                    ("held_on", "2025-02-03"),
                    ("topics", "income"),
                    ("topics", "family"),
                    ("next_steps", "Dossier RSA à compléter"),
                ],
                &worker,
            )
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
        let stranger = t.web_login("rachid@example.fr").await;
        assert_eq!(t.get(&path, &stranger).await.status, StatusCode::NOT_FOUND);

        let cookie = t
            .post_form("/login/pin", &[("login", &d.login), ("pin", &d.pin)], "")
            .await
            .session();
        let safe = t.get("/safe", &cookie).await;
        assert!(safe.body.contains("Mes permanences"), "{}", safe.body);
        assert!(safe.body.contains("Dossier RSA à compléter"));
        assert!(safe.body.contains("Ressources, Famille"), "{}", safe.body);
        let english = t.get("/safe", &format!("{cookie}; lang=en")).await;
        assert!(english.body.contains("My desk sessions"));
        assert!(english.body.contains("Income, Family"));
    }
}
