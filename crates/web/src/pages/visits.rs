//! Pages of visits programmes: open one, join it (charter), vet visitors,
//! add people to visit, see proposed visitors and approve a pairing, see
//! overdue pairs, and "my visits" where visitors log what happened.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::response::{IntoResponse as _, Response};
use entraide_core::profile::{DAY_PARTS, WEEKDAYS};
use entraide_store::orgs::Member;
use entraide_store::pairings::{Pairing, Visit};
use entraide_store::users::User;

use super::layout::Base;
use super::see_other;
use crate::auth::SignedIn;
use crate::error::AppError;
use crate::forms::{FormData, FormView, refuse};
use crate::services::matching::HelperMatch;
use crate::services::visits::{
    self, PairingInput, PairingView, ProgrammeInput, ProgrammeView, VisitInput,
};
use crate::state::AppState;

#[derive(Template, WebTemplate)]
#[template(path = "visits/new.html")]
pub struct NewPage {
    base: Base,
    form: FormView,
    org_id: i64,
}

fn programme_input(form: &FormData) -> ProgrammeInput {
    ProgrammeInput {
        name: form.get("name").to_owned(),
        charter: form.get("charter").to_owned(),
        overdue_weeks: form.get("overdue_weeks").to_owned(),
    }
}

pub async fn new_page(
    State(state): State<AppState>,
    me: SignedIn,
    Path(org_id): Path<i64>,
) -> Result<NewPage, AppError> {
    visits::require_coordinator(&state, &me.user, org_id).await?;
    Ok(NewPage {
        base: Base::new(&me.ctx, "programme-new-title"),
        form: FormView::default().with("overdue_weeks", "3"),
        org_id,
    })
}

pub async fn create(
    State(state): State<AppState>,
    me: SignedIn,
    Path(org_id): Path<i64>,
    form: FormData,
) -> Response {
    match visits::create(&state, &me.user, org_id, &programme_input(&form)).await {
        Ok(id) => see_other(&format!("/programmes/{id}?done=programme-created")),
        Err(error) => refuse(error, &form, me.ctx.lang, |form| NewPage {
            base: Base::new(&me.ctx, "programme-new-title"),
            form,
            org_id,
        }),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "visits/programme.html")]
pub struct ProgrammePage {
    base: Base,
    view: ProgrammeView,
    /// Organisation members who could be added as people to visit.
    members: Vec<Member>,
    form: FormView,
}

async fn programme_page(
    state: &AppState,
    me: &SignedIn,
    id: i64,
    form: FormView,
) -> Result<ProgrammePage, AppError> {
    let view = visits::view(state, &me.user, id).await?;
    let members = if view.coordinator {
        let listed = crate::services::orgs::members(
            state,
            &me.user,
            view.programme.org_id,
            entraide_store::Page::new(1, 100),
        )
        .await?;
        listed.rows
    } else {
        Vec::new()
    };
    Ok(ProgrammePage {
        base: Base::titled(&me.ctx, view.programme.name.clone()),
        view,
        members,
        form,
    })
}

pub async fn show(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<ProgrammePage, AppError> {
    programme_page(&state, &me, id, FormView::default()).await
}

/// Runs a coordinator or visitor act from a button, then comes back to the
/// programme page with a notice, or shows the page again with the error.
async fn act(
    state: &AppState,
    me: &SignedIn,
    id: i64,
    form: &FormData,
    done: &str,
    result: Result<(), AppError>,
) -> Result<Response, AppError> {
    match result {
        Ok(()) => Ok(see_other(&format!("/programmes/{id}?done={done}"))),
        Err(error @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            let page = programme_page(state, me, id, FormView::from_data(form)).await?;
            Ok(refuse(error, form, me.ctx.lang, |view| ProgrammePage {
                form: view,
                ..page
            }))
        }
        Err(error) => Err(error),
    }
}

pub async fn join(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    form: FormData,
) -> Result<Response, AppError> {
    let accepted = form.get("charter") == "accepted";
    let result = visits::join(&state, &me.user, id, accepted).await;
    act(&state, &me, id, &form, "programme-joined", result).await
}

pub async fn leave(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    form: FormData,
) -> Result<Response, AppError> {
    let result = state
        .db
        .leave_programme(id, me.user.id)
        .await
        .map_err(AppError::from);
    act(&state, &me, id, &form, "programme-left", result).await
}

pub async fn vet(
    State(state): State<AppState>,
    me: SignedIn,
    Path((id, visitor)): Path<(i64, i64)>,
    form: FormData,
) -> Result<Response, AppError> {
    let result = visits::vet(&state, &me.user, id, visitor).await;
    act(&state, &me, id, &form, "visitor-vetted", result).await
}

pub async fn add_visited(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    form: FormData,
) -> Result<Response, AppError> {
    let result = match form.get("person_id").trim().parse::<i64>() {
        Ok(person) => visits::add_visited(&state, &me.user, id, person).await,
        Err(_) => Err(AppError::field(entraide_core::ParseError::new(
            "person_id",
            entraide_core::Invalid::Required,
        ))),
    };
    act(&state, &me, id, &form, "visited-added", result).await
}

#[derive(Template, WebTemplate)]
#[template(path = "visits/match.html")]
pub struct MatchPage {
    base: Base,
    programme_id: i64,
    person: User,
    /// Each proposed visitor with the slot pre-ticked on their card.
    cards: Vec<(HelperMatch, String)>,
    weekdays: [&'static str; 7],
    day_parts: [&'static str; 3],
    form: FormView,
}

pub async fn propose(
    State(state): State<AppState>,
    me: SignedIn,
    Path((id, visited)): Path<(i64, i64)>,
) -> Result<MatchPage, AppError> {
    match_page(
        &state,
        &me,
        id,
        visited,
        FormView::default().with("every_weeks", "1"),
    )
    .await
}

/// The proposals for a person; `form` holds a refused approval, if any.
async fn match_page(
    state: &AppState,
    me: &SignedIn,
    id: i64,
    visited: i64,
    form: FormView,
) -> Result<MatchPage, AppError> {
    let (person, matches) = visits::propose(state, &me.user, id, visited, me.ctx.lang).await?;
    let free = entraide_core::profile::Availability::from_bits(person.availability).slots();
    // One visit a week by default: the first slot both are free, else the
    // first the person is free.
    let cards = matches
        .into_iter()
        .map(|m| {
            let slot = m
                .common_slots
                .first()
                .or(free.first())
                .cloned()
                .unwrap_or_default();
            (m, slot)
        })
        .collect();
    Ok(MatchPage {
        base: Base::titled(
            &me.ctx,
            me.ctx
                .lang
                .t_with("propose-title", &[("name", person.display_name.clone())]),
        ),
        programme_id: id,
        person,
        cards,
        weekdays: WEEKDAYS,
        day_parts: DAY_PARTS,
        form,
    })
}

pub async fn pair(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    form: FormData,
) -> Result<Response, AppError> {
    let input = PairingInput {
        visitor_id: form.get("visitor_id").trim().parse().unwrap_or(0),
        visited_id: form.get("visited_id").trim().parse().unwrap_or(0),
        slots: form.all("slots"),
        every_weeks: form.get("every_weeks").to_owned(),
    };
    match visits::pair(&state, &me.user, id, &input).await {
        // A refused rhythm shows the proposals again, the card as it was sent.
        Err(error @ AppError::Invalid(_)) => {
            let view = FormView::from_data(&form).with_error(&error, me.ctx.lang);
            let mut response = match_page(&state, &me, id, input.visited_id, view)
                .await?
                .into_response();
            *response.status_mut() = error.status();
            Ok(response)
        }
        result => {
            act(
                &state,
                &me,
                id,
                &form,
                "pairing-approved",
                result.map(|_| ()),
            )
            .await
        }
    }
}

pub async fn end_pairing(
    State(state): State<AppState>,
    me: SignedIn,
    Path(pairing): Path<i64>,
) -> Result<Response, AppError> {
    let programme = visits::end_pairing(&state, &me.user, pairing).await?;
    Ok(see_other(&format!(
        "/programmes/{programme}?done=pairing-ended"
    )))
}

#[derive(Template, WebTemplate)]
#[template(path = "visits/mine.html")]
pub struct MinePage {
    base: Base,
    /// Pairings where the viewer visits, with their recent visits.
    visiting: Vec<(PairingView, Vec<Visit>)>,
    /// Pairings where the viewer is visited.
    visited: Vec<Pairing>,
    form: FormView,
    today: String,
}

async fn mine_page(state: &AppState, me: &SignedIn, form: FormView) -> Result<MinePage, AppError> {
    let mut visiting = Vec::new();
    let mut visited = Vec::new();
    for pairing in state.db.pairings_of(me.user.id).await? {
        if pairing.visitor_id == me.user.id {
            let visits = visits::visits_of(state, &me.user, &pairing).await?;
            let weeks = state
                .db
                .programme(pairing.programme_id)
                .await?
                .overdue_weeks;
            visiting.push((PairingView::new(pairing, weeks), visits));
        } else {
            visited.push(pairing);
        }
    }
    Ok(MinePage {
        base: Base::new(&me.ctx, "visits-title"),
        visiting,
        visited,
        form,
        today: entraide_core::exchange::format_date(crate::services::exchanges::today()),
    })
}

pub async fn mine(State(state): State<AppState>, me: SignedIn) -> Result<MinePage, AppError> {
    mine_page(&state, &me, FormView::default()).await
}

pub async fn log_visit(
    State(state): State<AppState>,
    me: SignedIn,
    Path(pairing): Path<i64>,
    form: FormData,
) -> Result<Response, AppError> {
    let input = VisitInput {
        day: form.get("day").to_owned(),
        minutes: form.get("minutes").to_owned(),
        note: form.get("note").to_owned(),
    };
    match visits::log_visit(&state, &me.user, pairing, &input).await {
        Ok(_) => Ok(see_other("/visits?done=visit-logged")),
        Err(error @ AppError::Invalid(_)) => {
            let page = mine_page(&state, &me, FormView::default()).await?;
            Ok(refuse(error, &form, me.ctx.lang, |view| MinePage {
                form: view,
                ..page
            }))
        }
        Err(error) => Err(error),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "visits/pairing.html")]
pub struct PairingPage {
    base: Base,
    pairing: Pairing,
    visits: Vec<Visit>,
    /// Notes are shown to coordinators only.
    coordinator: bool,
    /// The viewer may open the pair's conversation.
    conversation: bool,
}

/// A pairing's visit log: notes for coordinators, dates for the visitor.
pub async fn pairing(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<PairingPage, AppError> {
    let pairing = state.db.pairing(id).await?;
    let visits = visits::visits_of(&state, &me.user, &pairing).await?;
    let coordinator = visits::coordinated(&state, &me.user, pairing.programme_id)
        .await
        .is_ok();
    let conversation = crate::services::conversations::may_open(
        &state,
        &me.user,
        entraide_store::conversations::Group::Pairing(id),
    )
    .await?;
    Ok(PairingPage {
        coordinator,
        conversation,
        base: Base::titled(
            &me.ctx,
            me.ctx.lang.t_with(
                "pairing-title",
                &[
                    ("visitor", pairing.visitor_name.clone()),
                    ("visited", pairing.visited_name.clone()),
                ],
            ),
        ),
        pairing,
        visits,
    })
}
