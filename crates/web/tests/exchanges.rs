//! Needs and offers over HTTP, on every backend: the whole life of a need
//! through the API and the pages, matches with reasons, refused input that
//! changes nothing, exact places kept from others, and acts done for an
//! accompanied person showing in their log.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::TestApp;
use common::exchanges::{HOME, NEAR, in_ten_days, need, neighbour, step};
use serde_json::json;

#[tokio::test]
async fn a_need_is_matched_invited_accepted_and_done_through_the_api() {
    for t in TestApp::all().await {
        let (_, asker) = neighbour(&t, "odette@example.fr", "Odette", HOME).await;
        let (helper_id, helper) = neighbour(&t, "karim@example.fr", "Karim", NEAR).await;
        let (_, outsider) = neighbour(&t, "lea@example.fr", "Léa", NEAR).await;

        let posted = t
            .api(
                "POST",
                "/api/v1/exchanges",
                &asker,
                Some(need("Fixer une étagère")),
            )
            .await;
        assert_eq!(posted.status, StatusCode::CREATED, "{}", posted.body);
        let id = posted.json()["id"].as_i64().unwrap();

        let helpers = t
            .api(
                "GET",
                &format!("/api/v1/exchanges/{id}/helpers"),
                &asker,
                None,
            )
            .await;
        assert_eq!(helpers.status, StatusCode::OK, "{}", helpers.body);
        let helpers = helpers.json();
        // The in-memory index, once loaded, proposes the very same people.
        t.state.helpers.refresh(&t.db).await.unwrap();
        let indexed = t
            .api(
                "GET",
                &format!("/api/v1/exchanges/{id}/helpers"),
                &asker,
                None,
            )
            .await
            .json();
        assert_eq!(indexed, helpers);
        let first = &helpers[0];
        assert_eq!(
            first["person_id"], helper_id,
            "ties go to the earlier account"
        );
        let reasons: Vec<String> = first["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_str().unwrap().to_owned())
            .collect();
        assert!(reasons[0].ends_with(" m"), "{reasons:?}");
        assert!(
            reasons.iter().any(|r| r.contains("Bricolage")),
            "{reasons:?}"
        );
        assert!(
            reasons.iter().any(|r| r.starts_with("libre : ")),
            "{reasons:?}"
        );

        // Only the owner side invites; illegal or unknown steps change nothing.
        assert_eq!(
            step(&t, &outsider, id, "invite", Some(helper_id))
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        let unknown = step(&t, &asker, id, "teleport", Some(helper_id)).await;
        assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
        let early = step(&t, &helper, id, "accept_invitation", None).await;
        assert_eq!(early.status, StatusCode::CONFLICT);
        assert_eq!(early.json()["error"]["code"], "transition");

        let invited = step(&t, &asker, id, "invite", Some(helper_id)).await;
        assert_eq!(invited.status, StatusCode::OK, "{}", invited.body);
        assert_eq!(invited.json()["part"], "invited");
        let mine = t.api("GET", "/api/v1/me/involvements", &helper, None).await;
        assert_eq!(mine.json()[0]["part"], "invited");
        let accepted = step(&t, &helper, id, "accept_invitation", None).await;
        assert_eq!(accepted.json()["exchange"]["state"], "scheduled");

        let close = |token: String, what: &'static str| {
            let t = &t;
            async move {
                t.api(
                    "POST",
                    &format!("/api/v1/exchanges/{id}/close"),
                    &token,
                    Some(json!({"step": what})),
                )
                .await
            }
        };
        assert_eq!(
            close(helper.clone(), "complete").await.status,
            StatusCode::FORBIDDEN
        );
        let done = close(asker.clone(), "complete").await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.body);
        assert_eq!(done.json()["state"], "done");
        assert_eq!(done.json()["participants"][0]["part"], "helped");
        assert_eq!(
            close(asker.clone(), "cancel").await.status,
            StatusCode::CONFLICT
        );
    }
}

#[tokio::test]
async fn refused_input_is_explained_and_posts_nothing() {
    for t in TestApp::all().await {
        let (_, token) = neighbour(&t, "odette@example.fr", "Odette", HOME).await;
        let bad = json!({"kind": "need", "category": "juggling", "title": "ab",
            "date": "2020-01-01", "from": "16:00", "to": "25:00", "helpers_wanted": "0"});
        let reply = t.api("POST", "/api/v1/exchanges", &token, Some(bad)).await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            reply.body
        );
        let fields = reply.json()["error"]["fields"].clone();
        for field in ["category", "title", "date", "helpers_wanted"] {
            assert!(fields[field].is_string(), "{field}: {fields}");
        }
        let cookie = t.web_login("odette@example.fr").await;
        let page = t
            .post_form(
                "/exchanges/new",
                &[
                    ("kind", "need"),
                    ("category", ""),
                    ("title", ""),
                    ("date", "demain"),
                ],
                &cookie,
            )
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.body.contains("error-summary") && page.body.contains("href=\"#f-category\""));
        let listed = t.api("GET", "/api/v1/me/exchanges", &token, None).await;
        assert_eq!(listed.json()["items"].as_array().unwrap().len(), 0);
        let search = t
            .api(
                "GET",
                "/api/v1/exchanges?sort=sideways&radius=99999999",
                &token,
                None,
            )
            .await;
        assert_eq!(search.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
}

#[tokio::test]
async fn the_exact_place_stays_with_the_owner_and_search_finds_folded_words() {
    for t in TestApp::all().await {
        let (_, asker) = neighbour(&t, "odette@example.fr", "Odette", HOME).await;
        let (_, other) = neighbour(&t, "karim@example.fr", "Karim", NEAR).await;
        let id = t
            .api(
                "POST",
                "/api/v1/exchanges",
                &asker,
                Some(need("Visite à une dame âgée")),
            )
            .await
            .json()["id"]
            .as_i64()
            .unwrap();
        let mine = t
            .api("GET", &format!("/api/v1/exchanges/{id}"), &asker, None)
            .await;
        assert!(mine.body.contains(HOME.0), "the owner sees the exact place");
        for path in [
            format!("/api/v1/exchanges/{id}"),
            "/api/v1/exchanges?q=agees".to_owned(),
        ] {
            let seen = t.api("GET", &path, &other, None).await;
            assert_eq!(seen.status, StatusCode::OK);
            assert!(
                !seen.body.contains(HOME.0) && !seen.body.contains("48.86693"),
                "{}",
                seen.body
            );
        }
        let found = t
            .api("GET", "/api/v1/exchanges?q=AGEES", &other, None)
            .await;
        assert_eq!(found.json()["items"][0]["id"], id);
        let page = t
            .get(
                &format!("/exchanges/{id}"),
                &t.web_login("karim@example.fr").await,
            )
            .await;
        assert!(page.body.contains("Visite à une dame âgée") && !page.body.contains(HOME.0));
    }
}

#[tokio::test]
async fn an_organisation_posts_for_a_person_it_registered_and_the_person_sees_it() {
    for t in TestApp::all().await {
        let (_, worker) = neighbour(&t, "worker@example.fr", "Sonia", HOME).await;
        let (_, stranger) = neighbour(&t, "stranger@example.fr", "Paul", HOME).await;
        let org = t
            .api(
                "POST",
                "/api/v1/orgs",
                &worker,
                Some(json!({"name": "CCAS du 11e", "kind": "social_service"})),
            )
            .await
            .json()["id"]
            .as_i64()
            .unwrap();
        let handout = t
            .api(
                "POST",
                &format!("/api/v1/orgs/{org}/people"),
                &worker,
                Some(json!({"display_name": "Mohamed", "birth_year": "1953", "language": "fr"})),
            )
            .await
            .json();
        let person = handout["user_id"].as_i64().unwrap();
        let mut body = need("Remplir le dossier de la CAF");
        body["for_person"] = json!(person);
        body["lat"] = json!(HOME.0);
        body["lng"] = json!(HOME.1);
        let refused = t
            .api("POST", "/api/v1/exchanges", &stranger, Some(body.clone()))
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        let posted = t
            .api("POST", "/api/v1/exchanges", &worker, Some(body))
            .await;
        assert_eq!(posted.status, StatusCode::CREATED, "{}", posted.body);
        let posted = posted.json();
        assert_eq!(posted["owner_id"], person);
        assert_eq!(posted["acting_for"], true);

        let signed_in = t
            .api(
                "POST",
                "/api/v1/login/pin",
                "",
                Some(json!({"login": handout["login"], "pin": handout["pin"]})),
            )
            .await
            .json();
        let token = signed_in["token"].as_str().unwrap();
        let log = t.api("GET", "/api/v1/me/activity", token, None).await;
        assert!(log.body.contains("exchange-posted-for"), "{}", log.body);
        let theirs = t.api("GET", "/api/v1/me/exchanges", token, None).await;
        assert_eq!(
            theirs.json()["items"][0]["title"],
            "Remplir le dossier de la CAF"
        );
    }
}

#[tokio::test]
async fn the_pages_post_answer_and_choose() {
    for t in TestApp::all().await {
        neighbour(&t, "odette@example.fr", "Odette", HOME).await;
        let (karim_id, _) = neighbour(&t, "karim@example.fr", "Karim", NEAR).await;
        let odette = t.web_login("odette@example.fr").await;
        let karim = t.web_login("karim@example.fr").await;
        let date = in_ten_days();
        let posted = t
            .post_form(
                "/exchanges/new",
                &[
                    ("kind", "need"),
                    ("category", "errands"),
                    ("title", "Courses du samedi"),
                    ("schedule", "once"),
                    ("date", &date),
                    ("from", "10:00"),
                    ("to", "11:00"),
                    ("helpers_wanted", "1"),
                    ("urgency", "normal"),
                ],
                &odette,
            )
            .await;
        assert_eq!(posted.status, StatusCode::SEE_OTHER, "{}", posted.body);
        let path = posted.location().split('?').next().unwrap().to_owned();
        let list = t.get("/exchanges?q=course", &karim).await;
        assert!(
            list.body.contains("Courses du samedi"),
            "stemmed search on the list page"
        );
        let answered = t
            .post_form(
                &format!("{path}/steps"),
                &[("step", "respond"), ("message", "Je passe par là")],
                &karim,
            )
            .await;
        assert_eq!(answered.status, StatusCode::SEE_OTHER, "{}", answered.body);
        let owner_view = t.get(&path, &odette).await;
        assert!(owner_view.body.contains("Je passe par là"));
        let karim_id = karim_id.to_string();
        let chosen = t
            .post_form(
                &format!("{path}/steps"),
                &[("step", "choose"), ("person_id", &karim_id)],
                &odette,
            )
            .await;
        assert_eq!(chosen.status, StatusCode::SEE_OTHER);
        assert!(t.get(&path, &odette).await.body.contains("Prévu"));
        let confirm = t.get(&format!("{path}/cancel"), &odette).await;
        assert_eq!(confirm.status, StatusCode::OK);
        assert_eq!(
            t.get(&format!("{path}/cancel"), &karim).await.status,
            StatusCode::FORBIDDEN
        );
        let mine = t.get("/me/exchanges", &karim).await;
        assert!(mine.body.contains("Courses du samedi"));
    }
}
