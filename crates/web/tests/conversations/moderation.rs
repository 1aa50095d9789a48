//! Reports go through the moderation queue of the right people; hidden
//! messages, warnings, suspensions and the log.

use axum::http::StatusCode;
use entraide_store::Page;
use serde_json::json;

use super::{messages, team};
use crate::common::TestApp;

#[tokio::test]
async fn reports_are_moderated_and_suspended_people_cannot_post() {
    for t in TestApp::all().await {
        let w = team(&t).await;
        let (rude_id, rude) = w.rude.clone();
        let said = t
            .api(
                "POST",
                &format!("/api/v1/conversations/{}/messages", w.conversation),
                &rude,
                Some(json!({"body": "Un message blessant"})),
            )
            .await;
        let message = said.json()["id"].as_i64().unwrap();
        let kind_web = t.web_login("kind@example.fr").await;
        let report_path = format!(
            "/conversations/{}/messages/{message}/report",
            w.conversation
        );
        let form = t.get(&report_path, &kind_web).await;
        assert_eq!(form.status, StatusCode::OK);
        assert!(form.body.contains("Un message blessant"));
        let empty = t
            .post_form(&report_path, &[("reason", " ")], &kind_web)
            .await;
        assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
        let reported = t
            .post_form(&report_path, &[("reason", "C'est insultant")], &kind_web)
            .await;
        assert_eq!(reported.status, StatusCode::SEE_OTHER);
        let twice = t
            .api(
                "POST",
                &format!("/api/v1/messages/{message}/report"),
                &w.kind.1,
                Some(json!({"reason": "Encore"})),
            )
            .await;
        assert_eq!(twice.status, StatusCode::CONFLICT);
        let own = t
            .api(
                "POST",
                &format!("/api/v1/messages/{message}/report"),
                &rude,
                Some(json!({"reason": "Oups"})),
            )
            .await;
        assert_eq!(own.status, StatusCode::CONFLICT);

        // The organisation's admin sees it in the queue; volunteers do not.
        assert_eq!(
            t.api("GET", "/api/v1/moderation", &w.kind.1, None)
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        let queue = t.api("GET", "/api/v1/moderation", &w.admin, None).await;
        assert_eq!(queue.status, StatusCode::OK);
        let queue = queue.json();
        assert_eq!(queue["reports"].as_array().unwrap().len(), 1);
        assert_eq!(queue["reports"][0]["message_id"], message);
        assert_eq!(queue["reports"][0]["reason"], "C'est insultant");
        let admin_web = t.web_login("admin@example.fr").await;
        let page = t.get("/moderation", &admin_web).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Un message blessant"));
        assert!(
            !page.body.contains("/suspend"),
            "suspending is for the platform"
        );

        // Hidden: others read "hidden by moderation"; the admin still reads it.
        let hidden = t
            .post_form(
                &format!("/moderation/messages/{message}/hide"),
                &[("comment", "Insulte")],
                &admin_web,
            )
            .await;
        assert_eq!(hidden.status, StatusCode::SEE_OTHER);
        assert_eq!(hidden.location(), "/moderation?done=moderation-hide");
        let seen = t
            .get(&format!("/conversations/{}", w.conversation), &kind_web)
            .await;
        assert!(seen.body.contains("Message masqué par la modération"));
        assert!(!seen.body.contains("Un message blessant"));
        let seen_en = t
            .get(
                &format!("/conversations/{}", w.conversation),
                &format!("{kind_web}; lang=en"),
            )
            .await;
        assert!(seen_en.body.contains("Message hidden by moderation"));
        let api_view = messages(&t, &w.kind.1, w.conversation).await;
        assert_eq!(api_view["messages"][0]["shown"], "hidden");
        assert_eq!(api_view["messages"][0]["body"], "");
        let moderator = t
            .get(&format!("/conversations/{}", w.conversation), &admin_web)
            .await;
        assert!(moderator.body.contains("Un message blessant"));
        assert!(moderator.body.contains("Masqué par la modération"));
        assert!(
            t.api("GET", "/api/v1/moderation", &w.admin, None)
                .await
                .json()["reports"]
                .as_array()
                .unwrap()
                .is_empty()
        );

        // A warning notifies the author.
        let warned = t
            .api(
                "POST",
                &format!("/api/v1/moderation/messages/{message}/warn"),
                &w.admin,
                Some(json!({"comment": "Premier avertissement"})),
            )
            .await;
        assert_eq!(warned.status, StatusCode::NO_CONTENT, "{}", warned.body);
        let told = t.db.notifications(rude_id, Page::new(1, 10)).await.unwrap();
        assert!(told.rows.iter().any(|n| n.kind == "moderation"));

        // Suspending: the platform only, after a confirmation page.
        let refused = t
            .api(
                "POST",
                &format!("/api/v1/moderation/messages/{message}/suspend"),
                &w.admin,
                Some(json!({"days": "7"})),
            )
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        let platform_web = t.web_login("platform@example.fr").await;
        let confirm = t
            .get(
                &format!("/moderation/messages/{message}/suspend"),
                &platform_web,
            )
            .await;
        assert_eq!(confirm.status, StatusCode::OK);
        assert!(confirm.body.contains("Suspendre Rémi ?"));
        let bad = t
            .post_form(
                &format!("/moderation/messages/{message}/suspend"),
                &[("days", "0")],
                &platform_web,
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(t.db.suspended_until(rude_id).await.unwrap().is_none());
        let suspended = t
            .post_form(
                &format!("/moderation/messages/{message}/suspend"),
                &[("days", "7"), ("comment", "Récidive")],
                &platform_web,
            )
            .await;
        assert_eq!(suspended.status, StatusCode::SEE_OTHER);
        let again = t
            .api(
                "POST",
                &format!("/api/v1/conversations/{}/messages", w.conversation),
                &rude,
                Some(json!({"body": "Je recommence"})),
            )
            .await;
        assert_eq!(again.status, StatusCode::CONFLICT);
        assert_eq!(again.json()["error"]["code"], "account-suspended");
        let rude_web = t.web_login("rude@example.fr").await;
        let page = t
            .get(&format!("/conversations/{}", w.conversation), &rude_web)
            .await;
        assert!(page.body.contains("Votre compte est suspendu jusqu"));
        assert!(!page.body.contains("name=\"body\""));

        // The log keeps every act, for the organisation and the platform.
        let log = t
            .api("GET", "/api/v1/moderation/log", &w.admin, None)
            .await
            .json();
        let actions: Vec<&str> = log["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        assert_eq!(actions, ["suspend", "warn", "hide"]);
        let page = t.get("/moderation", &admin_web).await;
        assert!(page.body.contains("Récidive"));
        assert_eq!(
            w.org,
            t.db.conversation(w.conversation, rude_id)
                .await
                .unwrap()
                .org_id
                .unwrap()
        );
    }
}
