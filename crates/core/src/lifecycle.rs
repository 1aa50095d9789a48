//! The life of an exchange, as an explicit state machine: which steps are
//! legal from which state, and who takes them. The store applies a step
//! only if the state it read is still the state in the database, so two
//! people acting at once cannot both win.
//!
//! The owner is the person who posted (for a need: the person helped; for
//! an offer: the helper), or someone acting for them. A participant is the
//! other side: for a need, a helper who was invited or who responded; for an
//! offer, a person who asked to benefit from it.

use crate::role::keyed_enum;

keyed_enum!(
    /// Where an exchange stands.
    ExchangeState, "state" {
        Open => "open",
        Scheduled => "scheduled",
        Done => "done",
        Cancelled => "cancelled",
        Expired => "expired",
    }
);

keyed_enum!(
    /// Where one participant stands in an exchange.
    Part, "part" {
        Invited => "invited",
        Responded => "responded",
        Accepted => "accepted",
        Declined => "declined",
        NotChosen => "not_chosen",
        Withdrawn => "withdrawn",
        Helped => "helped",
        NoShow => "no_show",
    }
);

keyed_enum!(
    /// Something a person does to a participation.
    Step, "step" {
        Invite => "invite",
        Respond => "respond",
        AcceptInvitation => "accept_invitation",
        DeclineInvitation => "decline_invitation",
        Choose => "choose",
        TurnDown => "turn_down",
        Withdraw => "withdraw",
        MarkNoShow => "mark_no_show",
    }
);

keyed_enum!(
    /// Something the owner (or time) does to the whole exchange.
    ExchangeStep, "step" {
        Complete => "complete",
        Cancel => "cancel",
        Expire => "expire",
    }
);

/// Which side may take a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Owner,
    Participant,
}

/// A step that is not allowed from the current state; nothing changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("cannot {step} while the exchange is {exchange:?} and the participation is {part:?}")]
pub struct Illegal {
    pub step: &'static str,
    pub exchange: ExchangeState,
    pub part: Option<Part>,
}

impl Step {
    pub fn side(self) -> Side {
        match self {
            Self::Invite | Self::Choose | Self::TurnDown | Self::MarkNoShow => Side::Owner,
            Self::Respond | Self::AcceptInvitation | Self::DeclineInvitation | Self::Withdraw => {
                Side::Participant
            }
        }
    }
}

impl ExchangeState {
    /// Whether nothing can happen to it any more.
    pub fn is_closed(self) -> bool {
        matches!(self, Self::Done | Self::Cancelled | Self::Expired)
    }
}

impl Part {
    /// Counts towards the helpers wanted.
    pub fn is_accepted(self) -> bool {
        self == Self::Accepted
    }
}

/// The participation after `step`, or why it cannot happen. `part` is the
/// current participation (`None`: the person has none yet).
pub fn step(exchange: ExchangeState, part: Option<Part>, step: Step) -> Result<Part, Illegal> {
    use ExchangeState::{Open, Scheduled};
    use Part::*;
    let live = matches!(exchange, Open | Scheduled);
    let next = match (step, part) {
        // Inviting again someone who declined or withdrew is allowed: they may
        // have changed their mind, and they can decline again.
        (Step::Invite, None | Some(Declined | Withdrawn | NotChosen)) if live => Some(Invited),
        (Step::Respond, None | Some(Declined | Withdrawn)) if live => Some(Responded),
        (Step::AcceptInvitation, Some(Invited)) if live => Some(Accepted),
        (Step::DeclineInvitation, Some(Invited)) if live => Some(Declined),
        (Step::Choose, Some(Responded)) if live => Some(Accepted),
        (Step::TurnDown, Some(Responded)) if live => Some(NotChosen),
        (Step::Withdraw, Some(Responded | Accepted)) if live => Some(Withdrawn),
        (Step::MarkNoShow, Some(Accepted)) if exchange == Scheduled => Some(NoShow),
        (Step::MarkNoShow, Some(Helped)) if exchange == ExchangeState::Done => Some(NoShow),
        _ => None,
    };
    next.ok_or(Illegal {
        step: step.key(),
        exchange,
        part,
    })
}

/// The exchange's state once its participations changed: open while nobody
/// is accepted, scheduled as soon as someone is.
pub fn settle(exchange: ExchangeState, accepted: usize) -> ExchangeState {
    match exchange {
        ExchangeState::Open | ExchangeState::Scheduled if accepted > 0 => ExchangeState::Scheduled,
        ExchangeState::Open | ExchangeState::Scheduled => ExchangeState::Open,
        closed => closed,
    }
}

/// The exchange after an owner's (or time's) step.
pub fn exchange_step(
    exchange: ExchangeState,
    step: ExchangeStep,
) -> Result<ExchangeState, Illegal> {
    use ExchangeState::*;
    let next = match (step, exchange) {
        (ExchangeStep::Complete, Scheduled) => Some(Done),
        (ExchangeStep::Cancel, Open | Scheduled) => Some(Cancelled),
        (ExchangeStep::Expire, Open) => Some(Expired),
        _ => None,
    };
    next.ok_or(Illegal {
        step: step.key(),
        exchange,
        part: None,
    })
}

/// What happens to a participation when the whole exchange closes: accepted
/// helpers of a completed exchange helped; pending ones were not chosen.
pub fn on_close(closing: ExchangeState, part: Part) -> Part {
    match (closing, part) {
        (ExchangeState::Done, Part::Accepted) => Part::Helped,
        (_, Part::Invited | Part::Responded) => Part::NotChosen,
        (_, other) => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ExchangeState::*;
    use Part::*;

    /// Every (state, participation, step) triple, written out: a change of
    /// rule must be a visible change of this table.
    #[test]
    fn participation_transitions() {
        let legal: &[(ExchangeState, Option<Part>, Step, Part)] = &[
            (Open, None, Step::Invite, Invited),
            (Open, Some(Declined), Step::Invite, Invited),
            (Open, Some(Withdrawn), Step::Invite, Invited),
            (Open, Some(NotChosen), Step::Invite, Invited),
            (Open, None, Step::Respond, Responded),
            (Open, Some(Declined), Step::Respond, Responded),
            (Open, Some(Withdrawn), Step::Respond, Responded),
            (Open, Some(Invited), Step::AcceptInvitation, Accepted),
            (Open, Some(Invited), Step::DeclineInvitation, Declined),
            (Open, Some(Responded), Step::Choose, Accepted),
            (Open, Some(Responded), Step::TurnDown, NotChosen),
            (Open, Some(Responded), Step::Withdraw, Withdrawn),
            (Open, Some(Accepted), Step::Withdraw, Withdrawn),
            (Scheduled, Some(Accepted), Step::MarkNoShow, NoShow),
            (Done, Some(Helped), Step::MarkNoShow, NoShow),
        ];
        let parts: Vec<Option<Part>> = std::iter::once(None)
            .chain(Part::ALL.iter().copied().map(Some))
            .collect();
        for exchange in ExchangeState::ALL {
            for part in &parts {
                for s in Step::ALL {
                    let expected = legal
                        .iter()
                        .find(|(e, p, st, _)| {
                            // Open and Scheduled accept the same participation
                            // steps, except no-show which needs a date fixed.
                            let same_state = *e == *exchange
                                || (*e == Open
                                    && *exchange == Scheduled
                                    && *st != Step::MarkNoShow);
                            same_state && p == part && st == s
                        })
                        .map(|(_, _, _, next)| *next);
                    let got = step(*exchange, *part, *s).ok();
                    assert_eq!(got, expected, "{exchange:?} {part:?} {s:?}");
                }
            }
        }
    }

    #[test]
    fn illegal_steps_say_what_was_refused() {
        let refused = step(Cancelled, Some(Invited), Step::AcceptInvitation);
        assert_eq!(
            refused,
            Err(Illegal {
                step: "accept_invitation",
                exchange: Cancelled,
                part: Some(Invited)
            })
        );
    }

    #[test]
    fn exchange_transitions() {
        for from in ExchangeState::ALL {
            for s in ExchangeStep::ALL {
                let expected = match (s, from) {
                    (ExchangeStep::Complete, Scheduled) => Some(Done),
                    (ExchangeStep::Cancel, Open | Scheduled) => Some(Cancelled),
                    (ExchangeStep::Expire, Open) => Some(Expired),
                    _ => None,
                };
                assert_eq!(exchange_step(*from, *s).ok(), expected, "{from:?} {s:?}");
            }
        }
    }

    #[test]
    fn accepting_schedules_and_withdrawing_reopens() {
        assert_eq!(settle(Open, 1), Scheduled);
        assert_eq!(settle(Scheduled, 0), Open);
        assert_eq!(settle(Open, 0), Open);
        assert_eq!(settle(Done, 0), Done);
        assert_eq!(settle(Cancelled, 3), Cancelled);
    }

    #[test]
    fn closing_settles_every_participation() {
        assert_eq!(on_close(Done, Accepted), Helped);
        assert_eq!(on_close(Done, Invited), NotChosen);
        assert_eq!(on_close(Cancelled, Accepted), Accepted);
        assert_eq!(on_close(Cancelled, Responded), NotChosen);
        assert_eq!(on_close(Done, Declined), Declined);
        assert_eq!(Step::Invite.side(), Side::Owner);
        assert_eq!(Step::AcceptInvitation.side(), Side::Participant);
        assert!(Expired.is_closed() && !Scheduled.is_closed());
    }
}
