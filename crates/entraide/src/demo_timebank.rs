//! The demo's time bank: «Les Voisins de Timbaud» runs one; the demo
//! volunteer fixed a shelf for the demo neighbour, whose time waits for her
//! confirmation; a few gifts and a collective payment fill the statements.

use entraide_core::geo::Point;
use entraide_core::ledger::{Limits, Minutes};
use entraide_core::lifecycle::{ExchangeStep, Step};
use entraide_core::notify::Kind;
use entraide_store::ledger::{Holder, NewTransfer};
use entraide_store::notifications::NewNotification;
use entraide_store::participations::StepRequest;
use entraide_store::{Db, StoreError};
use rand::rngs::StdRng;

use crate::demo_exchanges::{TEMPLATES, input, post};

/// Who takes part.
pub struct Cast {
    pub voisins: i64,
    pub odette: (i64, Point),
    pub volunteer: i64,
    pub coordinator: i64,
}

fn minutes(m: i64) -> Result<Minutes, StoreError> {
    Minutes::new(m).map_err(|e| StoreError::InvalidUrl(format!("demo minutes: {e:?}")))
}

pub async fn seed(db: &Db, rng: &mut StdRng, cast: Cast) -> Result<(), StoreError> {
    let bank = cast.voisins;
    db.open_bank(bank, Limits::default(), 7).await?;
    let (odette, at) = cast.odette;
    let today = time::OffsetDateTime::now_utc().date();
    let shelf = input(rng, "need", &TEMPLATES[0], today);
    let id = post(db, odette, at, &shelf, today).await?;
    let request = |step, actor| StepRequest {
        exchange_id: id,
        user_id: cast.volunteer,
        step,
        actor_id: actor,
        acting_for_owner: false,
        message: "Je passe avec ma perceuse.",
    };
    db.apply_step(&request(Step::Respond, cast.volunteer))
        .await?;
    db.apply_step(&request(Step::Choose, odette)).await?;
    db.close_exchange(id, ExchangeStep::Complete, None).await?;
    db.notify(
        &[odette],
        &NewNotification {
            kind: Kind::TimeToConfirm.code(),
            actor_id: Some(cast.volunteer),
            subject: &shelf.title,
            link: &format!("/exchanges/{id}#time"),
            dedup: None,
            collapse: false,
        },
    )
    .await?;
    let gifts = [
        (
            Holder::Member(cast.coordinator),
            cast.volunteer,
            45,
            "gift",
            "Merci pour l'aide au déménagement du local",
        ),
        (
            Holder::Organisation,
            cast.volunteer,
            120,
            "collective",
            "Nettoyage du jardin de la rue",
        ),
        (
            Holder::Member(cast.volunteer),
            odette,
            30,
            "gift",
            "Pour le gâteau de la fête des voisins",
        ),
    ];
    for (n, (from, to, amount, kind, reason)) in gifts.into_iter().enumerate() {
        let by = match from {
            Holder::Member(person) => person,
            Holder::Organisation => cast.coordinator,
        };
        db.transfer(&NewTransfer {
            bank,
            from,
            to: Holder::Member(to),
            minutes: minutes(amount)?,
            kind,
            reason,
            exchange_id: None,
            key: &format!("demo-{n}"),
            by,
        })
        .await
        .map_err(|e| StoreError::InvalidUrl(format!("demo transfer: {e}")))?;
    }
    Ok(())
}
