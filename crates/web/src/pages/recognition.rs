//! Endorsing a helper from a done exchange's page, and withdrawing it; a
//! refusal shows the exchange's page again with the reason.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};

use super::exchanges::show_page;
use super::see_other;
use crate::auth::SignedIn;
use crate::error::AppError;
use crate::forms::{FormData, FormView};
use crate::services::recognition;
use crate::state::AppState;

/// The exchange's page again with the refusal, or the error itself when it
/// is not about the form.
async fn refused(
    state: &AppState,
    me: &SignedIn,
    id: i64,
    form: &FormData,
    error: AppError,
) -> Response {
    match error {
        AppError::Internal(_)
        | AppError::NotFound
        | AppError::Forbidden
        | AppError::Unauthorized => error.into_response(),
        error => {
            let view = FormView::from_data(form).with_error(&error, me.ctx.lang);
            match show_page(state, me, id, view).await {
                Ok(page) => (error.status(), page).into_response(),
                Err(other) => other.into_response(),
            }
        }
    }
}

/// `helper` and `skill` from the form.
pub async fn endorse(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    form: FormData,
) -> Response {
    let helper = form.get("helper").trim().parse().ok();
    match recognition::endorse(&state, &me.user, id, helper, form.get("skill")).await {
        Ok(()) => see_other(&format!("/exchanges/{id}?done=endorsed")),
        Err(error) => refused(&state, &me, id, &form, error).await,
    }
}

pub async fn withdraw(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    form: FormData,
) -> Response {
    let helper = form.get("helper").trim().parse().ok();
    match recognition::withdraw(&state, &me.user, id, helper, form.get("skill")).await {
        Ok(()) => see_other(&format!("/exchanges/{id}?done=endorsement-withdrawn")),
        Err(error) => refused(&state, &me, id, &form, error).await,
    }
}
