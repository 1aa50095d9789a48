//! What Entraide does, shared by the HTML pages and the JSON API: each
//! operation parses its input, checks permissions and calls the store.

pub mod accounts;
pub mod board;
pub mod board_moderation;
pub mod cards;
pub mod claims;
pub mod conversations;
pub mod desk;
pub mod exchange_search;
pub mod exchange_view;
pub mod exchanges;
pub mod handover;
pub mod map;
pub mod matching;
pub mod members_csv;
pub mod moderation;
pub mod neighbourhood;
pub mod notifications;
pub mod orgs;
pub mod preferences;
pub mod privacy;
pub mod profiles;
pub mod recognition;
pub mod safe;
pub mod safe_export;
pub mod safe_keys;
pub mod safe_notes;
pub mod safe_sharing;
pub mod schedule;
pub mod telephony;
pub mod thanks;
pub mod timebank;
pub mod timebank_csv;
pub mod visits;
pub mod voice_boxes;
pub mod voicemail;
