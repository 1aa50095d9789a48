//! Rate limits on guessable secrets (sign-in, PIN) and on sign-up, per
//! client address and per account, so that neither a single address nor a
//! spread of addresses can guess at will.

use std::net::IpAddr;
use std::num::NonZeroU32;

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::error::AppError;

pub struct RateLimits {
    login: DefaultKeyedRateLimiter<String>,
    signup: DefaultKeyedRateLimiter<String>,
}

fn per_minute(burst: u32) -> Quota {
    let burst = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
    Quota::per_minute(burst).allow_burst(burst)
}

impl Default for RateLimits {
    fn default() -> Self {
        Self {
            login: RateLimiter::keyed(per_minute(20)),
            signup: RateLimiter::keyed(per_minute(10)),
        }
    }
}

impl RateLimits {
    /// One sign-in or PIN attempt from `ip` for `account`.
    pub fn check_login(&self, ip: Option<IpAddr>, account: &str) -> Result<(), AppError> {
        let by_ip = self.login.check_key(&format!(
            "ip:{}",
            ip.map(|i| i.to_string()).unwrap_or_default()
        ));
        let by_account = self
            .login
            .check_key(&format!("account:{}", account.to_lowercase()));
        by_ip.and(by_account).map_err(|_| AppError::TooManyRequests)
    }

    pub fn check_signup(&self, ip: Option<IpAddr>) -> Result<(), AppError> {
        let key = ip.map(|i| i.to_string()).unwrap_or_default();
        self.signup
            .check_key(&key)
            .map_err(|_| AppError::TooManyRequests)
    }

    /// Forgets idle keys; called now and then so memory stays flat.
    pub fn shrink(&self) {
        self.login.retain_recent();
        self.signup.retain_recent();
    }
}

/// The client's address, when the server knows it.
pub struct ClientIp(pub Option<IpAddr>);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        let info = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>();
        Ok(Self(info.map(|c| c.0.ip())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_after_the_burst() {
        let limits = RateLimits::default();
        let ip = Some(IpAddr::from([127, 0, 0, 1]));
        for _ in 0..20 {
            assert!(limits.check_login(ip, "lea@example.fr").is_ok());
        }
        assert!(
            limits.check_login(ip, "other@example.fr").is_err(),
            "same address"
        );
        assert!(
            limits
                .check_login(Some(IpAddr::from([10, 0, 0, 2])), "lea@example.fr")
                .is_err(),
            "same account"
        );
        assert!(
            limits
                .check_login(Some(IpAddr::from([10, 0, 0, 3])), "third@example.fr")
                .is_ok()
        );
    }
}
