//! Calls: leaving, fetching and hearing messages, the PIN lock, the
//! shared number and resting numbers, and a rotated server key.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use axum::http::StatusCode;
use entraide_web::jobs::Worker;
use serde_json::json;

use super::common::TestApp;
use super::common::voice::{self, AUDIO, TOKEN, attribute, texts, webhook};
use super::*;

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
