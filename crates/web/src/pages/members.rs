//! The members page of an organisation: roles, removals, new PINs for
//! accompanied people, and invitation links.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use entraide_core::role::OrgRole;
use entraide_store::Page;
use entraide_store::orgs::{Invitation, Member, Organisation};

use super::layout::{Base, Pager};
use super::orgs::{Rights, rights};
use super::{PageQuery, see_other};
use crate::auth::SignedIn;
use crate::error::AppError;
use crate::forms::FormData;
use crate::services::orgs;
use crate::state::AppState;

#[derive(Template, WebTemplate)]
#[template(path = "orgs/members.html")]
pub struct MembersPage {
    base: Base,
    org: Organisation,
    rights: Rights,
    members: Vec<Member>,
    invitations: Vec<Invitation>,
    roles: &'static [OrgRole],
    /// A link just created, shown once.
    new_link: Option<String>,
    /// A PIN just reset, shown once with its person's name.
    new_pin: Option<(String, String)>,
    pager: Pager,
}

async fn members_view(
    state: &AppState,
    me: &SignedIn,
    id: i64,
    page_number: i64,
) -> Result<MembersPage, AppError> {
    let page = Page::new(page_number, 100);
    let listing = orgs::members(state, &me.user, id, page).await?;
    let org = state.db.organisation(id).await?;
    let rights = rights(state, me, id).await?;
    let invitations = if rights.invite {
        state.db.invitations(id).await?
    } else {
        Vec::new()
    };
    Ok(MembersPage {
        base: Base::titled(
            &me.ctx,
            me.ctx
                .lang
                .t_with("members-title", &[("org", org.name.clone())]),
        ),
        pager: Pager::new(
            format!("/orgs/{id}/members?page="),
            page.number,
            listing.more,
        ),
        org,
        rights,
        members: listing.rows,
        invitations,
        roles: OrgRole::ALL,
        new_link: None,
        new_pin: None,
    })
}

pub async fn members(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    Query(query): Query<PageQuery>,
) -> Result<MembersPage, AppError> {
    members_view(&state, &me, id, query.page.unwrap_or(1)).await
}

pub async fn change_role(
    State(state): State<AppState>,
    me: SignedIn,
    Path((id, user)): Path<(i64, i64)>,
    form: FormData,
) -> Result<Response, AppError> {
    orgs::change_role(&state, &me.user, id, user, form.get("role")).await?;
    Ok(see_other(&format!("/orgs/{id}/members?done=role-changed")))
}

pub async fn remove_member(
    State(state): State<AppState>,
    me: SignedIn,
    Path((id, user)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    orgs::remove_member(&state, &me.user, id, user).await?;
    let to = if user == me.user.id {
        "/orgs?done=left".to_owned()
    } else {
        format!("/orgs/{id}/members?done=member-removed")
    };
    Ok(see_other(&to))
}

pub async fn unlock_pin(
    State(state): State<AppState>,
    me: SignedIn,
    Path((id, user)): Path<(i64, i64)>,
) -> Result<MembersPage, AppError> {
    let pin = orgs::unlock_pin(&state, &me.user, id, user).await?;
    let name = state.db.user(user).await?.display_name;
    let mut page = members_view(&state, &me, id, 1).await?;
    page.new_pin = Some((name, pin));
    Ok(page)
}

pub async fn invite(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    form: FormData,
) -> Result<MembersPage, AppError> {
    let link = orgs::invite(&state, &me.user, id, form.get("role")).await?;
    let mut page = members_view(&state, &me, id, 1).await?;
    page.new_link = Some(link);
    Ok(page)
}

pub async fn revoke_invitation(
    State(state): State<AppState>,
    me: SignedIn,
    Path((id, invitation)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    orgs::revoke_invitation(&state, &me.user, id, invitation).await?;
    Ok(see_other(&format!(
        "/orgs/{id}/members?done=invitation-revoked"
    )))
}
