//! The person's own notes and important contacts, kept in their safe and
//! sealed with their data key (bound to the owner and the kind). The owner
//! and those reading the safe through a share see them; the owner and
//! workers acting for them with consent add them. A worker changes or
//! deletes only an entry they wrote last. Every act by someone else, and
//! every change, goes to the owner's access log.

use entraide_core::error::Errors;
use entraide_core::names::{ContactName, ContactRole, NoteText, ShortNote};
use entraide_core::notify::Phone;
use entraide_core::{Invalid, ParseError};
use entraide_store::safe_notes::StoredNote;
use entraide_store::users::User;
use entraide_vault::DataKey;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::AppError;
use crate::services::safe::{Need, Via, log, reach};
use crate::services::safe_keys::{data_key, open_text, seal_text};
use crate::state::AppState;

/// A note or a contact as submitted: a note is its `text`; a contact is a
/// `name`, a `role`, a `phone` and optional `details`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct NoteInput {
    /// `note` or `contact` (ignored when editing: an entry keeps its kind).
    pub kind: String,
    /// The note.
    pub text: String,
    /// A contact's name.
    pub name: String,
    /// What the contact does («assistante sociale», «médecin»).
    pub role: String,
    /// The contact's phone.
    pub phone: String,
    /// A few words beside a contact.
    pub details: String,
}

/// A note or a contact, opened.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NoteView {
    pub id: i64,
    pub owner_id: i64,
    /// `note` or `contact`
    pub kind: String,
    pub text: String,
    pub name: String,
    pub role: String,
    /// International form (`+33612345678`).
    pub phone: String,
    pub details: String,
    /// Who wrote it last, when it was not the owner.
    pub written_by_name: Option<String>,
    /// Whether the viewer may change and delete it.
    pub editable: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

/// What is sealed: the whole entry but its kind.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default)]
struct Sealed {
    text: String,
    name: String,
    role: String,
    phone: String,
    details: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Note,
    Contact,
}

impl Kind {
    fn parse(raw: &str) -> Result<Self, ParseError> {
        match raw.trim() {
            "note" => Ok(Self::Note),
            "contact" => Ok(Self::Contact),
            "" => Err(ParseError::new("kind", Invalid::Required)),
            _ => Err(ParseError::new("kind", Invalid::Choice)),
        }
    }
    fn key(self) -> &'static str {
        match self {
            Self::Note => "note",
            Self::Contact => "contact",
        }
    }
}

fn aad(owner: i64, kind: &str) -> String {
    format!("safe-note:{owner}:{kind}")
}

/// Parses an entry of `kind`; every refused field at once.
fn parse(kind: Kind, input: &NoteInput) -> Result<Sealed, AppError> {
    let mut errors = Errors::default();
    let sealed = match kind {
        Kind::Note => Sealed {
            text: errors
                .take(NoteText::parse(&input.text))
                .map(NoteText::into_inner)
                .unwrap_or_default(),
            ..Sealed::default()
        },
        Kind::Contact => Sealed {
            name: errors
                .take(ContactName::parse(&input.name))
                .map(ContactName::into_inner)
                .unwrap_or_default(),
            role: errors
                .take(ContactRole::parse(&input.role))
                .map(ContactRole::into_inner)
                .unwrap_or_default(),
            phone: errors
                .take(Phone::parse(&input.phone).map_err(|e| ParseError::new("phone", e)))
                .map(|p| p.as_str().to_owned())
                .unwrap_or_default(),
            details: errors
                .take(
                    ShortNote::parse(&input.details)
                        .map_err(|e| ParseError::new("details", e.reason)),
                )
                .map(ShortNote::into_inner)
                .unwrap_or_default(),
            ..Sealed::default()
        },
    };
    if errors.is_empty() {
        Ok(sealed)
    } else {
        Err(AppError::Invalid(errors))
    }
}

/// Whether `viewer`, reaching the safe through `via`, may change `stored`.
fn may_change(viewer: &User, via: Via, stored: &StoredNote) -> bool {
    match via {
        Via::Owner => true,
        Via::Accompaniment(_) => stored.written_by == Some(viewer.id),
        Via::Share(_) => false,
    }
}

fn view(key: &DataKey, stored: StoredNote, editable: bool) -> Result<NoteView, AppError> {
    let text = open_text(key, &aad(stored.owner_id, &stored.kind), &stored.sealed)?;
    let sealed: Sealed = serde_json::from_str(&text).map_err(AppError::internal)?;
    Ok(NoteView {
        id: stored.id,
        owner_id: stored.owner_id,
        kind: stored.kind,
        text: sealed.text,
        name: sealed.name,
        role: sealed.role,
        phone: sealed.phone,
        details: sealed.details,
        written_by_name: if stored.written_by == Some(stored.owner_id) {
            None
        } else {
            stored.written_by_name
        },
        editable,
        created_at: stored.created_at,
        updated_at: stored.updated_at,
    })
}

/// `owner`'s notes and contacts, for whoever may read the safe.
pub async fn list(state: &AppState, viewer: &User, owner: i64) -> Result<Vec<NoteView>, AppError> {
    let via = reach(state, viewer, owner, Need::Read).await?;
    // A worker who also acts for the person may change what they wrote.
    let acting = match via {
        Via::Owner => via,
        _ => reach(state, viewer, owner, Need::Write)
            .await
            .unwrap_or(via),
    };
    let key = data_key(state, owner).await?;
    let mut shown = Vec::new();
    for stored in state.db.notes_of(owner).await? {
        let editable = may_change(viewer, acting, &stored);
        shown.push(view(&key, stored, editable)?);
    }
    if via != Via::Owner {
        log(state, owner, None, viewer, via, "list-notes").await?;
    }
    Ok(shown)
}

/// Adds a note or a contact to `owner`'s safe; returns its id.
pub async fn add(
    state: &AppState,
    actor: &User,
    owner: i64,
    input: &NoteInput,
) -> Result<i64, AppError> {
    let via = reach(state, actor, owner, Need::Write).await?;
    let kind = Kind::parse(&input.kind).map_err(AppError::field)?;
    let sealed = parse(kind, input)?;
    let key = data_key(state, owner).await?;
    let text = serde_json::to_string(&sealed).map_err(AppError::internal)?;
    let id = state
        .db
        .add_note(
            owner,
            kind.key(),
            &seal_text(&key, &aad(owner, kind.key()), &text)?,
            actor.id,
        )
        .await?;
    log(state, owner, None, actor, via, "add-note").await?;
    Ok(id)
}

/// A note and how the viewer reaches it, for its edit and delete pages.
/// Only those who may change it get it.
pub async fn for_change(state: &AppState, viewer: &User, id: i64) -> Result<NoteView, AppError> {
    let stored = state.db.note(id).await?;
    let owner = stored.owner_id;
    let via = reach(state, viewer, owner, Need::Write).await?;
    if !may_change(viewer, via, &stored) {
        return Err(AppError::Forbidden);
    }
    view(&data_key(state, owner).await?, stored, true)
}

/// Changes a note or a contact; it keeps its kind.
pub async fn edit(
    state: &AppState,
    actor: &User,
    id: i64,
    input: &NoteInput,
) -> Result<i64, AppError> {
    let stored = state.db.note(id).await?;
    let owner = stored.owner_id;
    let via = reach(state, actor, owner, Need::Write).await?;
    if !may_change(actor, via, &stored) {
        return Err(AppError::Forbidden);
    }
    let kind = Kind::parse(&stored.kind).map_err(AppError::internal)?;
    let sealed = parse(kind, input)?;
    let key = data_key(state, owner).await?;
    let text = serde_json::to_string(&sealed).map_err(AppError::internal)?;
    state
        .db
        .update_note(
            owner,
            id,
            &seal_text(&key, &aad(owner, kind.key()), &text)?,
            actor.id,
        )
        .await?;
    log(state, owner, None, actor, via, "edit-note").await?;
    Ok(owner)
}

/// Deletes a note or a contact; returns the owner, for the way back.
pub async fn delete(state: &AppState, actor: &User, id: i64) -> Result<i64, AppError> {
    let stored = state.db.note(id).await?;
    let owner = stored.owner_id;
    let via = reach(state, actor, owner, Need::Write).await?;
    if !may_change(actor, via, &stored) {
        return Err(AppError::Forbidden);
    }
    state.db.delete_note(owner, id).await?;
    log(state, owner, None, actor, via, "delete-note").await?;
    Ok(owner)
}
