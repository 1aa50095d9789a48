//! The people of the world: signing up from addresses of their own,
//! neighbours, people registered by a social worker, fresh actors.

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, header};
use common::TestApp;
use serde_json::{Value, json};

use crate::common;
use crate::routes::{self, Roles};
use crate::world::World;

/// The JSON of a successful reply (`null` when empty); fails otherwise.
pub async fn ok(reply: common::Reply, what: &str) -> Value {
    assert!(
        reply.status.is_success(),
        "{what}: {} {}",
        reply.status,
        reply.body
    );
    if reply.body.is_empty() {
        Value::Null
    } else {
        reply.json()
    }
}

/// Sends `body` as `token` and returns the JSON of the successful reply.
pub async fn send_json(t: &TestApp, token: &str, method: &str, path: &str, body: Value) -> Value {
    ok(
        t.api(method, path, token, Some(body)).await,
        &format!("{method} {path}"),
    )
    .await
}

/// Signs up through the API from an address of its own: sign-up is limited
/// per client address, and the world needs more people than one address
/// may create in a minute. Returns (user id, bearer token).
pub async fn sign_up(t: &TestApp, email: &str, name: &str) -> (i64, String) {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(1);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let peer = std::net::SocketAddr::from(([10, 0, (n >> 8) as u8, n as u8], 4000));
    let body = json!({"email": email, "password": "correct horse battery", "display_name": name});
    let mut request = Request::post("/api/v1/signup")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    request.extensions_mut().insert(ConnectInfo(peer));
    let reply = ok(t.send(request).await, "sign up").await;
    (
        reply["user"]["profile"]["id"].as_i64().unwrap(),
        reply["token"].as_str().unwrap().to_owned(),
    )
}

/// A person placed at `at` with a profile neighbours see, like
/// `common::exchanges::neighbour` but signed up with [`sign_up`].
pub async fn neighbour(t: &TestApp, email: &str, name: &str, at: (&str, &str)) -> (i64, String) {
    let (id, token) = sign_up(t, email, name).await;
    let place = json!({"lat": at.0, "lng": at.1});
    ok(
        t.api("PUT", "/api/v1/me/location", &token, Some(place))
            .await,
        "place",
    )
    .await;
    let profile = json!({
        "display_name": name, "bio": "", "visibility": "neighbours",
        "skills": ["diy"], "interests": [], "languages": ["fr"], "free_tags": [],
        "availability": ["tue-afternoon", "wed-afternoon", "thu-afternoon"]
    });
    ok(
        t.api("PUT", "/api/v1/me/profile", &token, Some(profile))
            .await,
        "profile",
    )
    .await;
    (id, token)
}

/// Gives the person a profile photo (a PNG by its first bytes).
pub async fn photo(t: &TestApp, token: &str) {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend_from_slice(&[0; 64]);
    let request = Request::post("/me/photo")
        .header(header::CONTENT_TYPE, crate::params::multipart_type())
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header("sec-fetch-site", "same-origin")
        .body(Body::from(crate::params::multipart(
            "photo", "me.png", &png,
        )))
        .unwrap();
    let reply = t.send(request).await;
    assert_eq!(
        reply.status,
        axum::http::StatusCode::SEE_OTHER,
        "photo: {}",
        reply.body
    );
}

/// A person the social worker (`worker`) registers in `org`, signed in with
/// their login and PIN: ((id, token), (login, PIN)).
pub async fn registered(
    t: &TestApp,
    org: i64,
    worker: &str,
    name: &str,
) -> ((i64, String), (String, String)) {
    let body = json!({"display_name": name, "birth_year": "1961", "language": "fr"});
    let made = t
        .api(
            "POST",
            &format!("/api/v1/orgs/{org}/people"),
            worker,
            Some(body),
        )
        .await;
    let made = ok(made, "register").await;
    let login = json!({"login": made["login"], "pin": made["pin"]});
    let signed = ok(
        t.api("POST", "/api/v1/login/pin", "", Some(login)).await,
        "PIN",
    )
    .await;
    let text = |v: &Value| v.as_str().unwrap().to_owned();
    (
        (made["user_id"].as_i64().unwrap(), text(&signed["token"])),
        (text(&made["login"]), text(&made["pin"])),
    )
}

/// A fresh person with `role`, for the routes that act on the actor.
pub async fn fresh(t: &TestApp, w: &World, role: Roles, n: usize) -> String {
    if role == routes::ANONYMOUS {
        return String::new();
    }
    let (id, token) = sign_up(t, &format!("fresh{n}@example.fr"), "Fresh").await;
    let name = routes::ALL.iter().find(|r| r.0 == role).unwrap().1;
    match role {
        routes::PLATFORM => t.db.set_platform_admin(id, true).await.unwrap(),
        routes::OUTSIDER => {}
        routes::ELSEWHERE => t.db.set_membership(w.other_org, id, "admin").await.unwrap(),
        routes::OWNER => t.db.set_membership(w.org, id, "member").await.unwrap(),
        _ => t.db.set_membership(w.org, id, name).await.unwrap(),
    }
    token
}
