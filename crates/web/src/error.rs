//! The web layer's error type. Handlers return it; [`render`] turns it into
//! a translated JSON body under `/api` and an HTML page elsewhere, and logs
//! server errors once.

use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use entraide_core::error::Errors;
use entraide_store::StoreError;

use crate::auth::Ctx;
use crate::i18n::Lang;
use crate::pages::layout::ErrorPage;

#[derive(Debug, Clone, thiserror::Error)]
pub enum AppError {
    /// Some fields were refused; each carries its reason.
    #[error("invalid input")]
    Invalid(Errors),
    /// The request could not be read at all (malformed JSON or form).
    #[error("malformed request")]
    Malformed,
    #[error("sign-in required")]
    Unauthorized,
    /// Signed in, but this is not theirs to do.
    #[error("forbidden")]
    Forbidden,
    /// Credentials were wrong (the message never says which part).
    #[error("wrong credentials")]
    BadCredentials,
    /// Too many wrong PINs: only their social worker can unlock.
    #[error("account locked")]
    Locked,
    #[error("not found")]
    NotFound,
    /// The act conflicts with the current state; the code says how.
    #[error("conflict: {0}")]
    Conflict(&'static str),
    #[error("too many requests")]
    TooManyRequests,
    /// The request body is over the size limit.
    #[error("request too large")]
    TooLarge,
    /// The request's body did not arrive in time.
    #[error("request timed out")]
    TimedOut,
    /// The database or the document store is busy or not answering: the
    /// request changed nothing and may be tried again shortly.
    #[error("unavailable: {0}")]
    Unavailable(String),
    #[error("internal error: {0}")]
    Internal(String),
}

/// Seconds a client is asked to wait before retrying after a 503.
pub const RETRY_AFTER_SECS: u32 = 5;

impl AppError {
    pub fn internal(error: impl std::fmt::Display) -> Self {
        Self::Internal(error.to_string())
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Self::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Malformed => StatusCode::BAD_REQUEST,
            Self::Unauthorized | Self::BadCredentials => StatusCode::UNAUTHORIZED,
            Self::Forbidden | Self::Locked => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            Self::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::TimedOut => StatusCode::REQUEST_TIMEOUT,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Stable machine code of the error.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Invalid(_) => "invalid",
            Self::Malformed => "malformed",
            Self::Unauthorized => "unauthorized",
            Self::Forbidden => "forbidden",
            Self::BadCredentials => "bad-credentials",
            Self::Locked => "locked",
            Self::NotFound => "not-found",
            Self::Conflict(code) => code,
            Self::TooManyRequests => "too-many-requests",
            Self::TooLarge => "too-large",
            Self::TimedOut => "timed-out",
            Self::Unavailable(_) => "unavailable",
            Self::Internal(_) => "internal",
        }
    }

    /// The translated sentence for people.
    pub fn message(&self, lang: Lang) -> String {
        lang.t(&format!("error-{}", self.code()))
    }

    /// A body extractor's refusal: too large, or unreadable.
    pub fn from_rejection(status: StatusCode) -> Self {
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            Self::TooLarge
        } else {
            Self::Malformed
        }
    }

    /// One invalid field.
    pub fn field(error: entraide_core::ParseError) -> Self {
        Self::Invalid(Errors(vec![error]))
    }
}

/// Translated message of one refused field, e.g. "Email address: not valid".
pub fn field_message(lang: Lang, error: &entraide_core::ParseError) -> String {
    lang.t(&format!("invalid-{}", error.reason.code()))
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound => Self::NotFound,
            StoreError::Conflict => Self::Conflict("conflict"),
            StoreError::Illegal(_) => Self::Conflict("transition"),
            StoreError::Full => Self::Conflict("exchange-full"),
            StoreError::LastAdmin => Self::Conflict("last-admin"),
            StoreError::Unavailable(detail) => Self::Unavailable(detail),
            other => Self::Internal(other.to_string()),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let mut response = self.status().into_response();
        response.extensions_mut().insert(self);
        response
    }
}

/// Middleware: gives every error response its body, in the request's language.
pub async fn render(request: Request, next: Next) -> Response {
    let ctx = request
        .extensions()
        .get::<Ctx>()
        .cloned()
        .unwrap_or_default();
    let api = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    let error = match response.extensions().get::<AppError>() {
        Some(error) => error.clone(),
        None => match framework_rejection(&response) {
            Some(error) => error,
            None => return response,
        },
    };
    // Only the path: query strings may carry single-use secrets.
    let path = ctx.path.split('?').next().unwrap_or_default();
    match &error {
        AppError::Internal(detail) => tracing::error!(%detail, %path, "request failed"),
        AppError::Unavailable(detail) => {
            tracing::warn!(%detail, %path, "request refused: unavailable");
        }
        _ => {}
    }
    error_response(&error, &ctx, api)
}

/// Axum's and tower-http's own refusals (an id that is not a number, a
/// missing content type, a body over the limit, a cross-site form) come as
/// plain text or empty; they get the same translated bodies as ours.
fn framework_rejection(response: &Response) -> Option<AppError> {
    let plain = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v.starts_with("text/plain"));
    if !plain {
        return None;
    }
    match response.status() {
        StatusCode::BAD_REQUEST
        | StatusCode::UNSUPPORTED_MEDIA_TYPE
        | StatusCode::UNPROCESSABLE_ENTITY => Some(AppError::Malformed),
        // The CSRF layer's refusal of a cross-site form.
        StatusCode::FORBIDDEN => Some(AppError::Forbidden),
        StatusCode::PAYLOAD_TOO_LARGE => Some(AppError::TooLarge),
        // The timeout layer's answer to a body that came too slowly.
        StatusCode::REQUEST_TIMEOUT => Some(AppError::TimedOut),
        _ => None,
    }
}

/// The full response for an error: JSON for the API, a page or a sign-in
/// redirect for people.
pub fn error_response(error: &AppError, ctx: &Ctx, api: bool) -> Response {
    let mut response = error_body(error, ctx, api);
    if matches!(error, AppError::Unavailable(_)) {
        response.headers_mut().insert(
            header::RETRY_AFTER,
            header::HeaderValue::from(RETRY_AFTER_SECS),
        );
    }
    response
}

fn error_body(error: &AppError, ctx: &Ctx, api: bool) -> Response {
    if api {
        let fields: serde_json::Map<String, serde_json::Value> = match error {
            AppError::Invalid(errors) => errors
                .0
                .iter()
                .map(|e| (e.field.to_owned(), field_message(ctx.lang, e).into()))
                .collect(),
            _ => Default::default(),
        };
        let body = serde_json::json!({
            "error": { "code": error.code(), "message": error.message(ctx.lang), "fields": fields }
        });
        let mut out = (error.status(), axum::Json(body)).into_response();
        if matches!(error, AppError::Unauthorized | AppError::BadCredentials) {
            out.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer"),
            );
        }
        return out;
    }
    if matches!(error, AppError::Unauthorized) {
        let next = url::form_urlencoded::byte_serialize(ctx.path.as_bytes()).collect::<String>();
        return Redirect::to(&format!("/login?next={next}")).into_response();
    }
    let page = ErrorPage::new(ctx, error.status().as_u16(), error.message(ctx.lang));
    (error.status(), page).into_response()
}
