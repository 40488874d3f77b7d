//! Open Banking accounts and balances to the neutral report: which balance `Type` fills which
//! field, `Debit` as negative, string amounts parsed exactly, `DateTime` to UTC, and the
//! selection of requested accounts.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, NaiveDateTime, Utc};
use rust_decimal::Decimal;

use super::wire::{AccountRecord, BalanceRecord};
use crate::bank::mapping::{currency_of, names, timestamp};
use crate::model::{Account, AccountError, Balance, BalanceRow, Report};
use crate::query::AccountRef;

/// Report fields and the balance types that fill them, first present wins.
pub const OPENING_LEDGER: &[&str] = &["OpeningBooked"];
pub const OPENING_AVAILABLE: &[&str] = &["OpeningAvailable"];
pub const ENDING_LEDGER: &[&str] = &["InterimBooked", "ClosingBooked"];
pub const ENDING_AVAILABLE: &[&str] = &["InterimAvailable", "ClosingAvailable", "Expected"];

/// The scheme whose identification starts with the sort code (6 digits, then the account).
const SORT_CODE_SCHEME: &str = "UK.OBIE.SortCodeAccountNumber";

/// `AccountId` → account_id, `Nickname` (else the first identification's `Name`) →
/// account_name, the sort code of a UK sort-code identification → branch_id.
pub fn account_of(record: &AccountRecord, fallback_currency: Option<&str>) -> Account {
    let name = record
        .nickname
        .clone()
        .or_else(|| record.account.iter().find_map(|a| a.name.clone()))
        .unwrap_or_default();
    let branch = record
        .account
        .iter()
        .find(|a| a.scheme_name == SORT_CODE_SCHEME && a.identification.len() > 6)
        // A sort code is six digits; anything else there (even non-ASCII) must not panic.
        .and_then(|a| a.identification.get(..6))
        .map(str::to_string)
        .unwrap_or_default();
    Account {
        account_id: record.account_id.clone(),
        account_name: name,
        bank_id: String::new(),
        bank_name: String::new(),
        branch_id: branch,
        currency: currency_of(record.currency.as_deref().or(fallback_currency)),
    }
}

pub fn into_accounts(records: &[AccountRecord]) -> Vec<Account> {
    records.iter().map(|r| account_of(r, None)).collect()
}

/// The amount of one balance, exactly as sent, negative for `Debit`.
pub fn signed_amount(balance: &BalanceRecord) -> Result<Decimal, String> {
    let text = balance.amount.amount.trim();
    let mut amount = Decimal::from_str_exact(text)
        .map_err(|e| format!("the amount '{text}' is not a decimal ({e})"))?;
    match balance.credit_debit_indicator.as_str() {
        "Credit" => {}
        "Debit" => amount.set_sign_negative(!amount.is_zero()),
        other => {
            return Err(format!(
                "CreditDebitIndicator '{other}' is neither Credit nor Debit"
            ))
        }
    }
    Ok(amount)
}

/// An ISO 8601 `DateTime` as UTC; one without an offset is taken as UTC.
pub fn utc_of(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
                .ok()
                .map(|t| t.and_utc())
        })
}

/// The first balance of the listed types, in the order listed.
fn pick<'a>(balances: &[&'a BalanceRecord], types: &[&str]) -> Option<&'a BalanceRecord> {
    types
        .iter()
        .find_map(|t| balances.iter().copied().find(|b| b.balance_type == *t))
}

/// One current row from an account's balances: each field from its types (absent when none
/// is present, never zero), dated by the latest `DateTime` among the balances used.
pub fn balance_of(balances: &[&BalanceRecord]) -> Result<Balance, String> {
    let fields = [
        OPENING_AVAILABLE,
        OPENING_LEDGER,
        ENDING_AVAILABLE,
        ENDING_LEDGER,
    ]
    .map(|types| pick(balances, types));
    if fields.iter().all(Option::is_none) {
        let types: Vec<&str> = balances.iter().map(|b| b.balance_type.as_str()).collect();
        return Err(format!(
            "the bank sent no balance of a type the report uses (sent: {})",
            if types.is_empty() {
                "none".to_string()
            } else {
                types.join(", ")
            }
        ));
    }
    let mut at: Option<DateTime<Utc>> = None;
    let mut amounts: [Option<Decimal>; 4] = [None; 4];
    for (slot, field) in amounts.iter_mut().zip(fields) {
        *slot = match field {
            Some(balance) => {
                let when = utc_of(&balance.date_time).ok_or_else(|| {
                    format!(
                        "the DateTime '{}' is not an ISO 8601 time",
                        balance.date_time
                    )
                })?;
                at = Some(at.map_or(when, |a| a.max(when)));
                Some(signed_amount(balance)?)
            }
            None => None,
        };
    }
    let at = at.unwrap_or_else(Utc::now);
    let [opening_available, opening_ledger, ending_available, ending_ledger] = amounts;
    Ok(Balance {
        as_of_date: at.date_naive(),
        current_day: true,
        opening_available,
        opening_ledger,
        ending_available,
        ending_ledger,
        record_timestamp: timestamp(at),
    })
}

/// One row per listed account with balances, in the bank's account order; an account with
/// none, or with a balance that cannot be read, is a per-account error.
pub fn into_report(accounts: &[AccountRecord], balances: &[BalanceRecord]) -> Report {
    let mut by_account: HashMap<&str, Vec<&BalanceRecord>> = HashMap::new();
    for balance in balances {
        by_account
            .entry(balance.account_id.as_str())
            .or_default()
            .push(balance);
    }
    let mut report = Report::default();
    for record in accounts {
        let mine = by_account
            .remove(record.account_id.as_str())
            .unwrap_or_default();
        let currency = mine.first().map(|b| b.amount.currency.as_str());
        let account = Arc::new(account_of(record, currency));
        let outcome = match mine.is_empty() {
            true => Err("the bank returned no balance for this account".to_string()),
            false => balance_of(&mine),
        };
        match outcome {
            Ok(balance) => report.rows.push(BalanceRow { account, balance }),
            Err(why) => report.errors.push(AccountError {
                account_id: record.account_id.clone(),
                bank_id: String::new(),
                code: if mine.is_empty() {
                    "NO-DATA"
                } else {
                    "UNREADABLE"
                }
                .into(),
                message: why,
            }),
        }
    }
    report
}

/// Keeps the requested accounts' rows and errors (all when none are), in the requested order;
/// an account the bank does not list is a `NOT-FOUND` error.
pub fn select(report: Report, wanted: &[AccountRef]) -> Report {
    if wanted.is_empty() {
        return report;
    }
    let mut selected = Report::default();
    for want in wanted {
        let before = selected.rows.len() + selected.errors.len();
        let rows = report.rows.iter();
        selected.rows.extend(
            rows.filter(|r| names(want, &r.account.bank_id, &r.account.account_id))
                .cloned(),
        );
        let errors = report.errors.iter();
        selected.errors.extend(
            errors
                .filter(|e| names(want, &e.bank_id, &e.account_id))
                .cloned(),
        );
        if selected.rows.len() + selected.errors.len() == before {
            selected.errors.push(not_found(want));
        }
    }
    selected
}

/// The requested accounts among those listed (all when none are asked for).
pub fn wanted_records<'a>(
    records: &'a [AccountRecord],
    wanted: &[AccountRef],
) -> Vec<&'a AccountRecord> {
    records
        .iter()
        .filter(|r| wanted.is_empty() || wanted.iter().any(|w| names(w, "", &r.account_id)))
        .collect()
}

fn not_found(want: &AccountRef) -> AccountError {
    AccountError {
        account_id: want.account_id.clone(),
        bank_id: want.bank_id.clone().unwrap_or_default(),
        code: "NOT-FOUND".into(),
        message: format!(
            "the consent does not cover account {want}: run 'treasury accounts' to see the ones it does"
        ),
    }
}

/// Whether `next` may be followed from `current`: the same scheme, host and port only, so a
/// bank's link can never send the bearer token elsewhere.
pub fn same_origin(current: &reqwest::Url, next: &reqwest::Url) -> bool {
    current.scheme() == next.scheme()
        && current.host_str() == next.host_str()
        && current.port_or_known_default() == next.port_or_known_default()
}
