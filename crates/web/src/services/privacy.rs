//! A person's rights over their data: download everything (JSON and their
//! files, the safe's documents opened, in a zip) and delete their account after a grace period.

use std::io::Write as _;

use entraide_store::Page;
use entraide_store::audit::NewAudit;
use entraide_store::users::User;
use serde_json::json;

use crate::error::AppError;
use crate::state::AppState;

/// Everything Entraide holds about a person, as JSON.
pub async fn export_json(state: &AppState, user: &User) -> Result<serde_json::Value, AppError> {
    let db = &state.db;
    let tags = db.tags(user.id).await?;
    let memberships: Vec<_> = db
        .memberships_of(user.id)
        .await?
        .into_iter()
        .map(|(org, role)| json!({ "organisation": org.name, "kind": org.kind, "role": role }))
        .collect();
    let tokens: Vec<_> = db
        .api_tokens(user.id)
        .await?
        .into_iter()
        .map(|t| json!({ "name": t.name, "created_at": t.created_at, "last_used_at": t.last_used_at }))
        .collect();
    let mut activity = Vec::new();
    for number in 1.. {
        let page = db.audit_about(user.id, Page::new(number, 100)).await?;
        activity.extend(page.rows);
        if !page.more {
            break;
        }
    }
    let mut exchanges = Vec::new();
    for number in 1.. {
        let page = db.exchanges_of(user.id, Page::new(number, 100)).await?;
        exchanges.extend(page.rows.iter().map(|e| {
            json!({
                "id": e.id, "kind": e.kind, "category": e.category, "title": e.title,
                "description": e.description, "state": e.state, "schedule": e.schedule,
                "first_day": e.first_day, "last_day": e.last_day,
                "place": {"label": e.place_label, "lat": e.lat, "lng": e.lng},
                "posted_by": e.posted_by, "created_at": e.created_at,
            })
        }));
        if !page.more {
            break;
        }
    }
    let mut involvements = Vec::new();
    for number in 1.. {
        let page = db.involvements(user.id, Page::new(number, 100)).await?;
        involvements.extend(page.rows.iter().map(|i| {
            json!({"exchange_id": i.exchange_id, "title": i.title, "part": i.part, "updated_at": i.updated_at})
        }));
        if !page.more {
            break;
        }
    }
    let mut notifications = Vec::new();
    for number in 1.. {
        let page = db.notifications(user.id, Page::new(number, 100)).await?;
        notifications.extend(page.rows.iter().map(|n| {
            json!({"kind": n.kind, "from": n.actor_name, "subject": n.subject, "link": n.link,
                "created_at": n.created_at, "read_at": n.read_at})
        }));
        if !page.more {
            break;
        }
    }
    let mut messages = Vec::new();
    for number in 1.. {
        let page = db.messages_by(user.id, Page::new(number, 100)).await?;
        messages.extend(page.rows.iter().map(|(id, conversation, body, at)| {
            json!({"id": id, "conversation_id": conversation, "body": body, "created_at": at})
        }));
        if !page.more {
            break;
        }
    }
    let (_, thanks_received) = db.thanks_received(user.id, i64::MAX).await?;
    let thanks_given: Vec<_> = db
        .thanks_given(user.id)
        .await?
        .into_iter()
        .map(|t| json!({"to": t.from_name, "message": t.message, "created_at": t.created_at}))
        .collect();
    let mut time_bank = Vec::new();
    for (bank, account, balance) in db.time_accounts_of(user.id).await? {
        let mut lines = Vec::new();
        for number in 1.. {
            let page = db.statement(account, Page::new(number, 100)).await?;
            lines.extend(page.rows);
            if !page.more {
                break;
            }
        }
        time_bank
            .push(json!({"organisation_id": bank, "balance_minutes": balance, "movements": lines}));
    }
    let recognition = crate::services::recognition::of(state, user.id).await?;
    let time_claims = db.claims_of_person(user.id).await?;
    let endorsements_given = db.endorsements_given(user.id).await?;
    let endorsements_received = db.endorsements_received(user.id).await?;
    let settings = db.notification_settings(user.id).await?;
    let safe_and_board = crate::services::safe_export::json(state, user).await?;
    Ok(json!({
        "account": {
            "id": user.id,
            "email": user.email,
            "email_verified_at": user.email_verified_at,
            "login": user.login,
            "display_name": user.display_name,
            "bio": user.bio,
            "locale": user.locale,
            "visibility": user.visibility,
            "birth_year": user.birth_year,
            "created_at": user.created_at,
            "photo": user.photo,
            "availability": entraide_core::profile::Availability::from_bits(user.availability).slots(),
            "home": {
                "address": user.home_label,
                "lat": user.home_lat,
                "lng": user.home_lng,
            },
        },
        "skills": tags.skills,
        "free_tags": tags.free_tags,
        "interests": tags.interests,
        "languages": tags.languages,
        "organisations": memberships,
        "api_tokens": tokens,
        "activity": activity,
        "needs_and_offers": exchanges,
        "participations": involvements,
        "notification_settings": {
            "channel": settings.channel, "phone": settings.phone,
            "quiet_from": settings.quiet_from, "quiet_to": settings.quiet_to, "modes": settings.modes,
        },
        "notifications": notifications,
        "messages_written": messages,
        "thanks_received": thanks_received,
        "thanks_given": thanks_given,
        "time_bank": time_bank,
        "time_claims": time_claims,
        "recognition": recognition,
        "endorsements_given": endorsements_given,
        "endorsements_received": endorsements_received,
        "safe": safe_and_board,
    }))
}

/// The export as a zip: `entraide.json` plus the person's files.
pub async fn export_zip(state: &AppState, user: &User) -> Result<Vec<u8>, AppError> {
    let data =
        serde_json::to_vec_pretty(&export_json(state, user).await?).map_err(AppError::internal)?;
    let photo = match &user.photo {
        Some(name) => Some((
            name.clone(),
            tokio::fs::read(state.config.data_dir.join("photos").join(name))
                .await
                .ok(),
        )),
        None => None,
    };
    let documents = crate::services::safe_export::files(state, user).await?;
    let mut buffer = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut buffer);
        let options = zip::write::SimpleFileOptions::default();
        zip.start_file("entraide.json", options)
            .map_err(AppError::internal)?;
        zip.write_all(&data).map_err(AppError::internal)?;
        if let Some((name, Some(bytes))) = photo {
            zip.start_file(format!("photos/{name}"), options)
                .map_err(AppError::internal)?;
            zip.write_all(&bytes).map_err(AppError::internal)?;
        }
        for (name, bytes) in documents {
            zip.start_file(name, options).map_err(AppError::internal)?;
            zip.write_all(&bytes).map_err(AppError::internal)?;
        }
        zip.finish().map_err(AppError::internal)?;
    }
    state
        .db
        .audit(NewAudit {
            event: "data-exported",
            actor_id: Some(user.id),
            ..Default::default()
        })
        .await?;
    Ok(buffer.into_inner())
}

/// Starts the grace period; the account is erased when it ends unless the
/// person signs in and cancels. Refused for the last admin of an organisation.
pub async fn request_deletion(state: &AppState, user: &User) -> Result<i64, AppError> {
    for (org, role) in state.db.memberships_of(user.id).await? {
        if role == "admin" && state.db.admin_count(org.id).await? <= 1 && org.member_count > 1 {
            return Err(AppError::Conflict("last-admin"));
        }
    }
    state.db.request_deletion(user.id).await?;
    state
        .db
        .audit(NewAudit {
            event: "deletion-requested",
            actor_id: Some(user.id),
            ..Default::default()
        })
        .await?;
    Ok(entraide_store::now() + state.config.deletion_grace_days * 86_400)
}

pub async fn cancel_deletion(state: &AppState, user: &User) -> Result<(), AppError> {
    state.db.cancel_deletion(user.id).await?;
    state
        .db
        .audit(NewAudit {
            event: "deletion-cancelled",
            actor_id: Some(user.id),
            ..Default::default()
        })
        .await?;
    Ok(())
}

/// Erases the accounts whose grace period is over, with their files.
/// Returns how many were erased.
pub async fn purge(state: &AppState) -> Result<usize, AppError> {
    let cutoff = entraide_store::now() - state.config.deletion_grace_days * 86_400;
    let sealed = state.db.sealed_objects_due(cutoff).await?;
    let erased = state.db.purge_deleted_accounts(cutoff).await?;
    for photo in erased.iter().flatten() {
        let _ = tokio::fs::remove_file(state.config.data_dir.join("photos").join(photo)).await;
    }
    // Their data keys went with the accounts, so these cannot be opened any
    // more; they are removed too, except for anyone who cancelled meanwhile.
    if !sealed.is_empty() {
        let safe = state.safe().await?;
        for (owner, object) in sealed {
            if matches!(
                state.db.user(owner).await,
                Err(entraide_store::StoreError::NotFound)
            ) {
                safe.vault.delete(&object).await?;
            }
        }
    }
    Ok(erased.len())
}
