//! Organisations: creation, roles, invitation links, and registering people
//! without email (login + PIN) by their social worker.

use entraide_core::authz::{Action, Actor, allows};
use entraide_core::credentials::{Login, Pin, new_token, token_digest};
use entraide_core::error::Errors;
use entraide_core::names::{Bio, DisplayName, OrgName};
use entraide_core::role::{OrgKind, OrgRole};
use entraide_core::{Invalid, ParseError};
use entraide_store::StoreError;
use entraide_store::audit::NewAudit;
use entraide_store::users::{AccompaniedPerson, User};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::AppError;
use crate::forms::FormData;
use crate::i18n::Lang;
use crate::services::accounts::hash_pin;
use crate::state::AppState;

/// The person's role in the organisation, after checking they may do `action`.
/// This is the only gate for organisation acts; it asks [`allows`].
pub async fn require(
    state: &AppState,
    user: &User,
    org_id: i64,
    action: Action,
) -> Result<Option<OrgRole>, AppError> {
    // A missing organisation is a 404 whatever the role.
    state.db.organisation(org_id).await?;
    let role = state
        .db
        .role_in(org_id, user.id)
        .await?
        .and_then(|r| OrgRole::parse(&r).ok());
    if allows(
        Actor {
            platform_admin: user.platform_admin,
            org_role: role,
        },
        action,
    ) {
        Ok(role)
    } else {
        Err(AppError::Forbidden)
    }
}

/// The members of an organisation, one page; contact details only for
/// those who may see them.
pub async fn members(
    state: &AppState,
    user: &User,
    org_id: i64,
    page: entraide_store::Page,
) -> Result<entraide_store::Listing<entraide_store::orgs::Member>, AppError> {
    let role = require(state, user, org_id, Action::ViewMembers).await?;
    let contacts = allows(
        Actor {
            platform_admin: user.platform_admin,
            org_role: role,
        },
        Action::ViewContacts,
    );
    let members = state.db.members(org_id, page).await?;
    Ok(if contacts {
        members
    } else {
        members.map(|m| m.without_contacts())
    })
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct OrgInput {
    pub name: String,
    /// `association`, `social_service`, `works_council` or `collective`.
    pub kind: String,
    pub description: String,
}

impl OrgInput {
    pub fn from_form(form: &FormData) -> Self {
        Self {
            name: form.get("name").into(),
            kind: form.get("kind").into(),
            description: form.get("description").into(),
        }
    }

    fn parse(&self) -> Result<(OrgName, OrgKind, Bio), AppError> {
        let mut errors = Errors::default();
        let name = errors.take(OrgName::parse(&self.name));
        let kind = errors.take(OrgKind::parse(&self.kind));
        let description = errors.take(
            Bio::parse(&self.description).map_err(|e| ParseError::new("description", e.reason)),
        );
        match (name, kind, description) {
            (Some(n), Some(k), Some(d)) => Ok((n, k, d)),
            _ => Err(AppError::Invalid(errors)),
        }
    }
}

pub async fn create(state: &AppState, user: &User, input: &OrgInput) -> Result<i64, AppError> {
    let (name, kind, description) = input.parse()?;
    let id = match state
        .db
        .create_organisation(name.as_str(), kind.key(), description.as_str(), user.id)
        .await
    {
        Err(StoreError::Conflict) => return Err(AppError::Conflict("org-name-taken")),
        other => other?,
    };
    state
        .db
        .audit(NewAudit {
            event: "org-created",
            actor_id: Some(user.id),
            org_id: Some(id),
            ..Default::default()
        })
        .await?;
    Ok(id)
}

pub async fn update(
    state: &AppState,
    user: &User,
    org_id: i64,
    input: &OrgInput,
) -> Result<(), AppError> {
    require(state, user, org_id, Action::EditOrganisation).await?;
    let (name, kind, description) = input.parse()?;
    match state
        .db
        .update_organisation(org_id, name.as_str(), kind.key(), description.as_str())
        .await
    {
        Err(StoreError::Conflict) => Err(AppError::Conflict("org-name-taken")),
        other => Ok(other?),
    }
}

/// Changes a member's role. The last admin cannot lose the role, so an
/// organisation is never left without one.
pub async fn change_role(
    state: &AppState,
    user: &User,
    org_id: i64,
    member: i64,
    role: &str,
) -> Result<(), AppError> {
    require(state, user, org_id, Action::ManageRoles).await?;
    let role = OrgRole::parse(role).map_err(AppError::field)?;
    let current = state
        .db
        .role_in(org_id, member)
        .await?
        .ok_or(AppError::NotFound)?;
    state
        .db
        .change_member(org_id, member, Some(role.key()))
        .await?;
    let detail = format!("{current} -> {}", role.key());
    state
        .db
        .audit(NewAudit {
            event: "role-changed",
            actor_id: Some(user.id),
            subject_id: Some(member),
            org_id: Some(org_id),
            detail: &detail,
        })
        .await?;
    Ok(())
}

/// Removes a member (or lets a member leave).
pub async fn remove_member(
    state: &AppState,
    user: &User,
    org_id: i64,
    member: i64,
) -> Result<(), AppError> {
    if member != user.id {
        require(state, user, org_id, Action::ManageRoles).await?;
    }
    state.db.change_member(org_id, member, None).await?;
    state
        .db
        .audit(NewAudit {
            event: "member-removed",
            actor_id: Some(user.id),
            subject_id: Some(member),
            org_id: Some(org_id),
            ..Default::default()
        })
        .await?;
    Ok(())
}

/// Creates an invitation link. Coordinators and social workers may invite
/// members and volunteers; only admins may invite to higher roles.
pub async fn invite(
    state: &AppState,
    user: &User,
    org_id: i64,
    role: &str,
) -> Result<String, AppError> {
    let my_role = require(state, user, org_id, Action::InviteMembers).await?;
    let role = OrgRole::parse(role).map_err(AppError::field)?;
    let can_grant_any = allows(
        Actor {
            platform_admin: user.platform_admin,
            org_role: my_role,
        },
        Action::ManageRoles,
    );
    if !can_grant_any && !matches!(role, OrgRole::Member | OrgRole::Volunteer) {
        return Err(AppError::Forbidden);
    }
    let token = new_token();
    state
        .db
        .create_invitation(org_id, &token_digest(&token), role.key(), user.id)
        .await?;
    state
        .db
        .audit(NewAudit {
            event: "invitation-created",
            actor_id: Some(user.id),
            org_id: Some(org_id),
            detail: role.key(),
            ..Default::default()
        })
        .await?;
    Ok(state.config.link(&format!("/join/{token}")))
}

/// Revokes an invitation link of the organisation.
pub async fn revoke_invitation(
    state: &AppState,
    user: &User,
    org_id: i64,
    invitation: i64,
) -> Result<(), AppError> {
    require(state, user, org_id, Action::InviteMembers).await?;
    state.db.revoke_invitation(org_id, invitation).await?;
    state
        .db
        .audit(NewAudit {
            event: "invitation-revoked",
            actor_id: Some(user.id),
            org_id: Some(org_id),
            ..Default::default()
        })
        .await?;
    Ok(())
}

/// Joins through an invitation link; returns the organisation id. Joining
/// an organisation one already belongs to changes nothing.
pub async fn accept_invitation(
    state: &AppState,
    user: &User,
    token: &str,
) -> Result<i64, AppError> {
    let invitation = state
        .db
        .invitation(&token_digest(token))
        .await
        .map_err(|_| AppError::Conflict("link-expired"))?;
    if state
        .db
        .join_organisation(invitation.org_id, user.id, &invitation.role)
        .await?
    {
        state.db.count_invitation_use(invitation.id).await?;
        state
            .db
            .audit(NewAudit {
                event: "joined",
                actor_id: Some(user.id),
                org_id: Some(invitation.org_id),
                detail: &invitation.role,
                ..Default::default()
            })
            .await?;
    }
    Ok(invitation.org_id)
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct RegisterInput {
    /// A name or nickname.
    pub display_name: String,
    /// Optional year of birth.
    pub birth_year: String,
    /// Optional French mobile number: texts become the person's way to be told.
    pub phone: String,
    /// `fr` or `en`.
    pub language: String,
}

/// What a social worker hands to the person they registered, shown once.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Handout {
    pub user_id: i64,
    pub display_name: String,
    pub login: String,
    pub pin: String,
    pub language: String,
    /// The mobile number the person will be texted on (`+336…`).
    pub phone: Option<String>,
    pub sign_in_url: String,
}

/// Registers a person without email as a member of the organisation.
pub async fn register_person(
    state: &AppState,
    worker: &User,
    org_id: i64,
    input: &RegisterInput,
) -> Result<Handout, AppError> {
    require(state, worker, org_id, Action::AccompanyPeople).await?;
    let mut errors = Errors::default();
    let name = errors.take(DisplayName::parse(&input.display_name));
    let birth_year = match input.birth_year.trim() {
        "" => None,
        raw => errors.take(
            raw.parse::<i64>()
                .ok()
                .filter(|y| (1900..=2026).contains(y))
                .ok_or(ParseError::new("birth_year", Invalid::Date)),
        ),
    };
    let phone = match input.phone.trim() {
        "" => None,
        raw => errors.take(
            entraide_core::notify::Phone::french_mobile(raw)
                .map_err(|e| ParseError::new("phone", e)),
        ),
    };
    let language = match input.language.trim() {
        "" => Some(Lang::Fr),
        code => {
            errors.take(Lang::from_code(code).ok_or(ParseError::new("language", Invalid::Choice)))
        }
    };
    let (Some(name), Some(language)) = (name, language) else {
        return Err(AppError::Invalid(errors));
    };
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let pin = Pin::generate();
    let pin_hash = hash_pin(&pin).await?;
    // A generated login may collide with an existing one: try a few.
    for _ in 0..5 {
        let login = Login::generate(name.as_str());
        let person = AccompaniedPerson {
            display_name: name.as_str(),
            login: login.as_str(),
            pin_hash: &pin_hash,
            locale: language.code(),
            birth_year,
            phone: phone.as_ref().map(|p| p.as_str()),
            registered_by: worker.id,
            org_id,
        };
        match state.db.create_accompanied_user(&person).await {
            Err(StoreError::Conflict) => continue,
            Err(other) => return Err(other.into()),
            Ok(id) => {
                state
                    .db
                    .audit(NewAudit {
                        event: "registered-by-worker",
                        actor_id: Some(worker.id),
                        subject_id: Some(id),
                        org_id: Some(org_id),
                        ..Default::default()
                    })
                    .await?;
                return Ok(Handout {
                    user_id: id,
                    display_name: name.into_inner(),
                    login: login.as_str().to_owned(),
                    pin: pin.as_str().to_owned(),
                    language: language.code().to_owned(),
                    phone: phone.map(|p| p.as_str().to_owned()),
                    sign_in_url: state.config.link("/login/pin"),
                });
            }
        }
    }
    Err(AppError::Internal("could not find a free login".into()))
}

/// Gives a PIN account a new PIN (after a lock, or a forgotten PIN),
/// returned once. Only social workers of the registering organisation may.
pub async fn unlock_pin(
    state: &AppState,
    worker: &User,
    org_id: i64,
    person: i64,
) -> Result<String, AppError> {
    require(state, worker, org_id, Action::AccompanyPeople).await?;
    state
        .db
        .role_in(org_id, person)
        .await?
        .ok_or(AppError::NotFound)?;
    let target = state.db.user(person).await?;
    if target.login.is_none() {
        return Err(AppError::Conflict("no-pin"));
    }
    // Only the organisation that registered the person holds their PIN:
    // an admin of a club they later joined must not be able to take over.
    if target.registered_org != Some(org_id) {
        return Err(AppError::Forbidden);
    }
    let pin = Pin::generate();
    let pin_hash = hash_pin(&pin).await?;
    state.db.unlock_pin(person, Some(&pin_hash)).await?;
    state
        .db
        .audit(NewAudit {
            event: "pin-unlocked",
            actor_id: Some(worker.id),
            subject_id: Some(person),
            org_id: Some(org_id),
            ..Default::default()
        })
        .await?;
    Ok(pin.as_str().to_owned())
}
