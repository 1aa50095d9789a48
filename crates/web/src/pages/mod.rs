//! Server-rendered pages: every journey works without JavaScript.

pub mod account;
pub mod admin;
pub mod auth;
pub mod board;
pub mod claims;
pub mod conversations;
pub mod desk;
pub mod exchanges;
pub mod handover;
pub mod home;
pub mod layout;
pub mod members;
pub mod moderation;
pub mod neighbourhood;
pub mod notifications;
pub mod orgs;
pub mod profile;
pub mod recognition;
pub mod safe;
pub mod safe_notes;
pub mod safe_sharing;
pub mod telephony;
pub mod timebank;
pub mod visits;
pub mod voicemail;

use axum::Router;
use axum::http::HeaderValue;
use axum::http::header::{LOCATION, SET_COOKIE};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home::home))
        .route("/signup", get(auth::signup_page).post(auth::signup))
        .route("/login", get(auth::login_page).post(auth::login))
        .route("/login/pin", get(auth::pin_page).post(auth::pin_login))
        .route("/logout", post(auth::logout))
        .route("/verify", get(auth::verify))
        .route("/verify/resend", post(auth::resend_verification))
        .route(
            "/password/forgot",
            get(auth::forgot_page).post(auth::forgot),
        )
        .route("/password/reset", get(auth::reset_page).post(auth::reset))
        .route("/lang/{code}", get(auth::switch_language))
        .route("/me", get(profile::me))
        .route("/me/edit", get(profile::edit_page).post(profile::edit))
        .route("/me/location", post(profile::location))
        .route("/me/location/clear", post(profile::clear_location))
        .route("/me/photo", post(profile::photo))
        .route("/me/photo/remove", post(profile::remove_photo))
        .route("/people/{id}", get(profile::person))
        .route("/people/{id}/photo", get(profile::photo_file))
        .route("/people/{id}/thanks", post(profile::thank))
        .route(
            "/me/tokens",
            get(account::tokens_page).post(account::create_token),
        )
        .route("/me/tokens/{id}/revoke", post(account::revoke_token))
        .route("/me/activity", get(account::activity))
        .route("/me/export", get(account::export))
        .route(
            "/me/delete",
            get(account::delete_page).post(account::delete),
        )
        .route("/me/delete/cancel", post(account::cancel_delete))
        .route("/neighbourhood", get(neighbourhood::overview))
        .route("/neighbourhood/areas", get(neighbourhood::areas))
        .route("/neighbourhood/board", get(board::list))
        .route("/neighbourhood/reports", get(board::reports))
        .route("/neighbourhood/posts", post(board::create))
        .route("/neighbourhood/posts/new", get(board::new))
        .route("/neighbourhood/posts/{id}", get(board::show))
        .route("/neighbourhood/posts/{id}/comments", post(board::comment))
        .route("/neighbourhood/posts/{id}/thanks", post(board::thank))
        .route(
            "/neighbourhood/posts/{id}/report",
            get(board::report_page).post(board::report),
        )
        .route(
            "/neighbourhood/posts/{id}/delete",
            get(board::delete_page).post(board::delete),
        )
        .route(
            "/neighbourhood/posts/{id}/moderation",
            post(board::moderate),
        )
        .route("/exchanges", get(exchanges::list))
        .route(
            "/exchanges/new",
            get(exchanges::new_page).post(exchanges::create),
        )
        .route("/exchanges/{id}", get(exchanges::show))
        .route("/exchanges/{id}/matches", get(exchanges::matches))
        .route("/exchanges/{id}/steps", post(exchanges::step))
        .route("/exchanges/{id}/cancel", get(exchanges::cancel_page))
        .route("/exchanges/{id}/close", post(exchanges::close))
        .route("/exchanges/{id}/endorsements", post(recognition::endorse))
        .route(
            "/exchanges/{id}/endorsements/withdraw",
            post(recognition::withdraw),
        )
        .route("/me/exchanges", get(exchanges::mine))
        .route(
            "/orgs/{id}/programmes/new",
            get(visits::new_page).post(visits::create),
        )
        .route("/programmes/{id}", get(visits::show))
        .route("/programmes/{id}/join", post(visits::join))
        .route("/programmes/{id}/leave", post(visits::leave))
        .route("/programmes/{id}/visitors/{user}/vet", post(visits::vet))
        .route("/programmes/{id}/visited", post(visits::add_visited))
        .route(
            "/programmes/{id}/visited/{user}/match",
            get(visits::propose),
        )
        .route("/programmes/{id}/pairings", post(visits::pair))
        .route("/pairings/{id}", get(visits::pairing))
        .route("/pairings/{id}/end", post(visits::end_pairing))
        .route("/pairings/{id}/visits", post(visits::log_visit))
        .route("/visits", get(visits::mine))
        .route("/orgs", get(orgs::list))
        .route("/orgs/new", get(orgs::new_page).post(orgs::create))
        .route("/orgs/{id}", get(orgs::show))
        .route("/orgs/{id}/edit", get(orgs::edit_page).post(orgs::edit))
        .route("/orgs/{id}/members", get(members::members))
        .route("/orgs/{id}/members/{user}/role", post(members::change_role))
        .route(
            "/orgs/{id}/members/{user}/remove",
            post(members::remove_member),
        )
        .route(
            "/orgs/{id}/members/{user}/unlock",
            post(members::unlock_pin),
        )
        .route("/orgs/{id}/invitations", post(members::invite))
        .route(
            "/orgs/{id}/invitations/{invitation}/revoke",
            post(members::revoke_invitation),
        )
        .route(
            "/orgs/{id}/register",
            get(orgs::register_page).post(orgs::register),
        )
        .route("/orgs/{id}/members.csv", get(crate::api::orgs::export_csv))
        .route(
            "/orgs/{id}/import",
            get(orgs::import_page).post(orgs::import),
        )
        .route("/join/{token}", get(orgs::join_page).post(orgs::join))
        .route("/conversations", get(conversations::list))
        .route("/conversations/{id}", get(conversations::show))
        .route("/conversations/{id}/messages", post(conversations::post))
        .route("/conversations/{id}/mute", post(conversations::mute))
        .route("/conversations/{id}/unmute", post(conversations::unmute))
        .route(
            "/conversations/{id}/messages/{message}/report",
            get(conversations::report_page).post(conversations::report),
        )
        .route("/people/{id}/message", post(conversations::message_person))
        .route(
            "/people/{id}/block",
            get(conversations::block_page).post(conversations::block),
        )
        .route("/people/{id}/unblock", post(conversations::unblock))
        .route(
            "/exchanges/{id}/conversation",
            get(conversations::exchange_conversation),
        )
        .route(
            "/pairings/{id}/conversation",
            get(conversations::pairing_conversation),
        )
        .route(
            "/orgs/{id}/conversation",
            get(conversations::team_conversation),
        )
        .route("/moderation", get(moderation::queue))
        .route("/moderation/messages/{id}/hide", post(moderation::hide))
        .route("/moderation/messages/{id}/unhide", post(moderation::unhide))
        .route("/moderation/messages/{id}/warn", post(moderation::warn))
        .route(
            "/moderation/messages/{id}/dismiss",
            post(moderation::dismiss),
        )
        .route(
            "/moderation/messages/{id}/suspend",
            get(moderation::suspend_page).post(moderation::suspend),
        )
        .route("/admin", get(admin::dashboard))
        .route("/admin/people", get(admin::people))
        .route("/admin/audit", get(admin::audit))
        .route("/admin/jobs", get(admin::jobs))
        .route("/admin/jobs/{id}/retry", post(admin::retry_job))
        .route("/notifications", get(notifications::list))
        .route("/notifications/read-all", post(notifications::read_all))
        .route("/notifications/{id}", get(notifications::open))
        .route(
            "/me/notifications",
            get(notifications::settings_page).post(notifications::save_settings),
        )
        .route(
            "/unsubscribe",
            get(notifications::unsubscribe_page).post(notifications::unsubscribe),
        )
        .route("/events", get(notifications::events))
        .route(
            "/orgs/{id}/timebank",
            get(timebank::show).post(timebank::configure),
        )
        .route("/orgs/{id}/timebank/gifts", post(timebank::give))
        .route("/orgs/{id}/timebank/claims", get(claims::queue))
        .route(
            "/orgs/{id}/timebank/statement.csv",
            get(crate::api::claims::statement_csv),
        )
        .route(
            "/orgs/{id}/timebank/transfers.csv",
            get(crate::api::claims::bank_csv),
        )
        .route("/claims/{id}", post(claims::act))
        .route("/safe", get(safe::mine))
        .route("/people/{id}/safe", get(safe::person))
        .route(
            "/people/{id}/phone",
            get(telephony::person).post(telephony::open),
        )
        .route("/people/{id}/phone/unlock", post(telephony::unlock))
        .route("/people/{id}/phone/pin", post(telephony::new_pin))
        .route(
            "/people/{id}/phone/close",
            get(telephony::close_page).post(telephony::close),
        )
        .route(
            "/orgs/{id}/telephony",
            get(telephony::org).post(telephony::configure),
        )
        .route("/orgs/{id}/telephony/numbers", post(telephony::add_numbers))
        .route(
            "/orgs/{id}/telephony/numbers/{number}/remove",
            post(telephony::remove_number),
        )
        .route("/voicemail", get(voicemail::show))
        .route("/voicemail/pin", post(voicemail::choose_pin))
        .route("/voicemail/cards.pdf", get(voicemail::cards))
        .route("/voicemail/card.vcf", get(voicemail::vcard))
        .route("/contact/{id}/{tag}", get(voicemail::contact))
        .route("/voicemail/notify-worker", post(voicemail::notify_worker))
        .route("/voicemail/messages/{id}/audio", get(voicemail::audio))
        .route(
            "/voicemail/messages/{id}/delete",
            get(voicemail::delete_page).post(voicemail::delete),
        )
        .route("/voicemail/messages/{id}/{act}", post(voicemail::act))
        .route("/safe/documents/{id}", get(safe::download))
        .route(
            "/safe/documents/{id}/delete",
            get(safe::delete_page).post(safe::delete),
        )
        .route("/safe/{owner}/folders", post(safe::add_folder))
        .route("/safe/folders/{id}/delete", post(safe::delete_folder))
        .route(
            "/safe/documents/{id}/links",
            get(safe_sharing::links).post(safe_sharing::make_link),
        )
        .route(
            "/safe/documents/{id}/links/{link}/revoke",
            post(safe_sharing::revoke_link),
        )
        .route("/safe/sharing", get(safe_sharing::sharing))
        .route("/safe/shares", post(safe_sharing::share))
        .route("/safe/shares/{id}/revoke", post(safe_sharing::revoke))
        .route("/safe/consents/{org}", post(safe_sharing::consent))
        .route("/s/{token}", get(safe::link_page).post(safe::link_open))
        .route("/safe/notes", get(safe_notes::mine))
        .route("/people/{id}/safe/notes", get(safe_notes::person))
        .route("/safe/{owner}/notes", post(safe_notes::add))
        .route(
            "/safe/notes/{id}/edit",
            get(safe_notes::edit_page).post(safe_notes::edit),
        )
        .route(
            "/safe/notes/{id}/delete",
            get(safe_notes::delete_page).post(safe_notes::delete),
        )
        .route(
            "/people/{id}/safe/sessions",
            get(desk::show).post(desk::record),
        )
        .route("/me/handover", get(handover::show).post(handover::submit))
        .route(
            "/orgs/{id}/timebank/transfers/{transfer}/reverse",
            get(timebank::reverse_page).post(timebank::reverse),
        )
}

/// A "303 See Other" to `to`, the answer to every successful form post.
pub fn see_other(to: &str) -> Response {
    let mut response = axum::http::StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = HeaderValue::from_str(to) {
        response.headers_mut().insert(LOCATION, value);
    }
    response
}

/// A redirect that also sets a cookie.
pub fn see_other_with_cookie(to: &str, cookie: HeaderValue) -> Response {
    let mut response = see_other(to);
    response.headers_mut().append(SET_COOKIE, cookie);
    response
}

/// Keeps a post-sign-in destination only when it is a path on this site.
pub fn safe_next(next: &str) -> &str {
    // Browsers drop tabs and newlines and read a backslash as a slash, so
    // `/<tab>/evil` would become `//evil`: refuse any of them anywhere.
    let plain = !next.chars().any(|c| c.is_control() || c == '\\');
    if plain && next.starts_with('/') && !next.starts_with("//") {
        next
    } else {
        "/"
    }
}

/// The page number from `?page=`, defaulting to 1.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct PageQuery {
    pub page: Option<i64>,
    pub q: Option<String>,
}
