//! `treasury balances` against a scripted bank on 127.0.0.1 through a config profile: the bank's
//! own mock answer, odd orders, whole-request errors, unreadable answers, what is sent,
//! and what must never be printed. (A failing bank and its retries: `balances::failing_bank`.)

mod answers;
mod errors;
mod requests;

use crate::support;

use serde_json::{json, Value};
use support::{answer_for, balances, csv_rows, keys, run, Home, Reply, TestBank, JPM_MOCK, SECRET};
