//! `treasury balances` against a bank that fails in the ways real ones do, and its retries: 503s
//! and 429s that pass, a Retry-After too long to wait for (in seconds or as a date), a 500 not
//! hidden behind its retries, answers slower than the timeout, connections cut mid-body, HTML
//! error pages, 4xx that must not be retried, whole-request errors in a 200, and a cached token
//! the bank no longer accepts (also in every window of a split run). Each test runs the real
//! binary and checks exit code, stdout and stderr.

mod broken_answers;
mod edges;
mod retries;
mod tokens;

use crate::support;

use std::path::Path;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use serde_json::{json, Value};
use support::{
    answer_for, balances, csv_rows, keys, run, Home, RawBank, Reply, TestBank, CSV_HEADER,
    JPM_MOCK, SECRET,
};

/// The dates a request body asks for: every day of its range, or one day for a relative day.
fn dates_of(body: &Value) -> Vec<String> {
    let day = |key: &str| {
        body[key]
            .as_str()
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
    };
    match (day("startDate"), day("endDate")) {
        (Some(from), Some(to)) => from
            .iter_days()
            .take_while(|d| *d <= to)
            .map(|d| d.to_string())
            .collect(),
        _ => vec!["2026-01-02".to_string()],
    }
}

/// An answer to a request body, as a bank would give it: each requested account (bank `B1` where
/// the request gave none) on each requested date, the accounts in reverse order.
pub(super) fn answer_to(body: &Value) -> Reply {
    let accounts: Vec<(String, String)> = body["accountList"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .rev()
        .map(|a| {
            let id = a["accountId"].as_str().unwrap_or_default().to_string();
            let bank = a["bankId"].as_str().unwrap_or("B1").to_string();
            (id, bank)
        })
        .collect();
    let refs: Vec<(&str, &str)> = accounts
        .iter()
        .map(|(id, bank)| (id.as_str(), bank.as_str()))
        .collect();
    answer_for(&refs, &dates_of(body))
}

fn one_row() -> Reply {
    answer_for(&[("111", "B1")], &["2026-01-02".to_string()])
}

/// The one-row CSV report of `one_row()`.
#[track_caller]
fn expect_one_row_report(out: &support::Run) {
    out.check(
        out.stdout.lines().next() == Some(CSV_HEADER),
        "the CSV header",
    );
    out.check(
        keys(&out.stdout) == [("111".to_string(), "2026-01-02".to_string())],
        "the one row of the answer that came through",
    );
}

pub(super) fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}
