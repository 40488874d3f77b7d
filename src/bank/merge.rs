//! Several answers become one report: every requested account accounted for (rows, its own
//! error, or MISSING), the failing request of several named, duplicates dropped or refused,
//! rows in the user's order with dates ascending.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::NaiveDate;

use super::Spec;
use crate::error::{BankError, Error, Result};
use crate::model::{Account, AccountError, BalanceRow, Report};
use crate::query::{AccountRef, BalanceRequest, DateSpan};

/// A report with the warnings about what was dropped from it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fetched {
    pub report: Report,
    pub warnings: Vec<String>,
}

/// The code and text of the per-account error for an account the answer left out.
pub const MISSING: &str = "MISSING";
const MISSING_MESSAGE: &str = "the bank's answer left this account out";

/// Adds a `MISSING` error for each requested account the answer has neither rows nor an error
/// for. An account requested without a bank id is answered by any account with its id.
pub fn complete(mut report: Report, requested: &[AccountRef]) -> Report {
    if requested.is_empty() {
        return report;
    }
    let mut answered: HashSet<(&str, &str)> = HashSet::new();
    let mut answered_ids: HashSet<&str> = HashSet::new();
    // Providers without bank ids (FDX, open banking) answer `BANK/ID` by the id alone, as their
    // own selection does.
    let mut unbanked_ids: HashSet<&str> = HashSet::new();
    let answers = report
        .rows
        .iter()
        .map(|r| (r.account.bank_id.as_str(), r.account.account_id.as_str()))
        .chain(
            report
                .errors
                .iter()
                .map(|e| (e.bank_id.as_str(), e.account_id.as_str())),
        );
    for (bank, id) in answers {
        answered.insert((bank, id));
        answered_ids.insert(id);
        if bank.is_empty() {
            unbanked_ids.insert(id);
        }
    }
    let missing: Vec<AccountError> = requested
        .iter()
        .filter(|a| match &a.bank_id {
            Some(bank) => {
                !answered.contains(&(bank.as_str(), a.account_id.as_str()))
                    && !unbanked_ids.contains(a.account_id.as_str())
            }
            None => !answered_ids.contains(a.account_id.as_str()),
        })
        .map(|a| missing_error(a, MISSING, MISSING_MESSAGE))
        .collect();
    report.errors.extend(missing);
    report
}

fn missing_error(account: &AccountRef, code: &str, message: &str) -> AccountError {
    AccountError {
        account_id: account.account_id.clone(),
        bank_id: account.bank_id.clone().unwrap_or_default(),
        code: code.to_string(),
        message: message.to_string(),
    }
}

/// The provider's "none of the requested accounts exist" (J.P. Morgan's GCA-009) for a request
/// that named accounts: with `--split` that is about this batch only, not the whole run.
pub(super) fn batch_not_found(spec: &Spec, bank: &BankError, request: &BalanceRequest) -> bool {
    let code = bank.code.as_deref();
    code.is_some() && code == spec.none_found_code && !request.accounts.is_empty()
}

pub(super) fn not_found_report(bank: &BankError, requested: &[AccountRef]) -> Report {
    let code = bank.code.as_deref().unwrap_or_default();
    Report {
        rows: Vec::new(),
        errors: requested
            .iter()
            .map(|a| missing_error(a, code, &bank.message))
            .collect(),
    }
}

/// Names the failing request of several: its dates and its batch of accounts.
pub(super) fn in_request(err: Error, request: &BalanceRequest, order: &[AccountRef]) -> Error {
    let label = request_label(request, order);
    match err {
        Error::Rejected(mut bank) => {
            bank.message = format!("{} [{label}]", bank.message);
            Error::Rejected(bank)
        }
        Error::Usage { message, hint } => Error::Usage {
            message: format!("{message} [{label}]"),
            hint,
        },
        Error::Auth { message, hint } => Error::Auth {
            message: format!("{message} [{label}]"),
            hint,
        },
        Error::Unavailable { message, hint } => Error::Unavailable {
            message: format!("{message} [{label}]"),
            hint,
        },
        Error::Internal(e) => Error::Internal(e.context(label)),
        other @ Error::Empty { .. } => other,
    }
}

/// `window 2026-01-01..2026-01-31, accounts 201-400 of 450`.
pub fn request_label(request: &BalanceRequest, order: &[AccountRef]) -> String {
    let window = match request.span {
        DateSpan::CurrentDay => "current day".to_string(),
        DateSpan::PriorDay => "prior day".to_string(),
        DateSpan::Range { from, to } => format!("window {from}..{to}"),
    };
    let Some(first) = request.accounts.first() else {
        return format!("{window}, all accounts");
    };
    let start = order.iter().position(|a| a == first).unwrap_or(0);
    let end = start + request.accounts.len();
    let total = order.len().max(end);
    match request.accounts.len() {
        1 => format!("{window}, account {end} of {total}"),
        _ => format!("{window}, accounts {}-{end} of {total}", start + 1),
    }
}

/// Drops rows the report holds more than once for one (bank id, account id, as-of date), with
/// one warning per account; the same key with different amounts is a malformed answer.
pub fn dedupe_rows(report: Report) -> Result<Fetched> {
    let (drop, dropped) = duplicates(&report.rows)?;
    let warnings = dropped
        .into_iter()
        .map(|(account, count)| {
            format!(
                "account {account} came back more than once ({count} duplicate {} dropped): it was asked for in two forms, or the bank repeated it; showing it once",
                if count == 1 { "row" } else { "rows" }
            )
        })
        .collect();
    let Report { mut rows, errors } = report;
    if !drop.is_empty() {
        let mut index = 0;
        rows.retain(|_| {
            index += 1;
            !drop.contains(&(index - 1))
        });
    }
    Ok(Fetched {
        report: Report { rows, errors },
        warnings,
    })
}

/// The positions of rows that repeat an earlier row, and per account how many were repeats.
/// Keys borrow from the rows: this runs over every row of a large report.
type Repeats = (HashSet<usize>, Vec<(String, usize)>);

fn duplicates(rows: &[BalanceRow]) -> Result<Repeats> {
    let mut seen: HashMap<(&str, &str, NaiveDate), usize> = HashMap::with_capacity(rows.len());
    let mut drop = HashSet::new();
    let mut counts: Vec<((&str, &str), usize)> = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let account = (
            row.account.bank_id.as_str(),
            row.account.account_id.as_str(),
        );
        let first = *seen
            .entry((account.0, account.1, row.balance.as_of_date))
            .or_insert(i);
        if first == i {
            continue;
        }
        if !same_amounts(&rows[first], row) {
            return Err(conflicting(row));
        }
        drop.insert(i);
        match counts.iter_mut().find(|(a, _)| *a == account) {
            Some((_, count)) => *count += 1,
            None => counts.push((account, 1)),
        }
    }
    let counts = counts
        .into_iter()
        .map(|((bank, id), count)| (display_account(bank, id), count))
        .collect();
    Ok((drop, counts))
}

fn same_amounts(a: &BalanceRow, b: &BalanceRow) -> bool {
    let (a, b) = (&a.balance, &b.balance);
    a.opening_available == b.opening_available
        && a.opening_ledger == b.opening_ledger
        && a.ending_available == b.ending_available
        && a.ending_ledger == b.ending_ledger
}

fn conflicting(row: &BalanceRow) -> Error {
    let account = display_account(&row.account.bank_id, &row.account.account_id);
    Error::Unavailable {
        message: format!(
            "the bank's answer is malformed: it holds account {account} on {} more than once, with different balances",
            row.balance.as_of_date
        ),
        hint: Some(
            "no report was written, since either set of balances could be wrong; try again later, and if it persists, contact the bank's API support".into(),
        ),
    }
}

fn display_account(bank: &str, id: &str) -> String {
    match bank.is_empty() {
        true => id.to_string(),
        false => format!("{bank}/{id}"),
    }
}

/// Concatenates reports and orders them: by the position of each account in `order` (accounts
/// not in it after, in the order they first appeared), then by as-of date.
pub fn merge(parts: impl IntoIterator<Item = Report>, order: &[AccountRef]) -> Report {
    let mut report = Report::default();
    for mut part in parts {
        report.rows.append(&mut part.rows);
        report.errors.append(&mut part.errors);
    }
    let mut positions = Positions::new(order);
    let rows = sort_rows(report.rows, &mut positions);
    Report {
        rows,
        errors: sort_errors(report.errors, &mut positions),
    }
}

/// Errors by account position (arrival order within one), each named once: split windows each
/// report the same failing account.
pub(super) fn sort_errors(
    errors: Vec<AccountError>,
    positions: &mut Positions,
) -> Vec<AccountError> {
    let mut errors: Vec<_> = errors
        .into_iter()
        .map(|e| (positions.of(&e.bank_id, &e.account_id), e))
        .collect();
    errors.sort_by_key(|(position, _)| *position);
    errors.dedup_by(|(_, a), (_, b)| a == b);
    errors.into_iter().map(|(_, e)| e).collect()
}

/// Orders rows by account position, then date, then arrival (the sort is stable). Rows of one
/// account share their `Account`, so its position is looked up once per run of rows; the keys
/// are computed once and the rows permuted in place: this is the hot path of a large report.
pub(super) fn sort_rows(mut rows: Vec<BalanceRow>, positions: &mut Positions) -> Vec<BalanceRow> {
    // A lone row is numbered too (the sort would skip it): accounts nobody asked for are
    // numbered in the order they first appear, rows before errors, however many rows there are.
    if let [row] = rows.as_slice() {
        positions.of(&row.account.bank_id, &row.account.account_id);
    }
    let mut last: Option<(*const Account, usize)> = None;
    rows.sort_by_cached_key(|row| {
        let account = Arc::as_ptr(&row.account);
        let position = match last {
            Some((seen, position)) if seen == account => position,
            _ => positions.of(&row.account.bank_id, &row.account.account_id),
        };
        last = Some((account, position));
        (position, row.balance.as_of_date)
    });
    rows
}

/// Where each account goes: its place in the given order, else after all of them in the order
/// first seen. Borrows the order (a run of 100,000 accounts holds it once) and looks accounts
/// up without allocating: this runs for every row.
pub(super) struct Positions<'a> {
    order: &'a [AccountRef],
    /// Per account id, the first place in `order` with that id.
    first: HashMap<&'a str, usize>,
    /// Per place, the next place with the same id and another bank (`usize::MAX`: none).
    next: Vec<usize>,
    /// How many distinct (bank, id) keys `order` holds.
    keys: usize,
    seen: HashMap<(String, String), usize>,
}

impl<'a> Positions<'a> {
    pub(super) fn new(order: &'a [AccountRef]) -> Self {
        let mut first: HashMap<&'a str, usize> = HashMap::with_capacity(order.len());
        let mut next = vec![usize::MAX; order.len()];
        let mut keys = 0;
        for (i, account) in order.iter().enumerate() {
            let Some(&head) = first.get(account.account_id.as_str()) else {
                first.insert(&account.account_id, i);
                keys += 1;
                continue;
            };
            // Append to the id's chain unless the same key is already on it.
            let mut at = head;
            loop {
                if order[at].bank_id == account.bank_id {
                    break;
                }
                if next[at] == usize::MAX {
                    next[at] = i;
                    keys += 1;
                    break;
                }
                at = next[at];
            }
        }
        Positions {
            order,
            first,
            next,
            keys,
            seen: HashMap::new(),
        }
    }

    /// The first place of `account_id` whose bank is `bank`.
    fn find(&self, bank: Option<&str>, account_id: &str) -> Option<usize> {
        let mut at = *self.first.get(account_id)?;
        loop {
            if self.order[at].bank_id.as_deref() == bank {
                return Some(at);
            }
            at = *self.next.get(at).filter(|n| **n != usize::MAX)?;
        }
    }

    /// The place of an account in the given order, if it is there (by bank and id, else by id).
    pub(super) fn given(&self, bank_id: &str, account_id: &str) -> Option<usize> {
        self.find(Some(bank_id), account_id)
            .or_else(|| self.find(None, account_id))
    }

    /// The place of a requested account.
    pub(super) fn of_requested(&self, account: &AccountRef) -> Option<usize> {
        self.find(account.bank_id.as_deref(), &account.account_id)
    }

    pub(super) fn of(&mut self, bank_id: &str, account_id: &str) -> usize {
        if let Some(i) = self.given(bank_id, account_id) {
            return i;
        }
        let next = self.keys + self.seen.len();
        *self
            .seen
            .entry((bank_id.to_string(), account_id.to_string()))
            .or_insert(next)
    }
}
