//! One need or offer as a given viewer may see it: the exact place and the
//! participants only for its owner side; for anyone else, the shown
//! position and their own participation.

use entraide_core::lifecycle::{ExchangeState, Part, Step, step};
use entraide_store::exchanges::Exchange;
use entraide_store::users::User;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::AppError;
use crate::services::exchanges::{ExchangeCard, Standing, standing};
use crate::state::AppState;

/// The exact place, for the owner side only.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ExactPlace {
    pub label: Option<String>,
    /// The place is the owner's home.
    pub at_home: bool,
    pub lat: f64,
    pub lng: f64,
}

/// A participant, as the owner side sees them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ParticipantView {
    pub person_id: i64,
    pub display_name: String,
    pub part: String,
    pub message: String,
    /// Steps the viewer may take on this participation now.
    pub steps: Vec<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ExchangeDetail {
    #[serde(flatten)]
    pub card: ExchangeCard,
    pub description: String,
    pub languages: Vec<String>,
    pub owner_id: i64,
    /// True when the viewer owns it or acts for its owner.
    pub manages: bool,
    /// True when the viewer acts for the owner (their acts are logged).
    pub acting_for: bool,
    pub place: Option<ExactPlace>,
    /// Everyone taking part (owner side only; empty otherwise).
    pub participants: Vec<ParticipantView>,
    /// The viewer's own participation, if any.
    pub my_part: Option<String>,
    /// Steps the viewer may take on their own participation now.
    pub my_steps: Vec<String>,
    /// Whether someone could still be invited (open or scheduled, places
    /// left).
    pub can_invite: bool,
    /// Whether the owner side may complete or cancel it now.
    pub can_complete: bool,
    pub can_cancel: bool,
}

/// The steps of `side_steps` that the state machine allows now; once every
/// place is taken, no step that would accept someone more.
fn legal(
    exchange: ExchangeState,
    part: Option<Part>,
    side_steps: &[Step],
    full: bool,
) -> Vec<String> {
    side_steps
        .iter()
        .filter(|s| step(exchange, part, **s).is_ok_and(|next| !(full && next.is_accepted())))
        .map(|s| s.key().to_owned())
        .collect()
}

pub async fn detail(
    state: &AppState,
    viewer: &User,
    exchange: &Exchange,
) -> Result<ExchangeDetail, AppError> {
    let standing = standing(state, viewer, exchange).await?;
    let current = ExchangeState::parse(&exchange.state).map_err(AppError::internal)?;
    let manages = standing.manages();
    let full = exchange.accepted >= exchange.helpers_wanted;
    let participants = if manages {
        state
            .db
            .participants(exchange.id)
            .await?
            .into_iter()
            .map(|p| {
                let part = Part::parse(&p.part).ok();
                ParticipantView {
                    steps: legal(
                        current,
                        part,
                        &[Step::Choose, Step::TurnDown, Step::MarkNoShow],
                        full,
                    ),
                    person_id: p.user_id,
                    display_name: p.display_name,
                    part: p.part,
                    message: p.message,
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    let my_part = if manages {
        None
    } else {
        state.db.participation(exchange.id, viewer.id).await?
    };
    let my_steps = if manages {
        Vec::new()
    } else {
        legal(
            current,
            my_part,
            &[
                Step::Respond,
                Step::AcceptInvitation,
                Step::DeclineInvitation,
                Step::Withdraw,
            ],
            full,
        )
    };
    Ok(ExchangeDetail {
        card: ExchangeCard::new(exchange, viewer),
        description: exchange.description.clone(),
        languages: exchange.language_keys(),
        owner_id: exchange.owner_id,
        manages,
        acting_for: standing == Standing::ActingFor,
        place: if manages {
            // The owner's home: the viewer's own when they are the owner.
            let owner = if standing == Standing::Owner {
                viewer.clone()
            } else {
                state.db.user(exchange.owner_id).await?
            };
            Some(ExactPlace {
                label: exchange.place_label.clone(),
                at_home: owner.home_lat == Some(exchange.lat)
                    && owner.home_lng == Some(exchange.lng),
                lat: exchange.lat,
                lng: exchange.lng,
            })
        } else {
            None
        },
        participants,
        my_part: my_part.map(|p| p.key().to_owned()),
        my_steps,
        can_invite: manages && !current.is_closed() && !full,
        can_complete: manages && current == ExchangeState::Scheduled,
        can_cancel: manages && !current.is_closed(),
    })
}
