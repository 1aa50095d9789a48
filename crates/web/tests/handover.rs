//! From registration to hand-over, on every backend: a social worker
//! registers a person with an optional mobile number (texts become their
//! way to be told; a wrong number changes nothing); later the person takes
//! the account in hand with their own email and password and chooses what
//! each organisation keeps. The PIN works until the email is confirmed,
//! then ends with every session opened with it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::desk::desk;
use common::{TestApp, smtp};
use entraide_web::{SmtpConfig, SmtpSecurity};
use serde_json::json;

fn link_in(mail: &str) -> String {
    let decoded = mail.replace("=\n", "").replace("=3D", "=");
    let start = decoded.find("/verify?token=").expect("a link");
    decoded[start..]
        .split(|c: char| c.is_whitespace() || c == '"' || c == '<')
        .next()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn a_phone_given_at_registration_is_checked_kept_and_printed() {
    for t in TestApp::all().await {
        let (admin, _) = t.sign_up("admin@example.fr", "Admin").await;
        let org =
            t.db.create_organisation("CCAS du 11e", "social_service", "", admin)
                .await
                .unwrap();
        let (worker_id, worker) = t.sign_up("sophie@example.fr", "Sophie").await;
        t.db.set_membership(org, worker_id, "social_worker")
            .await
            .unwrap();
        let path = format!("/api/v1/orgs/{org}/people");
        let before = t.count_users().await;
        for wrong in ["01 42 00 00 00", "+44 7700 900123", "06 12"] {
            let refused = t
                .api(
                    "POST",
                    &path,
                    &worker,
                    Some(json!({"display_name": "Momo", "phone": wrong})),
                )
                .await;
            assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{wrong}");
            assert!(refused.json()["error"]["fields"]["phone"].is_string());
        }
        assert_eq!(t.count_users().await, before, "nothing was created");
        let made = t
            .api(
                "POST",
                &path,
                &worker,
                Some(json!({"display_name": "Momo", "phone": "06 12 34 56 78"})),
            )
            .await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
        let handout = made.json();
        assert_eq!(handout["phone"], "+33612345678");
        let token = t
            .api(
                "POST",
                "/api/v1/login/pin",
                "",
                Some(json!({"login": handout["login"], "pin": handout["pin"]})),
            )
            .await
            .json()["token"]
            .as_str()
            .unwrap()
            .to_owned();
        let settings = t
            .api("GET", "/api/v1/me/notification-settings", &token, None)
            .await
            .json();
        assert_eq!(settings["channel"], "sms");
        assert_eq!(settings["phone"], "+33612345678");

        // The page: four fields at most, the number on the handout.
        let cookie = t.web_login("sophie@example.fr").await;
        let form = t.get(&format!("/orgs/{org}/register"), &cookie).await;
        assert_eq!(
            form.body.matches("<input id=\"f-").count(),
            3,
            "name, year, phone"
        );
        assert!(form.body.contains("name=\"language\""));
        let refused = t
            .post_form(
                &format!("/orgs/{org}/register"),
                &[
                    ("display_name", "Aïcha"),
                    ("phone", "12345"),
                    ("language", "fr"),
                ],
                &cookie,
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.body.contains("error-summary") && refused.body.contains("#f-phone"));
        let printed = t
            .post_form(
                &format!("/orgs/{org}/register"),
                &[
                    ("display_name", "Aïcha"),
                    ("phone", "+33 7 98 76 54 32"),
                    ("language", "en"),
                ],
                &cookie,
            )
            .await;
        assert_eq!(printed.status, StatusCode::OK, "{}", printed.body);
        assert!(printed.body.contains("07 98 76 54 32"), "{}", printed.body);
        assert!(
            printed.body.contains("told by text message"),
            "in the person's language"
        );
    }
}

#[tokio::test]
async fn a_pin_account_is_taken_in_hand_and_its_pin_ends_once_the_email_is_confirmed() {
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
        entraide_web::spawn_background(&t.state);
        let d = desk(&t).await;
        let status = t
            .api("GET", "/api/v1/me/handover", &d.person_token, None)
            .await;
        assert_eq!(status.status, StatusCode::OK, "{}", status.body);
        assert_eq!(
            status.json()["organisations"],
            json!([{"org_id": d.org, "org_name": "CCAS du 11e", "consent": true, "shared": true}])
        );
        let not_pin = t.api("GET", "/api/v1/me/handover", &d.worker, None).await;
        assert_eq!(not_pin.status, StatusCode::CONFLICT);

        let bad = t
            .api(
                "POST",
                "/api/v1/me/handover",
                &d.person_token,
                Some(json!({"email": "pas une adresse", "password": "court", "keep_consent": [d.other_org]})),
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        let fields = &bad.json()["error"]["fields"];
        for field in ["email", "password", "keep_consent"] {
            assert!(fields[field].is_string(), "{field}: {fields}");
        }
        let taken = t
            .api(
                "POST",
                "/api/v1/me/handover",
                &d.person_token,
                Some(json!({"email": "sophie@example.fr", "password": "une phrase de passe"})),
            )
            .await;
        assert_eq!(taken.status, StatusCode::CONFLICT);
        assert_eq!(taken.json()["error"]["code"], "email-taken");
        let unchanged = t
            .api("GET", "/api/v1/me/handover", &d.person_token, None)
            .await;
        assert_eq!(unchanged.json()["pending_email"], json!(null));
        assert_eq!(unchanged.json()["organisations"][0]["consent"], true);

        let already = inbox.messages().len();
        let started = t
            .api(
                "POST",
                "/api/v1/me/handover",
                &d.person_token,
                Some(
                    json!({"email": "momo@example.fr", "password": "une phrase de passe",
                            "keep_consent": [], "keep_share": [d.org]}),
                ),
            )
            .await;
        assert_eq!(started.status, StatusCode::ACCEPTED, "{}", started.body);
        // The CCAS no longer acts for Momo, but still sees the safe.
        let note = t
            .api(
                "POST",
                &format!("/api/v1/safe/{}/notes", d.person),
                &d.worker,
                Some(json!({"kind": "note", "text": "x"})),
            )
            .await;
        assert_eq!(note.status, StatusCode::NOT_FOUND);
        let read = t
            .api(
                "GET",
                &format!("/api/v1/safe/{}/notes", d.person),
                &d.worker,
                None,
            )
            .await;
        assert_eq!(read.status, StatusCode::OK);
        // The PIN works until the email is confirmed.
        let pin = json!({"login": d.login, "pin": d.pin});
        let again = t
            .api("POST", "/api/v1/login/pin", "", Some(pin.clone()))
            .await;
        assert_eq!(again.status, StatusCode::OK);

        let messages = inbox.wait_for(already + 1).await;
        let mail = &messages[already];
        assert!(mail.contains("To: momo@example.fr"), "{mail}");
        let confirmed = t.get(&link_in(mail), "").await;
        assert_eq!(confirmed.status, StatusCode::OK);
        assert!(
            confirmed.body.contains("votre compte est à vous"),
            "{}",
            confirmed.body
        );

        let after = t.api("POST", "/api/v1/login/pin", "", Some(pin)).await;
        assert_eq!(after.status, StatusCode::UNAUTHORIZED, "the PIN has ended");
        let old = t.api("GET", "/api/v1/me", &d.person_token, None).await;
        assert_eq!(
            old.status,
            StatusCode::UNAUTHORIZED,
            "sessions opened with it too"
        );
        let unlock = t
            .api(
                "POST",
                &format!("/api/v1/orgs/{}/members/{}/unlock", d.org, d.person),
                &d.worker,
                None,
            )
            .await;
        assert_eq!(
            unlock.status,
            StatusCode::CONFLICT,
            "no new PIN can be given"
        );
        let signed = t
            .api(
                "POST",
                "/api/v1/login",
                "",
                Some(json!({"email": "momo@example.fr", "password": "une phrase de passe"})),
            )
            .await;
        assert_eq!(signed.status, StatusCode::OK, "{}", signed.body);
        let token = signed.json()["token"].as_str().unwrap().to_owned();
        let activity = t.api("GET", "/api/v1/me/activity", &token, None).await;
        for event in [
            "handover-started",
            "handover-completed",
            "registered-by-worker",
        ] {
            assert!(activity.body.contains(event), "{event}: {}", activity.body);
        }
        let log = common::desk::log_actions(&t, &token).await;
        assert!(
            log.contains(&("withdraw-consent".into(), "owner".into())),
            "{log:?}"
        );
        let done = t.api("GET", "/api/v1/me/handover", &token, None).await;
        assert_eq!(done.status, StatusCode::CONFLICT);
    }
}

#[tokio::test]
async fn the_hand_over_page_is_linked_from_my_account_in_french_and_english() {
    for t in TestApp::all().await {
        let d = desk(&t).await;
        let cookie = t
            .post_form("/login/pin", &[("login", &d.login), ("pin", &d.pin)], "")
            .await
            .session();
        let me = t.get("/me", &cookie).await;
        assert!(me.body.contains("href=\"/me/handover\""), "{}", me.body);
        let page = t.get("/me/handover", &cookie).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(page.body.contains("CCAS du 11e") && page.body.contains("checked"));
        let refused = t
            .post_form(
                "/me/handover",
                &[
                    ("email", "momo@"),
                    ("password", "zq8x"),
                    ("keep_consent", &d.org.to_string()),
                ],
                &cookie,
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.body.contains("error-summary"));
        assert!(!refused.body.contains("zq8x"), "passwords never come back");
        let done = t
            .post_form(
                "/me/handover",
                &[
                    ("email", "momo@example.fr"),
                    ("password", "une phrase de passe"),
                    ("keep_consent", &d.org.to_string()),
                    ("keep_share", &d.org.to_string()),
                ],
                &cookie,
            )
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
        assert_eq!(done.location(), "/me/handover?done=handover-started");
        let pending = t.get(done.location(), &format!("{cookie}; lang=en")).await;
        assert!(
            pending.body.contains("Take my account in hand"),
            "{}",
            pending.body
        );
        assert!(
            pending
                .body
                .contains("A confirmation link was sent to momo@example.fr")
        );
        let worker = t.web_login("sophie@example.fr").await;
        let me = t.get("/me", &worker).await;
        assert!(
            !me.body.contains("/me/handover"),
            "not for accounts with an email"
        );
    }
}
