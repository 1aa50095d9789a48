//! The in-memory helper index gives the same top 20 as reading every
//! candidate from the database, on every backend, and follows changes.

use std::collections::HashSet;

use entraide_core::geo::Point;
use entraide_core::matching::{Wanted, rank};
use entraide_core::profile::{Availability, INTERESTS, LANGUAGES, SKILLS};
use entraide_store::helper_index::{Asked, HelperIndex};
use entraide_store::profiles::ProfileUpdate;
use entraide_store::seed::SeedPerson;
use entraide_store::testing::backends;
use entraide_store::{Db, StoreError};
use rand::rngs::StdRng;
use rand::seq::SliceRandom as _;
use rand::{Rng as _, SeedableRng as _};

type TestResult = Result<(), StoreError>;

const CENTRE: Point = Point {
    lat: 48.8672,
    lng: 2.3768,
};

fn somewhere(rng: &mut StdRng, spread: f64) -> Point {
    Point {
        lat: CENTRE.lat + rng.gen_range(-spread..spread),
        lng: CENTRE.lng + rng.gen_range(-spread..spread) * 1.5,
    }
}

async fn neighbourhood(db: &Db, rng: &mut StdRng, org: i64) -> Result<Vec<i64>, StoreError> {
    let mut people = Vec::new();
    for n in 0..400 {
        let home = somewhere(rng, 0.04);
        let mut tags: Vec<(&'static str, String)> = Vec::new();
        for (kind, list, most) in [
            ("skill", SKILLS, 3),
            ("interest", INTERESTS, 3),
            ("language", LANGUAGES, 2),
        ] {
            let count = rng.gen_range(0..=most);
            tags.extend(
                list.choose_multiple(rng, count)
                    .map(|k| (kind, (*k).to_owned())),
            );
        }
        people.push(SeedPerson {
            email: Some(format!("p{n}@example.fr")),
            display_name: format!("P{n}"),
            locale: "fr".into(),
            visibility: ["neighbours", "neighbours", "organisations", "hidden"]
                [rng.gen_range(0..4)]
            .into(),
            home: Some((home.lat, home.lng, home.cell())),
            availability: rng.gen_range(0..(1_i64 << 21)),
            tags,
            memberships: if rng.gen_bool(0.3) {
                vec![(org, "member")]
            } else {
                Vec::new()
            },
            ..SeedPerson::default()
        });
    }
    db.seed_people(&people).await
}

#[tokio::test]
async fn the_index_ranks_like_the_database_and_follows_changes() -> TestResult {
    for db in backends().await? {
        let mut rng = StdRng::seed_from_u64(7);
        let owner = db
            .create_user_with_email("owner@example.fr", "hash", "Owner", "fr")
            .await?;
        let org = db
            .create_organisation("Voisins", "association", "", owner)
            .await?;
        let ids = neighbourhood(&db, &mut rng, org).await?;
        let index = HelperIndex::default();
        assert!(
            index
                .best(
                    &Asked::new(CENTRE, 3000.0, &[], &[], &[], Availability(0)),
                    owner,
                    &HashSet::new(),
                    &[],
                    20
                )
                .is_none()
        );
        index.refresh(&db).await?;
        let shares = db.sharing_an_organisation(owner).await?;
        for _ in 0..10 {
            let place = somewhere(&mut rng, 0.02);
            let skills: Vec<String> = SKILLS
                .choose_multiple(&mut rng, 2)
                .map(|s| (*s).to_owned())
                .collect();
            let interests: Vec<String> = INTERESTS
                .choose_multiple(&mut rng, 2)
                .map(|s| (*s).to_owned())
                .collect();
            let languages = vec!["fr".to_owned()];
            let slots = Availability(rng.gen_range(0..(1_i64 << 21)));
            let wanted = Wanted {
                place,
                radius_m: 3000.0,
                skills: &skills,
                interests: &interests,
                languages: &languages,
                slots,
            };
            let all = db.helper_candidates(place, 3000.0, owner, 0).await?;
            let expected: Vec<i64> = rank(&wanted, &all, 20).iter().map(|m| m.id).collect();
            let asked = Asked::new(place, 3000.0, &skills, &interests, &languages, slots);
            let mut chosen = index
                .best(&asked, owner, &shares, &[], 40)
                .unwrap_or_default();
            let ids: Vec<i64> = chosen.iter().map(|c| c.id).collect();
            let visible = db.still_visible(&ids, owner).await?;
            chosen.retain(|c| visible.contains(&c.id));
            let got: Vec<i64> = rank(&wanted, &chosen, 20).iter().map(|m| m.id).collect();
            // Reading the chosen again from the database ranks them the same.
            let exact = db.candidates_by_id(&ids, owner, 0).await?;
            let reread: Vec<i64> = rank(&wanted, &exact, 20).iter().map(|m| m.id).collect();
            assert_eq!(reread, got);
            assert!(!expected.is_empty());
            assert_eq!(got, expected);
        }
        // Someone who hides disappears after the next refresh; a home moved
        // far away leaves the neighbourhood.
        let asked = Asked::new(CENTRE, 5000.0, &[], &[], &[], Availability(0));
        let first = index
            .best(&asked, owner, &shares, &[], 1)
            .unwrap_or_default()[0]
            .id;
        assert!(ids.contains(&first));
        let hide = ProfileUpdate {
            display_name: "P",
            bio: "",
            visibility: "hidden",
            availability: 0,
            skills: &[],
            interests: &[],
            languages: &[],
            free_tags: &[],
        };
        db.update_profile(first, &hide).await?;
        index.refresh(&db).await?;
        let now_first = index
            .best(&asked, owner, &shares, &[], 1)
            .unwrap_or_default()[0]
            .id;
        assert_ne!(now_first, first);
        let far = Point {
            lat: 45.76,
            lng: 4.84,
        };
        let home = entraide_store::profiles::Home {
            label: None,
            lat: far.lat,
            lng: far.lng,
            cell: far.cell(),
        };
        db.set_home(now_first, Some(&home)).await?;
        index.refresh(&db).await?;
        let listed: Vec<i64> = index
            .best(&asked, owner, &shares, &[], 400)
            .unwrap_or_default()
            .iter()
            .map(|c| c.id)
            .collect();
        assert!(!listed.contains(&now_first) && !listed.contains(&first));
    }
    Ok(())
}
