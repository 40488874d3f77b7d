//! Finicity (Mastercard Open Banking US): what the provider can do, its wire types, the mapping
//! to the neutral report, and the client. The provider seam plugs these in.

mod auth;
pub mod client;
pub mod errors;
mod login;
pub mod mapping;
mod partner;
mod provider;
mod refusals;
pub mod wire;

#[cfg(test)]
mod mapping_tests;

pub use client::{Client, Settings};
pub use provider::{LIMITS, SPEC};

/// The `provider =` value of a profile.
pub const NAME: &str = "finicity";

/// Where the API lives unless the profile says otherwise.
pub const DEFAULT_BASE_URL: &str = "https://api.finicity.com";
