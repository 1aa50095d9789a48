//! The time bank over HTTP on every backend: settings by admins only,
//! gifts and collective pay, refusals that change nothing, reversals, and
//! 1,000 concurrent transfers over a real socket that end with exact
//! balances.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::HashMap;

use axum::http::StatusCode;
use common::TestApp;
use serde_json::{Value, json};

struct Bank {
    org: i64,
    admin: String,
    members: Vec<(i64, String)>,
}

async fn bank(t: &TestApp, people: usize, floor_hours: i64) -> Bank {
    let (admin_id, admin) = t.sign_up("admin@example.fr", "Admin").await;
    let org =
        t.db.create_organisation("Banque du temps du 11e", "association", "", admin_id)
            .await
            .unwrap();
    let mut members = vec![(admin_id, admin.clone())];
    for i in 1..people {
        let (id, token) = t
            .sign_up(&format!("m{i}@example.fr"), &format!("M{i}"))
            .await;
        t.db.set_membership(org, id, "member").await.unwrap();
        members.push((id, token));
    }
    let settings = json!({"floor_hours": floor_hours.to_string(), "ceiling_hours": "1000", "confirm_days": "7"});
    let refused = t
        .api(
            "PUT",
            &format!("/api/v1/orgs/{org}/timebank"),
            &members[1].1,
            Some(settings.clone()),
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::FORBIDDEN,
        "members do not run the bank"
    );
    let opened = t
        .api(
            "PUT",
            &format!("/api/v1/orgs/{org}/timebank"),
            &admin,
            Some(settings),
        )
        .await;
    assert_eq!(opened.status, StatusCode::NO_CONTENT, "{}", opened.body);
    Bank {
        org,
        admin,
        members,
    }
}

fn gift(to: i64, hours: &str, minutes: &str, key: &str) -> Value {
    json!({"recipient": to, "hours": hours, "minutes": minutes, "why": "Merci !", "key": key})
}

async fn balance(t: &TestApp, org: i64, token: &str) -> i64 {
    let account = t
        .api("GET", &format!("/api/v1/orgs/{org}/timebank"), token, None)
        .await;
    assert_eq!(account.status, StatusCode::OK, "{}", account.body);
    account.json()["balance"].as_i64().unwrap()
}

#[tokio::test]
async fn gifts_refusals_collective_pay_and_reversals() {
    for t in TestApp::all().await {
        let b = bank(&t, 3, 1).await;
        let (org, (bob, bob_token), (carol, carol_token)) =
            (b.org, b.members[1].clone(), b.members[2].clone());
        let path = format!("/api/v1/orgs/{org}/timebank/transfers");
        let given = t
            .api(
                "POST",
                &path,
                &bob_token,
                Some(gift(carol, "0", "45", "k1")),
            )
            .await;
        assert_eq!(given.status, StatusCode::CREATED, "{}", given.body);
        let again = t
            .api(
                "POST",
                &path,
                &bob_token,
                Some(gift(carol, "0", "45", "k1")),
            )
            .await;
        assert_eq!(
            again.json()["id"],
            given.json()["id"],
            "the same key pays once"
        );
        assert_eq!(balance(&t, org, &bob_token).await, -45);
        assert_eq!(balance(&t, org, &carol_token).await, 45);

        let over = t
            .api(
                "POST",
                &path,
                &bob_token,
                Some(gift(carol, "0", "30", "k2")),
            )
            .await;
        assert_eq!(over.status, StatusCode::CONFLICT);
        assert_eq!(over.json()["error"]["code"], "ledger-floor");
        assert_eq!(
            balance(&t, org, &bob_token).await,
            -45,
            "a refusal changes nothing"
        );
        let bad = t
            .api("POST", &path, &bob_token, Some(gift(carol, "0", "0", "")))
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        let fields = bad.json()["error"]["fields"].clone();
        assert!(
            fields["duration"].is_string() && fields["key"].is_string(),
            "{fields}"
        );
        let stranger = t
            .api(
                "POST",
                &path,
                &bob_token,
                Some(gift(999_999, "1", "0", "k3")),
            )
            .await;
        assert_eq!(stranger.status, StatusCode::UNPROCESSABLE_ENTITY);

        let collective = json!({"recipient": bob, "hours": "2", "minutes": "0", "why": "Fête de quartier",
            "kind": "collective", "key": "c1"});
        let refused = t
            .api("POST", &path, &carol_token, Some(collective.clone()))
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        let paid = t.api("POST", &path, &b.admin, Some(collective)).await;
        assert_eq!(paid.status, StatusCode::CREATED, "{}", paid.body);
        assert_eq!(balance(&t, org, &bob_token).await, 75);

        let first = given.json()["id"].as_i64().unwrap();
        let reverse = format!("/api/v1/orgs/{org}/timebank/transfers/{first}/reverse");
        let why = Some(json!({"why": "Erreur"}));
        assert_eq!(
            t.api("POST", &reverse, &bob_token, why.clone())
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        let back = t.api("POST", &reverse, &b.admin, why.clone()).await;
        assert_eq!(back.status, StatusCode::CREATED, "{}", back.body);
        assert_eq!(balance(&t, org, &carol_token).await, 0);
        let back_id = back.json()["id"].as_i64().unwrap();
        let twice = t
            .api(
                "POST",
                &format!("/api/v1/orgs/{org}/timebank/transfers/{back_id}/reverse"),
                &b.admin,
                why,
            )
            .await;
        assert_eq!(twice.json()["error"]["code"], "ledger-not-reversible");

        let totals = t
            .api(
                "GET",
                &format!("/api/v1/orgs/{org}/timebank/totals"),
                &b.admin,
                None,
            )
            .await;
        assert_eq!(totals.json()["totals"]["sum"], 0);
        assert_eq!(totals.json()["totals"]["mismatched"], 0);
        let statement = t
            .api(
                "GET",
                &format!("/api/v1/orgs/{org}/timebank"),
                &carol_token,
                None,
            )
            .await;
        assert_eq!(statement.json()["lines"].as_array().unwrap().len(), 2);
    }
}

// The server accepts on its own thread while the client opens its thousand
// connections, and its backlog holds them all: otherwise, on a slow
// database, connections wait in a full queue until they time out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_transfers_over_http_end_with_exact_balances() {
    for t in TestApp::all().await {
        let b = bank(&t, 10, 100).await;
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
        let listener = socket.listen(4096).unwrap();
        let port = listener.local_addr().unwrap().port();
        let router = t.router.clone();
        tokio::spawn(async move { axum::serve(listener, router).await });
        let client = reqwest::Client::new();
        let mut expected: HashMap<i64, i64> = HashMap::new();
        let mut requests = Vec::new();
        for n in 0..1000_usize {
            let from = n % b.members.len();
            let to = (n * 7 + 3) % b.members.len();
            let to = if to == from {
                (to + 1) % b.members.len()
            } else {
                to
            };
            let minutes = 1 + (n % 50) as i64;
            *expected.entry(b.members[from].0).or_default() -= minutes;
            *expected.entry(b.members[to].0).or_default() += minutes;
            let body = gift(b.members[to].0, "0", &minutes.to_string(), &format!("n{n}"));
            let request = client
                .post(format!(
                    "http://127.0.0.1:{port}/api/v1/orgs/{}/timebank/transfers",
                    b.org
                ))
                .bearer_auth(&b.members[from].1)
                .json(&body)
                .send();
            requests.push(request);
        }
        let replies = futures_util::future::join_all(requests).await;
        for reply in replies {
            let reply = reply.unwrap();
            assert_eq!(
                reply.status(),
                StatusCode::CREATED,
                "{}",
                reply.text().await.unwrap()
            );
        }
        for (id, token) in &b.members {
            assert_eq!(
                balance(&t, b.org, token).await,
                expected.get(id).copied().unwrap_or(0)
            );
        }
        let totals = t
            .api(
                "GET",
                &format!("/api/v1/orgs/{}/timebank/totals", b.org),
                &b.admin,
                None,
            )
            .await;
        assert_eq!(totals.json()["totals"]["sum"], 0);
        assert_eq!(totals.json()["totals"]["mismatched"], 0);
        assert_eq!(totals.json()["totals"]["transfers"], 1000);
    }
}

#[tokio::test]
async fn the_pages_give_time_explain_refusals_and_reverse_after_asking() {
    for t in TestApp::all().await {
        let (admin_id, _) = t.sign_up("admin@example.fr", "Admin").await;
        let org =
            t.db.create_organisation("Les Voisins", "collective", "", admin_id)
                .await
                .unwrap();
        let (bob, _) = t.sign_up("bob@example.fr", "Bob").await;
        let (carol, _) = t.sign_up("carol@example.fr", "Carol").await;
        t.sign_up("dan@example.fr", "Dan").await;
        for id in [bob, carol] {
            t.db.set_membership(org, id, "member").await.unwrap();
        }
        let admin = t.web_login("admin@example.fr").await;
        let bob_web = t.web_login("bob@example.fr").await;
        let path = format!("/orgs/{org}/timebank");
        assert_eq!(
            t.get(&path, &bob_web).await.status,
            StatusCode::NOT_FOUND,
            "no bank yet"
        );
        let closed = t.get(&path, &admin).await;
        assert!(closed.body.contains("Ouvrir la banque du temps"));
        let bad = t
            .post_form(
                &path,
                &[
                    ("floor_hours", "-3"),
                    ("ceiling_hours", "100"),
                    ("confirm_days", "7"),
                ],
                &admin,
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        let opened = t
            .post_form(
                &path,
                &[
                    ("floor_hours", "2"),
                    ("ceiling_hours", "100"),
                    ("confirm_days", "7"),
                ],
                &admin,
            )
            .await;
        assert_eq!(opened.status, StatusCode::SEE_OTHER);

        let page = t.get(&path, &bob_web).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body.contains("0 h 00") && page.body.contains("−2 h 00"),
            "{}",
            page.body
        );
        let key = page.body.split("name=\"key\" value=\"").nth(1).unwrap()[..32].to_owned();
        let carol_id = carol.to_string();
        let form = [
            ("recipient", carol_id.as_str()),
            ("hours", "1"),
            ("minutes", "15"),
            ("why", "Merci pour les courses"),
            ("key", key.as_str()),
        ];
        let given = t.post_form(&format!("{path}/gifts"), &form, &bob_web).await;
        assert_eq!(given.status, StatusCode::SEE_OTHER, "{}", given.body);
        let twice = t.post_form(&format!("{path}/gifts"), &form, &bob_web).await;
        assert_eq!(
            twice.status,
            StatusCode::SEE_OTHER,
            "a double submit pays once"
        );
        let after = t.get(&path, &bob_web).await;
        assert!(after.body.contains("−1 h 15") && after.body.contains("Merci pour les courses"));
        assert!(!after.body.contains("−2 h 30"), "paid once");

        let over = [
            ("recipient", carol_id.as_str()),
            ("hours", "1"),
            ("minutes", ""),
            ("why", "Encore"),
            ("key", "k2"),
        ];
        let refused = t.post_form(&format!("{path}/gifts"), &over, &bob_web).await;
        assert_eq!(refused.status, StatusCode::CONFLICT);
        assert!(
            refused.body.contains("sous le découvert permis"),
            "{}",
            refused.body
        );
        let empty = [
            ("recipient", carol_id.as_str()),
            ("hours", ""),
            ("minutes", ""),
            ("why", ""),
            ("key", "k3"),
        ];
        let invalid = t
            .post_form(&format!("{path}/gifts"), &empty, &bob_web)
            .await;
        assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            invalid.body.contains("href=\"#f-duration\"")
                && invalid.body.contains("href=\"#f-why\"")
        );

        let dan = t.web_login("dan@example.fr").await;
        assert_eq!(
            t.get(&path, &dan).await.status,
            StatusCode::FORBIDDEN,
            "not a member"
        );
        let transfer = t.db.bank_totals(org).await.unwrap();
        assert_eq!(transfer.transfers, 1);
        let id_line = after.body.split(&format!("{path}/transfers/")).nth(1);
        assert!(id_line.is_none(), "members see no reverse link");
        let admin_page = t.get(&path, &admin).await;
        let id: String = admin_page
            .body
            .split(&format!("{path}/transfers/"))
            .nth(1)
            .unwrap()
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        let reverse = format!("{path}/transfers/{id}/reverse");
        assert_eq!(
            t.get(&reverse, &bob_web).await.status,
            StatusCode::FORBIDDEN
        );
        let ask = t.get(&reverse, &admin).await;
        assert!(ask.body.contains("Non, le garder"));
        let done = t
            .post_form(&reverse, &[("why", "Erreur de saisie")], &admin)
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER);
        let totals = t.db.bank_totals(org).await.unwrap();
        assert_eq!((totals.sum, totals.transfers, totals.mismatched), (0, 2, 0));
    }
}
