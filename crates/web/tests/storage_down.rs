//! The document store stops answering (its folder is gone, as when a disk
//! is unmounted): uploads and downloads get a clear, translated 503 with
//! `Retry-After` through the API and the pages, nothing is recorded for
//! the refused upload, and once the store is back every document is there.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::{StatusCode, header};
use common::{TestApp, upload};

async fn send(t: &TestApp, owner: i64, token: &str, cookie: &str, bytes: &[u8]) -> common::Reply {
    let path = if token.is_empty() {
        format!("/safe/{owner}/documents")
    } else {
        format!("/api/v1/safe/{owner}/documents")
    };
    let fields = [("title", "Avis d'imposition"), ("doc_type", "identity")];
    upload::send(t, &path, token, cookie, &fields, "avis.pdf", bytes).await
}

async fn documents(t: &TestApp, owner: i64, token: &str) -> Vec<i64> {
    let list = t
        .api(
            "GET",
            &format!("/api/v1/safe/{owner}/documents"),
            token,
            None,
        )
        .await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    list.json()["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn an_unavailable_store_refuses_clearly_and_loses_nothing() {
    for t in TestApp::all().await {
        let (me, token) = t.sign_up("lea@example.fr", "Léa").await;
        let cookie = t.web_login("lea@example.fr").await;
        let first = upload::pdf("avant la panne");
        let kept = send(&t, me, &token, "", &first).await;
        assert_eq!(kept.status, StatusCode::CREATED, "{}", kept.body);
        let kept = kept.json()["id"].as_i64().unwrap();

        // The store's folder disappears; a file stands in its place.
        let folder = t.state.config.data_dir.join("safe");
        let away = t.state.config.data_dir.join("safe.away");
        std::fs::rename(&folder, &away).unwrap();
        std::fs::write(&folder, b"not a folder").unwrap();

        let refused = send(&t, me, &token, "", &upload::pdf("pendant la panne")).await;
        assert_eq!(
            refused.status,
            StatusCode::SERVICE_UNAVAILABLE,
            "{}",
            refused.body
        );
        assert_eq!(refused.json()["error"]["code"], "unavailable");
        assert!(
            refused.json()["error"]["message"]
                .as_str()
                .unwrap()
                .contains("réessayez dans quelques secondes"),
            "{}",
            refused.body
        );
        assert_eq!(refused.headers[header::RETRY_AFTER], "5");
        let page = send(&t, me, "", &cookie, &upload::pdf("par la page")).await;
        assert_eq!(page.status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(
            page.body.contains("réessayez dans quelques secondes"),
            "{}",
            page.body
        );
        let content = format!("/api/v1/documents/{kept}/content");
        let unreadable = t.api("GET", &content, &token, None).await;
        assert_eq!(
            unreadable.status,
            StatusCode::SERVICE_UNAVAILABLE,
            "{}",
            unreadable.body
        );
        assert_eq!(
            documents(&t, me, &token).await,
            vec![kept],
            "nothing recorded"
        );

        // The store is back: what was there still is, and uploads work.
        std::fs::remove_file(&folder).unwrap();
        std::fs::rename(&away, &folder).unwrap();
        let read = t.api("GET", &content, &token, None).await;
        assert_eq!(read.status, StatusCode::OK);
        assert_eq!(read.body.as_bytes(), first.as_slice());
        let again = send(&t, me, &token, "", &upload::pdf("après la panne")).await;
        assert_eq!(again.status, StatusCode::CREATED, "{}", again.body);
        assert_eq!(documents(&t, me, &token).await.len(), 2);
    }
}
