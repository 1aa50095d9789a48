//! The digital safe on every backend: a social worker registers a person
//! and adds a document for them; the person signs in with login + PIN and
//! sees it, and the log; workers of another organisation see nothing;
//! consent and shares can be withdrawn; one-off links expire, take a code
//! and are logged; bad files change nothing. What reaches the disk is
//! checked in `safe_at_rest.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::desk::desk;
use common::{TestApp, upload};
use serde_json::{Value, json};

async fn add(t: &TestApp, token: &str, owner: i64, title: &str, bytes: &[u8]) -> common::Reply {
    upload::send(
        t,
        &format!("/api/v1/safe/{owner}/documents"),
        token,
        "",
        &[
            ("title", title),
            ("doc_type", "identity"),
            ("expires_on", "2031-05-01"),
        ],
        "../carte.pdf",
        bytes,
    )
    .await
}

fn actions(log: &Value) -> Vec<(String, String)> {
    log["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["action"].as_str().unwrap().to_owned(),
                l["via"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_worker_adds_a_document_the_person_reads_with_the_log() {
    for t in TestApp::all().await {
        let d = desk(&t).await;
        let pdf = upload::pdf("CARTE-IDENTITE-MOMO");
        let added = add(&t, &d.worker, d.person, "Carte d'identité", &pdf).await;
        assert_eq!(added.status, StatusCode::CREATED, "{}", added.body);
        let id = added.json()["id"].as_i64().unwrap();

        let list = t
            .api(
                "GET",
                &format!("/api/v1/safe/{}/documents", d.person),
                &d.person_token,
                None,
            )
            .await;
        assert_eq!(list.status, StatusCode::OK, "{}", list.body);
        assert_eq!(list.headers["cache-control"], "no-store");
        let doc = &list.json()["documents"][0];
        assert_eq!(doc["title"], "Carte d'identité");
        assert_eq!(doc["file_name"], "carte.pdf", "no folders in names");
        assert_eq!(doc["content_type"], "application/pdf");
        assert_eq!(doc["expires_on"], "2031-05-01");
        assert_eq!(doc["uploaded_by_name"], "Sophie");
        let content = t
            .api(
                "GET",
                &format!("/api/v1/documents/{id}/content"),
                &d.person_token,
                None,
            )
            .await;
        assert_eq!(content.status, StatusCode::OK);
        assert_eq!(content.body.as_bytes(), pdf.as_slice());
        assert_eq!(content.headers["cache-control"], "no-store");
        assert!(
            content.headers["content-disposition"]
                .to_str()
                .unwrap()
                .starts_with("attachment")
        );

        // The worker's organisation shares the safe from registration.
        let seen = t
            .api(
                "GET",
                &format!("/api/v1/documents/{id}/content"),
                &d.worker,
                None,
            )
            .await;
        assert_eq!(seen.status, StatusCode::OK);
        // Another organisation's worker: nothing, not even that it exists.
        for path in [
            format!("/api/v1/safe/{}/documents", d.person),
            format!("/api/v1/documents/{id}"),
            format!("/api/v1/documents/{id}/content"),
        ] {
            let refused = t.api("GET", &path, &d.outsider, None).await;
            assert_eq!(refused.status, StatusCode::NOT_FOUND, "{path}");
        }
        let theirs = add(&t, &d.outsider, d.person, "Faux", &pdf).await;
        assert_eq!(theirs.status, StatusCode::NOT_FOUND);
        let gone = t
            .api(
                "DELETE",
                &format!("/api/v1/documents/{id}"),
                &d.worker,
                None,
            )
            .await;
        assert_eq!(gone.status, StatusCode::FORBIDDEN, "only the owner deletes");

        let log = t
            .api("GET", "/api/v1/me/safe/log", &d.person_token, None)
            .await;
        let seen = actions(&log.json());
        assert!(
            seen.contains(&("upload".into(), "accompaniment".into())),
            "{seen:?}"
        );
        assert!(seen.contains(&("view".into(), "share".into())), "{seen:?}");
        assert!(
            !seen.iter().any(|(_, via)| via == "owner"),
            "own reads are not listed: {seen:?}"
        );
        let activity = t
            .api("GET", "/api/v1/me/activity", &d.person_token, None)
            .await;
        assert!(
            activity.body.contains("document-added-for"),
            "{}",
            activity.body
        );

        // Withdrawn consent stops acting for; a revoked share stops reading.
        let consent = t
            .api(
                "PUT",
                &format!("/api/v1/me/accompaniments/{}", d.org),
                &d.person_token,
                Some(json!({"consent": false})),
            )
            .await;
        assert_eq!(consent.status, StatusCode::NO_CONTENT);
        let refused = add(&t, &d.worker, d.person, "Encore", &pdf).await;
        assert_eq!(refused.status, StatusCode::NOT_FOUND);
        let shares = t
            .api("GET", "/api/v1/me/safe/shares", &d.person_token, None)
            .await;
        let share = shares.json()[0]["id"].as_i64().unwrap();
        let revoked = t
            .api(
                "DELETE",
                &format!("/api/v1/me/safe/shares/{share}"),
                &d.person_token,
                None,
            )
            .await;
        assert_eq!(revoked.status, StatusCode::NO_CONTENT);
        let after = t
            .api(
                "GET",
                &format!("/api/v1/documents/{id}/content"),
                &d.worker,
                None,
            )
            .await;
        assert_eq!(after.status, StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn bad_files_and_a_full_safe_change_nothing() {
    for t in TestApp::all_with(|c| {
        c.safe.document_limit = 2_000;
        c.safe.quota = 3_000;
    })
    .await
    {
        let d = desk(&t).await;
        let script = add(
            &t,
            &d.person_token,
            d.person,
            "x",
            b"<script>alert(1)</script>",
        )
        .await;
        assert_eq!(
            script.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            script.body
        );
        assert!(script.json()["error"]["fields"]["file"].is_string());
        let big = add(&t, &d.person_token, d.person, "x", &[b'%'; 2_500]).await;
        assert_eq!(big.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", big.body);
        let mut pdf = upload::pdf("A");
        pdf.resize(1_800, b' ');
        let first = add(&t, &d.person_token, d.person, "Un", &pdf).await;
        assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
        let full = add(&t, &d.person_token, d.person, "Deux", &pdf).await;
        assert_eq!(full.status, StatusCode::CONFLICT);
        assert_eq!(full.json()["error"]["code"], "safe-quota");
        let bad_date = upload::send(
            &t,
            &format!("/api/v1/safe/{}/documents", d.person),
            &d.person_token,
            "",
            &[
                ("title", "T"),
                ("doc_type", "passport"),
                ("expires_on", "2031-02-30"),
            ],
            "a.pdf",
            &upload::pdf("B"),
        )
        .await;
        assert_eq!(bad_date.status, StatusCode::UNPROCESSABLE_ENTITY);
        let fields = &bad_date.json()["error"]["fields"];
        assert!(fields["doc_type"].is_string() && fields["expires_on"].is_string());
        let list = t
            .api(
                "GET",
                &format!("/api/v1/safe/{}/documents", d.person),
                &d.person_token,
                None,
            )
            .await;
        assert_eq!(list.json()["documents"].as_array().unwrap().len(), 1);
        assert_eq!(list.json()["used"], 1_800);
    }
}

#[tokio::test]
async fn one_off_links_take_their_code_expire_and_are_logged() {
    for t in TestApp::all().await {
        let d = desk(&t).await;
        let pdf = upload::pdf("QUITTANCE");
        let id = add(&t, &d.person_token, d.person, "Quittance", &pdf)
            .await
            .json()["id"]
            .as_i64()
            .unwrap();
        let not_theirs = t
            .api(
                "POST",
                &format!("/api/v1/documents/{id}/links"),
                &d.worker,
                Some(json!({})),
            )
            .await;
        assert_eq!(not_theirs.status, StatusCode::FORBIDDEN);
        let bad = t
            .api(
                "POST",
                &format!("/api/v1/documents/{id}/links"),
                &d.person_token,
                Some(json!({"days": "90", "code": "12"})),
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        let made = t
            .api(
                "POST",
                &format!("/api/v1/documents/{id}/links"),
                &d.person_token,
                Some(json!({"days": "3", "code": "4321"})),
            )
            .await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
        let url = made.json()["url"].as_str().unwrap().to_owned();
        let path = url.trim_start_matches("http://entraide.test");
        // The page asks for the code and opens nothing by itself.
        let page = t.get(path, "").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.body.contains("QUITTANCE"));
        let wrong = t.post_form(path, &[("code", "0000")], "").await;
        assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
        let opened = t.post_form(path, &[("code", "4321")], "").await;
        assert_eq!(opened.status, StatusCode::OK);
        assert_eq!(opened.body.as_bytes(), pdf.as_slice());
        let log = t
            .api("GET", "/api/v1/me/safe/log", &d.person_token, None)
            .await;
        assert!(actions(&log.json()).contains(&("view".into(), "link".into())));

        let links = t
            .api(
                "GET",
                &format!("/api/v1/documents/{id}/links"),
                &d.person_token,
                None,
            )
            .await;
        let link = links.json()[0]["id"].as_i64().unwrap();
        assert_eq!(links.json()[0]["uses"], 1);
        let ended = t
            .api(
                "DELETE",
                &format!("/api/v1/documents/{id}/links/{link}"),
                &d.person_token,
                None,
            )
            .await;
        assert_eq!(ended.status, StatusCode::NO_CONTENT);
        let refused = t.post_form(path, &[("code", "4321")], "").await;
        assert_eq!(refused.status, StatusCode::CONFLICT);
        assert_eq!(
            t.get("/s/not-a-real-token", "").await.status,
            StatusCode::NOT_FOUND
        );
    }
}

#[tokio::test]
async fn the_pages_add_show_and_delete_after_asking() {
    for t in TestApp::all().await {
        let d = desk(&t).await;
        let worker = t.web_login("sophie@example.fr").await;
        let page = t.get(&format!("/people/{}/safe", d.person), &worker).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert_eq!(page.headers["cache-control"], "no-store");
        assert!(page.body.contains("Ajouter un document"), "{}", page.body);
        let refused = upload::send(
            &t,
            &format!("/safe/{}/documents", d.person),
            "",
            &worker,
            &[("title", ""), ("doc_type", "identity")],
            "photo.exe",
            b"MZ not a document",
        )
        .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.body.contains("error-summary"), "{}", refused.body);
        let added = upload::send(
            &t,
            &format!("/safe/{}/documents", d.person),
            "",
            &worker,
            &[("title", "Attestation CAF"), ("doc_type", "income")],
            "caf.pdf",
            &upload::pdf("CAF"),
        )
        .await;
        assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
        assert_eq!(
            added.location(),
            format!("/people/{}/safe?done=document-added", d.person)
        );
        let stranger = t.web_login("rachid@example.fr").await;
        let hidden = t
            .get(&format!("/people/{}/safe", d.person), &stranger)
            .await;
        assert_eq!(hidden.status, StatusCode::NOT_FOUND);

        // The person, on their own page, sees who added it, then deletes it
        // after a confirmation page.
        let list = t
            .api(
                "GET",
                &format!("/api/v1/safe/{}/documents", d.person),
                &d.person_token,
                None,
            )
            .await;
        let id = list.json()["documents"][0]["id"].as_i64().unwrap();
        let cookie = t
            .post_form("/login/pin", &[("login", &d.login), ("pin", &d.pin)], "")
            .await
            .session();
        let mine = t.get("/safe", &cookie).await;
        assert!(mine.body.contains("Attestation CAF"), "{}", mine.body);
        assert!(mine.body.contains("Ajouté pour vous par Sophie"));
        let confirm = t
            .get(&format!("/safe/documents/{id}/delete"), &cookie)
            .await;
        assert!(confirm.body.contains("ne pourra pas être récupéré"));
        let deleted = t
            .post_form(&format!("/safe/documents/{id}/delete"), &[], &cookie)
            .await;
        assert_eq!(deleted.status, StatusCode::SEE_OTHER);
        let empty = t.get("/safe", &cookie).await;
        assert!(empty.body.contains("Rien dans le coffre-fort"));
    }
}
