//! What the safe leaves on disk: on an SQLite file and a local data
//! folder, documents, folder names, notes, contacts and desk sessions are
//! written sealed, so no text typed or uploaded can be read back from the
//! database file, its journal or the folder.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::PathBuf;

use axum::http::StatusCode;
use common::desk::desk;
use common::{TestApp, upload};
use serde_json::json;

/// An app on an SQLite file of its own; returns the file too.
async fn on_a_file() -> (TestApp, PathBuf) {
    let file = std::env::temp_dir().join(format!("entraide-safe-{}.db", uuid::Uuid::new_v4()));
    let db = entraide_store::Db::connect(&format!("sqlite://{}", file.display()))
        .await
        .unwrap();
    db.migrate().await.unwrap();
    (TestApp::with(db, |_| {}), file)
}

/// Closes the database and reads it, its journal and every file of the
/// data folder; fails on any marker. Returns how many files were read.
async fn scan(t: &TestApp, file: &std::path::Path, markers: &[&str]) -> usize {
    t.db.close().await;
    let mut files: Vec<PathBuf> = [
        file.to_path_buf(),
        file.with_extension("db-wal"),
        file.with_extension("db-shm"),
    ]
    .into_iter()
    .filter(|f| f.exists())
    .collect();
    let mut folders = vec![t.state.config.data_dir.clone()];
    while let Some(dir) = folders.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else {
                files.push(path);
            }
        }
    }
    for path in &files {
        let bytes = std::fs::read(path).unwrap();
        for marker in markers {
            assert!(
                !bytes.windows(marker.len()).any(|w| w == marker.as_bytes()),
                "{marker} in {path:?}"
            );
        }
    }
    files.len()
}

#[tokio::test]
async fn no_plaintext_reaches_the_data_folder_or_the_database_file() {
    let (t, file) = on_a_file().await;
    let d = desk(&t).await;
    let marker = "MARQUEUR-SECRET-9f2c1";
    let added = upload::send(
        &t,
        &format!("/api/v1/safe/{}/documents", d.person),
        &d.worker,
        "",
        &[("title", marker), ("doc_type", "identity")],
        "carte.pdf",
        &upload::pdf(marker),
    )
    .await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.body);
    let folder = t
        .api(
            "POST",
            &format!("/api/v1/safe/{}/folders", d.person),
            &d.person_token,
            Some(json!({"name": marker})),
        )
        .await;
    assert_eq!(folder.status, StatusCode::CREATED);
    assert!(
        scan(&t, &file, &[marker]).await >= 3,
        "the database, the key file and the document were read"
    );
}

#[tokio::test]
async fn no_note_contact_or_session_reaches_the_database_file_in_clear() {
    let (t, file) = on_a_file().await;
    let d = desk(&t).await;
    let note = "NOTE-SECRETE-51c7";
    let name = "CONTACT-SECRET-8ad2";
    let steps = "SUITE-SECRETE-2be9";
    let topic = "SUJET-SECRET-77e1";
    let notes = format!("/api/v1/safe/{}/notes", d.person);
    for (token, body) in [
        (&d.person_token, json!({"kind": "note", "text": note})),
        (
            &d.worker,
            json!({"kind": "contact", "name": name, "role": "Médecin", "phone": "01 42 00 00 00"}),
        ),
    ] {
        let added = t.api("POST", &notes, token, Some(body)).await;
        assert_eq!(added.status, StatusCode::CREATED, "{}", added.body);
    }
    let session = t
        .api(
            "POST",
            &format!("/api/v1/safe/{}/sessions", d.person),
            &d.worker,
            Some(json!({"held_on": "2024-05-02", "topics": ["health"],
                        "topics_other": topic, "next_steps": steps})),
        )
        .await;
    assert_eq!(session.status, StatusCode::CREATED, "{}", session.body);
    // Read back first, so the test knows the markers went in.
    let list = t.api("GET", &notes, &d.person_token, None).await;
    assert!(list.body.contains(note) && list.body.contains(name));
    let sessions = t
        .api(
            "GET",
            &format!("/api/v1/safe/{}/sessions", d.person),
            &d.person_token,
            None,
        )
        .await;
    assert!(sessions.body.contains(steps) && sessions.body.contains(topic));
    assert!(scan(&t, &file, &[note, name, steps, topic]).await >= 2);
}
