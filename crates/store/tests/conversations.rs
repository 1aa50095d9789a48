//! Conversations and their moderation on every backend: members follow
//! their exchange, pairing or team; unread counts; blocks; hidden messages;
//! suspensions; reports and the moderation queue.

use entraide_core::conversation::{MessageBody, ModerationAction, Refusal};
use entraide_core::exchange::{ExchangeInput, NewExchange, Place};
use entraide_core::geo::Point;
use entraide_core::lifecycle::Step;
use entraide_core::visits::{NewProgramme, Rhythm};
use entraide_store::conversations::Group;
use entraide_store::exchanges::Posting;
use entraide_store::messages::Posted;
use entraide_store::moderation::{Act, Scope};
use entraide_store::participations::StepRequest;
use entraide_store::testing::backends;
use entraide_store::{Db, Page, StoreError, now};
use time::macros::date;

type TestResult = Result<(), StoreError>;

fn body(text: &str) -> MessageBody {
    match MessageBody::parse(text) {
        Ok(body) => body,
        Err(error) => panic!("{error:?}"),
    }
}

async fn person(db: &Db, email: &str) -> Result<i64, StoreError> {
    db.create_user_with_email(email, "hash", email, "fr").await
}

/// Posts and expects the post to go through.
async fn say(db: &Db, conversation: i64, author: i64, text: &str) -> Result<Posted, StoreError> {
    match db.post_message(conversation, author, &body(text)).await? {
        Ok(posted) => Ok(posted),
        Err(refusal) => panic!("refused: {refusal:?}"),
    }
}

async fn members(db: &Db, conversation: i64, people: &[i64]) -> Result<Vec<bool>, StoreError> {
    let mut out = Vec::new();
    for person in people {
        out.push(db.membership(conversation, *person).await?.is_some());
    }
    Ok(out)
}

async fn need(db: &Db, owner: i64, org: Option<i64>) -> Result<i64, StoreError> {
    let input = ExchangeInput {
        kind: "need".into(),
        category: "errands".into(),
        title: "Courses du samedi".into(),
        date: "2026-12-01".into(),
        from: "10:00".into(),
        to: "11:00".into(),
        helpers_wanted: "1".into(),
        ..ExchangeInput::default()
    };
    let exchange = NewExchange::parse(&input, date!(2026 - 11 - 22))
        .map_err(|e| StoreError::InvalidUrl(format!("{e:?}")))?;
    let place = Place {
        point: Point {
            lat: 48.8672,
            lng: 2.3768,
        },
        label: None,
    };
    db.post_exchange(&Posting {
        exchange: &exchange,
        place: &place,
        owner_id: owner,
        posted_by: None,
        org_id: org,
    })
    .await
}

async fn step(db: &Db, exchange: i64, user: i64, step: Step, actor: i64) -> TestResult {
    db.apply_step(&StepRequest {
        exchange_id: exchange,
        user_id: user,
        step,
        actor_id: actor,
        acting_for_owner: false,
        message: "",
    })
    .await
    .map(|_| ())
}

#[tokio::test]
async fn group_members_follow_their_exchange_team_and_pairing() -> TestResult {
    for db in backends().await? {
        let owner = person(&db, "odette@example.fr").await?;
        let helper = person(&db, "malik@example.fr").await?;
        let curious = person(&db, "curieux@example.fr").await?;
        let exchange = need(&db, owner, None).await?;
        step(&db, exchange, helper, Step::Respond, helper).await?;
        step(&db, exchange, curious, Step::Respond, curious).await?;
        step(&db, exchange, helper, Step::Choose, owner).await?;
        assert!(db.belongs_to(Group::Exchange(exchange), helper).await?);
        assert!(!db.belongs_to(Group::Exchange(exchange), curious).await?);
        let c = db.open_group(Group::Exchange(exchange)).await?;
        assert_eq!(db.member_ids(c).await?, vec![owner, helper]);
        assert!(!db.share_a_conversation(curious, owner).await?);
        assert!(db.share_a_conversation(helper, owner).await?);
        assert_eq!(
            db.open_group(Group::Exchange(exchange)).await?,
            c,
            "opened once"
        );
        assert_eq!(
            members(&db, c, &[owner, helper, curious]).await?,
            [true, true, false],
            "the owner and the accepted helper only"
        );
        say(&db, c, owner, "Merci d'avoir accepté !").await?;
        // The helper withdraws: at the next message, they are out.
        step(&db, exchange, helper, Step::Withdraw, helper).await?;
        let posted = say(&db, c, owner, "Dommage.").await?;
        assert_eq!(posted.members, vec![owner]);
        assert!(db.membership(c, helper).await?.is_none());
        assert_eq!(
            db.post_message(c, helper, &body("Je reviens")).await?.err(),
            Some(Refusal::NotMember)
        );
        assert!(matches!(
            db.open_group(Group::Exchange(exchange + 1000)).await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            db.belongs_to(Group::Team(exchange + 1000), owner).await,
            Err(StoreError::NotFound)
        ));

        // A team: volunteers and staff, not plain members.
        let admin = person(&db, "admin@example.fr").await?;
        let org = db
            .create_organisation("Les Voisins", "association", "", admin)
            .await?;
        db.set_membership(org, helper, "volunteer").await?;
        db.set_membership(org, curious, "member").await?;
        let team = db.open_group(Group::Team(org)).await?;
        assert_eq!(
            members(&db, team, &[admin, helper, curious]).await?,
            [true, true, false]
        );
        db.set_membership(org, helper, "member").await?;
        db.sync_members(team).await?;
        assert!(
            db.membership(team, helper).await?.is_none(),
            "left the team"
        );

        // A pairing: the pair while it lasts, and the coordination.
        let coordinator = person(&db, "claire@example.fr").await?;
        db.set_membership(org, coordinator, "coordinator").await?;
        let charter = "Je viens chaque semaine et je préviens en cas d'empêchement.";
        let programme = NewProgramme::parse("Visites", charter, "3")
            .map_err(|e| StoreError::InvalidUrl(format!("{e:?}")))?;
        let programme = db.create_programme(org, &programme, coordinator).await?;
        db.join_programme(programme, helper).await?;
        db.vet_visitor(programme, helper, coordinator).await?;
        db.add_visited(programme, owner, coordinator).await?;
        let rhythm = Rhythm::parse(&["tue-afternoon".to_owned()], "1")
            .map_err(|e| StoreError::InvalidUrl(format!("{e:?}")))?;
        let pairing = db
            .create_pairing(
                programme,
                helper,
                owner,
                rhythm,
                date!(2026 - 11 - 01),
                coordinator,
            )
            .await?;
        let pair = db.open_group(Group::Pairing(pairing)).await?;
        assert_eq!(
            members(&db, pair, &[helper, owner, coordinator, admin, curious]).await?,
            [true, true, true, true, false]
        );
        let seen = db.conversation(pair, coordinator).await?;
        assert_eq!(seen.kind, "pairing");
        assert_eq!(seen.moderating_org, Some(org));
        assert_eq!(seen.visited_name.as_deref(), Some("odette@example.fr"));
        db.end_pairing(pairing, coordinator).await?;
        db.sync_members(pair).await?;
        assert_eq!(
            members(&db, pair, &[helper, owner, coordinator]).await?,
            [false, false, true],
            "an ended pair no longer writes through it"
        );
    }
    Ok(())
}

#[tokio::test]
async fn unread_counts_follow_reads_mutes_blocks_and_hiding() -> TestResult {
    for db in backends().await? {
        let a = person(&db, "a@example.fr").await?;
        let b = person(&db, "b@example.fr").await?;
        let c = person(&db, "c@example.fr").await?;
        let direct = db.open_direct(a, b).await?;
        assert_eq!(db.open_direct(b, a).await?, direct, "one per pair");
        assert_eq!(db.direct_between(a, b).await?, Some(direct));
        assert!(matches!(
            db.open_direct(a, a).await,
            Err(StoreError::NotFound)
        ));
        let posted = say(&db, direct, a, "Bonjour !").await?;
        assert_eq!(posted.recipients, vec![b]);
        say(&db, direct, a, "Vous êtes là ?").await?;
        assert_eq!(db.unread_messages(b).await?, 2);
        assert_eq!(db.unread_messages(a).await?, 0, "one's own messages");
        let listed = db.conversations_of(b, Page::new(1, 10)).await?;
        assert_eq!(listed.rows.len(), 1);
        assert_eq!(listed.rows[0].unread, 2);
        assert_eq!(
            listed.rows[0].conversation.other_name.as_deref(),
            Some("a@example.fr")
        );
        assert_eq!(listed.rows[0].last_body.as_deref(), Some("Vous êtes là ?"));

        let page = db.messages(direct, b, Page::new(1, 10)).await?;
        let first = page.rows[0].id;
        assert_eq!(page.rows[0].body, "Bonjour !", "oldest first in a page");
        db.mark_read(direct, b, Some(first)).await?;
        assert_eq!(db.unread_messages(b).await?, 1);
        db.mark_read(direct, b, Some(0)).await?;
        assert_eq!(db.unread_messages(b).await?, 1, "never backwards");
        db.mark_read(direct, b, None).await?;
        assert_eq!(db.unread_messages(b).await?, 0);

        // Muted: no notification, no count; the list still shows it.
        db.set_muted(direct, b, true).await?;
        let posted = say(&db, direct, a, "Silence ?").await?;
        assert!(posted.recipients.is_empty());
        assert_eq!(db.unread_messages(b).await?, 0);
        assert_eq!(
            db.conversations_of(b, Page::new(1, 10)).await?.rows[0].unread,
            1
        );
        db.set_muted(direct, b, false).await?;
        assert_eq!(db.unread_messages(b).await?, 1);
        assert!(matches!(
            db.set_muted(direct, c, true).await,
            Err(StoreError::NotFound)
        ));

        // Hidden by moderation: not counted, not previewed.
        let last = db.messages(direct, b, Page::new(1, 10)).await?.rows[2].id;
        db.moderate(&Act {
            action: ModerationAction::Hide,
            actor_id: c,
            message_id: last,
            org_id: None,
            note: "",
            until: None,
        })
        .await?;
        assert_eq!(db.unread_messages(b).await?, 0);
        assert_eq!(
            db.conversations_of(b, Page::new(1, 10)).await?.rows[0]
                .last_body
                .as_deref(),
            Some("")
        );

        // Blocks: in a direct conversation, refused both ways.
        db.block(b, a).await?;
        db.block(b, a).await?;
        assert!(db.blocks(b, a).await? && !db.blocks(a, b).await?);
        assert_eq!(
            db.post_message(direct, a, &body("Allô ?")).await?.err(),
            Some(Refusal::BlockedByOther)
        );
        assert_eq!(
            db.post_message(direct, b, &body("Non.")).await?.err(),
            Some(Refusal::BlocksOther)
        );
        assert_eq!(
            db.messages(direct, b, Page::new(1, 10)).await?.rows.len(),
            3,
            "nothing stored"
        );

        // In a group, the blocked person still posts; the blocker is not
        // told, does not count it, and sees it marked.
        let org = db
            .create_organisation("Équipe", "association", "", a)
            .await?;
        db.set_membership(org, b, "volunteer").await?;
        db.set_membership(org, c, "coordinator").await?;
        let team = db.open_group(Group::Team(org)).await?;
        let posted = say(&db, team, a, "Réunion jeudi").await?;
        assert_eq!(posted.recipients, vec![c]);
        assert_eq!(posted.members.len(), 3);
        assert_eq!(db.unread_messages(b).await?, 0);
        assert_eq!(db.unread_messages(c).await?, 1);
        let seen = db.messages(team, b, Page::new(1, 10)).await?;
        assert!(seen.rows[0].author_blocked);
        assert!(!db.messages(team, c, Page::new(1, 10)).await?.rows[0].author_blocked);
        db.unblock(b, a).await?;
        assert_eq!(db.unread_messages(b).await?, 1);
        say(&db, direct, a, "On se reparle ?").await?;
    }
    Ok(())
}

#[tokio::test]
async fn messages_come_a_page_at_a_time_newest_page_first() -> TestResult {
    for db in backends().await? {
        let a = person(&db, "a@example.fr").await?;
        let b = person(&db, "b@example.fr").await?;
        let direct = db.open_direct(a, b).await?;
        for n in 1..=5 {
            say(&db, direct, a, &format!("message {n}")).await?;
        }
        let newest = db.messages(direct, b, Page::new(1, 2)).await?;
        let texts: Vec<&str> = newest.rows.iter().map(|m| m.body.as_str()).collect();
        assert_eq!(texts, ["message 4", "message 5"]);
        assert!(newest.more);
        let oldest = db.messages(direct, b, Page::new(3, 2)).await?;
        assert_eq!(oldest.rows.len(), 1);
        assert_eq!(oldest.rows[0].body, "message 1");
        assert!(!oldest.more);
    }
    Ok(())
}

#[tokio::test]
async fn reports_reach_the_right_moderators_and_suspensions_stop_posting() -> TestResult {
    for db in backends().await? {
        let admin = person(&db, "admin@example.fr").await?;
        let rude = person(&db, "rude@example.fr").await?;
        let victim = person(&db, "victim@example.fr").await?;
        let other_admin = person(&db, "other@example.fr").await?;
        let org = db
            .create_organisation("Les Voisins", "association", "", admin)
            .await?;
        let elsewhere = db
            .create_organisation("Ailleurs", "association", "", other_admin)
            .await?;
        db.set_membership(org, rude, "volunteer").await?;
        db.set_membership(org, victim, "volunteer").await?;
        let team = db.open_group(Group::Team(org)).await?;
        let insult = say(&db, team, rude, "Un message blessant")
            .await?
            .message_id;
        // A need posted in the organisation's name is moderated by it too.
        let exchange = need(&db, victim, Some(org)).await?;
        let about = db.open_group(Group::Exchange(exchange)).await?;
        assert_eq!(
            db.conversation(about, victim).await?.moderating_org,
            Some(org)
        );
        // A direct conversation belongs to no organisation.
        let direct = db.open_direct(rude, victim).await?;
        let private = say(&db, direct, rude, "En privé, pareil").await?.message_id;

        db.report_message(insult, victim, "Insultant").await?;
        assert!(matches!(
            db.report_message(insult, victim, "Encore").await,
            Err(StoreError::Conflict)
        ));
        db.report_message(private, victim, "Harcèlement").await?;
        let mine = db
            .open_reports(&Scope::Orgs(vec![org]), Page::new(1, 10))
            .await?;
        assert_eq!(
            mine.rows.len(),
            1,
            "the org sees its own conversations only"
        );
        assert_eq!(mine.rows[0].message_id, insult);
        assert_eq!(mine.rows[0].org_name.as_deref(), Some("Les Voisins"));
        let theirs = db
            .open_reports(&Scope::Orgs(vec![elsewhere]), Page::new(1, 10))
            .await?;
        assert!(theirs.rows.is_empty());
        assert!(
            db.open_reports(&Scope::Orgs(vec![]), Page::new(1, 10))
                .await?
                .rows
                .is_empty()
        );
        let all = db.open_reports(&Scope::All, Page::new(1, 10)).await?;
        assert_eq!(all.rows.len(), 2);
        assert_eq!(all.rows[0].org_id, None);
        let context = db.message_context(insult).await?;
        assert_eq!(
            (context.moderating_org, context.author_id),
            (Some(org), Some(rude))
        );

        let act = |action, message, until| Act {
            action,
            actor_id: admin,
            message_id: message,
            org_id: Some(org),
            note: "Propos déplacés",
            until,
        };
        db.moderate(&act(ModerationAction::Hide, insult, None))
            .await?;
        assert!(
            db.open_reports(&Scope::Orgs(vec![org]), Page::new(1, 10))
                .await?
                .rows
                .is_empty()
        );
        let hidden = db.messages(team, victim, Page::new(1, 10)).await?;
        assert!(hidden.rows[0].hidden_at.is_some());
        db.moderate(&act(ModerationAction::Unhide, insult, None))
            .await?;
        assert!(db.message_context(insult).await?.hidden_at.is_none());
        db.moderate(&act(ModerationAction::Warn, insult, None))
            .await?;

        let until = now() + 7 * 24 * 3600;
        db.moderate(&act(ModerationAction::Suspend, private, Some(until)))
            .await?;
        assert_eq!(db.suspended_until(rude).await?, Some(until));
        assert_eq!(
            db.post_message(team, rude, &body("Je recommence"))
                .await?
                .err(),
            Some(Refusal::Suspended(until))
        );
        assert!(
            db.open_reports(&Scope::All, Page::new(1, 10))
                .await?
                .rows
                .is_empty()
        );

        let log = db
            .moderation_log(&Scope::Orgs(vec![org]), Page::new(1, 10))
            .await?;
        let actions: Vec<&str> = log.rows.iter().map(|l| l.action.as_str()).collect();
        assert_eq!(actions, ["suspend", "warn", "unhide", "hide"]);
        assert_eq!(log.rows[0].target_name.as_deref(), Some("rude@example.fr"));
        assert!(
            db.moderation_log(&Scope::Orgs(vec![elsewhere]), Page::new(1, 10))
                .await?
                .rows
                .is_empty()
        );
        assert!(matches!(
            db.moderate(&act(ModerationAction::Dismiss, private + 1000, None))
                .await,
            Err(StoreError::NotFound)
        ));
    }
    Ok(())
}
