//! Turns what the user typed into a valid request plan: dates, accounts, the provider's limits
//! and invalid combinations, split planning. Pure: no I/O, so every rule is unit-tested here.
//! The types live here; dates, accounts and planning each have their file.

mod accounts;
#[cfg(test)]
mod accounts_tests;
mod batch;
mod dates;
mod plan;
#[cfg(test)]
mod tests;

pub use accounts::*;
pub use batch::{AccountList, Batch};
pub use dates::*;
pub use plan::*;

use std::collections::BTreeMap;
use std::fmt;

use chrono::NaiveDate;

/// How far `--from` alone or `--to` alone reaches (PRODUCT.md: the API's own defaults).
pub const OPEN_END_DAYS: u64 = 31;
/// The longest account id the bank knows.
pub const MAX_ID_LEN: usize = 35;
/// The API documents dates as ISO 8601 `YYYY-MM-DD`: four-digit years. We send nothing before
/// the first day of 1900 (no cash-reporting balance is older) or after the last of 9999.
pub const FIRST_DATE: NaiveDate = match NaiveDate::from_ymd_opt(1900, 1, 1) {
    Some(date) => date,
    None => panic!("a valid date"),
};
pub const LAST_DATE: NaiveDate = match NaiveDate::from_ymd_opt(9999, 12, 31) {
    Some(date) => date,
    None => panic!("a valid date"),
};
/// How much of a value the user typed an error message quotes: enough for two account ids of
/// the longest kind joined by `/` or `,` (71 characters).
pub const MAX_QUOTED_CHARS: usize = 80;

/// User input as an error message quotes it: in full when short, else its start and its size,
/// so a runaway value (a whole file on one line) cannot flood the terminal or the memory.
pub fn quoted(text: &str) -> String {
    match text.char_indices().nth(MAX_QUOTED_CHARS) {
        None => text.to_string(),
        Some((end, _)) => format!("{}… ({} bytes)", &text[..end], text.len()),
    }
}

/// What one request to a provider may ask for, as the provider declares it: the date modes it
/// serves and its limits. `query` checks a request against these before anything is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The provider's `provider =` name, for messages.
    pub provider: &'static str,
    /// Whether it serves `--prior-day` and date ranges; every provider serves current balances.
    pub prior_day: bool,
    pub ranges: bool,
    /// Longest range, counted as `to - from` in days.
    pub max_range_days: u64,
    /// Most accounts one request may name.
    pub max_accounts: usize,
    /// Longest account id.
    pub max_id_len: usize,
    /// What to do instead when a date option is refused.
    pub dates_hint: &'static str,
}

/// Which balances to ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateSpan {
    CurrentDay,
    PriorDay,
    /// Both ends inclusive; `to - from` may exceed 31 days only before splitting.
    Range {
        from: NaiveDate,
        to: NaiveDate,
    },
}

/// The date options as the user gave them, still text.
#[derive(Debug, Clone, Default)]
pub struct DateArgs {
    pub current: bool,
    pub prior_day: bool,
    pub from: Option<String>,
    pub to: Option<String>,
    pub month: Option<String>,
}

/// An account as the bank identifies it: the account id, and the bank id where known.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AccountRef {
    pub bank_id: Option<String>,
    pub account_id: String,
}

impl fmt::Display for AccountRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.bank_id {
            Some(bank) => write!(f, "{bank}/{}", self.account_id),
            None => f.write_str(&self.account_id),
        }
    }
}

/// One request the bank will accept: a date span within the limits and at most 200 accounts
/// (none means every account the credentials see).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BalanceRequest {
    pub span: DateSpan,
    pub accounts: Batch,
}

/// Aliases and groups of a profile, as the config file names them.
#[derive(Debug, Clone, Default)]
pub struct AccountBook {
    pub aliases: BTreeMap<String, String>,
    pub groups: BTreeMap<String, Vec<String>>,
}

/// An account or a group, named on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountName {
    /// `-a`: an account id, `BANK_ID/ACCOUNT_ID` or an alias.
    Account(String),
    /// `--group`: a group of the profile.
    Group(String),
}

/// The account options as the user gave them.
#[derive(Debug, Clone, Default)]
pub struct AccountArgs {
    /// `-a` and `--group` values, in the order they were typed.
    pub named: Vec<AccountName>,
    /// Accounts read from `--accounts-file`, already parsed.
    pub from_file: Vec<AccountRef>,
}

/// The accounts to ask for, and the ones given more than once (dropped, to warn about).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountSelection {
    pub accounts: Vec<AccountRef>,
    pub duplicates: Vec<AccountRef>,
}
