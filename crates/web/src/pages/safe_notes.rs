//! The pages of the safe's notes and important contacts: the list with the
//! forms that add them (one's own, or an accompanied person's for a
//! worker), changing one, and deleting one after a confirmation page.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};

use super::layout::Base;
use super::see_other;
use crate::auth::SignedIn;
use crate::error::AppError;
use crate::forms::{FormData, FormView, refuse};
use crate::services::safe::{self, Need};
use crate::services::safe_notes::{self, NoteInput, NoteView};
use crate::state::AppState;

#[derive(Template, WebTemplate)]
#[template(path = "safe/notes.html")]
pub struct NotesPage {
    base: Base,
    owner_id: i64,
    own: bool,
    can_read: bool,
    can_write: bool,
    contacts: Vec<NoteView>,
    notes: Vec<NoteView>,
    /// The safe's page, for the way back.
    back: String,
    contact_form: FormView,
    note_form: FormView,
}

impl NotesPage {
    pub fn phone(&self, stored: &str) -> String {
        entraide_core::notify::phone_as_written(stored)
    }
}

fn safe_path(me: &SignedIn, owner: i64) -> String {
    if owner == me.user.id {
        "/safe".to_owned()
    } else {
        format!("/people/{owner}/safe")
    }
}

fn input(form: &FormData) -> NoteInput {
    NoteInput {
        kind: form.get("kind").into(),
        text: form.get("text").into(),
        name: form.get("name").into(),
        role: form.get("role").into(),
        phone: form.get("phone").into(),
        details: form.get("details").into(),
    }
}

async fn page(
    state: &AppState,
    me: &SignedIn,
    owner: i64,
    contact_form: FormView,
    note_form: FormView,
) -> Result<NotesPage, AppError> {
    let can_read = safe::reach(state, &me.user, owner, Need::Read)
        .await
        .is_ok();
    let can_write = safe::reach(state, &me.user, owner, Need::Write)
        .await
        .is_ok();
    if !can_read && !can_write {
        return Err(AppError::NotFound);
    }
    let all = if can_read {
        safe_notes::list(state, &me.user, owner).await?
    } else {
        Vec::new()
    };
    let (contacts, notes) = all.into_iter().partition(|n| n.kind == "contact");
    let own = owner == me.user.id;
    let base = if own {
        Base::new(&me.ctx, "notes-title")
    } else {
        let name = state.db.user(owner).await?.display_name;
        Base::titled(
            &me.ctx,
            me.ctx.lang.t_with("notes-title-of", &[("name", name)]),
        )
    };
    Ok(NotesPage {
        base,
        owner_id: owner,
        own,
        can_read,
        can_write,
        contacts,
        notes,
        back: safe_path(me, owner),
        contact_form,
        note_form,
    })
}

pub async fn mine(State(state): State<AppState>, me: SignedIn) -> Result<NotesPage, AppError> {
    let owner = me.user.id;
    page(&state, &me, owner, FormView::default(), FormView::default()).await
}

pub async fn person(
    State(state): State<AppState>,
    me: SignedIn,
    Path(owner): Path<i64>,
) -> Result<NotesPage, AppError> {
    page(&state, &me, owner, FormView::default(), FormView::default()).await
}

fn notes_path(me: &SignedIn, owner: i64) -> String {
    format!("{}/notes", safe_path(me, owner))
}

/// Adds a note or a contact; refused input comes back in its own form.
pub async fn add(
    State(state): State<AppState>,
    me: SignedIn,
    Path(owner): Path<i64>,
    form: FormData,
) -> Response {
    let entry = input(&form);
    match safe_notes::add(&state, &me.user, owner, &entry).await {
        Ok(_) => see_other(&format!("{}?done=note-added", notes_path(&me, owner))),
        Err(error) => {
            let contact = entry.kind == "contact";
            let failed = FormView::from_data(&form).with_error(&error, me.ctx.lang);
            let (contact_form, note_form) = if contact {
                (failed, FormView::default())
            } else {
                (FormView::default(), failed)
            };
            match error {
                AppError::Invalid(_) | AppError::Conflict(_) => {
                    match page(&state, &me, owner, contact_form, note_form).await {
                        Ok(page) => (error.status(), page).into_response(),
                        Err(other) => other.into_response(),
                    }
                }
                other => other.into_response(),
            }
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "safe/note_edit.html")]
pub struct EditPage {
    base: Base,
    note: NoteView,
    back: String,
    form: FormView,
}

fn edit_view(me: &SignedIn, note: NoteView, form: FormView) -> EditPage {
    let back = notes_path(me, note.owner_id);
    EditPage {
        base: Base::new(&me.ctx, "notes-edit-title"),
        note,
        back,
        form,
    }
}

pub async fn edit_page(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<EditPage, AppError> {
    let note = safe_notes::for_change(&state, &me.user, id).await?;
    let form = FormView::default()
        .with("text", note.text.clone())
        .with("name", note.name.clone())
        .with("role", note.role.clone())
        .with(
            "phone",
            entraide_core::notify::phone_as_written(&note.phone),
        )
        .with("details", note.details.clone());
    Ok(edit_view(&me, note, form))
}

pub async fn edit(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    form: FormData,
) -> Response {
    match safe_notes::edit(&state, &me.user, id, &input(&form)).await {
        Ok(owner) => see_other(&format!("{}?done=note-changed", notes_path(&me, owner))),
        Err(error) => match safe_notes::for_change(&state, &me.user, id).await {
            Ok(note) => refuse(error, &form, me.ctx.lang, |view| edit_view(&me, note, view)),
            Err(other) => other.into_response(),
        },
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "safe/note_delete.html")]
pub struct DeletePage {
    base: Base,
    note: NoteView,
    back: String,
}

/// Asks before deleting: a deleted note cannot come back.
pub async fn delete_page(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<DeletePage, AppError> {
    let note = safe_notes::for_change(&state, &me.user, id).await?;
    Ok(DeletePage {
        base: Base::new(&me.ctx, "notes-delete-title"),
        back: notes_path(&me, note.owner_id),
        note,
    })
}

pub async fn delete(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let owner = safe_notes::delete(&state, &me.user, id).await?;
    Ok(see_other(&format!(
        "{}?done=note-deleted",
        notes_path(&me, owner)
    )))
}
