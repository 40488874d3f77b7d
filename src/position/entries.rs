//! A position flattened for output: its total rows, its `errors` entries and its footer notes,
//! each in one fixed order so every format says the same thing.

use super::{Position, ProfileSubtotal};
use crate::error::Outcome;
use crate::position::{Absent, CurrencyTotal};
use rust_decimal::Decimal;

/// Which sum a total row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// One profile's total of one currency.
    Profile,
    /// One currency across all profiles.
    Currency,
    /// The grand total in the reporting currency (`--in`).
    Reporting,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Profile => "profile",
            Scope::Currency => "currency",
            Scope::Reporting => "reporting",
        }
    }
}

/// One line of the totals, with the fields of `TOTAL_FIELDS`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TotalRow {
    pub scope: Scope,
    /// Empty except for `Scope::Profile`.
    pub profile: String,
    pub provider: String,
    pub currency: String,
    /// Fraction digits to print the amounts with.
    pub places: u32,
    pub rows: usize,
    /// `None` when every row's amount was absent.
    pub ending_ledger: Option<Decimal>,
    pub ending_available: Option<Decimal>,
    /// False when accounts that belong in this sum are missing from it.
    pub complete: bool,
    /// Rows whose amount the bank did not send: left out of the sums.
    pub absent: Absent,
}

/// A sum over `rows` rows of which `absent` had no amount: absent itself when all were.
fn sum_of(sum: Decimal, rows: usize, absent: usize) -> Option<Decimal> {
    (absent < rows || rows == 0).then_some(sum)
}

/// What kind of problem an `errors` entry reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// A whole profile failed: none of its accounts are in the totals.
    Profile,
    /// The bank answered an account with an error instead of balances.
    Account,
    /// A row older than `--max-age`, or of unknown age; it is in the totals.
    Stale,
    /// A currency without a rate, left out of the grand total (`--skip-unrated`); `code` names it.
    Unrated,
}

impl ErrorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Profile => "profile",
            ErrorKind::Account => "account",
            ErrorKind::Stale => "stale",
            ErrorKind::Unrated => "unrated",
        }
    }
}

/// One entry of JSON `errors`, with the fields of `ERROR_FIELDS`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorEntry {
    pub kind: ErrorKind,
    pub profile: String,
    pub provider: String,
    /// Empty for a failed profile.
    pub account_id: String,
    pub bank_id: String,
    /// The bank's code for an account error, the currency for an unrated one; empty otherwise.
    pub code: String,
    pub message: String,
    /// The exit code this problem alone would give (0 for an unrated currency).
    pub exit_code: u8,
}

impl Position {
    /// Per-profile subtotals (profiles as given), then per-currency totals, then the grand total.
    pub fn total_rows(&self) -> Vec<TotalRow> {
        let mut rows: Vec<TotalRow> = self.subtotals.iter().flat_map(profile_rows).collect();
        let complete = self.is_complete();
        rows.extend(
            self.totals
                .iter()
                .map(|t| total_row(Scope::Currency, "", "", t, complete)),
        );
        if let Some(r) = &self.reporting {
            rows.push(TotalRow {
                scope: Scope::Reporting,
                profile: String::new(),
                provider: String::new(),
                currency: r.currency.clone(),
                places: r.places,
                rows: r.rows,
                ending_ledger: sum_of(r.ending_ledger, r.rows, r.absent.ending_ledger),
                ending_available: sum_of(r.ending_available, r.rows, r.absent.ending_available),
                complete: complete && r.unrated.is_empty(),
                absent: r.absent,
            });
        }
        rows
    }

    /// Failed profiles, per-account errors, stale rows (each in profile order), unrated currencies.
    pub fn errors(&self) -> Vec<ErrorEntry> {
        let partial = Outcome::Partial.exit_code();
        let failed = self.failed.iter().map(|f| ErrorEntry {
            kind: ErrorKind::Profile,
            profile: f.profile.clone(),
            provider: f.provider.clone(),
            account_id: String::new(),
            bank_id: String::new(),
            code: String::new(),
            message: f.failure.message.clone(),
            exit_code: f.failure.exit_code,
        });
        let accounts = self.account_errors.iter().map(|e| ErrorEntry {
            kind: ErrorKind::Account,
            profile: e.profile.clone(),
            provider: e.provider.clone(),
            account_id: e.error.account_id.clone(),
            bank_id: e.error.bank_id.clone(),
            code: e.error.code.clone(),
            message: e.error.message.clone(),
            exit_code: partial,
        });
        let max_age = self.max_age.unwrap_or_default();
        let stale = self.rows.iter().filter_map(|r| {
            let reason = r.stale.as_ref()?;
            Some(ErrorEntry {
                kind: ErrorKind::Stale,
                profile: r.profile.clone(),
                provider: r.provider.clone(),
                account_id: r.row.account.account_id.clone(),
                bank_id: r.row.account.bank_id.clone(),
                code: String::new(),
                message: reason.describe(&r.row.balance.record_timestamp, max_age),
                exit_code: partial,
            })
        });
        let unrated = self.reporting.iter().flat_map(|r| {
            r.unrated.iter().map(|code| ErrorEntry {
                kind: ErrorKind::Unrated,
                profile: String::new(),
                provider: String::new(),
                account_id: String::new(),
                bank_id: String::new(),
                code: code.clone(),
                message: format!(
                    "no rate for {code}: left out of the {} total (--skip-unrated)",
                    r.currency
                ),
                exit_code: Outcome::Complete.exit_code(),
            })
        });
        failed.chain(accounts).chain(stale).chain(unrated).collect()
    }

    /// Sentences for the table's footer (and stderr) on whatever the totals leave out or doubt.
    pub fn notes(&self) -> Vec<String> {
        let mut notes: Vec<String> = self
            .failed
            .iter()
            .map(|f| {
                format!(
                    "profile '{}' ({}) failed and is not in the totals: {}",
                    f.profile, f.provider, f.failure.message
                )
            })
            .collect();
        for subtotal in self.subtotals.iter().filter(|s| s.has_account_errors) {
            let n = subtotal.missing_accounts;
            notes.push(format!(
                "profile '{}': {} not in the totals (the bank answered {} with an error)",
                subtotal.profile,
                plural(n, "account is", "accounts are"),
                if n == 1 { "it" } else { "them" }
            ));
        }
        if let Some(r) = self.reporting.as_ref().filter(|r| !r.unrated.is_empty()) {
            notes.push(format!(
                "the {} total leaves out {} (no rate, --skip-unrated)",
                r.currency,
                r.unrated.join(", ")
            ));
        }
        notes.extend(self.repeated.iter().cloned());
        let stale = self.stale_rows().count();
        if stale > 0 {
            notes.push(format!(
                "{} stale (older than --max-age {}, or of unknown age)",
                plural(stale, "row is", "rows are"),
                super::age::format_duration(self.max_age.unwrap_or_default())
            ));
        }
        notes
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn profile_rows(subtotal: &ProfileSubtotal) -> Vec<TotalRow> {
    subtotal
        .by_currency
        .iter()
        .map(|t| {
            total_row(
                Scope::Profile,
                &subtotal.profile,
                &subtotal.provider,
                t,
                !subtotal.has_account_errors,
            )
        })
        .collect()
}

fn total_row(
    scope: Scope,
    profile: &str,
    provider: &str,
    t: &CurrencyTotal,
    complete: bool,
) -> TotalRow {
    TotalRow {
        scope,
        profile: profile.to_string(),
        provider: provider.to_string(),
        currency: t.currency.clone(),
        places: t.places,
        rows: t.rows,
        ending_ledger: sum_of(t.ending_ledger, t.rows, t.absent.ending_ledger),
        ending_available: sum_of(t.ending_available, t.rows, t.absent.ending_available),
        complete,
        absent: t.absent,
    }
}
