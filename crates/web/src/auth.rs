//! Who is asking and in which language: resolved once per request from the
//! session cookie or a bearer token, then read by handlers through [`Ctx`]
//! and [`SignedIn`].

use std::sync::Arc;

use axum::extract::{FromRequestParts, Request, State};
use axum::http::header::{ACCEPT_LANGUAGE, AUTHORIZATION, COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use entraide_core::credentials::token_digest;
use entraide_store::users::User;

use crate::error::AppError;
use crate::i18n::Lang;
use crate::state::AppState;

pub const SESSION_COOKIE: &str = "entraide_session";
pub const LANG_COOKIE: &str = "lang";

/// The request's context: the signed-in person, if any, and the language.
#[derive(Clone, Default)]
pub struct Ctx {
    pub user: Option<Arc<User>>,
    pub lang: Lang,
    /// The path and query of the request, for the language switch and sign-in redirects.
    pub path: String,
    /// The header's counters, read for pages only (not for the API).
    pub counts: crate::services::notifications::Counts,
}

impl Ctx {
    pub fn user_id(&self) -> Option<i64> {
        self.user.as_ref().map(|u| u.id)
    }
}

/// Reads one cookie from the request headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| pair.trim().strip_prefix(name)?.strip_prefix('='))
}

/// A `Set-Cookie` value; `max_age` 0 removes the cookie.
pub fn set_cookie(name: &str, value: &str, max_age: i64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    let text = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}");
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// The request's language: the language cookie, then the account's, then
/// `Accept-Language`, then French.
fn language(headers: &HeaderMap, user: Option<&User>) -> Lang {
    cookie(headers, LANG_COOKIE)
        .and_then(Lang::from_code)
        .or_else(|| user.and_then(|u| Lang::from_code(&u.locale)))
        .or_else(|| {
            headers
                .get(ACCEPT_LANGUAGE)?
                .to_str()
                .ok()
                .and_then(Lang::from_accept_language)
        })
        .unwrap_or_default()
}

/// Middleware: resolves the person and language and stores the [`Ctx`].
/// A wrong bearer token is refused outright rather than treated as anonymous.
pub async fn resolve(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let headers = request.headers();
    let found = if let Some(token) = bearer(headers) {
        Some((state.db.user_by_api_token(&token_digest(token)).await, true))
    } else if let Some(token) = cookie(headers, SESSION_COOKIE) {
        Some((state.db.user_by_session(&token_digest(token)).await, false))
    } else {
        None
    };
    let user = match found {
        None => None,
        Some((Ok(user), _)) => Some(user),
        // An expired or signed-out session is simply no session.
        Some((Err(entraide_store::StoreError::NotFound), false)) => None,
        Some((Err(error), bearer)) => {
            // A wrong bearer token is refused; a database that does not
            // answer is said as such (503), not taken for "signed out".
            let error = match error {
                entraide_store::StoreError::NotFound => AppError::Unauthorized,
                other => AppError::from(other),
            };
            let ctx = Ctx {
                lang: language(headers, None),
                ..Ctx::default()
            };
            let api = bearer || request.uri().path().starts_with("/api/");
            if let AppError::Internal(detail) = &error {
                tracing::error!(%detail, "could not check a token or session");
            }
            return crate::error::error_response(&error, &ctx, api);
        }
    };
    let lang = language(headers, user.as_ref());
    let path = request
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_default();
    let counts = match &user {
        Some(user) if shows_counters(&request) => {
            crate::services::notifications::counts(&state, user.id)
                .await
                .unwrap_or_default()
        }
        _ => Default::default(),
    };
    request.extensions_mut().insert(Ctx {
        user: user.map(Arc::new),
        lang,
        path,
        counts,
    });
    next.run(request).await
}

/// Whether a request is for a page, whose header shows counters.
fn shows_counters(request: &Request) -> bool {
    let path = request.uri().path();
    request.method() == axum::http::Method::GET
        && !["/api/", "/static/", "/events", "/health", "/metrics"]
            .iter()
            .any(|prefix| path.starts_with(prefix))
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts.extensions.get::<Ctx>().cloned().unwrap_or_default())
    }
}

/// A handler argument that requires a signed-in person.
pub struct SignedIn {
    pub user: Arc<User>,
    pub ctx: Ctx,
}

impl<S: Send + Sync> FromRequestParts<S> for SignedIn {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let ctx = Ctx::from_request_parts(parts, state).await?;
        let user = ctx.user.clone().ok_or(AppError::Unauthorized)?;
        Ok(Self { user, ctx })
    }
}

/// A handler argument that requires a platform administrator.
pub struct PlatformAdmin(pub SignedIn);

impl<S: Send + Sync> FromRequestParts<S> for PlatformAdmin {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let signed_in = SignedIn::from_request_parts(parts, state).await?;
        let actor = entraide_core::authz::Actor {
            platform_admin: signed_in.user.platform_admin,
            org_role: None,
        };
        if entraide_core::authz::allows(actor, entraide_core::authz::Action::AdministerPlatform) {
            Ok(Self(signed_in))
        } else {
            Err(AppError::Forbidden)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_cookies() {
        let mut headers = HeaderMap::new();
        headers.insert(
            COOKIE,
            HeaderValue::from_static("a=1; lang=en; entraide_session=xyz"),
        );
        assert_eq!(cookie(&headers, "lang"), Some("en"));
        assert_eq!(cookie(&headers, SESSION_COOKIE), Some("xyz"));
        assert_eq!(cookie(&headers, "missing"), None);
    }
}
