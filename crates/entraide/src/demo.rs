//! A realistic demonstration neighbourhood around rue Jean-Pierre Timbaud
//! (Paris 11e): about 2,000 members, associations, a CCAS with social
//! workers and a works council. Seeding is idempotent and reproducible.

use entraide_core::credentials::hash_secret;
use entraide_core::geo::Point;
use entraide_core::profile::{INTERESTS, LANGUAGES, SKILLS};
use entraide_store::seed::SeedPerson;
use entraide_store::{Db, StoreError};
use indicatif::{ProgressBar, ProgressStyle};
use rand::rngs::StdRng;
use rand::seq::SliceRandom as _;
use rand::{Rng as _, SeedableRng as _};

pub const MEMBERS: usize = 2_000;
pub const PASSWORD: &str = "entraide-demo";
pub const PIN_LOGIN: &str = "momo-1953";
pub const PIN: &str = "246810";
const DOMAIN: &str = "demo.entraide.test";
const ADMIN_EMAIL: &str = "admin@demo.entraide.test";
/// Rue Jean-Pierre Timbaud, near the Maison des Métallos.
const CENTRE: (f64, f64) = (48.8668, 2.3745);

const FIRST: &[&str] = &[
    "Léa", "Karim", "Fatou", "Jean", "Mireille", "Yasmine", "Paul", "Aïcha", "Thomas", "Nadia",
    "Lucien", "Inès", "Mamadou", "Chloé", "Hugo", "Samira", "Gérard", "Amina", "Louis", "Emma",
    "Moussa", "Jeanne", "Nicolas", "Leïla", "Bernard", "Sofia", "Omar", "Camille", "Yvonne",
    "Mehdi", "Lina", "Pierre", "Awa", "Simone", "Julien", "Hanna", "Wei", "Mei", "Ioana", "Olena",
    "Tiago", "Giulia", "Youssef", "Rose", "Marcel", "Zoé", "Ibrahim", "Colette",
];
const LAST: &[&str] = &[
    "Martin", "Benali", "Diallo", "Dupont", "Nguyen", "Moreau", "Haddad", "Traoré", "Lefèvre",
    "Cohen", "Garcia", "Petit", "Rossi", "Bernard", "Kaya", "Chen", "Durand", "Mendes", "Popescu",
    "Roux", "Sow", "Fontaine", "Mercier",
];
const BIOS: &[&str] = &[
    "Retraitée du quartier, j'aime raconter le Paris d'avant.",
    "Étudiant, disponible le soir pour du soutien scolaire.",
    "Bricoleur du dimanche, j'ai une perceuse à prêter.",
    "Maman de deux enfants, je cherche des voisins pour des gardes partagées.",
    "Ancien ouvrier des ateliers Oberkampf, passionné d'histoire locale.",
    "Je parle arabe et français, je peux aider pour les papiers.",
    "Jardinière au jardin partagé, je donne des boutures.",
    "",
];

/// The people to print at the end so a newcomer can sign in.
pub fn logins() -> String {
    format!(
        "Demo sign-ins (password \"{PASSWORD}\"):\n  \
         platform admin     {ADMIN_EMAIL}\n  \
         social worker      travailleuse.sociale@{DOMAIN}\n  \
         coordinator        coordination@{DOMAIN}\n  \
         volunteer          benevole@{DOMAIN}\n  \
         neighbour          voisine@{DOMAIN}\n  \
         PIN account        login {PIN_LOGIN}, PIN {PIN} (at /login/pin)"
    )
}

fn near_centre(rng: &mut StdRng) -> (f64, f64, i64) {
    // The sum of two uniforms crowds people towards the centre, as a real quartier does.
    let spread = |rng: &mut StdRng, width: f64| {
        (rng.gen_range(-width..width) + rng.gen_range(-width..width)) / 2.0
    };
    let lat = CENTRE.0 + spread(rng, 0.009);
    let lng = CENTRE.1 + spread(rng, 0.013);
    let cell = Point { lat, lng }.cell();
    (lat, lng, cell)
}

fn pick<'a>(rng: &mut StdRng, from: &[&'a str], most: usize) -> Vec<&'a str> {
    let count = rng.gen_range(0..=most);
    from.choose_multiple(rng, count).copied().collect()
}

fn staff(email: &str, name: &str, hash: &str, rng: &mut StdRng) -> SeedPerson {
    SeedPerson {
        email: Some(email.to_owned()),
        password_hash: Some(hash.to_owned()),
        display_name: name.to_owned(),
        locale: "fr".into(),
        visibility: "organisations".into(),
        email_verified: true,
        home: Some(near_centre(rng)),
        ..SeedPerson::default()
    }
}

/// Seeds the neighbourhood unless it is already there. Returns whether it seeded.
pub async fn seed(db: &Db, progress: bool) -> Result<bool, StoreError> {
    match db.user_by_email(ADMIN_EMAIL).await {
        Ok(_) => return Ok(false),
        Err(StoreError::NotFound) => {}
        Err(other) => return Err(other),
    }
    let mut rng = StdRng::seed_from_u64(11);
    let hash = hash_secret(PASSWORD).map_err(|e| StoreError::InvalidUrl(e.to_string()))?;
    let pin_hash = hash_secret(PIN).map_err(|e| StoreError::InvalidUrl(e.to_string()))?;

    let mut admin = staff(ADMIN_EMAIL, "Administration Entraide", &hash, &mut rng);
    admin.platform_admin = true;
    let ids = db.seed_people(&[admin]).await?;
    let admin_id = ids[0];
    let org = |name: &'static str, kind: &'static str, about: &'static str| (name, kind, about);
    let orgs = [
        org(
            "CCAS Paris 11e",
            "social_service",
            "Centre communal d'action sociale : accueil, domiciliation, accompagnement.",
        ),
        org(
            "Les Voisins de Timbaud",
            "association",
            "Entraide entre voisins autour de la rue Jean-Pierre Timbaud.",
        ),
        org(
            "Jeunes et Anciens du 11e",
            "association",
            "Des jeunes visiteurs pour des personnes âgées isolées, près de chez elles.",
        ),
        org(
            "CSE Ateliers Oberkampf",
            "works_council",
            "Le comité social et économique des salariés des ateliers.",
        ),
        org(
            "Jardin partagé Saint-Maur",
            "collective",
            "Un jardin, des outils et des semis partagés.",
        ),
    ];
    let mut org_ids = Vec::new();
    for (name, kind, about) in orgs {
        org_ids.push(db.create_organisation(name, kind, about, admin_id).await?);
    }
    let (ccas, voisins, visites, cse, jardin) =
        (org_ids[0], org_ids[1], org_ids[2], org_ids[3], org_ids[4]);

    let mut worker = staff(
        &format!("travailleuse.sociale@{DOMAIN}"),
        "Sophie Travailleuse sociale",
        &hash,
        &mut rng,
    );
    worker.memberships = vec![(ccas, "social_worker")];
    let mut worker2 = staff(
        &format!("assistant.social@{DOMAIN}"),
        "Rachid Assistant social",
        &hash,
        &mut rng,
    );
    worker2.memberships = vec![(ccas, "social_worker")];
    let mut coordinator = staff(
        &format!("coordination@{DOMAIN}"),
        "Claire Coordinatrice",
        &hash,
        &mut rng,
    );
    coordinator.memberships = vec![(visites, "coordinator"), (voisins, "coordinator")];
    let mut volunteer = staff(
        &format!("benevole@{DOMAIN}"),
        "Malik Bénévole",
        &hash,
        &mut rng,
    );
    volunteer.memberships = vec![(visites, "volunteer"), (voisins, "volunteer")];
    volunteer.tags = vec![
        ("skill", "diy".into()),
        ("skill", "digital-help".into()),
        ("interest", "memory".into()),
        ("language", "fr".into()),
        ("language", "ar".into()),
    ];
    volunteer.visibility = "neighbours".into();
    let mut neighbour = staff(
        &format!("voisine@{DOMAIN}"),
        "Odette Voisine",
        &hash,
        &mut rng,
    );
    neighbour.memberships = vec![(voisins, "member"), (jardin, "member")];
    neighbour.birth_year = Some(1941);
    neighbour.tags = vec![
        ("interest", "regional-culture".into()),
        ("interest", "memory".into()),
        ("language", "fr".into()),
    ];
    let neighbour_home = neighbour.home;
    let staff_ids = db
        .seed_people(&[worker, worker2, coordinator, volunteer, neighbour])
        .await?;
    let worker_id = staff_ids[0];
    let mut placed: Vec<(i64, Point)> = Vec::new();
    let mut programme_members: Vec<(i64, i64)> = Vec::new();

    let bar = if progress {
        ProgressBar::new(MEMBERS as u64)
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_message("Seeding the neighbourhood");
    let mut batch = Vec::new();
    for n in 0..MEMBERS {
        let first = FIRST[rng.gen_range(0..FIRST.len())];
        let last = LAST[rng.gen_range(0..LAST.len())];
        let accompanied = n % 60 == 0;
        let mut languages: Vec<&str> = vec!["fr"];
        languages.extend(pick(&mut rng, &LANGUAGES[1..], 2));
        let mut tags: Vec<(&'static str, String)> = Vec::new();
        tags.extend(
            pick(&mut rng, SKILLS, 4)
                .into_iter()
                .map(|s| ("skill", s.to_owned())),
        );
        tags.extend(
            pick(&mut rng, INTERESTS, 4)
                .into_iter()
                .map(|s| ("interest", s.to_owned())),
        );
        tags.extend(languages.into_iter().map(|s| ("language", s.to_owned())));
        let mut memberships = Vec::new();
        for (org, share) in [(voisins, 0.35), (visites, 0.12), (cse, 0.08), (jardin, 0.1)] {
            if rng.gen_bool(share) {
                memberships.push((
                    org,
                    if rng.gen_bool(0.15) {
                        "volunteer"
                    } else {
                        "member"
                    },
                ));
            }
        }
        if accompanied {
            memberships.push((ccas, "member"));
        }
        let login = if n == 0 {
            PIN_LOGIN.to_owned()
        } else {
            format!(
                "{}-{n:04}",
                entraide_core::credentials::Login::generate(first)
                    .as_str()
                    .split('-')
                    .next()
                    .unwrap_or("membre")
            )
        };
        batch.push(SeedPerson {
            email: (!accompanied).then(|| format!("{}.{}.{n}@{DOMAIN}", slug(first), slug(last))),
            password_hash: (!accompanied).then(|| hash.clone()),
            login: accompanied.then_some(login),
            pin_hash: accompanied.then(|| pin_hash.clone()),
            registered_by: accompanied.then_some(worker_id),
            registered_org: accompanied.then_some(ccas),
            display_name: if accompanied {
                first.to_owned()
            } else {
                format!("{first} {}.", last.chars().next().unwrap_or('X'))
            },
            bio: BIOS[rng.gen_range(0..BIOS.len())].to_owned(),
            locale: if rng.gen_bool(0.9) {
                "fr".into()
            } else {
                "en".into()
            },
            visibility: ["neighbours", "organisations", "organisations", "hidden"]
                [rng.gen_range(0..4)]
            .to_owned(),
            birth_year: Some(rng.gen_range(1935..2008)),
            home: Some(near_centre(&mut rng)),
            availability: rng.gen_range(0..(1_i64 << 21)),
            email_verified: !accompanied,
            tags,
            memberships,
            ..SeedPerson::default()
        });
        if batch.len() == 200 || n + 1 == MEMBERS {
            let ids = db.seed_people(&batch).await?;
            programme_members.extend(ids.iter().zip(&batch).filter_map(|(id, p)| {
                let member = p.memberships.iter().any(|(org, _)| *org == visites);
                member.then_some((*id, p.birth_year.unwrap_or(1980)))
            }));
            placed.extend(
                ids.into_iter()
                    .zip(&batch)
                    .filter_map(|(id, p)| p.home.map(|(lat, lng, _)| (id, Point { lat, lng }))),
            );
            bar.inc(batch.len() as u64);
            batch.clear();
        }
    }
    bar.finish_with_message("Neighbourhood seeded");
    let odette = neighbour_home.map(|(lat, lng, _)| (staff_ids[4], Point { lat, lng }));
    crate::demo_exchanges::seed(db, &mut rng, &placed, odette, staff_ids[3]).await?;
    let team = crate::demo_visits::Team {
        org: visites,
        coordinator: staff_ids[2],
        volunteer: staff_ids[3],
    };
    crate::demo_visits::seed(db, team, &programme_members).await?;
    let cast = crate::demo_conversations::Cast {
        odette: staff_ids[4],
        volunteer: staff_ids[3],
        coordinator: staff_ids[2],
        voisins,
    };
    crate::demo_conversations::seed(db, cast).await?;
    if let Some(odette) = odette {
        let cast = crate::demo_timebank::Cast {
            voisins,
            odette,
            volunteer: staff_ids[3],
            coordinator: staff_ids[2],
        };
        crate::demo_timebank::seed(db, &mut rng, cast).await?;
    }
    let authors: Vec<(i64, Point)> = odette
        .into_iter()
        .chain(placed.iter().copied().take(5))
        .collect();
    crate::demo_board::seed(db, &authors).await?;
    Ok(true)
}

/// Lower-case ASCII letters of a name, for demo email addresses.
fn slug(name: &str) -> String {
    entraide_core::credentials::Login::generate(name)
        .as_str()
        .split('-')
        .next()
        .unwrap_or("membre")
        .to_owned()
}
