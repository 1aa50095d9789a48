//! Entraide's domain: value types parsed from outside input, roles and the
//! authorisation rules, and the pure algorithms (credentials, approximate
//! positions, the life of an exchange, matching and search terms, levels
//! and badges, the neighbours' map under k-anonymity, the local board).
//! Nothing here performs IO.

pub mod authz;
pub mod board;
pub mod claim;
pub mod conversation;
pub mod credentials;
pub mod desk;
pub mod error;
pub mod exchange;
pub mod geo;
pub mod ledger;
pub mod lifecycle;
pub mod map;
pub mod matching;
pub mod members;
pub mod names;
pub mod notify;
pub mod preferences;
pub mod profile;
pub mod recognition;
pub mod role;
pub mod safe;
pub mod sms;
pub mod telephony;
pub mod text;
pub mod twiml;
pub mod visits;

pub use error::{Invalid, ParseError};
