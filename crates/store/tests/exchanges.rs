//! Needs, offers, participations and helper candidates, on every backend.

use entraide_core::exchange::{ExchangeInput, NewExchange, Place};
use entraide_core::geo::Point;
use entraide_core::lifecycle::{ExchangeStep, Part, Step};
use entraide_core::text::query_terms;
use entraide_store::exchanges::{Posting, Search, Sort};
use entraide_store::participations::StepRequest;
use entraide_store::profiles::Home;
use entraide_store::testing::backends;
use entraide_store::{Db, Page, StoreError};
use time::macros::date;

type TestResult = Result<(), StoreError>;

const TIMBAUD: Point = Point {
    lat: 48.8672,
    lng: 2.3768,
};

fn near(metres_north: f64) -> Point {
    Point {
        lat: TIMBAUD.lat + metres_north / 111_195.0,
        lng: TIMBAUD.lng,
    }
}

fn need(title: &str, description: &str, category: &str) -> NewExchange {
    let input = ExchangeInput {
        kind: "need".into(),
        category: category.into(),
        title: title.into(),
        description: description.into(),
        date: "2026-12-01".into(),
        from: "14:00".into(),
        to: "16:00".into(),
        skills: vec!["diy".into()],
        helpers_wanted: "1".into(),
        ..ExchangeInput::default()
    };
    match NewExchange::parse(&input, date!(2026 - 11 - 22)) {
        Ok(parsed) => parsed,
        Err(errors) => panic!("{errors:?}"),
    }
}

async fn post(db: &Db, owner: i64, exchange: &NewExchange, at: Point) -> Result<i64, StoreError> {
    let place = Place {
        point: at,
        label: Some("12 rue Jean-Pierre Timbaud".into()),
    };
    db.post_exchange(&Posting {
        exchange,
        place: &place,
        owner_id: owner,
        posted_by: None,
        org_id: None,
    })
    .await
}

async fn person(db: &Db, email: &str, home: Option<Point>) -> Result<i64, StoreError> {
    let id = db
        .create_user_with_email(email, "hash", email, "fr")
        .await?;
    if let Some(p) = home {
        let home = Home {
            label: None,
            lat: p.lat,
            lng: p.lng,
            cell: p.cell(),
        };
        db.set_home(id, Some(&home)).await?;
    }
    Ok(id)
}

fn open_near(terms: &str, sort: Sort) -> Search {
    Search {
        near: Some((TIMBAUD, 3000.0)),
        terms: query_terms(terms, 8),
        open_only: true,
        sort,
        ..Search::default()
    }
}

#[tokio::test]
async fn search_folds_accents_stems_and_sorts_the_same_everywhere() -> TestResult {
    for db in backends().await? {
        let owner = person(&db, "owner@example.fr", None).await?;
        let shelf = post(
            &db,
            owner,
            &need("Bricolage : une étagère", "Fixer au mur", "small-jobs"),
            near(200.0),
        )
        .await?;
        let visit = post(
            &db,
            owner,
            &need("Visite à une dame âgée", "Elle aime bricoler", "visits"),
            near(900.0),
        )
        .await?;
        let far = post(
            &db,
            owner,
            &need("Bricolage loin", "", "small-jobs"),
            near(8000.0),
        )
        .await?;
        let titles = |rows: &[entraide_store::exchanges::Exchange]| {
            rows.iter().map(|e| e.id).collect::<Vec<_>>()
        };

        let found = db
            .search_exchanges(&open_near("bricoler", Sort::Distance), Page::new(1, 10))
            .await?;
        assert_eq!(
            titles(&found.rows),
            vec![shelf, visit],
            "8 km is beyond the radius"
        );
        let found = db
            .search_exchanges(&open_near("agees", Sort::Relevance), Page::new(1, 10))
            .await?;
        assert_eq!(titles(&found.rows), vec![visit]);
        // Title words weigh more than description words.
        let found = db
            .search_exchanges(&open_near("bricolage", Sort::Relevance), Page::new(1, 10))
            .await?;
        assert_eq!(titles(&found.rows), vec![shelf, visit]);
        let everywhere = Search {
            open_only: true,
            sort: Sort::Date,
            ..Search::default()
        };
        let page = db.search_exchanges(&everywhere, Page::new(1, 2)).await?;
        assert!(page.more && page.rows.len() == 2);
        let page2 = db.search_exchanges(&everywhere, Page::new(2, 2)).await?;
        assert_eq!(titles(&page2.rows).len(), 1);
        let visits = Search {
            category: Some("visits"),
            ..open_near("", Sort::Distance)
        };
        assert_eq!(
            titles(&db.search_exchanges(&visits, Page::new(1, 10)).await?.rows),
            vec![visit]
        );
        let weekly = Search {
            recurring: Some(true),
            ..open_near("", Sort::Distance)
        };
        assert!(
            db.search_exchanges(&weekly, Page::new(1, 10))
                .await?
                .rows
                .is_empty()
        );
        let skill = Search {
            skill: Some("diy".into()),
            ..open_near("", Sort::Distance)
        };
        assert_eq!(
            db.search_exchanges(&skill, Page::new(1, 10))
                .await?
                .rows
                .len(),
            2
        );
        let later = Search {
            from_day: Some("2026-12-02".into()),
            ..open_near("", Sort::Distance)
        };
        assert!(
            db.search_exchanges(&later, Page::new(1, 10))
                .await?
                .rows
                .is_empty()
        );
        let wide = Search {
            near: Some((TIMBAUD, 10_000.0)),
            ..open_near("bricolage", Sort::Distance)
        };
        assert_eq!(
            titles(&db.search_exchanges(&wide, Page::new(1, 10)).await?.rows),
            vec![shelf, visit, far]
        );
    }
    Ok(())
}

#[tokio::test]
async fn pages_by_distance_follow_each_other_nearest_first_ties_to_the_newest() -> TestResult {
    for db in backends().await? {
        let owner = person(&db, "pages@example.fr", None).await?;
        let mut posted = Vec::new();
        for metres in [700.0, 100.0, 400.0, 400.0, 2500.0] {
            let id = post(&db, owner, &need("Courses", "", "errands"), near(metres)).await?;
            posted.push((metres, id));
        }
        // Nearest first; the two at 400 m newest first.
        posted.sort_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)));
        let expected: Vec<i64> = posted.iter().map(|p| p.1).collect();
        let search = open_near("", Sort::Distance);
        let mut paged = Vec::new();
        for number in 1..=3 {
            let page = db.search_exchanges(&search, Page::new(number, 2)).await?;
            assert_eq!(page.more, number < 3, "page {number}");
            paged.extend(page.rows.iter().map(|e| e.id));
        }
        assert_eq!(paged, expected);
        // Equal relevance falls back on the distance.
        let words = open_near("courses", Sort::Relevance);
        let first = db.search_exchanges(&words, Page::new(1, 2)).await?;
        assert_eq!(
            first.rows.iter().map(|e| e.id).collect::<Vec<_>>(),
            expected[..2]
        );
    }
    Ok(())
}

#[tokio::test]
async fn the_lifecycle_runs_invite_accept_done_and_refuses_the_rest() -> TestResult {
    for db in backends().await? {
        let owner = person(&db, "asker@example.fr", None).await?;
        let helper = person(&db, "helper@example.fr", None).await?;
        let other = person(&db, "other@example.fr", None).await?;
        let id = post(
            &db,
            owner,
            &need("Monter un meuble", "", "small-jobs"),
            near(0.0),
        )
        .await?;
        let request = |user, step, actor| StepRequest {
            exchange_id: id,
            user_id: user,
            step,
            actor_id: actor,
            acting_for_owner: false,
            message: "",
        };
        assert_eq!(
            db.apply_step(&request(helper, Step::Invite, owner)).await?,
            Part::Invited
        );
        assert_eq!(db.pending_invitations(helper).await?, 1);
        assert_eq!(
            db.apply_step(&request(helper, Step::AcceptInvitation, helper))
                .await?,
            Part::Accepted
        );
        assert_eq!(db.exchange(id).await?.state, "scheduled");
        // One helper wanted: a second acceptance finds no place left.
        db.apply_step(&request(other, Step::Respond, other)).await?;
        assert!(matches!(
            db.apply_step(&request(other, Step::Choose, owner)).await,
            Err(StoreError::Full)
        ));
        assert_eq!(db.participation(id, other).await?, Some(Part::Responded));
        // Illegal: accepting an invitation nobody sent; nothing changes.
        assert!(matches!(
            db.apply_step(&request(other, Step::AcceptInvitation, other))
                .await,
            Err(StoreError::Illegal(_))
        ));
        // Withdrawing reopens; accepting again schedules.
        db.apply_step(&request(helper, Step::Withdraw, helper))
            .await?;
        assert_eq!(db.exchange(id).await?.state, "open");
        db.apply_step(&request(other, Step::Choose, owner)).await?;
        assert_eq!(
            db.close_exchange(id, ExchangeStep::Complete, None)
                .await?
                .key(),
            "done"
        );
        assert_eq!(db.participation(id, other).await?, Some(Part::Helped));
        assert!(matches!(
            db.close_exchange(id, ExchangeStep::Cancel, None).await,
            Err(StoreError::Illegal(_))
        ));
        let mine = db.involvements(other, Page::new(1, 10)).await?;
        assert_eq!(mine.rows[0].part, "helped");
        assert_eq!(db.participants(id).await?.len(), 2);
    }
    Ok(())
}

#[tokio::test]
async fn posting_for_someone_is_logged_for_them_and_old_needs_expire() -> TestResult {
    for db in backends().await? {
        let person_helped = person(&db, "momo@example.fr", None).await?;
        let worker = person(&db, "worker@example.fr", None).await?;
        let exchange = need("Remplir un dossier CAF", "", "paperwork");
        let place = Place {
            point: near(0.0),
            label: None,
        };
        let id = db
            .post_exchange(&Posting {
                exchange: &exchange,
                place: &place,
                owner_id: person_helped,
                posted_by: Some(worker),
                org_id: None,
            })
            .await?;
        let log = db.audit_about(person_helped, Page::new(1, 10)).await?;
        assert_eq!(log.rows[0].event, "exchange-posted-for");
        assert_eq!(log.rows[0].actor_id, Some(worker));
        assert_eq!(
            db.expire_exchanges("2026-12-01").await?,
            0,
            "its day is not over"
        );
        assert_eq!(db.expire_exchanges("2026-12-02").await?, 1);
        assert_eq!(db.exchange(id).await?.state, "expired");
    }
    Ok(())
}

#[tokio::test]
async fn candidates_are_the_visible_people_within_the_radius() -> TestResult {
    for db in backends().await? {
        let owner = person(&db, "asker@example.fr", Some(near(0.0))).await?;
        let neighbour = person(&db, "near@example.fr", Some(near(500.0))).await?;
        let hidden = person(&db, "hidden@example.fr", Some(near(500.0))).await?;
        let _far = person(&db, "far@example.fr", Some(near(20_000.0))).await?;
        let update = |visibility: &'static str| entraide_store::profiles::ProfileUpdate {
            display_name: "X",
            bio: "",
            visibility,
            availability: 0b10,
            skills: &[],
            interests: &[],
            languages: &[],
            free_tags: &[],
        };
        let skills = ["diy".to_owned()];
        db.update_profile(
            neighbour,
            &entraide_store::profiles::ProfileUpdate {
                skills: &skills,
                ..update("neighbours")
            },
        )
        .await?;
        db.update_profile(hidden, &update("hidden")).await?;
        let found = db.helper_candidates(near(0.0), 3000.0, owner, 0).await?;
        let ids: Vec<i64> = found.iter().map(|c| c.id).collect();
        assert_eq!(ids, vec![neighbour]);
        assert_eq!(found[0].skills, skills);
        assert_eq!(found[0].availability.0, 0b10);
    }
    Ok(())
}

#[tokio::test]
async fn nobody_is_invited_once_every_place_is_taken() -> TestResult {
    for db in backends().await? {
        let owner = person(&db, "asker@example.fr", None).await?;
        let first = person(&db, "first@example.fr", None).await?;
        let late = person(&db, "late@example.fr", None).await?;
        let id = post(
            &db,
            owner,
            &need("Monter un meuble", "", "small-jobs"),
            near(0.0),
        )
        .await?;
        let request = |user, step, actor| StepRequest {
            exchange_id: id,
            user_id: user,
            step,
            actor_id: actor,
            acting_for_owner: false,
            message: "",
        };
        db.apply_step(&request(first, Step::Respond, first)).await?;
        db.apply_step(&request(first, Step::Choose, owner)).await?;
        assert!(matches!(
            db.apply_step(&request(late, Step::Invite, owner)).await,
            Err(StoreError::Full)
        ));
        assert_eq!(db.participation(id, late).await?, None);
    }
    Ok(())
}
