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
        (&w.olive.1, format!("/api/v1/conversations/{}/messages", w.conversation)),
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

/// A session cookie per person who may use a route, made once each.
async fn cookie(
    t: &TestApp,
    w: &World,
    cookies: &mut BTreeMap<String, String>,
    pattern: &str,
    roles: routes::Roles,
) -> String {
    let who = match params::owner_of(w, pattern) {
        Some(owner) if roles & routes::OWNER != 0 => format!("owner {}", owner.0),
        _ => {
            let role = routes::ALL
                .iter()
                .map(|r| r.0)
                .find(|r| roles & r != 0 && *r != routes::ANONYMOUS && *r != routes::OWNER)
                .unwrap_or(routes::MEMBER);
            format!("role {role}")
        }
    };
    if let Some(cookie) = cookies.get(&who) {
        return cookie.clone();
    }
    let cookie = if who == format!("owner {}", w.momo.0) {
        let (login, pin) = &w.momo_login;
        t.post_form("/login/pin", &[("login", login), ("pin", pin)], "")
            .await
            .session()
    } else if who == format!("owner {}", w.olive.0) {
        t.web_login("olive@example.fr").await
    } else if who == format!("owner {}", w.karim.0) {
        t.web_login("karim@example.fr").await
    } else {
        let role: routes::Roles = who.trim_start_matches("role ").parse().unwrap();
        let email = &w.people.iter().find(|p| p.0 == role).unwrap().3;
        t.web_login(email).await
    };
    assert!(!cookie.is_empty(), "no session for {who}");
    cookies.insert(who, cookie.clone());
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
            let cookie = cookie(&t, &w, &mut cookies, pattern, policy.roles).await;
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
                request =
                    request.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
                Body::empty()
            };
            let reply = t.send(request.body(body).unwrap()).await;
            tried += 1;
            if reply.status != StatusCode::FORBIDDEN {
                accepted.push(format!("{method} {pattern}: {}", reply.status));
            }
        }
        let after = fingerprint(&t, &w).await;
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
        assert_eq!(before, after, "a refused cross-site request changed the world");
    }
}
