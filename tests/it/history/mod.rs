//! `treasury history` and what feeds it: every balances run recorded in the owner-only
//! SQLite history, `--change` across simulated days, overlapping runs, history turned off or
//! unwritable, and the open-banking read budget counted in the same store. Real binary, real
//! HTTP on 127.0.0.1: the scripted J.P. Morgan bank of `support`, and `treasury sandbox serve`.

mod read_back;
mod read_budget;
mod recording;

use crate::support;

use std::io::{Read, Write};
use std::os::unix::fs::PermissionsExt;

use serde_json::json;
use support::{found, readers};
use support::{run, Home, Reply, TestBank};

/// A J.P. Morgan answer: one account, one closed day, these amounts (`None`: not sent).
pub fn day(
    id: &str,
    date: &str,
    opening_ledger: &str,
    ending_ledger: &str,
    ending_available: Option<&str>,
) -> serde_json::Value {
    let mut balance = json!({
        "asOfDate": date,
        "recordTimestamp": format!("{date}T18:00:00Z"),
        "currentDay": false,
        "openingLedgerAmount": opening_ledger.parse::<serde_json::Number>().unwrap(),
        "endingLedgerAmount": ending_ledger.parse::<serde_json::Number>().unwrap(),
    });
    if let Some(available) = ending_available {
        balance["endingAvailableAmount"] = json!(available.parse::<serde_json::Number>().unwrap());
    }
    json!({
        "accountId": id,
        "accountName": format!("ACCOUNT {id}"),
        "branchId": "",
        "bankId": "02100002",
        "bankName": "TEST BANK",
        "currency": {"code": "USD", "currencySequence": 0, "decimalLocation": 2, "description": "US DOLLAR"},
        "balanceList": [balance],
    })
}

fn reply(accounts: Vec<serde_json::Value>) -> Reply {
    Reply::json(200, json!({ "accountList": accounts }).to_string())
}

fn history_file(env: &Home) -> std::path::PathBuf {
    env.path().join(".local/share/treasury/history.sqlite3")
}
