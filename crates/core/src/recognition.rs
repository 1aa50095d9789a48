//! Recognition: what a person did (their contributions record), the level
//! it reaches on the pyramid of actions, where small acts weigh less than
//! large ones, the milestone badges, and the next step within reach.

use crate::role::keyed_enum;

keyed_enum!(
    /// One kind of act counted in the contributions record.
    Contribution, "contribution" {
        Helped => "helped",
        Thanked => "thanked",
        Organised => "organised",
        Answered => "answered",
        Visited => "visited",
    }
);

impl Contribution {
    /// Points one act brings. Being thanked or answering a call is the
    /// base of the pyramid; helping, visiting and organising are the acts
    /// that cost time and care, and weigh three times as much.
    pub fn weight(self) -> i64 {
        match self {
            Self::Thanked | Self::Answered => 1,
            Self::Helped | Self::Visited | Self::Organised => 3,
        }
    }
}

/// How many times a person did each kind of act.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Record {
    pub helped: i64,
    pub thanked: i64,
    pub organised: i64,
    pub answered: i64,
    pub visited: i64,
}

impl Record {
    pub fn count(&self, kind: Contribution) -> i64 {
        match kind {
            Contribution::Helped => self.helped,
            Contribution::Thanked => self.thanked,
            Contribution::Organised => self.organised,
            Contribution::Answered => self.answered,
            Contribution::Visited => self.visited,
        }
    }

    /// The weighted sum of every act.
    pub fn score(&self) -> i64 {
        Contribution::ALL
            .iter()
            .map(|kind| self.count(*kind).max(0).saturating_mul(kind.weight()))
            .fold(0, i64::saturating_add)
    }

    pub fn level(&self) -> Level {
        Level::of(self.score())
    }

    /// The level above and what it takes to reach it; `None` at the top.
    pub fn next_level(&self) -> Option<NextLevel> {
        let score = self.score();
        let level = Level::of(score).above()?;
        let points = level.threshold() - score;
        let per_help = Contribution::Helped.weight();
        Some(NextLevel {
            level,
            points,
            helps: (points + per_help - 1) / per_help,
        })
    }
}

keyed_enum!(
    /// A step on the pyramid of actions, from first steps to the pillars
    /// of a neighbourhood.
    Level, "level" {
        Newcomer => "newcomer",
        Neighbour => "neighbour",
        Helper => "helper",
        Pillar => "pillar",
    }
);

impl Level {
    /// The score from which a person stands on this level: one help (or a
    /// few thanks and answers) makes a neighbour, five helps a helper,
    /// twenty a pillar.
    pub fn threshold(self) -> i64 {
        match self {
            Self::Newcomer => 0,
            Self::Neighbour => 3,
            Self::Helper => 15,
            Self::Pillar => 60,
        }
    }

    pub fn of(score: i64) -> Self {
        Self::ALL
            .iter()
            .rev()
            .copied()
            .find(|level| score >= level.threshold())
            .unwrap_or(Self::Newcomer)
    }

    /// The next level up, if any.
    pub fn above(self) -> Option<Self> {
        let at = Self::ALL.iter().position(|l| *l == self)?;
        Self::ALL.get(at + 1).copied()
    }
}

/// What separates a person from the next level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NextLevel {
    pub level: Level,
    /// Points still missing.
    pub points: i64,
    /// The same in helps, rounded up: what people understand best.
    pub helps: i64,
}

keyed_enum!(
    /// A milestone worth showing.
    Badge, "badge" {
        FirstAnswer => "first_answer",
        FirstHelp => "first_help",
        TenHelps => "ten_helps",
        FirstVisit => "first_visit",
        TenVisits => "ten_visits",
        FirstOrganised => "first_organised",
        TenOrganised => "ten_organised",
        TenThanks => "ten_thanks",
        ThreeSkillsEndorsed => "three_skills_endorsed",
    }
);

/// What a badge counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    Act(Contribution),
    /// Distinct skills endorsed by the people helped.
    EndorsedSkills,
}

impl Badge {
    /// What the badge counts, and how many it takes.
    pub fn milestone(self) -> (Measure, i64) {
        use Contribution::*;
        match self {
            Self::FirstAnswer => (Measure::Act(Answered), 1),
            Self::FirstHelp => (Measure::Act(Helped), 1),
            Self::TenHelps => (Measure::Act(Helped), 10),
            Self::FirstVisit => (Measure::Act(Visited), 1),
            Self::TenVisits => (Measure::Act(Visited), 10),
            Self::FirstOrganised => (Measure::Act(Organised), 1),
            Self::TenOrganised => (Measure::Act(Organised), 10),
            Self::TenThanks => (Measure::Act(Thanked), 10),
            Self::ThreeSkillsEndorsed => (Measure::EndorsedSkills, 3),
        }
    }
}

/// How far a person is on one badge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub badge: Badge,
    /// Counted so far, never above `need`.
    pub have: i64,
    pub need: i64,
}

impl Progress {
    pub fn earned(&self) -> bool {
        self.have >= self.need
    }
}

/// Every badge with how far the person is, in the order of [`Badge::ALL`].
pub fn badges(record: &Record, endorsed_skills: i64) -> Vec<Progress> {
    Badge::ALL
        .iter()
        .map(|badge| {
            let (measure, need) = badge.milestone();
            let count = match measure {
                Measure::Act(kind) => record.count(kind),
                Measure::EndorsedSkills => endorsed_skills,
            };
            Progress {
                badge: *badge,
                have: count.clamp(0, need),
                need,
            }
        })
        .collect()
}

/// The badges not yet earned that are closest to being earned (largest
/// share done first, then the smallest milestone, then in the order of
/// [`Badge::ALL`]), at most `limit`.
pub fn next_badges(progress: &[Progress], limit: usize) -> Vec<Progress> {
    let mut open: Vec<Progress> = progress.iter().filter(|p| !p.earned()).copied().collect();
    // Compare have/need without division: a/b > c/d ⇔ a·d > c·b.
    open.sort_by(|a, b| {
        (b.have * a.need)
            .cmp(&(a.have * b.need))
            .then(a.need.cmp(&b.need))
    });
    open.truncate(limit);
    open
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(helped: i64, thanked: i64, organised: i64, answered: i64, visited: i64) -> Record {
        Record {
            helped,
            thanked,
            organised,
            answered,
            visited,
        }
    }

    #[test]
    fn small_acts_weigh_less_than_large_ones() {
        assert_eq!(record(0, 0, 0, 0, 0).score(), 0);
        assert_eq!(record(1, 0, 0, 0, 0).score(), 3);
        assert_eq!(record(0, 1, 0, 1, 0).score(), 2);
        assert_eq!(record(2, 4, 1, 3, 5).score(), 6 + 4 + 3 + 3 + 15);
        assert!(Contribution::Thanked.weight() < Contribution::Helped.weight());
        assert!(Contribution::Answered.weight() < Contribution::Visited.weight());
        assert!(Contribution::Answered.weight() < Contribution::Organised.weight());
        assert_eq!(record(-5, i64::MAX, 0, 0, 0).score(), i64::MAX);
    }

    #[test]
    fn levels_climb_at_their_thresholds() {
        assert_eq!(Level::of(0), Level::Newcomer);
        assert_eq!(Level::of(2), Level::Newcomer);
        assert_eq!(Level::of(3), Level::Neighbour);
        assert_eq!(Level::of(14), Level::Neighbour);
        assert_eq!(Level::of(15), Level::Helper);
        assert_eq!(Level::of(59), Level::Helper);
        assert_eq!(Level::of(60), Level::Pillar);
        assert_eq!(Level::of(-1), Level::Newcomer);
        assert_eq!(record(1, 0, 0, 0, 0).level(), Level::Neighbour);
        assert_eq!(record(0, 2, 0, 0, 0).level(), Level::Newcomer);
        let mut previous = -1;
        for level in Level::ALL {
            assert!(level.threshold() > previous, "thresholds rise");
            previous = level.threshold();
        }
        assert_eq!(Level::Helper.above(), Some(Level::Pillar));
        assert_eq!(Level::Pillar.above(), None);
    }

    #[test]
    fn the_next_step_is_counted_in_helps() {
        // 3 helps = 9 points; Helper needs 15: 6 points, 2 helps.
        let next = record(3, 0, 0, 0, 0).next_level();
        assert_eq!(
            next,
            Some(NextLevel {
                level: Level::Helper,
                points: 6,
                helps: 2
            })
        );
        // One point short still takes a whole help.
        let next = record(0, 2, 0, 0, 0).next_level();
        assert_eq!(
            next.map(|n| (n.level, n.points, n.helps)),
            Some((Level::Neighbour, 1, 1))
        );
        assert_eq!(record(20, 0, 0, 0, 0).next_level(), None);
    }

    #[test]
    fn badges_are_earned_at_their_milestones() {
        let earned = |r: &Record, endorsed: i64| -> Vec<Badge> {
            badges(r, endorsed)
                .into_iter()
                .filter(Progress::earned)
                .map(|p| p.badge)
                .collect()
        };
        assert!(earned(&Record::default(), 0).is_empty());
        assert_eq!(
            earned(&record(1, 9, 0, 1, 0), 2),
            vec![Badge::FirstAnswer, Badge::FirstHelp]
        );
        assert_eq!(
            earned(&record(10, 10, 1, 0, 10), 3),
            vec![
                Badge::FirstHelp,
                Badge::TenHelps,
                Badge::FirstVisit,
                Badge::TenVisits,
                Badge::FirstOrganised,
                Badge::TenThanks,
                Badge::ThreeSkillsEndorsed,
            ]
        );
        let all = badges(&record(25, 0, 0, 0, 0), 0);
        let ten = all.iter().find(|p| p.badge == Badge::TenHelps);
        assert_eq!(ten.map(|p| (p.have, p.need)), Some((10, 10)), "capped");
    }

    #[test]
    fn next_badges_are_the_closest_ones() {
        let progress = badges(&record(7, 2, 0, 1, 0), 1);
        let next: Vec<Badge> = next_badges(&progress, 3).iter().map(|p| p.badge).collect();
        assert_eq!(
            next,
            vec![
                Badge::TenHelps,
                Badge::ThreeSkillsEndorsed,
                Badge::TenThanks
            ]
        );
        assert!(next_badges(&progress, 0).is_empty());
        let newcomer = badges(&Record::default(), 0);
        let first: Vec<Badge> = next_badges(&newcomer, 3).iter().map(|p| p.badge).collect();
        assert_eq!(
            first,
            vec![Badge::FirstAnswer, Badge::FirstHelp, Badge::FirstVisit],
            "first steps before far milestones"
        );
        let everything = badges(&record(10, 10, 10, 10, 10), 3);
        assert!(next_badges(&everything, 3).is_empty());
    }

    #[test]
    fn keys_round_trip() {
        for badge in Badge::ALL {
            assert_eq!(Badge::parse(badge.key()), Ok(*badge));
        }
        for level in Level::ALL {
            assert_eq!(Level::parse(level.key()), Ok(*level));
        }
        for kind in Contribution::ALL {
            assert_eq!(Contribution::parse(kind.key()), Ok(*kind));
        }
    }
}
