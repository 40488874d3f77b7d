//! A report merged as its answers arrive: answers are gathered batch by batch, and a batch's
//! rows are merged, deduplicated and handed on as soon as it and every batch before it are
//! complete, in exactly the order the whole-report `merge` gives.
//!
//! Batches that can answer for each other's accounts (an account asked for by id alone in one
//! batch and with its bank in another) are one flush group: their rows interleave. Rows of
//! accounts nobody asked for go after every other row, as in `merge`, so they wait for the end.

use super::merge::{dedupe_rows, sort_errors, sort_rows, Positions};
use crate::error::Result;
use crate::model::{AccountError, BalanceRow, Report};
use crate::query::BalanceRequest;

/// Rows ready to write, in report order, and the warnings about rows dropped from them.
#[derive(Debug, Default)]
pub struct Flush {
    pub rows: Vec<BalanceRow>,
    pub warnings: Vec<String>,
}

/// The answers of a run not yet written, and where each row belongs.
pub struct Stream<'a> {
    positions: Positions<'a>,
    /// Per place in the given order, the group whose requests ask for that account.
    owner: Vec<usize>,
    /// Per group, its first request; one more entry, the number of requests.
    starts: Vec<usize>,
    /// Per request, its answer until its group is written.
    parts: Vec<Option<Report>>,
    /// The first group not yet written.
    next: usize,
    /// Rows answered by an earlier group for an account of a later one.
    stash: Vec<Vec<BalanceRow>>,
    /// Rows of accounts not in the given order: after every other row.
    unknown: Vec<BalanceRow>,
    /// Per-account errors of the written groups, in request order.
    errors: Vec<AccountError>,
}

impl<'a> Stream<'a> {
    /// Prepares for `requests` as planned (batch by batch, a batch's windows together).
    pub fn new(requests: &[BalanceRequest], order: &'a [crate::query::AccountRef]) -> Stream<'a> {
        let positions = Positions::new(order);
        let batches = batch_starts(requests);
        let groups = group_batches(requests, &batches);
        let starts: Vec<usize> = groups
            .iter()
            .map(|&b| batches[b])
            .chain([requests.len()])
            .collect();
        let mut owner = vec![usize::MAX; order.len()];
        for group in 0..starts.len() - 1 {
            for request in &requests[starts[group]..starts[group + 1]] {
                for account in request.accounts.iter() {
                    if let Some(slot) = positions
                        .of_requested(account)
                        .and_then(|i| owner.get_mut(i))
                    {
                        *slot = group;
                    }
                }
            }
        }
        let group_count = starts.len() - 1;
        Stream {
            positions,
            owner,
            starts,
            parts: (0..requests.len()).map(|_| None).collect(),
            next: 0,
            stash: (0..group_count).map(|_| Vec::new()).collect(),
            unknown: Vec::new(),
            errors: Vec::new(),
        }
    }

    /// The end of the first group not yet written: requests up to there must be sent for the
    /// report to move on.
    pub fn pending_end(&self) -> usize {
        self.starts[(self.next + 1).min(self.starts.len() - 1)]
    }

    /// Takes request `index`'s answer (already completed with MISSING errors); returns the
    /// groups it completes, in order.
    pub fn add(&mut self, index: usize, report: Report) -> Result<Vec<Flush>> {
        self.parts[index] = Some(report);
        let mut flushes = Vec::new();
        while self.next + 1 < self.starts.len() && self.complete(self.next) {
            flushes.push(self.flush(self.next)?);
            self.next += 1;
        }
        Ok(flushes)
    }

    fn complete(&self, group: usize) -> bool {
        self.parts[self.starts[group]..self.starts[group + 1]]
            .iter()
            .all(Option::is_some)
    }

    fn flush(&mut self, group: usize) -> Result<Flush> {
        let mut rows = std::mem::take(&mut self.stash[group]);
        let mut late = Vec::new();
        for index in self.starts[group]..self.starts[group + 1] {
            let part = self.parts[index].take().unwrap_or_default();
            self.errors.extend(part.errors);
            for row in part.rows {
                let given = self
                    .positions
                    .given(&row.account.bank_id, &row.account.account_id);
                let Some(place) = given else {
                    // Numbered now, in arrival order, as the whole-report merge numbers them.
                    self.positions
                        .of(&row.account.bank_id, &row.account.account_id);
                    self.unknown.push(row);
                    continue;
                };
                match self.owner.get(place).copied().unwrap_or(group) {
                    owner if owner == group || owner == usize::MAX => rows.push(row),
                    owner if owner > group => self.stash[owner].push(row),
                    _ => late.push(row),
                }
            }
        }
        if group + 2 == self.starts.len() {
            rows.append(&mut self.unknown);
        }
        let rows = sort_rows(rows, &mut self.positions);
        let mut fetched = dedupe_rows(Report {
            rows,
            errors: Vec::new(),
        })?;
        fetched.warnings.extend(late_warnings(&late));
        Ok(Flush {
            rows: fetched.report.rows,
            warnings: fetched.warnings,
        })
    }

    /// The per-account errors of the whole run, in report order, each named once.
    pub fn finish(mut self) -> Vec<AccountError> {
        sort_errors(std::mem::take(&mut self.errors), &mut self.positions)
    }
}

/// Where each batch (a run of requests for the same accounts) starts.
fn batch_starts(requests: &[BalanceRequest]) -> Vec<usize> {
    let mut starts = Vec::new();
    for (i, request) in requests.iter().enumerate() {
        if i == 0 || requests[i - 1].accounts != request.accounts {
            starts.push(i);
        }
    }
    if starts.is_empty() {
        starts.push(0);
    }
    starts
}

/// The first batch of each flush group: batches from one asking for an account by id alone to
/// any other asking for that id go together, since the bank's rows may belong to either.
fn group_batches(requests: &[BalanceRequest], batches: &[usize]) -> Vec<usize> {
    use std::collections::{HashMap, HashSet};
    let batch_accounts = || {
        batches.iter().enumerate().flat_map(|(batch, &start)| {
            let accounts = requests.get(start).map_or(&[][..], |r| &r.accounts[..]);
            accounts.iter().map(move |account| (batch, account))
        })
    };
    // Only ids asked for without a bank can tie batches together: the spans of those alone,
    // so a run whose accounts all name their bank holds no map of them.
    let bare: HashSet<&str> = batch_accounts()
        .filter(|(_, account)| account.bank_id.is_none())
        .map(|(_, account)| account.account_id.as_str())
        .collect();
    let mut spans: HashMap<&str, (usize, usize)> = HashMap::with_capacity(bare.len());
    if !bare.is_empty() {
        for (batch, account) in batch_accounts() {
            if let Some(id) = bare.get(account.account_id.as_str()) {
                spans.entry(id).or_insert((batch, batch)).1 = batch;
            }
        }
    }
    let mut reach: Vec<usize> = (0..batches.len()).collect();
    for (first, last) in spans.into_values() {
        if last > first {
            reach[first] = reach[first].max(last);
        }
    }
    let mut groups = Vec::new();
    let mut batch = 0;
    while batch < batches.len() {
        groups.push(batch);
        let mut end = reach[batch];
        while batch <= end {
            end = end.max(reach[batch]);
            batch += 1;
        }
    }
    groups
}

/// Rows a batch's answer held for an account of a batch already written: they cannot be put
/// in their place any more.
fn late_warnings(late: &[BalanceRow]) -> Vec<String> {
    let mut accounts: Vec<String> = Vec::new();
    for row in late {
        let a = &row.account;
        let name = match a.bank_id.is_empty() {
            true => a.account_id.clone(),
            false => format!("{}/{}", a.bank_id, a.account_id),
        };
        if !accounts.contains(&name) {
            accounts.push(name);
        }
    }
    accounts
        .into_iter()
        .map(|account| format!("account {account} came back in the answer for another batch of accounts, after its own rows were written; those extra rows were dropped"))
        .collect()
}
