//! The mix of reads and writes, and how each answer is judged.

use serde_json::{Value, json};

use super::setup::Setup;

pub const SEARCHES: &[&str] = &[
    "",
    "?kind=need",
    "?kind=offer",
    "?q=courses",
    "?q=bricolage&sort=relevance",
    "?category=tutoring",
    "?radius=1000&sort=date",
    "?page=2",
];

/// What one scheduled slot of the mix does.
#[derive(Clone, Copy)]
pub enum Action {
    Home,
    Me,
    Search,
    Notifications,
    Conversations,
    Counts,
    Neighbourhood,
    Message,
    Need,
    ReadAll,
    Gift,
}

pub fn pick(roll: u32) -> Action {
    match roll {
        0..15 => Action::Home,
        15..30 => Action::Me,
        30..50 => Action::Search,
        50..60 => Action::Notifications,
        60..70 => Action::Conversations,
        70..75 => Action::Counts,
        75..80 => Action::Neighbourhood,
        80..88 => Action::Message,
        88..92 => Action::Need,
        92..96 => Action::ReadAll,
        _ => Action::Gift,
    }
}

/// How one request ended.
pub enum Outcome {
    Ok,
    Refused,
    Failed(String),
}

pub fn kind_of(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "timeout".into()
    } else if e.is_connect() {
        "connect".into()
    } else {
        "transport".into()
    }
}

pub async fn check(
    request: reqwest::RequestBuilder,
    what: &str,
    refusable: bool,
) -> (Outcome, Option<Value>) {
    match request.send().await {
        Err(e) => (Outcome::Failed(format!("{what}-{}", kind_of(&e))), None),
        Ok(reply) => {
            let status = reply.status();
            if status.is_success() {
                // Read the whole body: the cost of an answer includes sending it.
                match reply.bytes().await {
                    Ok(bytes) => (Outcome::Ok, serde_json::from_slice(&bytes).ok()),
                    Err(e) => (Outcome::Failed(format!("{what}-{}", kind_of(&e))), None),
                }
            } else if refusable && status.as_u16() == 409 {
                (Outcome::Refused, None)
            } else {
                (Outcome::Failed(format!("{what}-{}", status.as_u16())), None)
            }
        }
    }
}

/// Runs one action; a need counts as two requests (create, cancel).
pub async fn act(setup: &Setup, action: Action, n: u64) -> Vec<Outcome> {
    let (base, client) = (&setup.base, &setup.client);
    let who = (n as usize) % setup.people.len();
    let person = &setup.people[who];
    let get = |path: &str| {
        client
            .get(format!("{base}{path}"))
            .bearer_auth(&person.token)
    };
    let post = |path: &str| {
        client
            .post(format!("{base}{path}"))
            .bearer_auth(&person.token)
    };
    let one = |(outcome, _): (Outcome, Option<Value>)| vec![outcome];
    match action {
        Action::Home => one(check(client.get(format!("{base}/")), "home", false).await),
        Action::Me => one(check(get("/api/v1/me"), "me", false).await),
        Action::Search => {
            let filter = SEARCHES[(n as usize / 7) % SEARCHES.len()];
            one(check(get(&format!("/api/v1/exchanges{filter}")), "search", false).await)
        }
        Action::Notifications => {
            one(check(get("/api/v1/me/notifications"), "notifications", false).await)
        }
        Action::Conversations => {
            one(check(get("/api/v1/conversations"), "conversations", false).await)
        }
        Action::Counts => one(check(get("/api/v1/me/counts"), "counts", false).await),
        Action::Neighbourhood => {
            one(check(get("/api/v1/neighbourhood"), "neighbourhood", false).await)
        }
        Action::ReadAll => {
            one(check(post("/api/v1/me/notifications/read-all"), "read-all", false).await)
        }
        Action::Message => match person.conversation {
            Some(id) => one(check(
                post(&format!("/api/v1/conversations/{id}/messages"))
                    .json(&json!({"body": format!("Message de charge n°{n}")})),
                "message",
                false,
            )
            .await),
            None => one(check(get("/api/v1/conversations"), "conversations", false).await),
        },
        Action::Need => {
            let date = time::OffsetDateTime::now_utc().date() + time::Duration::days(7);
            let body = json!({
                "kind": "need", "category": "small-jobs",
                "title": format!("Aide pour monter une étagère ({n})"),
                "description": "Une étagère à fixer au mur, une heure environ.",
                "schedule": "once", "date": date.to_string(), "from": "10:00", "to": "11:00",
                "helpers_wanted": "1", "urgency": "normal",
            });
            let (created, detail) =
                check(post("/api/v1/exchanges").json(&body), "need", false).await;
            let Some(id) = detail.as_ref().and_then(|d| d["id"].as_i64()) else {
                return vec![created];
            };
            let (closed, _) = check(
                post(&format!("/api/v1/exchanges/{id}/close")).json(&json!({"step": "cancel"})),
                "need-cancel",
                false,
            )
            .await;
            vec![created, closed]
        }
        Action::Gift => match &setup.bank {
            Some(bank) => {
                // Alternate the direction so both balances stay near zero.
                let (from, to) = if (n / 100).is_multiple_of(2) {
                    (bank.first, bank.second)
                } else {
                    (bank.second, bank.first)
                };
                let body = json!({"recipient": to.1, "hours": "0", "minutes": "1",
                    "why": "Charge : une minute", "key": format!("load-{}-{n}", std::process::id())});
                one(check(
                    client
                        .post(format!(
                            "{base}/api/v1/orgs/{}/timebank/transfers",
                            bank.org
                        ))
                        .bearer_auth(&setup.people[from.0].token)
                        .json(&body),
                    "gift",
                    true,
                )
                .await)
            }
            None => one(check(get("/api/v1/me"), "me", false).await),
        },
    }
}
