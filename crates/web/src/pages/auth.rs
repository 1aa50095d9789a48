//! Sign-up, sign-in (password or PIN), sign-out, email verification,
//! password reset and the language switch.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::layout::Base;
use super::{safe_next, see_other, see_other_with_cookie};
use crate::auth::{Ctx, LANG_COOKIE, SESSION_COOKIE, SignedIn, cookie, set_cookie};
use crate::error::AppError;
use crate::forms::{FormData, FormView, refuse};
use crate::ratelimit::ClientIp;
use crate::services::accounts::{self, LoginInput, PinLoginInput, SignUpInput};
use crate::state::AppState;
use entraide_store::tokens::SESSION_SECONDS;

#[derive(Template, WebTemplate)]
#[template(path = "auth/signup.html")]
pub struct SignUpPage {
    base: Base,
    form: FormView,
}

pub async fn signup_page(ctx: Ctx) -> SignUpPage {
    SignUpPage {
        base: Base::new(&ctx, "signup-title"),
        form: FormView::default(),
    }
}

pub async fn signup(
    State(state): State<AppState>,
    ctx: Ctx,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    form: FormData,
) -> Response {
    match accounts::sign_up(&state, ctx.lang, ip, &SignUpInput::from_form(&form)).await {
        Ok(user) => match accounts::start_session(&state, &user, "password").await {
            Ok(token) => signed_in(&state, &headers, &token, "/me/edit?done=welcome").await,
            Err(error) => error.into_response(),
        },
        Err(error) => refuse(error, &form, ctx.lang, |form| SignUpPage {
            base: Base::new(&ctx, "signup-title"),
            form,
        }),
    }
}

/// Sets the new session's cookie. A session the browser held before is
/// ended on the server: a sign-in never keeps a session from before it
/// alive (someone else's on a shared computer, or one planted earlier).
async fn signed_in(state: &AppState, before: &HeaderMap, token: &str, to: &str) -> Response {
    if let Some(old) = cookie(before, SESSION_COOKIE)
        && let Err(error) = accounts::end_session(state, old).await
    {
        return error.into_response();
    }
    see_other_with_cookie(
        to,
        set_cookie(
            SESSION_COOKIE,
            token,
            SESSION_SECONDS,
            state.config.secure_cookies(),
        ),
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NextQuery {
    next: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "auth/login.html")]
pub struct LoginPage {
    base: Base,
    form: FormView,
}

pub async fn login_page(ctx: Ctx, Query(query): Query<NextQuery>) -> LoginPage {
    let form = FormView::default().with("next", safe_next(&query.next));
    LoginPage {
        base: Base::new(&ctx, "login-title"),
        form,
    }
}

pub async fn login(
    State(state): State<AppState>,
    ctx: Ctx,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    form: FormData,
) -> Response {
    let input = LoginInput {
        email: form.get("email").into(),
        password: form.get("password").into(),
    };
    let result = match accounts::check_password(&state, ip, &input).await {
        Ok(user) => accounts::start_session(&state, &user, "password").await,
        Err(error) => Err(error),
    };
    match result {
        Ok(token) => signed_in(&state, &headers, &token, safe_next(form.get("next"))).await,
        Err(error) => refuse(error, &form, ctx.lang, |form| LoginPage {
            base: Base::new(&ctx, "login-title"),
            form,
        }),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "auth/pin.html")]
pub struct PinPage {
    base: Base,
    form: FormView,
}

pub async fn pin_page(ctx: Ctx) -> PinPage {
    PinPage {
        base: Base::new(&ctx, "pin-title"),
        form: FormView::default(),
    }
}

pub async fn pin_login(
    State(state): State<AppState>,
    ctx: Ctx,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    form: FormData,
) -> Response {
    let input = PinLoginInput {
        login: form.get("login").into(),
        pin: form.get("pin").into(),
    };
    let result = match accounts::check_pin(&state, ip, &input).await {
        Ok(user) => accounts::start_session(&state, &user, "pin").await,
        Err(error) => Err(error),
    };
    match result {
        Ok(token) => signed_in(&state, &headers, &token, "/").await,
        Err(error) => refuse(error, &form, ctx.lang, |form| PinPage {
            base: Base::new(&ctx, "pin-title"),
            form,
        }),
    }
}

pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        accounts::end_session(&state, token).await?;
    }
    Ok(see_other_with_cookie(
        "/?done=signed-out",
        set_cookie(SESSION_COOKIE, "", 0, state.config.secure_cookies()),
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TokenQuery {
    token: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "auth/message.html")]
pub struct MessagePage {
    base: Base,
    message: String,
    link: Option<(String, String)>,
}

pub async fn verify(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<TokenQuery>,
) -> Response {
    match accounts::verify_email(&state, &query.token).await {
        Ok((_, false)) => MessagePage {
            base: Base::new(&ctx, "verify-title"),
            message: ctx.lang.t("verify-done"),
            link: Some(("/".into(), ctx.lang.t("nav-home"))),
        }
        .into_response(),
        Ok((_, true)) => MessagePage {
            base: Base::new(&ctx, "verify-title"),
            message: ctx.lang.t("handover-verified"),
            link: Some(("/login".into(), ctx.lang.t("handover-sign-in"))),
        }
        .into_response(),
        Err(AppError::NotFound) => (
            axum::http::StatusCode::NOT_FOUND,
            MessagePage {
                base: Base::new(&ctx, "verify-title"),
                message: ctx.lang.t("error-link-expired"),
                link: None,
            },
        )
            .into_response(),
        Err(error) => error.into_response(),
    }
}

pub async fn resend_verification(
    State(state): State<AppState>,
    me: SignedIn,
    ClientIp(ip): ClientIp,
) -> Result<Response, AppError> {
    // The same limit as sign-up: nobody can flood an inbox with links.
    state.limits.check_signup(ip)?;
    let email = me
        .user
        .email
        .clone()
        .ok_or(AppError::Conflict("no-email"))?;
    if me.user.email_verified_at.is_some() {
        return Ok(see_other("/me"));
    }
    accounts::send_verification(&state, me.ctx.lang, me.user.id, &email).await?;
    Ok(see_other("/me?done=verification-sent"))
}

#[derive(Template, WebTemplate)]
#[template(path = "auth/forgot.html")]
pub struct ForgotPage {
    base: Base,
    form: FormView,
}

pub async fn forgot_page(ctx: Ctx) -> ForgotPage {
    ForgotPage {
        base: Base::new(&ctx, "forgot-title"),
        form: FormView::default(),
    }
}

pub async fn forgot(
    State(state): State<AppState>,
    ctx: Ctx,
    ClientIp(ip): ClientIp,
    form: FormData,
) -> Response {
    match accounts::forgot_password(&state, ctx.lang, ip, form.get("email")).await {
        Ok(()) => MessagePage {
            base: Base::new(&ctx, "forgot-title"),
            message: ctx.lang.t("forgot-sent"),
            link: None,
        }
        .into_response(),
        Err(error) => refuse(error, &form, ctx.lang, |form| ForgotPage {
            base: Base::new(&ctx, "forgot-title"),
            form,
        }),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "auth/reset.html")]
pub struct ResetPage {
    base: Base,
    form: FormView,
}

pub async fn reset_page(ctx: Ctx, Query(query): Query<TokenQuery>) -> ResetPage {
    ResetPage {
        base: Base::new(&ctx, "reset-title"),
        form: FormView::default().with("token", query.token),
    }
}

pub async fn reset(State(state): State<AppState>, ctx: Ctx, form: FormData) -> Response {
    match accounts::reset_password(&state, form.get("token"), form.get("password")).await {
        Ok(_) => see_other("/login?done=password-changed"),
        Err(error) => refuse(error, &form, ctx.lang, |form| ResetPage {
            base: Base::new(&ctx, "reset-title"),
            form,
        }),
    }
}

/// Switches the language (a link, so it works everywhere without a form)
/// and remembers it for signed-in people.
pub async fn switch_language(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Query(query): Query<NextQuery>,
) -> Result<Response, AppError> {
    let lang = crate::i18n::Lang::from_code(&code).ok_or(AppError::NotFound)?;
    if let Some(id) = ctx.user_id() {
        state.db.set_locale(id, lang.code()).await?;
    }
    let cookie = set_cookie(
        LANG_COOKIE,
        lang.code(),
        365 * 86_400,
        state.config.secure_cookies(),
    );
    Ok(see_other_with_cookie(safe_next(&query.next), cookie))
}
