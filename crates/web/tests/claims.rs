//! Time given for an exchange, on every backend: the claim opened when the
//! exchange is done, who may take which step, confirmation that moves the
//! minutes once, disputes settled by the bank, the hourly confirmation of
//! what nobody disputed (and what the bank's limits refuse), thanks tied
//! to the exchange, the pages, and the CSV statements.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::TestApp;
use common::exchanges::{HOME, NEAR, need, neighbour, step};
use serde_json::{Value, json};

struct Setup {
    org: i64,
    admin: String,
    odette: (i64, String),
    karim: (i64, String),
    outsider: String,
}

/// A bank with Odette and Karim as members, and a stranger.
async fn setup(t: &TestApp, floor_hours: &str) -> Setup {
    let (admin_id, admin) = t.sign_up("admin@example.fr", "Admin").await;
    let org =
        t.db.create_organisation("Banque du temps du 11e", "association", "", admin_id)
            .await
            .unwrap();
    let odette = neighbour(t, "odette@example.fr", "Odette", HOME).await;
    let karim = neighbour(t, "karim@example.fr", "Karim", NEAR).await;
    let (_, outsider) = neighbour(t, "lea@example.fr", "Léa", NEAR).await;
    for id in [odette.0, karim.0] {
        t.db.set_membership(org, id, "member").await.unwrap();
    }
    let settings = json!({"floor_hours": floor_hours, "ceiling_hours": "100", "confirm_days": "7"});
    let opened = t
        .api(
            "PUT",
            &format!("/api/v1/orgs/{org}/timebank"),
            &admin,
            Some(settings),
        )
        .await;
    assert_eq!(opened.status, StatusCode::NO_CONTENT, "{}", opened.body);
    Setup {
        org,
        admin,
        odette,
        karim,
        outsider,
    }
}

/// Odette's need (14:00–16:00), Karim answers and is chosen, Odette marks
/// it done; returns the exchange and its one claim.
async fn helped(t: &TestApp, s: &Setup, title: &str) -> (i64, Value) {
    let posted = t
        .api("POST", "/api/v1/exchanges", &s.odette.1, Some(need(title)))
        .await;
    assert_eq!(posted.status, StatusCode::CREATED, "{}", posted.body);
    let id = posted.json()["id"].as_i64().unwrap();
    let answered = step(t, &s.karim.1, id, "respond", None).await;
    assert_eq!(answered.status, StatusCode::OK, "{}", answered.body);
    let chosen = step(t, &s.odette.1, id, "choose", Some(s.karim.0)).await;
    assert_eq!(chosen.status, StatusCode::OK, "{}", chosen.body);
    let done = t
        .api(
            "POST",
            &format!("/api/v1/exchanges/{id}/close"),
            &s.odette.1,
            Some(json!({"step": "complete"})),
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    let claims = t
        .api(
            "GET",
            &format!("/api/v1/exchanges/{id}/claims"),
            &s.karim.1,
            None,
        )
        .await;
    assert_eq!(claims.status, StatusCode::OK, "{}", claims.body);
    let claims = claims.json();
    assert_eq!(claims.as_array().unwrap().len(), 1, "{claims}");
    (id, claims[0].clone())
}

async fn act(t: &TestApp, token: &str, claim: i64, body: Value) -> common::Reply {
    t.api(
        "POST",
        &format!("/api/v1/claims/{claim}"),
        token,
        Some(body),
    )
    .await
}

async fn balance(t: &TestApp, org: i64, token: &str) -> i64 {
    let account = t
        .api("GET", &format!("/api/v1/orgs/{org}/timebank"), token, None)
        .await;
    assert_eq!(account.status, StatusCode::OK, "{}", account.body);
    account.json()["balance"].as_i64().unwrap()
}

#[tokio::test]
async fn the_person_helped_confirms_and_the_minutes_move_once() {
    for t in TestApp::all().await {
        let s = setup(&t, "2").await;
        let (exchange, claim) = helped(&t, &s, "Fixer une étagère").await;
        assert_eq!(claim["minutes"], 120, "the exchange's length");
        assert_eq!(claim["state"], "pending");
        assert_eq!(claim["helper_id"], s.karim.0);
        assert_eq!(claim["helped_id"], s.odette.0);
        let id = claim["id"].as_i64().unwrap();

        let stranger = t
            .api("GET", &format!("/api/v1/claims/{id}"), &s.outsider, None)
            .await;
        assert_eq!(stranger.status, StatusCode::NOT_FOUND);
        let seen = t
            .api(
                "GET",
                &format!("/api/v1/exchanges/{exchange}/claims"),
                &s.outsider,
                None,
            )
            .await;
        assert_eq!(seen.json(), json!([]), "strangers see no claim");
        let not_theirs = act(&t, &s.karim.1, id, json!({"step": "confirm"})).await;
        assert_eq!(not_theirs.status, StatusCode::FORBIDDEN);
        let bad = act(&t, &s.karim.1, id, json!({"step": "adjust", "hours": "x"})).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
        assert!(bad.json()["error"]["fields"]["duration"].is_string());
        let unknown = act(&t, &s.karim.1, id, json!({"step": "pay_me"})).await;
        assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);

        let adjusted = act(
            &t,
            &s.karim.1,
            id,
            json!({"step": "adjust", "hours": "1", "minutes": "30"}),
        )
        .await;
        assert_eq!(adjusted.status, StatusCode::OK, "{}", adjusted.body);
        assert_eq!(adjusted.json()["minutes"], 90);
        assert_eq!(balance(&t, s.org, &s.karim.1).await, 0, "nothing moved yet");

        let confirmed = act(&t, &s.odette.1, id, json!({"step": "confirm"})).await;
        assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
        assert_eq!(confirmed.json()["state"], "confirmed");
        assert!(confirmed.json()["transfer_id"].as_i64().is_some());
        assert_eq!(balance(&t, s.org, &s.karim.1).await, 90);
        assert_eq!(balance(&t, s.org, &s.odette.1).await, -90);

        let export = t.api("GET", "/api/v1/me/export", &s.odette.1, None).await;
        assert_eq!(
            export.json()["time_claims"][0]["minutes"],
            90,
            "in her download"
        );

        let again = act(&t, &s.odette.1, id, json!({"step": "confirm"})).await;
        assert_eq!(again.status, StatusCode::CONFLICT);
        assert_eq!(again.json()["error"]["code"], "claim-state");
        let late = act(&t, &s.karim.1, id, json!({"step": "adjust", "hours": "5"})).await;
        assert_eq!(late.status, StatusCode::CONFLICT);
        assert_eq!(balance(&t, s.org, &s.karim.1).await, 90, "paid once");

        // The statement as CSV: the member's own, and the bank's for admins.
        let csv = t
            .get(
                &format!("/orgs/{}/timebank/statement.csv", s.org),
                &t.web_login("karim@example.fr").await,
            )
            .await;
        assert_eq!(csv.status, StatusCode::OK);
        let mut lines = csv.body.lines();
        assert_eq!(
            lines.next(),
            Some("date,transfer,kind,reason,with,minutes,balance_after")
        );
        let line = lines.next().unwrap();
        assert!(
            line.ends_with(",exchange,Fixer une étagère,Odette,90,90"),
            "{line}"
        );
        let bank_csv = format!("/api/v1/orgs/{}/timebank/transfers.csv", s.org);
        let refused = t.api("GET", &bank_csv, &s.karim.1, None).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        let all = t.api("GET", &bank_csv, &s.admin, None).await;
        assert_eq!(all.status, StatusCode::OK);
        assert!(
            all.body.contains(",Odette,Karim,90,exchange,"),
            "{}",
            all.body
        );
    }
}

#[tokio::test]
async fn a_dispute_waits_for_the_bank_which_settles_it() {
    for t in TestApp::all().await {
        let s = setup(&t, "2").await;
        let (_, claim) = helped(&t, &s, "Monter un meuble").await;
        let id = claim["id"].as_i64().unwrap();
        let silent = act(&t, &s.odette.1, id, json!({"step": "dispute"})).await;
        assert_eq!(silent.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(silent.json()["error"]["fields"]["why"].is_string());
        let disputed = act(
            &t,
            &s.odette.1,
            id,
            json!({"step": "dispute", "why": "Il est resté une heure"}),
        )
        .await;
        assert_eq!(disputed.status, StatusCode::OK, "{}", disputed.body);
        assert_eq!(disputed.json()["state"], "disputed");

        let queue = format!("/api/v1/orgs/{}/timebank/claims", s.org);
        let members = t.api("GET", &queue, &s.karim.1, None).await;
        assert_eq!(members.status, StatusCode::FORBIDDEN);
        let listed = t.api("GET", &queue, &s.admin, None).await;
        assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);
        assert_eq!(
            listed.json()["claims"][0]["dispute"],
            "Il est resté une heure"
        );
        let member_settles = act(&t, &s.karim.1, id, json!({"step": "settle"})).await;
        assert_eq!(member_settles.status, StatusCode::FORBIDDEN);

        let paid = act(&t, &s.admin, id, json!({"step": "pay_collective"})).await;
        assert_eq!(paid.status, StatusCode::OK, "{}", paid.body);
        assert_eq!(balance(&t, s.org, &s.karim.1).await, 120);
        assert_eq!(
            balance(&t, s.org, &s.odette.1).await,
            0,
            "the organisation paid"
        );
        let totals = t
            .api(
                "GET",
                &format!("/api/v1/orgs/{}/timebank/totals", s.org),
                &s.admin,
                None,
            )
            .await;
        assert_eq!(totals.json()["totals"]["sum"], 0, "{}", totals.body);
        let now_empty = t.api("GET", &queue, &s.admin, None).await;
        assert_eq!(now_empty.json()["claims"], json!([]));
    }
}

#[tokio::test]
async fn undisputed_claims_confirm_themselves_within_the_banks_limits() {
    for t in TestApp::all().await {
        let s = setup(&t, "1").await;
        let (_, first) = helped(&t, &s, "Porter les courses").await;
        let (_, second) = helped(&t, &s, "Changer une ampoule").await;
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let early = entraide_web::services::claims::confirm_due(&t.state, now)
            .await
            .unwrap();
        assert_eq!(early, 0, "the delay has not passed");
        // Eight days on: the first claim (2 h) takes Odette to −2 h… but the
        // floor is −1 h, so both wait for the bank with the reason.
        let later = now + 8 * 86_400;
        let confirmed = entraide_web::services::claims::confirm_due(&t.state, later)
            .await
            .unwrap();
        assert_eq!(confirmed, 0);
        for claim in [&first, &second] {
            let id = claim["id"].as_i64().unwrap();
            let seen = t
                .api("GET", &format!("/api/v1/claims/{id}"), &s.odette.1, None)
                .await;
            assert_eq!(seen.json()["state"], "disputed");
            assert_eq!(seen.json()["refusal"], "ledger-floor");
        }
        assert_eq!(
            balance(&t, s.org, &s.odette.1).await,
            0,
            "nothing half-done"
        );
        // Odette confirms one hour of the first: within the floor.
        let id = first["id"].as_i64().unwrap();
        let one_hour = act(
            &t,
            &s.odette.1,
            id,
            json!({"step": "confirm", "hours": "1", "minutes": "0"}),
        )
        .await;
        assert_eq!(one_hour.status, StatusCode::OK, "{}", one_hour.body);
        assert_eq!(balance(&t, s.org, &s.odette.1).await, -60);

        // A third exchange, within limits once Karim gives an hour back.
        let gift = json!({"recipient": s.odette.0, "hours": "1", "minutes": "0", "why": "Merci", "key": "back"});
        let given = t
            .api(
                "POST",
                &format!("/api/v1/orgs/{}/timebank/transfers", s.org),
                &s.karim.1,
                Some(gift),
            )
            .await;
        assert_eq!(given.status, StatusCode::CREATED, "{}", given.body);
        let (_, third) = helped(&t, &s, "Arroser les plantes").await;
        let id = third["id"].as_i64().unwrap();
        act(&t, &s.karim.1, id, json!({"step": "adjust", "hours": "1"})).await;
        let confirmed = entraide_web::services::claims::confirm_due(&t.state, later)
            .await
            .unwrap();
        assert_eq!(confirmed, 1);
        let seen = t
            .api("GET", &format!("/api/v1/claims/{id}"), &s.karim.1, None)
            .await;
        assert_eq!(seen.json()["state"], "confirmed");
        assert_eq!(balance(&t, s.org, &s.odette.1).await, -60);
        assert_eq!(balance(&t, s.org, &s.karim.1).await, 60);
    }
}

#[tokio::test]
async fn the_pages_confirm_the_time_and_thank_for_the_exchange() {
    for t in TestApp::all().await {
        let s = setup(&t, "1").await;
        let (exchange, claim) = helped(&t, &s, "Réparer un vélo").await;
        let id = claim["id"].as_i64().unwrap();
        let odette = t.web_login("odette@example.fr").await;
        let page = t.get(&format!("/exchanges/{exchange}"), &odette).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Temps donné"), "{}", page.body);
        assert!(page.body.contains("Confirmer le temps"));
        assert!(page.body.contains("2 h 00"));
        let stranger = t.web_login("lea@example.fr").await;
        let theirs = t.get(&format!("/exchanges/{exchange}"), &stranger).await;
        assert!(!theirs.body.contains("Confirmer le temps"));

        let confirmed = t
            .post_form(
                &format!("/claims/{id}"),
                &[("step", "confirm"), ("hours", "0"), ("minutes", "45")],
                &odette,
            )
            .await;
        assert_eq!(
            confirmed.status,
            StatusCode::SEE_OTHER,
            "{}",
            confirmed.body
        );
        assert_eq!(
            confirmed.location(),
            format!("/exchanges/{exchange}?done=claim-confirm#time")
        );
        assert_eq!(balance(&t, s.org, &s.karim.1).await, 45, "within the floor");

        let thanked = t
            .post_form(
                &format!("/people/{}/thanks", s.karim.0),
                &[
                    ("thanks_message", "Le vélo roule !"),
                    ("exchange", &exchange.to_string()),
                ],
                &odette,
            )
            .await;
        assert_eq!(thanked.status, StatusCode::SEE_OTHER, "{}", thanked.body);
        let received = t
            .api(
                "GET",
                &format!("/api/v1/people/{}/thanks", s.karim.0),
                &s.odette.1,
                None,
            )
            .await;
        assert_eq!(
            received.json()["latest"][0]["exchange_title"],
            "Réparer un vélo"
        );
        // Thanks "for" an exchange the person took no part in are refused.
        let lea_id = t.db.user_by_email("lea@example.fr").await.unwrap().id;
        let wrong = t
            .api(
                "POST",
                &format!("/api/v1/people/{lea_id}/thanks"),
                &s.odette.1,
                Some(json!({"message": "", "exchange": exchange})),
            )
            .await;
        assert_eq!(
            wrong.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            wrong.body
        );

        let karim = t.web_login("karim@example.fr").await;
        let bank = t.get(&format!("/orgs/{}/timebank", s.org), &karim).await;
        assert!(bank.body.contains("0 h 45"), "{}", bank.body);
        t.get("/lang/en", &karim).await;
        let english = t
            .get(
                &format!("/exchanges/{exchange}"),
                &format!("{karim}; entraide_lang=en"),
            )
            .await;
        assert!(english.body.contains("Time given"), "{}", english.body);
    }
}
