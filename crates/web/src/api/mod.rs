//! The JSON API under `/api/v1`, its OpenAPI description at
//! `/api/openapi.json` and a readable documentation page at `/api/docs`.

pub mod admin;
pub mod auth;
pub mod claims;
pub mod conversations;
mod errors_doc;
pub mod exchanges;
pub mod me;
pub mod moderation;
pub mod neighbourhood;
pub mod notifications;
pub mod orgs;
pub mod recognition;
pub mod safe;
pub mod safe_notes;
pub mod telephony;
pub mod thanks;
pub mod timebank;
pub mod visits;

use askama::Template;
use askama_web::WebTemplate;
use axum::Json;
use axum::Router;
use axum::routing::{delete, get, post, put};
use utoipa::OpenApi;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};

use crate::auth::Ctx;
use crate::pages::layout::Base;
use crate::state::AppState;
use errors_doc::CommonErrors;

#[derive(OpenApi)]
#[openapi(
    info(title = "Entraide API", description = "Neighbours helping neighbours. Authenticate with `Authorization: Bearer <token>`; errors are `{\"error\": {\"code\", \"message\", \"fields\"}}`."),
    paths(
        auth::signup, auth::login, auth::pin_login, auth::forgot, auth::reset, auth::verify,
        me::me, me::update_profile, me::set_location, me::clear_location, me::tokens, me::create_token, me::revoke_token,
        me::activity, me::export, me::request_deletion, me::cancel_deletion, me::person,
        orgs::list, orgs::create, orgs::show, orgs::update, orgs::members, orgs::change_role, orgs::remove_member,
        orgs::invite, orgs::accept, orgs::register, orgs::unlock, orgs::export_csv, orgs::import,
        admin::people, admin::audit,
        exchanges::search, exchanges::create, exchanges::show, exchanges::helpers, exchanges::needs,
        exchanges::take_step, exchanges::close, exchanges::mine, exchanges::involvements,
        visits::create, visits::list, visits::show, visits::join, visits::leave, visits::vet,
        visits::add_visited, visits::propose, visits::pair, visits::end, visits::visits_of,
        visits::log_visit, visits::mine,
        notifications::list, notifications::unread, notifications::read, notifications::read_all,
        notifications::settings, notifications::save_settings, notifications::dead_jobs, notifications::retry_job,
        timebank::configure, timebank::account, timebank::transfer, timebank::reverse, timebank::totals,
        thanks::give, thanks::received,
        claims::of_exchange, claims::show, claims::act, claims::queue, claims::statement_csv, claims::bank_csv,
        safe::list, safe::upload, safe::show, safe::content, safe::delete, safe::folders, safe::add_folder,
        safe::shares, safe::share, safe::revoke, safe::links, safe::make_link, safe::revoke_link,
        safe::access_log, safe::consents, safe::set_consent,
        safe_notes::notes, safe_notes::add_note, safe_notes::edit_note, safe_notes::delete_note,
        safe_notes::sessions, safe_notes::record_session,
        safe_notes::handover_status, safe_notes::hand_over,
        recognition::show, recognition::endorse, recognition::withdraw,
        conversations::list, conversations::open_direct, conversations::open_exchange,
        conversations::open_pairing, conversations::open_team, conversations::messages,
        conversations::post, conversations::read, conversations::mute, conversations::block,
        conversations::unblock, conversations::report,
        moderation::queue, moderation::log, moderation::hide, moderation::unhide,
        moderation::warn, moderation::suspend, moderation::dismiss,
        neighbourhood::overview, neighbourhood::areas, neighbourhood::posts, neighbourhood::create,
        neighbourhood::show, neighbourhood::delete, neighbourhood::comment, neighbourhood::thank,
        neighbourhood::report, neighbourhood::moderate, neighbourhood::reports,
        telephony::settings, telephony::configure, telephony::numbers, telephony::add_numbers,
        telephony::remove_number, telephony::person_box, telephony::open_box, telephony::close_box,
        telephony::unlock, telephony::new_pin, telephony::mine, telephony::choose_pin,
        telephony::notify_worker, telephony::delete_message, telephony::act, telephony::audio,
    ),
    modifiers(&BearerAuth, &CommonErrors),
    security(("bearer" = [])),
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

pub fn routes() -> Router<AppState> {
    let v1 = Router::new()
        .route("/signup", post(auth::signup))
        .route("/login", post(auth::login))
        .route("/login/pin", post(auth::pin_login))
        .route("/password/forgot", post(auth::forgot))
        .route("/password/reset", post(auth::reset))
        .route("/verify", post(auth::verify))
        .route("/me", get(me::me).delete(me::request_deletion))
        .route("/me/restore", post(me::cancel_deletion))
        .route("/me/profile", put(me::update_profile))
        .route(
            "/me/location",
            put(me::set_location).delete(me::clear_location),
        )
        .route("/me/tokens", get(me::tokens).post(me::create_token))
        .route("/me/tokens/{id}", delete(me::revoke_token))
        .route("/me/activity", get(me::activity))
        .route("/me/export", get(me::export))
        .route("/people/{id}", get(me::person))
        .route("/orgs", get(orgs::list).post(orgs::create))
        .route("/orgs/{id}", get(orgs::show).put(orgs::update))
        .route("/orgs/{id}/members", get(orgs::members))
        .route(
            "/orgs/{id}/members/{user}",
            put(orgs::change_role).delete(orgs::remove_member),
        )
        .route("/orgs/{id}/members/{user}/unlock", post(orgs::unlock))
        .route("/orgs/{id}/members.csv", get(orgs::export_csv))
        .route("/orgs/{id}/members/import", post(orgs::import))
        .route("/orgs/{id}/invitations", post(orgs::invite))
        .route("/orgs/{id}/people", post(orgs::register))
        .route("/invitations/{token}/accept", post(orgs::accept))
        .route("/exchanges", get(exchanges::search).post(exchanges::create))
        .route("/exchanges/{id}", get(exchanges::show))
        .route("/exchanges/{id}/helpers", get(exchanges::helpers))
        .route("/exchanges/{id}/needs", get(exchanges::needs))
        .route("/exchanges/{id}/steps", post(exchanges::take_step))
        .route("/exchanges/{id}/close", post(exchanges::close))
        .route("/me/exchanges", get(exchanges::mine))
        .route("/me/involvements", get(exchanges::involvements))
        .route(
            "/orgs/{id}/programmes",
            get(visits::list).post(visits::create),
        )
        .route("/programmes/{id}", get(visits::show))
        .route("/programmes/{id}/join", post(visits::join))
        .route("/programmes/{id}/leave", post(visits::leave))
        .route("/programmes/{id}/visitors/{user}/vet", post(visits::vet))
        .route("/programmes/{id}/visited", post(visits::add_visited))
        .route(
            "/programmes/{id}/visited/{user}/visitors",
            get(visits::propose),
        )
        .route("/programmes/{id}/pairings", post(visits::pair))
        .route("/pairings/{id}/end", post(visits::end))
        .route(
            "/pairings/{id}/visits",
            get(visits::visits_of).post(visits::log_visit),
        )
        .route("/me/pairings", get(visits::mine))
        .route("/conversations", get(conversations::list))
        .route(
            "/conversations/{id}/messages",
            get(conversations::messages).post(conversations::post),
        )
        .route("/conversations/{id}/read", post(conversations::read))
        .route("/conversations/{id}/mute", put(conversations::mute))
        .route(
            "/people/{id}/conversation",
            post(conversations::open_direct),
        )
        .route(
            "/people/{id}/block",
            put(conversations::block).delete(conversations::unblock),
        )
        .route(
            "/exchanges/{id}/conversation",
            post(conversations::open_exchange),
        )
        .route(
            "/pairings/{id}/conversation",
            post(conversations::open_pairing),
        )
        .route("/orgs/{id}/conversation", post(conversations::open_team))
        .route("/messages/{id}/report", post(conversations::report))
        .route("/moderation", get(moderation::queue))
        .route("/moderation/log", get(moderation::log))
        .route("/moderation/messages/{id}/hide", post(moderation::hide))
        .route("/moderation/messages/{id}/unhide", post(moderation::unhide))
        .route("/moderation/messages/{id}/warn", post(moderation::warn))
        .route(
            "/moderation/messages/{id}/suspend",
            post(moderation::suspend),
        )
        .route(
            "/moderation/messages/{id}/dismiss",
            post(moderation::dismiss),
        )
        .route("/admin/people", get(admin::people))
        .route("/admin/audit", get(admin::audit))
        .route("/admin/jobs", get(notifications::dead_jobs))
        .route("/admin/jobs/{id}/retry", post(notifications::retry_job))
        .route("/me/notifications", get(notifications::list))
        .route("/me/notifications/read-all", post(notifications::read_all))
        .route("/me/notifications/{id}/read", post(notifications::read))
        .route("/me/counts", get(notifications::unread))
        .route(
            "/orgs/{id}/timebank",
            get(timebank::account).put(timebank::configure),
        )
        .route("/orgs/{id}/timebank/transfers", post(timebank::transfer))
        .route(
            "/orgs/{id}/timebank/transfers/{transfer}/reverse",
            post(timebank::reverse),
        )
        .route("/orgs/{id}/timebank/totals", get(timebank::totals))
        .route("/orgs/{id}/timebank/claims", get(claims::queue))
        .route(
            "/orgs/{id}/timebank/statement.csv",
            get(claims::statement_csv),
        )
        .route("/orgs/{id}/timebank/transfers.csv", get(claims::bank_csv))
        .route("/claims/{id}", get(claims::show).post(claims::act))
        .route("/exchanges/{id}/claims", get(claims::of_exchange))
        .route(
            "/people/{id}/thanks",
            get(thanks::received).post(thanks::give),
        )
        .route("/people/{id}/recognition", get(recognition::show))
        .route("/exchanges/{id}/endorsements", post(recognition::endorse))
        .route(
            "/exchanges/{id}/endorsements/{helper}/{skill}",
            delete(recognition::withdraw),
        )
        .route("/neighbourhood", get(neighbourhood::overview))
        .route("/neighbourhood/map", get(neighbourhood::areas))
        .route(
            "/neighbourhood/posts",
            get(neighbourhood::posts).post(neighbourhood::create),
        )
        .route(
            "/neighbourhood/posts/{id}",
            get(neighbourhood::show).delete(neighbourhood::delete),
        )
        .route(
            "/neighbourhood/posts/{id}/comments",
            post(neighbourhood::comment),
        )
        .route(
            "/neighbourhood/posts/{id}/thanks",
            post(neighbourhood::thank),
        )
        .route(
            "/neighbourhood/posts/{id}/report",
            post(neighbourhood::report),
        )
        .route(
            "/neighbourhood/posts/{id}/moderation",
            post(neighbourhood::moderate),
        )
        .route("/neighbourhood/reports", get(neighbourhood::reports))
        .route(
            "/me/notification-settings",
            get(notifications::settings).put(notifications::save_settings),
        )
        .route("/safe/{owner}/documents", get(safe::list))
        .route(
            "/safe/{owner}/folders",
            get(safe::folders).post(safe::add_folder),
        )
        .route("/documents/{id}", get(safe::show).delete(safe::delete))
        .route("/documents/{id}/content", get(safe::content))
        .route(
            "/documents/{id}/links",
            get(safe::links).post(safe::make_link),
        )
        .route("/documents/{id}/links/{link}", delete(safe::revoke_link))
        .route("/me/safe/shares", get(safe::shares).post(safe::share))
        .route("/me/safe/shares/{id}", delete(safe::revoke))
        .route("/me/safe/log", get(safe::access_log))
        .route("/me/accompaniments", get(safe::consents))
        .route("/me/accompaniments/{org}", put(safe::set_consent))
        .merge(safe_notes::routes())
        .merge(telephony::routes());
    Router::new()
        .nest("/v1", v1)
        .route("/openapi.json", get(|| async { Json(ApiDoc::openapi()) }))
        .route("/docs", get(docs))
        .fallback(|| async { crate::error::AppError::NotFound })
}

/// One operation, as listed on the documentation page.
pub struct Operation {
    pub method: String,
    pub path: String,
    pub summary: String,
    pub tag: String,
    pub statuses: Vec<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "api_docs.html")]
pub struct DocsPage {
    base: Base,
    operations: Vec<Operation>,
}

/// A documentation page built from the OpenAPI description itself, so it
/// cannot drift from the API and needs nothing from the internet.
async fn docs(ctx: Ctx) -> DocsPage {
    let spec = serde_json::to_value(ApiDoc::openapi()).unwrap_or_default();
    let mut operations = Vec::new();
    if let Some(paths) = spec.get("paths").and_then(|p| p.as_object()) {
        for (path, item) in paths {
            let Some(methods) = item.as_object() else {
                continue;
            };
            for (method, op) in methods {
                let text = |key: &str| {
                    op.get(key)
                        .and_then(|v| v.as_str())
                        .unwrap_or_default()
                        .to_owned()
                };
                let tag = op
                    .get("tags")
                    .and_then(|t| t.get(0))
                    .and_then(|t| t.as_str())
                    .unwrap_or_default()
                    .to_owned();
                let statuses = op
                    .get("responses")
                    .and_then(|r| r.as_object())
                    .map(|r| r.keys().cloned().collect())
                    .unwrap_or_default();
                let summary = if text("summary").is_empty() {
                    text("description")
                } else {
                    text("summary")
                };
                operations.push(Operation {
                    method: method.to_uppercase(),
                    path: path.clone(),
                    summary,
                    tag,
                    statuses,
                });
            }
        }
    }
    operations.sort_by(|a, b| (&a.tag, &a.path).cmp(&(&b.tag, &b.path)));
    DocsPage {
        base: Base::new(&ctx, "api-docs-title"),
        operations,
    }
}

/// Routes that take large bodies (documents for the safe): mounted apart,
/// with the safe's size limit and a longer timeout for slow connections.
pub fn upload_routes() -> Router<AppState> {
    Router::new().route("/api/v1/safe/{owner}/documents", post(safe::upload))
}
