//! The world every route is tried in: one organisation with one person per
//! role, three owners (Olive, Karim and Momo, plain members), and one
//! resource of each kind the routes take in their path.

use common::exchanges::{HOME, NEAR, need, step};
use common::{TestApp, upload};
use entraide_store::notifications::NewNotification;
use entraide_store::voicemail::NewMessage;
use serde_json::{Value, json};

use crate::cast::{neighbour, ok, photo, registered, sign_up};
use crate::common;
use crate::routes::{self, Roles};

pub struct World {
    pub org: i64,
    /// Another organisation, whose administrator is the `elsewhere` role.
    pub other_org: i64,
    /// (role, user id, bearer token, e-mail) of each role of the world; the
    /// anonymous role has an empty token.
    pub people: Vec<(Roles, i64, String, String)>,
    /// Olive: author of the open and the done need, the board post, the
    /// conversation with Karim, the notification and the spare tokens.
    pub olive: (i64, String),
    /// Karim: helped Olive (the claim is his time), visits Momo (the pairing).
    pub karim: (i64, String),
    /// Momo: registered by the social worker, with a login and PIN; the
    /// safe, its documents, notes, links and share, and the voice box are his.
    pub momo: (i64, String),
    /// Nour, registered too: her voice box is the one the API closes.
    pub nour: (i64, String),
    /// Applicants to the programme: vetted and leaving (page, API).
    pub applicants: [(i64, String); 2],
    /// Members whose role is changed or who are removed (page, API).
    pub targets: (i64, i64),
    pub open_need: i64,
    pub done_need: i64,
    pub claim: i64,
    /// Kept resources come in threes: [kept for every route, deleted by
    /// the page, deleted by the API] (see `params::copy`).
    pub posts: [i64; 3],
    pub conversation: i64,
    pub karims_message: i64,
    pub team_message: i64,
    pub programme: i64,
    pub pairings: [i64; 3],
    pub notification: i64,
    pub tokens: (i64, i64),
    pub invitation: i64,
    pub invitation_token: String,
    pub transfer: i64,
    pub dead_jobs: [i64; 3],
    pub documents: [i64; 3],
    pub folder: i64,
    pub notes: [i64; 3],
    pub links: [i64; 3],
    /// Momo's shares: with the organisation (kept), with the coordinator
    /// and the administrator.
    pub shares: [i64; 3],
    pub free_number: i64,
    pub voice_messages: [i64; 3],
    pub momo_login: (String, String),
}

pub fn id(value: &Value) -> i64 {
    value["id"].as_i64().unwrap_or_else(|| panic!("no id in {value}"))
}

pub async fn build(t: &TestApp) -> World {
    // Everyone lives near Olive, so that her board post is in their
    // neighbourhood: the board shows posts by distance, not by role.
    let (admin_id, admin) = neighbour(t, "admin@example.fr", "Admin", NEAR).await;
    let org =
        t.db.create_organisation("Les Voisins", "association", "", admin_id)
            .await
            .unwrap();
    let mut people = vec![(routes::ADMIN, admin_id, admin.clone(), "admin@example.fr".to_owned())];
    for (role, name) in [
        (routes::MEMBER, "member"),
        (routes::VOLUNTEER, "volunteer"),
        (routes::COORDINATOR, "coordinator"),
        (routes::SOCIAL_WORKER, "social_worker"),
    ] {
        let email = format!("{name}@example.fr");
        let (id, token) = neighbour(t, &email, name, NEAR).await;
        t.db.set_membership(org, id, name).await.unwrap();
        people.push((role, id, token, email));
    }
    let token_of = |people: &[(Roles, i64, String, String)], role: Roles| {
        people.iter().find(|p| p.0 == role).unwrap().2.clone()
    };
    let (coordinator, worker, volunteer) = (
        token_of(&people, routes::COORDINATOR),
        token_of(&people, routes::SOCIAL_WORKER),
        token_of(&people, routes::VOLUNTEER),
    );
    let (outsider_id, outsider) = neighbour(t, "outsider@example.fr", "Outsider", NEAR).await;
    people.push((routes::OUTSIDER, outsider_id, outsider, "outsider@example.fr".to_owned()));
    let (platform_id, platform) = neighbour(t, "platform@example.fr", "Platform", NEAR).await;
    t.db.set_platform_admin(platform_id, true).await.unwrap();
    people.push((routes::PLATFORM, platform_id, platform, "platform@example.fr".to_owned()));
    let (elsewhere_id, elsewhere) = neighbour(t, "elsewhere@example.fr", "Elsewhere", NEAR).await;
    let other_org =
        t.db.create_organisation("Les Autres", "social_service", "", elsewhere_id)
            .await
            .unwrap();
    people.push((routes::ELSEWHERE, elsewhere_id, elsewhere, "elsewhere@example.fr".to_owned()));
    people.push((routes::ANONYMOUS, 0, String::new(), String::new()));

    let olive = neighbour(t, "olive@example.fr", "Olive", HOME).await;
    let karim = neighbour(t, "karim@example.fr", "Karim", NEAR).await;
    photo(t, &olive.1).await;
    let mut targets = Vec::new();
    // The author of the reported team message is a volunteer of their own,
    // so that suspending them leaves the volunteer of the world alone.
    for (who, role) in [("target1", "member"), ("target2", "member"), ("author", "volunteer")] {
        let (id, _) = sign_up(t, &format!("{who}@example.fr"), who).await;
        t.db.set_membership(org, id, role).await.unwrap();
        targets.push(id);
    }
    for id in [olive.0, karim.0] {
        t.db.set_membership(org, id, "member").await.unwrap();
    }
    let (momo, momo_login) = registered(t, org, &worker, "Momo").await;
    let (nour, _) = registered(t, org, &worker, "Nour").await;
    // Two people who applied to visit, not yet vetted.
    let mut applicants = Vec::new();
    for who in ["applicant1", "applicant2"] {
        applicants.push(sign_up(t, &format!("{who}@example.fr"), who).await);
    }

    // The time bank, and Olive's done need whose claim is Karim's time.
    ok(t.api("PUT", &format!("/api/v1/orgs/{org}/timebank"), &admin,
        Some(json!({"floor_hours": "10", "ceiling_hours": "100", "confirm_days": "7"}))).await,
        "open the bank").await;
    let done_need = id(&ok(t.api("POST", "/api/v1/exchanges", &olive.1, Some(need("Étagère"))).await, "need").await);
    ok(step(t, &karim.1, done_need, "respond", None).await, "respond").await;
    ok(step(t, &olive.1, done_need, "choose", Some(karim.0)).await, "choose").await;
    ok(t.api("POST", &format!("/api/v1/exchanges/{done_need}/close"), &olive.1,
        Some(json!({"step": "complete"}))).await, "complete").await;
    // Two skills endorsed: the page withdraws one, the API the other.
    for skill in ["diy", "moving"] {
        ok(t.api("POST", &format!("/api/v1/exchanges/{done_need}/endorsements"), &olive.1,
            Some(json!({"helper": karim.0, "skill": skill}))).await, "endorse").await;
    }
    let claims = ok(t.api("GET", &format!("/api/v1/exchanges/{done_need}/claims"), &olive.1, None).await, "claims").await;
    let claim = id(&claims[0]);
    let open_need = id(&ok(t.api("POST", "/api/v1/exchanges", &olive.1, Some(need("Courses"))).await, "need").await);
    let transfer = id(&ok(t.api("POST", &format!("/api/v1/orgs/{org}/timebank/transfers"), &karim.1,
        Some(json!({"recipient": olive.0, "hours": "1", "minutes": "0", "why": "Merci", "key": "gift"}))).await,
        "gift").await);

    // The board.
    let mut posts = Vec::new();
    for title in ["Chat trouvé", "Vélo trouvé", "Clés trouvées"] {
        let body = json!({"kind": "lost-found", "title": title, "body": "Il attend au 12.", "radius_m": 1000});
        posts.push(id(&ok(t.api("POST", "/api/v1/neighbourhood/posts", &olive.1, Some(body)).await, "post").await["post"]));
    }

    // Olive and Karim talk; a volunteer's message in the team is reported.
    let conversation = id(&ok(t.api("POST", &format!("/api/v1/people/{}/conversation", karim.0), &olive.1, None).await, "talk").await);
    let path = format!("/api/v1/conversations/{conversation}/messages");
    let karims_message = id(&ok(t.api("POST", &path, &karim.1, Some(json!({"body": "Bonjour Olive"}))).await, "message").await);
    let team = t.db.open_group(entraide_store::conversations::Group::Team(org)).await.unwrap();
    let body = entraide_core::conversation::MessageBody::parse("Bonjour l'équipe").unwrap();
    let team_message = t.db.post_message(team, targets[2], &body).await.unwrap().unwrap().message_id;
    ok(t.api("POST", &format!("/api/v1/messages/{team_message}/report"), &volunteer,
        Some(json!({"reason": "spam"}))).await, "report").await;

    // Visits: Karim, vetted, visits Momo.
    let charter = "Je viens chaque semaine et je préviens la coordination en cas d'empêchement.";
    let programme = id(&ok(t.api("POST", &format!("/api/v1/orgs/{org}/programmes"), &coordinator,
        Some(json!({"name": "Visites", "charter": charter}))).await, "programme").await);
    ok(t.api("POST", &format!("/api/v1/programmes/{programme}/join"), &karim.1,
        Some(json!({"charter_accepted": true}))).await, "join").await;
    ok(t.api("POST", &format!("/api/v1/programmes/{programme}/visitors/{}/vet", karim.0), &coordinator, None).await, "vet").await;
    for (_, token) in &applicants {
        ok(t.api("POST", &format!("/api/v1/programmes/{programme}/join"), token,
            Some(json!({"charter_accepted": true}))).await, "apply").await;
    }
    // Karim visits Momo (kept), Nour and a member (each ended by one route).
    let mut pairings = Vec::new();
    for visited in [momo.0, nour.0, targets[0]] {
        ok(t.api("POST", &format!("/api/v1/programmes/{programme}/visited"), &coordinator,
            Some(json!({"person_id": visited}))).await, "visited").await;
        let pair = json!({"visitor_id": karim.0, "visited_id": visited, "slots": ["tue-afternoon"]});
        let path = format!("/api/v1/programmes/{programme}/pairings");
        pairings.push(id(&ok(t.api("POST", &path, &coordinator, Some(pair)).await, "pair").await));
    }

    // Olive's notification and spare tokens; an invitation; a dead job.
    let notified = NewNotification { kind: "message", actor_id: Some(karim.0), subject: "Bonjour",
        link: "/conversations", dedup: None, collapse: false };
    t.db.notify(&[olive.0], &notified).await.unwrap();
    let listed = ok(t.api("GET", "/api/v1/me/notifications", &olive.1, None).await, "notifications").await;
    let notification = listed["items"].as_array().or(listed.as_array()).map(|l| id(&l[0]))
        .unwrap_or_else(|| panic!("no notification in {listed}"));
    let tokens = (
        t.db.create_api_token(olive.0, "spare one", "digest-one").await.unwrap(),
        t.db.create_api_token(olive.0, "spare two", "digest-two").await.unwrap(),
    );
    let invited = ok(t.api("POST", &format!("/api/v1/orgs/{org}/invitations"), &admin,
        Some(json!({"role": "member"}))).await, "invite").await;
    let invitation_token = invited["link"].as_str().unwrap().rsplit('/').next().unwrap().to_owned();
    let invitation = t.db.create_invitation(org, "digest-revoked", "member", admin_id).await.unwrap();
    let mut dead_jobs = Vec::new();
    for _ in 0..3 {
        dead_jobs.push(dead_job(t).await);
    }

    // Momo's safe.
    let mut documents = Vec::new();
    for title in ["Carte", "Bail", "Avis"] {
        let fields = [("title", title), ("doc_type", "identity"), ("expires_on", "2031-05-01")];
        let added = upload::send(t, &format!("/api/v1/safe/{}/documents", momo.0), &worker, "", &fields,
            "carte.pdf", &upload::pdf(title)).await;
        documents.push(id(&ok(added, "upload").await));
    }
    let folder = id(&ok(t.api("POST", &format!("/api/v1/safe/{}/folders", momo.0), &momo.1,
        Some(json!({"name": "Papiers"}))).await, "folder").await);
    let mut notes = Vec::new();
    for text in ["Rendez-vous CAF", "Dossier APL", "Mutuelle"] {
        notes.push(id(&ok(t.api("POST", &format!("/api/v1/safe/{}/notes", momo.0), &worker,
            Some(json!({"kind": "note", "text": text}))).await, "note").await));
    }
    let links_path = format!("/api/v1/documents/{}/links", documents[0]);
    for _ in 0..3 {
        let made = t.api("POST", &links_path, &momo.1, Some(json!({"days": "3", "code": "4321"}))).await;
        ok(made, "link").await;
    }
    let links = ok(t.api("GET", &links_path, &momo.1, None).await, "links").await;
    let links = links.as_array().unwrap().iter().map(id).collect();
    let mut shares = vec![id(&ok(t.api("GET", "/api/v1/me/safe/shares", &momo.1, None).await, "shares").await[0])];
    // Personal shares with two of the staff, each revoked by one route.
    let staff = |role: Roles| people.iter().find(|p| p.0 == role).unwrap().1;
    for person in [staff(routes::COORDINATOR), staff(routes::ADMIN)] {
        let shared = t.api("POST", "/api/v1/me/safe/shares", &momo.1, Some(json!({"person": person}))).await;
        shares.push(id(&ok(shared, "share").await));
    }

    // Telephony: settings, a pool of numbers, Momo's box and messages.
    ok(t.api("PUT", &format!("/api/v1/orgs/{org}/telephony"), &admin, Some(json!({
        "api_url": "http://127.0.0.1:9", "account_sid": "AC0", "auth_token": "secret",
        "access_number": "01 84 60 00 00", "shared_number": "+33184600001", "quarantine_days": "30"}))).await,
        "telephony").await;
    ok(t.api("POST", &format!("/api/v1/orgs/{org}/telephony/numbers"), &admin,
        Some(json!({"numbers": "+33184601234\n+33184601235\n+33184601236"}))).await, "numbers").await;
    for person in [momo.0, nour.0] {
        ok(t.api("POST", &format!("/api/v1/people/{person}/voicebox"), &worker,
            Some(json!({"personal": true}))).await, "voicebox").await;
    }
    let numbers = ok(t.api("GET", &format!("/api/v1/orgs/{org}/telephony/numbers"), &admin, None).await, "list").await;
    let free_number = numbers.as_array().unwrap().iter().rev()
        .find(|n| n["holder_id"].is_null())
        .map(id)
        .unwrap_or_else(|| panic!("no free number in {numbers}"));
    let voice_box = t.db.voice_box_of(momo.0).await.unwrap().unwrap().id;
    let mut voice = Vec::new();
    for sid in ["RE1", "RE2", "RE3"] {
        let new = NewMessage { box_id: voice_box, owner: momo.0, call_sid: sid, recording_sid: sid,
            recording_url: "http://127.0.0.1:9/r", caller: "+33600000000", seconds: 12 };
        let message = t.db.add_voice_message(&new).await.unwrap().unwrap();
        // Sealed as the fetch job would, so the message is listed and played.
        let key = entraide_web::services::safe_keys::data_key(&t.state, momo.0).await.unwrap();
        let object = format!("owners/{}/voice/authz-{sid}", momo.0);
        let audio: &[u8] = b"ID3 not quite a recording";
        t.state.safe().await.unwrap().vault.put(&key, &object, audio).await.unwrap();
        t.db.keep_voice_audio(message, &object, "audio/mpeg", 25).await.unwrap();
        voice.push(message);
    }

    World {
        org, other_org, people, olive, karim, momo, nour, momo_login,
        applicants: applicants.try_into().unwrap(),
        targets: (targets[0], targets[1]),
        open_need, done_need, claim,
        posts: three(posts),
        conversation, karims_message, team_message, programme, notification,
        pairings: three(pairings), tokens,
        invitation, invitation_token, transfer,
        dead_jobs: three(dead_jobs),
        documents: three(documents),
        folder,
        notes: three(notes),
        links: three(links),
        shares: three(shares),
        free_number,
        voice_messages: three(voice),

    }
}

fn three(ids: Vec<i64>) -> [i64; 3] {
    ids.try_into().unwrap()
}

/// A job that gave up, for the retry routes.
async fn dead_job(t: &TestApp) -> i64 {
    let far = entraide_store::now() + 365 * 86_400;
    let job = t.db.claim_jobs(far, 60, 1).await.unwrap().pop().expect("a queued job");
    t.db.fail_job(&job, "given up for the test", true, entraide_store::now()).await.unwrap();
    job.id
}

