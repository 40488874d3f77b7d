//! Finicity account records to the neutral report: exact amounts, ISO 4217 minor units, epoch
//! seconds to UTC, pending and stale accounts, and the selection of requested accounts.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use super::wire::{AvailableBalance, CustomerAccount, CustomerAccounts};
use crate::model::{Account, AccountError, Balance, BalanceRow, Report};
use crate::query::AccountRef;

pub use crate::bank::mapping::{currency_of, names, timestamp, utc, FALLBACK_DECIMAL_PLACES};

/// What `accounts` appends to the name of an account Finicity still lists as `pending`.
pub const PENDING_SUFFIX: &str = " (pending)";

/// The account types the live available-balance endpoint supports (spec: `GetAvailableBalanceLive`).
pub const LIVE_TYPES: [&str; 4] = ["checking", "savings", "moneyMarket", "cd"];

pub fn is_pending(record: &CustomerAccount) -> bool {
    record
        .status
        .as_deref()
        .is_some_and(|s| s.eq_ignore_ascii_case("pending"))
}

/// The account as `treasury accounts` lists it: a pending one says so in its name.
pub fn listed_account(record: &CustomerAccount) -> Account {
    let mut account = account_of(record);
    if is_pending(record) {
        account.account_name.push_str(PENDING_SUFFIX);
    }
    account
}

/// The accounts of an answer, pending ones included and marked, in Finicity's order.
pub fn into_accounts(body: &CustomerAccounts) -> Vec<Account> {
    body.accounts.iter().map(listed_account).collect()
}

/// `id` → account_id, `name` → account_name, `institutionId` → bank_id; Finicity names no bank
/// and no branch, so those stay empty.
fn account_of(record: &CustomerAccount) -> Account {
    Account {
        account_id: record.id.clone(),
        account_name: record.name.clone().unwrap_or_default(),
        bank_id: record.institution_id.clone().unwrap_or_default(),
        bank_name: String::new(),
        branch_id: String::new(),
        currency: currency_of(record.currency.as_deref()),
    }
}

/// One current row per account that has a balance and a `balanceDate`; per-account errors for
/// pending accounts (partial records, no balance date), records without a balance, and a
/// failed last aggregation (the row stays: it may be stale).
pub fn into_report(body: &CustomerAccounts) -> Report {
    let mut report = Report::default();
    for record in &body.accounts {
        if is_pending(record) {
            // Partial records, whatever they carry: a pending account's balance is not one.
            report.errors.push(no_balance_error(record));
            continue;
        }
        let account = Arc::new(listed_account(record));
        match (record.balance, record.balance_date.map(epoch_time)) {
            (Some(_), Some(None)) => report.errors.push(bad_date_error(record)),
            (Some(ledger), Some(Some(at))) => {
                report.rows.push(BalanceRow {
                    account: Arc::clone(&account),
                    balance: current_balance(record, ledger, at),
                });
                if let Some(stale) = stale_error(record) {
                    report.errors.push(stale);
                }
            }
            _ => report.errors.push(no_balance_error(record)),
        }
    }
    report.errors.extend(body.unreadable.iter().cloned());
    report
}

/// Finicity's epoch time (seconds, per the spec) as a UTC instant. A value too large to be
/// seconds of this era (from 1e11, the year 5138) is read as milliseconds, as some answers
/// send; zero, negative values and ones no calendar holds are not a time (`None`).
pub fn epoch_time(value: i64) -> Option<DateTime<Utc>> {
    const MILLISECONDS_FROM: i64 = 100_000_000_000;
    match value {
        ..=0 => None,
        MILLISECONDS_FROM.. => DateTime::from_timestamp_millis(value),
        seconds => utc(seconds),
    }
}

fn bad_date_error(record: &CustomerAccount) -> AccountError {
    error_for(
        record,
        "BAD-DATE".into(),
        format!(
            "Finicity sent balanceDate {}, which is not a time: the balance is not reported",
            record.balance_date.unwrap_or_default()
        ),
    )
}

/// Finicity has no opening balances and, without `detail.availableBalanceAmount`, no available
/// one: those are absent (`None`), never zero and never a copy of the ledger balance.
/// docs/providers/finicity.md says so.
fn current_balance(record: &CustomerAccount, ledger: Decimal, at: DateTime<Utc>) -> Balance {
    let available = record
        .detail
        .as_ref()
        .and_then(|d| d.available_balance_amount);
    Balance {
        as_of_date: at.date_naive(),
        current_day: true,
        opening_available: None,
        opening_ledger: None,
        ending_available: available,
        ending_ledger: Some(ledger),
        record_timestamp: timestamp(at),
    }
}

/// `aggregationStatusCode` other than 0: Finicity's last refresh of the account failed.
fn stale_error(record: &CustomerAccount) -> Option<AccountError> {
    let code = record.aggregation_status_code.filter(|c| *c != 0)?;
    let since = match record.aggregation_success_date.and_then(epoch_time) {
        Some(at) => format!("last successful aggregation {}", timestamp(at)),
        None => "no successful aggregation on record".to_string(),
    };
    let attempted = record
        .aggregation_attempt_date
        .and_then(epoch_time)
        .map(|at| format!(", attempted {}", timestamp(at)))
        .unwrap_or_default();
    Some(error_for(
        record,
        format!("AGGREGATION-{code}"),
        format!(
            "Finicity's last aggregation failed (aggregationStatusCode {code}{attempted}); \
             the balance may be stale: {since}"
        ),
    ))
}

fn no_balance_error(record: &CustomerAccount) -> AccountError {
    match is_pending(record) {
        true => error_for(
            record,
            "PENDING".into(),
            "the account is pending activation at Finicity: its record is partial, with no \
             dated balance"
                .into(),
        ),
        false => error_for(
            record,
            "NO-DATA".into(),
            "Finicity returned no balance with a balanceDate for this account".into(),
        ),
    }
}

fn error_for(record: &CustomerAccount, code: String, message: String) -> AccountError {
    AccountError {
        account_id: record.id.clone(),
        bank_id: record.institution_id.clone().unwrap_or_default(),
        code,
        message,
    }
}

/// Keeps the rows and errors of the requested accounts (all when none are), in the requested
/// order; a requested account Finicity does not list is a `NOT-FOUND` error.
pub fn select(report: Report, wanted: &[AccountRef], customer_id: &str) -> Report {
    if wanted.is_empty() {
        return report;
    }
    let mut selected = Report::default();
    for want in wanted {
        let rows = report
            .rows
            .iter()
            .filter(|r| names(want, &r.account.bank_id, &r.account.account_id));
        let errors = report
            .errors
            .iter()
            .filter(|e| names(want, &e.bank_id, &e.account_id));
        let before = selected.rows.len() + selected.errors.len();
        selected.rows.extend(rows.cloned());
        selected.errors.extend(errors.cloned());
        if selected.rows.len() + selected.errors.len() == before {
            selected.errors.push(not_found(want, customer_id));
        }
    }
    selected
}

/// The listed accounts that were requested (all when none are), and a `NOT-FOUND` error for
/// each requested account Finicity does not list.
pub fn select_accounts(
    accounts: Vec<Account>,
    wanted: &[AccountRef],
    customer_id: &str,
) -> (Vec<Account>, Vec<AccountError>) {
    if wanted.is_empty() {
        return (accounts, Vec::new());
    }
    let mut kept = Vec::new();
    let mut errors = Vec::new();
    for want in wanted {
        let found: Vec<_> = accounts
            .iter()
            .filter(|a| names(want, &a.bank_id, &a.account_id))
            .cloned()
            .collect();
        if found.is_empty() {
            errors.push(not_found(want, customer_id));
        }
        kept.extend(found);
    }
    (kept, errors)
}

fn not_found(want: &AccountRef, customer_id: &str) -> AccountError {
    AccountError {
        account_id: want.account_id.clone(),
        bank_id: want.bank_id.clone().unwrap_or_default(),
        code: "NOT-FOUND".into(),
        message: format!(
            "Finicity does not list account {want} for customer {customer_id}: run 'treasury accounts' to see the ones it does"
        ),
    }
}

/// Replaces a row's balances with a live answer: `clearedBalance` → ending_ledger,
/// `availableBalance` → ending_available, `clearedBalanceDate` (else `availableBalanceDate`)
/// → as_of_date and record_timestamp.
pub fn apply_live(row: &mut BalanceRow, live: &AvailableBalance) {
    let balance = &mut row.balance;
    balance.ending_ledger = Some(live.cleared_balance);
    balance.ending_available = Some(live.available_balance);
    let at = live
        .cleared_balance_date
        .or(live.available_balance_date)
        .and_then(epoch_time);
    if let Some(at) = at {
        balance.as_of_date = at.date_naive();
        balance.record_timestamp = timestamp(at);
    }
}
