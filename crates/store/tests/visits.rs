//! Visits programmes on every backend: joining, vetting, pairing, logging,
//! ending, and the candidates a matching may propose.

use entraide_core::geo::Point;
use entraide_core::visits::{NewProgramme, Rhythm, VisitLog};
use entraide_store::profiles::Home;
use entraide_store::testing::backends;
use entraide_store::{Db, StoreError};
use time::macros::date;

type TestResult = Result<(), StoreError>;

async fn person(db: &Db, email: &str, at: Option<Point>) -> Result<i64, StoreError> {
    let id = db
        .create_user_with_email(email, "hash", email, "fr")
        .await?;
    if let Some(p) = at {
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

fn programme() -> NewProgramme {
    match NewProgramme::parse(
        "Visites du 11e",
        "Je viens chaque semaine et je préviens en cas d'empêchement.",
        "2",
    ) {
        Ok(p) => p,
        Err(errors) => panic!("{errors:?}"),
    }
}

#[tokio::test]
async fn a_visitor_is_vetted_paired_logs_visits_and_the_pairing_ends() -> TestResult {
    for db in backends().await? {
        let home = Point {
            lat: 48.8672,
            lng: 2.3768,
        };
        let coordinator = person(&db, "coord@example.fr", None).await?;
        let visitor = person(&db, "jeune@example.fr", Some(home)).await?;
        let elder = person(&db, "mamie@example.fr", Some(home)).await?;
        let org = db
            .create_organisation("Voisin-Âge 11e", "association", "", coordinator)
            .await?;
        let id = db.create_programme(org, &programme(), coordinator).await?;
        assert_eq!(db.programmes_of(org).await?[0].overdue_weeks, 2);

        db.join_programme(id, visitor).await?;
        assert_eq!(
            db.visitor_status(id, visitor).await?.as_deref(),
            Some("applied")
        );
        assert!(
            db.visitor_candidates(id).await?.is_empty(),
            "not vetted yet"
        );
        db.add_visited(id, elder, coordinator).await?;
        let rhythm = Rhythm::parse(&["tue-afternoon".to_owned()], "1")
            .map_err(|e| StoreError::InvalidUrl(format!("{e:?}")))?;
        assert!(
            matches!(
                db.create_pairing(
                    id,
                    visitor,
                    elder,
                    rhythm,
                    date!(2026 - 11 - 01),
                    coordinator
                )
                .await,
                Err(StoreError::NotFound)
            ),
            "an unvetted visitor cannot be paired"
        );
        db.vet_visitor(id, visitor, coordinator).await?;
        assert!(matches!(
            db.vet_visitor(id, visitor, coordinator).await,
            Err(StoreError::NotFound)
        ));
        assert_eq!(db.visitor_candidates(id).await?.len(), 1);

        let pairing = db
            .create_pairing(
                id,
                visitor,
                elder,
                rhythm,
                date!(2026 - 11 - 01),
                coordinator,
            )
            .await?;
        assert!(matches!(
            db.create_pairing(
                id,
                visitor,
                elder,
                rhythm,
                date!(2026 - 11 - 01),
                coordinator
            )
            .await,
            Err(StoreError::Conflict)
        ));
        assert_eq!(db.visitor_candidates(id).await?[0].recently_asked, 1);
        let log = VisitLog::parse(
            "2026-11-18",
            "75",
            "Photos de famille",
            date!(2026 - 11 - 22),
        )
        .map_err(|e| StoreError::InvalidUrl(format!("{e:?}")))?;
        assert!(
            matches!(
                db.log_visit(pairing, elder, &log).await,
                Err(StoreError::NotFound)
            ),
            "only the visitor logs"
        );
        db.log_visit(pairing, visitor, &log).await?;
        let listed = db.programme_pairings(id).await?;
        assert_eq!(listed[0].last_visit.as_deref(), Some("2026-11-18"));
        assert_eq!(listed[0].visits, 1);
        assert_eq!(db.visits(pairing).await?[0].note, "Photos de famille");
        assert_eq!(db.pairings_of(elder).await?.len(), 1);
        let about_elder = db
            .audit_about(elder, entraide_store::Page::new(1, 10))
            .await?;
        assert!(
            about_elder
                .rows
                .iter()
                .any(|e| e.event == "pairing-approved")
        );

        db.end_pairing(pairing, coordinator).await?;
        assert!(db.programme_pairings(id).await?.is_empty());
        assert!(matches!(
            db.log_visit(pairing, visitor, &log).await,
            Err(StoreError::NotFound)
        ));
        db.leave_programme(id, visitor).await?;
        db.join_programme(id, visitor).await?;
        assert_eq!(
            db.visitor_status(id, visitor).await?.as_deref(),
            Some("applied")
        );
    }
    Ok(())
}
