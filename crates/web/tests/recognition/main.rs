//! Recognition on every backend: the contributions record counted from a
//! real exchange, thanks and visits; levels and badges; endorsements given
//! by the person helped only, once, and withdrawn; the profile pages in
//! French and English; hidden profiles leak nothing; the data download and
//! account erasure carry the new table.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../common/mod.rs"]
mod common;
mod pages;

use axum::http::StatusCode;
use common::exchanges::{HOME, NEAR, in_ten_days};
use common::{Reply, TestApp};
use serde_json::{Value, json};

pub fn exchange(kind: &str, title: &str) -> Value {
    json!({
        "kind": kind, "category": "small-jobs", "title": title,
        "description": "Une étagère à fixer au mur", "date": in_ten_days(),
        "from": "14:00", "to": "16:00", "skills": ["diy"]
    })
}

/// A person with a home and a profile of the given visibility; (id, token).
pub async fn person(t: &TestApp, email: &str, name: &str, visibility: &str) -> (i64, String) {
    let (id, token) = t.sign_up(email, name).await;
    let at = if email.starts_with('o') { HOME } else { NEAR };
    let placed = t
        .api(
            "PUT",
            "/api/v1/me/location",
            &token,
            Some(json!({"lat": at.0, "lng": at.1})),
        )
        .await;
    assert_eq!(placed.status, StatusCode::OK, "{}", placed.body);
    let profile = json!({
        "display_name": name, "bio": "", "visibility": visibility,
        "skills": ["diy", "music"], "interests": [], "languages": ["fr"],
        "free_tags": [], "availability": ["mon-afternoon"]
    });
    let saved = t
        .api("PUT", "/api/v1/me/profile", &token, Some(profile))
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    (id, token)
}

pub async fn post(t: &TestApp, token: &str, body: Value) -> i64 {
    let posted = t.api("POST", "/api/v1/exchanges", token, Some(body)).await;
    assert_eq!(posted.status, StatusCode::CREATED, "{}", posted.body);
    posted.json()["id"].as_i64().unwrap()
}

pub async fn step(t: &TestApp, token: &str, id: i64, step: &str, person: Option<i64>) {
    let reply = t
        .api(
            "POST",
            &format!("/api/v1/exchanges/{id}/steps"),
            token,
            Some(json!({"step": step, "person_id": person})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{step}: {}", reply.body);
}

pub async fn complete(t: &TestApp, token: &str, id: i64) {
    let done = t
        .api(
            "POST",
            &format!("/api/v1/exchanges/{id}/close"),
            token,
            Some(json!({"step": "complete"})),
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
}

pub async fn endorse(t: &TestApp, token: &str, id: i64, helper: i64, skill: &str) -> Reply {
    t.api(
        "POST",
        &format!("/api/v1/exchanges/{id}/endorsements"),
        token,
        Some(json!({"helper": helper, "skill": skill})),
    )
    .await
}

pub async fn recognition(t: &TestApp, token: &str, person: i64) -> Value {
    let reply = t
        .api(
            "GET",
            &format!("/api/v1/people/{person}/recognition"),
            token,
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.json()
}

pub fn badges(recognition: &Value) -> Vec<String> {
    recognition["badges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["badge"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_done_exchange_counts_and_only_the_person_helped_endorses_once() {
    for t in TestApp::all().await {
        let (odette, asker) = person(&t, "odette@example.fr", "Odette", "neighbours").await;
        let (karim, helper) = person(&t, "karim@example.fr", "Karim", "neighbours").await;
        let (lea, volunteer) = person(&t, "lea@example.fr", "Léa", "neighbours").await;

        let need = post(&t, &asker, exchange("need", "Fixer une étagère")).await;
        step(&t, &asker, need, "invite", Some(karim)).await;
        step(&t, &helper, need, "accept_invitation", None).await;
        step(&t, &volunteer, need, "respond", None).await;
        let early = endorse(&t, &asker, need, karim, "diy").await;
        assert_eq!(early.status, StatusCode::CONFLICT, "{}", early.body);
        assert_eq!(early.json()["error"]["code"], "endorse-not-done");
        complete(&t, &asker, need).await;
        let thanks = t
            .api(
                "POST",
                &format!("/api/v1/people/{karim}/thanks"),
                &asker,
                Some(json!({"message": "Merci !"})),
            )
            .await;
        assert_eq!(thanks.status, StatusCode::CREATED);

        let r = recognition(&t, &volunteer, karim).await;
        assert_eq!(
            r["record"],
            json!({"helped": 1, "thanked": 1, "organised": 0, "answered": 1, "visited": 0, "score": 5})
        );
        assert_eq!(r["level"], "neighbour");
        assert_eq!(
            r["next_level"],
            json!({"level": "helper", "points": 10, "helps": 4})
        );
        assert_eq!(badges(&r), ["first_answer", "first_help"]);
        let r = recognition(&t, &volunteer, odette).await;
        assert_eq!(r["record"]["organised"], 1, "she posted the need");
        assert_eq!(r["record"]["helped"], 0);
        let r = recognition(&t, &volunteer, lea).await;
        assert_eq!(r["record"]["answered"], 1, "came forward, not chosen");
        assert_eq!(r["record"]["helped"], 0);
        assert_eq!(r["level"], "newcomer");

        // Only the person helped endorses, only someone who helped, a skill
        // of the taxonomy, once.
        let stranger = endorse(&t, &volunteer, need, karim, "diy").await;
        assert_eq!(stranger.status, StatusCode::FORBIDDEN);
        let own = endorse(&t, &helper, need, karim, "diy").await;
        assert_eq!(own.status, StatusCode::FORBIDDEN, "the helper cannot");
        let not_helper = endorse(&t, &asker, need, lea, "diy").await;
        assert_eq!(not_helper.status, StatusCode::CONFLICT);
        assert_eq!(not_helper.json()["error"]["code"], "endorse-not-helper");
        let bad = endorse(&t, &asker, need, karim, "juggling").await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(bad.json()["error"]["code"], "invalid");
        assert_eq!(
            bad.json()["error"]["fields"]["skill"],
            "choix non valide",
            "in Odette's language"
        );
        let missing = endorse(&t, &asker, 999_999, karim, "diy").await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND);
        let given = endorse(&t, &asker, need, karim, "diy").await;
        assert_eq!(given.status, StatusCode::CREATED, "{}", given.body);
        assert_eq!(given.json()["skill"], "diy");
        let again = endorse(&t, &asker, need, karim, "diy").await;
        assert_eq!(again.status, StatusCode::CONFLICT);
        assert_eq!(again.json()["error"]["code"], "endorse-duplicate");
        assert_eq!(
            endorse(&t, &asker, need, karim, "cooking").await.status,
            StatusCode::CREATED
        );
        let r = recognition(&t, &volunteer, karim).await;
        assert_eq!(
            r["endorsements"],
            json!([{"skill": "cooking", "people": 1}, {"skill": "diy", "people": 1}])
        );

        let withdraw = |skill: &'static str, token: String| {
            let t = &t;
            async move {
                t.api(
                    "DELETE",
                    &format!("/api/v1/exchanges/{need}/endorsements/{karim}/{skill}"),
                    &token,
                    None,
                )
                .await
                .status
            }
        };
        assert_eq!(
            withdraw("cooking", volunteer.clone()).await,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            withdraw("cooking", asker.clone()).await,
            StatusCode::NO_CONTENT
        );
        assert_eq!(
            withdraw("cooking", asker.clone()).await,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            withdraw("juggling", asker.clone()).await,
            StatusCode::UNPROCESSABLE_ENTITY
        );

        // On an offer, the owner helps and the people helped endorse them;
        // the same person endorsing the same skill twice counts once.
        let offer = post(&t, &helper, exchange("offer", "Je monte vos meubles")).await;
        step(&t, &asker, offer, "respond", None).await;
        step(&t, &helper, offer, "choose", Some(odette)).await;
        complete(&t, &helper, offer).await;
        assert_eq!(
            endorse(&t, &helper, offer, karim, "diy").await.status,
            StatusCode::FORBIDDEN,
            "the owner of an offer is the helper"
        );
        let on_offer = endorse(&t, &asker, offer, karim, "diy").await;
        assert_eq!(on_offer.status, StatusCode::CREATED, "{}", on_offer.body);
        let r = recognition(&t, &volunteer, karim).await;
        assert_eq!(r["record"]["helped"], 2);
        assert_eq!(r["record"]["organised"], 1, "he posted the offer");
        assert_eq!(r["endorsements"], json!([{"skill": "diy", "people": 1}]));

        // The data download holds the endorsements; erasing either account
        // takes them away and leaves the other's record intact.
        let export = t.api("GET", "/api/v1/me/export", &asker, None).await.json();
        assert_eq!(export["endorsements_given"].as_array().unwrap().len(), 2);
        assert_eq!(export["endorsements_given"][0]["other_name"], "Karim");
        let export = t
            .api("GET", "/api/v1/me/export", &helper, None)
            .await
            .json();
        assert_eq!(export["endorsements_received"][0]["other_name"], "Odette");
        assert_eq!(export["recognition"]["record"]["helped"], 2);
        let asked = t.api("DELETE", "/api/v1/me", &helper, None).await;
        assert!(asked.status.is_success(), "{}", asked.body);
        t.db.purge_deleted_accounts(entraide_store::now() + 1)
            .await
            .unwrap();
        assert!(t.db.user(karim).await.is_err());
        let export = t.api("GET", "/api/v1/me/export", &asker, None).await.json();
        assert_eq!(export["endorsements_given"], json!([]));
        let r = recognition(&t, &volunteer, odette).await;
        assert_eq!(r["record"]["organised"], 1);
    }
}

#[tokio::test]
async fn visits_and_pairings_count_and_someone_acting_for_the_person_endorses() {
    use entraide_core::visits::{NewProgramme, Rhythm, VisitLog};
    for t in TestApp::all().await {
        let (coordinator_id, coordinator) =
            person(&t, "sonia@example.fr", "Sonia", "organisations").await;
        let (visitor, visitor_token) = person(&t, "karim@example.fr", "Karim", "neighbours").await;
        let (elder, _) = person(&t, "odette@example.fr", "Odette", "organisations").await;
        let org =
            t.db.create_organisation("Voisin-Âge", "association", "", coordinator_id)
                .await
                .unwrap();
        t.db.set_membership(org, elder, "member").await.unwrap();
        let charter = "Je rends visite chaque semaine et je préviens si j'ai un empêchement.";
        let programme = NewProgramme::parse("Visites", charter, "3").unwrap();
        let p =
            t.db.create_programme(org, &programme, coordinator_id)
                .await
                .unwrap();
        t.db.join_programme(p, visitor).await.unwrap();
        t.db.vet_visitor(p, visitor, coordinator_id).await.unwrap();
        t.db.add_visited(p, elder, coordinator_id).await.unwrap();
        let today = time::OffsetDateTime::now_utc().date();
        let rhythm = Rhythm::parse(&["tue-afternoon".to_owned()], "1").unwrap();
        let pairing =
            t.db.create_pairing(p, visitor, elder, rhythm, today, coordinator_id)
                .await
                .unwrap();
        for _ in 0..2 {
            let visit = VisitLog::parse(&today.to_string(), "60", "", today).unwrap();
            t.db.log_visit(pairing, visitor, &visit).await.unwrap();
        }
        let r = recognition(&t, &coordinator, visitor).await;
        assert_eq!(r["record"]["visited"], 2);
        assert_eq!(r["record"]["score"], 6);
        assert!(badges(&r).contains(&"first_visit".to_owned()));
        assert_eq!(
            recognition(&t, &coordinator, coordinator_id).await["record"]["organised"],
            1
        );

        // A social worker posts a need for a person the association
        // registered, and endorses the helper for them; the act is logged
        // for that person.
        let handout = t
            .api(
                "POST",
                &format!("/api/v1/orgs/{org}/people"),
                &coordinator,
                Some(json!({"display_name": "Mohamed", "birth_year": "1953", "language": "fr"})),
            )
            .await;
        assert_eq!(handout.status, StatusCode::CREATED, "{}", handout.body);
        let mohamed = handout.json()["user_id"].as_i64().unwrap();
        let mut body = exchange("need", "Remplir le dossier de la CAF");
        body["for_person"] = json!(mohamed);
        body["lat"] = json!(HOME.0);
        body["lng"] = json!(HOME.1);
        let need = post(&t, &coordinator, body).await;
        step(&t, &coordinator, need, "invite", Some(visitor)).await;
        step(&t, &visitor_token, need, "accept_invitation", None).await;
        complete(&t, &coordinator, need).await;
        let given = endorse(&t, &coordinator, need, visitor, "paperwork").await;
        assert_eq!(given.status, StatusCode::CREATED, "{}", given.body);
        let log =
            t.db.audit_about(mohamed, entraide_store::Page::new(1, 20))
                .await
                .unwrap();
        assert!(
            log.rows.iter().any(|e| e.event == "endorsement-given-for"),
            "{:?}",
            log.rows
        );
        let r = recognition(&t, &coordinator, visitor).await;
        assert_eq!(
            r["endorsements"],
            json!([{"skill": "paperwork", "people": 1}])
        );
        assert_eq!(
            recognition(&t, &coordinator, coordinator_id).await["record"]["organised"],
            2,
            "the need she posted for him counts for her"
        );

        // A helper later marked absent did not help: the endorsement stops
        // counting with the help.
        step(&t, &coordinator, need, "mark_no_show", Some(visitor)).await;
        let r = recognition(&t, &coordinator, visitor).await;
        assert_eq!(r["endorsements"], json!([]));
        assert_eq!(r["record"]["helped"], 0);
    }
}
