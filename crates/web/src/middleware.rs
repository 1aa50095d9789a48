//! Cross-cutting layers: security headers on every response and request
//! metrics for Prometheus.

use std::sync::OnceLock;
use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

/// Headers every response carries. The CSP allows no inline script.
pub async fn security_headers(request: Request, next: Next) -> Response {
    let private = holds_papers(request.uri().path());
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if private {
        // On a shared computer, nothing of the safe stays in the browser.
        headers.insert("cache-control", HeaderValue::from_static("no-store"));
    }
    let fixed: [(&str, &str); 6] = [
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
    ];
    for (name, value) in fixed {
        headers
            .entry(name)
            .or_insert(HeaderValue::from_static(value));
    }
    response
}

/// Pages and API answers that show what a person keeps in their safe.
fn holds_papers(path: &str) -> bool {
    [
        "/safe",
        "/s/",
        "/me/export",
        "/me/handover",
        "/api/v1/safe",
        "/api/v1/documents",
        "/api/v1/notes",
        "/api/v1/me/safe",
        "/api/v1/me/export",
        "/api/v1/me/handover",
    ]
    .iter()
    .any(|prefix| path.starts_with(prefix))
        || (path.starts_with("/people/") && (path.ends_with("/safe") || path.contains("/safe/")))
}

/// The process-wide Prometheus recorder (installed once, shared by every app built in tests).
pub fn metrics_handle() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let builder = PrometheusBuilder::new()
                .set_buckets(&[
                    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
                ])
                .unwrap_or_else(|_| PrometheusBuilder::new());
            let recorder = builder.build_recorder();
            let handle = recorder.handle();
            // Another recorder may already be installed (tests); then ours only renders.
            let _ = metrics::set_global_recorder(recorder);
            handle
        })
        .clone()
}

/// Counts requests by route and status and times them.
pub async fn track(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    let method = request.method().as_str().to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!("http_requests_total", "route" => route.clone(), "method" => method, "status" => status)
        .increment(1);
    metrics::histogram!("http_request_duration_seconds", "route" => route)
        .record(started.elapsed().as_secs_f64());
    response
}
