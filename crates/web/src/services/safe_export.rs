//! The safe and the board in a person's data download: what their safe
//! holds (documents opened with their key, folders, notes, contacts, desk
//! sessions), who it is shared with, its access log, and their posts on
//! the local board, and their voicemail (messages and recordings).

use entraide_store::Page;
use entraide_store::users::User;
use serde_json::json;

use crate::error::AppError;
use crate::services::{desk, safe, safe_notes};
use crate::state::AppState;

/// The safe and the board as JSON; the documents' contents go beside it.
pub async fn json(state: &AppState, user: &User) -> Result<serde_json::Value, AppError> {
    let db = &state.db;
    let mut documents = Vec::new();
    for number in 1.. {
        let page = safe::list(state, user, user.id, None, Page::new(number, 100)).await?;
        documents.extend(page.rows);
        if !page.more {
            break;
        }
    }
    let mut log = Vec::new();
    for number in 1.. {
        let page = db.access_log(user.id, Page::new(number, 100)).await?;
        log.extend(page.rows);
        if !page.more {
            break;
        }
    }
    let mut posts = Vec::new();
    for number in 1.. {
        let page = db.posts_of(user.id, Page::new(number, 100)).await?;
        posts.extend(page.rows);
        if !page.more {
            break;
        }
    }
    let (voice_box, voicemails) = match db.voice_box_of(user.id).await? {
        Some(found) => (
            Some(crate::services::voice_boxes::box_view(state, &found).await?),
            crate::services::voicemail::messages(state, &found).await?,
        ),
        None => (None, Vec::new()),
    };
    Ok(json!({
        "documents": documents,
        "voice_box": voice_box,
        "voicemails": voicemails,
        "folders": safe::folders(state, user, user.id).await?,
        "notes_and_contacts": safe_notes::list(state, user, user.id).await?,
        "desk_sessions": desk::list(state, user, user.id).await?,
        "shares": db.shares_of(user.id).await?,
        "accompaniments": db.accompaniments_of(user.id).await?,
        "access_log": log,
        "board_posts": posts,
    }))
}

/// Every document of the person's safe, opened: (name in the zip, bytes).
pub async fn files(state: &AppState, user: &User) -> Result<Vec<(String, Vec<u8>)>, AppError> {
    let mut files = Vec::new();
    for number in 1.. {
        let page = state
            .db
            .documents_of(user.id, None, Page::new(number, 100))
            .await?;
        for stored in &page.rows {
            let (document, bytes) = safe::read(state, user, stored.id).await?;
            files.push((
                format!("safe/{}-{}", document.id, document.file_name),
                bytes,
            ));
        }
        if !page.more {
            break;
        }
    }
    if let Some(found) = state.db.voice_box_of(user.id).await? {
        for stored in state.db.voice_messages_of(found.id).await? {
            let bytes = crate::services::voicemail::open_audio(state, &stored).await?;
            let extension = match stored.content_type.as_str() {
                "audio/wav" | "audio/x-wav" => "wav",
                _ => "mp3",
            };
            files.push((format!("voicemail/{}.{extension}", stored.id), bytes));
        }
    }
    Ok(files)
}
