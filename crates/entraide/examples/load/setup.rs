//! Signing the demo people in, and finding what the mix acts on: a
//! conversation for each and a time bank two of them share.

use serde_json::{Value, json};

use super::{Error, IDLE, TIMEOUT};

pub const PASSWORD: &str = "entraide-demo";
pub const PEOPLE: &[&str] = &[
    "admin@demo.entraide.test",
    "travailleuse.sociale@demo.entraide.test",
    "assistant.social@demo.entraide.test",
    "coordination@demo.entraide.test",
    "benevole@demo.entraide.test",
    "voisine@demo.entraide.test",
];

/// A signed-in demo person and what the mix needs to act as them.
pub struct Person {
    pub token: String,
    pub conversation: Option<i64>,
}

/// Two members of the same time bank who give each other a minute.
pub struct BankPair {
    pub org: i64,
    pub first: (usize, i64),
    pub second: (usize, i64),
}

pub struct Setup {
    pub base: String,
    pub client: reqwest::Client,
    pub people: Vec<Person>,
    pub bank: Option<BankPair>,
}

/// Refuses anything but a loopback address: this tool must never load
/// someone else's server.
pub fn loopback_base(raw: &str) -> Result<String, Error> {
    let url = url::Url::parse(raw)?;
    let loopback = match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(name)) => name == "localhost",
        None => false,
    };
    if !loopback || url.scheme() != "http" {
        return Err(format!("--base must be http:// on loopback, not {raw}").into());
    }
    Ok(raw.trim_end_matches('/').to_owned())
}

pub async fn expect_json(reply: reqwest::Response, what: &str) -> Result<Value, Error> {
    let status = reply.status();
    if !status.is_success() {
        return Err(format!("{what}: status {status}").into());
    }
    Ok(reply.json().await?)
}

/// Signs the demo people in and finds a conversation for each and a time
/// bank two of them share.
pub async fn setup(base: String) -> Result<Setup, Error> {
    let client = reqwest::Client::builder()
        .timeout(TIMEOUT)
        .pool_max_idle_per_host(256)
        // The server closes a keep-alive connection left idle for its header
        // deadline (10 s by default). A pooled connection picked up just as
        // the server closes it fails the request as a transport error, so
        // the generator lets idle connections go well before that, as
        // browsers do.
        .pool_idle_timeout(IDLE)
        .build()?;
    let mut people = Vec::new();
    let mut ids = Vec::new();
    for email in PEOPLE {
        let reply = client
            .post(format!("{base}/api/v1/login"))
            .json(&json!({"email": email, "password": PASSWORD}))
            .send()
            .await?;
        let Ok(body) = expect_json(reply, &format!("sign-in of {email}")).await else {
            eprintln!("skipping {email}: sign-in refused (demo data missing?)");
            continue;
        };
        let token = body["token"]
            .as_str()
            .ok_or("no token in sign-in")?
            .to_owned();
        let me = expect_json(
            client
                .get(format!("{base}/api/v1/me"))
                .bearer_auth(&token)
                .send()
                .await?,
            "me",
        )
        .await?;
        ids.push(me["profile"]["id"].as_i64().ok_or("no id in /me")?);
        people.push(Person {
            token,
            conversation: None,
        });
    }
    if people.len() < 2 {
        return Err("fewer than two demo people could sign in; run `entraide demo` first".into());
    }
    // Each person talks with the next one they may reach (profiles are not
    // all visible to everyone), so every message has a reader.
    for i in 0..people.len() {
        for step in 1..ids.len() {
            let other = ids[(i + step) % ids.len()];
            let reply = client
                .post(format!("{base}/api/v1/people/{other}/conversation"))
                .bearer_auth(&people[i].token)
                .send()
                .await?;
            if let Ok(body) = expect_json(reply, "open conversation").await {
                people[i].conversation = body["id"].as_i64();
                break;
            }
        }
        if people[i].conversation.is_none() {
            eprintln!(
                "{}: nobody to write to; lists conversations instead",
                PEOPLE[i]
            );
        }
    }
    let bank = find_bank(&client, &base, &people, &ids).await?;
    if bank.is_none() {
        eprintln!("no time bank shared by two demo people: gifts are left out of the mix");
    }
    Ok(Setup {
        base,
        client,
        people,
        bank,
    })
}

pub async fn find_bank(
    client: &reqwest::Client,
    base: &str,
    people: &[Person],
    ids: &[i64],
) -> Result<Option<BankPair>, Error> {
    let orgs = expect_json(
        client
            .get(format!("{base}/api/v1/orgs"))
            .bearer_auth(&people[0].token)
            .send()
            .await?,
        "organisations",
    )
    .await?;
    for org in orgs.as_array().into_iter().flatten() {
        let Some(org) = org["id"].as_i64() else {
            continue;
        };
        let mut members = Vec::new();
        for (i, person) in people.iter().enumerate() {
            let reply = client
                .get(format!("{base}/api/v1/orgs/{org}/timebank"))
                .bearer_auth(&person.token)
                .send()
                .await?;
            if reply.status().is_success() {
                members.push((i, ids[i]));
            }
        }
        if let [first, second, ..] = members[..] {
            return Ok(Some(BankPair { org, first, second }));
        }
    }
    Ok(None)
}
