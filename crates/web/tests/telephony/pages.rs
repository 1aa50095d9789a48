//! The telephony pages in both languages, the business cards and the
//! contact page.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use axum::http::StatusCode;

use super::common::TestApp;
use super::common::voice::{self, AUDIO, TOKEN};
use super::*;

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
        let activity = t.get("/me/activity", &person).await;
        assert!(
            activity
                .body
                .contains("Messagerie vocale ouverte pour vous")
                && activity.body.contains("Nouveau code secret de messagerie"),
            "what the worker did is in the person's activity: {}",
            activity.body
        );
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
