//! Open Banking accounts and balances to the neutral report: which balance `Type` fills which
//! field, `Debit` as negative, string amounts parsed exactly, `DateTime` to UTC, and the
//! selection of requested accounts.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use rust_decimal::Decimal;

use super::wire::{AccountRecord, BalanceRecord};
use crate::bank::mapping::{currency_of, names, timestamp};
use crate::model::{Account, AccountError, Balance, BalanceRow, Report};
use crate::query::AccountRef;

/// Report fields and the balance types that fill them, first present wins (its newest).
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

/// Of the first listed type present, its newest balance (latest `DateTime`; the later one in
/// the answer on a tie): with several balances of one type, the first sent is not the one.
fn pick<'a>(balances: &[&'a BalanceRecord], types: &[&str]) -> Option<&'a BalanceRecord> {
    types.iter().find_map(|t| {
        balances
            .iter()
            .copied()
            .filter(|b| b.balance_type == *t)
            .max_by_key(|b| utc_of(&b.date_time))
    })
}

/// One row from balances of one day: each field from its types (absent when none is present,
/// never zero), dated by the newest `DateTime` among the balances that fed it.
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
    for (slot, balance) in amounts.iter_mut().zip(fields) {
        let Some(balance) = balance else { continue };
        let when = time_of(balance)?;
        at = Some(at.map_or(when, |a| a.max(when)));
        *slot = Some(signed_amount(balance)?);
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

fn time_of(balance: &BalanceRecord) -> Result<DateTime<Utc>, String> {
    utc_of(&balance.date_time).ok_or_else(|| {
        format!(
            "the DateTime '{}' is not an ISO 8601 time",
            balance.date_time
        )
    })
}

/// An account's rows: one per UTC day its balances are dated (ascending), so a row is dated
/// by the balances that fed it and yesterday's `ClosingBooked` never passes for today's. Every
/// balance must be readable; a day whose balances fill no field has no row.
pub fn rows_of(balances: &[&BalanceRecord]) -> Result<Vec<Balance>, String> {
    let mut days: BTreeMap<NaiveDate, Vec<&BalanceRecord>> = BTreeMap::new();
    for balance in balances {
        signed_amount(balance)?;
        days.entry(time_of(balance)?.date_naive())
            .or_default()
            .push(balance);
    }
    let rows: Vec<Balance> = days
        .values()
        .filter_map(|day| balance_of(day).ok())
        .collect();
    match rows.is_empty() {
        true => balance_of(balances).map(|b| vec![b]),
        false => Ok(rows),
    }
}

/// The balances of one account in its own currency, and an error naming those in another
/// (a EUR balance on a GBP account is never reported, converted or counted as GBP).
fn in_currency<'a>(
    record: &AccountRecord,
    mine: Vec<&'a BalanceRecord>,
    code: &str,
) -> (Vec<&'a BalanceRecord>, Option<AccountError>) {
    let (same, other): (Vec<&BalanceRecord>, Vec<&BalanceRecord>) = mine
        .into_iter()
        .partition(|b| b.amount.currency.trim().eq_ignore_ascii_case(code));
    let error = (!other.is_empty()).then(|| {
        let sent: Vec<String> = other
            .iter()
            .map(|b| format!("{} in {}", b.balance_type, b.amount.currency))
            .collect();
        AccountError {
            account_id: record.account_id.clone(),
            bank_id: String::new(),
            code: "OTHER-CURRENCY".into(),
            message: format!(
                "the bank sent balances in another currency than the account's {code} ({}): not reported",
                sent.join(", ")
            ),
        }
    });
    (same, error)
}

/// One or more rows per account with balances, listed accounts in the bank's order, then
/// accounts with balances the listing left out; an account with none, with a balance that
/// cannot be read (or one in `unreadable`), is a per-account error.
pub fn into_report(
    accounts: &[AccountRecord],
    balances: &[BalanceRecord],
    unreadable: &[AccountError],
) -> Report {
    let mut order: Vec<&str> = Vec::new();
    let mut by_account: HashMap<&str, Vec<&BalanceRecord>> = HashMap::new();
    for balance in balances {
        let list = by_account.entry(balance.account_id.as_str()).or_default();
        if list.is_empty() {
            order.push(balance.account_id.as_str());
        }
        list.push(balance);
    }
    let unlisted: Vec<AccountRecord> = order
        .iter()
        .filter(|id| !accounts.iter().any(|a| a.account_id == **id))
        .map(|id| AccountRecord {
            account_id: id.to_string(),
            ..Default::default()
        })
        .collect();
    let mut report = Report::default();
    for record in accounts.iter().chain(&unlisted) {
        let mine = by_account
            .remove(record.account_id.as_str())
            .unwrap_or_default();
        if let Some(bad) = unreadable
            .iter()
            .find(|e| e.account_id == record.account_id)
        {
            report.errors.push(bad.clone());
            continue;
        }
        account_rows(record, mine, &mut report);
    }
    report
}

fn account_rows(record: &AccountRecord, mine: Vec<&BalanceRecord>, report: &mut Report) {
    let currency = mine.first().map(|b| b.amount.currency.as_str());
    let account = Arc::new(account_of(record, currency));
    let (mine, other) = in_currency(record, mine, &account.currency.code);
    report.errors.extend(other);
    let outcome = match mine.is_empty() {
        true => Err("the bank returned no balance for this account".to_string()),
        false => rows_of(&mine),
    };
    match outcome {
        Ok(rows) => report
            .rows
            .extend(rows.into_iter().map(|balance| BalanceRow {
                account: Arc::clone(&account),
                balance,
            })),
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
