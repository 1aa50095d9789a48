//! Saying thanks: to anyone whose profile one may see, with an optional
//! word and optionally for an exchange both took part in, within a small
//! daily allowance; the person thanked is notified
//! and the thanks show on their profile.

use entraide_core::notify::{Kind, paris_now};
use entraide_core::{Invalid, ParseError};
use entraide_store::thanks::Thanks;
use entraide_store::users::User;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::AppError;
use crate::services::notifications::{Event, notify};
use crate::state::AppState;

/// Midnight today in France, as a Unix time: allowances renew then.
pub fn day_start() -> i64 {
    let now = paris_now();
    now.replace_time(time::Time::MIDNIGHT).unix_timestamp()
}

/// Thanks `to`; returns how many thanks are left today.
pub async fn give(
    state: &AppState,
    user: &User,
    to: i64,
    message: &str,
    exchange: Option<i64>,
) -> Result<i64, AppError> {
    if to == user.id {
        return Err(AppError::Conflict("thanks-self"));
    }
    crate::services::profiles::view_person(state, user, to).await?;
    if let Some(exchange) = exchange {
        took_part_together(state, exchange, user.id, to).await?;
    }
    let message = message.trim();
    if message.chars().count() > 500 {
        return Err(AppError::field(ParseError::new(
            "thanks_message",
            Invalid::TooLong,
        )));
    }
    if message
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r')
    {
        return Err(AppError::field(ParseError::new(
            "thanks_message",
            Invalid::Characters,
        )));
    }
    let start = day_start();
    if state
        .db
        .give_thanks(user.id, to, message, exchange, start)
        .await?
        .is_none()
    {
        return Err(AppError::Conflict("thanks-allowance"));
    }
    let subject: String = message.chars().take(80).collect();
    if let Err(error) = notify(
        state,
        &[to],
        Event {
            kind: Kind::Thanks,
            actor_id: Some(user.id),
            subject: &subject,
            link: match exchange {
                Some(exchange) => format!("/exchanges/{exchange}"),
                None => format!("/people/{to}"),
            },
            dedup: None,
            collapse: false,
        },
    )
    .await
    {
        tracing::error!(%error, "could not notify thanks");
    }
    Ok(state.db.thanks_left(user.id, start).await?)
}

/// Thanks for an exchange go between two people who both took part in it:
/// its owner, or someone who was chosen or helped.
async fn took_part_together(
    state: &AppState,
    exchange: i64,
    from: i64,
    to: i64,
) -> Result<(), AppError> {
    let owner = state.db.exchange(exchange).await?.owner_id;
    let participants = state.db.participants(exchange).await?;
    let took_part = |person: i64| {
        person == owner
            || participants
                .iter()
                .any(|p| p.user_id == person && matches!(p.part.as_str(), "accepted" | "helped"))
    };
    if took_part(from) && took_part(to) {
        Ok(())
    } else {
        Err(AppError::field(ParseError::new(
            "exchange",
            Invalid::Choice,
        )))
    }
}

/// What a profile shows of the thanks a person received.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Received {
    pub count: i64,
    pub latest: Vec<Thanks>,
    /// Thanks the viewer may still give today.
    pub left_today: i64,
}

pub async fn received(state: &AppState, viewer: &User, person: i64) -> Result<Received, AppError> {
    let (count, latest) = state.db.thanks_received(person, 5).await?;
    Ok(Received {
        count,
        latest,
        left_today: state.db.thanks_left(viewer.id, day_start()).await?,
    })
}
