//! Notes and important contacts in the safe, on every backend: the person
//! and a worker acting for them with consent add them; reading follows the
//! shares; a worker changes only what they wrote; workers of another
//! organisation see nothing; withdrawn consent stops writing and a revoked
//! share stops reading; every act by someone else is in the owner's log;
//! the pages ask before deleting, in French and in English. What reaches
//! the disk is checked in `safe_at_rest.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::TestApp;
use common::desk::{desk, log_actions};
use serde_json::{Value, json};

async fn add(t: &TestApp, token: &str, owner: i64, body: Value) -> common::Reply {
    t.api(
        "POST",
        &format!("/api/v1/safe/{owner}/notes"),
        token,
        Some(body),
    )
    .await
}

fn contact(name: &str) -> Value {
    json!({"kind": "contact", "name": name, "role": "Médecin", "phone": "01 42 00 00 00", "details": "Le mardi"})
}

#[tokio::test]
async fn the_person_and_their_worker_keep_notes_and_contacts_within_their_rights() {
    for t in TestApp::all().await {
        let d = desk(&t).await;
        let note = add(
            &t,
            &d.person_token,
            d.person,
            json!({"kind": "note", "text": "RDV CAF le 12 à 10h"}),
        )
        .await;
        assert_eq!(note.status, StatusCode::CREATED, "{}", note.body);
        let note = note.json()["id"].as_i64().unwrap();
        let theirs = add(&t, &d.worker, d.person, contact("Dr Martin")).await;
        assert_eq!(theirs.status, StatusCode::CREATED, "{}", theirs.body);
        let theirs = theirs.json()["id"].as_i64().unwrap();

        let bad = add(
            &t,
            &d.worker,
            d.person,
            json!({"kind": "contact", "name": "", "role": "Médecin", "phone": "123"}),
        )
        .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        let fields = &bad.json()["error"]["fields"];
        assert!(
            fields["name"].is_string() && fields["phone"].is_string(),
            "{fields}"
        );
        let odd = add(
            &t,
            &d.worker,
            d.person,
            json!({"kind": "poem", "text": "x"}),
        )
        .await;
        assert_eq!(odd.status, StatusCode::UNPROCESSABLE_ENTITY);

        let list = t
            .api(
                "GET",
                &format!("/api/v1/safe/{}/notes", d.person),
                &d.person_token,
                None,
            )
            .await;
        assert_eq!(list.status, StatusCode::OK, "{}", list.body);
        assert_eq!(list.headers["cache-control"], "no-store");
        let rows = list.json();
        let rows = rows.as_array().unwrap();
        assert_eq!(rows.len(), 2, "bad input changed nothing: {rows:?}");
        assert_eq!(rows[0]["kind"], "contact", "contacts first");
        assert_eq!(rows[0]["phone"], "+33142000000");
        assert_eq!(rows[0]["written_by_name"], "Sophie");
        assert_eq!(rows[1]["text"], "RDV CAF le 12 à 10h");
        assert!(rows[1]["written_by_name"].is_null());

        // The worker reads through the share made at registration, changes
        // what they wrote, and nothing the person wrote.
        let seen = t
            .api(
                "GET",
                &format!("/api/v1/safe/{}/notes", d.person),
                &d.worker,
                None,
            )
            .await;
        assert_eq!(seen.status, StatusCode::OK);
        assert_eq!(seen.json()[0]["editable"], true);
        assert_eq!(seen.json()[1]["editable"], false);
        let edit = |token: &str, id: i64, body: Value| {
            let token = token.to_owned();
            let t = &t;
            async move {
                t.api("PUT", &format!("/api/v1/notes/{id}"), &token, Some(body))
                    .await
                    .status
            }
        };
        assert_eq!(
            edit(&d.worker, note, json!({"text": "changé"})).await,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            edit(&d.worker, theirs, contact("Dr Martine")).await,
            StatusCode::NO_CONTENT
        );
        assert_eq!(
            edit(&d.person_token, note, json!({"text": ""})).await,
            StatusCode::UNPROCESSABLE_ENTITY
        );

        // Another organisation's worker: nothing, not even that it exists.
        for (method, path, body) in [
            ("GET", format!("/api/v1/safe/{}/notes", d.person), None),
            (
                "POST",
                format!("/api/v1/safe/{}/notes", d.person),
                Some(contact("X")),
            ),
            (
                "PUT",
                format!("/api/v1/notes/{note}"),
                Some(json!({"text": "x"})),
            ),
            ("DELETE", format!("/api/v1/notes/{note}"), None),
        ] {
            let refused = t.api(method, &path, &d.outsider, body).await;
            assert_eq!(refused.status, StatusCode::NOT_FOUND, "{method} {path}");
        }

        let seen = log_actions(&t, &d.person_token).await;
        for expected in [
            ("add-note", "accompaniment"),
            ("edit-note", "accompaniment"),
            ("list-notes", "share"),
        ] {
            assert!(
                seen.contains(&(expected.0.into(), expected.1.into())),
                "{expected:?} in {seen:?}"
            );
        }
        assert!(
            !seen.iter().any(|(a, v)| a == "list-notes" && v == "owner"),
            "own reads are not listed: {seen:?}"
        );

        // Withdrawn consent stops writing; a revoked share stops reading.
        t.api(
            "PUT",
            &format!("/api/v1/me/accompaniments/{}", d.org),
            &d.person_token,
            Some(json!({"consent": false})),
        )
        .await;
        assert_eq!(
            add(&t, &d.worker, d.person, contact("Encore")).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            edit(&d.worker, theirs, contact("Dr M")).await,
            StatusCode::NOT_FOUND
        );
        let shares = t
            .api("GET", "/api/v1/me/safe/shares", &d.person_token, None)
            .await;
        let share = shares.json()[0]["id"].as_i64().unwrap();
        t.api(
            "DELETE",
            &format!("/api/v1/me/safe/shares/{share}"),
            &d.person_token,
            None,
        )
        .await;
        let after = t
            .api(
                "GET",
                &format!("/api/v1/safe/{}/notes", d.person),
                &d.worker,
                None,
            )
            .await;
        assert_eq!(after.status, StatusCode::NOT_FOUND);

        let gone = t
            .api(
                "DELETE",
                &format!("/api/v1/notes/{theirs}"),
                &d.person_token,
                None,
            )
            .await;
        assert_eq!(gone.status, StatusCode::NO_CONTENT);
        let left = t
            .api(
                "GET",
                &format!("/api/v1/safe/{}/notes", d.person),
                &d.person_token,
                None,
            )
            .await;
        assert_eq!(left.json().as_array().unwrap().len(), 1);
    }
}

#[tokio::test]
async fn the_pages_add_change_and_delete_after_asking_in_french_and_english() {
    for t in TestApp::all().await {
        let d = desk(&t).await;
        let worker = t.web_login("sophie@example.fr").await;
        let page = t
            .get(&format!("/people/{}/safe/notes", d.person), &worker)
            .await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(page.body.contains("Ajouter un contact"), "{}", page.body);
        let safe = t.get(&format!("/people/{}/safe", d.person), &worker).await;
        assert!(
            safe.body
                .contains(&format!("/people/{}/safe/notes", d.person))
        );
        let refused = t
            .post_form(
                &format!("/safe/{}/notes", d.person),
                &[
                    ("kind", "contact"),
                    ("name", "Dr Martin"),
                    ("role", ""),
                    ("phone", "abc"),
                ],
                &worker,
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.body.contains("error-summary"), "{}", refused.body);
        assert!(
            refused.body.contains("value=\"Dr Martin\""),
            "typed text comes back"
        );
        let added = t
            .post_form(
                &format!("/safe/{}/notes", d.person),
                &[("kind", "note"), ("text", "Apporter le RIB")],
                &worker,
            )
            .await;
        assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
        assert_eq!(
            added.location(),
            format!("/people/{}/safe/notes?done=note-added", d.person)
        );
        let stranger = t.web_login("rachid@example.fr").await;
        let hidden = t
            .get(&format!("/people/{}/safe/notes", d.person), &stranger)
            .await;
        assert_eq!(hidden.status, StatusCode::NOT_FOUND);

        // The person, in English, changes the note, then deletes it after
        // a confirmation page.
        let cookie = t
            .post_form("/login/pin", &[("login", &d.login), ("pin", &d.pin)], "")
            .await
            .session();
        let english = format!("{cookie}; lang=en");
        let mine = t.get("/safe/notes", &cookie).await;
        assert!(mine.body.contains("Apporter le RIB"), "{}", mine.body);
        assert!(mine.body.contains("Écrit pour vous par Sophie"));
        let id = t
            .api(
                "GET",
                &format!("/api/v1/safe/{}/notes", d.person),
                &d.person_token,
                None,
            )
            .await
            .json()[0]["id"]
            .as_i64()
            .unwrap();
        let edit = t.get(&format!("/safe/notes/{id}/edit"), &english).await;
        assert_eq!(edit.status, StatusCode::OK);
        assert!(edit.body.contains("Apporter le RIB") && edit.body.contains("Save"));
        let changed = t
            .post_form(
                &format!("/safe/notes/{id}/edit"),
                &[("text", "Apporter le RIB et l'avis")],
                &english,
            )
            .await;
        assert_eq!(changed.location(), "/safe/notes?done=note-changed");
        let confirm = t.get(&format!("/safe/notes/{id}/delete"), &english).await;
        assert!(
            confirm.body.contains("cannot be recovered"),
            "{}",
            confirm.body
        );
        let confirm_fr = t.get(&format!("/safe/notes/{id}/delete"), &cookie).await;
        assert!(confirm_fr.body.contains("ne pourra pas être récupérée"));
        let deleted = t
            .post_form(&format!("/safe/notes/{id}/delete"), &[], &english)
            .await;
        assert_eq!(deleted.status, StatusCode::SEE_OTHER);
        let empty = t.get("/safe/notes?done=note-deleted", &english).await;
        assert!(empty.body.contains("No notes yet"), "{}", empty.body);
        assert!(empty.body.contains("Deleted."));
    }
}
