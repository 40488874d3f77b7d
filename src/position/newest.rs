//! One row per account in a position: an account the bank answered with several as-of dates
//! (listed twice, or on two pages) is counted once, by its newest balance.

use std::collections::HashMap;

use crate::model::{BalanceRow, Report};

/// The report with only each account's newest row (latest as-of date, then latest
/// `record_timestamp`; the later row on a tie), in the report's order, and a sentence per
/// account that had more than one.
pub fn newest_per_account(mut report: Report, profile: &str) -> (Report, Vec<String>) {
    let mut keep: HashMap<(&str, &str), usize> = HashMap::new();
    let mut copies: HashMap<(&str, &str), usize> = HashMap::new();
    for (i, row) in report.rows.iter().enumerate() {
        let key = (
            row.account.bank_id.as_str(),
            row.account.account_id.as_str(),
        );
        *copies.entry(key).or_default() += 1;
        let slot = keep.entry(key).or_insert(i);
        if is_newer(row, &report.rows[*slot]) || *slot == i {
            *slot = i;
        }
    }
    if copies.values().all(|n| *n == 1) {
        return (report, Vec::new());
    }
    let kept: Vec<bool> = {
        let mut kept = vec![false; report.rows.len()];
        keep.values().for_each(|i| kept[*i] = true);
        kept
    };
    let mut notes = Vec::new();
    for (i, row) in report.rows.iter().enumerate() {
        let key = (
            row.account.bank_id.as_str(),
            row.account.account_id.as_str(),
        );
        if kept[i] && copies[&key] > 1 {
            notes.push(format!(
                "profile '{profile}': account {} came back {} times; only its newest balance \
                 (as of {}) is in the position",
                row.account.account_id, copies[&key], row.balance.as_of_date
            ));
        }
    }
    let mut index = 0;
    report.rows.retain(|_| {
        index += 1;
        kept[index - 1]
    });
    (report, notes)
}

fn is_newer(row: &BalanceRow, than: &BalanceRow) -> bool {
    (row.balance.as_of_date, &row.balance.record_timestamp)
        >= (than.balance.as_of_date, &than.balance.record_timestamp)
}
