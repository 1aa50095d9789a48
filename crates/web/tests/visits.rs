//! A visits programme over HTTP, on every backend: a coordinator opens it,
//! a young visitor joins and is vetted, an elderly person is proposed the
//! nearest visitor sharing her interests, the pair is approved, visits are
//! logged (notes for coordinators only), and overdue pairs show.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::TestApp;
use serde_json::json;

async fn placed(
    t: &TestApp,
    email: &str,
    name: &str,
    lat: &str,
    interests: &[&str],
) -> (i64, String) {
    let (id, token) = t.sign_up(email, name).await;
    let reply = t
        .api(
            "PUT",
            "/api/v1/me/location",
            &token,
            Some(json!({"lat": lat, "lng": "2.378412"})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let profile = json!({"display_name": name, "bio": "", "visibility": "organisations",
        "skills": [], "interests": interests, "languages": ["fr"], "free_tags": [],
        "availability": ["tue-afternoon"]});
    assert_eq!(
        t.api("PUT", "/api/v1/me/profile", &token, Some(profile))
            .await
            .status,
        StatusCode::OK
    );
    (id, token)
}

#[tokio::test]
async fn a_coordinator_pairs_a_vetted_visitor_who_logs_visits() {
    for t in TestApp::all().await {
        let (_, coordinator) = placed(&t, "coord@example.fr", "Claire", "48.8669", &[]).await;
        let (near_id, near) = placed(
            &t,
            "near@example.fr",
            "Inès",
            "48.8680",
            &["regional-culture", "memory"],
        )
        .await;
        let (far_id, far) = placed(&t, "far@example.fr", "Hugo", "48.8800", &["cinema"]).await;
        let (elder_id, elder) = placed(
            &t,
            "elder@example.fr",
            "Yvonne",
            "48.8670",
            &["regional-culture", "memory"],
        )
        .await;
        let org = t
            .api(
                "POST",
                "/api/v1/orgs",
                &coordinator,
                Some(json!({"name": "Voisin-Âge", "kind": "association"})),
            )
            .await
            .json()["id"]
            .as_i64()
            .unwrap();
        let charter =
            "Je viens chaque semaine et je préviens la coordination en cas d'empêchement.";
        let refused = t
            .api(
                "POST",
                &format!("/api/v1/orgs/{org}/programmes"),
                &near,
                Some(json!({"name": "Visites", "charter": charter})),
            )
            .await;
        assert_eq!(
            refused.status,
            StatusCode::FORBIDDEN,
            "only coordinators open programmes"
        );
        let bad = t
            .api(
                "POST",
                &format!("/api/v1/orgs/{org}/programmes"),
                &coordinator,
                Some(json!({"name": "", "charter": "court", "overdue_weeks": "99"})),
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        let programme = t
            .api(
                "POST",
                &format!("/api/v1/orgs/{org}/programmes"),
                &coordinator,
                Some(json!({"name": "Visites du 11e", "charter": charter, "overdue_weeks": "2"})),
            )
            .await;
        assert_eq!(programme.status, StatusCode::CREATED, "{}", programme.body);
        let p = programme.json()["id"].as_i64().unwrap();

        let unaccepted = t
            .api(
                "POST",
                &format!("/api/v1/programmes/{p}/join"),
                &near,
                Some(json!({})),
            )
            .await;
        assert_eq!(
            unaccepted.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "the charter must be accepted"
        );
        for token in [&near, &far] {
            let joined = t
                .api(
                    "POST",
                    &format!("/api/v1/programmes/{p}/join"),
                    token,
                    Some(json!({"charter_accepted": true})),
                )
                .await;
            assert_eq!(joined.status, StatusCode::NO_CONTENT);
        }
        for id in [near_id, far_id] {
            let vetted = t
                .api(
                    "POST",
                    &format!("/api/v1/programmes/{p}/visitors/{id}/vet"),
                    &coordinator,
                    None,
                )
                .await;
            assert_eq!(vetted.status, StatusCode::NO_CONTENT);
        }
        // The elderly person must belong to the organisation first.
        let outside = t
            .api(
                "POST",
                &format!("/api/v1/programmes/{p}/visited"),
                &coordinator,
                Some(json!({"person_id": elder_id})),
            )
            .await;
        assert_eq!(outside.status, StatusCode::CONFLICT);
        let invitation = t
            .api(
                "POST",
                &format!("/api/v1/orgs/{org}/invitations"),
                &coordinator,
                Some(json!({"role": "member"})),
            )
            .await
            .json();
        let link = invitation["link"].as_str().unwrap();
        let token = link.rsplit('/').next().unwrap();
        let accepted = t
            .api(
                "POST",
                &format!("/api/v1/invitations/{token}/accept"),
                &elder,
                None,
            )
            .await;
        assert!(accepted.status.is_success(), "{}", accepted.body);
        let added = t
            .api(
                "POST",
                &format!("/api/v1/programmes/{p}/visited"),
                &coordinator,
                Some(json!({"person_id": elder_id})),
            )
            .await;
        assert_eq!(added.status, StatusCode::NO_CONTENT, "{}", added.body);

        let proposed = t
            .api(
                "GET",
                &format!("/api/v1/programmes/{p}/visited/{elder_id}/visitors"),
                &coordinator,
                None,
            )
            .await
            .json();
        assert_eq!(proposed[0]["person_id"], near_id, "{proposed}");
        assert!(
            proposed[0]["reasons"]
                .to_string()
                .contains("Culture régionale"),
            "{proposed}"
        );

        let pairing = t
            .api("POST", &format!("/api/v1/programmes/{p}/pairings"), &coordinator,
                Some(json!({"visitor_id": near_id, "visited_id": elder_id, "slots": ["tue-afternoon"], "every_weeks": "1"})))
            .await;
        assert_eq!(pairing.status, StatusCode::CREATED, "{}", pairing.body);
        let pairing = pairing.json()["id"].as_i64().unwrap();
        let again = t
            .api("POST", &format!("/api/v1/programmes/{p}/pairings"), &coordinator,
                Some(json!({"visitor_id": near_id, "visited_id": elder_id, "slots": ["tue-afternoon"]})))
            .await;
        assert_eq!(again.status, StatusCode::CONFLICT);

        let today = time::OffsetDateTime::now_utc().date() - time::Duration::days(1);
        let day = format!(
            "{:04}-{:02}-{:02}",
            today.year(),
            u8::from(today.month()),
            today.day()
        );
        let visit = json!({"day": day, "minutes": "90", "note": "Elle a parlé de son village."});
        assert_eq!(
            t.api(
                "POST",
                &format!("/api/v1/pairings/{pairing}/visits"),
                &far,
                Some(visit.clone())
            )
            .await
            .status,
            StatusCode::NOT_FOUND
        );
        let bad_visit = t
            .api(
                "POST",
                &format!("/api/v1/pairings/{pairing}/visits"),
                &near,
                Some(json!({"day": "2000-01-01", "minutes": "0"})),
            )
            .await;
        assert_eq!(bad_visit.status, StatusCode::UNPROCESSABLE_ENTITY);
        let logged = t
            .api(
                "POST",
                &format!("/api/v1/pairings/{pairing}/visits"),
                &near,
                Some(visit),
            )
            .await;
        assert_eq!(logged.status, StatusCode::CREATED, "{}", logged.body);
        let for_visitor = t
            .api(
                "GET",
                &format!("/api/v1/pairings/{pairing}/visits"),
                &near,
                None,
            )
            .await;
        assert!(
            !for_visitor.body.contains("village"),
            "the note is for coordinators only"
        );
        let for_coordinator = t
            .api(
                "GET",
                &format!("/api/v1/pairings/{pairing}/visits"),
                &coordinator,
                None,
            )
            .await;
        assert!(for_coordinator.body.contains("village"));
        assert_eq!(
            t.api(
                "GET",
                &format!("/api/v1/pairings/{pairing}/visits"),
                &elder,
                None
            )
            .await
            .status,
            StatusCode::FORBIDDEN
        );

        let view = t
            .api(
                "GET",
                &format!("/api/v1/programmes/{p}"),
                &coordinator,
                None,
            )
            .await
            .json();
        assert_eq!(view["pairings"][0]["overdue"], false);
        assert_eq!(view["pairings"][0]["last_visit"], day);
        let theirs = t
            .api("GET", "/api/v1/me/pairings", &elder, None)
            .await
            .json();
        assert_eq!(theirs[0]["visitor_name"], "Inès");
        let log = t.api("GET", "/api/v1/me/activity", &elder, None).await;
        assert!(log.body.contains("pairing-approved"));

        // The pages render for each role.
        let cookie = t.web_login("coord@example.fr").await;
        let page = t.get(&format!("/programmes/{p}"), &cookie).await;
        assert!(
            page.body.contains("Inès") && page.body.contains("Yvonne"),
            "{}",
            page.body
        );
        let matches = t
            .get(
                &format!("/programmes/{p}/visited/{elder_id}/match"),
                &cookie,
            )
            .await;
        assert_eq!(matches.status, StatusCode::OK);
        let mine = t
            .get("/visits", &t.web_login("near@example.fr").await)
            .await;
        assert!(mine.body.contains("Yvonne") && !mine.body.contains("village"));
        let ended = t
            .post_form(&format!("/pairings/{pairing}/end"), &[], &cookie)
            .await;
        assert_eq!(ended.status, StatusCode::SEE_OTHER);
        assert!(
            t.api("GET", "/api/v1/me/pairings", &elder, None)
                .await
                .json()
                .as_array()
                .unwrap()
                .is_empty()
        );
    }
}
