//! Demonstration conversations: Odette and the volunteer who accepted her
//! visit need, a visits pair with its coordinator, the team of "Les Voisins
//! de Timbaud", and one hurtful message waiting in the moderation queue.
//! A conversation that already has messages is left as it is.

use entraide_core::conversation::MessageBody;
use entraide_store::conversations::Group;
use entraide_store::{Db, Page, StoreError};

/// The demo people the conversations are between.
#[derive(Debug, Clone, Copy)]
pub struct Cast {
    pub odette: i64,
    pub volunteer: i64,
    pub coordinator: i64,
    /// "Les Voisins de Timbaud".
    pub voisins: i64,
}

fn refused(what: impl std::fmt::Debug) -> StoreError {
    StoreError::InvalidUrl(format!("demo message refused: {what:?}"))
}

/// Writes `lines` (author, text) in order, unless the conversation
/// already has messages. Returns the ids written.
async fn write(db: &Db, id: i64, lines: &[(i64, &str)]) -> Result<Vec<i64>, StoreError> {
    let reader = lines.first().map_or(0, |(author, _)| *author);
    if !db
        .messages(id, reader, Page::new(1, 1))
        .await?
        .rows
        .is_empty()
    {
        return Ok(Vec::new());
    }
    let mut written = Vec::new();
    for (author, text) in lines {
        let body = MessageBody::parse(text).map_err(refused)?;
        let posted = db
            .post_message(id, *author, &body)
            .await?
            .map_err(refused)?;
        written.push(posted.message_id);
    }
    Ok(written)
}

pub async fn seed(db: &Db, cast: Cast) -> Result<(), StoreError> {
    let Cast {
        odette,
        volunteer,
        coordinator,
        voisins,
    } = cast;
    let needs = db.exchanges_of(odette, Page::new(1, 20)).await?;
    if let Some(visit) = needs.rows.iter().find(|e| e.category == "visits") {
        let id = db.open_group(Group::Exchange(visit.id)).await?;
        write(
            db,
            id,
            &[
                (
                    odette,
                    "Bonjour Malik, merci d'avoir accepté de venir me voir le mardi. \
                     Vous connaissez la rue Oberkampf ?",
                ),
                (
                    volunteer,
                    "Bonjour Odette ! Avec plaisir. Oui, j'y passe tous les jours. \
                     Je peux venir mardi vers 15 h, cela vous convient ?",
                ),
                (
                    odette,
                    "C'est parfait. Je ferai du thé.\nSonnez deux fois, la sonnette est capricieuse.",
                ),
            ],
        )
        .await?;
    }

    if let Some(pair) = db.pairings_of(volunteer).await?.first() {
        let id = db.open_group(Group::Pairing(pair.id)).await?;
        write(
            db,
            id,
            &[
                (
                    coordinator,
                    "Bonjour à tous les deux, je suis Claire, de la coordination. \
                     Écrivez-moi ici si un rendez-vous change ou si quelque chose vous inquiète.",
                ),
                (
                    volunteer,
                    "Merci Claire. La visite de mercredi s'est très bien passée : \
                     nous avons regardé de vieilles photos du quartier.",
                ),
                (
                    pair.visited_id,
                    "Malik est très gentil. À mercredi prochain !",
                ),
            ],
        )
        .await?;
    }

    let team = db.open_group(Group::Team(voisins)).await?;
    // Someone of the team other than the demo staff writes the hurtful line.
    let other = db
        .member_ids(team)
        .await?
        .into_iter()
        .find(|id| ![volunteer, coordinator].contains(id) && *id > odette);
    let mut lines = vec![
        (
            coordinator,
            "Rappel : la permanence de samedi a lieu au local, de 10 h à 12 h. Qui peut venir ?",
        ),
        (
            volunteer,
            "Je serai là à partir de 10 h 30, avec la liste des courses solidaires.",
        ),
    ];
    if let Some(other) = other {
        lines.push((
            other,
            "Franchement, certains voisins du 3e sont des profiteurs, qu'ils se débrouillent seuls.",
        ));
    }
    let written = write(db, team, &lines).await?;
    if let Some(hurtful) = written.get(2) {
        db.report_message(
            *hurtful,
            coordinator,
            "Propos blessants envers des voisins, contraires à la charte de l'association.",
        )
        .await?;
    }
    Ok(())
}
