//! The privacy walk: every response of the test suite goes through
//! [`check`], which fails the test when a body shows someone's exact home
//! or place (or its address) to anybody but that person, whoever typed it
//! for them, and the social workers who accompany them.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use axum::http::HeaderMap;
use entraide_core::credentials::token_digest;
use entraide_store::Db;
use entraide_store::testing::KnownPlace;
use entraide_web::auth::{SESSION_COOKIE, cookie};

/// Who a request comes from, read the way the application reads it.
pub async fn viewer(db: &Db, headers: &HeaderMap) -> Option<i64> {
    let bearer = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    if let Some(token) = bearer {
        return db
            .user_by_api_token(&token_digest(token))
            .await
            .ok()
            .map(|u| u.id);
    }
    let token = cookie(headers, SESSION_COOKIE)?;
    db.user_by_session(&token_digest(token))
        .await
        .ok()
        .map(|u| u.id)
}

/// Who a response was for when the request came without credentials: the
/// person a sign-in or sign-up just let in (the session it sets, or the
/// token it returns).
pub async fn signed_in_by(db: &Db, headers: &HeaderMap, body: &str) -> Option<i64> {
    let session = headers
        .get_all(axum::http::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix(&format!("{SESSION_COOKIE}=")))
        .and_then(|v| v.split(';').next());
    if let Some(token) = session.filter(|t| !t.is_empty()) {
        return db
            .user_by_session(&token_digest(token))
            .await
            .ok()
            .map(|u| u.id);
    }
    let json: serde_json::Value = serde_json::from_str(body).ok()?;
    let token = json.get("token")?.as_str()?;
    db.user_by_api_token(&token_digest(token))
        .await
        .ok()
        .map(|u| u.id)
}

/// The ways the application could print a coordinate: as Rust and JSON
/// print it, with 5 or 6 decimals, and with a French decimal comma.
fn spellings(x: f64) -> Vec<String> {
    let mut out = Vec::new();
    let plain = format!("{x}");
    let decimals = plain.split_once('.').map_or(0, |(_, d)| d.len());
    if decimals >= 5 {
        out.push(plain);
    }
    out.push(format!("{x:.5}"));
    out.push(format!("{x:.6}"));
    let commas: Vec<String> = out.iter().map(|s| s.replace('.', ",")).collect();
    out.extend(commas);
    out
}

/// Where `number` is printed in `body` as a whole number, not as the start
/// of a longer one (`48.8669` inside `48.8669937` is another number).
fn positions(body: &str, number: &str) -> Vec<usize> {
    let bytes = body.as_bytes();
    body.match_indices(number)
        .map(|(i, _)| i)
        .filter(|i| {
            let before = i.checked_sub(1).map(|b| bytes[b]);
            let after = bytes.get(i + number.len()).copied();
            !before.is_some_and(|c| c.is_ascii_digit() || c == b'.' || c == b',')
                && !after.is_some_and(|c| c.is_ascii_digit())
        })
        .collect()
}

/// What in `body` gives away a place the viewer may not see (`hidden`). A
/// place leaks through either coordinate printed precisely, both rounded
/// to 4 decimals (about 10 m) side by side, or its address. What the viewer
/// may see anyway (`allowed`: their own home shares a longitude with a
/// neighbour's) proves nothing.
pub fn leaks(body: &str, hidden: &[KnownPlace], allowed: &[KnownPlace]) -> Vec<String> {
    let own: Vec<String> = allowed
        .iter()
        .flat_map(|p| [p.lat, p.lng])
        .flat_map(|x| {
            let mut all = spellings(x);
            all.push(format!("{x:.4}"));
            all
        })
        .chain(allowed.iter().filter_map(|p| p.label.clone()))
        .collect();
    let mut found = Vec::new();
    for place in hidden {
        for x in [place.lat, place.lng] {
            for s in spellings(x) {
                if !positions(body, &s).is_empty() && !own.contains(&s) {
                    found.push(format!("coordinate {s} of #{}", place.owner_id));
                }
            }
        }
        let (lat4, lng4) = (format!("{:.4}", place.lat), format!("{:.4}", place.lng));
        let near = |a: &str, b: &str| {
            positions(body, a).into_iter().any(|i| {
                let mut start = i.saturating_sub(80);
                while !body.is_char_boundary(start) {
                    start -= 1;
                }
                let mut end = (i + 80).min(body.len());
                while !body.is_char_boundary(end) {
                    end += 1;
                }
                body[start..end].contains(b)
            })
        };
        if near(&lat4, &lng4) && !(own.contains(&lat4) && own.contains(&lng4)) {
            found.push(format!("point {lat4}, {lng4} of #{}", place.owner_id));
        }
        if let Some(label) = place.label.as_deref().filter(|l| l.chars().count() >= 6) {
            let html = label
                .replace('&', "&amp;")
                .replace('\'', "&#39;")
                .replace('"', "&quot;");
            if (body.contains(label) || body.contains(&html)) && !own.iter().any(|o| o == label) {
                found.push(format!("address «{label}» of #{}", place.owner_id));
            }
        }
    }
    found
}

/// Fails when `body`, sent to `viewer`, shows a place they may not see.
pub async fn check(db: &Db, viewer: Option<i64>, what: &str, body: &str) {
    if body.is_empty() {
        return;
    }
    let Ok(places) = db.known_places().await else {
        return; // the test's database is gone (an erasure test, a closed pool)
    };
    let (mut hidden, mut seen) = (Vec::new(), Vec::new());
    for place in places {
        let allowed = match viewer {
            Some(v) if v == place.owner_id || Some(v) == place.posted_by => true,
            Some(v) => db.accompanies(v, place.owner_id).await.unwrap_or(false),
            None => false,
        };
        if allowed {
            seen.push(place);
        } else {
            hidden.push(place);
        }
    }
    let found = leaks(body, &hidden, &seen);
    assert!(
        found.is_empty(),
        "{what} shows {found:?} to {viewer:?}:\n{}",
        body.chars().take(3000).collect::<String>()
    );
}
