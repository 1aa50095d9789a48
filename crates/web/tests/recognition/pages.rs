//! The pages: a done exchange's endorsement form for the person helped,
//! the profile's recognition in French and English, and nothing shown of
//! a hidden profile.

use axum::http::StatusCode;
use serde_json::json;

use crate::common::TestApp;
use crate::{complete, exchange, person, post, recognition, step};

/// The options of the exchange page's suggested skills, or "".
fn suggested(page: &str) -> &str {
    page.split("Proposés pour cet échange")
        .nth(1)
        .and_then(|rest| rest.split("</optgroup>").next())
        .unwrap_or_default()
}

#[tokio::test]
async fn the_pages_show_recognition_in_both_languages_and_hidden_profiles_leak_nothing() {
    for t in TestApp::all().await {
        let (_, asker) = person(&t, "odette@example.fr", "Odette", "neighbours").await;
        let (karim, helper) = person(&t, "karim@example.fr", "Karim", "neighbours").await;
        let (_, volunteer) = person(&t, "lea@example.fr", "Léa", "neighbours").await;
        let need = post(&t, &asker, exchange("need", "Fixer une étagère")).await;
        step(&t, &asker, need, "invite", Some(karim)).await;
        step(&t, &helper, need, "accept_invitation", None).await;
        let odette_web = t.web_login("odette@example.fr").await;
        let page = t.get(&format!("/exchanges/{need}"), &odette_web).await;
        assert!(
            !page.body.contains("endorse-title"),
            "not before it is done"
        );
        complete(&t, &asker, need).await;

        // The exchange's page: a form per helper, labelled, without script.
        let page = t.get(&format!("/exchanges/{need}"), &odette_web).await;
        assert!(
            page.body.contains("Reconnaître un savoir-faire"),
            "{}",
            page.body
        );
        assert!(page.body.contains("<label for=\"f-skill-"));
        assert!(page.body.contains("Proposés pour cet échange"));
        let path = format!("/exchanges/{need}/endorsements");
        let id = karim.to_string();
        let sent = t
            .post_form(&path, &[("helper", &id), ("skill", "diy")], &odette_web)
            .await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
        let twice = t
            .post_form(&path, &[("helper", &id), ("skill", "diy")], &odette_web)
            .await;
        assert_eq!(twice.status, StatusCode::CONFLICT);
        assert!(
            twice
                .body
                .contains("Vous avez déjà reconnu ce savoir-faire")
        );
        let bad = t
            .post_form(
                &path,
                &[("helper", &id), ("skill", "juggling")],
                &odette_web,
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("href=\"#f-skill\""), "{}", bad.body);
        assert!(
            bad.body.contains("id=\"f-skill\""),
            "the summary's link lands"
        );
        let lea_web = t.web_login("lea@example.fr").await;
        let theirs = t.get(&format!("/exchanges/{need}"), &lea_web).await;
        assert!(!theirs.body.contains("Reconnaître un savoir-faire"));
        let refused = t
            .post_form(&path, &[("helper", &id), ("skill", "music")], &lea_web)
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        let page = t.get(&format!("/exchanges/{need}"), &odette_web).await;
        assert!(page.body.contains("endorsements/withdraw"));
        assert!(
            suggested(&page.body).contains("Musique"),
            "his visible profile's skills come first"
        );
        assert!(
            !suggested(&page.body).contains("Bricolage"),
            "an endorsed skill is not offered again"
        );
        let withdrawn = t
            .post_form(
                &format!("{path}/withdraw"),
                &[("helper", &id), ("skill", "diy")],
                &odette_web,
            )
            .await;
        assert_eq!(withdrawn.status, StatusCode::SEE_OTHER);
        t.post_form(&path, &[("helper", &id), ("skill", "diy")], &odette_web)
            .await;

        // Karim's profile, in French then in English.
        let profile = t.get(&format!("/people/{karim}"), &odette_web).await;
        for text in [
            "Parcours d&#39;entraide",
            "Niveau : Bon voisinage",
            "Encore 4 coups de main pour atteindre le niveau « Main tendue ».",
            "Bricolage et petits travaux · reconnu par une personne",
            "Premier coup de main",
            "Coups de main donnés",
        ] {
            assert!(profile.body.contains(text), "{text}: {}", profile.body);
        }
        let karim_web = t.web_login("karim@example.fr").await;
        t.get("/lang/en", &karim_web).await;
        let me = t.get("/me", &karim_web).await;
        for text in [
            "Level: Good neighbour",
            "4 more helps to reach Helper.",
            "DIY and small jobs · endorsed by one person",
            "First help",
            "Next badges",
        ] {
            assert!(me.body.contains(text), "{text}: {}", me.body);
        }

        // Hidden: neither the page, the API nor the exchange's form show it
        // to someone who may not see him.
        let hidden = json!({
            "display_name": "Karim", "bio": "", "visibility": "hidden",
            "skills": ["music"], "interests": [], "languages": [], "free_tags": [], "availability": []
        });
        t.api("PUT", "/api/v1/me/profile", &helper, Some(hidden))
            .await;
        let api = t
            .api(
                "GET",
                &format!("/api/v1/people/{karim}/recognition"),
                &volunteer,
                None,
            )
            .await;
        assert_eq!(api.status, StatusCode::NOT_FOUND);
        assert!(!api.body.contains("helped"));
        let page = t.get(&format!("/people/{karim}"), &lea_web).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND);
        assert!(!page.body.contains("Bon voisinage"));
        let form = t.get(&format!("/exchanges/{need}"), &odette_web).await;
        assert!(
            !suggested(&form.body).contains("Musique"),
            "his hidden profile's skills are not suggested: {}",
            form.body
        );
        assert_eq!(
            recognition(&t, &helper, karim).await["level"],
            "neighbour",
            "he still sees his own"
        );
    }
}
