//! Notifications end to end: real mail to a loopback SMTP server with a
//! working link and unsubscribe, texts to a fake provider with quiet hours,
//! retries and dead letters, a worker killed mid-job, the centre, settings
//! and the live stream.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::{TestApp, sms, smtp};
use entraide_web::jobs::{LEASE, Worker};
use entraide_web::mail::Mailer;
use entraide_web::sms::{SmsConfig, SmsSender};
use entraide_web::{SmtpConfig, SmtpSecurity};
use serde_json::{Value, json};

fn smtp_config(port: u16) -> SmtpConfig {
    SmtpConfig {
        host: "127.0.0.1".into(),
        port,
        security: SmtpSecurity::None,
        username: None,
        password: None,
        from: "Entraide <no-reply@entraide.test>".into(),
    }
}

fn sms_config(url: url::Url) -> SmsConfig {
    SmsConfig {
        url,
        account_sid: sms::SID.into(),
        auth_token: sms::TOKEN.to_owned().into(),
        from: "+33700000000".into(),
    }
}

fn in_ten_days() -> String {
    (time::OffsetDateTime::now_utc().date() + time::Duration::days(10)).to_string()
}

/// An owner with a need, and a neighbour; both emails verified.
async fn need_and_neighbour(t: &TestApp) -> (i64, String, i64, String, i64) {
    let (owner, owner_token) = t.sign_up("odette@example.fr", "Odette").await;
    let (helper, helper_token) = t.sign_up("bob@example.fr", "Bob").await;
    for id in [owner, helper] {
        t.db.mark_email_verified(id).await.unwrap();
    }
    for token in [&owner_token, &helper_token] {
        let placed = t
            .api(
                "PUT",
                "/api/v1/me/location",
                token,
                Some(json!({"lat": "48.8687", "lng": "2.3784"})),
            )
            .await;
        assert_eq!(placed.status, StatusCode::OK, "{}", placed.body);
    }
    let need = json!({
        "kind": "need", "category": "small-jobs", "title": "Fixer une étagère",
        "description": "Au mur du salon", "date": in_ten_days(), "from": "14:00", "to": "16:00",
        "place": "home"
    });
    let created = t
        .api("POST", "/api/v1/exchanges", &owner_token, Some(need))
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let id = created.json()["id"].as_i64().unwrap();
    (owner, owner_token, helper, helper_token, id)
}

async fn respond(t: &TestApp, token: &str, exchange: i64) {
    let reply = t
        .api(
            "POST",
            &format!("/api/v1/exchanges/{exchange}/steps"),
            token,
            Some(json!({"step": "respond"})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
}

fn decoded(mail: &str) -> String {
    mail.replace("=\n", "").replace("=3D", "=")
}

fn link_in(mail: &str, marker: &str) -> String {
    let text = decoded(mail);
    let start = text
        .find(marker)
        .unwrap_or_else(|| panic!("no {marker} in {text}"));
    text[start..]
        .split(|c: char| c.is_whitespace() || c == '"' || c == '<' || c == '>')
        .next()
        .unwrap()
        .replace("&amp;", "&")
}

#[tokio::test]
async fn an_answer_is_mailed_with_a_working_link_and_one_click_unsubscribe() {
    let (port, inbox) = smtp::start().await;
    for t in TestApp::all_with(|c| c.smtp = Some(smtp_config(port))).await {
        let (owner, owner_token, _, helper_token, exchange) = need_and_neighbour(&t).await;
        let worker = Worker::new(&t.state);
        worker.round().await.unwrap();
        let before = inbox.messages().len();
        respond(&t, &helper_token, exchange).await;
        worker.round().await.unwrap();
        let mails = inbox.wait_for(before + 1).await;
        let mail = &mails[before];
        assert!(mail.contains("To: odette@example.fr"), "{mail}");
        assert!(mail.contains("multipart/alternative") && mail.contains("text/html"));
        assert!(mail.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"));
        let link = link_in(mail, "http://entraide.test/exchanges/");
        assert_eq!(link, format!("http://entraide.test/exchanges/{exchange}"));
        let cookie = t.web_login("odette@example.fr").await;
        let page = t
            .get(link.trim_start_matches("http://entraide.test"), &cookie)
            .await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Fixer une étagère"));

        // The centre shows it, and the header counts it.
        assert!(
            page.body.contains("data-count=\"notifications\"> (1"),
            "header counter"
        );
        let centre = t.get("/notifications", &cookie).await;
        assert!(
            centre
                .body
                .contains("Bob a répondu à « Fixer une étagère »"),
            "{}",
            centre.body
        );

        // A mail scanner opening the link changes nothing; the one-click
        // POST a mail program sends does.
        let unsubscribe = link_in(mail, "http://entraide.test/unsubscribe?");
        let path = unsubscribe.trim_start_matches("http://entraide.test");
        let asked = t.get(path, "").await;
        assert_eq!(asked.status, StatusCode::OK);
        let settings = t
            .api(
                "GET",
                "/api/v1/me/notification-settings",
                &owner_token,
                None,
            )
            .await;
        assert_eq!(settings.json()["modes"]["response"], "now");
        let done = t
            .post_form(path, &[("List-Unsubscribe", "One-Click")], "")
            .await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.body);
        let settings = t
            .api(
                "GET",
                "/api/v1/me/notification-settings",
                &owner_token,
                None,
            )
            .await;
        assert_eq!(settings.json()["modes"]["response"], "off");
        let bad = t
            .post_form("/unsubscribe?token=nope&kind=response", &[], "")
            .await;
        assert_eq!(bad.status, StatusCode::NOT_FOUND);

        // Later answers reach the centre only.
        let (carol, carol_token) = t.sign_up("carol@example.fr", "Carol").await;
        t.db.mark_email_verified(carol).await.unwrap();
        respond(&t, &carol_token, exchange).await;
        worker.round().await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        let to_odette = inbox.messages()[before..]
            .iter()
            .filter(|m| m.contains("To: odette@example.fr"))
            .count();
        assert_eq!(to_odette, 1, "no mail after unsubscribing");
        assert_eq!(t.db.unread_notifications(owner).await.unwrap(), 2);
    }
}

#[tokio::test]
async fn texts_go_to_the_provider_in_one_gsm_segment_and_wait_for_quiet_hours() {
    let (url, provider) = sms::start().await;
    for t in TestApp::all_with(|c| c.sms = Some(sms_config(url.clone()))).await {
        let (_, owner_token, _, helper_token, exchange) = need_and_neighbour(&t).await;
        let worker = Worker::new(&t.state);
        let refused = t
            .api(
                "PUT",
                "/api/v1/me/notification-settings",
                &owner_token,
                Some(json!({"channel": "sms", "quiet_from": 21, "quiet_to": 8, "modes": {}})),
            )
            .await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "a text needs a number"
        );
        assert!(
            refused.json()["error"]["fields"]["phone"].is_string(),
            "{}",
            refused.body
        );
        let saved = t
            .api("PUT", "/api/v1/me/notification-settings", &owner_token,
                Some(json!({"channel": "sms", "phone": "06 12 34 56 78", "quiet_from": 0, "quiet_to": 0, "modes": {}})))
            .await;
        assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
        assert_eq!(saved.json()["phone"], "+33612345678");

        let before = provider.messages().len();
        respond(&t, &helper_token, exchange).await;
        worker.round().await.unwrap();
        let sent = provider.messages();
        assert_eq!(sent.len(), before + 1);
        let field = |name: &str| {
            sent[before]
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .unwrap()
        };
        assert_eq!(field("To"), "+33612345678");
        assert_eq!(field("From"), "+33700000000");
        let body = field("Body");
        assert!(
            body.starts_with("Entraide : Bob a répondu : Fixer une étagère"),
            "{body}"
        );
        assert!(body.ends_with(&format!("/exchanges/{exchange}")));
        assert!(body.chars().count() <= 160);
        assert!(
            !body.contains(['\u{2068}', '\u{2069}']),
            "no isolation marks"
        );

        // Quiet hours around now: the text waits.
        let hour = entraide_core::notify::paris_now().hour();
        let quiet = json!({"channel": "sms", "phone": "+33612345678",
            "quiet_from": hour, "quiet_to": (hour + 1) % 24, "modes": {}});
        t.api(
            "PUT",
            "/api/v1/me/notification-settings",
            &owner_token,
            Some(quiet),
        )
        .await;
        let (_, dan_token) = t.sign_up("dan@example.fr", "Dan").await;
        respond(&t, &dan_token, exchange).await;
        worker.round().await.unwrap();
        assert_eq!(
            provider.messages().len(),
            before + 1,
            "nothing sent in quiet hours"
        );
        worker.round_at(entraide_store::now() + 3601).await.unwrap();
        assert_eq!(
            provider.messages().len(),
            before + 2,
            "sent when quiet hours end"
        );
    }
}

#[tokio::test]
async fn a_failing_provider_is_retried_then_dead_lettered_and_an_admin_retries_it() {
    let (url, provider) = sms::start().await;
    for t in TestApp::all_with(|c| c.sms = Some(sms_config(url.clone()))).await {
        let (_, owner_token, _, helper_token, exchange) = need_and_neighbour(&t).await;
        let worker = Worker::new(&t.state);
        worker.round().await.unwrap();
        t.api("PUT", "/api/v1/me/notification-settings", &owner_token,
            Some(json!({"channel": "sms", "phone": "+33612345678", "quiet_from": 0, "quiet_to": 0, "modes": {}})))
            .await;
        provider.answer(503);
        respond(&t, &helper_token, exchange).await;
        let mut at = entraide_store::now();
        let mut rounds = 0;
        while t.db.job_counts().await.unwrap().dead == 0 {
            assert!(
                worker.round_at(at).await.unwrap() >= 1,
                "the job is retried"
            );
            rounds += 1;
            at += 86_400;
            assert!(
                rounds <= entraide_store::jobs::MAX_ATTEMPTS,
                "dead after its attempts"
            );
        }
        let dead =
            t.db.dead_jobs(entraide_store::Page::new(1, 10))
                .await
                .unwrap();
        assert_eq!(dead.rows[0].attempts, entraide_store::jobs::MAX_ATTEMPTS);
        assert!(
            dead.rows[0]
                .last_error
                .as_deref()
                .unwrap_or("")
                .contains("503")
        );

        // The administrator sees it and runs it again once the provider is back.
        let (admin, _) = t.sign_up("admin@example.fr", "Admin").await;
        t.db.set_platform_admin(admin, true).await.unwrap();
        let cookie = t.web_login("admin@example.fr").await;
        let stranger = t.web_login("bob@example.fr").await;
        assert_eq!(
            t.get("/admin/jobs", &stranger).await.status,
            StatusCode::FORBIDDEN
        );
        let page = t.get("/admin/jobs", &cookie).await;
        assert!(page.body.contains("503"), "{}", page.body);
        let dead =
            t.db.dead_jobs(entraide_store::Page::new(1, 10))
                .await
                .unwrap();
        let id = dead.rows[0].id;
        provider.answer(201);
        let retried = t
            .post_form(&format!("/admin/jobs/{id}/retry"), &[], &cookie)
            .await;
        assert_eq!(retried.status, StatusCode::SEE_OTHER);
        let before = provider.messages().len();
        worker.round().await.unwrap();
        assert_eq!(
            provider.messages().len(),
            before + 1,
            "delivered after the retry"
        );
        assert_eq!(t.db.job_counts().await.unwrap().dead, 0);

        // A refused number is not retried.
        provider.answer(400);
        let (_, eve_token) = t.sign_up("eve@example.fr", "Eve").await;
        respond(&t, &eve_token, exchange).await;
        worker.round().await.unwrap();
        assert_eq!(t.db.job_counts().await.unwrap().dead, 1);
    }
}

#[tokio::test]
async fn a_worker_killed_mid_job_does_not_lose_the_job() {
    let (port, inbox) = smtp::start().await;
    // A server that accepts and never answers: the first worker hangs on it.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let silent_port = silent.local_addr().unwrap().port();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = silent.accept().await {
            held.push(stream);
        }
    });
    for t in TestApp::all().await {
        let before = inbox.messages().len();
        t.sign_up("late@example.fr", "Late").await;
        let stuck = Worker {
            state: t.state.clone(),
            mailer: Some(Mailer::new(&smtp_config(silent_port)).unwrap()),
            sms: None,
        };
        let running = tokio::spawn(async move { stuck.round().await });
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        running.abort();
        assert!(running.await.is_err(), "the worker was killed mid-job");

        let healthy = Worker {
            state: t.state.clone(),
            mailer: Some(Mailer::new(&smtp_config(port)).unwrap()),
            sms: Some(SmsSender::new(sms_config(
                url::Url::parse("http://127.0.0.1:9").unwrap(),
            ))),
        };
        assert_eq!(
            healthy.round().await.unwrap(),
            0,
            "the job is held by its lease"
        );
        assert_eq!(
            healthy
                .round_at(entraide_store::now() + LEASE + 1)
                .await
                .unwrap(),
            1
        );
        let mails = inbox.wait_for(before + 1).await;
        assert!(mails[before].contains("To: late@example.fr"));
    }
}

#[tokio::test]
async fn the_centre_and_settings_pages_work_in_both_languages() {
    for t in TestApp::all().await {
        let (owner, _, helper, helper_token, exchange) = need_and_neighbour(&t).await;
        let cookie = t.web_login("odette@example.fr").await;
        let empty = t.get("/notifications", &cookie).await;
        assert!(empty.body.contains("Rien de nouveau"));
        respond(&t, &helper_token, exchange).await;
        let listed = t
            .api("GET", "/api/v1/me/notifications", &helper_token, None)
            .await;
        assert_eq!(listed.json(), json!([]), "the actor is not notified");
        let owner_token = {
            let made = t
                .api(
                    "POST",
                    "/api/v1/login",
                    "",
                    Some(
                        json!({"email": "odette@example.fr", "password": "correct horse battery"}),
                    ),
                )
                .await;
            made.json()["token"].as_str().unwrap().to_owned()
        };
        let listed = t
            .api("GET", "/api/v1/me/notifications", &owner_token, None)
            .await;
        let first: &Value = &listed.json()[0];
        assert_eq!(
            first["text"], "Bob a répondu à « Fixer une étagère »",
            "in the reader's language"
        );
        let id = first["id"].as_i64().unwrap();
        assert_eq!(
            t.api("GET", "/api/v1/me/counts", &owner_token, None)
                .await
                .json()["notifications"],
            1
        );
        let bob = t.web_login("bob@example.fr").await;
        assert_eq!(
            t.get(&format!("/notifications/{id}"), &bob).await.status,
            StatusCode::NOT_FOUND
        );
        let opened = t.get(&format!("/notifications/{id}"), &cookie).await;
        assert_eq!(opened.location(), format!("/exchanges/{exchange}"));
        assert_eq!(t.db.unread_notifications(owner).await.unwrap(), 0);
        assert_eq!(t.db.unread_notifications(helper).await.unwrap(), 0);

        let page = t.get("/me/notifications", &cookie).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Heures calmes"));
        let wrong = t
            .post_form(
                "/me/notifications",
                &[
                    ("channel", "sms"),
                    ("phone", ""),
                    ("quiet_from", "21"),
                    ("quiet_to", "8"),
                ],
                &cookie,
            )
            .await;
        assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            wrong
                .body
                .contains("Numéro de téléphone portable : à remplir"),
            "{}",
            wrong.body
        );
        assert_eq!(
            t.db.notification_settings(owner).await.unwrap().channel,
            "email",
            "nothing saved"
        );
        let saved = t
            .post_form(
                "/me/notifications",
                &[
                    ("channel", "none"),
                    ("phone", ""),
                    ("quiet_from", "22"),
                    ("quiet_to", "7"),
                    ("mode-message", "digest"),
                ],
                &cookie,
            )
            .await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER);
        let stored = t.db.notification_settings(owner).await.unwrap();
        assert_eq!((stored.channel.as_str(), stored.quiet_from), ("none", 22));
        assert_eq!(
            stored.modes,
            vec![("message".to_owned(), "digest".to_owned())]
        );
        t.get("/lang/en", &cookie).await;
        let english = t
            .get("/me/notifications", &format!("{cookie}; entraide_lang=en"))
            .await;
        assert!(english.body.contains("Quiet hours"));
    }
}

#[tokio::test]
async fn the_live_stream_sends_counts_when_they_change() {
    for t in TestApp::all().await {
        let (_, owner_token, _, helper_token, exchange) = need_and_neighbour(&t).await;
        entraide_web::live::spawn_listener(&t.state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let router = t.router.clone();
        tokio::spawn(async move { axum::serve(listener, router).await });
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let refused = client
            .get(format!("http://127.0.0.1:{port}/events"))
            .send()
            .await
            .unwrap();
        assert_eq!(
            refused.status(),
            StatusCode::SEE_OTHER,
            "signed-out people go to the sign-in page"
        );
        let mut stream = client
            .get(format!("http://127.0.0.1:{port}/events"))
            .bearer_auth(&owner_token)
            .send()
            .await
            .unwrap();
        assert_eq!(stream.headers()["content-type"], "text/event-stream");
        let mut seen = String::new();
        let mut next_counts = async |seen: &mut String| -> Value {
            loop {
                if let Some(end) = seen.find("\n\n") {
                    let event: String = seen.drain(..end + 2).collect();
                    if let Some(data) = event.lines().find_map(|l| l.strip_prefix("data: ")) {
                        return serde_json::from_str(data).unwrap();
                    }
                    continue;
                }
                let chunk =
                    tokio::time::timeout(std::time::Duration::from_secs(10), stream.chunk())
                        .await
                        .expect("an event within ten seconds")
                        .unwrap()
                        .expect("the stream stays open");
                seen.push_str(&String::from_utf8_lossy(&chunk));
            }
        };
        assert_eq!(next_counts(&mut seen).await["notifications"], 0);
        respond(&t, &helper_token, exchange).await;
        // Other wake-ups (the listener starting) may send the same counts
        // again first; the new count arrives without reloading anything.
        let mut latest = next_counts(&mut seen).await;
        while latest["notifications"] == 0 {
            latest = next_counts(&mut seen).await;
        }
        assert_eq!(latest["notifications"], 1);
    }
}
