//! Authorisation and CSRF over every route of the router, on both
//! databases: the routes come from the router itself, each must have a
//! declared policy (`routes.rs`, `policy_*.rs`), every role outside it is
//! refused, every role inside it reaches the GET routes, and a cross-site
//! form post is refused everywhere without changing anything.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod belongings;
mod cast;
#[path = "../common/mod.rs"]
mod common;
mod csrf;
mod filtered;
mod params;
mod policy_org;
mod policy_people;
mod routes;
mod world;

use std::collections::BTreeSet;
use std::time::Instant;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{Reply, TestApp};
use routes::{Class, Policy, Roles};
use world::World;

/// Fewer paths than this means the router's `Debug` output changed shape
/// and the extraction below no longer sees the routes.
const AT_LEAST: usize = 250;

const METHODS: [&str; 5] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

/// Every path pattern of the router.
///
/// axum has no public way to list a router's routes, so this reads its
/// `Debug` output: axum 0.8 prints each path router's node as
/// `Node { paths: {RouteId(N): "/path", ...} }`. Only the strings right
/// after `RouteId(N): ` are taken. axum's own catch-all for nested
/// fallbacks (`{*__private__axum_fallback}`) is not a route of Entraide.
/// If a new axum prints routes differently, [`AT_LEAST`] fails loudly
/// rather than letting the suite check nothing.
pub fn route_paths(router: &Router) -> Vec<String> {
    let text = format!("{router:?}");
    let mut paths = BTreeSet::new();
    for piece in text.split("RouteId(").skip(1) {
        let Some((digits, rest)) = piece.split_once(')') else {
            continue;
        };
        let Some(quoted) = rest.strip_prefix(": \"") else {
            continue;
        };
        if digits.chars().all(|c| c.is_ascii_digit())
            && let Some((path, _)) = quoted.split_once('"')
            && !path.contains("__private__axum")
        {
            paths.insert(path.to_owned());
        }
    }
    paths.into_iter().collect()
}

pub fn policies() -> impl Iterator<Item = &'static Policy> {
    routes::TABLE
        .iter()
        .chain(policy_people::TABLE)
        .chain(policy_org::TABLE)
}

/// A request as `token` (a bearer token, empty for nobody): JSON for the
/// API, an empty same-origin form for the pages.
pub async fn send(t: &TestApp, w: &World, method: &str, pattern: &str, token: &str) -> Reply {
    let path = params::path(w, method, pattern);
    let mut request = Request::builder()
        .method(method)
        .uri(&path)
        .header(header::ACCEPT_LANGUAGE, "en")
        .header("sec-fetch-site", "same-origin");
    if !token.is_empty() {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    let body = if params::MULTIPART.contains(&pattern) && method == "POST" {
        request = request.header(header::CONTENT_TYPE, params::multipart_type());
        Body::from(params::multipart_body(pattern))
    } else if pattern.starts_with("/api/") {
        match params::api_body(w, method, pattern) {
            Some(json) => {
                request = request.header(header::CONTENT_TYPE, "application/json");
                Body::from(json.to_string())
            }
            None => Body::empty(),
        }
    } else if method == "GET" {
        Body::empty()
    } else {
        request = request.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        let form = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(params::form_body(w, pattern))
            .finish();
        Body::from(form)
    };
    let request = request.body(body).unwrap();
    if STREAMS.contains(&pattern) {
        return head_only(t, request).await;
    }
    t.send(request).await
}

/// Routes whose answer is an endless stream (server-sent events).
const STREAMS: &[&str] = &["/events"];

/// The status and headers of a streamed answer, without waiting for a body
/// that never ends.
async fn head_only(t: &TestApp, request: Request<Body>) -> Reply {
    use tower::ServiceExt as _;
    let response = t.router.clone().oneshot(request).await.unwrap();
    Reply {
        status: response.status(),
        headers: response.headers().clone(),
        body: String::new(),
    }
}

/// Refused: 401, 403, 404, or sent to sign in. Anything else (a 400 or 422
/// included) got past authorisation.
pub fn refused(reply: &Reply) -> bool {
    matches!(
        reply.status,
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN | StatusCode::NOT_FOUND
    ) || (reply.status == StatusCode::SEE_OTHER && reply.location().starts_with("/login"))
}

/// The methods `pattern` answers (405 means absent), asked anonymously.
async fn methods(t: &TestApp, w: &World, pattern: &str) -> Vec<&'static str> {
    let mut found = Vec::new();
    for method in METHODS {
        let path = params::path(w, method, pattern);
        let request = Request::builder().method(method).uri(&path);
        let reply = head_only(t, request.body(Body::empty()).unwrap()).await;
        if reply.status != StatusCode::METHOD_NOT_ALLOWED {
            found.push(method);
        }
    }
    found
}

/// The (pattern, method, policy) of every route, in the order they are
/// tried: GET first (they change nothing the others need), then what
/// creates or changes, then what deletes or revokes (each on its own copy
/// of the resource), then what takes away something other routes need.
pub async fn plan_of(t: &TestApp, w: &World) -> Vec<(String, &'static str, &'static Policy)> {
    let paths = route_paths(&t.router);
    assert!(
        paths.len() >= AT_LEAST,
        "only {} paths found in the router's Debug output: has axum's format changed?",
        paths.len()
    );
    let mut missing = Vec::new();
    let mut used = BTreeSet::new();
    let mut plan = Vec::new();
    for pattern in &paths {
        for method in methods(t, w, pattern).await {
            match policies().find(|p| {
                p.path == pattern && (p.method == method || p.method == routes::ANY_METHOD)
            }) {
                Some(policy) => {
                    used.insert((policy.method, policy.path));
                    plan.push((pattern.clone(), method, policy));
                }
                None => missing.push(format!("{method} {pattern}")),
            }
        }
    }
    let stale: Vec<String> = policies()
        .filter(|p| !used.contains(&(p.method, p.path)))
        .map(|p| format!("{} {}", p.method, p.path))
        .collect();
    assert!(
        missing.is_empty(),
        "routes without a policy; declare who may use each in crates/web/tests/authz/policy_*.rs:\n{}",
        missing.join("\n")
    );
    assert!(
        stale.is_empty(),
        "policies for routes the router no longer has; remove them:\n{}",
        stale.join("\n")
    );
    let stage = |pattern: &str, method: &str| {
        let deleting = method == "DELETE"
            || [
                "/delete", "/revoke", "/remove", "/end", "/leave", "/close", "/retry",
            ]
            .iter()
            .any(|end| pattern.ends_with(end));
        if routes::LAST.contains(&pattern) {
            3
        } else if method == "GET" {
            0
        } else if deleting {
            2
        } else {
            1
        }
    };
    plan.sort_by_key(|(pattern, method, _)| stage(pattern, method));
    plan
}

/// The token `role` uses on `pattern`; `None` when the route has no owner.
fn token<'w>(w: &'w World, role: Roles, pattern: &str) -> Option<&'w str> {
    if role == routes::OWNER {
        return params::owner_of(w, pattern).map(|o| o.1.as_str());
    }
    w.people.iter().find(|p| p.0 == role).map(|p| p.2.as_str())
}

/// A reply's body in a line: a page's title, or the start of the JSON.
fn gist(body: &str) -> String {
    let title = body
        .split_once("<title>")
        .and_then(|(_, rest)| rest.split_once("</title>"))
        .map(|(title, _)| title);
    title.unwrap_or(body).chars().take(140).collect()
}

#[derive(Default)]
struct Tally {
    routes: usize,
    methods: usize,
    requests: usize,
    violations: Vec<String>,
    unproven: Vec<String>,
}

async fn check_route(
    t: &TestApp,
    w: &World,
    pattern: &str,
    method: &str,
    policy: &Policy,
    n: &mut Tally,
) {
    let what = format!("{method} {pattern}");
    if policy.class == Class::Operational {
        let reply = send(t, w, method, pattern, "").await;
        n.requests += 1;
        if !reply.status.is_success() {
            n.unproven
                .push(format!("{what}: {} for anyone", reply.status));
        }
        return;
    }
    let (refused_roles, allowed_roles): (Vec<_>, Vec<_>) = routes::ALL
        .iter()
        .partition(|(role, _)| policy.roles & role == 0);
    for &(role, name) in refused_roles {
        let Some(token) = token(w, role, pattern) else {
            continue;
        };
        let reply = send(t, w, method, pattern, token).await;
        n.requests += 1;
        if !refused(&reply) {
            let body = gist(&reply.body);
            n.violations
                .push(format!("{name} {what}: {} {body}", reply.status));
        }
    }
    let mut tried = 0;
    for &(role, name) in allowed_roles {
        // The owner is skipped on routes whose resource belongs to nobody.
        let Some(token) = token(w, role, pattern) else {
            continue;
        };
        let fresh;
        let token = if routes::FRESH_ACTOR.contains(&pattern) && method != "GET" {
            fresh = cast::fresh(t, w, role, n.requests).await;
            fresh.as_str()
        } else {
            token
        };
        let reply = send(t, w, method, pattern, token).await;
        n.requests += 1;
        tried += 1;
        if refused(&reply) {
            let body = gist(&reply.body);
            n.unproven
                .push(format!("{name} {what}: {} {body}", reply.status));
        }
        if method != "GET" {
            // The first allowed role proves the route works; the others are
            // not tried, as each attempt would change the world further.
            break;
        }
    }
    if tried == 0 && policy.roles != routes::NOBODY {
        n.unproven
            .push(format!("{what}: no role of its policy could be tried"));
    }
}

#[tokio::test]
async fn every_route_refuses_every_role_outside_its_policy() {
    for t in TestApp::all().await {
        let started = Instant::now();
        let w = world::build(&t).await;
        let built = started.elapsed();
        let plan = plan_of(&t, &w).await;
        let mut n = Tally {
            routes: plan.iter().map(|p| &p.0).collect::<BTreeSet<_>>().len(),
            methods: plan.len(),
            ..Default::default()
        };
        for (pattern, method, policy) in &plan {
            check_route(&t, &w, pattern, method, policy, &mut n).await;
        }
        eprintln!(
            "authz on {:?}: {} routes, {} methods, {} requests, {} violations, {} allowed roles refused; world {:.1?}, total {:.1?}",
            t.db.backend(),
            n.routes,
            n.methods,
            n.requests,
            n.violations.len(),
            n.unproven.len(),
            built,
            started.elapsed()
        );
        assert!(
            n.violations.is_empty() && n.unproven.is_empty(),
            "unexpected allows (a role outside the policy got through):\n{}\n\nallowed roles refused (the policy or the world is wrong):\n{}",
            n.violations.join("\n"),
            n.unproven.join("\n")
        );
    }
}
