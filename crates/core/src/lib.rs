//! Entraide's domain: value types parsed from outside input, roles and the
//! authorisation rules, and the pure algorithms (credentials, approximate
//! positions). Nothing here performs IO.

pub mod authz;
pub mod credentials;
pub mod error;
pub mod geo;
pub mod names;
pub mod profile;
pub mod role;

pub use error::{Invalid, ParseError};
