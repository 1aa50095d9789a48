//! The page where a person registered with login + PIN takes their account
//! in hand: their own email and password, and which organisations keep
//! acting for them and seeing their safe.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Response};

use super::layout::Base;
use super::see_other;
use crate::auth::SignedIn;
use crate::error::AppError;
use crate::forms::{FormData, FormView, refuse};
use crate::services::handover::{self, HandoverInput, HandoverStatus};
use crate::state::AppState;

#[derive(Template, WebTemplate)]
#[template(path = "account/handover.html")]
pub struct HandoverPage {
    base: Base,
    status: HandoverStatus,
    form: FormView,
}

/// The form as it stands: each organisation ticked as it is now.
fn current(status: &HandoverStatus) -> FormView {
    let ids = |keep: fn(&handover::OrgChoice) -> bool| {
        status
            .organisations
            .iter()
            .filter(|o| keep(o))
            .map(|o| o.org_id.to_string())
            .collect()
    };
    FormView::default()
        .with("email", status.pending_email.clone().unwrap_or_default())
        .with_all("keep_consent", ids(|o| o.consent))
        .with_all("keep_share", ids(|o| o.shared))
}

pub async fn show(State(state): State<AppState>, me: SignedIn) -> Result<HandoverPage, AppError> {
    let status = handover::status(&state, &me.user).await?;
    Ok(HandoverPage {
        base: Base::new(&me.ctx, "handover-title"),
        form: current(&status),
        status,
    })
}

fn ids(form: &FormData, name: &str) -> Vec<i64> {
    form.all(name)
        .iter()
        .filter_map(|v| v.trim().parse().ok())
        .collect()
}

pub async fn submit(State(state): State<AppState>, me: SignedIn, form: FormData) -> Response {
    let input = HandoverInput {
        email: form.get("email").into(),
        password: form.get("password").into(),
        keep_consent: ids(&form, "keep_consent"),
        keep_share: ids(&form, "keep_share"),
    };
    match handover::hand_over(&state, &me.user, &input).await {
        Ok(()) => see_other("/me/handover?done=handover-started"),
        Err(error) => match handover::status(&state, &me.user).await {
            Ok(status) => refuse(error, &form, me.ctx.lang, |view| HandoverPage {
                base: Base::new(&me.ctx, "handover-title"),
                status,
                form: view,
            }),
            Err(other) => other.into_response(),
        },
    }
}
