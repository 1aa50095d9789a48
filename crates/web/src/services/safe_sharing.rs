//! What a person decides about their safe: sharing it with a worker or an
//! organisation's staff (revocable), one-off links to one document (with an
//! expiry and an optional code), consent to be accompanied, and reading the
//! log of every access.

use entraide_core::credentials::{new_token, token_digest};
use entraide_core::{Invalid, ParseError};
use entraide_store::safe_access::{AccessLine, Accompaniment, Link, Share};
use entraide_store::users::User;
use entraide_store::{Listing, Page};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::AppError;
use crate::services::safe::{self, DocumentView, Need, Via, log, reach};
use crate::state::AppState;

/// Whom to share with: one of the organisations the person belongs to
/// (its social workers, coordinators and administrators), or one person
/// among their staff.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct ShareInput {
    #[serde(default)]
    pub org: Option<i64>,
    #[serde(default)]
    pub person: Option<i64>,
}

/// Shares one's own safe.
pub async fn share(state: &AppState, owner: &User, input: &ShareInput) -> Result<i64, AppError> {
    let mine: Vec<_> = state
        .db
        .memberships_of(owner.id)
        .await?
        .into_iter()
        .map(|(org, _)| org)
        .collect();
    let (org, person) = match (input.org, input.person) {
        (Some(org), None) if mine.iter().any(|o| o.id == org) => (Some(org), None),
        (None, Some(person)) if person != owner.id => {
            // One of the staff of an organisation the owner belongs to.
            let mut known = false;
            for org in &mine {
                let role = state.db.role_in(org.id, person).await?;
                known |= matches!(
                    role.as_deref(),
                    Some("social_worker" | "coordinator" | "admin")
                );
            }
            if !known {
                return Err(AppError::field(ParseError::new("person", Invalid::Choice)));
            }
            (None, Some(person))
        }
        _ => return Err(AppError::field(ParseError::new("org", Invalid::Choice))),
    };
    let id = state.db.share_safe(owner.id, org, person, owner.id).await?;
    log(state, owner.id, None, owner, Via::Owner, "share").await?;
    Ok(id)
}

pub async fn shares(state: &AppState, owner: &User) -> Result<Vec<Share>, AppError> {
    Ok(state.db.shares_of(owner.id).await?)
}

pub async fn revoke(state: &AppState, owner: &User, id: i64) -> Result<(), AppError> {
    state.db.revoke_share(owner.id, id).await?;
    log(state, owner.id, None, owner, Via::Owner, "revoke").await
}

/// Consents given and withdrawn.
pub async fn consents(state: &AppState, person: &User) -> Result<Vec<Accompaniment>, AppError> {
    Ok(state.db.accompaniments_of(person.id).await?)
}

/// Withdraws (or gives again) consent to be accompanied by `org`.
pub async fn set_consent(
    state: &AppState,
    person: &User,
    org: i64,
    consent: bool,
) -> Result<(), AppError> {
    if !state
        .db
        .accompaniments_of(person.id)
        .await?
        .iter()
        .any(|a| a.org_id == org)
    {
        return Err(AppError::NotFound);
    }
    state.db.set_accompaniment(person.id, org, consent).await?;
    let action = if consent {
        "consent"
    } else {
        "withdraw-consent"
    };
    log(state, person.id, None, person, Via::Owner, action).await
}

/// The owner's access log.
pub async fn access_log(
    state: &AppState,
    owner: &User,
    page: Page,
) -> Result<Listing<AccessLine>, AppError> {
    Ok(state.db.access_log(owner.id, page).await?)
}

/// A link as submitted: how many days it lives (1 to 30), and an optional
/// code the receiver must type (4 to 12 characters).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct LinkInput {
    #[serde(default)]
    pub days: String,
    #[serde(default)]
    pub code: String,
}

/// A link just made: its address is shown once.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NewLink {
    pub id: i64,
    pub url: String,
    pub expires_at: i64,
}

/// Makes a one-off link to one of one's own documents.
pub async fn make_link(
    state: &AppState,
    owner: &User,
    document: i64,
    input: &LinkInput,
) -> Result<NewLink, AppError> {
    let (doc, via) = safe::describe(state, owner, document).await?;
    if via != Via::Owner {
        return Err(AppError::Forbidden);
    }
    let mut errors = entraide_core::error::Errors::default();
    let days = match input.days.trim() {
        "" => Some(7),
        raw => errors.take(
            raw.parse::<i64>()
                .ok()
                .filter(|d| (1..=30).contains(d))
                .ok_or(ParseError::new("days", Invalid::Range)),
        ),
    };
    let code = input.code.trim();
    if !code.is_empty() && !(4..=12).contains(&code.chars().count()) {
        errors.push(ParseError::new("code", Invalid::Range));
    }
    let Some(days) = days.filter(|_| errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    let code_hash = match code {
        "" => None,
        code => Some(crate::services::accounts::hash_blocking(code.to_owned()).await?),
    };
    let token = new_token();
    let expires_at = time::OffsetDateTime::now_utc().unix_timestamp() + days * 86_400;
    let id = state
        .db
        .add_link(
            doc.id,
            &token_digest(&token),
            code_hash.as_deref(),
            expires_at,
            owner.id,
        )
        .await?;
    log(state, owner.id, Some(doc.id), owner, Via::Owner, "link").await?;
    Ok(NewLink {
        id,
        url: state.config.link(&format!("/s/{token}")),
        expires_at,
    })
}

pub async fn links(state: &AppState, owner: &User, document: i64) -> Result<Vec<Link>, AppError> {
    let (doc, via) = safe::describe(state, owner, document).await?;
    if via != Via::Owner {
        return Err(AppError::Forbidden);
    }
    Ok(state.db.links_of(doc.id).await?)
}

pub async fn revoke_link(
    state: &AppState,
    owner: &User,
    document: i64,
    id: i64,
) -> Result<(), AppError> {
    let (doc, via) = safe::describe(state, owner, document).await?;
    if via != Via::Owner {
        return Err(AppError::Forbidden);
    }
    state.db.revoke_link(doc.id, id).await?;
    log(
        state,
        owner.id,
        Some(doc.id),
        owner,
        Via::Owner,
        "revoke-link",
    )
    .await
}

/// Whether a link still opens, and whether it asks for a code.
pub async fn link_status(state: &AppState, token: &str) -> Result<Link, AppError> {
    let link = state.db.link_by_digest(&token_digest(token)).await?;
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    if link.revoked_at.is_some() || link.expires_at <= now {
        return Err(AppError::Conflict("safe-link-expired"));
    }
    Ok(link)
}

/// Opens a link (with its code when it has one); the access is logged
/// for the owner.
pub async fn open_link(
    state: &AppState,
    token: &str,
    code: &str,
    ip: Option<std::net::IpAddr>,
) -> Result<(DocumentView, Vec<u8>), AppError> {
    let link = link_status(state, token).await?;
    if let Some(hash) = &link.code_hash {
        state.limits.check_login(ip, &format!("link:{}", link.id))?;
        let typed = code.trim().to_owned();
        if !crate::services::accounts::verify_blocking(typed, hash.clone()).await? {
            return Err(AppError::field(ParseError::new("code", Invalid::Pin)));
        }
    }
    let (document, bytes) = safe::read_for_link(state, link.document_id).await?;
    state.db.count_link_use(link.id).await?;
    state
        .db
        .log_access(&entraide_store::safe_access::NewAccess {
            owner: document.owner_id,
            document: Some(document.id),
            actor: None,
            via: "link",
            action: "view",
            detail: "",
        })
        .await?;
    Ok((document, bytes))
}

/// Whom an owner may share with: the organisations they belong to.
pub async fn share_choices(state: &AppState, owner: &User) -> Result<Vec<(i64, String)>, AppError> {
    reach(state, owner, owner.id, Need::Read).await?;
    Ok(state
        .db
        .memberships_of(owner.id)
        .await?
        .into_iter()
        .map(|(o, _)| (o.id, o.name))
        .collect())
}
