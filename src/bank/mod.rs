//! The seam between the CLI and any bank API: connect with credentials, list accounts, fetch
//! balances (many requests at once, merged into one report in the user's order).

pub mod chase;
pub mod finicity;
pub mod jpmorgan;
pub mod provider;

pub use provider::{Options, Provider, Spec};

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::NaiveDate;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::config::Profile;
use crate::credentials::Access;
use crate::error::{BankError, Error, Result};
use crate::http::RetryPolicy;
use crate::model::{Account, AccountError, BalanceRow, Report};
use crate::oauth::AccessToken;
use crate::query::{AccountRef, BalanceRequest, DateSpan};

/// Every provider, by its `provider =` name. A new provider adds its line here.
pub static PROVIDERS: &[&Spec] = &[&jpmorgan::SPEC, &finicity::SPEC, &chase::SPEC];

/// The provider named `name`, if this version knows it.
pub fn spec(name: &str) -> Option<&'static Spec> {
    PROVIDERS.iter().copied().find(|spec| spec.name == name)
}

/// A connected bank: credentials exchanged, ready for requests.
#[derive(Debug, Clone)]
pub struct Bank {
    client: Arc<dyn Provider>,
}

impl Bank {
    /// Prepares the provider's client for a profile; a token is fetched with the first request.
    pub fn connect(
        profile: &Profile,
        access: Access,
        retry: RetryPolicy,
        options: Options,
    ) -> Result<Bank> {
        let client = (profile.provider.connect)(profile, access, retry, options)?;
        Ok(Bank { client })
    }

    /// Proves the credentials work with one request: a token request, or where there is no
    /// token an account listing. Returns the token, if there is one.
    pub async fn verify(&self) -> Result<Option<AccessToken>> {
        self.client.verify().await
    }

    pub async fn accounts(&self) -> Result<Vec<Account>> {
        self.client.accounts().await
    }

    /// Runs the requests, at most `concurrency` at once, and merges the answers: accounts in the
    /// order given (the bank's order where none were given), dates ascending. Every requested
    /// account ends as rows or as an error; duplicate rows are dropped with a warning.
    pub async fn balances(
        &self,
        requests: Vec<BalanceRequest>,
        order: &[AccountRef],
        concurrency: usize,
        on_done: impl Fn(),
    ) -> Result<Fetched> {
        let requests: Vec<Arc<BalanceRequest>> = requests.into_iter().map(Arc::new).collect();
        let permits = Arc::new(Semaphore::new(concurrency.max(1)));
        let mut tasks = JoinSet::new();
        for (index, request) in requests.iter().enumerate() {
            let client = self.client.clone();
            let permits = Arc::clone(&permits);
            let request = Arc::clone(request);
            tasks.spawn(async move {
                let _permit = permits.acquire_owned().await;
                (index, client.balances(&request).await)
            });
        }
        let several = requests.len() > 1;
        let mut parts = Vec::new();
        let mut not_found = Vec::new();
        while let Some(joined) = tasks.join_next().await {
            let (index, result) = joined.map_err(|e| Error::Internal(e.into()))?;
            let request = &requests[index];
            // The first failure ends the run; the remaining tasks are aborted on drop.
            let part = match result {
                Ok(report) => complete(report, &request.accounts),
                Err(Error::Rejected(bank)) if several && batch_not_found(&bank, request) => {
                    not_found.push(bank.clone());
                    not_found_report(&bank, &request.accounts)
                }
                Err(e) if several => return Err(in_request(e, request, order)),
                Err(e) => return Err(e),
            };
            parts.push((index, part));
            on_done();
        }
        // Every batch unknown is what one unsplit request would have been refused for.
        if not_found.len() == requests.len() {
            if let Some(bank) = not_found.into_iter().next() {
                return Err(Error::Rejected(bank));
            }
        }
        parts.sort_by_key(|(index, _)| *index);
        let merged = merge(parts.into_iter().map(|(_, report)| report), order);
        dedupe_rows(merged)
    }
}

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
    }
    let missing: Vec<AccountError> = requested
        .iter()
        .filter(|a| match &a.bank_id {
            Some(bank) => !answered.contains(&(bank.as_str(), a.account_id.as_str())),
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

/// GCA-009 ("none of the requested accounts exist") for a request that named accounts: with
/// `--split` that is about this batch only, not the whole run.
fn batch_not_found(bank: &BankError, request: &BalanceRequest) -> bool {
    bank.code.as_deref() == Some("GCA-009") && !request.accounts.is_empty()
}

fn not_found_report(bank: &BankError, requested: &[AccountRef]) -> Report {
    Report {
        rows: Vec::new(),
        errors: requested
            .iter()
            .map(|a| missing_error(a, "GCA-009", &bank.message))
            .collect(),
    }
}

/// Names the failing request of several: its dates and its batch of accounts.
fn in_request(err: Error, request: &BalanceRequest, order: &[AccountRef]) -> Error {
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
    let mut errors: Vec<_> = report
        .errors
        .into_iter()
        .map(|e| (positions.of(&e.bank_id, &e.account_id), e))
        .collect();
    errors.sort_by_key(|(position, _)| *position);
    // Split windows each report the same failing account: name it once.
    errors.dedup_by(|(_, a), (_, b)| a == b);
    Report {
        rows,
        errors: errors.into_iter().map(|(_, e)| e).collect(),
    }
}

/// Orders rows by account position, then date, then arrival (the sort is stable). Rows of one
/// account share their `Account`, so its position is looked up once per run of rows; the keys
/// are computed once and the rows permuted in place: this is the hot path of a large report.
fn sort_rows(mut rows: Vec<BalanceRow>, positions: &mut Positions) -> Vec<BalanceRow> {
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

struct Positions {
    given: HashMap<(Option<String>, String), usize>,
    seen: HashMap<(String, String), usize>,
}

impl Positions {
    fn new(order: &[AccountRef]) -> Self {
        let mut given = HashMap::new();
        for (i, account) in order.iter().enumerate() {
            given
                .entry((account.bank_id.clone(), account.account_id.clone()))
                .or_insert(i);
        }
        Positions {
            given,
            seen: HashMap::new(),
        }
    }

    fn of(&mut self, bank_id: &str, account_id: &str) -> usize {
        let with_bank = (Some(bank_id.to_string()), account_id.to_string());
        let without_bank = (None, account_id.to_string());
        if let Some(i) = self
            .given
            .get(&with_bank)
            .or_else(|| self.given.get(&without_bank))
        {
            return *i;
        }
        let next = self.given.len() + self.seen.len();
        *self
            .seen
            .entry((bank_id.to_string(), account_id.to_string()))
            .or_insert(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Balance, BalanceRow, Currency};
    use chrono::NaiveDate;

    fn row(bank: &str, id: &str, day: u32) -> BalanceRow {
        BalanceRow {
            account: Arc::new(Account {
                account_id: id.into(),
                account_name: String::new(),
                bank_id: bank.into(),
                bank_name: String::new(),
                branch_id: String::new(),
                currency: Currency {
                    code: "USD".into(),
                    decimal_places: 2,
                },
            }),
            balance: Balance {
                as_of_date: NaiveDate::from_ymd_opt(2026, 1, day).unwrap(),
                current_day: false,
                opening_available: Default::default(),
                opening_ledger: Default::default(),
                ending_available: Default::default(),
                ending_ledger: Default::default(),
                record_timestamp: String::new(),
            },
        }
    }

    fn keys(report: &Report) -> Vec<String> {
        report
            .rows
            .iter()
            .map(|r| {
                format!(
                    "{}/{}@{}",
                    r.account.bank_id,
                    r.account.account_id,
                    r.balance.as_of_date.format("%d")
                )
            })
            .collect()
    }

    #[test]
    fn rows_follow_the_given_order_then_dates() {
        let order = vec![
            AccountRef {
                bank_id: None,
                account_id: "2".into(),
            },
            AccountRef {
                bank_id: Some("B".into()),
                account_id: "1".into(),
            },
        ];
        let first_window = Report {
            rows: vec![row("B", "1", 2), row("B", "1", 1), row("B", "2", 1)],
            errors: vec![],
        };
        let second_window = Report {
            rows: vec![row("B", "2", 3), row("B", "1", 3)],
            errors: vec![],
        };
        let merged = merge([first_window, second_window], &order);
        assert_eq!(
            keys(&merged),
            ["B/2@01", "B/2@03", "B/1@01", "B/1@02", "B/1@03"]
        );
    }

    fn acct(bank: Option<&str>, id: &str) -> AccountRef {
        AccountRef {
            bank_id: bank.map(String::from),
            account_id: id.into(),
        }
    }

    #[test]
    fn requested_accounts_left_out_become_missing_errors() {
        let answer = Report {
            rows: vec![row("B", "1", 1)],
            errors: vec![AccountError {
                account_id: "2".into(),
                bank_id: "B".into(),
                code: "GCA-010".into(),
                message: String::new(),
            }],
        };
        let requested = [
            acct(None, "1"),
            acct(Some("B"), "1"),
            acct(Some("C"), "1"),
            acct(None, "2"),
            acct(Some("D"), "3"),
        ];
        let report = complete(answer, &requested);
        let missing: Vec<(String, String)> = report
            .errors
            .iter()
            .filter(|e| e.code == MISSING)
            .map(|e| (e.bank_id.clone(), e.account_id.clone()))
            .collect();
        assert_eq!(
            missing,
            [("C".into(), "1".into()), ("D".into(), "3".into())]
        );
        // A request for every account cannot leave one out.
        assert!(complete(Report::default(), &[]).errors.is_empty());
    }

    #[test]
    fn duplicate_rows_are_dropped_once_and_conflicts_refused() {
        let report = Report {
            rows: vec![
                row("B", "1", 1),
                row("B", "1", 1),
                row("C", "1", 1),
                row("B", "1", 2),
            ],
            errors: vec![],
        };
        let fetched = dedupe_rows(report).unwrap();
        assert_eq!(keys(&fetched.report), ["B/1@01", "C/1@01", "B/1@02"]);
        assert_eq!(fetched.warnings.len(), 1);
        assert!(fetched.warnings[0]
            .starts_with("account B/1 came back more than once (1 duplicate row dropped)"));
        let mut other = row("B", "1", 1);
        other.balance.ending_ledger = rust_decimal::Decimal::ONE;
        let conflict = Report {
            rows: vec![row("B", "1", 1), other],
            errors: vec![],
        };
        let err = dedupe_rows(conflict).unwrap_err();
        assert_eq!(err.exit_code(), 6);
        assert!(
            err.to_string().contains("B/1 on 2026-01-01 more than once"),
            "{err}"
        );
    }

    #[test]
    fn requests_are_labelled_by_window_and_batch() {
        let order: Vec<AccountRef> = (0..450).map(|i| acct(None, &i.to_string())).collect();
        let span = DateSpan::Range {
            from: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            to: NaiveDate::from_ymd_opt(2026, 1, 31).unwrap(),
        };
        let request = BalanceRequest {
            span,
            accounts: order[200..400].to_vec(),
        };
        assert_eq!(
            request_label(&request, &order),
            "window 2026-01-01..2026-01-31, accounts 201-400 of 450"
        );
        let last = BalanceRequest {
            span: DateSpan::PriorDay,
            accounts: order[449..].to_vec(),
        };
        assert_eq!(
            request_label(&last, &order),
            "prior day, account 450 of 450"
        );
        let all = BalanceRequest {
            span,
            accounts: vec![],
        };
        assert_eq!(
            request_label(&all, &[]),
            "window 2026-01-01..2026-01-31, all accounts"
        );
    }

    #[test]
    fn without_an_order_the_banks_order_stays() {
        let report = Report {
            rows: vec![row("B", "9", 2), row("B", "3", 1), row("B", "9", 1)],
            errors: vec![],
        };
        assert_eq!(keys(&merge([report], &[])), ["B/9@01", "B/9@02", "B/3@01"]);
    }
}
