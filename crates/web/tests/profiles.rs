//! Profiles, homes and privacy: exact coordinates never reach anyone but
//! their owner; address search through a fake BAN server on loopback;
//! data download and account deletion.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use axum::routing::get;
use common::TestApp;
use serde_json::json;

const HOME_LAT: &str = "48.866937";
const HOME_LNG: &str = "2.378412";

/// A loopback stand-in for the BAN address API; it records the queries.
async fn fake_ban() -> url::Url {
    let app = axum::Router::new().route(
        "/search/",
        get(|axum::extract::Query(q): axum::extract::Query<std::collections::HashMap<String, String>>| async move {
            let query = q.get("q").cloned().unwrap_or_default();
            if query.contains("Timbaud") {
                axum::Json(json!({"type": "FeatureCollection", "features": [{
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [2.378412, 48.866937]},
                    "properties": {"label": "12 Rue Jean-Pierre Timbaud 75011 Paris", "score": 0.97}
                }]}))
            } else {
                axum::Json(json!({"type": "FeatureCollection", "features": []}))
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    url::Url::parse(&format!("http://{address}/")).unwrap()
}

#[tokio::test]
async fn profile_edit_through_the_page_and_the_api() {
    for t in TestApp::all().await {
        let (_, token) = t.sign_up("p@example.fr", "Paul").await;
        let cookie = t.web_login("p@example.fr").await;
        let form = [
            ("display_name", "Paul B."),
            ("bio", "Ancien menuisier"),
            ("visibility", "neighbours"),
            ("skills", "diy"),
            ("skills", "sign-language"),
            ("interests", "memory"),
            ("languages", "fsl"),
            ("availability", "tue-evening"),
            ("free_tags", "vélo, tricot"),
        ];
        let saved = t.post_form("/me/edit", &form, &cookie).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
        let me = t.api("GET", "/api/v1/me", &token, None).await.json();
        assert_eq!(me["profile"]["skills"], json!(["diy", "sign-language"]));
        assert_eq!(me["profile"]["free_tags"], json!(["tricot", "vélo"]));
        assert_eq!(me["profile"]["availability"], json!(["tue-evening"]));
        let page = t.get("/me", &cookie).await.body;
        assert!(page.contains("Langue des signes française (LSF)") && page.contains("Mardi soir"));

        let before = t.api("GET", "/api/v1/me", &token, None).await.body;
        let bad = t
            .post_form(
                "/me/edit",
                &[
                    ("display_name", ""),
                    ("visibility", "everyone"),
                    ("skills", "juggling"),
                ],
                &cookie,
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("choix non valide"));
        assert_eq!(
            t.api("GET", "/api/v1/me", &token, None).await.body,
            before,
            "a refused form changes nothing"
        );

        let api = t.api("PUT", "/api/v1/me/profile", &token, Some(json!({"display_name": "Paul", "visibility": "hidden", "availability": ["sun-morning"]}))).await;
        assert_eq!(api.status, StatusCode::OK);
        assert_eq!(
            api.json()["profile"]["availability"],
            json!(["sun-morning"])
        );
    }
}

#[tokio::test]
async fn exact_home_never_leaks_to_others() {
    let ban = fake_ban().await;
    for t in TestApp::all_with(|c| c.geocoder_url = Some(ban.clone())).await {
        let (owner, owner_token) = t.sign_up("owner@example.fr", "Owner").await;
        let (_, other_token) = t.sign_up("other@example.fr", "Other").await;
        let owner_cookie = t.web_login("owner@example.fr").await;
        let other_cookie = t.web_login("other@example.fr").await;
        t.api(
            "PUT",
            "/api/v1/me/profile",
            &owner_token,
            Some(json!({"display_name": "Owner", "visibility": "neighbours"})),
        )
        .await;

        let placed = t
            .post_form(
                "/me/location",
                &[("address", "12 rue Jean-Pierre Timbaud, Paris")],
                &owner_cookie,
            )
            .await;
        assert_eq!(placed.status, StatusCode::SEE_OTHER, "{}", placed.body);
        let mine = t.api("GET", "/api/v1/me", &owner_token, None).await.json();
        assert_eq!(
            mine["home"]["lat"].as_f64(),
            Some(48.866937),
            "the owner sees the exact point"
        );
        assert_eq!(
            mine["home"]["address"],
            "12 Rue Jean-Pierre Timbaud 75011 Paris"
        );

        let missing = t
            .post_form(
                "/me/location",
                &[("address", "nowhere at all")],
                &owner_cookie,
            )
            .await;
        assert_eq!(missing.status, StatusCode::CONFLICT);
        assert!(missing.body.contains("Adresse introuvable"));

        let seen_by_others = [
            t.api(
                "GET",
                &format!("/api/v1/people/{owner}"),
                &other_token,
                None,
            )
            .await,
            t.get(&format!("/people/{owner}"), &other_cookie).await,
        ];
        for reply in &seen_by_others {
            assert_eq!(reply.status, StatusCode::OK);
            for secret in [HOME_LAT, HOME_LNG, "48.86693", "2.37841", "Timbaud"] {
                assert!(
                    !reply.body.contains(secret),
                    "{secret} leaked: {}",
                    reply.body
                );
            }
        }
        let position = seen_by_others[0].json()["position"].clone();
        assert_eq!(position["precision_m"], 300);
        let (lat, lng) = (
            position["lat"].as_f64().unwrap(),
            position["lng"].as_f64().unwrap(),
        );
        let shown = entraide_core::geo::Point { lat, lng };
        let home = entraide_core::geo::Point {
            lat: 48.866937,
            lng: 2.378412,
        };
        assert!(home.distance_m(shown) < 300.0 && home.distance_m(shown) > 1.0);

        // A hand-placed pin, then privacy settings: hidden profiles are not found.
        let pin = t
            .api(
                "PUT",
                "/api/v1/me/location",
                &owner_token,
                Some(json!({"lat": "48,8601", "lng": "2.3801"})),
            )
            .await;
        assert_eq!(pin.status, StatusCode::OK);
        let bad_pin = t
            .api(
                "PUT",
                "/api/v1/me/location",
                &owner_token,
                Some(json!({"lat": "91", "lng": "2"})),
            )
            .await;
        assert_eq!(bad_pin.status, StatusCode::UNPROCESSABLE_ENTITY);
        t.api(
            "PUT",
            "/api/v1/me/profile",
            &owner_token,
            Some(json!({"display_name": "Owner", "visibility": "hidden"})),
        )
        .await;
        assert_eq!(
            t.api(
                "GET",
                &format!("/api/v1/people/{owner}"),
                &other_token,
                None
            )
            .await
            .status,
            StatusCode::NOT_FOUND
        );
        t.api(
            "PUT",
            "/api/v1/me/profile",
            &owner_token,
            Some(json!({"display_name": "Owner", "visibility": "organisations"})),
        )
        .await;
        assert_eq!(
            t.api(
                "GET",
                &format!("/api/v1/people/{owner}"),
                &other_token,
                None
            )
            .await
            .status,
            StatusCode::NOT_FOUND
        );
    }
}

#[tokio::test]
async fn without_address_search_the_manual_pin_still_works() {
    for t in TestApp::all().await {
        t.sign_up("pin@example.fr", "Pin").await;
        let cookie = t.web_login("pin@example.fr").await;
        let page = t.get("/me", &cookie).await.body;
        assert!(
            !page.contains("name=\"address\""),
            "no address field without a geocoder"
        );
        let placed = t
            .post_form(
                "/me/location",
                &[("lat", "48.8655"), ("lng", "2.3776")],
                &cookie,
            )
            .await;
        assert_eq!(placed.status, StatusCode::SEE_OTHER);
        let wrong = t
            .post_form("/me/location", &[("lat", "north"), ("lng", "")], &cookie)
            .await;
        assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(wrong.body.contains("position non valide"));
    }
}

#[tokio::test]
async fn photos_are_checked_by_content() {
    for t in TestApp::all().await {
        let (id, _) = t.sign_up("photo@example.fr", "Photo").await;
        let cookie = t.web_login("photo@example.fr").await;
        let upload = |bytes: Vec<u8>| {
            let boundary = "XBOUNDARY";
            let mut body = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"../../etc/passwd.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n").into_bytes();
            body.extend(bytes);
            body.extend(format!("\r\n--{boundary}--\r\n").into_bytes());
            axum::http::Request::post("/me/photo")
                .header(
                    "content-type",
                    format!("multipart/form-data; boundary={boundary}"),
                )
                .header("cookie", cookie.clone())
                .header("sec-fetch-site", "same-origin")
                .body(axum::body::Body::from(body))
                .unwrap()
        };
        let text = t.send(upload(b"not an image".to_vec())).await;
        assert_eq!(text.status, StatusCode::UNPROCESSABLE_ENTITY);
        let png = t
            .send(upload(b"\x89PNG\r\n\x1a\nrest-of-image".to_vec()))
            .await;
        assert_eq!(png.status, StatusCode::SEE_OTHER);
        let stored = t.db.user(id).await.unwrap().photo.unwrap();
        assert!(
            stored.ends_with(".png") && !stored.contains('/'),
            "the stored name is ours, not the upload's"
        );
        let served = t.get(&format!("/people/{id}/photo"), &cookie).await;
        assert_eq!(served.headers["content-type"], "image/png");
    }
}

#[tokio::test]
async fn download_my_data_and_delete_my_account() {
    for t in TestApp::all().await {
        let (id, token) = t.sign_up("gone@example.fr", "Gone").await;
        let cookie = t.web_login("gone@example.fr").await;
        let export = t.api("GET", "/api/v1/me/export", &token, None).await.json();
        assert_eq!(export["account"]["email"], "gone@example.fr");
        assert!(
            export["activity"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["event"] == "account-created")
        );
        for key in [
            "notification_settings",
            "notifications",
            "messages_written",
            "thanks_received",
            "thanks_given",
            "time_bank",
            "time_claims",
        ] {
            assert!(!export[key].is_null(), "the download holds {key}");
        }
        assert_eq!(export["notification_settings"]["channel"], "email");
        let zip = t.get("/me/export", &cookie).await;
        assert_eq!(zip.headers["content-type"], "application/zip");

        let unconfirmed = t
            .post_form("/me/delete", &[("confirm", "oui")], &cookie)
            .await;
        assert_eq!(unconfirmed.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(t.db.user(id).await.unwrap().deletion_requested_at.is_none());
        let asked = t
            .post_form("/me/delete", &[("confirm", "supprimer")], &cookie)
            .await;
        assert_eq!(asked.status, StatusCode::SEE_OTHER);
        assert!(
            t.get("/me", &cookie)
                .await
                .body
                .contains("Annuler la suppression")
        );
        assert_eq!(
            t.api("GET", "/api/v1/me", &token, None).await.status,
            StatusCode::UNAUTHORIZED,
            "tokens end at once"
        );
        let cancelled = t.post_form("/me/delete/cancel", &[], &cookie).await;
        assert_eq!(cancelled.status, StatusCode::SEE_OTHER);
        assert!(t.db.user(id).await.unwrap().deletion_requested_at.is_none());

        t.post_form("/me/delete", &[("confirm", "SUPPRIMER")], &cookie)
            .await;
        assert_eq!(
            entraide_web::services::privacy::purge(&t.state)
                .await
                .unwrap(),
            0,
            "the grace period protects the account"
        );
        t.db.purge_deleted_accounts(entraide_store::now() + 1)
            .await
            .unwrap();
        assert!(t.db.user(id).await.is_err());
        assert_eq!(t.get("/me", &cookie).await.status, StatusCode::SEE_OTHER);
    }
}
