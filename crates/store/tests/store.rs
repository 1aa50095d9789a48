//! Every store function against every configured backend.

use entraide_store::profiles::{Home, ProfileUpdate};
use entraide_store::testing::backends;
use entraide_store::tokens::EmailPurpose;
use entraide_store::users::AccompaniedPerson;
use entraide_store::{Db, Page, StoreError};

type TestResult = Result<(), StoreError>;

async fn person(db: &Db, email: &str) -> Result<i64, StoreError> {
    db.create_user_with_email(email, "hash", "Léa", "fr").await
}

#[tokio::test]
async fn migrations_exist_for_both_backends() {
    let names = |dir: &str| {
        let mut files: Vec<String> =
            std::fs::read_dir(format!("{}/migrations/{dir}", env!("CARGO_MANIFEST_DIR")))
                .map(|entries| {
                    entries
                        .filter_map(|e| e.ok())
                        .map(|e| e.file_name().to_string_lossy().into_owned())
                        .collect()
                })
                .unwrap_or_default();
        files.sort();
        files
    };
    let sqlite = names("sqlite");
    assert!(!sqlite.is_empty());
    assert_eq!(
        sqlite,
        names("postgres"),
        "every migration needs a twin for the other backend"
    );
}

#[tokio::test]
async fn accounts_by_email_are_unique() -> TestResult {
    for db in backends().await? {
        let id = person(&db, "lea@example.fr").await?;
        assert!(matches!(
            person(&db, "lea@example.fr").await,
            Err(StoreError::Conflict)
        ));
        let user = db.user_by_email("lea@example.fr").await?;
        assert_eq!(user.id, id);
        assert!(!user.platform_admin && !user.pin_locked);
        assert_eq!(db.password_hash(id).await?, Some("hash".into()));
        db.mark_email_verified(id).await?;
        assert!(db.user(id).await?.email_verified_at.is_some());
        assert!(matches!(db.user(id + 100).await, Err(StoreError::NotFound)));
    }
    Ok(())
}

#[tokio::test]
async fn pin_locks_after_five_failures_and_unlocks() -> TestResult {
    for db in backends().await? {
        let worker = person(&db, "worker@example.fr").await?;
        let org = db
            .create_organisation("CCAS", "social_service", "", worker)
            .await?;
        let id = db
            .create_accompanied_user(&AccompaniedPerson {
                display_name: "Momo",
                login: "momo-1234",
                pin_hash: "pinhash",
                locale: "fr",
                birth_year: Some(1961),
                phone: Some("+33612345678"),
                registered_by: worker,
                org_id: org,
            })
            .await?;
        assert_eq!(db.user(id).await?.registered_org, Some(org));
        let settings = db.notification_settings(id).await?;
        assert_eq!(
            (settings.channel.as_str(), settings.phone.as_deref()),
            ("sms", Some("+33612345678"))
        );
        assert_eq!(
            db.role_in(org, id).await?.as_deref(),
            Some("member"),
            "registered into the organisation"
        );
        for attempt in 1..=5 {
            assert_eq!(db.reserve_pin_attempt(id).await?, Some(attempt));
        }
        db.lock_pin(id).await?;
        assert_eq!(
            db.reserve_pin_attempt(id).await?,
            None,
            "a locked account takes no attempt"
        );
        let account = db.pin_account("momo-1234").await?;
        assert!(account.pin_locked);
        assert_eq!(account.pin_failures, 5);
        db.unlock_pin(id, Some("newhash")).await?;
        let account = db.pin_account("momo-1234").await?;
        assert!(!account.pin_locked);
        assert_eq!(account.pin_hash.as_deref(), Some("newhash"));
    }
    Ok(())
}

#[tokio::test]
async fn sessions_tokens_and_single_use_links() -> TestResult {
    for db in backends().await? {
        let id = person(&db, "a@example.fr").await?;
        db.create_session("digest", id).await?;
        assert_eq!(db.session_user("digest").await?, id);
        db.delete_session("digest").await?;
        assert!(matches!(
            db.session_user("digest").await,
            Err(StoreError::NotFound)
        ));

        let token = db.create_api_token(id, "phone", "tokdigest").await?;
        assert_eq!(db.user_by_api_token("tokdigest").await?.id, id);
        assert_eq!(db.api_tokens(id).await?.len(), 1);
        assert!(db.api_tokens(id).await?[0].last_used_at.is_some());
        assert!(matches!(
            db.revoke_api_token(id + 1, token).await,
            Err(StoreError::NotFound)
        ));
        db.revoke_api_token(id, token).await?;
        assert!(db.user_by_api_token("tokdigest").await.is_err());

        db.create_email_token("link", id, EmailPurpose::Reset)
            .await?;
        assert!(
            db.consume_email_token("link", EmailPurpose::Verify)
                .await
                .is_err()
        );
        assert_eq!(db.peek_email_token("link", EmailPurpose::Reset).await?, id);
        assert_eq!(
            db.consume_email_token("link", EmailPurpose::Reset).await?,
            id
        );
        assert!(
            db.consume_email_token("link", EmailPurpose::Reset)
                .await
                .is_err(),
            "single use"
        );
    }
    Ok(())
}

#[tokio::test]
async fn organisations_members_and_invitations() -> TestResult {
    for db in backends().await? {
        let admin = person(&db, "admin@example.fr").await?;
        let other = person(&db, "other@example.fr").await?;
        let org = db
            .create_organisation("Les Voisins", "association", "", admin)
            .await?;
        assert!(matches!(
            db.create_organisation("Les Voisins", "collective", "", other)
                .await,
            Err(StoreError::Conflict)
        ));
        assert_eq!(db.role_in(org, admin).await?, Some("admin".into()));
        assert_eq!(db.role_in(org, other).await?, None);
        assert!(db.join_organisation(org, other, "volunteer").await?);
        assert!(
            !db.join_organisation(org, other, "member").await?,
            "joining twice changes nothing"
        );
        assert_eq!(db.role_in(org, other).await?, Some("volunteer".into()));
        db.set_membership(org, other, "coordinator").await?;
        assert_eq!(db.organisation(org).await?.member_count, 2);
        let first = db.members(org, Page::new(1, 10)).await?;
        assert_eq!((first.rows.len(), first.more), (2, false));
        let second = db.members(org, Page::new(2, 1)).await?;
        assert_eq!(
            (second.rows.len(), second.more),
            (1, false),
            "the last page says nothing follows"
        );
        let one = db.members(org, Page::new(1, 1)).await?;
        assert_eq!((one.rows.len(), one.more), (1, true));
        assert_eq!(db.memberships_of(other).await?[0].1, "coordinator");
        assert_eq!(db.admin_count(org).await?, 1);
        assert!(db.accompanies(admin, other).await?);
        assert!(!db.accompanies(other, admin).await?);

        let invitation = db.create_invitation(org, "inv", "member", admin).await?;
        assert_eq!(db.invitation("inv").await?.id, invitation);
        db.count_invitation_use(invitation).await?;
        assert_eq!(db.invitations(org).await?[0].uses, 1);
        db.revoke_invitation(org, invitation).await?;
        assert!(db.invitation("inv").await.is_err());
        db.change_member(org, other, None).await?;
        assert!(matches!(
            db.change_member(org, other, None).await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            db.change_member(org, admin, None).await,
            Err(StoreError::LastAdmin)
        ));
    }
    Ok(())
}

#[tokio::test]
async fn profiles_keep_tags_and_an_exact_private_home() -> TestResult {
    for db in backends().await? {
        let id = person(&db, "p@example.fr").await?;
        let skills = vec!["diy".to_owned(), "cooking".to_owned()];
        let update = ProfileUpdate {
            display_name: "Léa M.",
            bio: "Retraitée",
            visibility: "neighbours",
            availability: 0b101,
            skills: &skills,
            interests: &["memory".to_owned()],
            languages: &["fr".to_owned(), "fsl".to_owned()],
            free_tags: &["vélo".to_owned()],
        };
        db.update_profile(id, &update).await?;
        let tags = db.tags(id).await?;
        assert_eq!(tags.skills, vec!["cooking".to_owned(), "diy".to_owned()]);
        assert_eq!(tags.languages, vec!["fr".to_owned(), "fsl".to_owned()]);
        assert_eq!(tags.free_tags, vec!["vélo".to_owned()]);
        db.set_home(
            id,
            Some(&Home {
                label: Some("1 rue X"),
                lat: 48.86,
                lng: 2.37,
                cell: 42,
            }),
        )
        .await?;
        let user = db.user(id).await?;
        assert_eq!(
            (
                user.display_name.as_str(),
                user.availability,
                user.home_cell
            ),
            ("Léa M.", 5, Some(42))
        );
        assert_eq!(user.home_lat, Some(48.86));
        assert_eq!(db.set_photo(id, Some("a.jpg")).await?, None);
        assert_eq!(db.set_photo(id, None).await?, Some("a.jpg".into()));
    }
    Ok(())
}

#[tokio::test]
async fn audit_admin_and_deletion() -> TestResult {
    for db in backends().await? {
        let id = person(&db, "x@example.fr").await?;
        db.audit(entraide_store::audit::NewAudit {
            event: "login",
            actor_id: Some(id),
            ..Default::default()
        })
        .await?;
        db.audit(entraide_store::audit::NewAudit {
            event: "pin-unlocked",
            subject_id: Some(id),
            ..Default::default()
        })
        .await?;
        assert_eq!(db.audit_about(id, Page::new(1, 10)).await?.rows.len(), 2);
        assert_eq!(
            db.audit_entries(Page::new(1, 10)).await?.rows[0].event,
            "pin-unlocked"
        );

        assert_eq!(db.people("X@EX", Page::new(1, 10)).await?.rows.len(), 1);
        assert_eq!(db.count_people().await?, 1);
        db.request_deletion(id).await?;
        let early = db
            .purge_deleted_accounts(entraide_store::now() - 10)
            .await?;
        assert!(early.is_empty(), "grace period");
        let erased = db
            .purge_deleted_accounts(entraide_store::now() + 10)
            .await?;
        assert_eq!(erased, vec![None], "one account erased, without a photo");
        let kept = db.audit_entries(Page::new(1, 10)).await?;
        assert_eq!(
            kept.rows.len(),
            2,
            "the log keeps its entries, without the person"
        );
        assert!(
            kept.rows
                .iter()
                .all(|e| e.subject_id.is_none() && e.actor_id.is_none())
        );
    }
    Ok(())
}

#[tokio::test]
async fn sign_up_writes_account_link_and_mail_together() -> TestResult {
    for db in backends().await? {
        let mail = entraide_store::jobs::Email {
            to: "new@example.fr".into(),
            subject: "Confirm".into(),
            text: "link".into(),
            html: "<p>link</p>".into(),
            unsubscribe: None,
        };
        let sign_up = |digest: &'static str| entraide_store::signup::SignUp {
            email: "new@example.fr",
            password_hash: "hash",
            display_name: "New",
            locale: "fr",
            verify_digest: digest,
            mail: &mail,
        };
        let id = db.sign_up(&sign_up("d1")).await?;
        assert!(matches!(
            db.sign_up(&sign_up("d2")).await,
            Err(StoreError::Conflict)
        ));
        assert_eq!(
            db.job_counts().await?.queued,
            1,
            "the refused sign-up queued nothing"
        );
        assert!(
            db.peek_email_token("d2", EmailPurpose::Verify)
                .await
                .is_err()
        );
        assert_eq!(
            db.consume_email_token("d1", EmailPurpose::Verify).await?,
            id
        );
        assert_eq!(
            db.audit_about(id, Page::new(1, 10)).await?.rows[0].event,
            "account-created"
        );
    }
    Ok(())
}

/// Sign-in lookups may be answered from memory (SQLite); every change must
/// still show at once.
#[tokio::test]
async fn sign_in_lookups_see_every_change_at_once() -> TestResult {
    for db in backends().await? {
        let id = person(&db, "cache@example.fr").await?;
        db.create_session("s-digest", id).await?;
        db.create_api_token(id, "script", "t-digest").await?;
        for _ in 0..2 {
            assert_eq!(db.user_by_session("s-digest").await?.display_name, "Léa");
            assert_eq!(db.user_by_api_token("t-digest").await?.id, id);
            assert!(db.tags(id).await?.skills.is_empty());
        }
        let skills = ["diy".to_owned()];
        let update = ProfileUpdate {
            display_name: "Léa B.",
            bio: "",
            visibility: "neighbours",
            availability: 0,
            skills: &skills,
            interests: &[],
            languages: &[],
            free_tags: &[],
        };
        db.update_profile(id, &update).await?;
        assert_eq!(db.user_by_session("s-digest").await?.display_name, "Léa B.");
        assert_eq!(
            db.user_by_api_token("t-digest").await?.display_name,
            "Léa B."
        );
        assert_eq!(db.tags(id).await?.skills, skills);
        db.set_platform_admin(id, true).await?;
        assert!(db.user_by_session("s-digest").await?.platform_admin);
        db.delete_session("s-digest").await?;
        assert!(matches!(
            db.user_by_session("s-digest").await,
            Err(StoreError::NotFound)
        ));
        let token = db.api_tokens(id).await?.remove(0);
        db.revoke_api_token(id, token.id).await?;
        assert!(matches!(
            db.user_by_api_token("t-digest").await,
            Err(StoreError::NotFound)
        ));
    }
    Ok(())
}

#[tokio::test]
async fn two_admins_stepping_down_at_once_leave_one() -> TestResult {
    for db in backends().await? {
        let first = person(&db, "a1@example.fr").await?;
        let second = person(&db, "a2@example.fr").await?;
        let org = db
            .create_organisation("Les Voisins", "collective", "", first)
            .await?;
        db.set_membership(org, second, "admin").await?;
        for _ in 0..5 {
            let steps = [first, second].map(|who| {
                let db = db.clone();
                tokio::spawn(async move { db.change_member(org, who, Some("member")).await })
            });
            let mut outcomes = Vec::new();
            for step in steps {
                outcomes.push(step.await.map_err(|e| StoreError::Payload(e.to_string()))?);
            }
            let refused = outcomes
                .iter()
                .filter(|o| matches!(o, Err(StoreError::LastAdmin)))
                .count();
            assert_eq!(refused, 1, "{outcomes:?}");
            assert_eq!(db.admin_count(org).await?, 1);
            // Both admins again for the next round.
            db.set_membership(org, first, "admin").await?;
            db.set_membership(org, second, "admin").await?;
        }
        assert!(matches!(
            db.change_member(org, 999_999, None).await,
            Err(StoreError::NotFound)
        ));
    }
    Ok(())
}
