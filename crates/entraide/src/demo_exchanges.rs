//! Needs and offers of the demonstration neighbourhood: a few hundred, in
//! every category, one-off and weekly, some already answered, so that
//! browsing, searching and matching show a living quartier at once.

use entraide_core::exchange::{CATEGORIES, ExchangeInput, NewExchange, Place, format_date};
use entraide_core::geo::Point;
use entraide_core::lifecycle::Step;
use entraide_core::profile::{DAY_PARTS, SKILLS, WEEKDAYS};
use entraide_store::exchanges::Posting;
use entraide_store::notifications::NewNotification;
use entraide_store::participations::StepRequest;
use entraide_store::{Db, StoreError};
use rand::Rng as _;
use rand::rngs::StdRng;
use rand::seq::SliceRandom as _;

/// Needs and offers posted by demo members.
const EXCHANGES: usize = 300;

/// (category, need title, offer title, description).
pub(crate) const TEMPLATES: &[(&str, &str, &str, &str)] = &[
    (
        "small-jobs",
        "Fixer une étagère au mur",
        "Petits travaux de bricolage",
        "J'ai une perceuse, il manque quelqu'un qui sache s'en servir.",
    ),
    (
        "childcare",
        "Garde de mon fils mercredi après-midi",
        "Garde d'enfants après l'école",
        "Il a huit ans, il aime les jeux de société.",
    ),
    (
        "tutoring",
        "Soutien en maths pour une collégienne",
        "Aide aux devoirs en français",
        "Niveau quatrième, une heure par semaine.",
    ),
    (
        "workshops",
        "Atelier couture pour débutants",
        "J'anime un atelier de réparation de vélos",
        "Au local de l'association, matériel fourni.",
    ),
    (
        "errands",
        "Courses du samedi matin",
        "Je fais les courses pour un voisin",
        "Une liste courte, le marché de Belleville.",
    ),
    (
        "paperwork",
        "Aide pour un dossier de la CAF",
        "Aide aux démarches en ligne",
        "Je ne m'en sors pas avec le site internet.",
    ),
    (
        "visits",
        "Compagnie pour une dame âgée",
        "Visites de convivialité le mardi",
        "Elle aime parler du vieux Paris et des chansons d'autrefois.",
    ),
    (
        "transport",
        "Accompagnement à un rendez-vous médical",
        "J'accompagne à pied dans le quartier",
        "Rendez-vous à l'hôpital Saint-Louis, à pied.",
    ),
    (
        "moving",
        "Porter des cartons au troisième étage",
        "Coup de main pour un déménagement",
        "Sans ascenseur, une vingtaine de cartons.",
    ),
    (
        "gardening",
        "Tailler les rosiers de la cour",
        "Jardinage au jardin partagé",
        "Outils sur place.",
    ),
    (
        "cooking",
        "Apprendre à cuisiner des plats simples",
        "Cuisine en commun le dimanche",
        "Pour manger mieux avec un petit budget.",
    ),
    (
        "translation",
        "Traduction d'un courrier en arabe",
        "Interprète en langue des signes",
        "Une lettre du bailleur à comprendre.",
    ),
    (
        "other",
        "Promener mon chien pendant une semaine",
        "Je prête ma perceuse et mon escabeau",
        "Contre un café, si vous voulez.",
    ),
];

pub(crate) fn input(
    rng: &mut StdRng,
    kind: &str,
    template: &(&str, &str, &str, &str),
    today: time::Date,
) -> ExchangeInput {
    let (category, need, offer, description) = template;
    let weekly = rng.gen_bool(0.3);
    let skill_count = rng.gen_range(0..3);
    let day = today + time::Duration::days(rng.gen_range(1..40));
    let start = rng.gen_range(8..19);
    let slots = (0..rng.gen_range(1..4))
        .map(|_| {
            let d = WEEKDAYS[rng.gen_range(0..WEEKDAYS.len())];
            let p = DAY_PARTS[rng.gen_range(0..DAY_PARTS.len())];
            format!("{d}-{p}")
        })
        .collect();
    ExchangeInput {
        kind: kind.to_owned(),
        category: (*category).to_owned(),
        title: if kind == "need" { *need } else { *offer }.to_owned(),
        description: (*description).to_owned(),
        schedule: if weekly { "weekly" } else { "once" }.to_owned(),
        date: format_date(day),
        from: format!("{start:02}:00"),
        to: format!("{:02}:00", start + rng.gen_range(1..4)),
        slots,
        starts: format_date(today),
        ends: if weekly {
            format_date(today + time::Duration::days(120))
        } else {
            String::new()
        },
        skills: SKILLS
            .choose_multiple(rng, skill_count)
            .map(|s| (*s).to_owned())
            .collect(),
        languages: if rng.gen_bool(0.1) {
            vec!["ar".to_owned()]
        } else {
            Vec::new()
        },
        helpers_wanted: rng.gen_range(1..3).to_string(),
        urgency: ["low", "normal", "normal", "urgent"][rng.gen_range(0..4)].to_owned(),
    }
}

pub(crate) async fn post(
    db: &Db,
    owner: i64,
    at: Point,
    input: &ExchangeInput,
    today: time::Date,
) -> Result<i64, StoreError> {
    // The templates are valid by construction; a refusal would be a bug here.
    let exchange = NewExchange::parse(input, today)
        .map_err(|errors| StoreError::InvalidUrl(format!("demo exchange refused: {errors:?}")))?;
    let place = Place {
        point: at,
        label: None,
    };
    db.post_exchange(&Posting {
        exchange: &exchange,
        place: &place,
        owner_id: owner,
        posted_by: None,
        org_id: None,
    })
    .await
}

/// Posts the demo needs and offers; `odette` (the demo neighbour) gets a
/// visit need of her own that the demo volunteer already accepted.
pub async fn seed(
    db: &Db,
    rng: &mut StdRng,
    people: &[(i64, Point)],
    odette: Option<(i64, Point)>,
    volunteer: i64,
) -> Result<(), StoreError> {
    let today = time::OffsetDateTime::now_utc().date();
    let mut posted = Vec::new();
    for n in 0..EXCHANGES.min(people.len()) {
        let (owner, at) = people[rng.gen_range(0..people.len())];
        let template = &TEMPLATES[n % TEMPLATES.len()];
        debug_assert!(CATEGORIES.contains(&template.0));
        let kind = if rng.gen_bool(0.6) { "need" } else { "offer" };
        let id = post(db, owner, at, &input(rng, kind, template, today), today).await?;
        posted.push((id, owner));
    }
    // A few answers, so lists show exchanges at every stage.
    for (id, owner) in posted.iter().step_by(7) {
        let (helper, _) = people[rng.gen_range(0..people.len())];
        if helper == *owner {
            continue;
        }
        let request = |step, user, actor| StepRequest {
            exchange_id: *id,
            user_id: user,
            step,
            actor_id: actor,
            acting_for_owner: false,
            message: "Je peux passer dans la semaine.",
        };
        db.apply_step(&request(Step::Respond, helper, helper))
            .await?;
        if rng.gen_bool(0.5) {
            db.apply_step(&request(Step::Choose, helper, *owner))
                .await?;
        }
    }
    if let Some((odette, at)) = odette {
        let visit = ExchangeInput {
            schedule: "weekly".into(),
            slots: vec!["tue-afternoon".into()],
            ..input(rng, "need", &TEMPLATES[6], today)
        };
        let id = post(db, odette, at, &visit, today).await?;
        let invite = StepRequest {
            exchange_id: id,
            user_id: volunteer,
            step: Step::Invite,
            actor_id: odette,
            acting_for_owner: false,
            message: "",
        };
        db.apply_step(&invite).await?;
        db.apply_step(&StepRequest {
            step: Step::AcceptInvitation,
            actor_id: volunteer,
            ..invite
        })
        .await?;
        // What the pages would have notified, so both centres show it.
        let link = format!("/exchanges/{id}");
        let told = |kind, actor| NewNotification {
            kind,
            actor_id: Some(actor),
            subject: &visit.title,
            link: &link,
            dedup: None,
            collapse: false,
        };
        db.notify(&[volunteer], &told("invited", odette)).await?;
        db.notify(&[odette], &told("response", volunteer)).await?;
        let errands = input(rng, "need", &TEMPLATES[4], today);
        post(db, odette, at, &errands, today).await?;
    }
    Ok(())
}
