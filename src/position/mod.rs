//! `treasury position`, the pure part: several profiles' reports → one cash position with
//! per-currency totals, per-profile subtotals, a converted grand total, stale rows and failures.

pub mod age;
mod entries;
mod exact_sum;
mod newest;
pub mod rates;
pub mod totals;

/// Accounts the report has an error for and no row: the ones its totals lack.
fn missing_accounts(report: &Report) -> usize {
    let has_row = |e: &AccountError| {
        report.rows.iter().any(|r| {
            r.account.account_id == e.account_id
                && (e.bank_id.is_empty() || r.account.bank_id == e.bank_id)
        })
    };
    report.errors.iter().filter(|e| !has_row(e)).count()
}

#[cfg(test)]
mod rates_tests;
#[cfg(test)]
pub(crate) mod tests;

use chrono::{DateTime, Duration, Utc};
use rust_decimal::Decimal;

pub use age::{parse_duration, Stale};
pub use entries::{ErrorEntry, ErrorKind, Scope, TotalRow};
pub use rates::{parse_rates, Rates};
pub use totals::{round_money, Absent, CurrencyTotal, ReportingTotal};

use crate::error::{Error, Outcome, Result};
use crate::model::{AccountError, BalanceRow, Report};
use totals::Totals;

/// The keys of a position row, in order, in CSV headers and JSON: the profile and its provider,
/// then the balance fields of `balances`; `CONVERTED_FIELDS` follow only with `--in`.
pub const ROW_FIELDS: [&str; 15] = [
    "profile",
    "provider",
    "account_id",
    "account_name",
    "bank_id",
    "bank_name",
    "branch_id",
    "currency",
    "as_of_date",
    "current_day",
    "opening_available",
    "opening_ledger",
    "ending_available",
    "ending_ledger",
    "record_timestamp",
];

/// The keys `--in` adds after `ROW_FIELDS`: the reporting currency and the converted amounts.
pub const CONVERTED_FIELDS: [&str; 3] = [
    "converted_currency",
    "converted_ending_ledger",
    "converted_ending_available",
];

/// The keys of a total row (JSON `totals`, and the CSV of `--totals-only`), in order.
pub const TOTAL_FIELDS: [&str; 10] = [
    "scope",
    "profile",
    "provider",
    "currency",
    "rows",
    "ending_ledger",
    "ending_available",
    "complete",
    "absent_ending_ledger",
    "absent_ending_available",
];

/// The keys of an entry of JSON `errors`, in order.
pub const ERROR_FIELDS: [&str; 8] = [
    "kind",
    "profile",
    "provider",
    "account_id",
    "bank_id",
    "code",
    "message",
    "exit_code",
];

/// What one profile contributed: its report, or why it has none.
#[derive(Debug, Clone)]
pub struct ProfilePart {
    pub profile: String,
    pub provider: String,
    pub report: std::result::Result<Report, Failure>,
}

/// Why a profile has no report, with the exit code its error would have had on its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub message: String,
    pub hint: Option<String>,
    pub exit_code: u8,
}

impl ProfilePart {
    pub fn ok(profile: &str, provider: &str, report: Report) -> Self {
        Self::new(profile, provider, Ok(report))
    }

    /// A profile whose fetch failed; message, hint and exit code come from the error itself.
    pub fn failed(profile: &str, provider: &str, error: &Error) -> Self {
        let failure = Failure {
            message: error.to_string(),
            hint: error.hint(),
            exit_code: error.exit_code(),
        };
        Self::new(profile, provider, Err(failure))
    }

    fn new(profile: &str, provider: &str, report: std::result::Result<Report, Failure>) -> Self {
        Self {
            profile: profile.to_string(),
            provider: provider.to_string(),
            report,
        }
    }
}

/// One row of the position: a balance row, whose profile it came from, and what `--in` and
/// `--max-age` made of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PositionRow {
    pub profile: String,
    pub provider: String,
    pub row: BalanceRow,
    /// Its ending amounts in the reporting currency; `None` without `--in`, or unrated.
    pub converted: Option<Converted>,
    /// Set when `--max-age` is given and the row is older, or of unknown age.
    pub stale: Option<Stale>,
}

/// A row's ending amounts in the reporting currency, unrounded; `None` where the bank sent none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Converted {
    pub currency: String,
    /// The reporting currency's minor units.
    pub places: u32,
    pub ending_ledger: Option<Decimal>,
    pub ending_available: Option<Decimal>,
}

impl Converted {
    /// The amounts as a row prints them: each rounded half-even to the minor units. The grand
    /// total is not the sum of these, but of the unrounded amounts, rounded once.
    pub fn rounded(&self) -> (Option<Decimal>, Option<Decimal>) {
        let round = |amount: Option<Decimal>| amount.map(|a| round_money(a, self.places));
        (round(self.ending_ledger), round(self.ending_available))
    }
}

/// The totals of one profile that answered, per currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileSubtotal {
    pub profile: String,
    pub provider: String,
    pub by_currency: Vec<CurrencyTotal>,
    /// Whether accounts of this profile came back with errors, and so are missing here.
    pub has_account_errors: bool,
    /// How many: accounts with an error and no row (a stale row with an error is counted in).
    pub missing_accounts: usize,
}

/// A profile that failed as a whole: none of its accounts are in the totals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailedProfile {
    pub profile: String,
    pub provider: String,
    pub failure: Failure,
}

/// A per-account error of a report, with the profile it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileAccountError {
    pub profile: String,
    pub provider: String,
    pub error: AccountError,
}

/// The cash position across profiles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position {
    /// Profiles in the order given, each report's rows in its own order.
    pub rows: Vec<PositionRow>,
    /// Across all profiles that answered, in currency-code order.
    pub totals: Vec<CurrencyTotal>,
    /// One per profile that answered, in the order given.
    pub subtotals: Vec<ProfileSubtotal>,
    /// With `--in`: the grand total in the reporting currency.
    pub reporting: Option<ReportingTotal>,
    pub failed: Vec<FailedProfile>,
    pub account_errors: Vec<ProfileAccountError>,
    /// `--max-age`, as given, for the stale-row messages.
    pub max_age: Option<Duration>,
    /// Accounts a bank answered more than once: counted once, by their newest balance.
    pub repeated: Vec<String>,
}

/// How a position command ended, for `error.rs`'s exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Complete,
    /// Something is missing or stale: a failed profile, per-account errors, stale rows (exit 5).
    Partial,
    /// No profile answered: the first failing profile's own exit code.
    AllFailed {
        exit_code: u8,
    },
}

impl Verdict {
    pub fn exit_code(self) -> u8 {
        match self {
            Verdict::Complete => Outcome::Complete.exit_code(),
            Verdict::Partial => Outcome::Partial.exit_code(),
            Verdict::AllFailed { exit_code } => exit_code,
        }
    }
}

/// Builds the position from the profiles' parts, in the order given.
///
/// With `rates`, a currency without a rate is a usage error naming it (exit 2), unless
/// `skip_unrated`: then its rows stay, unconverted, and it is listed in the reporting total's
/// `unrated`. With `max_age`, rows recorded longer ago than that before `now` are marked stale.
pub fn build(
    parts: Vec<ProfilePart>,
    rates: Option<&Rates>,
    skip_unrated: bool,
    max_age: Option<Duration>,
    now: DateTime<Utc>,
) -> Result<Position> {
    if parts.is_empty() {
        return Err(Error::usage_hint(
            "a position needs at least one profile",
            "name the profiles with -p, such as -p uat -p eu",
        ));
    }
    let mut position = Position {
        rows: Vec::new(),
        totals: Vec::new(),
        subtotals: Vec::new(),
        reporting: None,
        failed: Vec::new(),
        account_errors: Vec::new(),
        max_age,
        repeated: Vec::new(),
    };
    let mut all = Totals::default();
    for part in parts {
        let report = match part.report {
            Ok(report) => report,
            Err(failure) => {
                position.failed.push(FailedProfile {
                    profile: part.profile,
                    provider: part.provider,
                    failure,
                });
                continue;
            }
        };
        let (report, repeated) = newest::newest_per_account(report, &part.profile);
        position.repeated.extend(repeated);
        let mut own = Totals::default();
        for row in &report.rows {
            all.add(row)?;
            own.add(row)?;
        }
        let missing = missing_accounts(&report);
        position.subtotals.push(ProfileSubtotal {
            profile: part.profile.clone(),
            provider: part.provider.clone(),
            by_currency: own.into_list(),
            has_account_errors: missing > 0,
            missing_accounts: missing,
        });
        position
            .account_errors
            .extend(report.errors.into_iter().map(|error| ProfileAccountError {
                profile: part.profile.clone(),
                provider: part.provider.clone(),
                error,
            }));
        position
            .rows
            .extend(report.rows.into_iter().map(|row| PositionRow {
                stale:
                    max_age.and_then(|max| age::staleness(&row.balance.record_timestamp, max, now)),
                profile: part.profile.clone(),
                provider: part.provider.clone(),
                converted: None,
                row,
            }));
    }
    position.totals = all.into_list();
    if let Some(rates) = rates {
        convert(&mut position, rates, skip_unrated)?;
    }
    Ok(position)
}

/// How to give `rates` a rate for `code`, in the layout the file has.
fn how_to_add_a_rate(rates: &Rates, code: &str) -> String {
    match rates.as_of {
        // A line added to the ECB layout would make the file invalid: it has one data line.
        Some(_) => format!(
            "add a column '{code}' to both lines of the ECB file (its rate as units per 1 {}), or use a 'CURRENCY,RATE' file",
            rates.base
        ),
        None => format!("add a line '{code},RATE' to the rates file"),
    }
}

/// Converts every rated row and computes the grand total; refuses unrated currencies unless told.
fn convert(position: &mut Position, rates: &Rates, skip_unrated: bool) -> Result<()> {
    let unrated: Vec<&str> = position
        .totals
        .iter()
        .map(|t| t.currency.as_str())
        .filter(|code| !rates.has(code))
        .collect();
    if !unrated.is_empty() && !skip_unrated {
        let list = unrated
            .iter()
            .map(|code| match code.is_empty() {
                true => no_currency(position),
                false => code.to_string(),
            })
            .collect::<Vec<_>>()
            .join(", ");
        return Err(Error::usage_hint(
            format!("{} has no rate for {list}", rates.source),
            match unrated.iter().find(|code| !code.is_empty()) {
                Some(code) => format!(
                    "{}, or pass --skip-unrated to leave {list} out of the {} total",
                    how_to_add_a_rate(rates, code),
                    rates.target
                ),
                None => format!(
                    "an account without a currency cannot be converted: pass --skip-unrated to leave it out of the {} total",
                    rates.target
                ),
            },
        ));
    }
    let places = totals::minor_units(&rates.target, &position.totals);
    for row in &mut position.rows {
        let balance = &row.row.balance;
        let code = &row.row.account.currency.code;
        if !rates.has(code) {
            continue;
        }
        let convert = |amount: Option<Decimal>| -> Result<Option<Decimal>> {
            amount
                .and_then(|amount| rates.convert(amount, code))
                .transpose()
        };
        row.converted = Some(Converted {
            currency: rates.target.clone(),
            places,
            ending_ledger: convert(balance.ending_ledger)?,
            ending_available: convert(balance.ending_available)?,
        });
    }
    position.reporting = Some(totals::reporting_total(&position.totals, rates, places)?);
    Ok(())
}

/// The accounts the bank named no currency for, as a rate error names them.
fn no_currency(position: &Position) -> String {
    let ids: Vec<&str> = position
        .rows
        .iter()
        .filter(|r| r.row.account.currency.code.is_empty())
        .map(|r| r.row.account.account_id.as_str())
        .collect();
    format!("accounts without a currency ({})", ids.join(", "))
}

impl Position {
    /// The rows marked stale, in row order.
    pub fn stale_rows(&self) -> impl Iterator<Item = &PositionRow> {
        self.rows.iter().filter(|row| row.stale.is_some())
    }

    /// Whether the totals cover every account of every profile asked for.
    pub fn is_complete(&self) -> bool {
        self.failed.is_empty() && self.account_errors.is_empty()
    }

    pub fn verdict(&self) -> Verdict {
        if self.subtotals.is_empty() {
            if let Some(first) = self.failed.first() {
                return Verdict::AllFailed {
                    exit_code: first.failure.exit_code,
                };
            }
        }
        if self.is_complete() && self.stale_rows().next().is_none() {
            Verdict::Complete
        } else {
            Verdict::Partial
        }
    }
}
