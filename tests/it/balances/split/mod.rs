//! `balances --split` through the built binary: the order requests complete in never shows in
//! the streamed output (a sandbox with several account batches, one request at a time against
//! eight); a window failing after earlier batches were written leaves the previous `-o` file as
//! it was and names the failing window and batch; a batch or window fails on its own; at most
//! `--concurrency` requests are in flight; 450 accounts from a file go as 200, 200 and 50.

mod batches;
mod streaming;
mod windows;

use crate::support;

use std::collections::HashSet;
use std::time::Duration;

use chrono::NaiveDate;
use serde_json::Value;
use support::{answer_for, balances, csv_rows, keys, run, Home, Reply, ServedSandbox, TestBank};

use super::failing_bank::{answer_to, listing};
use super::rows::{answer_of, balances_of, entries_for, DAY};

/// A `treasury sandbox serve` process, stopped when dropped.
fn serve(env: &Home, accounts: usize) -> ServedSandbox {
    ServedSandbox::start(env, ["--accounts", &accounts.to_string()])
}

fn sandbox_profile(env: &Home, base: &str) {
    let text = format!(
        "[profiles.test]\nbase_url = \"{base}\"\ntoken_url = \"{base}/oauth2/token\"\nclient_id = \"sandbox\"\n"
    );
    let path = env.config_path();
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}
