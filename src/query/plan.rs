//! Request planning: one request within the provider's limits, or with --split date windows
//! times account batches.

use chrono::Days;

use super::*;
use crate::error::Result;

/// Builds the requests for a span and accounts: one request when it fits the provider's limits,
/// or, with `split`, account batches times date windows that each fit them, batch-major.
pub fn plan(
    span: DateSpan,
    accounts: &AccountList,
    split: bool,
    limits: &Limits,
) -> Result<Vec<BalanceRequest>> {
    check_supported(span, limits)?;
    if !split {
        check_range(span, limits)?;
        check_account_count(accounts.len(), limits)?;
        return Ok(vec![BalanceRequest {
            span,
            accounts: Batch::all(accounts),
        }]);
    }
    // Batches are ranges of the one list: no account is copied, however many there are.
    let size = limits.max_accounts.max(1);
    let batches: Vec<Batch> = match accounts.len() {
        0 => vec![Batch::all(accounts)],
        count => (0..count)
            .step_by(size)
            .map(|start| Batch::new(accounts, start..(start + size).min(count)))
            .collect(),
    };
    // Batch by batch, a batch's windows together: the order the report is written in, so a
    // batch can be written as soon as its windows are answered.
    let windows = windows(span, limits.max_range_days);
    let mut requests = Vec::with_capacity(batches.len() * windows.len());
    for batch in batches {
        for window in &windows {
            requests.push(BalanceRequest {
                span: *window,
                accounts: batch.clone(),
            });
        }
    }
    Ok(requests)
}

/// Cuts a range into consecutive windows whose `to - from` is at most `max_days`.
pub fn windows(span: DateSpan, max_days: u64) -> Vec<DateSpan> {
    let DateSpan::Range { from, to } = span else {
        return vec![span];
    };
    let mut windows = Vec::new();
    let mut start = from;
    loop {
        let end = start
            .checked_add_days(Days::new(max_days))
            .map_or(to, |end| end.min(to));
        windows.push(DateSpan::Range {
            from: start,
            to: end,
        });
        match end.succ_opt() {
            Some(next) if end < to => start = next,
            _ => break,
        }
    }
    windows
}
