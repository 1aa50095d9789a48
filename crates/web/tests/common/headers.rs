//! The headers walk: every response of the test suite goes through
//! [`check`], which fails the test when a response lacks one of the
//! security headers the application promises on every answer (a page, an
//! API answer, an error, a redirect, a file from the safe).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use axum::http::HeaderMap;

/// Headers that must be there with exactly this value.
const EXACT: [(&str, &str); 5] = [
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "same-origin"),
    (
        "permissions-policy",
        "camera=(), microphone=(), geolocation=(self)",
    ),
    ("cross-origin-opener-policy", "same-origin"),
];

/// What is wrong with a response's security headers, if anything.
pub fn problems(headers: &HeaderMap) -> Vec<String> {
    let mut out = Vec::new();
    for (name, want) in EXACT {
        match headers.get(name).map(|v| v.to_str()) {
            Some(Ok(got)) if got == want => {}
            Some(got) => out.push(format!("{name} is {got:?}, not {want:?}")),
            None => out.push(format!("no {name}")),
        }
    }
    let policies: Vec<&str> = headers
        .get_all("content-security-policy")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    match policies.as_slice() {
        [] => out.push("no content-security-policy".to_owned()),
        [policy] => out.extend(policy_problems(policy)),
        _ => out.push(format!(
            "several content-security-policy headers: {policies:?}"
        )),
    }
    out
}

/// What a content security policy lets through that it should not.
fn policy_problems(policy: &str) -> Vec<String> {
    let mut out = Vec::new();
    let directives: Vec<(&str, Vec<&str>)> = policy
        .split(';')
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(|d| {
            let mut words = d.split_ascii_whitespace();
            let name = words.next().unwrap_or("");
            (name, words.collect())
        })
        .collect();
    let find = |name: &str| directives.iter().find(|(n, _)| *n == name).map(|(_, v)| v);
    if find("frame-ancestors").is_none_or(|v| v.as_slice() != ["'none'"]) {
        out.push(format!("policy {policy:?} lets other sites frame the page"));
    }
    // Scripts fall back on default-src when script-src is not given; a
    // sandboxed answer (a document from the safe) runs no script at all.
    let sandboxed = find("sandbox").is_some_and(|v| v.is_empty());
    let scripts = find("script-src").or_else(|| find("default-src"));
    match scripts {
        Some(sources) => {
            for unsafe_source in ["'unsafe-inline'", "'unsafe-eval'", "*", "data:"] {
                if sources.contains(&unsafe_source) {
                    out.push(format!("policy {policy:?} allows {unsafe_source} scripts"));
                }
            }
        }
        None if sandboxed => {}
        None => out.push(format!("policy {policy:?} does not limit scripts")),
    }
    if find("object-src").is_none() && !sandboxed && find("default-src").is_none() {
        out.push(format!("policy {policy:?} does not limit plugins"));
    }
    out
}

/// Fails the test when the response to `what` misses a security header.
pub fn check(what: &str, headers: &HeaderMap) {
    let problems = problems(headers);
    assert!(
        problems.is_empty(),
        "{what}: security headers missing or weak: {}",
        problems.join("; ")
    );
}
