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

/// The client's address, when the server knows it. Behind a trusted proxy
/// it comes from `X-Forwarded-For`, so every client does not share the
/// proxy's address (and its rate limit).
pub struct ClientIp(pub Option<IpAddr>);

impl axum::extract::FromRequestParts<crate::state::AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &crate::state::AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip());
        let forwarded = parts
            .headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok());
        Ok(Self(client_ip(
            peer,
            forwarded,
            &state.config.trusted_proxies,
        )))
    }
}

/// The first address, from the right of `X-Forwarded-For`, that is not one
/// of our proxies; the peer itself when it is not a trusted proxy. Entries
/// further left were written by the client and could be forged.
pub fn client_ip(
    peer: Option<IpAddr>,
    forwarded: Option<&str>,
    trusted: &[IpAddr],
) -> Option<IpAddr> {
    let peer = peer?;
    if !trusted.contains(&peer) {
        return Some(peer);
    }
    let Some(chain) = forwarded else {
        return Some(peer);
    };
    let mut last = peer;
    for hop in chain.rsplit(',') {
        match hop.trim().parse::<IpAddr>() {
            Ok(ip) if trusted.contains(&ip) => last = ip,
            Ok(ip) => return Some(ip),
            Err(_) => break,
        }
    }
    Some(last)
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

    #[test]
    fn forwarded_for_is_read_only_from_trusted_proxies() {
        let proxy = IpAddr::from([10, 0, 0, 1]);
        let client = IpAddr::from([203, 0, 113, 7]);
        let forged = "198.51.100.9, 203.0.113.7";
        assert_eq!(
            client_ip(Some(client), Some("1.2.3.4"), &[proxy]),
            Some(client),
            "direct clients cannot pretend"
        );
        assert_eq!(
            client_ip(Some(proxy), Some(forged), &[proxy]),
            Some(client),
            "the rightmost untrusted hop"
        );
        assert_eq!(
            client_ip(Some(proxy), Some("203.0.113.7, 10.0.0.1"), &[proxy]),
            Some(client)
        );
        assert_eq!(client_ip(Some(proxy), None, &[proxy]), Some(proxy));
        assert_eq!(
            client_ip(Some(proxy), Some("garbage"), &[proxy]),
            Some(proxy)
        );
        assert_eq!(client_ip(None, Some(forged), &[proxy]), None);
    }
}
