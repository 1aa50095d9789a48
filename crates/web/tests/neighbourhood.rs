//! My neighbourhood on every backend: the board reaches the neighbours
//! within its radius and nobody 5 km away, mercis share the thanks
//! allowance, reports reach moderators who hide; the map shows areas of at
//! least k people and never a point; the pages in both languages; and the
//! privacy walk that guards every test proves it can fail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::TestApp;
use common::exchanges::{HOME, NEAR, neighbour};
use common::privacy::leaks;
use entraide_store::testing::KnownPlace;
use serde_json::json;

/// About 5.5 km south of [`HOME`].
const FAR: (&str, &str) = ("48.817537", "2.378412");

fn place(owner_id: i64, lat: f64, lng: f64, label: Option<&str>) -> KnownPlace {
    KnownPlace {
        owner_id,
        posted_by: None,
        lat,
        lng,
        label: label.map(str::to_owned),
    }
}

#[test]
fn the_privacy_walk_catches_a_strangers_place() {
    let stranger = place(
        7,
        48.866937,
        2.378412,
        Some("12 Rue Jean-Pierre Timbaud 75011 Paris"),
    );
    let hidden = [stranger.clone()];
    for body in [
        r#"{"lat":48.866937,"lng":2.3}"#,
        "<p>48,86694</p>",
        r#"{"home":[2.37841, 0]}"#,
        r#"<span data-lat="48.8669" data-lng="2.3784">"#,
        "<p>12 Rue Jean-Pierre Timbaud 75011 Paris</p>",
    ] {
        assert!(!leaks(body, &hidden, &[]).is_empty(), "missed in {body}");
    }
    let oclock = place(8, 48.871, 2.35, Some("Rue de l'Église, Paris"));
    assert!(!leaks("<p>Rue de l&#39;Église, Paris</p>", &[oclock], &[]).is_empty());
    // The approximate position others see, and one's own home, are fine.
    assert!(leaks(r#"{"lat":48.8667,"lng":2.3795}"#, &hidden, &[]).is_empty());
    let me = place(9, 48.869637, 2.378412, None);
    assert!(leaks(r#"{"lng":2.378412}"#, &hidden, &[me]).is_empty());
}

async fn post(t: &TestApp, token: &str, title: &str, radius: i64) -> i64 {
    let body = json!({"kind": "lost-found", "title": title, "body": "Un chat tigré attend au 12.", "radius_m": radius});
    let reply = t
        .api("POST", "/api/v1/neighbourhood/posts", token, Some(body))
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    reply.json()["post"]["id"].as_i64().unwrap()
}

fn titles(reply: &common::Reply) -> Vec<String> {
    reply.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["title"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test]
async fn the_board_reaches_neighbours_and_nobody_far_away() {
    for t in TestApp::all().await {
        let (author, a) = neighbour(&t, "auteur@example.org", "Awa", HOME).await;
        let (near_id, n) = neighbour(&t, "voisin@example.org", "Noé", NEAR).await;
        let (_, f) = neighbour(&t, "loin@example.org", "Fanny", FAR).await;
        let id = post(&t, &a, "Chat trouvé rue Timbaud", 1000).await;

        let seen = t.api("GET", "/api/v1/neighbourhood/posts", &n, None).await;
        assert_eq!(titles(&seen), ["Chat trouvé rue Timbaud"]);
        let far = t.api("GET", "/api/v1/neighbourhood/posts", &f, None).await;
        assert!(titles(&far).is_empty());
        let path = format!("/api/v1/neighbourhood/posts/{id}");
        assert_eq!(
            t.api("GET", &path, &f, None).await.status,
            StatusCode::NOT_FOUND
        );
        // 5 km reaches further, but not 5.5 km.
        post(&t, &a, "Vide-grenier dimanche", 5000).await;
        assert!(titles(&t.api("GET", "/api/v1/neighbourhood/posts", &f, None).await).is_empty());

        // A comment, a merci (once), and the thanks on the author's profile.
        let comment = t
            .api(
                "POST",
                &format!("{path}/comments"),
                &n,
                Some(json!({"body": "Je passe le voir !"})),
            )
            .await;
        assert_eq!(comment.status, StatusCode::CREATED, "{}", comment.body);
        let merci = t.api("POST", &format!("{path}/thanks"), &n, None).await;
        assert_eq!(merci.status, StatusCode::CREATED, "{}", merci.body);
        assert_eq!(merci.json()["left_today"], 4);
        let again = t.api("POST", &format!("{path}/thanks"), &n, None).await;
        assert_eq!(again.json()["error"]["code"], "already-thanked");
        let own = t.api("POST", &format!("{path}/thanks"), &a, None).await;
        assert_eq!(own.json()["error"]["code"], "thanks-self");
        let shown = t.api("GET", &path, &n, None).await.json();
        assert_eq!(shown["post"]["mercis"], 1);
        assert_eq!(shown["comments"][0]["body"], "Je passe le voir !");
        assert_eq!(shown["thanked"], true);
        let thanks = t
            .api("GET", &format!("/api/v1/people/{author}/thanks"), &n, None)
            .await
            .json();
        assert_eq!(thanks["latest"][0]["post_id"], id);

        // Reported by the neighbour, hidden by a platform administrator.
        let report = t
            .api(
                "POST",
                &format!("{path}/report"),
                &n,
                Some(json!({"reason": "Ce n'est pas un chat."})),
            )
            .await;
        assert_eq!(report.status, StatusCode::CREATED, "{}", report.body);
        let (admin_id, admin) = t.sign_up("modo@example.org", "Modo").await;
        assert_eq!(
            t.api("GET", "/api/v1/neighbourhood/reports", &admin, None)
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        t.db.set_platform_admin(admin_id, true).await.unwrap();
        let queue = t
            .api("GET", "/api/v1/neighbourhood/reports", &admin, None)
            .await
            .json();
        assert_eq!(queue["items"][0]["post_id"], id);
        let denied = t
            .api(
                "POST",
                &format!("{path}/moderation"),
                &n,
                Some(json!({"action": "hide"})),
            )
            .await;
        assert_eq!(denied.status, StatusCode::FORBIDDEN);
        let hide = t
            .api(
                "POST",
                &format!("{path}/moderation"),
                &admin,
                Some(json!({"action": "hide"})),
            )
            .await;
        assert_eq!(hide.status, StatusCode::NO_CONTENT, "{}", hide.body);
        assert_eq!(
            t.api("GET", &path, &n, None).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            titles(&t.api("GET", "/api/v1/neighbourhood/posts", &n, None).await),
            ["Vide-grenier dimanche"]
        );
        let mine = t.api("GET", &path, &a, None).await.json();
        assert_eq!(mine["post"]["hidden"], true);
        assert!(
            t.api("GET", "/api/v1/neighbourhood/reports", &admin, None)
                .await
                .json()["items"]
                .as_array()
                .unwrap()
                .is_empty()
        );

        // Only the author deletes, after a confirmation page.
        let cookie = t.web_login("auteur@example.org").await;
        let confirm = t
            .get(&format!("/neighbourhood/posts/{id}/delete"), &cookie)
            .await;
        assert!(
            confirm.body.contains("Chat trouvé rue Timbaud"),
            "{}",
            confirm.body
        );
        let other = t.web_login("voisin@example.org").await;
        let refused = t
            .post_form(&format!("/neighbourhood/posts/{id}/delete"), &[], &other)
            .await;
        assert_eq!(refused.status, StatusCode::NOT_FOUND);
        let deleted = t
            .post_form(&format!("/neighbourhood/posts/{id}/delete"), &[], &cookie)
            .await;
        assert_eq!(deleted.status, StatusCode::SEE_OTHER);
        assert_eq!(
            t.api("GET", &path, &a, None).await.status,
            StatusCode::NOT_FOUND
        );
        let _ = near_id;
    }
}

#[tokio::test]
async fn the_pages_post_and_read_the_board_in_both_languages() {
    for t in TestApp::all().await {
        neighbour(&t, "auteur@example.org", "Awa", HOME).await;
        neighbour(&t, "voisin@example.org", "Noé", NEAR).await;
        let cookie = t.web_login("auteur@example.org").await;
        let page = t.get("/neighbourhood", &cookie).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body.contains("Mon quartier") && page.body.contains("Noé"),
            "{}",
            page.body
        );
        assert!(page.body.contains("environ 300 m"));
        assert!(page.body.contains(r#"href="/neighbourhood/areas""#));

        // A refused form says what is wrong, at the top and by the field.
        let bad = t
            .post_form(
                "/neighbourhood/posts",
                &[("post_kind", "event"), ("title", ""), ("body", "x")],
                &cookie,
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            bad.body.contains("error-summary") && bad.body.contains("#f-event_date"),
            "{}",
            bad.body
        );
        let day = common::exchanges::in_ten_days();
        let made = t
            .post_form(
                "/neighbourhood/posts",
                &[
                    ("post_kind", "event"),
                    ("title", "Apéro dans la cour"),
                    ("body", "Chacun apporte un plat."),
                    ("radius", "500"),
                    ("event_date", &day),
                    ("event_time", "19:00"),
                ],
                &cookie,
            )
            .await;
        assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
        let shown = t.get(made.location(), &cookie).await;
        assert!(shown.body.contains("Apéro dans la cour") && shown.body.contains("19:00"));

        let other = t.web_login("voisin@example.org").await;
        t.get("/lang/en?next=/", &other).await;
        let english = t
            .send(
                axum::http::Request::get("/neighbourhood")
                    .header("cookie", format!("{other}; entraide_lang=en"))
                    .body(axum::body::Body::empty())
                    .unwrap(),
            )
            .await;
        assert!(
            english.body.contains("My neighbourhood"),
            "{}",
            english.body
        );
        assert!(
            english.body.contains("Upcoming events") && english.body.contains("Apéro dans la cour")
        );
        let board = t.get("/neighbourhood/board?post_kind=event", &other).await;
        assert!(board.body.contains("Apéro dans la cour"));
        let merci = t
            .post_form(
                &format!("{}/thanks", made.location().split('?').next().unwrap()),
                &[],
                &other,
            )
            .await;
        assert_eq!(merci.status, StatusCode::SEE_OTHER, "{}", merci.body);
        let list = t.get("/neighbourhood/areas", &other).await;
        assert_eq!(list.status, StatusCode::OK);
        assert!(list.body.contains("map-back") || list.body.contains("/neighbourhood#map"));
    }
}

#[tokio::test]
async fn the_map_shows_areas_of_at_least_k_and_never_a_point() {
    for t in TestApp::all().await {
        // Six visible people in the same street, one hidden, one far away.
        let mut token = String::new();
        for i in 0..6 {
            let lat = format!("48.86{}937", 69 - i % 3);
            let (_, tok) =
                neighbour(&t, &format!("v{i}@example.org"), "Voisin", (&lat, HOME.1)).await;
            token = tok;
        }
        let (_, hidden) = neighbour(&t, "cache@example.org", "Caché", NEAR).await;
        let profile = json!({"display_name": "Caché", "bio": "", "visibility": "hidden"});
        t.api("PUT", "/api/v1/me/profile", &hidden, Some(profile))
            .await;
        neighbour(&t, "loin@example.org", "Fanny", FAR).await;

        let view = "/api/v1/neighbourhood/map?south=48.80&west=2.33&north=48.90&east=2.42";
        for zoom in [12, 14, 16, 18] {
            let reply = t
                .api("GET", &format!("{view}&zoom={zoom}"), &token, None)
                .await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
            let json = reply.json();
            let areas = json["areas"].as_array().unwrap();
            let counts: Vec<i64> = areas.iter().map(|a| a["count"].as_i64().unwrap()).collect();
            assert!(counts.iter().all(|c| *c >= 5), "zoom {zoom}: {counts:?}");
            // The far person alone is not shown; the hidden one is not counted.
            assert_eq!(counts.iter().sum::<i64>(), 6, "zoom {zoom}: {counts:?}");
            assert_eq!(json["min_people"], 5);
        }
        let wide = t
            .api(
                "GET",
                "/api/v1/neighbourhood/map?south=48&west=2&north=49&east=3&zoom=x",
                &token,
                None,
            )
            .await;
        assert_eq!(wide.status, StatusCode::UNPROCESSABLE_ENTITY);
        let json = wide.json();
        let fields: Vec<&String> = json["error"]["fields"]
            .as_object()
            .unwrap()
            .keys()
            .collect();
        assert_eq!(fields, ["zoom"], "{}", wide.body);
        let anonymous = t.api("GET", &format!("{view}&zoom=15"), "", None).await;
        assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);

        // The overview lists the people nearby, not the hidden one.
        let overview = t
            .api("GET", "/api/v1/neighbourhood", &token, None)
            .await
            .json();
        let names: Vec<&str> = overview["people"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|p| p["display_name"].as_str())
            .collect();
        assert_eq!(names.len(), 5, "{names:?}");
        assert!(!names.contains(&"Caché") && !names.contains(&"Fanny"));
        assert_eq!(overview["people"][0]["position"]["precision_m"], 300);
    }
}
