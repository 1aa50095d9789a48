//! The home page: what one can do here, and signs of a living neighbourhood.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;

use super::layout::Base;
use crate::auth::Ctx;
use crate::error::AppError;
use crate::state::AppState;

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
pub struct HomePage {
    base: Base,
    signed_in: bool,
    people: i64,
    organisations: i64,
}

pub async fn home(State(state): State<AppState>, ctx: Ctx) -> Result<HomePage, AppError> {
    let counts = state.home_counts.get(&state.db).await?;
    Ok(HomePage {
        signed_in: ctx.user.is_some(),
        base: Base::new(&ctx, "home-title"),
        people: counts.people,
        organisations: counts.organisations,
    })
}
