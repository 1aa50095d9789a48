//! Rotating the safe's server key on every backend: every data key is
//! rewrapped, documents open with the new key alone, the old key file is
//! gone, and an interrupted rotation resumes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::{TestApp, upload};
use entraide_web::AppState;
use entraide_web::services::safe_keys::rotate_key_file;

#[tokio::test]
async fn a_rotated_key_still_opens_every_document() {
    for t in TestApp::all().await {
        let (id, token) = t.sign_up("momo@example.fr", "Momo").await;
        let pdf = upload::pdf("AVIS-IMPOSITION");
        let added = upload::send(
            &t,
            &format!("/api/v1/safe/{id}/documents"),
            &token,
            "",
            &[("title", "Avis d'imposition"), ("doc_type", "taxes")],
            "avis.pdf",
            &pdf,
        )
        .await;
        assert_eq!(added.status, StatusCode::CREATED, "{}", added.body);
        let document = added.json()["id"].as_i64().unwrap();
        let dir = t.state.config.data_dir.clone();
        let before = std::fs::read_to_string(dir.join("vault.key")).unwrap();

        let done = rotate_key_file(&t.db, &dir).await.unwrap();
        assert_eq!(done.rewrapped, 1);
        let after = std::fs::read_to_string(dir.join("vault.key")).unwrap();
        assert_ne!(before, after, "a new key");
        assert!(
            !dir.join("vault.key.previous").exists(),
            "the old key is gone"
        );

        // A server started with the new key alone opens the document.
        let restarted = AppState::new(t.db.clone(), (*t.state.config).clone());
        let app = TestApp {
            router: entraide_web::app(restarted.clone()),
            state: restarted,
            db: t.db.clone(),
        };
        let content = app
            .api(
                "GET",
                &format!("/api/v1/documents/{document}/content"),
                &token,
                None,
            )
            .await;
        assert_eq!(content.status, StatusCode::OK, "{}", content.body);
        assert_eq!(content.body.as_bytes(), pdf.as_slice());

        // Interrupted after moving the key aside: running again finishes.
        std::fs::rename(dir.join("vault.key"), dir.join("vault.key.previous")).unwrap();
        let resumed = rotate_key_file(&t.db, &dir).await.unwrap();
        assert_eq!(resumed.rewrapped, 1);
        let again = AppState::new(t.db.clone(), (*t.state.config).clone());
        let app = TestApp {
            router: entraide_web::app(again.clone()),
            state: again,
            db: t.db.clone(),
        };
        let content = app
            .api(
                "GET",
                &format!("/api/v1/documents/{document}/content"),
                &token,
                None,
            )
            .await;
        assert_eq!(content.body.as_bytes(), pdf.as_slice());
    }
}
