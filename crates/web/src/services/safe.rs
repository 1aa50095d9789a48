//! The digital safe: who reaches a person's safe and how, uploading a
//! document (recognised from its bytes, sealed with its owner's key, within
//! the size limit and the quota), listing, reading and deleting, folders.
//! Every access by someone other than the owner, and every change, is
//! written to the owner's access log.

use entraide_core::authz::{Action, Actor, allows};
use entraide_core::names::{DocumentTitle, FolderName};
use entraide_core::role::OrgRole;
use entraide_core::safe::{DocType, FileKind, expiry, file_name};
use entraide_core::{Invalid, ParseError};
use entraide_store::safe::{NewDocument, StoredDocument};
use entraide_store::safe_access::NewAccess;
use entraide_store::users::User;
use entraide_store::{Listing, Page};
use entraide_vault::DataKey;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::AppError;
use crate::services::safe_keys::{data_key, open_text, seal_text};
use crate::state::AppState;

/// How the viewer reaches a safe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    Owner,
    /// Acting for the person, with their consent, through this organisation.
    Accompaniment(i64),
    /// Through this share.
    Share(i64),
}

impl Via {
    pub fn key(self) -> &'static str {
        match self {
            Self::Owner => "owner",
            Self::Accompaniment(_) => "accompaniment",
            Self::Share(_) => "share",
        }
    }
}

/// What the viewer needs to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// See the documents.
    Read,
    /// Add to the safe for the person.
    Write,
}

/// How `viewer` reaches `owner`'s safe for `need`; `NotFound` otherwise, so
/// nobody learns whether a safe holds anything.
pub async fn reach(
    state: &AppState,
    viewer: &User,
    owner: i64,
    need: Need,
) -> Result<Via, AppError> {
    if viewer.id == owner {
        return Ok(Via::Owner);
    }
    match need {
        Need::Read => match state.db.share_reaching(owner, viewer.id).await? {
            Some(share) => Ok(Via::Share(share)),
            None => Err(AppError::NotFound),
        },
        Need::Write => {
            for org in state.db.accompanying_orgs(owner).await? {
                let role = state.db.role_in(org, viewer.id).await?;
                let actor = Actor {
                    platform_admin: false,
                    org_role: role.as_deref().and_then(|r| OrgRole::parse(r).ok()),
                };
                if allows(actor, Action::ActForPeople) {
                    return Ok(Via::Accompaniment(org));
                }
            }
            Err(AppError::NotFound)
        }
    }
}

/// Writes one line of the owner's access log.
pub async fn log(
    state: &AppState,
    owner: i64,
    document: Option<i64>,
    actor: &User,
    via: Via,
    action: &str,
) -> Result<(), AppError> {
    state
        .db
        .log_access(&NewAccess {
            owner,
            document,
            actor: Some(actor.id),
            via: via.key(),
            action,
            detail: "",
        })
        .await?;
    Ok(())
}

/// A document as its owner and those they share with see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DocumentView {
    pub id: i64,
    pub owner_id: i64,
    pub title: String,
    pub file_name: String,
    pub content_type: String,
    /// identity, residence, health, income, taxes, housing or other
    pub doc_type: String,
    pub size: i64,
    pub folder_id: Option<i64>,
    /// `YYYY-MM-DD`
    pub expires_on: Option<String>,
    /// Who added it, when someone did it for the owner.
    pub uploaded_by_name: Option<String>,
    pub created_at: i64,
}

#[derive(Serialize, Deserialize)]
struct Meta {
    title: String,
    file_name: String,
    content_type: String,
}

fn meta_aad(owner: i64, object: &str) -> String {
    format!("document:{owner}:{object}")
}

fn view(key: &DataKey, stored: StoredDocument) -> Result<DocumentView, AppError> {
    let text = open_text(
        key,
        &meta_aad(stored.owner_id, &stored.object),
        &stored.meta,
    )?;
    let meta: Meta = serde_json::from_str(&text).map_err(AppError::internal)?;
    Ok(DocumentView {
        id: stored.id,
        owner_id: stored.owner_id,
        title: meta.title,
        file_name: meta.file_name,
        content_type: meta.content_type,
        doc_type: stored.doc_type,
        size: stored.size,
        folder_id: stored.folder_id,
        expires_on: stored.expires_on,
        uploaded_by_name: if stored.uploaded_by == Some(stored.owner_id) {
            None
        } else {
            stored.uploaded_by_name
        },
        created_at: stored.created_at,
    })
}

/// A document as submitted.
#[derive(Debug, Default)]
pub struct Upload {
    pub title: String,
    pub doc_type: String,
    pub folder: String,
    pub expires_on: String,
    /// The file's name as the browser sent it.
    pub sent_name: String,
    pub bytes: Vec<u8>,
}

/// Adds a document to `owner`'s safe (the owner, or someone acting for
/// them); returns its id.
pub async fn upload(
    state: &AppState,
    actor: &User,
    owner: i64,
    input: &Upload,
) -> Result<i64, AppError> {
    let via = reach(state, actor, owner, Need::Write).await?;
    let mut errors = entraide_core::error::Errors::default();
    let limit = state.config.safe.document_limit;
    let kind = if input.bytes.len() as u64 > limit {
        errors.push(ParseError::new("file", Invalid::TooLong));
        None
    } else {
        errors.take(FileKind::sniff(&input.bytes))
    };
    let title = match input.title.trim() {
        "" => errors.take(DocumentTitle::parse(
            input
                .sent_name
                .rsplit(['/', '\\'])
                .next()
                .unwrap_or("document"),
        )),
        _ => errors.take(DocumentTitle::parse(&input.title)),
    };
    let doc_type = errors.take(DocType::parse(&input.doc_type));
    let expires = errors.take(expiry(&input.expires_on));
    let folder = match input.folder.trim() {
        "" => None,
        raw => {
            let id = raw.parse::<i64>().ok();
            let known = match id {
                Some(id) => state.db.folders_of(owner).await?.iter().any(|f| f.id == id),
                None => false,
            };
            if !known {
                errors.push(ParseError::new("folder", Invalid::Choice));
            }
            id
        }
    };
    let (Some(kind), Some(title), Some(doc_type), Some(expires)) = (kind, title, doc_type, expires)
    else {
        return Err(AppError::Invalid(errors));
    };
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let key = data_key(state, owner).await?;
    let object = format!("owners/{owner}/{}", uuid::Uuid::new_v4().simple());
    let meta = Meta {
        title: title.into_inner(),
        file_name: file_name(&input.sent_name, kind),
        content_type: kind.content_type().to_owned(),
    };
    let sealed_meta = seal_text(
        &key,
        &meta_aad(owner, &object),
        &serde_json::to_string(&meta).map_err(AppError::internal)?,
    )?;
    let safe = state.safe().await?;
    safe.vault.put(&key, &object, &input.bytes).await?;
    let expires_on = expires.map(|d| d.to_string());
    let added = state
        .db
        .add_document(&NewDocument {
            owner,
            folder,
            doc_type: doc_type.key(),
            meta: &sealed_meta,
            size: i64::try_from(input.bytes.len()).unwrap_or(i64::MAX),
            object: &object,
            expires_on: expires_on.as_deref(),
            uploaded_by: actor.id,
            quota: i64::try_from(state.config.safe.quota).unwrap_or(i64::MAX),
        })
        .await;
    let id = match added {
        Ok(Some(id)) => id,
        Ok(None) => {
            safe.vault.delete(&object).await?;
            return Err(AppError::Conflict("safe-quota"));
        }
        Err(error) => {
            safe.vault.delete(&object).await?;
            return Err(error.into());
        }
    };
    log(state, owner, Some(id), actor, via, "upload").await?;
    if let Via::Accompaniment(org) = via {
        state
            .db
            .audit(entraide_store::audit::NewAudit {
                event: "document-added-for",
                actor_id: Some(actor.id),
                subject_id: Some(owner),
                org_id: Some(org),
                detail: doc_type.key(),
            })
            .await?;
    }
    Ok(id)
}

/// `owner`'s documents, newest first, in one folder or all.
pub async fn list(
    state: &AppState,
    viewer: &User,
    owner: i64,
    folder: Option<i64>,
    page: Page,
) -> Result<Listing<DocumentView>, AppError> {
    let via = reach(state, viewer, owner, Need::Read).await?;
    let listing = state.db.documents_of(owner, folder, page).await?;
    let key = data_key(state, owner).await?;
    let mut rows = Vec::with_capacity(listing.rows.len());
    for stored in listing.rows {
        rows.push(view(&key, stored)?);
    }
    if via != Via::Owner {
        log(state, owner, None, viewer, via, "list").await?;
    }
    Ok(Listing {
        rows,
        more: listing.more,
    })
}

/// A document's description, for whoever may read the safe.
pub async fn describe(
    state: &AppState,
    viewer: &User,
    id: i64,
) -> Result<(DocumentView, Via), AppError> {
    let stored = state.db.document(id).await?;
    let via = reach(state, viewer, stored.owner_id, Need::Read).await?;
    let key = data_key(state, stored.owner_id).await?;
    Ok((view(&key, stored)?, via))
}

/// A document and its contents; the read is logged for the owner.
pub async fn read(
    state: &AppState,
    viewer: &User,
    id: i64,
) -> Result<(DocumentView, Vec<u8>), AppError> {
    let stored = state.db.document(id).await?;
    let via = reach(state, viewer, stored.owner_id, Need::Read).await?;
    let key = data_key(state, stored.owner_id).await?;
    let object = stored.object.clone();
    let document = view(&key, stored)?;
    let bytes = state.safe().await?.vault.get(&key, &object).await?;
    if via != Via::Owner {
        log(state, document.owner_id, Some(id), viewer, via, "view").await?;
    }
    Ok((document, bytes))
}

/// Reads a document for a one-off link (already checked by the caller).
pub async fn read_for_link(state: &AppState, id: i64) -> Result<(DocumentView, Vec<u8>), AppError> {
    let stored = state.db.document(id).await?;
    let key = data_key(state, stored.owner_id).await?;
    let object = stored.object.clone();
    let document = view(&key, stored)?;
    let bytes = state.safe().await?.vault.get(&key, &object).await?;
    Ok((document, bytes))
}

/// Deletes a document: its owner only.
pub async fn delete(state: &AppState, viewer: &User, id: i64) -> Result<(), AppError> {
    let stored = state.db.document(id).await?;
    if reach(state, viewer, stored.owner_id, Need::Read).await? != Via::Owner {
        return Err(AppError::Forbidden);
    }
    let object = state.db.delete_document(id).await?;
    state.safe().await?.vault.delete(&object).await?;
    log(state, stored.owner_id, None, viewer, Via::Owner, "delete").await?;
    Ok(())
}

/// A folder, its name opened.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FolderView {
    pub id: i64,
    pub name: String,
}

fn folder_aad(owner: i64) -> String {
    format!("folder:{owner}")
}

pub async fn folders(
    state: &AppState,
    viewer: &User,
    owner: i64,
) -> Result<Vec<FolderView>, AppError> {
    reach(state, viewer, owner, Need::Read).await?;
    let key = data_key(state, owner).await?;
    let mut shown = Vec::new();
    for folder in state.db.folders_of(owner).await? {
        shown.push(FolderView {
            id: folder.id,
            name: open_text(&key, &folder_aad(owner), &folder.name)?,
        });
    }
    Ok(shown)
}

/// Adds a folder (the owner, or someone acting for them).
pub async fn add_folder(
    state: &AppState,
    actor: &User,
    owner: i64,
    name: &str,
) -> Result<i64, AppError> {
    let via = reach(state, actor, owner, Need::Write).await?;
    let name = FolderName::parse(name).map_err(AppError::field)?;
    let key = data_key(state, owner).await?;
    let id = state
        .db
        .add_folder(owner, &seal_text(&key, &folder_aad(owner), name.as_str())?)
        .await?;
    log(state, owner, None, actor, via, "folder").await?;
    Ok(id)
}

/// Deletes a folder of one's own safe; its documents stay.
pub async fn delete_folder(state: &AppState, owner: &User, id: i64) -> Result<(), AppError> {
    Ok(state.db.delete_folder(owner.id, id).await?)
}
