//! A requester and a helper talk about a need; strangers are kept out;
//! blocked people cannot write directly.

use axum::http::StatusCode;
use entraide_store::Page;
use serde_json::json;

use super::{conversation_id, in_ten_days, messages, neighbour, team, unread};
use crate::common::TestApp;

#[tokio::test]
async fn a_requester_and_a_helper_talk_about_a_need() {
    for t in TestApp::all().await {
        let (odette_id, odette) = neighbour(&t, "odette@example.fr", "Odette").await;
        let (malik_id, malik) = neighbour(&t, "malik@example.fr", "Malik").await;
        let (_, stranger) = neighbour(&t, "lea@example.fr", "Léa").await;
        let need = json!({"kind": "need", "category": "errands", "title": "Courses du samedi",
            "date": in_ten_days(), "from": "10:00", "to": "11:00"});
        let posted = t
            .api("POST", "/api/v1/exchanges", &odette, Some(need))
            .await;
        assert_eq!(posted.status, StatusCode::CREATED, "{}", posted.body);
        let exchange = posted.json()["id"].as_i64().unwrap();
        let step = |token: &str, step: &str, person: Option<i64>| {
            let body = json!({"step": step, "person_id": person});
            let path = format!("/api/v1/exchanges/{exchange}/steps");
            let token = token.to_owned();
            let t = &t;
            async move { t.api("POST", &path, &token, Some(body)).await }
        };
        assert_eq!(step(&malik, "respond", None).await.status, StatusCode::OK);
        // Before being chosen, the helper is not part of the conversation.
        let early = t
            .api(
                "POST",
                &format!("/api/v1/exchanges/{exchange}/conversation"),
                &malik,
                None,
            )
            .await;
        assert_eq!(early.status, StatusCode::FORBIDDEN);
        assert_eq!(
            step(&odette, "choose", Some(malik_id)).await.status,
            StatusCode::OK
        );

        // The requester finds the conversation from the need's page.
        let web = t.web_login("odette@example.fr").await;
        let page = t.get(&format!("/exchanges/{exchange}"), &web).await;
        assert!(
            page.body
                .contains(&format!("/exchanges/{exchange}/conversation"))
        );
        let opened = t
            .get(&format!("/exchanges/{exchange}/conversation"), &web)
            .await;
        assert_eq!(opened.status, StatusCode::SEE_OTHER);
        let id = conversation_id(opened.location());
        let empty = t.get(&format!("/conversations/{id}"), &web).await;
        assert_eq!(empty.status, StatusCode::OK);
        assert!(empty.body.contains("id=\"messages\""));
        assert!(empty.body.contains("aria-live=\"polite\""));
        assert!(empty.body.contains("Pas encore de message"));
        assert!(
            empty
                .body
                .contains("<label for=\"f-body\">Votre message</label>")
        );

        // Nothing is stored from an empty message.
        let blank = t
            .post_form(
                &format!("/conversations/{id}/messages"),
                &[("body", "  \r\n ")],
                &web,
            )
            .await;
        assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(blank.body.contains("Votre message"), "the field is named");
        let blank = t
            .api(
                "POST",
                &format!("/api/v1/conversations/{id}/messages"),
                &odette,
                Some(json!({"body": ""})),
            )
            .await;
        assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(blank.json()["error"]["fields"]["body"], "à remplir");
        assert!(
            messages(&t, &odette, id).await["messages"]
                .as_array()
                .unwrap()
                .is_empty()
        );

        // Strangers are kept out.
        for (method, path) in [
            ("GET", format!("/api/v1/conversations/{id}/messages")),
            ("POST", format!("/api/v1/conversations/{id}/read")),
            ("POST", format!("/api/v1/exchanges/{exchange}/conversation")),
        ] {
            let reply = t.api(method, &path, &stranger, Some(json!({}))).await;
            assert_eq!(reply.status, StatusCode::FORBIDDEN, "{method} {path}");
        }
        let intruder = t
            .api(
                "POST",
                &format!("/api/v1/conversations/{id}/messages"),
                &stranger,
                Some(json!({"body": "Coucou"})),
            )
            .await;
        assert_eq!(intruder.status, StatusCode::FORBIDDEN);
        let lea = t.web_login("lea@example.fr").await;
        assert_eq!(
            t.get(&format!("/conversations/{id}"), &lea).await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            t.get("/conversations/999999", &lea).await.status,
            StatusCode::NOT_FOUND
        );

        // The requester writes; the page shows the message.
        let sent = t
            .post_form(
                &format!("/conversations/{id}/messages"),
                &[("body", "Bonjour Malik,\r\nmerci d'avoir accepté !")],
                &web,
            )
            .await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
        assert!(
            sent.location()
                .starts_with(&format!("/conversations/{id}#m"))
        );
        let shown = t.get(&format!("/conversations/{id}"), &web).await;
        assert!(
            shown.body.contains("merci d&#39;avoir accepté"),
            "{}",
            shown.body
        );
        assert_eq!(unread(&t, &odette).await, 0, "one's own messages");

        // The helper is told, and sees one unread message.
        assert_eq!(unread(&t, &malik).await, 1);
        let told =
            t.db.notifications(malik_id, Page::new(1, 10))
                .await
                .unwrap();
        let told: Vec<_> = told.rows.iter().filter(|n| n.kind == "message").collect();
        assert_eq!(told.len(), 1);
        assert_eq!(told[0].link, format!("/conversations/{id}"));
        assert!(told[0].subject.starts_with("Bonjour Malik, merci"));
        assert_eq!(told[0].actor_name.as_deref(), Some("Odette"));
        assert!(told[0].read_at.is_none());
        let mine =
            t.db.notifications(odette_id, Page::new(1, 10))
                .await
                .unwrap();
        assert!(mine.rows.iter().all(|n| n.kind != "message"));

        let helper_web = t.web_login("malik@example.fr").await;
        let list = t.get("/conversations", &helper_web).await;
        assert_eq!(list.status, StatusCode::OK);
        assert!(list.body.contains("1 message non lu"), "{}", list.body);
        assert!(list.body.contains("Courses du samedi"));
        // In English too.
        let english = t
            .get("/conversations", &format!("{helper_web}; lang=en"))
            .await;
        assert!(
            english.body.contains("1 unread message"),
            "{}",
            english.body
        );
        // Opening the conversation reads it, and its notification.
        let read = t.get(&format!("/conversations/{id}"), &helper_web).await;
        assert_eq!(read.status, StatusCode::OK);
        assert_eq!(unread(&t, &malik).await, 0);
        let told =
            t.db.notifications(malik_id, Page::new(1, 10))
                .await
                .unwrap();
        let about_messages: Vec<_> = told.rows.iter().filter(|n| n.kind == "message").collect();
        assert!(!about_messages.is_empty() && about_messages.iter().all(|n| n.read_at.is_some()));

        // The helper answers through the API; the requester sees it.
        let answer = t
            .api(
                "POST",
                &format!("/api/v1/conversations/{id}/messages"),
                &malik,
                Some(json!({"body": "Avec plaisir, à samedi !"})),
            )
            .await;
        assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
        assert_eq!(unread(&t, &odette).await, 1);
        let thread = messages(&t, &odette, id).await;
        let texts: Vec<&str> = thread["messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["body"].as_str().unwrap())
            .collect();
        assert_eq!(
            texts,
            [
                "Bonjour Malik,\nmerci d'avoir accepté !",
                "Avec plaisir, à samedi !"
            ]
        );
        assert_eq!(thread["messages"][0]["mine"], true);
        assert_eq!(
            unread(&t, &odette).await,
            1,
            "reading through the API is explicit"
        );
        let marked = t
            .api(
                "POST",
                &format!("/api/v1/conversations/{id}/read"),
                &odette,
                Some(json!({})),
            )
            .await;
        assert_eq!(marked.status, StatusCode::NO_CONTENT);
        assert_eq!(unread(&t, &odette).await, 0);

        // Muted: the next message neither counts nor notifies.
        let muted = t
            .api(
                "PUT",
                &format!("/api/v1/conversations/{id}/mute"),
                &odette,
                Some(json!({"muted": true})),
            )
            .await;
        assert_eq!(muted.status, StatusCode::NO_CONTENT);
        t.api(
            "POST",
            &format!("/api/v1/conversations/{id}/messages"),
            &malik,
            Some(json!({"body": "J'apporte des sacs."})),
        )
        .await;
        assert_eq!(unread(&t, &odette).await, 0);
        let list = t
            .api("GET", "/api/v1/conversations", &odette, None)
            .await
            .json();
        assert_eq!(list["conversations"][0]["unread"], 1);
        assert_eq!(list["conversations"][0]["muted"], true);
    }
}

#[tokio::test]
async fn blocked_people_cannot_write_directly() {
    for t in TestApp::all().await {
        let w = team(&t).await;
        let ((rude_id, rude), (kind_id, _)) = (w.rude.clone(), w.kind.clone());
        let kind_web = t.web_login("kind@example.fr").await;
        let rude_web = t.web_login("rude@example.fr").await;
        let profile = t.get(&format!("/people/{rude_id}"), &kind_web).await;
        assert!(profile.body.contains("Écrire un message"));
        assert!(profile.body.contains(&format!("/people/{rude_id}/block")));
        let confirm = t.get(&format!("/people/{rude_id}/block"), &kind_web).await;
        assert_eq!(confirm.status, StatusCode::OK);
        assert!(confirm.body.contains("Bloquer Rémi ?"));
        let blocked = t
            .post_form(&format!("/people/{rude_id}/block"), &[], &kind_web)
            .await;
        assert_eq!(blocked.status, StatusCode::SEE_OTHER);
        assert_eq!(
            blocked.location(),
            format!("/people/{rude_id}?done=person-blocked")
        );
        // Blocked: refused, clearly, and no conversation is started.
        let refused = t
            .post_form(&format!("/people/{kind_id}/message"), &[], &rude_web)
            .await;
        assert_eq!(refused.status, StatusCode::CONFLICT);
        assert!(
            refused
                .body
                .contains("ne souhaite pas recevoir vos messages")
        );
        let refused = t
            .api(
                "POST",
                &format!("/api/v1/people/{kind_id}/conversation"),
                &rude,
                None,
            )
            .await;
        assert_eq!(refused.status, StatusCode::CONFLICT);
        assert_eq!(refused.json()["error"]["code"], "message-blocked");
        assert!(
            t.db.direct_between(rude_id, kind_id)
                .await
                .unwrap()
                .is_none()
        );

        // Unblocked, they talk; blocked again, the next message is refused.
        let unblocked = t
            .post_form(&format!("/people/{rude_id}/unblock"), &[], &kind_web)
            .await;
        assert_eq!(unblocked.status, StatusCode::SEE_OTHER);
        let opened = t
            .post_form(&format!("/people/{kind_id}/message"), &[], &rude_web)
            .await;
        assert_eq!(opened.status, StatusCode::SEE_OTHER);
        let direct = conversation_id(opened.location());
        let said = t
            .post_form(
                &format!("/conversations/{direct}/messages"),
                &[("body", "Salut")],
                &rude_web,
            )
            .await;
        assert_eq!(said.status, StatusCode::SEE_OTHER);
        let again = t
            .api(
                "PUT",
                &format!("/api/v1/people/{rude_id}/block"),
                &w.kind.1,
                None,
            )
            .await;
        assert_eq!(again.status, StatusCode::NO_CONTENT);
        let refused = t
            .post_form(
                &format!("/conversations/{direct}/messages"),
                &[("body", "Tu m'ignores ?")],
                &rude_web,
            )
            .await;
        assert_eq!(refused.status, StatusCode::CONFLICT);
        assert!(
            refused
                .body
                .contains("ne souhaite pas recevoir vos messages")
        );
        let page = t.get(&format!("/conversations/{direct}"), &rude_web).await;
        assert!(!page.body.contains("name=\"body\""), "no form to write");
        assert_eq!(
            messages(&t, &rude, direct).await["messages"]
                .as_array()
                .unwrap()
                .len(),
            1
        );
        // In the team, the blocked person's messages come folded.
        t.api(
            "POST",
            &format!("/api/v1/conversations/{}/messages", w.conversation),
            &rude,
            Some(json!({"body": "Réunion jeudi ?"})),
        )
        .await;
        let team_page = t
            .get(&format!("/conversations/{}", w.conversation), &kind_web)
            .await;
        assert!(
            team_page
                .body
                .contains("<summary>Message d&#39;une personne que vous avez bloquée"),
            "{}",
            team_page.body
        );
        assert_eq!(unread(&t, &w.kind.1).await, 0);
        assert_eq!(
            t.api(
                "PUT",
                &format!("/api/v1/people/{kind_id}/block"),
                &w.kind.1,
                None
            )
            .await
            .status,
            StatusCode::CONFLICT,
            "not oneself"
        );
    }
}
