//! Hostile input: oversized bodies, path traversal in file names, markup in
//! text fields, session fixation; and the headers walk's own checks.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::{HeaderMap, HeaderValue};
use common::headers;

/// The headers the application sets on every answer, as the middleware does.
fn full() -> HeaderMap {
    let mut h = HeaderMap::new();
    for (name, value) in [
        (
            "content-security-policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
        ),
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "same-origin"),
        (
            "permissions-policy",
            "camera=(), microphone=(), geolocation=(self)",
        ),
        ("cross-origin-opener-policy", "same-origin"),
    ] {
        h.insert(name, HeaderValue::from_static(value));
    }
    h
}

#[test]
fn the_headers_walk_passes_a_full_answer() {
    assert_eq!(headers::problems(&full()), Vec::<String>::new());
    let mut sandboxed = full();
    sandboxed.insert(
        "content-security-policy",
        HeaderValue::from_static("sandbox; default-src 'none'; frame-ancestors 'none'"),
    );
    assert_eq!(headers::problems(&sandboxed), Vec::<String>::new());
}

#[test]
fn the_headers_walk_fails_an_answer_missing_a_header() {
    for name in [
        "content-security-policy",
        "x-content-type-options",
        "x-frame-options",
        "referrer-policy",
        "permissions-policy",
        "cross-origin-opener-policy",
    ] {
        let mut h = full();
        h.remove(name);
        let problems = headers::problems(&h);
        assert!(
            problems.iter().any(|p| p.contains(name)),
            "{name}: {problems:?}"
        );
        let caught = std::panic::catch_unwind(|| headers::check("GET /", &h));
        assert!(caught.is_err(), "{name} missing went unnoticed");
    }
}

#[test]
fn the_headers_walk_fails_a_weak_policy() {
    for policy in [
        "default-src 'self'; script-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
        "default-src 'self'; script-src 'self'",
        "default-src 'self'; script-src 'self'; frame-ancestors *",
        "sandbox",
        "frame-ancestors 'none'",
        "default-src *; frame-ancestors 'none'",
    ] {
        let mut h = full();
        h.insert(
            "content-security-policy",
            HeaderValue::from_str(policy).unwrap(),
        );
        assert!(!headers::problems(&h).is_empty(), "{policy} passed");
    }
    let mut h = full();
    h.insert("x-content-type-options", HeaderValue::from_static("sniff"));
    assert!(!headers::problems(&h).is_empty());
}

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::TestApp;
use common::desk::desk;
use common::exchanges::{HOME, NEAR, need, neighbour, step};
use common::upload;
use serde_json::json;

const SCRIPT: &str = "<script>alert(1)</script>";
const IMAGE: &str = "\"><img src=x onerror=alert(1)>";
const SCRIPT_ESCAPED: &str = "&lt;script&gt;alert(1)&lt;/script&gt;";
const IMAGE_ESCAPED: &str = "&lt;img src=x onerror=alert(1)&gt;";

/// `body` with the entities templates may use for `<`, `>` and `"` spelt
/// one way, so a payload shown as text is found however it was escaped.
fn unescaped_spelling(body: &str) -> String {
    body.replace("&#60;", "&lt;")
        .replace("&#x3c;", "&lt;")
        .replace("&#62;", "&gt;")
        .replace("&#x3e;", "&gt;")
        .replace("&#34;", "&quot;")
        .replace("&#x22;", "&quot;")
}

/// Fails when `body` holds either payload as markup rather than as text.
fn inert(what: &str, body: &str) {
    for raw in [SCRIPT, "<img src=x onerror", "alert(1)>"] {
        assert!(!body.contains(raw), "{what}: {raw:?} came back as markup");
    }
}

#[tokio::test]
async fn markup_typed_in_text_fields_comes_back_as_text() {
    for t in TestApp::all().await {
        let (awa_id, awa) = neighbour(&t, "awa@example.org", "Awa", HOME).await;
        let (noe_id, noe) = neighbour(&t, "noe@example.org", "Noé", NEAR).await;
        let profile = json!({
            "display_name": IMAGE, "bio": format!("Bonjour {SCRIPT}"), "visibility": "neighbours",
            "skills": ["diy"], "interests": [], "languages": ["fr"], "free_tags": [],
            "availability": ["mon-afternoon"]
        });
        let saved = t
            .api("PUT", "/api/v1/me/profile", &awa, Some(profile))
            .await;
        assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);

        let asked = t
            .api("POST", "/api/v1/exchanges", &awa, Some(need(SCRIPT)))
            .await;
        assert_eq!(asked.status, StatusCode::CREATED, "{}", asked.body);
        let exchange = asked.json()["id"].as_i64().unwrap();

        let post = json!({"kind": "lost-found", "title": SCRIPT, "body": IMAGE, "radius_m": 1000});
        let posted = t
            .api("POST", "/api/v1/neighbourhood/posts", &awa, Some(post))
            .await;
        assert_eq!(posted.status, StatusCode::CREATED, "{}", posted.body);
        let post = posted.json()["post"]["id"].as_i64().unwrap();

        // Noé helps; Awa chooses him; they talk, in markup.
        assert_eq!(
            step(&t, &noe, exchange, "respond", None).await.status,
            StatusCode::OK
        );
        assert_eq!(
            step(&t, &awa, exchange, "choose", Some(noe_id))
                .await
                .status,
            StatusCode::OK
        );
        let opened = t
            .api(
                "POST",
                &format!("/api/v1/exchanges/{exchange}/conversation"),
                &awa,
                None,
            )
            .await;
        assert_eq!(opened.status, StatusCode::OK, "{}", opened.body);
        let conversation = opened.json()["id"].as_i64().unwrap();
        for text in [SCRIPT, IMAGE] {
            let sent = t
                .api(
                    "POST",
                    &format!("/api/v1/conversations/{conversation}/messages"),
                    &noe,
                    Some(json!({"body": text})),
                )
                .await;
            assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.body);
        }

        let web = t.web_login("noe@example.org").await;
        let mut seen_script = 0;
        let mut seen_image = 0;
        for path in [
            format!("/people/{awa_id}"),
            format!("/exchanges/{exchange}"),
            format!("/neighbourhood/posts/{post}"),
            "/neighbourhood/board".to_owned(),
            format!("/conversations/{conversation}"),
            "/conversations".to_owned(),
        ] {
            let page = t.get(&path, &web).await;
            assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.body);
            inert(&path, &page.body);
            let text = unescaped_spelling(&page.body);
            seen_script += usize::from(text.contains(SCRIPT_ESCAPED));
            seen_image += usize::from(text.contains(IMAGE_ESCAPED));
        }
        // The payloads were shown, as text, not dropped somewhere on the way.
        assert!(
            seen_script >= 4,
            "the script shown as text on {seen_script} pages"
        );
        assert!(
            seen_image >= 3,
            "the image shown as text on {seen_image} pages"
        );
        let own = t.get("/me", &t.web_login("awa@example.org").await).await;
        inert("/me", &own.body);
        assert!(
            unescaped_spelling(&own.body).contains(SCRIPT_ESCAPED),
            "the bio, as text"
        );
    }
}

#[tokio::test]
async fn an_oversized_body_is_refused_and_changes_nothing() {
    for t in TestApp::all_with(|c| c.safe.document_limit = 64 * 1024).await {
        let (_, token) = neighbour(&t, "awa@example.org", "Awa", HOME).await;
        let before = t
            .api("GET", "/api/v1/me/exchanges", &token, None)
            .await
            .body;
        // A JSON body just over the limit: a need whose description is huge.
        let mut huge = need("Étagère");
        huge["description"] = json!("x".repeat(entraide_web::BODY_LIMIT + 1));
        let refused = t.api("POST", "/api/v1/exchanges", &token, Some(huge)).await;
        assert_eq!(
            refused.status,
            StatusCode::PAYLOAD_TOO_LARGE,
            "{}",
            refused.body
        );
        // A form just over the limit.
        let big = "b".repeat(entraide_web::BODY_LIMIT + 1);
        let form = t
            .post_form(
                "/login",
                &[("email", "awa@example.org"), ("password", &big)],
                "",
            )
            .await;
        assert_eq!(form.status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(form.session(), "", "no session from a refused body");
        // A document over the safe's own limit.
        let d = desk(&t).await;
        let mut pdf = upload::pdf("GROS");
        pdf.resize(64 * 1024 + 2 * 1024 * 1024, b'0');
        let path = format!("/api/v1/safe/{}/documents", d.person);
        let fields = [("title", "Gros"), ("doc_type", "other")];
        let sent = upload::send(&t, &path, &d.person_token, "", &fields, "gros.pdf", &pdf).await;
        assert_eq!(sent.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", sent.body);
        let list = t.api("GET", &path, &d.person_token, None).await;
        assert_eq!(list.json()["documents"], json!([]), "nothing kept");
        assert_eq!(
            t.api("GET", "/api/v1/me/exchanges", &token, None)
                .await
                .body,
            before
        );
        // The server still answers.
        assert_eq!(
            t.api("GET", "/api/v1/me", &token, None).await.status,
            StatusCode::OK
        );
    }
}

/// Every file under `dir`, with its path.
fn files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(next) = stack.pop() {
        for entry in std::fs::read_dir(&next).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out
}

#[tokio::test]
async fn folders_in_an_uploaded_file_name_never_reach_storage() {
    for t in TestApp::all().await {
        let d = desk(&t).await;
        let data = t.state.config.data_dir.clone();
        let outside = data.parent().unwrap().to_path_buf();
        let around: Vec<_> = std::fs::read_dir(&outside)
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        let path = format!("/api/v1/safe/{}/documents", d.person);
        let names = [
            ("../../etc/passwd", "passwd.pdf"),
            ("..\\..\\x", "x.pdf"),
            ("../../../../../../tmp/evil.pdf", "evil.pdf"),
            ("/etc/shadow", "shadow.pdf"),
            ("..", "document.pdf"),
            ("....//....//", "document.pdf"),
            ("C:\\Windows\\win.ini", "win.pdf"),
            ("%2e%2e%2fpasswd", "2e2e2fpasswd.pdf"),
        ];
        for (sent, _) in names {
            let fields = [("title", "Papier"), ("doc_type", "other")];
            let reply = upload::send(
                &t,
                &path,
                &d.person_token,
                "",
                &fields,
                sent,
                &upload::pdf("P"),
            )
            .await;
            assert_eq!(reply.status, StatusCode::CREATED, "{sent}: {}", reply.body);
        }
        // A NUL in the name makes the part unreadable: refused, nothing kept.
        let fields = [("title", "Papier"), ("doc_type", "other")];
        let nul = upload::send(
            &t,
            &path,
            &d.person_token,
            "",
            &fields,
            "a\0b.pdf",
            &upload::pdf("N"),
        )
        .await;
        assert_eq!(nul.status, StatusCode::BAD_REQUEST, "{}", nul.body);
        let list = t.api("GET", &path, &d.person_token, None).await.json();
        let mut shown: Vec<&str> = list["documents"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["file_name"].as_str().unwrap())
            .collect();
        shown.sort_unstable();
        let mut want: Vec<&str> = names.iter().map(|(_, w)| *w).collect();
        want.sort_unstable();
        assert_eq!(shown, want);
        for doc in list["documents"].as_array().unwrap() {
            let id = doc["id"].as_i64().unwrap();
            let content = t
                .api(
                    "GET",
                    &format!("/api/v1/documents/{id}/content"),
                    &d.person_token,
                    None,
                )
                .await;
            let disposition = content.headers["content-disposition"].to_str().unwrap();
            assert!(!disposition.contains(['/', '\\']), "{disposition}");
            assert!(!disposition.contains(".."), "{disposition}");
        }
        // What storage holds is named by the application, never by the sender.
        for file in files(&data) {
            let text = file.to_string_lossy();
            assert!(file.starts_with(&data), "{text}");
            for part in ["passwd", "shadow", "evil", "win", ".."] {
                assert!(!text.contains(part), "{text} is named after what was sent");
            }
        }
        let after: Vec<_> = std::fs::read_dir(&outside)
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .filter(|n| !around.contains(n))
            .collect();
        assert!(
            after
                .iter()
                .all(|n| n.to_string_lossy().starts_with("entraide-")),
            "new files beside the data folder: {after:?}"
        );
    }
}

#[tokio::test]
async fn a_session_cookie_from_before_sign_in_is_not_the_one_after() {
    for t in TestApp::all().await {
        t.sign_up("awa@example.org", "Awa").await;
        // A value planted by someone else, then a real but older session.
        let planted = "entraide_session=chosen-by-an-attacker-0123456789";
        let request = Request::post("/login")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header("sec-fetch-site", "same-origin")
            .header(header::COOKIE, planted)
            .body(Body::from(
                "email=awa%40example.org&password=correct+horse+battery",
            ))
            .unwrap();
        let signed = t.send(request).await;
        assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
        let first = signed.session();
        assert!(!first.is_empty() && first != planted);
        let me = t.get("/me", planted).await;
        assert_ne!(
            me.status,
            StatusCode::OK,
            "the planted value lets nobody in"
        );
        assert_eq!(t.get("/me", &first).await.status, StatusCode::OK);

        // Signing in again with a live session gives a new one and ends the old.
        let request = Request::post("/login")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header("sec-fetch-site", "same-origin")
            .header(header::COOKIE, first.as_str())
            .body(Body::from(
                "email=awa%40example.org&password=correct+horse+battery",
            ))
            .unwrap();
        let again = t.send(request).await;
        assert_eq!(again.status, StatusCode::SEE_OTHER);
        let second = again.session();
        assert!(!second.is_empty() && second != first);
        assert_eq!(t.get("/me", &second).await.status, StatusCode::OK);
        assert_ne!(
            t.get("/me", &first).await.status,
            StatusCode::OK,
            "the session from before the sign-in still works"
        );
        // Signing out ends the session on the server, not only in the browser.
        let out = t.post_form("/logout", &[], &second).await;
        assert_eq!(out.status, StatusCode::SEE_OTHER);
        assert_ne!(t.get("/me", &second).await.status, StatusCode::OK);
    }
}
