//! Ranking the people who could help with a need, and saying why.
//!
//! The score adds up what matters to the person helped: being near
//! (walking-scale decay), having the skills asked, sharing interests (what
//! makes a visit last), being free at the right time, speaking a common
//! language, and showing up. It then divides by how often the person was
//! asked lately, so the same few helpers are not asked every time.

use crate::geo::Point;
use crate::profile::Availability;

/// Half of the proximity points are lost every this many metres.
const PROXIMITY_HALF_LIFE_M: f64 = 800.0;
const PROXIMITY_POINTS: f64 = 40.0;
const SKILL_POINTS: f64 = 25.0;
const INTEREST_POINTS: f64 = 15.0;
const AVAILABILITY_POINTS: f64 = 15.0;
const LANGUAGE_POINTS: f64 = 10.0;
const RELIABILITY_POINTS: f64 = 10.0;
/// Each invitation received in the recent window divides the score by
/// `1 + FAIRNESS` more.
const FAIRNESS: f64 = 0.15;

/// What the need asks for.
#[derive(Debug, Clone)]
pub struct Wanted<'a> {
    pub place: Point,
    pub radius_m: f64,
    pub skills: &'a [String],
    /// The interests of the person helped (shared interests make a visit).
    pub interests: &'a [String],
    pub languages: &'a [String],
    pub slots: Availability,
}

/// Someone who could help, as the store describes them.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub id: i64,
    /// Exact home: used for the distance only, never shown.
    pub home: Point,
    pub skills: Vec<String>,
    pub interests: Vec<String>,
    pub languages: Vec<String>,
    pub availability: Availability,
    /// Exchanges where they helped, and where they did not come.
    pub helped: i64,
    pub no_shows: i64,
    /// Invitations received lately (the fairness window).
    pub recently_asked: i64,
}

/// A ranked candidate and the reasons, in the order they are shown.
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    pub id: i64,
    pub score: f64,
    pub distance_m: f64,
    pub skills: Vec<String>,
    pub interests: Vec<String>,
    pub languages: Vec<String>,
    /// Slots where the candidate is free and the need happens.
    pub common_slots: Availability,
    pub helped: i64,
}

fn shared(wanted: &[String], offered: &[String]) -> Vec<String> {
    wanted
        .iter()
        .filter(|w| offered.contains(w))
        .cloned()
        .collect()
}

/// What a score is made of, counted by whoever holds the data (vectors of
/// keys here, bit masks in the store's in-memory index), so that every path
/// ranks with the one formula of [`points`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fit {
    pub distance_m: f64,
    pub skills_wanted: u32,
    pub skills_matched: u32,
    pub interests_shared: u32,
    pub slots_asked: u32,
    pub slots_common: u32,
    /// No language asked, or one in common.
    pub language_ok: bool,
    pub helped: i64,
    pub no_shows: i64,
    pub recently_asked: i64,
}

/// The score of a fit (higher is better).
pub fn points(fit: &Fit) -> f64 {
    let mut score = PROXIMITY_POINTS * 0.5f64.powf(fit.distance_m / PROXIMITY_HALF_LIFE_M);
    if fit.skills_wanted > 0 {
        score += SKILL_POINTS * f64::from(fit.skills_matched) / f64::from(fit.skills_wanted);
    }
    score += INTEREST_POINTS * (f64::from(fit.interests_shared.min(3)) / 3.0);
    if fit.slots_asked > 0 {
        score += AVAILABILITY_POINTS * f64::from(fit.slots_common) / f64::from(fit.slots_asked);
    }
    if fit.language_ok {
        score += LANGUAGE_POINTS;
    }
    // Laplace's rule: a newcomer starts at one half, not at zero.
    let reliability = (fit.helped as f64 + 1.0) / ((fit.helped + fit.no_shows) as f64 + 2.0);
    score += RELIABILITY_POINTS * reliability;
    score / (1.0 + FAIRNESS * fit.recently_asked.max(0) as f64)
}

/// Scores one candidate; `None` when beyond the radius.
pub fn score(wanted: &Wanted<'_>, candidate: &Candidate) -> Option<Match> {
    let distance_m = wanted.place.distance_m(candidate.home);
    if distance_m > wanted.radius_m {
        return None;
    }
    let skills = shared(wanted.skills, &candidate.skills);
    let interests = shared(wanted.interests, &candidate.interests);
    let common_slots = Availability(wanted.slots.0 & candidate.availability.0);
    let languages = shared(wanted.languages, &candidate.languages);
    let fit = Fit {
        distance_m,
        skills_wanted: wanted.skills.len() as u32,
        skills_matched: skills.len() as u32,
        interests_shared: interests.len() as u32,
        slots_asked: wanted.slots.0.count_ones(),
        slots_common: common_slots.0.count_ones(),
        language_ok: wanted.languages.is_empty() || !languages.is_empty(),
        helped: candidate.helped,
        no_shows: candidate.no_shows,
        recently_asked: candidate.recently_asked,
    };
    Some(Match {
        id: candidate.id,
        score: points(&fit),
        distance_m,
        skills,
        interests,
        languages,
        common_slots,
        helped: candidate.helped,
    })
}

/// Orders matches best first; ties go to the nearer person, then to the
/// lower id, so the order is the same on every run and every path.
pub fn by_rank(a: &Match, b: &Match) -> std::cmp::Ordering {
    b.score
        .total_cmp(&a.score)
        .then(a.distance_m.total_cmp(&b.distance_m))
        .then(a.id.cmp(&b.id))
}

/// Keys of `taxonomy` as bits (the key's position); unknown keys are left
/// out. Taxonomies only ever grow at the end, so bits stay stable.
pub fn mask(keys: &[String], taxonomy: &[&str]) -> u64 {
    keys.iter()
        .filter_map(|k| taxonomy.iter().position(|t| t == k))
        .filter(|i| *i < 64)
        .fold(0, |bits, i| bits | 1 << i)
}

/// The keys of a mask, in taxonomy order.
pub fn keys(mask: u64, taxonomy: &[&str]) -> Vec<String> {
    taxonomy
        .iter()
        .enumerate()
        .filter(|(i, _)| *i < 64 && mask & (1 << i) != 0)
        .map(|(_, k)| (*k).to_owned())
        .collect()
}

/// The best `limit` candidates, best first; ties go to the nearer person,
/// then to the lower id, so the order is the same on every run.
pub fn rank(wanted: &Wanted<'_>, candidates: &[Candidate], limit: usize) -> Vec<Match> {
    let mut matches: Vec<Match> = candidates.iter().filter_map(|c| score(wanted, c)).collect();
    matches.sort_by(by_rank);
    matches.truncate(limit);
    matches
}

/// How well a need fits an offer (the reverse of [`rank`]): same category,
/// skills the offer brings, a common time slot, and nearness.
pub fn need_fit(
    offer_category: &str,
    offer_skills: &[String],
    offer_slots: Availability,
    need_category: &str,
    need_skills: &[String],
    need_slots: Availability,
    distance_m: f64,
) -> f64 {
    let mut score = PROXIMITY_POINTS * 0.5f64.powf(distance_m / PROXIMITY_HALF_LIFE_M);
    if offer_category == need_category {
        score += SKILL_POINTS;
    }
    if !need_skills.is_empty() {
        let brought = need_skills
            .iter()
            .filter(|s| offer_skills.contains(s))
            .count();
        score += SKILL_POINTS * brought as f64 / need_skills.len() as f64;
    }
    if offer_slots.0 & need_slots.0 != 0 {
        score += AVAILABILITY_POINTS;
    }
    score
}

/// A distance as people read it: to the nearest 100 m, never below 100 m.
pub fn rounded_distance_m(distance_m: f64) -> i64 {
    ((distance_m / 100.0).round() as i64 * 100).max(100)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(dlat: f64) -> Point {
        Point {
            lat: 48.8655 + dlat,
            lng: 2.3776,
        }
    }

    fn keys(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    fn candidate(id: i64, dlat: f64) -> Candidate {
        Candidate {
            id,
            home: at(dlat),
            skills: vec![],
            interests: vec![],
            languages: keys(&["fr"]),
            availability: Availability(0),
            helped: 0,
            no_shows: 0,
            recently_asked: 0,
        }
    }

    fn wanted<'a>(skills: &'a [String], interests: &'a [String]) -> Wanted<'a> {
        Wanted {
            place: at(0.0),
            radius_m: 3000.0,
            skills,
            interests,
            languages: &[],
            slots: Availability::parse(&keys(&["tue-afternoon"])).unwrap_or_default(),
        }
    }

    #[test]
    fn nearer_wins_when_all_else_is_equal_and_far_is_out() {
        let w = wanted(&[], &[]);
        let ranked = rank(
            &w,
            &[candidate(1, 0.01), candidate(2, 0.001), candidate(3, 0.1)],
            10,
        );
        let ids: Vec<i64> = ranked.iter().map(|m| m.id).collect();
        assert_eq!(ids, vec![2, 1], "11 km away is beyond 3 km");
    }

    #[test]
    fn shared_interests_and_free_time_outweigh_a_few_hundred_metres() {
        let interests = keys(&["regional-culture", "memory"]);
        let w = wanted(&[], &interests);
        let near = candidate(1, 0.001);
        let fitting = Candidate {
            interests: keys(&["memory", "regional-culture", "cinema"]),
            availability: Availability::parse(&keys(&["tue-afternoon"])).unwrap_or_default(),
            ..candidate(2, 0.006)
        };
        let ranked = rank(&w, &[near, fitting], 10);
        assert_eq!(ranked[0].id, 2);
        assert_eq!(ranked[0].interests, interests);
        assert_eq!(ranked[0].common_slots.slots(), vec!["tue-afternoon"]);
    }

    #[test]
    fn skills_reliability_and_fairness_count() {
        let skills = keys(&["diy", "moving"]);
        let w = wanted(&skills, &[]);
        let skilled = Candidate {
            skills: keys(&["diy"]),
            ..candidate(1, 0.002)
        };
        let unskilled = candidate(2, 0.002);
        assert!(score(&w, &skilled).map(|m| m.score) > score(&w, &unskilled).map(|m| m.score));
        let reliable = Candidate {
            helped: 9,
            ..candidate(3, 0.002)
        };
        let absent = Candidate {
            helped: 1,
            no_shows: 5,
            ..candidate(4, 0.002)
        };
        assert!(score(&w, &reliable).map(|m| m.score) > score(&w, &absent).map(|m| m.score));
        let overasked = Candidate {
            recently_asked: 6,
            ..skilled.clone()
        };
        assert!(score(&w, &overasked).map(|m| m.score) < score(&w, &skilled).map(|m| m.score));
    }

    #[test]
    fn a_language_asked_and_not_spoken_costs_points() {
        let languages = keys(&["fsl"]);
        let mut w = wanted(&[], &[]);
        w.languages = &languages;
        let signer = Candidate {
            languages: keys(&["fr", "fsl"]),
            ..candidate(1, 0.002)
        };
        let m = score(&w, &signer);
        assert_eq!(
            m.as_ref().map(|m| m.languages.clone()),
            Some(languages.clone())
        );
        assert!(m.map(|m| m.score) > score(&w, &candidate(2, 0.002)).map(|m| m.score));
    }

    #[test]
    fn a_need_of_the_same_category_fits_an_offer_better() {
        let diy = keys(&["diy"]);
        let tue = Availability::parse(&keys(&["tue-afternoon"])).unwrap_or_default();
        let same = need_fit("small-jobs", &diy, tue, "small-jobs", &diy, tue, 500.0);
        let other = need_fit(
            "small-jobs",
            &diy,
            tue,
            "cooking",
            &[],
            Availability(0),
            500.0,
        );
        let far = need_fit("small-jobs", &diy, tue, "small-jobs", &diy, tue, 2500.0);
        assert!(same > other && same > far);
    }

    #[test]
    fn masks_round_trip_in_taxonomy_order() {
        use crate::profile::SKILLS;
        let bits = mask(&keys(&["moving", "diy", "juggling"]), SKILLS);
        assert_eq!(bits.count_ones(), 2);
        assert_eq!(super::keys(bits, SKILLS), keys(&["diy", "moving"]));
    }

    #[test]
    fn ties_break_the_same_way_every_time() {
        let w = wanted(&[], &[]);
        let ranked = rank(&w, &[candidate(7, 0.002), candidate(3, 0.002)], 10);
        assert_eq!(ranked.iter().map(|m| m.id).collect::<Vec<_>>(), vec![3, 7]);
        assert_eq!(rounded_distance_m(849.0), 800);
        assert_eq!(rounded_distance_m(12.0), 100);
    }
}
