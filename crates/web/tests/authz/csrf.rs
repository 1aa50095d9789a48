//! Cross-site requests: every route that is not a GET, page or API, refuses
//! a cross-site request carrying a valid session cookie, and nothing in the
//! world changes.
//!
//! `CsrfLayer::new()` wraps the whole router in `entraide_web::app`, with
//! no trusted origin and no bypass: it lets GET, HEAD and OPTIONS through,
//! then refuses `sec-fetch-site: cross-site` (or, for older browsers, an
//! `Origin` that is not the host). Provider webhooks send neither header,
//! so none needs to be an exception; they are checked like the rest.

use std::collections::BTreeMap;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::TestApp;

use crate::world::World;
use crate::{common, params, plan_of, routes};

/// A cheap fingerprint of the world: people, jobs, and what a few owners
/// and the administrator see of what the routes change.
async fn fingerprint(t: &TestApp, w: &World) -> Vec<String> {
    let admin = &w.people.iter().find(|p| p.0 == routes::ADMIN).unwrap().2;
    let org = w.org;
    let momo = w.momo.0;
    let reads = [
        (&w.olive.1, "/api/v1/me".to_owned()),
        (&w.olive.1, "/api/v1/me/exchanges".to_owned()),
        (&w.olive.1, "/api/v1/me/tokens".to_owned()),
        (&w.olive.1, "/api/v1/neighbourhood/posts".to_owned()),
        (
            &w.olive.1,
            format!("/api/v1/conversations/{}/messages", w.conversation),
        ),
        (&w.karim.1, format!("/api/v1/orgs/{org}/timebank")),
        (&w.momo.1, format!("/api/v1/safe/{momo}/documents")),
        (&w.momo.1, format!("/api/v1/safe/{momo}/folders")),
        (&w.momo.1, format!("/api/v1/safe/{momo}/notes")),
        (&w.momo.1, "/api/v1/me/safe/shares".to_owned()),
        (&w.momo.1, "/api/v1/me/voicemail".to_owned()),
        (admin, format!("/api/v1/orgs/{org}")),
        (admin, format!("/api/v1/orgs/{org}/members")),
        (admin, format!("/api/v1/orgs/{org}/telephony/numbers")),
        (admin, format!("/api/v1/programmes/{}", w.programme)),
    ];
    let mut seen = vec![
        format!("people {}", t.count_users().await),
        format!("jobs {:?}", t.db.job_counts().await.unwrap()),
    ];
    for (token, path) in reads {
        let reply = t.api("GET", &path, token, None).await;
        seen.push(format!("{path} {} {}", reply.status, reply.body));
    }
    seen
}

/// Who signs in to try `pattern` cross-site: the route's owner when the
/// policy lets them, else the first signed-in role it allows (a member for
/// routes nobody may use). Nour, whose box one route closes, has no
/// password: the social worker, who may close it too, stands in.
fn who(w: &World, pattern: &str, roles: routes::Roles) -> i64 {
    if roles & routes::OWNER != 0
        && let Some(owner) = params::owner_of(w, pattern)
        && owner.0 != w.nour.0
    {
        return owner.0;
    }
    let role = routes::ALL
        .iter()
        .map(|r| r.0)
        .find(|r| roles & r != 0 && *r != routes::ANONYMOUS && *r != routes::OWNER)
        .unwrap_or(if roles & routes::OWNER != 0 {
            routes::SOCIAL_WORKER
        } else {
            routes::MEMBER
        });
    w.people.iter().find(|p| p.0 == role).unwrap().1
}

/// A session cookie for `user`, made once: with the password through the
/// sign-in form, or with the login and PIN for Momo.
async fn cookie(t: &TestApp, w: &World, cookies: &mut BTreeMap<i64, String>, user: i64) -> String {
    if let Some(cookie) = cookies.get(&user) {
        return cookie.clone();
    }
    let email = if user == w.olive.0 {
        "olive@example.fr".to_owned()
    } else if user == w.karim.0 {
        "karim@example.fr".to_owned()
    } else if let Some(i) = w.applicants.iter().position(|a| a.0 == user) {
        format!("applicant{}@example.fr", i + 1)
    } else {
        w.people
            .iter()
            .find(|p| p.1 == user)
            .map(|p| p.3.clone())
            .unwrap_or_default()
    };
    let cookie = if user == w.momo.0 {
        let (login, pin) = &w.momo_login;
        t.post_form("/login/pin", &[("login", login), ("pin", pin)], "")
            .await
            .session()
    } else {
        t.web_login(&email).await
    };
    assert!(!cookie.is_empty(), "no session for user {user}");
    cookies.insert(user, cookie.clone());
    cookie
}

#[tokio::test]
async fn every_form_refuses_a_cross_site_request() {
    for t in TestApp::all().await {
        let started = std::time::Instant::now();
        let w = crate::world::build(&t).await;
        let plan = plan_of(&t, &w).await;
        let before = fingerprint(&t, &w).await;
        let mut cookies = BTreeMap::new();
        let mut accepted = Vec::new();
        let mut tried = 0;
        for (pattern, method, policy) in plan.iter().filter(|p| p.1 != "GET") {
            let user = who(&w, pattern, policy.roles);
            let cookie = cookie(&t, &w, &mut cookies, user).await;
            let path = params::path(&w, method, pattern);
            let mut request = Request::builder()
                .method(*method)
                .uri(&path)
                .header("sec-fetch-site", "cross-site")
                .header(header::ORIGIN, "https://evil.example")
                .header(header::COOKIE, &cookie);
            let body = if pattern.starts_with("/api/") {
                request = request.header(header::CONTENT_TYPE, "application/json");
                let json = params::api_body(&w, method, pattern).unwrap_or_default();
                Body::from(json.to_string())
            } else {
                request = request.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
                Body::empty()
            };
            let reply = t.send(request.body(body).unwrap()).await;
            tried += 1;
            if reply.status != StatusCode::FORBIDDEN {
                accepted.push(format!("{method} {pattern}: {}", reply.status));
            }
        }
        let after = fingerprint(&t, &w).await;
        // The sessions were real: each still signs its person in.
        for (user, cookie) in &cookies {
            let me = t.get("/api/v1/me", cookie).await;
            assert_eq!(
                me.status,
                StatusCode::OK,
                "session of user {user}: {}",
                me.body
            );
        }
        eprintln!(
            "csrf on {:?}: {tried} cross-site requests, {} sessions, {} accepted, {:.1?}",
            t.db.backend(),
            cookies.len(),
            accepted.len(),
            started.elapsed()
        );
        assert!(
            accepted.is_empty(),
            "cross-site requests not refused with 403:\n{}",
            accepted.join("\n")
        );
        assert_eq!(
            before, after,
            "a refused cross-site request changed the world"
        );
    }
}
