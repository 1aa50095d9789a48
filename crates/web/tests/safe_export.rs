//! The safe in a person's data download, on every backend: its documents
//! opened in the zip, their descriptions, notes, shares and access log in
//! the JSON.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::Read as _;

use axum::http::StatusCode;
use common::desk::desk;
use common::{TestApp, upload};

#[tokio::test]
async fn the_download_holds_the_safe_opened() {
    for t in TestApp::all().await {
        let d = desk(&t).await;
        let pdf = upload::pdf("BULLETIN-DE-SALAIRE");
        let added = upload::send(
            &t,
            &format!("/api/v1/safe/{}/documents", d.person),
            &d.worker,
            "",
            &[("title", "Bulletin de mai"), ("doc_type", "income")],
            "mai.pdf",
            &pdf,
        )
        .await;
        assert_eq!(added.status, StatusCode::CREATED, "{}", added.body);
        let id = added.json()["id"].as_i64().unwrap();

        let export = t
            .api("GET", "/api/v1/me/export", &d.person_token, None)
            .await;
        assert_eq!(export.status, StatusCode::OK, "{}", export.body);
        assert_eq!(export.headers["cache-control"], "no-store");
        let worker = t.web_login("sophie@example.fr").await;
        for path in ["notes", "sessions"] {
            let page = t
                .get(&format!("/people/{}/safe/{path}", d.person), &worker)
                .await;
            assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.body);
            assert_eq!(page.headers["cache-control"], "no-store", "{path}");
        }
        let notes = t
            .api(
                "GET",
                &format!("/api/v1/safe/{}/notes", d.person),
                &d.person_token,
                None,
            )
            .await;
        assert_eq!(notes.headers["cache-control"], "no-store");
        let safe = &export.json()["safe"];
        assert_eq!(safe["documents"][0]["title"], "Bulletin de mai");
        assert_eq!(safe["shares"][0]["org_name"], "CCAS du 11e");
        assert_eq!(safe["access_log"][0]["action"], "upload");

        let cookie = t
            .post_form("/login/pin", &[("login", &d.login), ("pin", &d.pin)], "")
            .await
            .session();
        let request = axum::http::Request::get("/me/export")
            .header(axum::http::header::COOKIE, cookie)
            .body(axum::body::Body::empty())
            .unwrap();
        let response = tower::ServiceExt::oneshot(t.router.clone(), request)
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let bytes = http_body_util::BodyExt::collect(response.into_body())
            .await
            .unwrap()
            .to_bytes();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
        let mut file = zip.by_name(&format!("safe/{id}-mai.pdf")).unwrap();
        let mut opened = Vec::new();
        file.read_to_end(&mut opened).unwrap();
        assert_eq!(opened, pdf, "the document, opened");
    }
}

#[tokio::test]
async fn an_erased_account_leaves_no_sealed_object_behind() {
    for t in TestApp::all_with(|c| c.deletion_grace_days = -1).await {
        let d = desk(&t).await;
        let added = upload::send(
            &t,
            &format!("/api/v1/safe/{}/documents", d.person),
            &d.person_token,
            "",
            &[("title", "Carte vitale"), ("doc_type", "health")],
            "vitale.pdf",
            &upload::pdf("VITALE"),
        )
        .await;
        assert_eq!(added.status, StatusCode::CREATED, "{}", added.body);
        let folder = t
            .state
            .config
            .data_dir
            .join("safe")
            .join(format!("owners/{}", d.person));
        assert_eq!(std::fs::read_dir(&folder).unwrap().count(), 1);
        let asked = t.api("DELETE", "/api/v1/me", &d.person_token, None).await;
        assert!(asked.status.is_success(), "{}", asked.body);
        let erased = entraide_web::services::privacy::purge(&t.state)
            .await
            .unwrap();
        assert_eq!(erased, 1);
        let left = std::fs::read_dir(&folder).map(|d| d.count()).unwrap_or(0);
        assert_eq!(left, 0, "the sealed document is removed too");
    }
}
