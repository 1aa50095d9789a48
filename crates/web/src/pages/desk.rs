//! The desk sessions page of an accompanied person, for the staff of an
//! organisation accompanying them: the sessions of their organisation and
//! the form recording a new one. The person reads theirs on their safe's
//! page.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use entraide_core::desk::Topic;

use super::layout::Base;
use super::see_other;
use crate::auth::SignedIn;
use crate::error::AppError;
use crate::forms::{FormData, FormView, refuse};
use crate::services::desk::{self, SessionInput, SessionView};
use crate::state::AppState;

#[derive(Template, WebTemplate)]
#[template(path = "safe/sessions.html")]
pub struct SessionsPage {
    base: Base,
    person_id: i64,
    sessions: Vec<SessionView>,
    topics: &'static [Topic],
    can_record: bool,
    form: FormView,
}

async fn page(
    state: &AppState,
    me: &SignedIn,
    person: i64,
    form: FormView,
) -> Result<SessionsPage, AppError> {
    let sessions = desk::list(state, &me.user, person).await?;
    let name = state.db.user(person).await?.display_name;
    Ok(SessionsPage {
        base: Base::titled(
            &me.ctx,
            me.ctx.lang.t_with("desk-title-of", &[("name", name)]),
        ),
        person_id: person,
        sessions,
        topics: Topic::ALL,
        can_record: desk::may_record(state, &me.user, person).await,
        form,
    })
}

pub async fn show(
    State(state): State<AppState>,
    me: SignedIn,
    Path(person): Path<i64>,
) -> Result<SessionsPage, AppError> {
    let today = crate::services::exchanges::today().to_string();
    page(
        &state,
        &me,
        person,
        FormView::default().with("held_on", today),
    )
    .await
}

pub async fn record(
    State(state): State<AppState>,
    me: SignedIn,
    Path(person): Path<i64>,
    form: FormData,
) -> Response {
    let input = SessionInput {
        held_on: form.get("held_on").into(),
        topics: form.all("topics"),
        topics_other: form.get("topics_other").into(),
        next_steps: form.get("next_steps").into(),
    };
    match desk::record(&state, &me.user, person, &input).await {
        Ok(_) => see_other(&format!(
            "/people/{person}/safe/sessions?done=session-added"
        )),
        Err(error) => match page(&state, &me, person, FormView::default()).await {
            Ok(shown) => refuse(error, &form, me.ctx.lang, |view| SessionsPage {
                form: view,
                ..shown
            }),
            Err(_) => error.into_response(),
        },
    }
}
