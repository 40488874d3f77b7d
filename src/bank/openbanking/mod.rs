//! UK Open Banking v3.1 account information: what the provider can do, its wire types, the
//! mapping to the neutral report, the data client, and the consent lifecycle (create, authorize
//! URL, code exchange, stored state, status, delete). The provider seam plugs these in.

mod channel;
pub mod client;
pub mod consent;
pub mod errors;
mod lifecycle;
pub mod login;
pub mod mapping;
mod provider;
pub mod state;
pub mod wire;

#[cfg(test)]
mod mapping_tests;

pub use channel::{client_auth, consents, http_of};
pub use client::{Client, Settings};
pub use provider::{ending_warning, LIMITS, SPEC};

/// The `provider =` value of a profile.
pub const NAME: &str = "open-banking";

/// The permissions a consent asks for: enough to list accounts and read their balances.
pub const PERMISSIONS: [&str; 3] = ["ReadAccountsBasic", "ReadAccountsDetail", "ReadBalances"];

/// How long a consent lasts unless the profile's `consent_days` says otherwise.
pub const DEFAULT_CONSENT_DAYS: u32 = 90;

/// Within this many days of a consent's expiry, every command warns.
pub const WARN_DAYS: i64 = 7;

/// The scope of the client-credentials token that creates, reads and deletes consents.
pub const CLIENT_SCOPE: &str = "accounts";
