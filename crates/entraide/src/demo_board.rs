//! Demonstration posts on the local board, so a newcomer finds a living
//! neighbourhood: news, a question, a lost cat, an alert and two events,
//! written by people of the demo neighbourhood around their homes. Authors
//! who already have posts are left as they are.

use entraide_core::board::{NewPost, PostInput};
use entraide_core::geo::Point;
use entraide_store::board::NewPost as StoredPost;
use entraide_store::{Db, Page, StoreError};

fn refused(what: impl std::fmt::Debug) -> StoreError {
    StoreError::InvalidUrl(format!("demo post refused: {what:?}"))
}

/// A demo post: kind, title, text, reach, and for an event its day and time.
type DemoPost = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<(String, &'static str)>,
);

/// A day `days` from now, as the post form takes it.
fn in_days(days: i64) -> String {
    entraide_core::exchange::format_date(
        (time::OffsetDateTime::now_utc() + time::Duration::days(days)).date(),
    )
}

/// Writes the demo posts, one author each, from `authors` (people with a
/// home); the first author is the demo neighbour.
pub async fn seed(db: &Db, authors: &[(i64, Point)]) -> Result<(), StoreError> {
    let posts: [DemoPost; 6] = [
        (
            "event",
            "Fête des voisins dans la cour du 12",
            "Chacun apporte un plat ou une boisson, les enfants sont bienvenus. On installe les tables à 18 h 30.",
            "1000",
            Some((in_days(6), "19:00")),
        ),
        (
            "lost-found",
            "Chat tigré trouvé rue Jean-Pierre Timbaud",
            "Très câlin, avec un collier rouge sans médaille. Il attend son humain au rez-de-chaussée.",
            "1000",
            None,
        ),
        (
            "question",
            "Quelqu'un connaît un cordonnier dans le quartier ?",
            "Celui de la rue Oberkampf a fermé. Merci pour vos adresses !",
            "2000",
            None,
        ),
        (
            "info",
            "Permanence numérique au centre social jeudi",
            "Aide pour les démarches en ligne, de 14 h à 17 h, sans rendez-vous. Apportez vos identifiants.",
            "2000",
            None,
        ),
        (
            "alert",
            "Coupure d'eau prévue mardi matin",
            "Travaux sur le réseau de 8 h à 12 h au nord du boulevard. Pensez à remplir quelques bouteilles.",
            "1000",
            None,
        ),
        (
            "event",
            "Atelier réparation de vélos",
            "Outils et conseils fournis, venez avec votre vélo. Place de la Fontaine-au-Roi.",
            "2000",
            Some((in_days(12), "10:00")),
        ),
    ];
    let now = time::OffsetDateTime::now_utc();
    for ((author, home), (kind, title, body, radius, event)) in authors.iter().zip(posts) {
        if !db.posts_of(*author, Page::new(1, 1)).await?.rows.is_empty() {
            continue;
        }
        let (event_date, event_time) = event.map(|(d, t)| (d, t.to_owned())).unwrap_or_default();
        let input = PostInput {
            kind: kind.into(),
            title: title.into(),
            body: body.into(),
            radius: radius.into(),
            event_date,
            event_time,
        };
        let post = NewPost::parse(&input, now).map_err(refused)?;
        db.post_to_board(&StoredPost {
            author_id: *author,
            kind: post.kind.key(),
            title: post.title.as_str(),
            body: &post.body,
            radius_m: post.radius_m,
            event_at: post.event_at,
            expires_at: post.expires_at,
            home_cell: home.cell(),
        })
        .await?;
    }
    Ok(())
}
