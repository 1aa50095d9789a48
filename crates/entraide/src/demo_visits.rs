//! The demonstration visits programme: young visitors of the "Visites de
//! convivialité" association, elderly members they visit, a few pairs with
//! visits logged, and one pair nobody visited for weeks.

use entraide_core::visits::{NewProgramme, Rhythm, VisitLog};
use entraide_store::{Db, StoreError};

/// Who runs the demo programme.
#[derive(Debug, Clone, Copy)]
pub struct Team {
    pub org: i64,
    pub coordinator: i64,
    pub volunteer: i64,
}

const CHARTER: &str = "Je rends visite à la personne au rythme convenu avec la coordination. \
     Je préviens si je ne peux pas venir. Je respecte sa vie privée et ses choix. \
     Je signale à la coordination tout ce qui m'inquiète.";

fn refused(what: &str) -> impl Fn(entraide_core::error::Errors) -> StoreError + '_ {
    move |errors| StoreError::InvalidUrl(format!("demo {what} refused: {errors:?}"))
}

/// Seeds the programme from the association's members: `(id, birth year)`.
pub async fn seed(db: &Db, team: Team, members: &[(i64, i64)]) -> Result<(), StoreError> {
    let programme = NewProgramme::parse("Visites de convivialité", CHARTER, "3")
        .map_err(refused("programme"))?;
    let id = db
        .create_programme(team.org, &programme, team.coordinator)
        .await?;
    let young: Vec<i64> = members
        .iter()
        .filter(|(_, year)| *year >= 1990)
        .map(|(id, _)| *id)
        .take(12)
        .collect();
    let elderly: Vec<i64> = members
        .iter()
        .filter(|(_, year)| *year <= 1950)
        .map(|(id, _)| *id)
        .take(8)
        .collect();
    db.join_programme(id, team.volunteer).await?;
    db.vet_visitor(id, team.volunteer, team.coordinator).await?;
    for (n, visitor) in young.iter().enumerate() {
        db.join_programme(id, *visitor).await?;
        // A few applications wait, so the coordinator has someone to vet.
        if n % 4 != 3 {
            db.vet_visitor(id, *visitor, team.coordinator).await?;
        }
    }
    for person in &elderly {
        db.add_visited(id, *person, team.coordinator).await?;
    }
    let today = time::OffsetDateTime::now_utc().date();
    let weekly = Rhythm::parse(&["wed-afternoon".to_owned()], "1").map_err(refused("rhythm"))?;
    let visitors = std::iter::once(team.volunteer).chain(young.iter().copied().filter(|v| {
        young
            .iter()
            .position(|y| y == v)
            .is_some_and(|n| n % 4 != 3)
    }));
    for (n, (visitor, person)) in visitors.zip(elderly.iter().take(4)).enumerate() {
        let started = today - time::Duration::weeks(8);
        let pairing = db
            .create_pairing(id, visitor, *person, weekly, started, team.coordinator)
            .await?;
        // The last pair has had no visit since it started: it shows overdue.
        if n == 3 {
            continue;
        }
        for weeks_ago in [6, 4, 2, 1].into_iter().skip(n) {
            let day =
                entraide_core::exchange::format_date(today - time::Duration::weeks(weeks_ago));
            let visit = VisitLog::parse(
                &day,
                "75",
                "Bonne visite, nous avons parlé du quartier.",
                today,
            )
            .map_err(refused("visit"))?;
            db.log_visit(pairing, visitor, &visit).await?;
        }
    }
    Ok(())
}
