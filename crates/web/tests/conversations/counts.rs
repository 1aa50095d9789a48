//! Unread counts stop at a cap: past it, a page shows "99+" and the API
//! says 100, and counting costs no more however many messages wait.

use axum::http::StatusCode;
use entraide_core::conversation::MessageBody;

use crate::common::TestApp;
use crate::team;

#[tokio::test]
async fn unread_counts_stop_at_the_cap() {
    for t in TestApp::all().await {
        let team = team(&t).await;
        let body = MessageBody::parse("Qui peut venir samedi ?").unwrap();
        for _ in 0..(entraide_store::messages::UNREAD_CAP + 20) {
            t.db.post_message(team.conversation, team.kind.0, &body)
                .await
                .unwrap()
                .unwrap();
        }
        let reader = &team.rude.1;
        let counts = t.api("GET", "/api/v1/me/counts", reader, None).await;
        assert_eq!(counts.status, StatusCode::OK, "{}", counts.body);
        assert_eq!(
            counts.json()["messages"],
            entraide_store::messages::UNREAD_CAP
        );
        let list = t.api("GET", "/api/v1/conversations", reader, None).await;
        assert_eq!(list.json()["unread"], 100, "{}", list.body);
        assert_eq!(
            list.json()["conversations"][0]["unread"],
            100,
            "{}",
            list.body
        );
        let page = t.api("GET", "/conversations", reader, None).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body.contains("plus de 99 messages non lus"),
            "{}",
            page.body
        );
        assert!(page.body.contains(" (99+<span"), "{}", page.body);

        // Once read, new messages are counted exactly again.
        let read = format!("/api/v1/conversations/{}/read", team.conversation);
        let marked = t
            .api("POST", &read, reader, Some(serde_json::json!({})))
            .await;
        assert!(marked.status.is_success(), "{}", marked.body);
        for _ in 0..3 {
            t.db.post_message(team.conversation, team.kind.0, &body)
                .await
                .unwrap()
                .unwrap();
        }
        let page = t.api("GET", "/conversations", reader, None).await;
        assert!(page.body.contains("3 messages non lus"), "{}", page.body);
        assert!(page.body.contains(" (3<span"), "{}", page.body);
        let list = t.api("GET", "/api/v1/conversations", reader, None).await;
        assert_eq!(list.json()["unread"], 3);
    }
}
