//! The nearest-first search, on every backend: whether a page is found in a
//! smaller circle or needs the whole radius, every page is the one the
//! whole radius gives, in distance order, with nothing lost or repeated.

use entraide_store::exchanges::{Search, Sort};
use entraide_store::testing::backends;
use entraide_store::{Page, StoreError};

mod common;

use common::{TIMBAUD, near, need, person, post};

type TestResult = Result<(), StoreError>;

/// Metres north of the search point: 40 needs within 400 m, in no order,
/// two of them at the same place (the newest first), then 20 from 1 km to
/// 7 km, and two beyond every radius asked.
fn places() -> Vec<f64> {
    let mut metres: Vec<f64> = (0..40).map(|i| f64::from((i * 37) % 400) + 1.0).collect();
    metres.push(metres[3]);
    metres.extend((0..20).map(|i| 1000.0 + f64::from(i) * 300.0));
    metres.extend([9500.0, 12_000.0]);
    metres
}

#[tokio::test]
async fn every_page_is_the_whole_radius_page() -> TestResult {
    for db in backends().await? {
        let owner = person(&db, "owner@example.fr", Some(TIMBAUD)).await?;
        let mut posted: Vec<(f64, i64)> = Vec::new();
        for (n, metres) in places().into_iter().enumerate() {
            let title = format!("Besoin {n}");
            let id = post(&db, owner, &need(&title, "", "small-jobs"), near(metres)).await?;
            posted.push((metres, id));
        }
        // 3 km is read in the fine cells, 9 km in the wide areas, while the
        // smaller circles of 9 km (2.25 and 4.5 km) are read in fine cells.
        for radius in [3000.0, 9000.0] {
            let mut expected: Vec<(f64, i64)> = posted
                .iter()
                .copied()
                .filter(|(metres, _)| *metres <= radius)
                .collect();
            expected.sort_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)));
            let expected: Vec<i64> = expected.into_iter().map(|(_, id)| id).collect();
            let search = Search {
                near: Some((TIMBAUD, radius)),
                open_only: true,
                sort: Sort::Distance,
                ..Search::default()
            };
            for size in [7, 10, 25] {
                let mut seen = Vec::new();
                for number in 1.. {
                    let listing = db
                        .search_exchanges(&search, Page::new(number, size))
                        .await?;
                    seen.extend(listing.rows.iter().map(|e| e.id));
                    if !listing.more {
                        break;
                    }
                    assert!(number < 20, "pages never end");
                }
                assert_eq!(seen, expected, "radius {radius}, pages of {size}");
            }
        }
        // A filter that leaves few needs near: the smaller circles fall
        // short and the whole radius answers.
        let shelf = post(&db, owner, &need("Étagère", "", "visits"), near(2500.0)).await?;
        let visits = Search {
            near: Some((TIMBAUD, 3000.0)),
            category: Some("visits"),
            open_only: true,
            sort: Sort::Distance,
            ..Search::default()
        };
        let listing = db.search_exchanges(&visits, Page::new(1, 10)).await?;
        assert_eq!(
            listing.rows.iter().map(|e| e.id).collect::<Vec<_>>(),
            vec![shelf]
        );
        assert!(!listing.more);
    }
    Ok(())
}
