//! Recording a run's rows as they arrive, on a thread of its own: each batch is one
//! transaction holding one span per account (its days as text lines, `spans.rs`), so the cost
//! of a day is writing its line, not a B-tree insert of its own. A new span that holds every
//! day of an earlier span of the same account deletes it; what overlaps otherwise is settled
//! when read (the later span wins).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender};

use rusqlite::{params, OptionalExtension};

use super::spans::{write_date, SpanText};
use super::{Source, Store, StoreError};
use crate::model::BalanceRow;

/// Records a run's rows; the store is opened at the first batch. A store that cannot be
/// opened or written is remembered as one warning, and the run goes on.
pub struct Recorder {
    path: PathBuf,
    sender: Option<SyncSender<Vec<BalanceRow>>>,
    worker: Option<std::thread::JoinHandle<Outcome>>,
}

/// What the writer could not record: the error that stopped it, and the rows it refused.
#[derive(Default)]
struct Outcome {
    failed: Option<StoreError>,
    refused: Refused,
}

/// Rows whose as-of date the store cannot keep as `YYYY-MM-DD` (a year past 9999 or before
/// 0): never stored as another date. The first is named in the run's warning.
#[derive(Default)]
struct Refused {
    count: usize,
    first: Option<(String, chrono::NaiveDate)>,
}

impl Refused {
    /// Takes the rows out of `rows` that cannot be stored, counting them.
    fn take_out(&mut self, rows: &mut Vec<BalanceRow>) {
        rows.retain(|row| {
            let date = row.balance.as_of_date;
            if super::spans::storable(date) {
                return true;
            }
            self.count += 1;
            self.first
                .get_or_insert_with(|| (row.account.account_id.clone(), date));
            false
        });
    }

    /// The sentence for the warning, when a row was refused.
    fn sentence(&self) -> Option<String> {
        let (account, date) = self.first.as_ref()?;
        let others = match self.count {
            0 | 1 => String::new(),
            n => format!(" and {} other balance(s)", n - 1),
        };
        Some(format!(
            "did not record the balance of account {account} dated {date}{others}: the history keeps years 0 to 9999 only"
        ))
    }
}

/// Batches waiting for the writer at most: a slow disk holds back the run before its memory.
const QUEUED_BATCHES: usize = 4;

const INSERT_SPAN: &str = "INSERT INTO balance_spans (account, run, first_date, last_date, kinds,
    full, lines) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";

/// Earlier spans of the account whose every day the new span (id ?2) holds again.
const DELETE_COVERED: &str = "DELETE FROM balance_spans WHERE account = ?1 AND id < ?2
    AND first_date >= ?3 AND last_date <= ?4 AND (kinds & ~?5) = 0";

/// An account's id when the store has it with these names already (the common case: no
/// write at all).
const FIND_ACCOUNT: &str = "SELECT id FROM accounts WHERE origin = ?1 AND bank_id = ?2
    AND account_id = ?3 AND account_name = ?4 AND bank_name = ?5 AND branch_id = ?6
    AND currency = ?7 AND decimal_places = ?8";

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
        self.take(rows.to_vec());
    }

    /// Hands one batch of rows the run has done with to the writer, without copying them.
    pub fn take(&mut self, rows: Vec<BalanceRow>) {
        if rows.is_empty() {
            return;
        }
        if let Some(sender) = &self.sender {
            if sender.send(rows).is_err() {
                // The writer stopped at an error it reports in `finish`.
                self.sender = None;
            }
        }
    }

    /// Waits for the writer; the warning to give when something could not be recorded,
    /// naming the file and why.
    pub fn finish(mut self) -> Option<String> {
        drop(self.sender.take());
        let stopped = |reason: &str| Outcome {
            failed: Some(StoreError {
                path: self.path.clone(),
                reason: reason.into(),
            }),
            refused: Refused::default(),
        };
        let outcome = match self.worker.take() {
            Some(worker) => worker
                .join()
                .unwrap_or_else(|_| stopped("the history writer stopped")),
            None => stopped("no thread could be started to write it"),
        };
        let failed = outcome.failed.map(|e| {
            format!(
                "could not record this run's balances in the history {}: {}",
                e.path.display(),
                e.reason
            )
        });
        let refused = outcome
            .refused
            .sentence()
            .map(|sentence| format!("{sentence} (history {})", self.path.display()));
        let said: Vec<String> = failed.into_iter().chain(refused).collect();
        (!said.is_empty()).then(|| format!("{}; the report itself is complete", said.join("; ")))
    }
}

/// The writer thread: every batch in its own transaction, until the run ends or one fails.
fn write_batches(path: &Path, source: &Source, batches: Receiver<Vec<BalanceRow>>) -> Outcome {
    // While the run waits for its first answer: an existing store is opened, and what the
    // runs before left in its WAL is copied into the database (a store that cannot be opened
    // now is tried again, and reported, at the first batch).
    let mut store: Option<Store> = Store::open_existing(path)
        .ok()
        .flatten()
        .filter(|opened| opened.for_recording().is_ok());
    let mut written = Written::default();
    let mut span = SpanText::default();
    let mut outcome = Outcome::default();
    for mut rows in batches {
        outcome.refused.take_out(&mut rows);
        if rows.is_empty() {
            continue;
        }
        let open = match &mut store {
            Some(store) => store,
            None => match Store::open(path).and_then(|opened| {
                opened.for_recording().map_err(|e| opened.error(e))?;
                Ok(opened)
            }) {
                Ok(opened) => store.insert(opened),
                Err(e) => {
                    outcome.failed = Some(e);
                    return outcome;
                }
            },
        };
        if let Err(e) = insert(open, source, &mut written, &rows, &mut span) {
            outcome.failed = Some(open.error(e));
            return outcome;
        }
    }
    outcome
}

/// One batch: a span for each run of rows of the same account.
fn insert(
    store: &mut Store,
    source: &Source,
    written: &mut Written,
    rows: &[BalanceRow],
    span: &mut SpanText,
) -> rusqlite::Result<()> {
    // The ids of the accounts of earlier batches are not kept: a batch holds its accounts'
    // rows together, and a run of 100,000 accounts would otherwise hold all their keys. An
    // account seen again is upserted again, which gives the same id.
    written.accounts.clear();
    // IMMEDIATE: a batch reads (the account's id, the covered spans) before it writes.
    let tx = store
        .conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
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
        let mut spans = Spans {
            tx: &tx,
            insert: tx.prepare_cached(INSERT_SPAN)?,
            delete: tx.prepare_cached(DELETE_COVERED)?,
            find: tx.prepare_cached(FIND_ACCOUNT)?,
            run,
            origin: &source.origin,
            first: String::with_capacity(10),
            last: String::with_capacity(10),
        };
        for group in rows.chunk_by(same_account) {
            span.clear();
            for row in group {
                span.push(&row.balance);
            }
            let account = spans.account_id(written, &group[0])?;
            spans.write(account, span)?;
        }
    }
    tx.commit()
}

fn same_account(a: &BalanceRow, b: &BalanceRow) -> bool {
    std::sync::Arc::ptr_eq(&a.account, &b.account)
        || (a.account.account_id == b.account.account_id && a.account.bank_id == b.account.bank_id)
}

/// The statements of one batch's transaction, prepared once for all its spans.
struct Spans<'a> {
    tx: &'a rusqlite::Transaction<'a>,
    insert: rusqlite::CachedStatement<'a>,
    delete: rusqlite::CachedStatement<'a>,
    find: rusqlite::CachedStatement<'a>,
    run: i64,
    origin: &'a str,
    first: String,
    last: String,
}

impl Spans<'_> {
    /// The account's id in the store, its names refreshed once a batch.
    fn account_id(&mut self, written: &mut Written, row: &BalanceRow) -> rusqlite::Result<i64> {
        let a = &row.account;
        let key = (a.bank_id.clone(), a.account_id.clone());
        if let Some(id) = written.accounts.get(&key) {
            return Ok(*id);
        }
        let values = params![
            self.origin,
            a.bank_id,
            a.account_id,
            a.account_name,
            a.bank_name,
            a.branch_id,
            a.currency.code,
            a.currency.decimal_places,
        ];
        let known: Option<i64> = self.find.query_row(values, |r| r.get(0)).optional()?;
        let id = match known {
            Some(id) => id,
            None => self
                .tx
                .prepare_cached(UPSERT_ACCOUNT)?
                .query_row(values, |r| r.get(0))?,
        };
        written.accounts.insert(key, id);
        Ok(id)
    }

    /// One span, and the earlier spans it holds every day of deleted.
    fn write(&mut self, account: i64, span: &SpanText) -> rusqlite::Result<()> {
        let (Some(first), Some(last)) = (span.first, span.last) else {
            return Ok(());
        };
        self.first.clear();
        write_date(&mut self.first, first);
        self.last.clear();
        write_date(&mut self.last, last);
        let full = span.full();
        self.insert.execute(params![
            account,
            self.run,
            self.first,
            self.last,
            span.kinds(),
            full,
            span.lines,
        ])?;
        if full != 0 {
            let id = self.tx.last_insert_rowid();
            self.delete
                .execute(params![account, id, self.first, self.last, full])?;
        }
        Ok(())
    }
}
