//! `treasury balances` against the built-in sandbox bank (`--sandbox`), and `--dry-run`, which
//! needs no bank at all: formats, dates, accounts, partial answers and report files.

mod dry_run;
mod files;
mod formats;
mod selection;

use crate::support;
use crate::support::snapshot;

use serde_json::Value;
use support::{csv_rows, has_exact_places, places_of, run, split_csv_line, Home, CSV_HEADER};

const USD_1: &str = "000000010000000";

const GBP_1: &str = "0041000001";

const JPY_1: &str = "81007000002";

const UNKNOWN: &str = "99999999";

/// The sandbox's default book: two accounts at each of its six banks.
const SANDBOX_ACCOUNTS: usize = 12;

const AMOUNT_FIELDS: [&str; 4] = [
    "opening_available",
    "opening_ledger",
    "ending_available",
    "ending_ledger",
];

fn sandbox(env: &Home, args: &[&str]) -> support::Run {
    run(env.cmd().arg("--sandbox").arg("balances").args(args))
}

fn field_names() -> Vec<&'static str> {
    CSV_HEADER.split(',').collect()
}

fn listing(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}
