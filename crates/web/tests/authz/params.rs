//! From a route's pattern to a request in the world: the path parameters
//! (the same name means different things under different prefixes), the
//! route's owner, and a plausible body.

use serde_json::{Value, json};

use crate::world::World;

/// The first segments of `pattern` that decide what `{id}` means.
fn prefix(pattern: &str) -> String {
    let mut parts = pattern.trim_start_matches("/api/v1").split('/').skip(1);
    let first = parts.next().unwrap_or("");
    match first {
        "safe" | "me" | "voicemail" => format!("{first}/{}", parts.next().unwrap_or("")),
        _ => first.to_owned(),
    }
}

fn is_api(pattern: &str) -> bool {
    pattern.starts_with("/api/")
}

/// Which of a kept resource's three copies a route uses: the page and the
/// API each delete their own, so that neither finds the other's gone.
fn copy(method: &str, pattern: &str) -> usize {
    let deleting = method == "DELETE"
        || pattern.ends_with("/delete")
        || pattern.ends_with("/revoke")
        || pattern.ends_with("/retry")
        || pattern.ends_with("/end");
    match (deleting, is_api(pattern)) {
        (false, _) => 0,
        (true, false) => 1,
        (true, true) => 2,
    }
}

/// The value of parameter `name` in route `pattern`.
fn value(w: &World, method: &str, pattern: &str, name: &str) -> String {
    let api = is_api(pattern);
    let pick = |page: i64, api_one: i64| if api { api_one } else { page };
    let which = copy(method, pattern);
    let here = prefix(pattern);
    let number = match (name, here.as_str()) {
        ("org", _) => w.org,
        ("id", "orgs") => w.org,
        ("user", "orgs") => pick(w.targets.0, w.targets.1),
        ("user", "programmes") if pattern.contains("/vet") => {
            pick(w.applicants[0].0, w.applicants[1].0)
        }
        ("user", "programmes") => w.momo.0,
        ("transfer", _) => w.transfer,
        ("invitation", _) => w.invitation,
        ("number", _) => w.free_number,
        ("id", "people") if pattern == "/api/v1/people/{id}/voicebox" => w.nour.0,
        ("id", "people")
            if pattern.contains("/safe")
                || pattern.contains("/phone")
                || pattern.contains("/voicebox") =>
        {
            w.momo.0
        }
        ("id", "people") | ("id", "contact") => w.olive.0,
        ("id", "exchanges") if pattern.contains("endorsements") || pattern.contains("claims") => {
            w.done_need
        }
        ("id", "exchanges") => w.open_need,
        ("helper", _) => w.karim.0,
        ("skill", _) => return "diy".to_owned(),
        ("id", "claims") => w.claim,
        ("id", "neighbourhood") => w.posts[which],
        ("id", "conversations") => w.conversation,
        ("message", "telephony") => w.voice_messages[0],
        ("message", _) => w.karims_message,
        ("id", "messages") | ("id", "moderation") => w.team_message,
        ("id", "programmes") => w.programme,
        ("id", "pairings") => w.pairings[which],
        ("id", "notifications") | ("id", "me/notifications") => w.notification,
        ("id", "me/tokens") => pick(w.tokens.0, w.tokens.1),
        ("id", "admin") => w.dead_jobs[which],
        ("owner", _) => w.momo.0,
        ("id", "safe/documents") | ("id", "documents") if pattern.contains("{link}") => {
            w.documents[0]
        }
        ("id", "safe/documents") | ("id", "documents") => w.documents[which],
        ("link", _) => w.links[which],
        ("id", "safe/folders") => w.folder,
        ("id", "safe/notes") | ("id", "notes") => w.notes[which],
        ("id", "safe/shares") | ("id", "me/safe") => w.shares[which],
        ("id", "voicemail/messages") | ("id", "me/voicemail") => w.voice_messages[which],
        ("act", _) => return "save".to_owned(),
        ("token", "join") | ("token", "invitations") => return w.invitation_token.clone(),
        ("token", "s") | ("tag", _) => return "not-a-real-capability".to_owned(),
        ("code", _) => return "fr".to_owned(),
        ("name", _) => return "marker-icon.png".to_owned(),
        _ => panic!("no value for {{{name}}} in {pattern}: add it to authz/params.rs"),
    };
    number.to_string()
}

/// `pattern` with each `{param}` replaced by a resource of the world.
pub fn path(w: &World, method: &str, pattern: &str) -> String {
    let mut out = String::new();
    for segment in pattern.split('/').skip(1) {
        out.push('/');
        match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(name) => out.push_str(&value(w, method, pattern, name)),
            None => out.push_str(segment),
        }
    }
    if out.is_empty() {
        return "/".to_owned();
    }
    if pattern == "/telephony/{org}/audio/{message}" {
        // The provider's address carries a signed tag; this one is forged.
        out.push_str("?until=4102444800&tag=forged");
    }
    out
}

/// Yesterday, as `YYYY-MM-DD`, for visits logged.
fn yesterday() -> String {
    let day = time::OffsetDateTime::now_utc().date() - time::Duration::days(1);
    format!(
        "{:04}-{:02}-{:02}",
        day.year(),
        u8::from(day.month()),
        day.day()
    )
}

/// Routes that read a `multipart/form-data` body before anything else.
pub const MULTIPART: &[&str] = &[
    "/orgs/{id}/import",
    "/safe/{owner}/documents",
    "/api/v1/safe/{owner}/documents",
    "/me/photo",
];

const BOUNDARY: &str = "authz-boundary";

pub fn multipart_type() -> String {
    format!("multipart/form-data; boundary={BOUNDARY}")
}

/// A multipart body: a title, a type, then `bytes` as the file `field`.
pub fn multipart(field: &str, file_name: &str, bytes: &[u8]) -> Vec<u8> {
    let mut out = String::new();
    for (name, value) in [("title", "Attestation"), ("doc_type", "identity")] {
        out.push_str(&format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    }
    out.push_str(&format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{file_name}\"\r\n\r\n"
    ));
    let mut out = out.into_bytes();
    out.extend_from_slice(bytes);
    out.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    out
}

/// The multipart body a route reads: a PDF for the safe, a CSV to import.
pub fn multipart_body(pattern: &str) -> Vec<u8> {
    match pattern {
        "/me/photo" => multipart("photo", "me.png", b"not an image"),
        "/orgs/{id}/import" => multipart("file", "people.csv", b"display_name\nNour\n"),
        _ => multipart("file", "carte.pdf", b"%PDF-1.4\n% authz\n%%EOF\n"),
    }
}

/// The fields of a page's form, where an empty form would be refused as
/// invalid before anyone's rights are looked at.
pub fn form_body(w: &World, pattern: &str) -> Vec<(&'static str, String)> {
    match pattern {
        "/neighbourhood/posts/{id}/moderation" => vec![("action", "dismiss".into())],
        "/pairings/{id}/visits" => vec![("day", yesterday()), ("minutes", "60".into())],
        "/programmes/{id}/visited" => vec![("person_id", w.momo.0.to_string())],
        "/programmes/{id}/join" => vec![("charter_accepted", "true".into())],
        "/exchanges/{id}/close" => vec![("step", "cancel".into())],
        "/safe/notes/{id}/edit" => vec![("text", "Rendez-vous CAF mardi".into())],
        "/claims/{id}" => vec![("step", "confirm".into())],
        "/exchanges/{id}/endorsements/withdraw" => vec![
            ("helper", w.karim.0.to_string()),
            ("skill", "moving".into()),
        ],
        "/programmes/{id}/pairings" => vec![
            ("visitor_id", w.karim.0.to_string()),
            ("visited_id", w.momo.0.to_string()),
            ("slots", "tue-afternoon".into()),
        ],
        _ => Vec::new(),
    }
}

/// The person the route's resource belongs to, as (id, token); `None` when
/// the route acts on nobody in particular.
pub fn owner_of<'w>(w: &'w World, pattern: &str) -> Option<&'w (i64, String)> {
    let here = prefix(pattern);
    if pattern == "/api/v1/people/{id}/voicebox" {
        return Some(&w.nour);
    }
    if pattern.ends_with("/leave") {
        return Some(if is_api(pattern) {
            &w.applicants[1]
        } else {
            &w.applicants[0]
        });
    }
    let momos = pattern.contains("{owner}")
        || here.starts_with("safe/")
        || here == "documents"
        || here == "notes"
        || here == "me/safe"
        || here == "me/accompaniments"
        || here.starts_with("voicemail/")
        || here == "me/voicemail"
        || (here == "people"
            && (pattern.contains("/safe")
                || pattern.contains("/phone")
                || pattern.contains("/voicebox")));
    if momos {
        return Some(&w.momo);
    }
    match here.as_str() {
        "pairings" => Some(&w.karim),
        "people" | "exchanges" | "claims" | "neighbourhood" | "conversations" | "notifications"
        | "me/notifications" | "me/tokens" | "messages"
            if pattern.contains('{') =>
        {
            Some(&w.olive)
        }
        _ => None,
    }
}

/// A plausible JSON body for an API route, so that a refusal is not hidden
/// behind a validation error and an allowed request does little harm.
pub fn api_body(w: &World, method: &str, pattern: &str) -> Option<Value> {
    if method == "GET" {
        return None;
    }
    let body = match pattern {
        "/api/v1/orgs/{id}/members/{user}" if method == "PUT" => json!({"role": "volunteer"}),
        "/api/v1/orgs/{id}/invitations" => json!({"role": "member"}),
        "/api/v1/orgs/{id}/people" => json!({"display_name": "Nour"}),
        "/api/v1/orgs/{id}" => json!({"name": "Les Voisins", "kind": "association"}),
        "/api/v1/orgs/{id}/timebank" => {
            json!({"floor_hours": "10", "ceiling_hours": "100", "confirm_days": "7"})
        }
        "/api/v1/orgs/{id}/programmes" => {
            json!({"name": "Visites", "charter": "Je viens chaque semaine et je préviens."})
        }
        "/api/v1/moderation/messages/{id}/warn" => json!({"comment": "Attention"}),
        "/api/v1/moderation/messages/{id}/suspend" => json!({"days": "1"}),
        "/api/v1/messages/{id}/report" | "/api/v1/neighbourhood/posts/{id}/report" => {
            json!({"reason": "spam"})
        }
        "/api/v1/conversations/{id}/messages" | "/api/v1/neighbourhood/posts/{id}/comments" => {
            json!({"body": "Bonjour"})
        }
        "/api/v1/programmes/{id}/visited" => json!({"person_id": w.momo.0}),
        "/api/v1/programmes/{id}/join" => json!({"charter_accepted": true}),
        "/api/v1/neighbourhood/posts/{id}/moderation" => json!({"action": "dismiss"}),
        "/api/v1/claims/{id}" => json!({"step": "confirm"}),
        "/api/v1/exchanges/{id}/close" => json!({"step": "cancel"}),
        "/api/v1/notes/{id}" => json!({"text": "Rendez-vous CAF mardi"}),
        "/api/v1/orgs/{id}/telephony/numbers" => json!({"numbers": "+33184601299"}),
        "/api/v1/orgs/{id}/timebank/transfers" => {
            json!({"recipient": w.olive.0, "hours": "0", "minutes": "5", "why": "Merci", "key": "authz"})
        }
        "/api/v1/orgs/{id}/timebank/transfers/{transfer}/reverse" => {
            json!({"why": "Erreur de saisie"})
        }
        "/api/v1/pairings/{id}/visits" => json!({"day": yesterday(), "minutes": "60"}),
        "/api/v1/safe/{owner}/folders" => json!({"name": "Impôts"}),
        "/api/v1/me/accompaniments/{org}" => json!({"consent": true}),
        _ => json!({}),
    };
    Some(body)
}
