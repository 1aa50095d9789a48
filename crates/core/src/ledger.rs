//! Time credits as a ledger: minutes as people write them, a bank's limits,
//! and the rule every movement obeys. Mutual credit: what one account loses
//! another gains, so a bank's balances always add up to zero, and no
//! balance goes below the bank's floor or above its ceiling. Corrections
//! reverse a movement; nothing is edited or deleted. The store applies the
//! same rule in SQL; [`Ledger`] is the model the property tests run.

use std::collections::HashMap;

use crate::Invalid;

/// A positive amount of time, at most 100 hours, in minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Minutes(i64);

/// The most one movement may carry.
pub const MAX_MINUTES: i64 = 100 * 60;

impl Minutes {
    pub fn new(minutes: i64) -> Result<Self, Invalid> {
        if (1..=MAX_MINUTES).contains(&minutes) {
            Ok(Self(minutes))
        } else {
            Err(Invalid::Range)
        }
    }

    /// Reads the two fields of a form: hours (0–100) and minutes (0–59).
    pub fn from_parts(hours: &str, minutes: &str) -> Result<Self, Invalid> {
        let read = |text: &str, max: i64| -> Result<i64, Invalid> {
            match text.trim() {
                "" => Ok(0),
                text => text
                    .parse::<i64>()
                    .ok()
                    .filter(|n| (0..=max).contains(n))
                    .ok_or(Invalid::Range),
            }
        };
        let total = read(hours, MAX_MINUTES / 60)? * 60 + read(minutes, 59)?;
        if total == 0 {
            return Err(Invalid::Required);
        }
        Self::new(total)
    }

    pub fn get(self) -> i64 {
        self.0
    }
}

/// How far a bank lets balances go, in minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Lowest balance (zero or negative).
    pub floor: i64,
    /// Highest balance (zero or positive).
    pub ceiling: i64,
}

impl Default for Limits {
    /// −10 h and +100 h.
    fn default() -> Self {
        Self {
            floor: -600,
            ceiling: 6000,
        }
    }
}

impl Limits {
    pub fn new(floor: i64, ceiling: i64) -> Result<Self, Invalid> {
        if floor > 0 || ceiling < 0 {
            return Err(Invalid::Range);
        }
        Ok(Self { floor, ceiling })
    }
}

/// Why a movement was refused; nothing changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("the payer would go below the bank's floor")]
    Floor,
    #[error("the payee would go above the bank's ceiling")]
    Ceiling,
    #[error("an account cannot pay itself")]
    SameAccount,
    #[error("this movement was already reversed")]
    AlreadyReversed,
    #[error("a reversal cannot be reversed")]
    NotReversible,
    #[error("no such movement or account")]
    Unknown,
}

impl Refusal {
    pub fn code(self) -> &'static str {
        match self {
            Self::Floor => "ledger-floor",
            Self::Ceiling => "ledger-ceiling",
            Self::SameAccount => "ledger-same-account",
            Self::AlreadyReversed => "ledger-already-reversed",
            Self::NotReversible => "ledger-not-reversible",
            Self::Unknown => "ledger-unknown",
        }
    }
}

/// The balances after moving `minutes` from `from` to `to`, or why not.
pub fn apply(from: i64, to: i64, minutes: Minutes, limits: Limits) -> Result<(i64, i64), Refusal> {
    let from_after = from - minutes.0;
    let to_after = to + minutes.0;
    if from_after < limits.floor {
        return Err(Refusal::Floor);
    }
    if to_after > limits.ceiling {
        return Err(Refusal::Ceiling);
    }
    Ok((from_after, to_after))
}

/// One recorded movement of the model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Movement {
    pub from: u32,
    pub to: u32,
    pub minutes: Minutes,
    /// The movement this one reverses.
    pub reverses: Option<usize>,
}

/// An in-memory bank: the reference the store is checked against.
#[derive(Debug, Clone, Default)]
pub struct Ledger {
    pub limits: Limits,
    balances: HashMap<u32, i64>,
    movements: Vec<Movement>,
}

impl Ledger {
    pub fn new(limits: Limits) -> Self {
        Self {
            limits,
            ..Self::default()
        }
    }

    pub fn balance(&self, account: u32) -> i64 {
        self.balances.get(&account).copied().unwrap_or(0)
    }

    pub fn movements(&self) -> &[Movement] {
        &self.movements
    }

    /// Moves time; returns the movement's number.
    pub fn transfer(&mut self, from: u32, to: u32, minutes: Minutes) -> Result<usize, Refusal> {
        self.record(Movement {
            from,
            to,
            minutes,
            reverses: None,
        })
    }

    /// Moves back what movement `id` moved.
    pub fn reverse(&mut self, id: usize) -> Result<usize, Refusal> {
        let original = self.movements.get(id).cloned().ok_or(Refusal::Unknown)?;
        if original.reverses.is_some() {
            return Err(Refusal::NotReversible);
        }
        if self.movements.iter().any(|m| m.reverses == Some(id)) {
            return Err(Refusal::AlreadyReversed);
        }
        self.record(Movement {
            from: original.to,
            to: original.from,
            minutes: original.minutes,
            reverses: Some(id),
        })
    }

    fn record(&mut self, movement: Movement) -> Result<usize, Refusal> {
        if movement.from == movement.to {
            return Err(Refusal::SameAccount);
        }
        let (from, to) = apply(
            self.balance(movement.from),
            self.balance(movement.to),
            movement.minutes,
            self.limits,
        )?;
        self.balances.insert(movement.from, from);
        self.balances.insert(movement.to, to);
        self.movements.push(movement);
        Ok(self.movements.len() - 1)
    }

    /// The sum of every balance: zero, always.
    pub fn total(&self) -> i64 {
        self.balances.values().sum()
    }

    /// Every balance recomputed from the movements alone.
    pub fn replayed(&self) -> HashMap<u32, i64> {
        let mut out: HashMap<u32, i64> = HashMap::new();
        for m in &self.movements {
            *out.entry(m.from).or_default() -= m.minutes.0;
            *out.entry(m.to).or_default() += m.minutes.0;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn time_is_read_from_hours_and_minutes() {
        assert_eq!(Minutes::from_parts("1", "30").map(Minutes::get), Ok(90));
        assert_eq!(Minutes::from_parts("", "45").map(Minutes::get), Ok(45));
        assert_eq!(Minutes::from_parts("2", "").map(Minutes::get), Ok(120));
        assert_eq!(Minutes::from_parts("", ""), Err(Invalid::Required));
        assert_eq!(Minutes::from_parts("0", "60"), Err(Invalid::Range));
        assert_eq!(Minutes::from_parts("101", "0"), Err(Invalid::Range));
        assert_eq!(Minutes::from_parts("-1", "0"), Err(Invalid::Range));
        assert_eq!(Minutes::new(0), Err(Invalid::Range));
    }

    #[test]
    fn limits_refuse_and_change_nothing() {
        let limits = Limits::default();
        let mut bank = Ledger::new(limits);
        assert_eq!(bank.transfer(1, 2, Minutes(600)), Ok(0));
        assert_eq!(bank.balance(1), -600);
        assert_eq!(bank.transfer(1, 3, Minutes(1)), Err(Refusal::Floor));
        assert_eq!(bank.balance(1), -600, "a refusal changes nothing");
        assert_eq!(bank.transfer(2, 2, Minutes(1)), Err(Refusal::SameAccount));
        assert_eq!(bank.reverse(0), Ok(1));
        assert_eq!((bank.balance(1), bank.balance(2)), (0, 0));
        assert_eq!(bank.reverse(0), Err(Refusal::AlreadyReversed));
        assert_eq!(bank.reverse(1), Err(Refusal::NotReversible));
        assert_eq!(bank.reverse(9), Err(Refusal::Unknown));
        let tight = Limits {
            floor: -60,
            ceiling: 60,
        };
        assert_eq!(apply(0, 30, Minutes(31), tight), Err(Refusal::Ceiling));
        assert_eq!(Limits::new(-60, 60), Ok(tight));
        assert_eq!(Limits::new(10, 60), Err(Invalid::Range));
    }

    #[derive(Debug, Clone)]
    enum Op {
        Transfer(u32, u32, i64),
        Reverse(usize),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            4 => (0u32..6, 0u32..6, 1i64..400).prop_map(|(a, b, m)| Op::Transfer(a, b, m)),
            1 => (0usize..40).prop_map(Op::Reverse),
        ]
    }

    proptest! {
        #[test]
        fn any_sequence_keeps_the_sum_at_zero_and_balances_within_limits(
            ops in proptest::collection::vec(op(), 0..80),
            floor in -900i64..=0,
            ceiling in 0i64..=900,
        ) {
            let limits = Limits { floor, ceiling };
            let mut bank = Ledger::new(limits);
            for op in ops {
                let before = bank.clone();
                let result = match op {
                    Op::Transfer(a, b, m) => bank.transfer(a, b, Minutes(m)),
                    Op::Reverse(id) => bank.reverse(id),
                };
                if result.is_err() {
                    prop_assert_eq!(bank.movements().len(), before.movements().len());
                    prop_assert_eq!(bank.replayed(), before.replayed());
                }
                prop_assert_eq!(bank.total(), 0);
                for account in 0..6 {
                    let balance = bank.balance(account);
                    prop_assert!(balance >= floor && balance <= ceiling);
                    prop_assert_eq!(bank.replayed().get(&account).copied().unwrap_or(0), balance);
                }
            }
        }
    }
}
