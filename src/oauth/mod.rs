//! OAuth2 for the providers: where each request's bearer token comes from (`TokenSource`: client
//! credentials by secret, signed assertion or mutual TLS; a browser login renewed with its
//! refresh token; a ready token), the renewal once after a 401 (`send_authorized`), and the
//! browser login itself (authorization code with PKCE, the loopback listener, FAPI signing).

use chrono::{DateTime, Utc};
use serde::Deserialize;

pub mod assertion;
pub mod authcode;
pub mod browser;
mod client_credentials;
pub mod fapi;
pub mod loopback;
pub mod refresh;
mod renew;
mod source;

pub use client_credentials::{client_credentials, ClientCredentials};
pub use renew::send_authorized;
pub use source::{ReadyToken, TokenFuture, TokenSource};

use crate::secret::Secret;

/// Lifetime assumed when the token endpoint does not say.
const DEFAULT_LIFETIME_SECS: i64 = 300;

/// Longest token lifetime we believe; anything longer is capped.
const MAX_LIFETIME_SECS: i64 = 366 * 24 * 3600;

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    #[serde(default)]
    expires_in: Option<Lifetime>,
}

/// `expires_in` as a number, or as the string some token endpoints send.
#[derive(Deserialize)]
#[serde(untagged)]
enum Lifetime {
    Seconds(i64),
    Text(String),
}

impl Lifetime {
    fn seconds(&self) -> i64 {
        let seconds = match self {
            Lifetime::Seconds(s) => *s,
            Lifetime::Text(t) => t.trim().parse().unwrap_or(DEFAULT_LIFETIME_SECS),
        };
        seconds.clamp(0, MAX_LIFETIME_SECS)
    }
}

/// An access token and when it expires.
#[derive(Debug, Clone)]
pub struct AccessToken {
    pub token: Secret,
    pub expires_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lifetime(json: &str) -> Option<i64> {
        let answer: TokenAnswer = serde_json::from_str(json).unwrap();
        answer.expires_in.map(|l| l.seconds())
    }

    #[test]
    fn lifetimes_as_numbers_or_text_and_never_absurd() {
        assert_eq!(
            lifetime(r#"{"access_token":"t","expires_in":3599}"#),
            Some(3599)
        );
        assert_eq!(
            lifetime(r#"{"access_token":"t","expires_in":"3599"}"#),
            Some(3599)
        );
        assert_eq!(lifetime(r#"{"access_token":"t","expires_in":-5}"#), Some(0));
        assert_eq!(
            lifetime(r#"{"access_token":"t","expires_in":9223372036854775807}"#),
            Some(MAX_LIFETIME_SECS)
        );
        assert_eq!(lifetime(r#"{"access_token":"t"}"#), None);
    }
}
