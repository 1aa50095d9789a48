//! Time banks on both databases: transfers, idempotency, limits,
//! reversals, the database checked step by step against the core's model,
//! and concurrent transfers that end with exact balances.

use std::collections::HashMap;

use entraide_core::ledger::{Ledger, Limits, Minutes, Refusal};
use entraide_store::ledger::{Holder, NewTransfer, TransferError};
use entraide_store::testing::backends;
use entraide_store::{Db, Page, StoreError};
use rand::rngs::StdRng;
use rand::{Rng as _, SeedableRng as _};

type TestResult = Result<(), Box<dyn std::error::Error>>;

async fn bank(db: &Db, members: usize, limits: Limits) -> Result<(i64, Vec<i64>), StoreError> {
    let mut people = Vec::new();
    for i in 0..members {
        people.push(
            db.create_user_with_email(&format!("m{i}@example.fr"), "h", &format!("M{i}"), "fr")
                .await?,
        );
    }
    let org = db
        .create_organisation("Banque du temps du 11e", "association", "", people[0])
        .await?;
    db.open_bank(org, limits, 7).await?;
    Ok((org, people))
}

fn minutes(m: i64) -> Minutes {
    Minutes::new(m).unwrap_or_else(|e| panic!("{m}: {e:?}"))
}

fn gift<'a>(bank: i64, from: i64, to: i64, m: i64, key: &'a str) -> NewTransfer<'a> {
    NewTransfer {
        bank,
        from: Holder::Member(from),
        to: Holder::Member(to),
        minutes: minutes(m),
        kind: "gift",
        reason: "Merci pour le déménagement",
        exchange_id: None,
        key,
        by: from,
    }
}

fn refusal(result: Result<impl std::fmt::Debug, TransferError>) -> Option<Refusal> {
    match result {
        Err(TransferError::Refused(r)) => Some(r),
        _ => None,
    }
}

#[tokio::test]
async fn transfers_are_idempotent_limited_reversible_and_add_up() -> TestResult {
    for db in backends().await? {
        let (org, p) = bank(&db, 3, Limits::default()).await?;
        let first = db.transfer(&gift(org, p[0], p[1], 90, "k1")).await?;
        let again = db.transfer(&gift(org, p[0], p[1], 90, "k1")).await?;
        assert_eq!(first, again, "a retried request pays once");
        let a = db.time_account(org, Holder::Member(p[0])).await?;
        let b = db.time_account(org, Holder::Member(p[1])).await?;
        assert_eq!((db.balance(a).await?, db.balance(b).await?), (-90, 90));

        // The floor (−10 h) refuses, and nothing changes.
        let over = db.transfer(&gift(org, p[0], p[2], 600, "k2")).await;
        assert_eq!(refusal(over), Some(Refusal::Floor));
        assert_eq!(db.balance(a).await?, -90);
        let same = db.transfer(&gift(org, p[1], p[1], 10, "k3")).await;
        assert_eq!(refusal(same), Some(Refusal::SameAccount));

        // The organisation's account takes collective work.
        let collective = NewTransfer {
            from: Holder::Organisation,
            kind: "collective",
            by: p[0],
            ..gift(org, 0, p[2], 120, "k4")
        };
        db.transfer(&collective).await?;

        let back = db
            .reverse_transfer(org, first.id, "Erreur de saisie", p[0])
            .await?;
        assert_eq!(back.reverses, Some(first.id));
        assert_eq!((db.balance(a).await?, db.balance(b).await?), (0, 0));
        assert_eq!(
            db.reverse_transfer(org, first.id, "", p[0]).await?,
            back,
            "once"
        );
        let twice = db.reverse_transfer(org, back.id, "", p[0]).await;
        assert_eq!(refusal(twice), Some(Refusal::NotReversible));
        let unknown = db.reverse_transfer(org, 999_999, "", p[0]).await;
        assert_eq!(refusal(unknown), Some(Refusal::Unknown));

        let lines = db.statement(b, Page::new(1, 10)).await?;
        assert_eq!(lines.rows.len(), 2);
        assert_eq!(
            (lines.rows[0].minutes, lines.rows[0].balance_after),
            (-90, 0)
        );
        assert_eq!(lines.rows[0].other_name.as_deref(), Some("M0"));
        assert_eq!(lines.rows[1].minutes, 90);
        let totals = db.bank_totals(org).await?;
        assert_eq!((totals.sum, totals.mismatched, totals.transfers), (0, 0, 3));
        assert_eq!(totals.in_credit, 120);
    }
    Ok(())
}

#[tokio::test]
async fn the_database_follows_the_model_through_random_sequences() -> TestResult {
    for db in backends().await? {
        let limits = Limits {
            floor: -300,
            ceiling: 300,
        };
        let (org, people) = bank(&db, 5, limits).await?;
        let mut model = Ledger::new(limits);
        let mut ids: Vec<i64> = Vec::new();
        let mut rng = StdRng::seed_from_u64(4);
        for step in 0..150 {
            if rng.gen_bool(0.2) && !ids.is_empty() {
                let pick = rng.gen_range(0..ids.len());
                let expected = model.reverse(pick).map(|_| ());
                let got = db.reverse_transfer(org, ids[pick], "", people[0]).await;
                match (&expected, &got) {
                    (Ok(()), Ok(t)) => ids.push(t.id),
                    // The database answers a second reversal with the first.
                    (Err(Refusal::AlreadyReversed), Ok(_)) => {}
                    (Err(e), Err(TransferError::Refused(r))) => assert_eq!(e, r, "step {step}"),
                    _ => panic!("step {step}: model {expected:?}, database {got:?}"),
                }
            } else {
                let (from, to) = (rng.gen_range(0..5), rng.gen_range(0..5));
                let amount = rng.gen_range(1..200);
                let expected = model.transfer(from as u32, to as u32, minutes(amount));
                let key = format!("s{step}");
                let got = db
                    .transfer(&gift(org, people[from], people[to], amount, &key))
                    .await;
                match (&expected, &got) {
                    (Ok(_), Ok(t)) => ids.push(t.id),
                    (Err(e), Err(TransferError::Refused(r))) => assert_eq!(e, r, "step {step}"),
                    _ => panic!("step {step}: model {expected:?}, database {got:?}"),
                }
            }
            for (i, person) in people.iter().enumerate() {
                let account = db.time_account(org, Holder::Member(*person)).await?;
                assert_eq!(
                    db.balance(account).await?,
                    model.balance(i as u32),
                    "step {step}"
                );
            }
        }
        let totals = db.bank_totals(org).await?;
        assert_eq!((totals.sum, totals.mismatched), (0, 0));
    }
    Ok(())
}

#[tokio::test]
async fn concurrent_transfers_end_with_exact_balances() -> TestResult {
    for db in backends().await? {
        let (org, people) = bank(
            &db,
            8,
            Limits {
                floor: -100_000,
                ceiling: 100_000,
            },
        )
        .await?;
        let mut rng = StdRng::seed_from_u64(7);
        let mut expected: HashMap<i64, i64> = HashMap::new();
        let mut tasks = Vec::new();
        for n in 0..200 {
            let from = people[rng.gen_range(0..people.len())];
            let mut to = people[rng.gen_range(0..people.len())];
            if to == from {
                to = people
                    [(people.iter().position(|p| *p == from).unwrap_or(0) + 1) % people.len()];
            }
            let amount = rng.gen_range(1..120);
            *expected.entry(from).or_default() -= amount;
            *expected.entry(to).or_default() += amount;
            let db = db.clone();
            tasks.push(tokio::spawn(async move {
                let key = format!("c{n}");
                db.transfer(&gift(org, from, to, amount, &key))
                    .await
                    .map(|_| ())
            }));
        }
        for task in tasks {
            task.await??;
        }
        for person in &people {
            let account = db.time_account(org, Holder::Member(*person)).await?;
            assert_eq!(
                db.balance(account).await?,
                expected.get(person).copied().unwrap_or(0)
            );
        }
        let totals = db.bank_totals(org).await?;
        assert_eq!(
            (totals.sum, totals.mismatched, totals.transfers),
            (0, 0, 200)
        );

        // Fifty people asking one account for ten minutes at once: the floor
        // lets exactly ten through.
        let (tight, few) = bank_again(
            &db,
            Limits {
                floor: -100,
                ceiling: 100_000,
            },
        )
        .await?;
        let payer = few[0];
        let mut tasks = Vec::new();
        for n in 0..50 {
            let db = db.clone();
            let to = few[1 + n % (few.len() - 1)];
            tasks.push(tokio::spawn(async move {
                let key = format!("t{n}");
                db.transfer(&gift(tight, payer, to, 10, &key)).await
            }));
        }
        let mut passed = 0;
        for task in tasks {
            match task.await? {
                Ok(_) => passed += 1,
                Err(TransferError::Refused(Refusal::Floor)) => {}
                Err(other) => return Err(other.into()),
            }
        }
        assert_eq!(passed, 10);
        let account = db.time_account(tight, Holder::Member(payer)).await?;
        assert_eq!(db.balance(account).await?, -100);
        assert_eq!(db.bank_totals(tight).await?.sum, 0);
    }
    Ok(())
}

async fn bank_again(db: &Db, limits: Limits) -> Result<(i64, Vec<i64>), StoreError> {
    let mut people = Vec::new();
    for i in 0..5 {
        people.push(
            db.create_user_with_email(&format!("t{i}@example.fr"), "h", &format!("T{i}"), "fr")
                .await?,
        );
    }
    let org = db
        .create_organisation("Banque serrée", "collective", "", people[0])
        .await?;
    db.open_bank(org, limits, 7).await?;
    Ok((org, people))
}
