//! Matches with their reasons: for a need, the people who could help; for
//! an offer, the needs it could meet. Reasons are sentences in the
//! viewer's language («800 m · 2 centres d'intérêt communs : …»).

use entraide_core::exchange::Kind;
use entraide_core::geo::shown_position;
use entraide_core::matching::{Match, Wanted, need_fit, rank, rounded_distance_m};
use entraide_core::profile::Availability;
use entraide_store::Page;
use entraide_store::exchanges::{Exchange, Search, Sort};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::AppError;
use crate::i18n::Lang;
use crate::services::exchanges::{DEFAULT_RADIUS_M, ExchangeCard, standing};
use crate::state::AppState;
use entraide_store::users::User;

/// How many matches are shown.
pub const MATCH_LIMIT: usize = 20;
use entraide_store::helper_index::{Asked, FAIRNESS_WINDOW_SECONDS};

/// People preselected by the in-memory index before the exact ranking.
const PRESELECT: usize = 2 * MATCH_LIMIT;

/// A person who could help, and why.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HelperMatch {
    pub person_id: i64,
    pub display_name: String,
    pub score: f64,
    /// From the need's place to the person's shown position, rounded.
    pub distance_m: i64,
    pub skills: Vec<String>,
    pub interests: Vec<String>,
    pub languages: Vec<String>,
    pub common_slots: Vec<String>,
    pub helped: i64,
    /// The reasons, written out in the viewer's language.
    pub reasons: Vec<String>,
}

fn labels(lang: Lang, prefix: &str, keys: &[String]) -> String {
    keys.iter()
        .map(|k| lang.label(prefix, k))
        .collect::<Vec<_>>()
        .join(", ")
}

fn reasons(lang: Lang, m: &Match, distance_m: i64) -> Vec<String> {
    let mut out = vec![lang.distance(distance_m)];
    if !m.skills.is_empty() {
        let list = labels(lang, "skill", &m.skills);
        out.push(lang.t_count("reason-skills", m.skills.len() as i64, &[("list", list)]));
    }
    if !m.interests.is_empty() {
        let list = labels(lang, "interest", &m.interests);
        out.push(lang.t_count(
            "reason-interests",
            m.interests.len() as i64,
            &[("list", list)],
        ));
    }
    let slots = m.common_slots.slots();
    if !slots.is_empty() {
        let list = labels(lang, "slot", &slots);
        out.push(lang.t_with("reason-free", &[("list", list)]));
    }
    if !m.languages.is_empty() {
        let list = labels(lang, "language", &m.languages);
        out.push(lang.t_with("reason-languages", &[("list", list)]));
    }
    if m.helped > 0 {
        out.push(lang.t_count("reason-helped", m.helped, &[]));
    }
    out
}

/// The best helpers for a need, for its owner side only.
pub async fn helpers(
    state: &AppState,
    user: &User,
    exchange: &Exchange,
    lang: Lang,
) -> Result<Vec<HelperMatch>, AppError> {
    if !standing(state, user, exchange).await?.manages() {
        return Err(AppError::Forbidden);
    }
    if exchange.kind != Kind::Need.key() {
        return Err(AppError::Conflict("transition"));
    }
    let owner_tags = state.db.tags(exchange.owner_id).await?;
    let skills = exchange.skill_keys();
    let languages = exchange.language_keys();
    let wanted = Wanted {
        place: exchange.point(),
        radius_m: DEFAULT_RADIUS_M,
        skills: &skills,
        interests: &owner_tags.interests,
        languages: &languages,
        slots: Availability::from_bits(exchange.slots),
    };
    let since = entraide_store::now() - FAIRNESS_WINDOW_SECONDS;
    let mut taking_part: Vec<i64> = state
        .db
        .participants(exchange.id)
        .await?
        .into_iter()
        .map(|p| p.user_id)
        .collect();
    taking_part.push(user.id);
    let mut candidates = if state.helpers.is_ready() {
        // The index preselects in memory; the database has the last word.
        let asked = Asked::new(
            exchange.point(),
            DEFAULT_RADIUS_M,
            &skills,
            &owner_tags.interests,
            &languages,
            wanted.slots,
        );
        let shares = state.db.sharing_an_organisation(exchange.owner_id).await?;
        let mut chosen = state
            .helpers
            .best(&asked, exchange.owner_id, &shares, &taking_part, PRESELECT)
            .unwrap_or_default();
        let ids: Vec<i64> = chosen.iter().map(|c| c.id).collect();
        let visible = state.db.still_visible(&ids, exchange.owner_id).await?;
        chosen.retain(|c| visible.contains(&c.id));
        chosen
    } else {
        state
            .db
            .helper_candidates(exchange.point(), DEFAULT_RADIUS_M, exchange.owner_id, since)
            .await?
    };
    candidates.retain(|c| !taking_part.contains(&c.id));
    let ranked = rank(&wanted, &candidates, MATCH_LIMIT);
    describe(state, ranked, &candidates, exchange.point(), lang).await
}

/// Ranked candidates as shown: name, distance to their shown position
/// (never their home), and the reasons in the viewer's language.
pub(crate) async fn describe(
    state: &AppState,
    ranked: Vec<Match>,
    candidates: &[entraide_core::matching::Candidate],
    place: entraide_core::geo::Point,
    lang: Lang,
) -> Result<Vec<HelperMatch>, AppError> {
    let ids: Vec<i64> = ranked.iter().map(|m| m.id).collect();
    let names = state.db.display_names(&ids).await?;
    let mut out = Vec::with_capacity(ranked.len());
    for m in ranked {
        let Some(display_name) = names.get(&m.id).cloned() else {
            continue;
        };
        let shown = shown_position(m_home_cell(candidates, m.id)).unwrap_or(place);
        let distance_m = rounded_distance_m(place.distance_m(shown));
        out.push(HelperMatch {
            person_id: m.id,
            display_name,
            score: (m.score * 10.0).round() / 10.0,
            distance_m,
            reasons: reasons(lang, &m, distance_m),
            skills: m.skills,
            interests: m.interests,
            languages: m.languages,
            common_slots: m.common_slots.slots(),
            helped: m.helped,
        });
    }
    Ok(out)
}

fn m_home_cell(candidates: &[entraide_core::matching::Candidate], id: i64) -> i64 {
    candidates
        .iter()
        .find(|c| c.id == id)
        .map_or(0, |c| c.home.cell())
}

/// A need that an offer could meet, and why.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NeedMatch {
    pub need: ExchangeCard,
    pub score: f64,
    pub reasons: Vec<String>,
}

/// The open needs near an offer that fit it best, for its owner side.
pub async fn needs_for_offer(
    state: &AppState,
    user: &User,
    offer: &Exchange,
    lang: Lang,
) -> Result<Vec<NeedMatch>, AppError> {
    if !standing(state, user, offer).await?.manages() {
        return Err(AppError::Forbidden);
    }
    if offer.kind != Kind::Offer.key() {
        return Err(AppError::Conflict("transition"));
    }
    let search = Search {
        kind: Some(Kind::Need.key()),
        near: Some((offer.point(), DEFAULT_RADIUS_M)),
        open_only: true,
        sort: Sort::Distance,
        ..Search::default()
    };
    let nearby = state
        .db
        .search_exchanges(&search, Page::new(1, 100))
        .await?;
    let offer_skills = offer.skill_keys();
    let offer_slots = Availability::from_bits(offer.slots);
    let mut scored: Vec<(f64, Exchange, i64)> = nearby
        .rows
        .into_iter()
        .filter(|need| need.owner_id != offer.owner_id)
        .map(|need| {
            let shown = shown_position(need.cell).unwrap_or(need.point());
            let distance = offer.point().distance_m(shown);
            let fit = need_fit(
                &offer.category,
                &offer_skills,
                offer_slots,
                &need.category,
                &need.skill_keys(),
                Availability::from_bits(need.slots),
                distance,
            );
            (fit, need, rounded_distance_m(distance))
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.id.cmp(&a.1.id)));
    scored.truncate(MATCH_LIMIT);
    let owner = state.db.user(offer.owner_id).await?;
    Ok(scored
        .into_iter()
        .map(|(score, need, distance)| {
            let mut why = vec![lang.distance(distance)];
            if need.category == offer.category {
                why.push(lang.label("category", &need.category));
            }
            let brought: Vec<String> = need
                .skill_keys()
                .into_iter()
                .filter(|s| offer_skills.contains(s))
                .collect();
            if !brought.is_empty() {
                let list = labels(lang, "skill", &brought);
                why.push(lang.t_count("reason-skills", brought.len() as i64, &[("list", list)]));
            }
            let common = Availability(offer_slots.0 & need.slots).slots();
            if !common.is_empty() {
                let list = labels(lang, "slot", &common);
                why.push(lang.t_with("reason-free", &[("list", list)]));
            }
            NeedMatch {
                need: ExchangeCard::new(&need, &owner),
                score: (score * 10.0).round() / 10.0,
                reasons: why,
            }
        })
        .collect())
}
