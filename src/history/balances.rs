//! Balance rows in the store, read back from their spans (`spans.rs`, written by `recorder.rs`)
//! in key order, one account at a time, each day as it was last fetched.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::NaiveDate;
use rusqlite::{params, Row};
use rust_decimal::Decimal;

use super::spans::{write_date, Line, Reader, SpanText};
use super::{Store, StoreError, StoreResult};
use crate::model::{Account, Balance, BalanceRow, Currency};

/// Who fetched the rows a recorder records: the same for every row of a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// The bank's origin: provider and API root (`jpmorgan https://...`).
    pub origin: String,
    pub profile: String,
    pub provider: String,
    /// When the run fetched them (RFC 3339, UTC).
    pub fetched_at: String,
}

/// The four amounts of a balance in report order (opening available, opening ledger, ending
/// available, ending ledger); `None` is an amount the bank did not send.
pub fn amounts_of(b: &Balance) -> [Option<Decimal>; 4] {
    [
        b.opening_available,
        b.opening_ledger,
        b.ending_available,
        b.ending_ledger,
    ]
}

/// A balance from its stored parts.
fn balance_of(
    as_of_date: NaiveDate,
    current_day: bool,
    amounts: [Option<Decimal>; 4],
    record_timestamp: String,
) -> Balance {
    let [oa, ol, ea, el] = amounts;
    Balance {
        as_of_date,
        current_day,
        opening_available: oa,
        opening_ledger: ol,
        ending_available: ea,
        ending_ledger: el,
        record_timestamp,
    }
}

/// A stored row: the report row and who fetched it, when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRow {
    pub row: BalanceRow,
    /// The amounts as stored (`None`: absent), whatever the report model can carry.
    pub amounts: [Option<Decimal>; 4],
    pub origin: String,
    pub profile: String,
    pub provider: String,
    pub fetched_at: String,
}

impl StoredRow {
    /// The account's key in the store: origin, bank id, account id.
    pub fn key(&self) -> (&str, &str, &str) {
        (
            &self.origin,
            &self.row.account.bank_id,
            &self.row.account.account_id,
        )
    }
}

/// Which stored rows to read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Only rows last fetched by these profiles (all when empty).
    pub profiles: Vec<String>,
    /// Only these accounts: bank id (any when `None`) and account id (all when empty).
    pub accounts: Vec<(Option<String>, String)>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Only closed days (`current_day = false`).
    pub closed_only: bool,
}

impl Filter {
    fn wants_account(&self, bank_id: &str, account_id: &str) -> bool {
        self.accounts.is_empty()
            || self
                .accounts
                .iter()
                .any(|(bank, id)| id == account_id && bank.as_deref().is_none_or(|b| b == bank_id))
    }
}

/// Every span with its account, in the accounts' key order; spans of one account in the order
/// they were written. The date bounds (`?1`, `?2`) keep only spans that reach into the range.
const SELECT: &str = "SELECT a.id, a.origin, a.bank_id, a.account_id, a.account_name, a.bank_name,
    a.branch_id, a.currency, a.decimal_places, s.run, s.lines
    FROM accounts a JOIN balance_spans s ON s.account = a.id
    WHERE s.last_date >= ?1 AND s.first_date <= ?2
    ORDER BY a.origin, a.bank_id, a.account_id, s.id";

const SELECT_RUN: &str = "SELECT profile, provider, fetched_at FROM runs WHERE id = ?1";

impl Store {
    /// Every stored row the filter takes, in key order (origin, bank, account, as-of date,
    /// closed day before current day), handed to `each` one at a time. Of the days several
    /// spans hold, the one written last counts; an account's rows are held until its last
    /// span is read, never more than one account's.
    pub fn each_row<E: From<StoreError>>(
        &self,
        filter: &Filter,
        mut each: impl FnMut(StoredRow) -> Result<(), E>,
    ) -> Result<(), E> {
        let bound = |date: Option<NaiveDate>, default: &str| {
            date.map_or(default.to_string(), |d| {
                let mut text = String::with_capacity(10);
                write_date(&mut text, d);
                text
            })
        };
        let range = [
            bound(filter.from, "0000-00-00"),
            bound(filter.to, "9999-99-99"),
        ];
        let mut statement = self.conn.prepare(SELECT).map_err(|e| self.error(e))?;
        let mut rows = statement
            .query(params![range[0], range[1]])
            .map_err(|e| self.error(e))?;
        let mut account = AccountDays::default();
        let mut runs = Runs::default();
        while let Some(row) = rows.next().map_err(|e| self.error(e))? {
            let id: i64 = row.get(0).map_err(|e| self.error(e))?;
            if account.id != Some(id) {
                account.flush(filter, &mut each)?;
                account.start(id, row, filter).map_err(|e| self.error(e))?;
            }
            if !account.wanted {
                continue;
            }
            let run = runs.get(&self.conn, row.get(9).map_err(|e| self.error(e))?);
            let run = run.map_err(|e| self.error(e))?;
            let lines = row.get_ref(10).and_then(|v| Ok(v.as_str()?));
            account
                .read(lines.map_err(|e| self.error(e))?, &run, filter)
                .map_err(|e| self.error(e))?;
        }
        account.flush(filter, &mut each)
    }

    /// Deletes the rows with an as-of date before `date`; returns how many. Spans that reach
    /// past it keep their later days.
    pub fn prune_before(&self, date: NaiveDate) -> StoreResult<usize> {
        let mut text = String::new();
        write_date(&mut text, date);
        // IMMEDIATE: the prune reads and then writes; a deferred transaction would fail at
        // once (SQLITE_BUSY, the busy timeout not waiting) if a recording run committed between.
        let tx = rusqlite::Transaction::new_unchecked(
            &self.conn,
            rusqlite::TransactionBehavior::Immediate,
        )
        .map_err(|e| self.error(e))?;
        let deleted = prune(&tx, &text).and_then(|deleted| tx.commit().map(|()| deleted));
        deleted.map_err(|e| self.error(e))
    }
}

/// Deletes the days before `date`: whole spans, and the early lines of spans that reach past
/// it. Returns how many rows went (a day fetched twice counts once).
fn prune(tx: &rusqlite::Transaction, date: &str) -> rusqlite::Result<usize> {
    let before = super::spans::parse_date(date).ok_or_else(|| unreadable(date))?;
    let mut gone: HashSet<(i64, NaiveDate, bool)> = HashSet::new();
    let mut note = |account: i64, line: &Line| {
        gone.insert((account, line.as_of_date, line.current_day));
    };
    let mut select = tx.prepare("SELECT account, lines FROM balance_spans WHERE last_date < ?1")?;
    let mut rows = select.query([date])?;
    while let Some(row) = rows.next()? {
        let account: i64 = row.get(0)?;
        let mut reader = Reader::default();
        for line in row.get_ref(1)?.as_str()?.split_terminator('\n') {
            note(account, &reader.line(line).ok_or_else(|| unreadable(line))?);
        }
    }
    tx.execute("DELETE FROM balance_spans WHERE last_date < ?1", [date])?;
    let mut straddling = tx.prepare(
        "SELECT id, account, lines FROM balance_spans WHERE first_date < ?1 AND last_date >= ?1",
    )?;
    let mut kept: Vec<(i64, SpanText)> = Vec::new();
    let mut rows = straddling.query([date])?;
    while let Some(row) = rows.next()? {
        let account: i64 = row.get(1)?;
        let mut span = SpanText::default();
        let mut reader = Reader::default();
        for line in row.get_ref(2)?.as_str()?.split_terminator('\n') {
            let parsed = reader.line(line).ok_or_else(|| unreadable(line))?;
            match parsed.as_of_date >= before {
                true => span.push(&balance_of(
                    parsed.as_of_date,
                    parsed.current_day,
                    parsed.amounts,
                    parsed.record_timestamp,
                )),
                false => note(account, &parsed),
            }
        }
        kept.push((row.get(0)?, span));
    }
    for (id, span) in kept {
        let (Some(first), Some(last)) = (span.first, span.last) else {
            continue;
        };
        let (mut first_text, mut last_text) = (String::new(), String::new());
        write_date(&mut first_text, first);
        write_date(&mut last_text, last);
        tx.execute(
            "UPDATE balance_spans SET first_date = ?2, last_date = ?3, kinds = ?4, full = ?5,
                lines = ?6 WHERE id = ?1",
            params![
                id,
                first_text,
                last_text,
                span.kinds(),
                span.full(),
                span.lines
            ],
        )?;
    }
    Ok(gone.len())
}

/// Who wrote a span: the run's profile, provider and time, read once per run.
#[derive(Default)]
struct Runs {
    known: HashMap<i64, Arc<Run>>,
}

struct Run {
    profile: String,
    provider: String,
    fetched_at: String,
}

impl Runs {
    fn get(&mut self, conn: &rusqlite::Connection, id: i64) -> rusqlite::Result<Arc<Run>> {
        if let Some(run) = self.known.get(&id) {
            return Ok(Arc::clone(run));
        }
        let run = conn.prepare_cached(SELECT_RUN)?.query_row([id], |r| {
            Ok(Arc::new(Run {
                profile: r.get(0)?,
                provider: r.get(1)?,
                fetched_at: r.get(2)?,
            }))
        })?;
        self.known.insert(id, Arc::clone(&run));
        Ok(run)
    }
}

/// The days of one account, gathered from its spans: each day once, the last written.
#[derive(Default)]
struct AccountDays {
    id: Option<i64>,
    wanted: bool,
    origin: String,
    account: Option<Arc<Account>>,
    days: Vec<(Line, Arc<Run>)>,
}

impl AccountDays {
    fn start(&mut self, id: i64, row: &Row, filter: &Filter) -> rusqlite::Result<()> {
        let account = Account {
            account_id: row.get(3)?,
            account_name: row.get(4)?,
            bank_id: row.get(2)?,
            bank_name: row.get(5)?,
            branch_id: row.get(6)?,
            currency: Currency {
                code: row.get(7)?,
                decimal_places: row.get(8)?,
            },
        };
        self.id = Some(id);
        self.wanted = filter.wants_account(&account.bank_id, &account.account_id);
        self.origin = row.get(1)?;
        self.account = Some(Arc::new(account));
        self.days.clear();
        Ok(())
    }

    /// The span's days within the filter's dates.
    fn read(&mut self, lines: &str, run: &Arc<Run>, filter: &Filter) -> rusqlite::Result<()> {
        let mut reader = Reader::default();
        for line in lines.split_terminator('\n') {
            let parsed = reader.line(line).ok_or_else(|| unreadable(line))?;
            let date = parsed.as_of_date;
            let outside = filter.from.is_some_and(|from| date < from)
                || filter.to.is_some_and(|to| date > to);
            if outside || (filter.closed_only && parsed.current_day) {
                continue;
            }
            self.days.push((parsed, Arc::clone(run)));
        }
        Ok(())
    }

    /// Hands on the account's days in order, each the last written of its day.
    fn flush<E: From<StoreError>>(
        &mut self,
        filter: &Filter,
        each: &mut impl FnMut(StoredRow) -> Result<(), E>,
    ) -> Result<(), E> {
        let Some(account) = self.account.take() else {
            return Ok(());
        };
        self.days
            .sort_by_key(|(line, _)| (line.as_of_date, line.current_day));
        let mut days = std::mem::take(&mut self.days).into_iter().peekable();
        while let Some((line, run)) = days.next() {
            let replaced = days.peek().is_some_and(|(next, _)| {
                (next.as_of_date, next.current_day) == (line.as_of_date, line.current_day)
            });
            let by_profile = filter.profiles.is_empty() || filter.profiles.contains(&run.profile);
            if replaced || !by_profile {
                continue;
            }
            each(StoredRow {
                row: BalanceRow {
                    account: Arc::clone(&account),
                    balance: balance_of(
                        line.as_of_date,
                        line.current_day,
                        line.amounts,
                        line.record_timestamp,
                    ),
                },
                amounts: line.amounts,
                origin: self.origin.clone(),
                profile: run.profile.clone(),
                provider: run.provider.clone(),
                fetched_at: run.fetched_at.clone(),
            })?;
        }
        Ok(())
    }
}

fn unreadable(line: &str) -> rusqlite::Error {
    let shown: String = line.chars().take(40).collect();
    rusqlite::Error::FromSqlConversionFailure(
        10,
        rusqlite::types::Type::Text,
        format!("a stored day cannot be read: {shown:?}").into(),
    )
}

/// Each account's newest row: the latest as-of date, its closed day before its current day.
pub fn newest_per_account(rows: Vec<BalanceRow>) -> Vec<BalanceRow> {
    let mut newest: Vec<BalanceRow> = Vec::new();
    let mut index: HashMap<(String, String), usize> = HashMap::new();
    for row in rows {
        let key = (row.account.bank_id.clone(), row.account.account_id.clone());
        match index.get(&key) {
            Some(&i) => {
                let kept = &newest[i].balance;
                let later = row.balance.as_of_date > kept.as_of_date
                    || (row.balance.as_of_date == kept.as_of_date
                        && kept.current_day
                        && !row.balance.current_day);
                if later {
                    newest[i] = row;
                }
            }
            None => {
                index.insert(key, newest.len());
                newest.push(row);
            }
        }
    }
    newest
}

#[cfg(test)]
#[path = "balances_tests.rs"]
mod tests;
