//! Thanks on every backend: given within a daily allowance to people one
//! may see, notified, and shown on the profile; refusals change nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::TestApp;
use serde_json::json;

#[tokio::test]
async fn thanks_are_given_within_the_allowance_notified_and_shown() {
    for t in TestApp::all().await {
        let (odette, odette_token) = t.sign_up("odette@example.fr", "Odette").await;
        let (bob, bob_token) = t.sign_up("bob@example.fr", "Bob").await;
        let (eve, _) = t.sign_up("eve@example.fr", "Eve").await;
        let org =
            t.db.create_organisation("Les Voisins", "collective", "", odette)
                .await
                .unwrap();
        t.db.set_membership(org, bob, "member").await.unwrap();

        let path = format!("/api/v1/people/{bob}/thanks");
        let given = t
            .api(
                "POST",
                &path,
                &odette_token,
                Some(json!({"message": "Merci pour l'étagère !"})),
            )
            .await;
        assert_eq!(given.status, StatusCode::CREATED, "{}", given.body);
        assert_eq!(given.json()["left_today"], 4);
        let told =
            t.db.notifications(bob, entraide_store::Page::new(1, 10))
                .await
                .unwrap();
        assert_eq!(told.rows[0].kind, "thanks");

        let own = t
            .api(
                "POST",
                &format!("/api/v1/people/{odette}/thanks"),
                &odette_token,
                Some(json!({})),
            )
            .await;
        assert_eq!(own.json()["error"]["code"], "thanks-self");
        let hidden = t
            .api(
                "POST",
                &format!("/api/v1/people/{eve}/thanks"),
                &bob_token,
                Some(json!({})),
            )
            .await;
        assert_eq!(
            hidden.status,
            StatusCode::NOT_FOUND,
            "only people one may see"
        );
        let long = t
            .api(
                "POST",
                &path,
                &odette_token,
                Some(json!({"message": "a".repeat(501)})),
            )
            .await;
        assert_eq!(long.status, StatusCode::UNPROCESSABLE_ENTITY);

        for _ in 0..4 {
            let more = t.api("POST", &path, &odette_token, Some(json!({}))).await;
            assert_eq!(more.status, StatusCode::CREATED);
        }
        let spent = t.api("POST", &path, &odette_token, Some(json!({}))).await;
        assert_eq!(spent.status, StatusCode::CONFLICT);
        assert_eq!(spent.json()["error"]["code"], "thanks-allowance");
        let received = t.api("GET", &path, &bob_token, None).await;
        assert_eq!(
            received.json()["count"],
            5,
            "the refused one was not recorded"
        );

        // The pages: the profile shows the thanks; Bob thanks Odette back.
        let bob_web = t.web_login("bob@example.fr").await;
        let profile = t.get(&format!("/people/{bob}"), &bob_web).await;
        assert!(
            profile.body.contains("5 mercis reçus")
                && profile.body.contains("Merci pour l&#39;étagère"),
            "{}",
            profile.body
        );
        assert!(
            !profile.body.contains("action=\"/people/"),
            "no form on one's own profile"
        );
        let sent = t
            .post_form(
                &format!("/people/{odette}/thanks"),
                &[("thanks_message", "À bientôt")],
                &bob_web,
            )
            .await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
        let odette_page = t.get(&format!("/people/{odette}"), &bob_web).await;
        assert!(odette_page.body.contains("1 mercis reçus"));
        assert!(odette_page.body.contains("Il vous reste 4 mercis"));
    }
}
