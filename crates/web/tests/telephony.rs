//! Telephony end to end, on both databases: an organisation sets up its
//! provider and numbers, a social worker gives a person a number, a caller
//! leaves a message (the fake provider follows Entraide's TwiML), the
//! recording is fetched, sealed and listed, the person listens from any
//! phone with their PIN, keeps, calls back and deletes; wrong signatures
//! and wrong PINs change nothing but the lock.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::TestApp;
use common::desk::desk;
use common::voice::{self, AUDIO, SID, TOKEN, attribute, texts, webhook};
use entraide_web::jobs::Worker;
use serde_json::json;

const ACCESS: &str = "+33184600000";
const SHARED: &str = "+33184600001";
const PERSONAL: &str = "+33184601234";

struct Setup {
    org: i64,
    admin: String,
    worker: String,
    outsider: String,
    person: i64,
    person_token: String,
    pin: String,
    login: String,
    account_pin: String,
}

async fn setup(t: &TestApp, provider: &str) -> Setup {
    let d = desk(t).await;
    let (admin_id, admin) = t.sign_up("standard@example.fr", "Standard").await;
    t.db.set_membership(d.org, admin_id, "admin").await.unwrap();
    let settings = json!({
        "api_url": provider, "account_sid": SID, "auth_token": TOKEN,
        "access_number": "01 84 60 00 00", "shared_number": SHARED,
        "quarantine_days": "30",
    });
    let path = format!("/api/v1/orgs/{}/telephony", d.org);
    let refused = t.api("PUT", &path, &d.worker, Some(settings.clone())).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "only administrators");
    let mut bad = settings.clone();
    bad["api_url"] = json!("not a url");
    bad["access_number"] = json!("12");
    let bad = t.api("PUT", &path, &admin, Some(bad)).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(bad.json()["error"]["fields"]["api_url"].is_string());
    assert!(bad.json()["error"]["fields"]["access_number"].is_string());
    assert_eq!(t.api("GET", &path, &admin, None).await.body, "null");
    let saved = t.api("PUT", &path, &admin, Some(settings)).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert_eq!(saved.json()["access_number"], ACCESS);
    assert!(!saved.body.contains(TOKEN), "the token is never shown");
    let added = t
        .api(
            "POST",
            &format!("{path}/numbers"),
            &admin,
            Some(json!({"numbers": format!("{PERSONAL}\n01 84 60 12 35")})),
        )
        .await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.body);
    assert_eq!(added.json()["added"], 2);
    let opened = t
        .api(
            "POST",
            &format!("/api/v1/people/{}/voicebox", d.person),
            &d.worker,
            Some(json!({"personal": true})),
        )
        .await;
    assert_eq!(opened.status, StatusCode::CREATED, "{}", opened.body);
    assert_eq!(opened.json()["number"], PERSONAL);
    Setup {
        org: d.org,
        admin,
        worker: d.worker,
        outsider: d.outsider,
        person: d.person,
        person_token: d.person_token,
        pin: opened.json()["pin"].as_str().unwrap().to_owned(),
        login: d.login,
        account_pin: d.pin,
    }
}

async fn messages(t: &TestApp, s: &Setup) -> Vec<serde_json::Value> {
    let mine = t
        .api("GET", "/api/v1/me/voicemail", &s.person_token, None)
        .await;
    assert_eq!(mine.status, StatusCode::OK, "{}", mine.body);
    mine.json()["messages"].as_array().unwrap().clone()
}

/// A caller leaves a message on the personal number; returns the fetch
/// worker's count of runs.
async fn leave_message(t: &TestApp, s: &Setup, base: &str, call: &str, recording: &str) {
    let voice_url = format!("/telephony/{}/voice", s.org);
    let greeting = webhook(
        t,
        TOKEN,
        &voice_url,
        &[
            ("CallSid", call),
            ("From", "+33612345678"),
            ("To", PERSONAL),
        ],
    )
    .await;
    assert_eq!(greeting.status, StatusCode::OK, "{}", greeting.body);
    assert!(
        texts(&greeting.body, "Say")[0].contains("messagerie de Momo"),
        "{}",
        greeting.body
    );
    let action = attribute(&greeting.body, "Record", "action").unwrap();
    let status = attribute(&greeting.body, "Record", "recordingStatusCallback").unwrap();
    let url = voice::recording_url(base, recording);
    let finished = [
        ("CallSid", call),
        ("From", "+33612345678"),
        ("To", PERSONAL),
        ("RecordingSid", recording),
        ("RecordingUrl", url.as_str()),
        ("RecordingDuration", "12"),
    ];
    for _ in 0..2 {
        // Providers may repeat a callback: the second changes nothing.
        let thanks = webhook(t, TOKEN, &action, &finished).await;
        assert!(texts(&thanks.body, "Say")[0].contains("Merci"));
    }
    let ready = webhook(
        t,
        TOKEN,
        &status,
        &[
            ("CallSid", call),
            ("RecordingSid", recording),
            ("RecordingStatus", "completed"),
            ("RecordingUrl", url.as_str()),
        ],
    )
    .await;
    assert_eq!(ready.status, StatusCode::OK);
    let worker = Worker::new(&t.state);
    // The provider answers "not ready" first; the job tries again later.
    worker.round().await.unwrap();
    worker.round_at(entraide_store::now() + 3600).await.unwrap();
}

#[tokio::test]
async fn a_message_is_recorded_sealed_and_heard_from_any_phone() {
    let (base, recordings) = voice::start().await;
    for t in TestApp::all().await {
        let s = setup(&t, &base).await;
        let voice_url = format!("/telephony/{}/voice", s.org);
        let forged = webhook(
            &t,
            "not-the-token",
            &voice_url,
            &[
                ("CallSid", "CAforged"),
                ("From", "+33612345678"),
                ("To", PERSONAL),
            ],
        )
        .await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);
        leave_message(&t, &s, &base, "CA1", "RE1").await;
        assert_eq!(
            recordings
                .refused_auth
                .load(std::sync::atomic::Ordering::SeqCst),
            0
        );
        let listed = messages(&t, &s).await;
        assert_eq!(listed.len(), 1, "one message, though told twice");
        assert_eq!(listed[0]["caller"], "06 12 34 56 78");
        assert_eq!(listed[0]["heard"], false);
        // Sealed at rest: no file of the data folder holds the audio.
        for entry in walk(&t.state.config.data_dir) {
            let bytes = std::fs::read(&entry).unwrap();
            assert!(
                !bytes.windows(16).any(|w| w == &AUDIO[5..21]),
                "{} holds the audio in clear",
                entry.display()
            );
        }
        let told = t
            .api("GET", "/api/v1/me/notifications", &s.person_token, None)
            .await;
        assert!(told.body.contains("voicemail"), "{}", told.body);

        // From any phone: the access number, the personal number typed,
        // the PIN, then the message.
        let call = [("CallSid", "CA2"), ("From", "+33799999999"), ("To", ACCESS)];
        let welcome = webhook(&t, TOKEN, &voice_url, &call).await;
        let named = attribute(&welcome.body, "Gather", "action").unwrap();
        let asked = webhook(
            &t,
            TOKEN,
            &named,
            &[("CallSid", "CA2"), ("Digits", "0184601234")],
        )
        .await;
        let pin_url = attribute(&asked.body, "Gather", "action").unwrap();
        let opened = webhook(
            &t,
            TOKEN,
            &pin_url,
            &[("CallSid", "CA2"), ("Digits", &s.pin)],
        )
        .await;
        assert!(
            texts(&opened.body, "Say")[0].contains("un nouveau message"),
            "{}",
            opened.body
        );
        let menu = texts(&opened.body, "Redirect")[0].clone();
        let first = webhook(&t, TOKEN, &menu, &[("CallSid", "CA2")]).await;
        let said = texts(&first.body, "Say").join(" ");
        assert!(
            said.contains("Message 1") && said.contains("0 6 1 2 3 4 5 6 7 8"),
            "{said}"
        );
        let play = texts(&first.body, "Play")[0].clone();
        let audio = t
            .get(play.strip_prefix("http://entraide.test").unwrap(), "")
            .await;
        assert_eq!(
            audio.body.as_bytes(),
            AUDIO,
            "the provider plays the opened audio"
        );
        let tampered = t
            .get(
                &play
                    .strip_prefix("http://entraide.test")
                    .unwrap()
                    .replace("tag=", "tag=0"),
                "",
            )
            .await;
        assert_eq!(tampered.status, StatusCode::NOT_FOUND);
        let keys = attribute(&first.body, "Gather", "action").unwrap();
        let kept = webhook(&t, TOKEN, &keys, &[("CallSid", "CA2"), ("Digits", "2")]).await;
        assert!(texts(&kept.body, "Say")[0].contains("gardé"));
        let back = webhook(&t, TOKEN, &keys, &[("CallSid", "CA2"), ("Digits", "4")]).await;
        assert_eq!(texts(&back.body, "Number"), vec!["+33612345678".to_owned()]);
        assert_eq!(
            attribute(&back.body, "Dial", "callerId").as_deref(),
            Some(PERSONAL)
        );
        let listed = messages(&t, &s).await;
        assert_eq!(
            (listed[0]["heard"].clone(), listed[0]["saved"].clone()),
            (json!(true), json!(true))
        );

        // On the web: play, then delete.
        let id = listed[0]["id"].as_i64().unwrap();
        let path = format!("/api/v1/me/voicemail/messages/{id}");
        let played = t
            .api("GET", &format!("{path}/audio"), &s.person_token, None)
            .await;
        assert_eq!(played.body.as_bytes(), AUDIO);
        assert_eq!(played.headers["cache-control"], "no-store");
        let stranger = t
            .api("GET", &format!("{path}/audio"), &s.worker, None)
            .await;
        assert_eq!(
            stranger.status,
            StatusCode::NOT_FOUND,
            "only the owner hears it"
        );
        assert_eq!(
            t.api("DELETE", &path, &s.person_token, None).await.status,
            StatusCode::NO_CONTENT
        );
        assert!(messages(&t, &s).await.is_empty());
        let outsider = t
            .api(
                "GET",
                &format!("/api/v1/people/{}/voicebox", s.person),
                &s.outsider,
                None,
            )
            .await;
        assert_eq!(outsider.status, StatusCode::NOT_FOUND);
        let _ = &s.admin;
    }
}

#[tokio::test]
async fn wrong_pins_lock_the_box_until_the_worker_unlocks_it() {
    let (base, _) = voice::start().await;
    for t in TestApp::all().await {
        let s = setup(&t, &base).await;
        let pin_for = |call: &'static str| pin_url(&t, s.org, call);
        let wrong = if s.pin == "0000" { "1111" } else { "0000" };
        let first = pin_for("CA10").await;
        for _ in 0..2 {
            let again = webhook(&t, TOKEN, &first, &[("CallSid", "CA10"), ("Digits", wrong)]).await;
            assert!(
                texts(&again.body, "Say")[0].contains("pas le bon"),
                "{}",
                again.body
            );
        }
        let ended = webhook(&t, TOKEN, &first, &[("CallSid", "CA10"), ("Digits", wrong)]).await;
        assert!(ended.body.contains("<Hangup/>") && !ended.body.contains("<Gather"));
        let second = pin_for("CA11").await;
        webhook(
            &t,
            TOKEN,
            &second,
            &[("CallSid", "CA11"), ("Digits", wrong)],
        )
        .await;
        let locked = webhook(
            &t,
            TOKEN,
            &second,
            &[("CallSid", "CA11"), ("Digits", wrong)],
        )
        .await;
        assert!(
            texts(&locked.body, "Say")[0].contains("bloquée"),
            "{}",
            locked.body
        );
        let third = pin_for("CA12").await;
        let still = webhook(
            &t,
            TOKEN,
            &third,
            &[("CallSid", "CA12"), ("Digits", &s.pin)],
        )
        .await;
        assert!(
            texts(&still.body, "Say")[0].contains("bloquée"),
            "the right PIN waits for the unlock"
        );
        let mine = t
            .api("GET", "/api/v1/me/voicemail", &s.person_token, None)
            .await;
        assert_eq!(mine.json()["voice_box"]["locked"], true);
        let unlock = format!("/api/v1/people/{}/voicebox/unlock", s.person);
        assert_eq!(
            t.api("POST", &unlock, &s.outsider, None).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            t.api("POST", &unlock, &s.worker, None).await.status,
            StatusCode::NO_CONTENT
        );
        let fourth = pin_for("CA13").await;
        let open = webhook(
            &t,
            TOKEN,
            &fourth,
            &[("CallSid", "CA13"), ("Digits", &s.pin)],
        )
        .await;
        assert!(
            texts(&open.body, "Say")[0].contains("aucun nouveau message"),
            "{}",
            open.body
        );
        // An unknown box is asked for a PIN all the same, and never opens.
        let voice_url = format!("/telephony/{}/voice", s.org);
        let welcome = webhook(
            &t,
            TOKEN,
            &voice_url,
            &[("CallSid", "CA14"), ("To", ACCESS)],
        )
        .await;
        let named = attribute(&welcome.body, "Gather", "action").unwrap();
        let asked = webhook(
            &t,
            TOKEN,
            &named,
            &[("CallSid", "CA14"), ("Digits", "999999")],
        )
        .await;
        assert_eq!(
            texts(&asked.body, "Say"),
            texts(
                &webhook(
                    &t,
                    TOKEN,
                    &named,
                    &[("CallSid", "CA15"), ("Digits", "0184601234")]
                )
                .await
                .body,
                "Say"
            )
        );
    }
}

#[tokio::test]
async fn boxes_on_the_shared_number_and_numbers_that_rest() {
    let (base, _) = voice::start().await;
    for t in TestApp::all().await {
        let s = setup(&t, &base).await;
        // Closing the box puts its number to rest: the next person gets the
        // other number of the pool.
        let close = format!("/api/v1/people/{}/voicebox", s.person);
        assert_eq!(
            t.api("DELETE", &close, &s.worker, None).await.status,
            StatusCode::NO_CONTENT
        );
        let gone = webhook(
            &t,
            TOKEN,
            &format!("/telephony/{}/voice", s.org),
            &[("CallSid", "CA20"), ("To", PERSONAL)],
        )
        .await;
        assert!(texts(&gone.body, "Say")[0].contains("plus en service"));
        let shared = t
            .api("POST", &close, &s.worker, Some(json!({"personal": false})))
            .await;
        assert_eq!(shared.status, StatusCode::CREATED, "{}", shared.body);
        let box_number = shared.json()["box_number"].as_str().unwrap().to_owned();
        assert!(shared.json()["number"].is_null());
        let numbers = t
            .api(
                "GET",
                &format!("/api/v1/orgs/{}/telephony/numbers", s.org),
                &s.admin,
                None,
            )
            .await;
        let resting = numbers
            .json()
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["number"] == PERSONAL)
            .cloned()
            .unwrap();
        assert!(resting["released_at"].is_i64() && resting["holder_id"].is_null());
        // A caller on the shared number types the box number.
        let voice_url = format!("/telephony/{}/voice", s.org);
        let asked = webhook(
            &t,
            TOKEN,
            &voice_url,
            &[("CallSid", "CA21"), ("To", SHARED)],
        )
        .await;
        let deposit = attribute(&asked.body, "Gather", "action").unwrap();
        let unknown = webhook(
            &t,
            TOKEN,
            &deposit,
            &[("CallSid", "CA21"), ("Digits", "000000")],
        )
        .await;
        assert!(texts(&unknown.body, "Say")[0].contains("Aucune boîte"));
        let greeting = webhook(
            &t,
            TOKEN,
            &deposit,
            &[("CallSid", "CA21"), ("Digits", &box_number)],
        )
        .await;
        assert!(
            attribute(&greeting.body, "Record", "action").is_some(),
            "{}",
            greeting.body
        );
        // A recording address off the provider's host is never fetched.
        let action = attribute(&greeting.body, "Record", "action").unwrap();
        webhook(
            &t,
            TOKEN,
            &action,
            &[
                ("CallSid", "CA21"),
                ("From", "+33612345678"),
                ("RecordingSid", "RE21"),
                ("RecordingUrl", "http://169.254.169.254/latest"),
                ("RecordingDuration", "5"),
            ],
        )
        .await;
        Worker::new(&t.state).round().await.unwrap();
        assert!(
            messages(&t, &s).await.is_empty(),
            "nothing fetched from elsewhere"
        );
        let _ = &s.person_token;
    }
}

#[tokio::test]
async fn the_pages_in_both_languages() {
    let (base, _) = voice::start().await;
    for t in TestApp::all().await {
        let s = setup(&t, &base).await;
        leave_message(&t, &s, &base, "CA30", "RE30").await;
        let admin = t.web_login("standard@example.fr").await;
        let worker = t.web_login("sophie@example.fr").await;
        let signed = t
            .post_form(
                "/login/pin",
                &[("login", &s.login), ("pin", &s.account_pin)],
                "",
            )
            .await;
        let person = signed.session();
        assert!(!person.is_empty(), "{}", signed.body);

        // The administrators' page: settings shown without the token, a
        // wrong number refused in words and nothing changed.
        let org_page = t.get(&format!("/orgs/{}/telephony", s.org), &admin).await;
        assert_eq!(org_page.status, StatusCode::OK, "{}", org_page.body);
        assert!(org_page.body.contains("01 84 60 12 34") && !org_page.body.contains(TOKEN));
        let refused = t
            .post_form(
                &format!("/orgs/{}/telephony/numbers", s.org),
                &[("numbers", "pas un numéro")],
                &admin,
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.body.contains("error-summary"), "{}", refused.body);
        assert_eq!(
            t.get(&format!("/orgs/{}/telephony", s.org), &worker)
                .await
                .status,
            StatusCode::FORBIDDEN
        );

        // The worker's page: a new PIN is shown once.
        let phone = t.get(&format!("/people/{}/phone", s.person), &worker).await;
        assert!(phone.body.contains("Un message"), "{}", phone.body);
        let renewed = t
            .post_form(&format!("/people/{}/phone/pin", s.person), &[], &worker)
            .await;
        assert!(
            renewed.body.contains("Nouveau code secret"),
            "{}",
            renewed.body
        );
        assert_eq!(renewed.headers["cache-control"], "no-store");

        // The person's page, in French then in English.
        let mine = t.get("/voicemail", &person).await;
        assert!(
            mine.body
                .contains("Votre numéro personnel : 01 84 60 12 34"),
            "{}",
            mine.body
        );
        assert!(mine.body.contains("06 12 34 56 78") && mine.body.contains("<audio"));
        let id = messages(&t, &s).await[0]["id"].as_i64().unwrap();
        let played = t
            .get(&format!("/voicemail/messages/{id}/audio"), &person)
            .await;
        assert_eq!(played.body.as_bytes(), AUDIO);
        // Business cards: a sheet of A4 holding the number, a vCard, and
        // the contact page the QR code leads to.
        let sheet = raw(&t, "/voicemail/cards.pdf?qr=1", &person).await;
        let pdf = lopdf::Document::load_mem(&sheet).unwrap();
        let pages = pdf.get_pages();
        assert_eq!(pages.len(), 1);
        let page = pdf
            .get_object(*pages.get(&1).unwrap())
            .unwrap()
            .as_dict()
            .unwrap();
        let media: Vec<f64> = page
            .get(b"MediaBox")
            .unwrap()
            .as_array()
            .unwrap()
            .iter()
            .map(|v| {
                v.as_float()
                    .map(f64::from)
                    .or_else(|_| v.as_i64().map(|i| i as f64))
                    .unwrap()
            })
            .collect();
        assert!(
            (media[2] - 595.28).abs() < 1.0 && (media[3] - 841.89).abs() < 1.0,
            "{media:?}"
        );
        let text = pdf.extract_text(&[1]).unwrap();
        assert!(
            text.contains("01 84 60 12 34") && text.contains("Momo"),
            "{text}"
        );
        let card = t.get("/voicemail/card.vcf", &person).await;
        assert!(card.body.contains("tel:+33184601234"), "{}", card.body);
        let contact = card
            .body
            .lines()
            .find_map(|l| l.strip_prefix("URL:"))
            .unwrap()
            .trim()
            .strip_prefix("http://entraide.test")
            .unwrap()
            .to_owned();
        let public = t.get(&contact, "").await;
        assert_eq!(public.status, StatusCode::OK);
        assert!(public.body.contains("Momo") && public.body.contains("01 84 60 12 34"));
        let flipped = if contact.ends_with('0') { '1' } else { '0' };
        let guessed = t
            .get(&format!("{}{flipped}", &contact[..contact.len() - 1]), "")
            .await;
        assert_eq!(guessed.status, StatusCode::NOT_FOUND);
        let export = t.get("/me/export", &person).await;
        assert_eq!(export.status, StatusCode::OK);
        assert!(
            export.body.contains(&format!("voicemail/{id}.mp3")),
            "the data download holds the recording"
        );
        let bad_pin = t
            .post_form("/voicemail/pin", &[("pin", "12")], &person)
            .await;
        assert_eq!(bad_pin.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad_pin.body.contains("error-summary"));
        let english = format!(
            "{person}; {}",
            t.get("/lang/en", &person).await.headers["set-cookie"]
                .to_str()
                .unwrap()
                .split(';')
                .next()
                .unwrap()
        );
        let confirm = t
            .get(&format!("/voicemail/messages/{id}/delete"), &english)
            .await;
        assert!(
            confirm.body.contains("Delete this message?"),
            "{}",
            confirm.body
        );
        assert_eq!(messages(&t, &s).await.len(), 1, "asking changes nothing");
        let deleted = t
            .post_form(&format!("/voicemail/messages/{id}/delete"), &[], &english)
            .await;
        assert_eq!(deleted.status, StatusCode::SEE_OTHER);
        assert!(messages(&t, &s).await.is_empty());
        let empty = t.get("/voicemail?done=voicemail-deleted", &english).await;
        assert!(empty.body.contains("No messages yet") && empty.body.contains("Message deleted."));
    }
}

#[tokio::test]
async fn a_rotated_server_key_keeps_the_token_and_the_pins() {
    let (base, _) = voice::start().await;
    for t in TestApp::all().await {
        let s = setup(&t, &base).await;
        let dir = t.state.config.data_dir.clone();
        let done = entraide_web::services::safe_keys::rotate_key_file(&t.db, &dir)
            .await
            .unwrap();
        // The organisation's telephony key (the person's data key is made
        // with their first message).
        assert_eq!(done.rewrapped, 1);
        let restarted = entraide_web::AppState::new(t.db.clone(), (*t.state.config).clone());
        let app = TestApp {
            router: entraide_web::app(restarted.clone()),
            state: restarted,
            db: t.db.clone(),
        };
        let pin = pin_url(&app, s.org, "CA40").await;
        let open = webhook(
            &app,
            TOKEN,
            &pin,
            &[("CallSid", "CA40"), ("Digits", &s.pin)],
        )
        .await;
        assert!(
            texts(&open.body, "Say")[0].contains("aucun nouveau message"),
            "{}",
            open.body
        );
    }
}

/// Calls the access number, types the personal number; returns where the
/// PIN goes.
async fn pin_url(t: &TestApp, org: i64, call: &str) -> String {
    let voice_url = format!("/telephony/{org}/voice");
    let welcome = webhook(t, TOKEN, &voice_url, &[("CallSid", call), ("To", ACCESS)]).await;
    let named = attribute(&welcome.body, "Gather", "action").unwrap();
    let asked = webhook(
        t,
        TOKEN,
        &named,
        &[("CallSid", call), ("Digits", "0184601234")],
    )
    .await;
    attribute(&asked.body, "Gather", "action").unwrap()
}

/// A response's raw bytes (PDFs are not text).
async fn raw(t: &TestApp, path: &str, cookie: &str) -> Vec<u8> {
    use http_body_util::BodyExt as _;
    use tower::ServiceExt as _;
    let request = axum::http::Request::get(path)
        .header("cookie", cookie)
        .body(axum::body::Body::empty())
        .unwrap();
    let response = t.router.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    response
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec()
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}
