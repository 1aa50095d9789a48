//! The time bank's page in an organisation: a member's balance, statement
//! and gift form; for its admins, the settings, totals, collective pay and
//! reversals (after a confirmation page).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use entraide_core::authz::{Action, Actor, allows};
use entraide_core::role::OrgRole;
use entraide_store::Page;
use entraide_store::ledger_views::{BankLine, BankTotals, StatementLine};
use entraide_store::orgs::{Member, Organisation};

use super::layout::{Base, Pager};
use super::{PageQuery, see_other};
use crate::auth::SignedIn;
use crate::error::AppError;
use crate::forms::{FormData, FormView};
use crate::services::timebank::{self, BankSettings, GiftInput};
use crate::state::AppState;

/// Minutes as a duration people read: «−1 h 05».
pub fn duration(minutes: i64) -> String {
    let sign = if minutes < 0 { "−" } else { "" };
    let m = minutes.abs();
    format!("{sign}{} h {:02}", m / 60, m % 60)
}

#[derive(Template, WebTemplate)]
#[template(path = "timebank/show.html")]
pub struct BankPage {
    base: Base,
    org: Organisation,
    open: bool,
    member: bool,
    manage: bool,
    balance: String,
    floor: String,
    ceiling: String,
    lines: Vec<StatementLine>,
    pager: Pager,
    members: Vec<Member>,
    totals: BankTotals,
    recent: Vec<BankLine>,
    /// The member's claims of time still open, as helper or person helped.
    claims: Vec<entraide_store::claims::Claim>,
    /// Disputed claims waiting for the administrators.
    disputed: bool,
    /// A fresh key per form shown, so a double submit pays once.
    key: String,
    form: FormView,
    settings: FormView,
}

impl BankPage {
    pub fn duration(&self, minutes: &i64) -> String {
        duration(*minutes)
    }
}

async fn page(
    state: &AppState,
    me: &SignedIn,
    org_id: i64,
    number: i64,
    form: FormView,
    settings: FormView,
) -> Result<BankPage, AppError> {
    let org = state.db.organisation(org_id).await?;
    let role = state.db.role_in(org_id, me.user.id).await?;
    let actor = Actor {
        platform_admin: me.user.platform_admin,
        org_role: role.as_deref().and_then(|r| OrgRole::parse(r).ok()),
    };
    let manage = allows(actor, Action::ManageTimeBank);
    let member = role.is_some();
    if !member && !manage {
        return Err(AppError::Forbidden);
    }
    let open = timebank::runs_bank(state, org_id).await?;
    if !open && !manage {
        return Err(AppError::NotFound);
    }
    let page = Page::new(number, 30);
    let mut view = BankPage {
        base: Base::new(&me.ctx, "timebank-title"),
        open,
        member,
        manage,
        balance: String::new(),
        floor: String::new(),
        ceiling: String::new(),
        lines: Vec::new(),
        pager: Pager::new(format!("/orgs/{org_id}/timebank?page="), page.number, false),
        members: Vec::new(),
        totals: BankTotals::default(),
        recent: Vec::new(),
        claims: Vec::new(),
        disputed: false,
        key: uuid::Uuid::new_v4().simple().to_string(),
        form,
        settings,
        org,
    };
    if !open {
        return Ok(view);
    }
    let account = timebank::my_account(state, &me.user, org_id, page).await?;
    view.balance = duration(account.balance);
    view.floor = duration(account.floor);
    view.ceiling = duration(account.ceiling);
    view.pager.has_next = account.more;
    view.lines = account.lines;
    view.members = state
        .db
        .members(org_id, Page::new(1, 100))
        .await?
        .rows
        .into_iter()
        .filter(|m| m.user_id != me.user.id)
        .collect();
    if member {
        view.claims = state.db.open_claims_of(org_id, me.user.id).await?;
    }
    if manage {
        (view.totals, view.recent) = timebank::totals(state, &me.user, org_id).await?;
        view.disputed = !state
            .db
            .bank_claims(
                org_id,
                entraide_core::claim::ClaimState::Disputed,
                Page::new(1, 1),
            )
            .await?
            .rows
            .is_empty();
    }
    Ok(view)
}

pub async fn show(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    Query(query): Query<PageQuery>,
) -> Result<BankPage, AppError> {
    page(
        &state,
        &me,
        id,
        query.page.unwrap_or(1),
        FormView::default(),
        FormView::default(),
    )
    .await
}

/// The submitted form with its errors, and the status to answer.
fn refused(me: &SignedIn, error: AppError, form: &FormData) -> (FormView, axum::http::StatusCode) {
    let status = error.status();
    (
        FormView::from_data(form).with_error(&error, me.ctx.lang),
        status,
    )
}

pub async fn give(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    form: FormData,
) -> Response {
    let input = GiftInput {
        recipient: form.get("recipient").parse().unwrap_or(0),
        hours: form.get("hours").to_owned(),
        minutes: form.get("minutes").to_owned(),
        why: form.get("why").to_owned(),
        kind: match form.get("kind") {
            "" => "gift".to_owned(),
            kind => kind.to_owned(),
        },
        key: form.get("key").to_owned(),
    };
    match timebank::give(&state, &me.user, id, &input).await {
        Ok(_) => see_other(&format!("/orgs/{id}/timebank?done=time-given")),
        Err(error @ (AppError::Internal(_) | AppError::Forbidden | AppError::NotFound)) => {
            error.into_response()
        }
        Err(error) => {
            let (view, status) = refused(&me, error, &form);
            match page(&state, &me, id, 1, view, FormView::default()).await {
                Ok(page) => (status, page).into_response(),
                Err(error) => error.into_response(),
            }
        }
    }
}

pub async fn configure(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    form: FormData,
) -> Response {
    let input = BankSettings {
        floor_hours: form.get("floor_hours").to_owned(),
        ceiling_hours: form.get("ceiling_hours").to_owned(),
        confirm_days: form.get("confirm_days").to_owned(),
    };
    match timebank::configure(&state, &me.user, id, &input).await {
        Ok(()) => see_other(&format!("/orgs/{id}/timebank?done=time-bank-saved")),
        Err(error @ (AppError::Internal(_) | AppError::Forbidden | AppError::NotFound)) => {
            error.into_response()
        }
        Err(error) => {
            let (view, status) = refused(&me, error, &form);
            match page(&state, &me, id, 1, FormView::default(), view).await {
                Ok(page) => (status, page).into_response(),
                Err(error) => error.into_response(),
            }
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "timebank/reverse.html")]
pub struct ReversePage {
    base: Base,
    org_id: i64,
    transfer: i64,
    form: FormView,
}

/// Asks before reversing a transfer.
pub async fn reverse_page(
    State(state): State<AppState>,
    me: SignedIn,
    Path((id, transfer)): Path<(i64, i64)>,
) -> Result<ReversePage, AppError> {
    crate::services::orgs::require(&state, &me.user, id, Action::ManageTimeBank).await?;
    Ok(ReversePage {
        base: Base::new(&me.ctx, "timebank-reverse-title"),
        org_id: id,
        transfer,
        form: FormView::default(),
    })
}

pub async fn reverse(
    State(state): State<AppState>,
    me: SignedIn,
    Path((id, transfer)): Path<(i64, i64)>,
    form: FormData,
) -> Response {
    match timebank::reverse(&state, &me.user, id, transfer, form.get("why")).await {
        Ok(_) => see_other(&format!("/orgs/{id}/timebank?done=time-reversed")),
        Err(error @ (AppError::Internal(_) | AppError::Forbidden | AppError::NotFound)) => {
            error.into_response()
        }
        Err(error) => {
            let status = error.status();
            let page = ReversePage {
                base: Base::new(&me.ctx, "timebank-reverse-title"),
                org_id: id,
                transfer,
                form: FormView::from_data(&form).with_error(&error, me.ctx.lang),
            };
            (status, page).into_response()
        }
    }
}
