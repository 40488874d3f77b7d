//! Balance rows in the store: recorded as a run fetches them (one transaction per batch, one
//! prepared statement), read back in key order without holding them all.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use rusqlite::{params, Row};
use rust_decimal::Decimal;

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

/// Records a run's rows as they arrive, on a thread of its own: the report never waits for
/// the disk. The store is opened at the first batch; a store that cannot be opened or written
/// is remembered as one warning, and the run goes on.
pub struct Recorder {
    path: PathBuf,
    sender: Option<std::sync::mpsc::SyncSender<Vec<BalanceRow>>>,
    worker: Option<std::thread::JoinHandle<Option<StoreError>>>,
}

/// Batches waiting for the writer at most: a slow disk holds back the run before its memory.
const QUEUED_BATCHES: usize = 4;

const INSERT: &str = "INSERT OR REPLACE INTO balances (account, as_of_date, current_day, run,
    opening_available, opening_ledger, ending_available, ending_ledger, record_timestamp)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";

/// An account's row, its names refreshed by each fetch; gives its id.
const UPSERT_ACCOUNT: &str = "INSERT INTO accounts (origin, bank_id, account_id, account_name,
    bank_name, branch_id, currency, decimal_places) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
    ON CONFLICT (origin, bank_id, account_id) DO UPDATE SET account_name = excluded.account_name,
    bank_name = excluded.bank_name, branch_id = excluded.branch_id, currency = excluded.currency,
    decimal_places = excluded.decimal_places RETURNING id";

/// What the writer knows of the run: its id, and the ids of the accounts it has written.
#[derive(Default)]
struct Written {
    run: Option<i64>,
    accounts: HashMap<(String, String), i64>,
}

impl Recorder {
    pub fn new(path: PathBuf, source: Source) -> Recorder {
        let (sender, batches) = std::sync::mpsc::sync_channel(QUEUED_BATCHES);
        let worker_path = path.clone();
        let worker = std::thread::Builder::new()
            .name("history".into())
            .spawn(move || write_batches(&worker_path, &source, batches))
            .ok();
        Recorder {
            path,
            sender: worker.as_ref().map(|_| sender),
            worker,
        }
    }

    /// Hands one batch of rows to the writer (one transaction each).
    pub fn record(&mut self, rows: &[BalanceRow]) {
        if rows.is_empty() {
            return;
        }
        if let Some(sender) = &self.sender {
            if sender.send(rows.to_vec()).is_err() {
                // The writer stopped at an error it reports in `finish`.
                self.sender = None;
            }
        }
    }

    /// Waits for the writer; the warning to give when something could not be recorded,
    /// naming the file and why.
    pub fn finish(mut self) -> Option<String> {
        drop(self.sender.take());
        let failed = match self.worker.take() {
            Some(worker) => worker.join().unwrap_or_else(|_| {
                Some(StoreError {
                    path: self.path.clone(),
                    reason: "the history writer stopped".into(),
                })
            }),
            None => Some(StoreError {
                path: self.path.clone(),
                reason: "no thread could be started to write it".into(),
            }),
        };
        failed.map(|e| {
            format!(
                "could not record this run's balances in the history {}: {}; the report itself is complete",
                e.path.display(),
                e.reason
            )
        })
    }
}

/// The writer thread: every batch in its own transaction, until the run ends or one fails.
fn write_batches(
    path: &std::path::Path,
    source: &Source,
    batches: std::sync::mpsc::Receiver<Vec<BalanceRow>>,
) -> Option<StoreError> {
    let mut store: Option<Store> = None;
    let mut written = Written::default();
    for rows in batches {
        let open = match &mut store {
            Some(store) => store,
            None => match Store::open(path) {
                Ok(opened) => store.insert(opened),
                Err(e) => return Some(e),
            },
        };
        if let Err(e) = insert(open, source, &mut written, &rows) {
            return Some(open.error(e));
        }
    }
    None
}

fn insert(
    store: &mut Store,
    source: &Source,
    written: &mut Written,
    rows: &[BalanceRow],
) -> rusqlite::Result<()> {
    // The ids of the accounts of earlier batches are not kept: a batch holds its accounts'
    // rows together, and a run of 100,000 accounts would otherwise hold all their keys. An
    // account seen again is upserted again, which gives the same id.
    written.accounts.clear();
    let tx = store.conn.transaction()?;
    {
        let run = match written.run {
            Some(run) => run,
            None => {
                tx.execute(
                    "INSERT INTO runs (profile, provider, fetched_at) VALUES (?1, ?2, ?3)",
                    params![source.profile, source.provider, source.fetched_at],
                )?;
                *written.run.insert(tx.last_insert_rowid())
            }
        };
        let mut statement = tx.prepare_cached(INSERT)?;
        let mut upsert = tx.prepare_cached(UPSERT_ACCOUNT)?;
        let mut date = String::with_capacity(10);
        let mut texts: [String; 4] = Default::default();
        for row in rows {
            let (a, b) = (&row.account, &row.balance);
            let key = (a.bank_id.clone(), a.account_id.clone());
            let account = match written.accounts.get(&key) {
                Some(id) => *id,
                None => {
                    let id: i64 = upsert.query_row(
                        params![
                            source.origin,
                            a.bank_id,
                            a.account_id,
                            a.account_name,
                            a.bank_name,
                            a.branch_id,
                            a.currency.code,
                            a.currency.decimal_places,
                        ],
                        |r| r.get(0),
                    )?;
                    written.accounts.insert(key, id);
                    id
                }
            };
            date.clear();
            write_date(&mut date, b.as_of_date);
            let amounts = amounts_of(b);
            for (text, amount) in texts.iter_mut().zip(amounts) {
                text.clear();
                if let Some(amount) = amount {
                    crate::model::write_amount(text, amount, 0);
                }
            }
            let amount = |i: usize| amounts[i].map(|_| texts[i].as_str());
            statement.execute(params![
                account,
                date,
                b.current_day,
                run,
                amount(0),
                amount(1),
                amount(2),
                amount(3),
                b.record_timestamp,
            ])?;
        }
    }
    tx.commit()
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

fn write_date(text: &mut String, date: NaiveDate) {
    let _ = write!(
        text,
        "{:04}-{:02}-{:02}",
        date.year(),
        date.month(),
        date.day()
    );
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

const SELECT: &str = "SELECT a.origin, a.bank_id, a.account_id, b.as_of_date, b.current_day,
    u.profile, u.provider, a.account_name, a.bank_name, a.branch_id, a.currency, a.decimal_places,
    b.opening_available, b.opening_ledger, b.ending_available, b.ending_ledger, b.record_timestamp,
    u.fetched_at FROM balances b JOIN accounts a ON a.id = b.account JOIN runs u ON u.id = b.run";

impl Store {
    /// Every stored row the filter takes, in key order (origin, bank, account, as-of date,
    /// closed day before current day), handed to `each` one at a time.
    pub fn each_row<E: From<StoreError>>(
        &self,
        filter: &Filter,
        mut each: impl FnMut(StoredRow) -> Result<(), E>,
    ) -> Result<(), E> {
        let (sql, values) = query(filter);
        let mut statement = self.conn.prepare(&sql).map_err(|e| self.error(e))?;
        let mut rows = statement
            .query(rusqlite::params_from_iter(values.iter()))
            .map_err(|e| self.error(e))?;
        let mut last: Option<Arc<Account>> = None;
        while let Some(row) = rows.next().map_err(|e| self.error(e))? {
            let stored = read_row(row, &mut last).map_err(|e| self.error(e))?;
            let a = &stored.row.account;
            if filter.wants_account(&a.bank_id, &a.account_id) {
                each(stored)?;
            }
        }
        Ok(())
    }

    /// Deletes the rows with an as-of date before `date`; returns how many.
    pub fn prune_before(&self, date: NaiveDate) -> StoreResult<usize> {
        let mut text = String::new();
        write_date(&mut text, date);
        self.conn
            .execute("DELETE FROM balances WHERE as_of_date < ?1", [text])
            .map_err(|e| self.error(e))
    }
}

fn query(filter: &Filter) -> (String, Vec<String>) {
    let mut clauses = Vec::new();
    let mut values = Vec::new();
    if !filter.profiles.is_empty() {
        let marks: Vec<String> = filter
            .profiles
            .iter()
            .map(|p| {
                values.push(p.clone());
                format!("?{}", values.len())
            })
            .collect();
        clauses.push(format!("u.profile IN ({})", marks.join(", ")));
    }
    for (date, op) in [(filter.from, ">="), (filter.to, "<=")] {
        if let Some(date) = date {
            let mut text = String::new();
            write_date(&mut text, date);
            values.push(text);
            clauses.push(format!("b.as_of_date {op} ?{}", values.len()));
        }
    }
    if filter.closed_only {
        clauses.push("b.current_day = 0".into());
    }
    let mut sql = SELECT.to_string();
    if !clauses.is_empty() {
        sql.push_str(" WHERE ");
        sql.push_str(&clauses.join(" AND "));
    }
    sql.push_str(" ORDER BY a.origin, a.bank_id, a.account_id, b.as_of_date, b.current_day");
    (sql, values)
}

/// One stored row; the account is shared with the previous row when it is the same.
fn read_row(row: &Row, last: &mut Option<Arc<Account>>) -> rusqlite::Result<StoredRow> {
    let account = Account {
        account_id: row.get(2)?,
        account_name: row.get(7)?,
        bank_id: row.get(1)?,
        bank_name: row.get(8)?,
        branch_id: row.get(9)?,
        currency: Currency {
            code: row.get(10)?,
            decimal_places: row.get(11)?,
        },
    };
    let account = match last {
        Some(shared) if **shared == account => Arc::clone(shared),
        _ => {
            let fresh = Arc::new(account);
            *last = Some(Arc::clone(&fresh));
            fresh
        }
    };
    let date: String = row.get(3)?;
    let as_of_date = NaiveDate::parse_from_str(&date, "%Y-%m-%d").map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(3, rusqlite::types::Type::Text, Box::new(e))
    })?;
    let mut amounts = [None; 4];
    for (i, amount) in amounts.iter_mut().enumerate() {
        let text: Option<String> = row.get(12 + i)?;
        *amount = text
            .map(|t| Decimal::from_str(&t))
            .transpose()
            .map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(
                    12 + i,
                    rusqlite::types::Type::Text,
                    Box::new(e),
                )
            })?;
    }
    let current_day: bool = row.get(4)?;
    Ok(StoredRow {
        row: BalanceRow {
            account,
            balance: balance_of(as_of_date, current_day, amounts, row.get(16)?),
        },
        amounts,
        origin: row.get(0)?,
        profile: row.get(5)?,
        provider: row.get(6)?,
        fetched_at: row.get(17)?,
    })
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
