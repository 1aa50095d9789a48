//! Organisations: the role × route authorisation matrix (moderation
//! included), invitations, roles, registering people with a PIN, and CSV
//! import / export.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::TestApp;
use serde_json::json;

struct World {
    org: i64,
    target: i64,
    /// (role name, token); "outsider" belongs to no organisation.
    people: Vec<(&'static str, String)>,
}

async fn world(t: &TestApp) -> World {
    let (_, admin) = t.sign_up("admin@example.fr", "Admin").await;
    let org = t
        .api(
            "POST",
            "/api/v1/orgs",
            &admin,
            Some(json!({"name": "Les Voisins", "kind": "association"})),
        )
        .await;
    assert_eq!(org.status, StatusCode::CREATED, "{}", org.body);
    let org = org.json()["id"].as_i64().unwrap();
    let mut people = vec![("admin", admin)];
    for role in ["member", "volunteer", "coordinator", "social_worker"] {
        let (id, token) = t.sign_up(&format!("{role}@example.fr"), role).await;
        t.db.set_membership(org, id, role).await.unwrap();
        people.push((role, token));
    }
    let (target, _) = t.sign_up("target@example.fr", "Target").await;
    t.db.set_membership(org, target, "member").await.unwrap();
    let (_, outsider) = t.sign_up("outsider@example.fr", "Outsider").await;
    people.push(("outsider", outsider));
    let (platform, token) = t.sign_up("platform@example.fr", "Platform").await;
    t.db.set_platform_admin(platform, true).await.unwrap();
    people.push(("platform", token));
    people.push(("anonymous", String::new()));
    World {
        org,
        target,
        people,
    }
}

#[tokio::test]
async fn role_by_route_matrix() {
    for t in TestApp::all().await {
        let w = world(&t).await;
        let (org, target) = (w.org, w.target);
        // A message in the team's conversation, for the moderation routes.
        let (author, _) = t.sign_up("author@example.fr", "Author").await;
        t.db.set_membership(org, author, "volunteer").await.unwrap();
        let team =
            t.db.open_group(entraide_store::conversations::Group::Team(org))
                .await
                .unwrap();
        let body = entraide_core::conversation::MessageBody::parse("Bonjour l'équipe").unwrap();
        let message =
            t.db.post_message(team, author, &body)
                .await
                .unwrap()
                .unwrap()
                .message_id;
        // (method, path, body, roles allowed); every other role is refused.
        let routes: Vec<(&str, String, Option<serde_json::Value>, &[&str])> = vec![
            (
                "GET",
                format!("/api/v1/orgs/{org}/members"),
                None,
                &[
                    "member",
                    "volunteer",
                    "coordinator",
                    "social_worker",
                    "admin",
                    "platform",
                ],
            ),
            (
                "POST",
                format!("/api/v1/orgs/{org}/invitations"),
                Some(json!({"role": "member"})),
                &["coordinator", "social_worker", "admin", "platform"],
            ),
            (
                "PUT",
                format!("/api/v1/orgs/{org}/members/{target}"),
                Some(json!({"role": "volunteer"})),
                &["admin", "platform"],
            ),
            (
                "PUT",
                format!("/api/v1/orgs/{org}"),
                Some(json!({"name": "Les Voisins", "kind": "collective"})),
                &["admin", "platform"],
            ),
            (
                "GET",
                format!("/api/v1/orgs/{org}/members.csv"),
                None,
                &["admin", "platform"],
            ),
            (
                "POST",
                format!("/api/v1/orgs/{org}/people"),
                Some(json!({"display_name": "Momo"})),
                &["coordinator", "social_worker", "admin", "platform"],
            ),
            (
                "GET",
                "/api/v1/admin/people".to_owned(),
                None,
                &["platform"],
            ),
            ("GET", "/api/v1/admin/audit".to_owned(), None, &["platform"]),
            (
                "GET",
                format!("/orgs/{org}/members"),
                None,
                &[
                    "member",
                    "volunteer",
                    "coordinator",
                    "social_worker",
                    "admin",
                    "platform",
                ],
            ),
            (
                "GET",
                format!("/orgs/{org}/register"),
                None,
                &["coordinator", "social_worker", "admin", "platform"],
            ),
            (
                "GET",
                format!("/orgs/{org}/import"),
                None,
                &["admin", "platform"],
            ),
            (
                "GET",
                format!("/orgs/{org}/members.csv"),
                None,
                &["admin", "platform"],
            ),
            (
                "GET",
                format!("/orgs/{org}/edit"),
                None,
                &["admin", "platform"],
            ),
            (
                "POST",
                format!("/api/v1/orgs/{org}/programmes"),
                Some(
                    json!({"name": "Visites", "charter": "Je viens chaque semaine, je préviens sinon."}),
                ),
                &["coordinator", "admin", "platform"],
            ),
            (
                "GET",
                format!("/orgs/{org}/programmes/new"),
                None,
                &["coordinator", "admin", "platform"],
            ),
            ("GET", "/admin".to_owned(), None, &["platform"]),
            ("GET", "/admin/audit".to_owned(), None, &["platform"]),
            ("GET", "/admin/jobs".to_owned(), None, &["platform"]),
            (
                "PUT",
                format!("/api/v1/orgs/{org}/timebank"),
                Some(json!({"floor_hours": "10", "ceiling_hours": "100", "confirm_days": "7"})),
                &["admin", "platform"],
            ),
            ("GET", "/api/v1/admin/jobs".to_owned(), None, &["platform"]),
            (
                "GET",
                "/notifications".to_owned(),
                None,
                &[
                    "outsider",
                    "member",
                    "volunteer",
                    "coordinator",
                    "social_worker",
                    "admin",
                    "platform",
                ],
            ),
            (
                "GET",
                "/me/notifications".to_owned(),
                None,
                &[
                    "outsider",
                    "member",
                    "volunteer",
                    "coordinator",
                    "social_worker",
                    "admin",
                    "platform",
                ],
            ),
            (
                "GET",
                "/api/v1/me/notifications".to_owned(),
                None,
                &[
                    "outsider",
                    "member",
                    "volunteer",
                    "coordinator",
                    "social_worker",
                    "admin",
                    "platform",
                ],
            ),
            (
                "GET",
                "/api/v1/me/notification-settings".to_owned(),
                None,
                &[
                    "outsider",
                    "member",
                    "volunteer",
                    "coordinator",
                    "social_worker",
                    "admin",
                    "platform",
                ],
            ),
            (
                "POST",
                format!("/api/v1/orgs/{org}/conversation"),
                None,
                &["volunteer", "coordinator", "social_worker", "admin"],
            ),
            (
                "GET",
                "/moderation".to_owned(),
                None,
                &["admin", "platform"],
            ),
            (
                "GET",
                "/api/v1/moderation".to_owned(),
                None,
                &["admin", "platform"],
            ),
            (
                "GET",
                "/api/v1/moderation/log".to_owned(),
                None,
                &["admin", "platform"],
            ),
            (
                "POST",
                format!("/api/v1/moderation/messages/{message}/hide"),
                Some(json!({})),
                &["admin", "platform"],
            ),
            (
                "POST",
                format!("/api/v1/moderation/messages/{message}/unhide"),
                Some(json!({})),
                &["admin", "platform"],
            ),
            (
                "POST",
                format!("/api/v1/moderation/messages/{message}/warn"),
                Some(json!({"comment": "Attention"})),
                &["admin", "platform"],
            ),
            (
                "POST",
                format!("/api/v1/moderation/messages/{message}/dismiss"),
                Some(json!({})),
                &["admin", "platform"],
            ),
            (
                "GET",
                format!("/moderation/messages/{message}/suspend"),
                None,
                &["platform"],
            ),
            (
                "POST",
                format!("/api/v1/moderation/messages/{message}/suspend"),
                Some(json!({"days": "1"})),
                &["platform"],
            ),
        ];
        for (method, path, body, allowed) in &routes {
            for (role, token) in &w.people {
                let reply = t.api(method, path, token, body.clone()).await;
                let expected_ok = allowed.contains(role);
                let ok = reply.status.is_success();
                assert_eq!(
                    ok, expected_ok,
                    "{role} {method} {path}: {} {}",
                    reply.status, reply.body
                );
                if !ok {
                    let refused = if *role == "anonymous" {
                        if path.starts_with("/api") {
                            StatusCode::UNAUTHORIZED
                        } else {
                            StatusCode::SEE_OTHER
                        }
                    } else {
                        StatusCode::FORBIDDEN
                    };
                    assert_eq!(reply.status, refused, "{role} {method} {path}");
                }
            }
        }
    }
}

#[tokio::test]
async fn invitations_roles_and_the_last_admin() {
    for t in TestApp::all().await {
        let w = world(&t).await;
        let token = |role: &str| w.people.iter().find(|(r, _)| *r == role).unwrap().1.clone();
        let org = w.org;
        // Coordinators may invite members, not admins.
        let refused = t
            .api(
                "POST",
                &format!("/api/v1/orgs/{org}/invitations"),
                &token("coordinator"),
                Some(json!({"role": "admin"})),
            )
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        let bad = t
            .api(
                "POST",
                &format!("/api/v1/orgs/{org}/invitations"),
                &token("admin"),
                Some(json!({"role": "king"})),
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        let link = t
            .api(
                "POST",
                &format!("/api/v1/orgs/{org}/invitations"),
                &token("coordinator"),
                Some(json!({"role": "volunteer"})),
            )
            .await;
        let link = link.json()["link"].as_str().unwrap().to_owned();
        let invite_token = link.rsplit('/').next().unwrap();

        let (newcomer, newcomer_token) = t.sign_up("new@example.fr", "Newcomer").await;
        let page = t.get(&format!("/join/{invite_token}"), "").await;
        assert!(page.status.is_success() && page.body.contains("Les Voisins"));
        let joined = t
            .api(
                "POST",
                &format!("/api/v1/invitations/{invite_token}/accept"),
                &newcomer_token,
                None,
            )
            .await;
        assert_eq!(joined.json()["org_id"], org);
        assert_eq!(
            t.db.role_in(org, newcomer).await.unwrap().as_deref(),
            Some("volunteer")
        );
        let bogus = t
            .api(
                "POST",
                "/api/v1/invitations/bogus/accept",
                &newcomer_token,
                None,
            )
            .await;
        assert_eq!(bogus.status, StatusCode::CONFLICT);

        // The only admin cannot step down or leave.
        let me = t
            .api("GET", "/api/v1/me", &token("admin"), None)
            .await
            .json()["profile"]["id"]
            .as_i64()
            .unwrap();
        let down = t
            .api(
                "PUT",
                &format!("/api/v1/orgs/{org}/members/{me}"),
                &token("admin"),
                Some(json!({"role": "member"})),
            )
            .await;
        assert_eq!(down.status, StatusCode::CONFLICT);
        assert_eq!(down.json()["error"]["code"], "last-admin");
        assert_eq!(
            t.api(
                "DELETE",
                &format!("/api/v1/orgs/{org}/members/{me}"),
                &token("admin"),
                None
            )
            .await
            .status,
            StatusCode::CONFLICT
        );
        // Role changes are logged.
        let changed = t
            .api(
                "PUT",
                &format!("/api/v1/orgs/{org}/members/{newcomer}"),
                &token("admin"),
                Some(json!({"role": "coordinator"})),
            )
            .await;
        assert_eq!(changed.status, StatusCode::NO_CONTENT);
        let audit = t
            .api("GET", "/api/v1/admin/audit", &token("platform"), None)
            .await
            .body;
        assert!(audit.contains("role-changed") && audit.contains("volunteer -> coordinator"));
    }
}

#[tokio::test]
async fn social_worker_registers_a_person_who_signs_in_with_a_pin() {
    for t in TestApp::all().await {
        let w = world(&t).await;
        let worker = w
            .people
            .iter()
            .find(|(r, _)| *r == "social_worker")
            .unwrap()
            .1
            .clone();
        let org = w.org;
        let invalid = t
            .api(
                "POST",
                &format!("/api/v1/orgs/{org}/people"),
                &worker,
                Some(json!({"display_name": "", "birth_year": "1850"})),
            )
            .await;
        assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(invalid.json()["error"]["fields"]["birth_year"].is_string());

        let handout = t
            .api(
                "POST",
                &format!("/api/v1/orgs/{org}/people"),
                &worker,
                Some(json!({"display_name": "Mohamed", "birth_year": "1953", "language": "fr"})),
            )
            .await;
        assert_eq!(handout.status, StatusCode::CREATED, "{}", handout.body);
        let handout = handout.json();
        let (login, pin, person) = (
            handout["login"].as_str().unwrap().to_owned(),
            handout["pin"].as_str().unwrap().to_owned(),
            handout["user_id"].as_i64().unwrap(),
        );
        assert!(login.starts_with("mohamed-"));

        let page = t
            .post_form("/login/pin", &[("login", &login), ("pin", &pin)], "")
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER);
        let wrong = if pin == "000000" { "111111" } else { "000000" };
        for attempt in 1..=5 {
            let reply = t
                .api(
                    "POST",
                    "/api/v1/login/pin",
                    "",
                    Some(json!({"login": login, "pin": wrong})),
                )
                .await;
            let expected = if attempt < 5 {
                StatusCode::UNAUTHORIZED
            } else {
                StatusCode::FORBIDDEN
            };
            assert_eq!(reply.status, expected, "attempt {attempt}");
        }
        let locked = t
            .api(
                "POST",
                "/api/v1/login/pin",
                "",
                Some(json!({"login": login, "pin": pin})),
            )
            .await;
        assert_eq!(
            locked.status,
            StatusCode::FORBIDDEN,
            "even the right PIN is refused once locked"
        );
        assert_eq!(locked.json()["error"]["code"], "locked");

        let outsider = w
            .people
            .iter()
            .find(|(r, _)| *r == "outsider")
            .unwrap()
            .1
            .clone();
        assert_eq!(
            t.api(
                "POST",
                &format!("/api/v1/orgs/{org}/members/{person}/unlock"),
                &outsider,
                None
            )
            .await
            .status,
            StatusCode::FORBIDDEN
        );
        let unlocked = t
            .api(
                "POST",
                &format!("/api/v1/orgs/{org}/members/{person}/unlock"),
                &worker,
                None,
            )
            .await;
        let new_pin = unlocked.json()["pin"].as_str().unwrap().to_owned();
        let signed_in = t
            .api(
                "POST",
                "/api/v1/login/pin",
                "",
                Some(json!({"login": login, "pin": new_pin})),
            )
            .await;
        assert_eq!(signed_in.status, StatusCode::OK);

        // The person sees what was done for them, and by whom.
        let token = signed_in.json()["token"].as_str().unwrap().to_owned();
        let activity = t.api("GET", "/api/v1/me/activity", &token, None).await.body;
        for event in ["registered-by-worker", "pin-locked", "pin-unlocked"] {
            assert!(activity.contains(event), "{event} missing from {activity}");
        }
        assert!(
            activity.contains("social_worker"),
            "the worker's name is shown"
        );
    }
}

#[tokio::test]
async fn members_csv_export_and_import_with_dry_run() {
    for t in TestApp::all().await {
        let w = world(&t).await;
        let admin = w.people[0].1.clone();
        let org = w.org;
        let csv = t
            .api(
                "GET",
                &format!("/api/v1/orgs/{org}/members.csv"),
                &admin,
                None,
            )
            .await;
        assert!(csv.body.starts_with("email,login,display_name,role\n"));
        assert!(csv.body.contains("target@example.fr,,Target,member"));

        let upload = "email,display_name,role\nnew1@example.fr,Nouvelle Une,volunteer\nbad-email,Bad,member\nnew2@example.fr,,member\ntarget@example.fr,Target,coordinator\nnew1@example.fr,Twice,member\noutsider@example.fr,Outsider,member\nadmin@example.fr,Admin,member\n";
        let before = t.count_users().await;
        let dry = send_csv(&t, org, &admin, upload, true).await;
        assert_eq!(dry.status, StatusCode::OK, "{}", dry.body);
        let report = dry.json();
        let lines: Vec<i64> = report["rejected"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["line"].as_i64().unwrap())
            .collect();
        assert_eq!(
            lines,
            vec![3, 4, 6, 7, 8],
            "bad email, no name, twice, a stranger's account, the admin's role"
        );
        assert!(
            report["rejected"][0]["reason"]
                .as_str()
                .unwrap()
                .contains("adresse e-mail non valide")
        );
        assert_eq!(
            (report["added"].as_i64(), report["updated"].as_i64()),
            (Some(1), Some(1))
        );
        // A refused row blocks the real import too: nothing changes.
        let refused = send_csv(&t, org, &admin, upload, false).await;
        assert_eq!(refused.json()["rejected"].as_array().unwrap().len(), 5);
        assert_eq!(t.count_users().await, before);

        let good = "email,display_name,role\nnew1@example.fr,Nouvelle Une,volunteer\ntarget@example.fr,Target,coordinator\n";
        let done = send_csv(&t, org, &admin, good, false).await.json();
        assert_eq!(
            (
                done["added"].as_i64(),
                done["rejected"].as_array().map(Vec::len)
            ),
            (Some(1), Some(0))
        );
        assert_eq!(t.count_users().await, before + 1);
        assert_eq!(
            t.db.role_in(org, w.target).await.unwrap().as_deref(),
            Some("coordinator")
        );

        let no_header = send_csv(&t, org, &admin, "a,b\n1,2\n", true).await;
        assert_eq!(no_header.status, StatusCode::CONFLICT);
    }
}

async fn send_csv(t: &TestApp, org: i64, token: &str, text: &str, dry_run: bool) -> common::Reply {
    let request = axum::http::Request::post(format!(
        "/api/v1/orgs/{org}/members/import?dry_run={dry_run}"
    ))
    .header("authorization", format!("Bearer {token}"))
    .header("content-type", "text/csv")
    .body(axum::body::Body::from(text.to_owned()))
    .unwrap();
    t.send(request).await
}

#[tokio::test]
async fn contacts_and_pins_stay_with_those_who_accompany() {
    for t in TestApp::all().await {
        let w = world(&t).await;
        let token = |role: &str| w.people.iter().find(|(r, _)| *r == role).unwrap().1.clone();
        let org = w.org;
        let as_member = t
            .api(
                "GET",
                &format!("/api/v1/orgs/{org}/members"),
                &token("member"),
                None,
            )
            .await
            .body;
        assert!(
            !as_member.contains("@example.fr"),
            "plain members do not see emails: {as_member}"
        );
        let as_coordinator = t
            .api(
                "GET",
                &format!("/api/v1/orgs/{org}/members"),
                &token("coordinator"),
                None,
            )
            .await
            .body;
        assert!(as_coordinator.contains("target@example.fr"));

        // A person registered by this organisation joins a club made by someone else.
        let handout = t
            .api(
                "POST",
                &format!("/api/v1/orgs/{org}/people"),
                &token("social_worker"),
                Some(json!({"display_name": "Momo"})),
            )
            .await
            .json();
        let person = handout["user_id"].as_i64().unwrap();
        let (_, club_admin) = t.sign_up("club@example.fr", "Club").await;
        let club = t
            .api(
                "POST",
                "/api/v1/orgs",
                &club_admin,
                Some(json!({"name": "Le Club", "kind": "collective"})),
            )
            .await
            .json()["id"]
            .as_i64()
            .unwrap();
        t.db.set_membership(club, person, "member").await.unwrap();
        let takeover = t
            .api(
                "POST",
                &format!("/api/v1/orgs/{club}/members/{person}/unlock"),
                &club_admin,
                None,
            )
            .await;
        assert_eq!(
            takeover.status,
            StatusCode::FORBIDDEN,
            "only the registering organisation may give a new PIN"
        );
        let own = t
            .api(
                "POST",
                &format!("/api/v1/orgs/{org}/members/{person}/unlock"),
                &token("social_worker"),
                None,
            )
            .await;
        assert_eq!(own.status, StatusCode::OK);
    }
}

#[tokio::test]
async fn parallel_pin_guesses_get_five_checks_at_most() {
    for t in TestApp::all().await {
        let w = world(&t).await;
        let worker = w
            .people
            .iter()
            .find(|(r, _)| *r == "social_worker")
            .unwrap()
            .1
            .clone();
        let handout = t
            .api(
                "POST",
                &format!("/api/v1/orgs/{}/people", w.org),
                &worker,
                Some(json!({"display_name": "Nour"})),
            )
            .await
            .json();
        let (login, pin) = (
            handout["login"].as_str().unwrap().to_owned(),
            handout["pin"].as_str().unwrap().to_owned(),
        );
        let wrong = if pin == "000000" { "111111" } else { "000000" };
        let guesses = (0..12).map(|_| {
            t.api(
                "POST",
                "/api/v1/login/pin",
                "",
                Some(json!({"login": login, "pin": wrong})),
            )
        });
        let statuses: Vec<StatusCode> = futures_util::future::join_all(guesses)
            .await
            .into_iter()
            .map(|r| r.status)
            .collect();
        let refused = statuses
            .iter()
            .filter(|s| **s == StatusCode::UNAUTHORIZED)
            .count();
        let locked = statuses
            .iter()
            .filter(|s| **s == StatusCode::FORBIDDEN)
            .count();
        assert_eq!((refused, locked), (4, 8), "{statuses:?}");
        let right = t
            .api(
                "POST",
                "/api/v1/login/pin",
                "",
                Some(json!({"login": login, "pin": pin})),
            )
            .await;
        assert_eq!(
            right.status,
            StatusCode::FORBIDDEN,
            "locked, even with the right PIN"
        );
    }
}
