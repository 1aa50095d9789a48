//! Sign-up, sign-in, sessions, PIN accounts, email verification and reset,
//! through the pages and the API, on every backend.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::{TestApp, smtp};
use entraide_web::{SmtpConfig, SmtpSecurity};
use serde_json::json;

#[tokio::test]
async fn sign_up_through_the_page_then_see_my_profile() {
    for t in TestApp::all().await {
        let reply = t
            .post_form(
                "/signup",
                &[
                    ("display_name", "Léa"),
                    ("email", "lea@example.fr"),
                    ("password", "correct horse battery"),
                ],
                "",
            )
            .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER);
        assert_eq!(reply.location(), "/me/edit?done=welcome");
        let cookie = reply.session();
        assert!(
            reply
                .headers
                .get("set-cookie")
                .unwrap()
                .to_str()
                .unwrap()
                .contains("SameSite=Lax")
        );
        let me = t.get("/me", &cookie).await;
        assert_eq!(me.status, StatusCode::OK);
        assert!(me.body.contains("Léa") && me.body.contains("pas encore confirmée"));

        let logout = t.post_form("/logout", &[], &cookie).await;
        assert_eq!(logout.status, StatusCode::SEE_OTHER);
        let after = t.get("/me", &cookie).await;
        assert_eq!(after.status, StatusCode::SEE_OTHER, "the session is gone");
        assert_eq!(after.location(), "/login?next=%2Fme");
    }
}

#[tokio::test]
async fn bad_sign_up_shows_every_error_translated_and_creates_nothing() {
    for t in TestApp::all().await {
        let before = t.count_users().await;
        let reply = t
            .post_form(
                "/signup",
                &[
                    ("display_name", ""),
                    ("email", "nope"),
                    ("password", "short"),
                ],
                "",
            )
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        for text in [
            "Il y a un problème",
            "Nom affiché : à remplir",
            "adresse e-mail non valide",
            "Mot de passe : trop court",
            "value=\"nope\"",
        ] {
            assert!(reply.body.contains(text), "missing {text}");
        }
        assert!(reply.body.contains("aria-invalid=\"true\""));
        assert_eq!(t.count_users().await, before);

        t.sign_up("taken@example.fr", "First").await;
        let twice = t
            .post_form(
                "/signup",
                &[
                    ("display_name", "B"),
                    ("email", "TAKEN@example.fr"),
                    ("password", "correct horse battery"),
                ],
                "",
            )
            .await;
        assert_eq!(twice.status, StatusCode::CONFLICT);
        assert!(twice.body.contains("Un compte existe déjà"));
        assert_eq!(t.count_users().await, before + 1);
    }
}

#[tokio::test]
async fn api_errors_have_the_right_status_and_shape() {
    for t in TestApp::all().await {
        let reply = t
            .api(
                "POST",
                "/api/v1/signup",
                "",
                Some(json!({"email": "x", "password": "short"})),
            )
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        let error = &reply.json()["error"];
        assert_eq!(error["code"], "invalid");
        assert_eq!(error["fields"]["email"], "not a valid email address");
        assert_eq!(error["fields"]["display_name"], "required");

        let malformed = t.api("POST", "/api/v1/login", "", None).await;
        assert_eq!(malformed.status, StatusCode::BAD_REQUEST);
        assert_eq!(malformed.json()["error"]["code"], "malformed");

        let (_, token) = t.sign_up("a@example.fr", "A").await;
        let wrong = t
            .api(
                "POST",
                "/api/v1/login",
                "",
                Some(json!({"email": "a@example.fr", "password": "wrong password!"})),
            )
            .await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
        let unknown = t
            .api(
                "POST",
                "/api/v1/login",
                "",
                Some(json!({"email": "nobody@example.fr", "password": "wrong password!"})),
            )
            .await;
        assert_eq!(
            unknown.json(),
            wrong.json(),
            "unknown accounts answer like wrong passwords"
        );

        assert_eq!(
            t.api("GET", "/api/v1/me", "", None).await.status,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            t.api("GET", "/api/v1/me", "not-a-token", None).await.status,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            t.api("GET", "/api/v1/me", &token, None).await.status,
            StatusCode::OK
        );
        assert_eq!(
            t.api("GET", "/api/v1/nothing-here", &token, None)
                .await
                .json()["error"]["code"],
            "not-found"
        );
    }
}

#[tokio::test]
async fn login_is_rate_limited() {
    for t in TestApp::all().await {
        t.sign_up("r@example.fr", "R").await;
        let mut statuses = Vec::new();
        for _ in 0..25 {
            let reply = t
                .api(
                    "POST",
                    "/api/v1/login",
                    "",
                    Some(json!({"email": "r@example.fr", "password": "wrong password!"})),
                )
                .await;
            statuses.push(reply.status);
        }
        assert_eq!(statuses[0], StatusCode::UNAUTHORIZED);
        assert_eq!(statuses[24], StatusCode::TOO_MANY_REQUESTS);
    }
}

#[tokio::test]
async fn api_tokens_are_listed_and_revocable() {
    for t in TestApp::all().await {
        let (_, token) = t.sign_up("tok@example.fr", "T").await;
        let created = t
            .api(
                "POST",
                "/api/v1/me/tokens",
                &token,
                Some(json!({"name": "phone"})),
            )
            .await;
        assert_eq!(created.status, StatusCode::CREATED);
        let (id, secret) = (
            created.json()["id"].as_i64().unwrap(),
            created.json()["token"].as_str().unwrap().to_owned(),
        );
        assert_eq!(
            t.api("GET", "/api/v1/me", &secret, None).await.status,
            StatusCode::OK
        );
        let list = t.api("GET", "/api/v1/me/tokens", &token, None).await.json();
        assert_eq!(list.as_array().unwrap().len(), 2);
        assert!(
            !list.to_string().contains(&secret),
            "secrets are never listed"
        );
        assert_eq!(
            t.api("DELETE", &format!("/api/v1/me/tokens/{id}"), &token, None)
                .await
                .status,
            StatusCode::NO_CONTENT
        );
        assert_eq!(
            t.api("GET", "/api/v1/me", &secret, None).await.status,
            StatusCode::UNAUTHORIZED
        );
        let empty = t
            .api(
                "POST",
                "/api/v1/me/tokens",
                &token,
                Some(json!({"name": ""})),
            )
            .await;
        assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
}

#[tokio::test]
async fn verification_and_reset_mail_arrive_and_their_links_work() {
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
        let already = inbox.messages().len();
        let (_, token) = t.sign_up("mail@example.fr", "Mail").await;
        let messages = inbox.wait_for(already + 1).await;
        let mail = &messages[already];
        assert!(mail.contains("To: mail@example.fr"));
        assert!(
            mail.contains("Subject: Confirmez votre adresse"),
            "in the language of the sign-up: {mail}"
        );
        let link = extract_link(mail, "/verify?token=");
        let verified = t.get(&link, "").await;
        assert_eq!(verified.status, StatusCode::OK);
        assert!(verified.body.contains("adresse e-mail est confirmée"));
        assert_eq!(
            t.get(&link, "").await.status,
            StatusCode::NOT_FOUND,
            "links are single-use"
        );
        assert_eq!(
            t.api("GET", "/api/v1/me", &token, None).await.json()["email_verified"],
            true
        );

        let asked = t
            .post_form("/password/forgot", &[("email", "mail@example.fr")], "")
            .await;
        assert_eq!(asked.status, StatusCode::OK);
        let unknown = t
            .post_form("/password/forgot", &[("email", "ghost@example.fr")], "")
            .await;
        assert_eq!(
            unknown.body, asked.body,
            "the page does not tell who has an account"
        );
        let messages = inbox.wait_for(already + 2).await;
        let reset_link = extract_link(&messages[already + 1], "/password/reset?token=");
        let reset_token = reset_link.split("token=").nth(1).unwrap().to_owned();
        let weak = t
            .post_form(
                "/password/reset",
                &[("token", &reset_token), ("password", "short")],
                "",
            )
            .await;
        assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
        let done = t
            .post_form(
                "/password/reset",
                &[
                    ("token", &reset_token),
                    ("password", "a brand new passphrase"),
                ],
                "",
            )
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER);
        assert_eq!(
            t.api("GET", "/api/v1/me", &token, None).await.status,
            StatusCode::UNAUTHORIZED,
            "a reset ends API tokens too"
        );
        let login = t
            .post_form(
                "/login",
                &[
                    ("email", "mail@example.fr"),
                    ("password", "a brand new passphrase"),
                ],
                "",
            )
            .await;
        assert_eq!(login.status, StatusCode::SEE_OTHER);
        let again = t
            .post_form(
                "/password/reset",
                &[("token", &reset_token), ("password", "another passphrase")],
                "",
            )
            .await;
        assert_eq!(
            again.status,
            StatusCode::CONFLICT,
            "reset links are single-use"
        );
    }
}

/// The path and query of the first link to `entraide.test` containing `marker`.
fn extract_link(mail: &str, marker: &str) -> String {
    let decoded = mail.replace("=\n", "").replace("=3D", "=");
    let start = decoded
        .find(marker)
        .unwrap_or_else(|| panic!("no {marker} in {decoded}"));
    decoded[start..]
        .split(|c: char| c.is_whitespace() || c == '"' || c == '<')
        .next()
        .unwrap()
        .to_owned()
}
