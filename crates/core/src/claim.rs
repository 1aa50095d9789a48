//! Time given for an exchange, from "done" to credited: the person helped
//! confirms it (or it counts as confirmed once the bank's delay passes),
//! or disputes it, and then the bank's administrators settle it. Who may
//! take which step from which state is decided here; the store applies a
//! step only if the state it read is still the state in the database.

use crate::role::keyed_enum;

keyed_enum!(
    /// Where a claim of time stands.
    ClaimState, "claim_state" {
        Pending => "pending",
        Confirmed => "confirmed",
        Disputed => "disputed",
        Cancelled => "cancelled",
    }
);

keyed_enum!(
    /// Something done to a claim: the helper corrects the time (adjust) or
    /// stops asking for it (withdraw); the person helped confirms or
    /// disputes; time confirms once the delay passed (auto_confirm); the
    /// bank's administrators settle a dispute, paid by the person helped
    /// (settle) or by the organisation (pay_collective), or cancel it.
    ClaimStep, "step" {
        Adjust => "adjust",
        Withdraw => "withdraw",
        Confirm => "confirm",
        Dispute => "dispute",
        AutoConfirm => "auto_confirm",
        Settle => "settle",
        PayCollective => "pay_collective",
        Cancel => "cancel",
    }
);

/// Who takes a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    Helper,
    Helped,
    /// The bank's administrators.
    Bank,
    /// The scheduled run, once the delay has passed.
    Time,
}

/// A step refused from the current state or by this party; nothing changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{party:?} cannot {step:?} a claim that is {state:?}")]
pub struct Refused {
    pub state: ClaimState,
    pub step: ClaimStep,
    pub party: Party,
}

impl ClaimStep {
    /// The only party that may take this step.
    pub fn party(self) -> Party {
        match self {
            Self::Adjust | Self::Withdraw => Party::Helper,
            Self::Confirm | Self::Dispute => Party::Helped,
            Self::AutoConfirm => Party::Time,
            Self::Settle | Self::PayCollective | Self::Cancel => Party::Bank,
        }
    }

    /// Whether taking it moves minutes.
    pub fn pays(self) -> bool {
        matches!(
            self,
            Self::Confirm | Self::AutoConfirm | Self::Settle | Self::PayCollective
        )
    }
}

impl ClaimState {
    /// Whether nothing can happen to it any more.
    pub fn is_final(self) -> bool {
        matches!(self, Self::Confirmed | Self::Cancelled)
    }
}

/// The claim's state after `step` taken by `party`, or why not.
pub fn claim_step(state: ClaimState, step: ClaimStep, party: Party) -> Result<ClaimState, Refused> {
    use ClaimState::*;
    use ClaimStep::*;
    let refused = Refused { state, step, party };
    if step.party() != party {
        return Err(refused);
    }
    let next = match (step, state) {
        (Adjust, Pending) => Pending,
        (Withdraw, Pending | Disputed) => Cancelled,
        // The person helped may drop their own dispute by confirming.
        (Confirm, Pending | Disputed) => Confirmed,
        (Dispute, Pending) => Disputed,
        (AutoConfirm, Pending) => Confirmed,
        (Settle | PayCollective, Disputed) => Confirmed,
        (Cancel, Pending | Disputed) => Cancelled,
        _ => return Err(refused),
    };
    Ok(next)
}

/// The time first claimed for an exchange: its length when it was a
/// one-off with both times given, otherwise an hour (the helper corrects it).
pub fn first_claim_minutes(time_from: Option<i64>, time_to: Option<i64>) -> i64 {
    match (time_from, time_to) {
        (Some(from), Some(to)) if to > from => (to - from).min(crate::ledger::MAX_MINUTES),
        _ => 60,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ClaimState::*;
    use ClaimStep::*;

    /// Every (state, step) pair, taken by the step's own party, written
    /// out: a change of rule must be a visible change of this table.
    #[test]
    fn the_whole_table() {
        let table = [
            (Pending, Adjust, Some(Pending)),
            (Pending, Withdraw, Some(Cancelled)),
            (Pending, Confirm, Some(Confirmed)),
            (Pending, Dispute, Some(Disputed)),
            (Pending, AutoConfirm, Some(Confirmed)),
            (Pending, Settle, None),
            (Pending, PayCollective, None),
            (Pending, Cancel, Some(Cancelled)),
            (Disputed, Adjust, None),
            (Disputed, Withdraw, Some(Cancelled)),
            (Disputed, Confirm, Some(Confirmed)),
            (Disputed, Dispute, None),
            (Disputed, AutoConfirm, None),
            (Disputed, Settle, Some(Confirmed)),
            (Disputed, PayCollective, Some(Confirmed)),
            (Disputed, Cancel, Some(Cancelled)),
        ];
        for (state, step, expected) in table {
            assert_eq!(
                claim_step(state, step, step.party()).ok(),
                expected,
                "{state:?} {step:?}"
            );
        }
        for state in [Confirmed, Cancelled] {
            for step in ClaimStep::ALL {
                assert!(claim_step(state, *step, step.party()).is_err());
            }
        }
    }

    #[test]
    fn only_the_steps_own_party_may_take_it() {
        for step in ClaimStep::ALL {
            for party in [Party::Helper, Party::Helped, Party::Bank, Party::Time] {
                if party != step.party() {
                    assert!(claim_step(Pending, *step, party).is_err());
                    assert!(claim_step(Disputed, *step, party).is_err());
                }
            }
        }
    }

    #[test]
    fn paying_steps_end_confirmed() {
        for step in ClaimStep::ALL {
            for state in [Pending, Disputed] {
                if let Ok(next) = claim_step(state, *step, step.party()) {
                    assert_eq!(next == Confirmed, step.pays(), "{step:?}");
                }
            }
        }
    }

    #[test]
    fn first_claim_is_the_exchanges_length_or_an_hour() {
        assert_eq!(first_claim_minutes(Some(600), Some(690)), 90);
        assert_eq!(first_claim_minutes(Some(600), None), 60);
        assert_eq!(first_claim_minutes(Some(700), Some(600)), 60);
        assert_eq!(first_claim_minutes(None, None), 60);
    }
}
