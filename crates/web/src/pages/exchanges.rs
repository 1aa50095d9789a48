//! Pages for needs and offers: browse and search, post (for oneself or an
//! accompanied person), see one with its participants, see matches with
//! their reasons, take steps, and "my needs, offers and invitations".

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use entraide_core::exchange::{CATEGORIES, Kind, Urgency};
use entraide_core::lifecycle::{ExchangeStep, Step};
use entraide_core::profile::{DAY_PARTS, LANGUAGES, SKILLS, WEEKDAYS};
use entraide_store::Page;
use entraide_store::participations::Involvement;
use entraide_store::users::RegisteredPerson;

use super::layout::{Base, Pager};
use super::see_other;
use crate::auth::SignedIn;
use crate::error::AppError;
use crate::forms::{FormData, FormView, refuse};
use crate::services::exchange_search::{self, SearchQuery};
use crate::services::exchange_view::{self, ExchangeDetail};
use crate::services::exchanges::{self, ExchangeBody, ExchangeCard};
use crate::services::matching::{self, HelperMatch, NeedMatch};
use crate::state::AppState;

/// Taxonomies the templates loop over.
pub struct Choices {
    pub categories: &'static [&'static str],
    pub skills: &'static [&'static str],
    pub languages: &'static [&'static str],
    pub weekdays: [&'static str; 7],
    pub day_parts: [&'static str; 3],
    pub urgencies: &'static [Urgency],
    pub kinds: &'static [Kind],
}

pub const CHOICES: Choices = Choices {
    categories: CATEGORIES,
    skills: SKILLS,
    languages: LANGUAGES,
    weekdays: WEEKDAYS,
    day_parts: DAY_PARTS,
    urgencies: Urgency::ALL,
    kinds: Kind::ALL,
};

#[derive(Template, WebTemplate)]
#[template(path = "exchanges/list.html")]
pub struct ListPage {
    base: Base,
    form: FormView,
    choices: Choices,
    items: Vec<ExchangeCard>,
    has_home: bool,
    pager: Pager,
    radii: Vec<(&'static str, String)>,
}

fn radii(lang: crate::i18n::Lang) -> Vec<(&'static str, String)> {
    [
        ("1000", 1000),
        ("3000", 3000),
        ("5000", 5000),
        ("10000", 10_000),
        ("30000", 30_000),
    ]
    .into_iter()
    .map(|(value, metres)| (value, lang.distance(metres)))
    .collect()
}

fn search_form(query: &SearchQuery) -> FormView {
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    FormView::default()
        .with("q", text(&query.q))
        .with("kind", text(&query.kind))
        .with("category", text(&query.category))
        .with("skill", text(&query.skill))
        .with("recurring", text(&query.recurring))
        .with("after", text(&query.after))
        .with("sort", text(&query.sort))
        .with(
            "radius",
            query.radius.map(|r| r.to_string()).unwrap_or_default(),
        )
}

/// The list's address without its page number, for the pager.
fn list_prefix(query: &SearchQuery) -> String {
    let mut url = url::form_urlencoded::Serializer::new(String::new());
    let pairs = [
        ("q", &query.q),
        ("kind", &query.kind),
        ("category", &query.category),
        ("skill", &query.skill),
        ("recurring", &query.recurring),
        ("after", &query.after),
        ("sort", &query.sort),
    ];
    for (name, value) in pairs {
        if let Some(v) = value.as_deref().filter(|v| !v.is_empty()) {
            url.append_pair(name, v);
        }
    }
    if let Some(radius) = query.radius {
        url.append_pair("radius", &radius.to_string());
    }
    format!("/exchanges?{}&page=", url.finish())
}

pub async fn list(
    State(state): State<AppState>,
    me: SignedIn,
    Query(query): Query<SearchQuery>,
) -> Response {
    let page = query.page.unwrap_or(1);
    let base = Base::new(&me.ctx, "exchanges-title");
    let has_home = me.user.home_lat.is_some();
    match exchange_search::search(&state, &me.user, &query, 20).await {
        Ok(listing) => ListPage {
            base,
            form: search_form(&query),
            choices: CHOICES,
            items: listing
                .rows
                .iter()
                .map(|e| ExchangeCard::new(e, &me.user))
                .collect(),
            has_home,
            pager: Pager::new(list_prefix(&query), page, listing.more),
            radii: radii(me.ctx.lang),
        }
        .into_response(),
        Err(error @ AppError::Invalid(_)) => {
            let form = search_form(&query).with_error(&error, me.ctx.lang);
            let mut response = ListPage {
                base,
                form,
                choices: CHOICES,
                items: Vec::new(),
                has_home,
                pager: Pager::new(list_prefix(&query), 1, false),
                radii: radii(me.ctx.lang),
            }
            .into_response();
            *response.status_mut() = error.status();
            response
        }
        Err(error) => error.into_response(),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "exchanges/form.html")]
pub struct FormPage {
    base: Base,
    form: FormView,
    choices: Choices,
    people: Vec<RegisteredPerson>,
    has_home: bool,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct NewQuery {
    kind: Option<String>,
    for_person: Option<i64>,
}

pub async fn new_page(
    State(state): State<AppState>,
    me: SignedIn,
    Query(query): Query<NewQuery>,
) -> Result<FormPage, AppError> {
    let kind = match query.kind.as_deref() {
        Some("offer") => "offer",
        _ => "need",
    };
    let mut form = FormView::default()
        .with("kind", kind)
        .with("schedule", "once")
        .with("helpers_wanted", "1")
        .with("urgency", "normal")
        .with(
            "date",
            entraide_core::exchange::format_date(exchanges::today()),
        )
        .with("from", "14:00")
        .with("to", "16:00");
    if let Some(person) = query.for_person {
        form = form.with("for_person", person.to_string());
    }
    Ok(FormPage {
        base: Base::new(&me.ctx, "exchange-new-title"),
        form,
        choices: CHOICES,
        people: exchanges::accompanied(&state, &me.user).await?,
        has_home: me.user.home_lat.is_some(),
    })
}

pub async fn create(State(state): State<AppState>, me: SignedIn, form: FormData) -> Response {
    let body = ExchangeBody::from_form(&form);
    match exchanges::create(&state, &me.user, &body).await {
        Ok(id) => see_other(&format!("/exchanges/{id}?done=exchange-posted")),
        Err(error) => {
            let people = exchanges::accompanied(&state, &me.user)
                .await
                .unwrap_or_default();
            refuse(error, &form, me.ctx.lang, |form| FormPage {
                base: Base::new(&me.ctx, "exchange-new-title"),
                form,
                choices: CHOICES,
                people,
                has_home: me.user.home_lat.is_some(),
            })
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "exchanges/show.html")]
pub struct ShowPage {
    base: Base,
    e: ExchangeDetail,
    /// The viewer may respond (with a message), and their other steps.
    can_respond: bool,
    other_steps: Vec<String>,
    /// The viewer may open the exchange's conversation.
    conversation: bool,
    /// Once done: the time given, to confirm, and thanks.
    time: super::claims::TimeSection,
    /// Helpers the viewer may endorse (done exchanges, the person helped).
    endorse: Vec<crate::services::recognition::HelperToEndorse>,
    endorse_form: FormView,
}

impl ShowPage {
    pub fn duration(&self, minutes: &i64) -> String {
        super::timebank::duration(*minutes)
    }
}

pub async fn show(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<ShowPage, AppError> {
    show_page(&state, &me, id, FormView::default()).await
}

/// The exchange's page, with an endorsement form shown back when refused.
pub async fn show_page(
    state: &AppState,
    me: &SignedIn,
    id: i64,
    endorse_form: FormView,
) -> Result<ShowPage, AppError> {
    let exchange = state.db.exchange(id).await?;
    let e = exchange_view::detail(state, &me.user, &exchange).await?;
    let can_respond = e.my_steps.iter().any(|s| s == Step::Respond.key());
    let other_steps = e
        .my_steps
        .iter()
        .filter(|s| *s != Step::Respond.key())
        .cloned()
        .collect();
    let conversation = crate::services::conversations::may_open(
        state,
        &me.user,
        entraide_store::conversations::Group::Exchange(id),
    )
    .await?;
    let time = super::claims::time_section(state, &me.user, &exchange).await?;
    let endorse =
        crate::services::recognition::helpers_to_endorse(state, &me.user, &exchange).await?;
    Ok(ShowPage {
        base: Base::titled(&me.ctx, exchange.title.clone()),
        e,
        can_respond,
        other_steps,
        conversation,
        time,
        endorse,
        endorse_form,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "exchanges/matches.html")]
pub struct MatchesPage {
    base: Base,
    e: ExchangeDetail,
    helpers: Vec<HelperMatch>,
    needs: Vec<NeedMatch>,
}

pub async fn matches(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<MatchesPage, AppError> {
    let exchange = state.db.exchange(id).await?;
    let e = exchange_view::detail(&state, &me.user, &exchange).await?;
    let (helpers, needs) = if exchange.kind == Kind::Need.key() {
        let found = matching::helpers(&state, &me.user, &exchange, me.ctx.lang).await?;
        (found, Vec::new())
    } else {
        let found = matching::needs_for_offer(&state, &me.user, &exchange, me.ctx.lang).await?;
        (Vec::new(), found)
    };
    Ok(MatchesPage {
        base: Base::titled(
            &me.ctx,
            me.ctx
                .lang
                .t_with("matches-title", &[("title", exchange.title.clone())]),
        ),
        e,
        helpers,
        needs,
    })
}

/// One step from a button: `step`, `person_id` (owner side), `message`,
/// and where to come back to.
pub async fn step(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    form: FormData,
) -> Result<Response, AppError> {
    let step = Step::parse(form.get("step")).map_err(AppError::field)?;
    let person = form.get("person_id").trim().parse().ok();
    exchanges::take_step(&state, &me.user, id, step, person, form.get("message")).await?;
    let back = if form.get("back") == "matches" {
        format!("/exchanges/{id}/matches?done=step-{}", step.key())
    } else {
        format!("/exchanges/{id}?done=step-{}", step.key())
    };
    Ok(see_other(&back))
}

#[derive(Template, WebTemplate)]
#[template(path = "exchanges/cancel.html")]
pub struct CancelPage {
    base: Base,
    e: ExchangeDetail,
}

/// Asks before cancelling: participants lose their place.
pub async fn cancel_page(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<CancelPage, AppError> {
    let exchange = state.db.exchange(id).await?;
    let e = exchange_view::detail(&state, &me.user, &exchange).await?;
    if !e.manages {
        return Err(AppError::Forbidden);
    }
    Ok(CancelPage {
        base: Base::new(&me.ctx, "exchange-cancel-title"),
        e,
    })
}

pub async fn close(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    form: FormData,
) -> Result<Response, AppError> {
    let step = ExchangeStep::parse(form.get("step")).map_err(AppError::field)?;
    let closed = exchanges::close(&state, &me.user, id, step).await?;
    Ok(see_other(&format!(
        "/exchanges/{id}?done=exchange-{}",
        closed.key()
    )))
}

#[derive(Template, WebTemplate)]
#[template(path = "exchanges/mine.html")]
pub struct MinePage {
    base: Base,
    mine: Vec<ExchangeCard>,
    involvements: Vec<Involvement>,
    people: Vec<RegisteredPerson>,
}

pub async fn mine(State(state): State<AppState>, me: SignedIn) -> Result<MinePage, AppError> {
    let mine = state.db.exchanges_of(me.user.id, Page::new(1, 50)).await?;
    let involvements = state.db.involvements(me.user.id, Page::new(1, 50)).await?;
    Ok(MinePage {
        base: Base::new(&me.ctx, "mine-title"),
        mine: mine
            .rows
            .iter()
            .map(|e| ExchangeCard::new(e, &me.user))
            .collect(),
        involvements: involvements.rows,
        people: exchanges::accompanied(&state, &me.user).await?,
    })
}
