//! Needs posted around rue Jean-Pierre Timbaud, and their owners, for the
//! tests of exchanges and of the search.

use entraide_core::exchange::{ExchangeInput, NewExchange, Place};
use entraide_core::geo::Point;
use entraide_store::exchanges::Posting;
use entraide_store::profiles::Home;
use entraide_store::{Db, StoreError};
use time::macros::date;

pub const TIMBAUD: Point = Point {
    lat: 48.8672,
    lng: 2.3768,
};

pub fn near(metres_north: f64) -> Point {
    Point {
        lat: TIMBAUD.lat + metres_north / 111_195.0,
        lng: TIMBAUD.lng,
    }
}

pub fn need(title: &str, description: &str, category: &str) -> NewExchange {
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

pub async fn post(
    db: &Db,
    owner: i64,
    exchange: &NewExchange,
    at: Point,
) -> Result<i64, StoreError> {
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

pub async fn person(db: &Db, email: &str, home: Option<Point>) -> Result<i64, StoreError> {
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
