//! The rows of a `balances` report: every requested account ends as a row or an error,
//! duplicates are dropped or refused, the account cache belongs to one bank, dates stay in the
//! API's range, quoted input stays short, and an amount the bank did not send is absent, never
//! zero. (`--split` batches and windows failing on their own are in `balances::split`.)

mod accounts;
mod amounts;
mod limits;

use crate::support;

use serde_json::Value;
use support::{answer_for, balances, csv_rows, keys, run, Home, Reply, TestBank, CSV_HEADER};

pub(super) const DAY: &str = "2026-01-05";

pub(super) fn one_day(extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = ["-f", "csv", "--from", DAY, "--to", DAY]
        .iter()
        .map(|s| s.to_string())
        .collect();
    args.extend(extra.iter().map(|s| s.to_string()));
    args
}

pub(super) fn balances_of(env: &Home, args: &[String]) -> support::Run {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    balances(env, &args)
}

/// An answer whose `accountList` is exactly these entries.
pub(super) fn answer_of(entries: Vec<Value>) -> Reply {
    Reply::json(
        200,
        serde_json::json!({ "accountList": entries }).to_string(),
    )
}

/// The `accountList` entries of an `answer_for` answer.
pub(super) fn entries_for(accounts: &[(&str, &str)], dates: &[&str]) -> Vec<Value> {
    let reply = answer_for(accounts, dates);
    let body: Value = serde_json::from_str(&reply.body).unwrap();
    body["accountList"].as_array().unwrap().clone()
}
