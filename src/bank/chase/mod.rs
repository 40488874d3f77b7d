//! Chase's aggregator API (FDX v4, read with the account holder's consent): its documented
//! hosts, wire types, the mapping to the neutral report, and the client. The provider seam
//! plugs these in; the login is the OAuth module's authorization-code flow.

pub mod client;
pub mod errors;
mod logout;
pub mod mapping;
#[cfg(test)]
mod profile_tests;
mod provider;
pub mod wire;

pub use client::Client;
pub use provider::{browser_login, LIMITS, SPEC};

use reqwest::Url;

use crate::config::Environment;

/// The `provider =` value of a profile.
pub const NAME: &str = "chase";

/// The consent pages and token endpoint (Chase's "Account Aggregation User Consent API").
pub fn oauth_host(env: Environment) -> &'static str {
    match env {
        Environment::Qa => "https://api2-oauth-qa01.chase.com",
        _ => "https://api2-oauth.chase.com",
    }
}

pub const AUTHORIZE_PATH: &str = "/aggregator-oauth/v1/authorize";
pub const TOKEN_PATH: &str = "/aggregator-oauth/v1/token";

/// The FDX data API. Chase documents only the production host; qa needs `base_url`
/// (docs/providers/chase.md says so).
pub fn data_host(env: Environment) -> Option<Url> {
    match env {
        Environment::Prod => {
            Url::parse("https://api2.chase.com/jpmc/servicing/inquiry-maintenance/fdx/v4").ok()
        }
        _ => None,
    }
}
