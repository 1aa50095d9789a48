//! The policy table: for every route and method of the router, who may use it.

/// A set of roles of the world, as bits.
pub type Roles = u16;

pub const ANONYMOUS: Roles = 1;
pub const OUTSIDER: Roles = 1 << 1;
pub const MEMBER: Roles = 1 << 2;
pub const VOLUNTEER: Roles = 1 << 3;
pub const COORDINATOR: Roles = 1 << 4;
pub const SOCIAL_WORKER: Roles = 1 << 5;
pub const ADMIN: Roles = 1 << 6;
pub const PLATFORM: Roles = 1 << 7;
/// The person the route's resource belongs to (see `World::owner_of`);
/// every owner of the world is a plain member of the organisation.
pub const OWNER: Roles = 1 << 8;
/// The administrator of another organisation: every power there, none
/// here. Not one of the brief's roles, added to catch one organisation's
/// staff reaching into another's.
pub const ELSEWHERE: Roles = 1 << 9;

/// Every role, in the order they are tried: the refused ones first, then the
/// allowed ones in this order (the owner first: acting on one's own thing is
/// the plainest case, and the platform administrator last).
pub const ALL: [(Roles, &str); 10] = [
    (OWNER, "owner"),
    (MEMBER, "member"),
    (VOLUNTEER, "volunteer"),
    (COORDINATOR, "coordinator"),
    (SOCIAL_WORKER, "social_worker"),
    (ADMIN, "admin"),
    (OUTSIDER, "outsider"),
    (ELSEWHERE, "elsewhere"),
    (ANONYMOUS, "anonymous"),
    (PLATFORM, "platform"),
];

pub const NOBODY: Roles = 0;
pub const ANYONE: Roles = 0x3ff;
pub const SIGNED_IN: Roles = ANYONE & !ANONYMOUS;
/// Members of the organisation, whatever their role, and the platform.
pub const ORG_MEMBERS: Roles = MEMBER | VOLUNTEER | COORDINATOR | SOCIAL_WORKER | ADMIN | PLATFORM;
/// Members without the platform administrator (things one does as a member).
pub const ORG_PEOPLE: Roles = MEMBER | VOLUNTEER | COORDINATOR | SOCIAL_WORKER | ADMIN | OWNER;
/// Those in the team's conversation (every role but plain members).
pub const TEAM: Roles = VOLUNTEER | COORDINATOR | SOCIAL_WORKER | ADMIN;
/// Those who accompany and act for people (`ActForPeople`), and the platform.
pub const ORG_STAFF: Roles = COORDINATOR | SOCIAL_WORKER | ADMIN | PLATFORM;
/// Staff acting for a person without the platform: the safe's write side.
pub const ACCOMPANIERS: Roles = COORDINATOR | SOCIAL_WORKER | ADMIN;
pub const COORDINATORS: Roles = COORDINATOR | ADMIN | PLATFORM;
pub const ORG_ADMINS: Roles = ADMIN | PLATFORM;
/// The administrator of any organisation: queues filtered to their own
/// organisations (checked in `filtered.rs`).
pub const ANY_ORG_ADMIN: Roles = ADMIN | PLATFORM | ELSEWHERE;
pub const ONLY_PLATFORM: Roles = PLATFORM;
pub const ONLY_OWNER: Roles = OWNER;

/// How a route is checked besides its roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// Signed in or not, the roles of the table decide.
    Roles,
    /// Operational (health, metrics, static files, the API description):
    /// open to anyone, checked only for being reachable.
    Operational,
    /// A provider webhook checked by its signature: an unsigned request is
    /// refused for everyone, signed in or not.
    Signed,
    /// A capability address (a tag or token in the path or the query):
    /// without the right one, refused for everyone.
    Capability,
}

/// A policy whose method is this one covers every method of its path.
pub const ANY_METHOD: &str = "*";

pub struct Policy {
    pub method: &'static str,
    pub path: &'static str,
    pub roles: Roles,
    pub class: Class,
}

pub const fn p(method: &'static str, path: &'static str, roles: Roles) -> Policy {
    Policy {
        method,
        path,
        roles,
        class: Class::Roles,
    }
}

const fn ops(path: &'static str) -> Policy {
    Policy {
        method: "GET",
        path,
        roles: ANYONE,
        class: Class::Operational,
    }
}

/// Any method: the signature check is a `route_layer`, which answers before
/// axum's 405, so every method of a signed webhook is refused unsigned.
const fn signed(path: &'static str) -> Policy {
    Policy {
        method: ANY_METHOD,
        path,
        roles: NOBODY,
        class: Class::Signed,
    }
}

const fn capability(method: &'static str, path: &'static str) -> Policy {
    Policy {
        method,
        path,
        roles: NOBODY,
        class: Class::Capability,
    }
}

/// Routes that act on the actor themselves (sign out, delete the account,
/// join with an invitation, hand the account over): the allowed attempt is
/// made by a fresh person with the same role, so the world's people stay as
/// they are for every other route.
pub const FRESH_ACTOR: &[&str] = &[
    "/logout",
    "/me/delete",
    "/me/delete/cancel",
    "/api/v1/me",
    "/api/v1/me/restore",
    "/join/{token}",
    // Applying to visit: the world's people stay out of the programme, so
    // that only the applicants of the world may leave it.
    "/programmes/{id}/join",
    "/api/v1/programmes/{id}/join",
    "/api/v1/invitations/{token}/accept",
];

/// Routes that take away something other routes need (the safe's share and
/// consent, the voice box): tried after every other route.
pub const LAST: &[&str] = &[
    "/safe/shares/{id}/revoke",
    "/api/v1/me/safe/shares/{id}",
    "/safe/consents/{org}",
    "/api/v1/me/accompaniments/{org}",
    "/people/{id}/phone/close",
    "/api/v1/people/{id}/voicebox",
];

pub static TABLE: &[Policy] = &[
    // Operational and public pages.
    ops("/healthz"),
    ops("/metrics"),
    ops("/favicon.ico"),
    ops("/static/app.js"),
    ops("/static/neighbourhood.js"),
    ops("/static/style.css"),
    ops("/static/vendor/leaflet/images/{name}"),
    ops("/static/vendor/leaflet/leaflet.css"),
    ops("/static/vendor/leaflet/leaflet.js"),
    ops("/api/openapi.json"),
    ops("/api/docs"),
    // The nest's own entry: only the API's fallback answers there.
    p("GET", "/api", NOBODY),
    p("POST", "/api", NOBODY),
    p("PUT", "/api", NOBODY),
    p("PATCH", "/api", NOBODY),
    p("DELETE", "/api", NOBODY),
    p("GET", "/", ANYONE),
    p("GET", "/lang/{code}", ANYONE),
    p("GET", "/signup", ANYONE),
    p("POST", "/signup", ANYONE),
    p("GET", "/login", ANYONE),
    p("POST", "/login", ANYONE),
    p("GET", "/login/pin", ANYONE),
    p("POST", "/login/pin", ANYONE),
    p("POST", "/logout", ANYONE),
    capability("GET", "/verify"),
    p("POST", "/verify/resend", SIGNED_IN),
    p("GET", "/password/forgot", ANYONE),
    p("POST", "/password/forgot", ANYONE),
    p("GET", "/password/reset", ANYONE),
    p("POST", "/password/reset", ANYONE),
    capability("GET", "/unsubscribe"),
    capability("POST", "/unsubscribe"),
    p("POST", "/api/v1/signup", ANYONE),
    p("POST", "/api/v1/login", ANYONE),
    p("POST", "/api/v1/login/pin", ANYONE),
    p("POST", "/api/v1/password/forgot", ANYONE),
    p("POST", "/api/v1/password/reset", ANYONE),
    capability("POST", "/api/v1/verify"),
    // Provider webhooks and capability addresses.
    signed("/telephony/{org}/voice"),
    signed("/telephony/{org}/deposit"),
    signed("/telephony/{org}/recorded"),
    signed("/telephony/{org}/recording"),
    signed("/telephony/{org}/access/box"),
    signed("/telephony/{org}/access/pin"),
    signed("/telephony/{org}/access/menu"),
    signed("/telephony/{org}/access/key"),
    capability("GET", "/telephony/{org}/audio/{message}"),
    capability("GET", "/contact/{id}/{tag}"),
    capability("GET", "/s/{token}"),
    capability("POST", "/s/{token}"),
];
