//! The world every route is tried in: one organisation with one person per
//! role, three owners (Olive, Karim and Momo, plain members), and one
//! resource of each kind the routes take in their path.

use common::TestApp;
use common::exchanges::{HOME, NEAR, need, step};
use entraide_store::notifications::NewNotification;
use serde_json::{Value, json};

use crate::cast::{neighbour, ok, photo, registered, send_json, sign_up};
use crate::routes::{self, Roles};
use crate::{belongings, common};

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
    value["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("no id in {value}"))
}

pub async fn build(t: &TestApp) -> World {
    // Everyone lives near Olive, so that her board post is in their
    // neighbourhood: the board shows posts by distance, not by role.
    let mut people = Vec::new();
    for (role, name) in [
        (routes::ADMIN, "admin"),
        (routes::MEMBER, "member"),
        (routes::VOLUNTEER, "volunteer"),
        (routes::COORDINATOR, "coordinator"),
        (routes::SOCIAL_WORKER, "social_worker"),
        (routes::OUTSIDER, "outsider"),
        (routes::PLATFORM, "platform"),
        (routes::ELSEWHERE, "elsewhere"),
    ] {
        let email = format!("{name}@example.fr");
        let (id, token) = neighbour(t, &email, name, NEAR).await;
        people.push((role, id, token, email));
    }
    let person = |role: Roles| people.iter().find(|p| p.0 == role).unwrap().clone();
    let (admin_id, admin) = (person(routes::ADMIN).1, person(routes::ADMIN).2);
    let org =
        t.db.create_organisation("Les Voisins", "association", "", admin_id);
    let org = org.await.unwrap();
    let elsewhere = person(routes::ELSEWHERE).1;
    let other_org =
        t.db.create_organisation("Les Autres", "social_service", "", elsewhere);
    let other_org = other_org.await.unwrap();
    for (role, id, _, email) in &people {
        let name = email.trim_end_matches("@example.fr");
        if [
            routes::MEMBER,
            routes::VOLUNTEER,
            routes::COORDINATOR,
            routes::SOCIAL_WORKER,
        ]
        .contains(role)
        {
            t.db.set_membership(org, *id, name).await.unwrap();
        }
    }
    t.db.set_platform_admin(person(routes::PLATFORM).1, true)
        .await
        .unwrap();
    let coordinator = person(routes::COORDINATOR).2;
    let worker = person(routes::SOCIAL_WORKER).2;
    let volunteer = person(routes::VOLUNTEER).2;
    people.push((routes::ANONYMOUS, 0, String::new(), String::new()));

    let olive = neighbour(t, "olive@example.fr", "Olive", HOME).await;
    let karim = neighbour(t, "karim@example.fr", "Karim", NEAR).await;
    photo(t, &olive.1).await;
    let mut targets = Vec::new();
    // The author of the reported team message is a volunteer of their own,
    // so that suspending them leaves the volunteer of the world alone.
    for (who, role) in [
        ("target1", "member"),
        ("target2", "member"),
        ("author", "volunteer"),
    ] {
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
    let bank = json!({"floor_hours": "10", "ceiling_hours": "100", "confirm_days": "7"});
    send_json(
        t,
        &admin,
        "PUT",
        &format!("/api/v1/orgs/{org}/timebank"),
        bank,
    )
    .await;
    let done_need = id(&send_json(t, &olive.1, "POST", "/api/v1/exchanges", need("Étagère")).await);
    ok(
        step(t, &karim.1, done_need, "respond", None).await,
        "respond",
    )
    .await;
    ok(
        step(t, &olive.1, done_need, "choose", Some(karim.0)).await,
        "choose",
    )
    .await;
    let close = format!("/api/v1/exchanges/{done_need}/close");
    send_json(t, &olive.1, "POST", &close, json!({"step": "complete"})).await;
    // Two skills endorsed: the page withdraws one, the API the other.
    for skill in ["diy", "moving"] {
        let path = format!("/api/v1/exchanges/{done_need}/endorsements");
        let body = json!({"helper": karim.0, "skill": skill});
        send_json(t, &olive.1, "POST", &path, body).await;
    }
    let claims = format!("/api/v1/exchanges/{done_need}/claims");
    let claim = id(&ok(t.api("GET", &claims, &olive.1, None).await, "claims").await[0]);
    let open_need = id(&send_json(t, &olive.1, "POST", "/api/v1/exchanges", need("Courses")).await);
    let gift =
        json!({"recipient": olive.0, "hours": "1", "minutes": "0", "why": "Merci", "key": "gift"});
    let transfers = format!("/api/v1/orgs/{org}/timebank/transfers");
    let transfer = id(&send_json(t, &karim.1, "POST", &transfers, gift).await);

    // The board.
    let mut posts = Vec::new();
    for title in ["Chat trouvé", "Vélo trouvé", "Clés trouvées"] {
        let body = json!({"kind": "lost-found", "title": title, "body": "Il attend au 12.", "radius_m": 1000});
        let made = send_json(t, &olive.1, "POST", "/api/v1/neighbourhood/posts", body).await;
        posts.push(id(&made["post"]));
    }

    // Olive and Karim talk; a volunteer's message in the team is reported.
    let talk = format!("/api/v1/people/{}/conversation", karim.0);
    let conversation = id(&ok(t.api("POST", &talk, &olive.1, None).await, "talk").await);
    let path = format!("/api/v1/conversations/{conversation}/messages");
    let karims_message =
        id(&send_json(t, &karim.1, "POST", &path, json!({"body": "Bonjour Olive"})).await);
    let team =
        t.db.open_group(entraide_store::conversations::Group::Team(org));
    let team = team.await.unwrap();
    let body = entraide_core::conversation::MessageBody::parse("Bonjour l'équipe").unwrap();
    let posted = t.db.post_message(team, targets[2], &body).await.unwrap();
    let team_message = posted.unwrap().message_id;
    let report = format!("/api/v1/messages/{team_message}/report");
    send_json(t, &volunteer, "POST", &report, json!({"reason": "spam"})).await;

    // Visits: Karim, vetted, visits Momo (kept), Nour and a member (each
    // pairing ended by one route); two applicants wait to be vetted.
    let charter = "Je viens chaque semaine et je préviens la coordination en cas d'empêchement.";
    let programmes = format!("/api/v1/orgs/{org}/programmes");
    let body = json!({"name": "Visites", "charter": charter});
    let programme = id(&send_json(t, &coordinator, "POST", &programmes, body).await);
    let join = format!("/api/v1/programmes/{programme}/join");
    for token in [&karim.1, &applicants[0].1, &applicants[1].1] {
        send_json(t, token, "POST", &join, json!({"charter_accepted": true})).await;
    }
    let vet = format!("/api/v1/programmes/{programme}/visitors/{}/vet", karim.0);
    ok(t.api("POST", &vet, &coordinator, None).await, "vet").await;
    let mut pairings = Vec::new();
    for visited in [momo.0, nour.0, targets[0]] {
        let path = format!("/api/v1/programmes/{programme}/visited");
        send_json(
            t,
            &coordinator,
            "POST",
            &path,
            json!({"person_id": visited}),
        )
        .await;
        let pair =
            json!({"visitor_id": karim.0, "visited_id": visited, "slots": ["tue-afternoon"]});
        let path = format!("/api/v1/programmes/{programme}/pairings");
        pairings.push(id(&send_json(t, &coordinator, "POST", &path, pair).await));
    }

    // Olive's notification and spare tokens; invitations; dead jobs.
    let notified = NewNotification {
        kind: "message",
        actor_id: Some(karim.0),
        subject: "Bonjour",
        link: "/conversations",
        dedup: None,
        collapse: false,
    };
    t.db.notify(&[olive.0], &notified).await.unwrap();
    let listed = t
        .api("GET", "/api/v1/me/notifications", &olive.1, None)
        .await;
    let listed = ok(listed, "notifications").await;
    let notification = listed["items"]
        .as_array()
        .or(listed.as_array())
        .map(|l| id(&l[0]))
        .unwrap_or_else(|| panic!("no notification in {listed}"));
    let spare = |name, digest| t.db.create_api_token(olive.0, name, digest);
    let tokens = (
        spare("spare one", "digest-one").await.unwrap(),
        spare("spare two", "digest-two").await.unwrap(),
    );
    let invitations = format!("/api/v1/orgs/{org}/invitations");
    let invited = send_json(t, &admin, "POST", &invitations, json!({"role": "member"})).await;
    let link = invited["link"].as_str().unwrap();
    let invitation_token = link.rsplit('/').next().unwrap().to_owned();
    let invitation =
        t.db.create_invitation(org, "digest-revoked", "member", admin_id);
    let invitation = invitation.await.unwrap();
    let mut dead_jobs = Vec::new();
    for _ in 0..3 {
        dead_jobs.push(dead_job(t).await);
    }

    let mut world = World {
        org,
        other_org,
        people,
        olive,
        karim,
        momo,
        nour,
        momo_login,
        applicants: applicants.try_into().unwrap(),
        targets: (targets[0], targets[1]),
        open_need,
        done_need,
        claim,
        posts: three(posts),
        conversation,
        karims_message,
        team_message,
        programme,
        notification,
        pairings: three(pairings),
        tokens,
        invitation,
        invitation_token,
        transfer,
        dead_jobs: three(dead_jobs),
        documents: [0; 3],
        folder: 0,
        notes: [0; 3],
        links: [0; 3],
        shares: [0; 3],
        free_number: 0,
        voice_messages: [0; 3],
    };
    belongings::safe(t, &mut world).await;
    belongings::telephony(t, &mut world).await;
    world
}

fn three(ids: Vec<i64>) -> [i64; 3] {
    ids.try_into().unwrap()
}

/// A job that gave up, for the retry routes.
async fn dead_job(t: &TestApp) -> i64 {
    let far = entraide_store::now() + 365 * 86_400;
    let job =
        t.db.claim_jobs(far, 60, 1)
            .await
            .unwrap()
            .pop()
            .expect("a queued job");
    t.db.fail_job(&job, "given up for the test", true, entraide_store::now())
        .await
        .unwrap();
    job.id
}
