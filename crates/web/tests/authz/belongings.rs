//! Momo's belongings: the documents, folder, notes, links and shares of his
//! safe, and his voice box with three sealed messages (Nour has a box too).

use common::{TestApp, upload};
use entraide_store::voicemail::NewMessage;
use serde_json::json;

use crate::cast::{ok, send_json};
use crate::common;
use crate::routes::{self, Roles};
use crate::world::{World, id};

fn token(w: &World, role: Roles) -> String {
    w.people.iter().find(|p| p.0 == role).unwrap().2.clone()
}

fn three(ids: Vec<i64>) -> [i64; 3] {
    ids.try_into().unwrap()
}

/// Three documents added by the social worker, a folder, three notes, three
/// links on the first document, and shares with the organisation (made when
/// he was registered), the coordinator and the administrator.
pub async fn safe(t: &TestApp, w: &mut World) {
    let (momo, worker) = (w.momo.clone(), token(w, routes::SOCIAL_WORKER));
    let mut documents = Vec::new();
    for title in ["Carte", "Bail", "Avis"] {
        let fields = [
            ("title", title),
            ("doc_type", "identity"),
            ("expires_on", "2031-05-01"),
        ];
        let path = format!("/api/v1/safe/{}/documents", momo.0);
        let pdf = upload::pdf(title);
        let added = upload::send(t, &path, &worker, "", &fields, "carte.pdf", &pdf).await;
        documents.push(id(&ok(added, "upload").await));
    }
    let folders = format!("/api/v1/safe/{}/folders", momo.0);
    w.folder = id(&send_json(t, &momo.1, "POST", &folders, json!({"name": "Papiers"})).await);
    let mut notes = Vec::new();
    for text in ["Rendez-vous CAF", "Dossier APL", "Mutuelle"] {
        let path = format!("/api/v1/safe/{}/notes", momo.0);
        let note = json!({"kind": "note", "text": text});
        notes.push(id(&send_json(t, &worker, "POST", &path, note).await));
    }
    let links = format!("/api/v1/documents/{}/links", documents[0]);
    for _ in 0..3 {
        send_json(
            t,
            &momo.1,
            "POST",
            &links,
            json!({"days": "3", "code": "4321"}),
        )
        .await;
    }
    let listed = ok(t.api("GET", &links, &momo.1, None).await, "links").await;
    w.links = three(listed.as_array().unwrap().iter().map(id).collect());
    let shares = ok(
        t.api("GET", "/api/v1/me/safe/shares", &momo.1, None).await,
        "shares",
    );
    let mut kept = vec![id(&shares.await[0])];
    // Personal shares with two of the staff, each revoked by one route.
    let staff = |role: Roles| w.people.iter().find(|p| p.0 == role).unwrap().1;
    for person in [staff(routes::COORDINATOR), staff(routes::ADMIN)] {
        let body = json!({"person": person});
        kept.push(id(&send_json(
            t,
            &momo.1,
            "POST",
            "/api/v1/me/safe/shares",
            body,
        )
        .await));
    }
    w.shares = three(kept);
    w.documents = three(documents);
    w.notes = three(notes);
}

/// The organisation's provider and a pool of three numbers; Momo's and
/// Nour's boxes; three messages for Momo, sealed as the fetch job would
/// seal them so that they are listed and played.
pub async fn telephony(t: &TestApp, w: &mut World) {
    let (org, admin) = (w.org, token(w, routes::ADMIN));
    let worker = token(w, routes::SOCIAL_WORKER);
    let settings = json!({
        "api_url": "http://127.0.0.1:9", "account_sid": "AC0", "auth_token": "secret",
        "access_number": "01 84 60 00 00", "shared_number": "+33184600001",
        "quarantine_days": "30"});
    send_json(
        t,
        &admin,
        "PUT",
        &format!("/api/v1/orgs/{org}/telephony"),
        settings,
    )
    .await;
    let numbers = format!("/api/v1/orgs/{org}/telephony/numbers");
    let pool = json!({"numbers": "+33184601234\n+33184601235\n+33184601236"});
    send_json(t, &admin, "POST", &numbers, pool).await;
    for person in [w.momo.0, w.nour.0] {
        let path = format!("/api/v1/people/{person}/voicebox");
        send_json(t, &worker, "POST", &path, json!({"personal": true})).await;
    }
    let listed = ok(t.api("GET", &numbers, &admin, None).await, "numbers").await;
    w.free_number = listed
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|n| n["holder_id"].is_null())
        .map(id)
        .unwrap_or_else(|| panic!("no free number in {listed}"));
    let momo = w.momo.0;
    let voice_box = t.db.voice_box_of(momo).await.unwrap().unwrap().id;
    let key = entraide_web::services::safe_keys::data_key(&t.state, momo)
        .await
        .unwrap();
    let vault = &t.state.safe().await.unwrap().vault;
    let mut messages = Vec::new();
    for sid in ["RE1", "RE2", "RE3"] {
        let new = NewMessage {
            box_id: voice_box,
            owner: momo,
            call_sid: sid,
            recording_sid: sid,
            recording_url: "http://127.0.0.1:9/r",
            caller: "+33600000000",
            seconds: 12,
        };
        let message = t.db.add_voice_message(&new).await.unwrap().unwrap();
        let object = format!("owners/{momo}/voice/authz-{sid}");
        let audio: &[u8] = b"ID3 not quite a recording";
        vault.put(&key, &object, audio).await.unwrap();
        let size = i64::try_from(audio.len()).unwrap();
        t.db.keep_voice_audio(message, &object, "audio/mpeg", size)
            .await
            .unwrap();
        messages.push(message);
    }
    w.voice_messages = three(messages);
}
