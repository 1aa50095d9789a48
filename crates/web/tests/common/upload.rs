//! Multipart uploads for the tests of the safe: fields and one file, sent
//! with a bearer token (API) or a session cookie (pages).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use axum::body::Body;
use axum::http::{Request, header};

use super::{Reply, TestApp};

const BOUNDARY: &str = "entraide-test-boundary-7f3a";

/// A `multipart/form-data` body with `fields` then the `file` part.
pub fn body(fields: &[(&str, &str)], file_name: &str, bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, value) in fields {
        out.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    out.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    out.extend_from_slice(bytes);
    out.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    out
}

/// Posts a multipart upload; `token` for the API, else `cookie` for pages.
pub async fn send(
    t: &TestApp,
    path: &str,
    token: &str,
    cookie: &str,
    fields: &[(&str, &str)],
    file_name: &str,
    bytes: &[u8],
) -> Reply {
    let mut request = Request::post(path)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .header(header::ACCEPT_LANGUAGE, "en")
        .header("sec-fetch-site", "same-origin");
    if !token.is_empty() {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    if !cookie.is_empty() {
        request = request.header(header::COOKIE, cookie);
    }
    t.send(
        request
            .body(Body::from(body(fields, file_name, bytes)))
            .unwrap(),
    )
    .await
}

/// A small PDF whose text holds `marker`.
pub fn pdf(marker: &str) -> Vec<u8> {
    format!("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% {marker}\n%%EOF\n").into_bytes()
}
