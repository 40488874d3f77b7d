//! Finicity (Mastercard Open Banking US): what the provider can do, its wire types, the mapping
//! to the neutral report, and the client. The provider seam plugs these in.

pub mod client;
pub mod errors;
pub mod mapping;
pub mod wire;

#[cfg(test)]
mod mapping_tests;
#[cfg(test)]
mod tests;

pub use client::{Client, Settings};

use crate::error::{Error, Result};
use crate::query::DateSpan;

/// The `provider =` value of a profile.
pub const NAME: &str = "finicity";

/// Where the API lives unless the profile says otherwise.
pub const DEFAULT_BASE_URL: &str = "https://api.finicity.com";

/// The date modes Finicity can give: the current balance only.
pub const DATE_MODES: &[&str] = &["current"];

/// Why a date option is refused, naming what Finicity gives instead.
pub const DATE_OPTIONS_REFUSED: &str = "Finicity gives current balances only (each account as of its balanceDate); drop --prior-day/--from/--to/--month";

/// Refuses, before anything is sent, any span but the current day (exit 2).
pub fn check_span(span: DateSpan) -> Result<()> {
    match span {
        DateSpan::CurrentDay => Ok(()),
        DateSpan::PriorDay | DateSpan::Range { .. } => Err(Error::usage(DATE_OPTIONS_REFUSED)),
    }
}
