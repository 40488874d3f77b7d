//! What the independent readers found in a bank file, as report fields and decimal text, and
//! the rows of the CSV of the same request to compare it with.

use std::collections::BTreeMap;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde_json::Value;

use crate::support::csv_rows;

pub const FIELDS: [&str; 4] = [
    "opening_available",
    "opening_ledger",
    "ending_available",
    "ending_ledger",
];

/// One row of a report: its key and its four amounts as the CSV wrote them (`None`: absent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub account: String,
    pub date: String,
    pub current_day: bool,
    pub amounts: BTreeMap<&'static str, Option<String>>,
}

/// A CSV report's rows; `skip` leading columns (a position's profile and provider).
pub fn rows_of_csv(csv: &str, skip: usize) -> Vec<Row> {
    csv_rows(csv)
        .into_iter()
        .map(|r| Row {
            account: r[skip].clone(),
            date: r[skip + 6].clone(),
            current_day: r[skip + 7] == "true",
            amounts: FIELDS
                .iter()
                .enumerate()
                .map(|(i, f)| (*f, Some(r[skip + 8 + i].clone()).filter(|a| !a.is_empty())))
                .collect(),
        })
        .collect()
}

/// The fraction digits the CSV wrote a row's amounts with (the currency's).
fn places(row: &Row) -> u32 {
    row.amounts
        .values()
        .flatten()
        .next()
        .map_or(0, |a| a.split_once('.').map_or(0, |(_, f)| f.len() as u32))
}

/// What a reader found in a file: per (account, date), the amounts it holds by report field.
pub type Found = BTreeMap<(String, String), BTreeMap<&'static str, String>>;

fn insert(found: &mut Found, account: &str, date: &str, amounts: BTreeMap<&'static str, String>) {
    let key = (account.to_string(), date.to_string());
    assert!(!found.contains_key(&key), "{key:?} is in the file twice");
    found.insert(key, amounts);
}

/// A BAI2 file's amounts, from minor units to decimals with the CSV row's places.
pub fn found_in_bai2(file: &Value, expected: &[Row]) -> Found {
    let mut found = Found::new();
    for entry in file["entries"].as_array().unwrap() {
        let (account, date) = (
            entry["account"].as_str().unwrap(),
            entry["date"].as_str().unwrap(),
        );
        let row = expected
            .iter()
            .find(|r| r.account == account && r.date == date)
            .unwrap_or_else(|| panic!("BAI2 has {account} {date}, the CSV has not"));
        let modifier = if row.current_day { "3" } else { "2" };
        assert_eq!(entry["group"]["modifier"], modifier, "{account} {date}");
        let mut amounts = BTreeMap::new();
        for (code, minor) in entry["balances"].as_object().unwrap() {
            let field = match (code.as_str(), row.current_day) {
                ("010", _) => "opening_ledger",
                ("040", _) => "opening_available",
                ("015", false) | ("030", true) => "ending_ledger",
                ("045", false) | ("060", true) => "ending_available",
                other => panic!("type code {other:?} for {account} {date}"),
            };
            let minor = i128::from_str(minor.as_str().unwrap()).unwrap();
            let value = Decimal::from_i128_with_scale(minor, places(row));
            amounts.insert(field, value.to_string());
        }
        insert(&mut found, account, date, amounts);
    }
    found
}

pub fn found_in_camt(file: &Value, expected: &[Row]) -> Found {
    let mut found = Found::new();
    for entry in file["entries"].as_array().unwrap() {
        let (account, date) = (
            entry["account"].as_str().unwrap(),
            entry["date"].as_str().unwrap(),
        );
        let row = expected
            .iter()
            .find(|r| r.account == account && r.date == date);
        let current = row.is_some_and(|r| r.current_day);
        let mut amounts = BTreeMap::new();
        for (code, amount) in entry["balances"].as_object().unwrap() {
            let field = match (code.as_str(), current) {
                ("OPBD", _) => "opening_ledger",
                ("OPAV", _) => "opening_available",
                ("CLBD", false) | ("ITBD", true) => "ending_ledger",
                ("CLAV", false) | ("ITAV", true) => "ending_available",
                other => panic!("balance code {other:?} for {account} {date}"),
            };
            amounts.insert(field, amount.as_str().unwrap().to_string());
        }
        insert(&mut found, account, date, amounts);
    }
    found
}

pub fn found_in_mt940(file: &Value) -> Found {
    let mut found = Found::new();
    for message in file.as_array().unwrap() {
        let id = message["account_id"].as_str().unwrap();
        let account = id.rsplit('/').next().unwrap();
        let date = message["opening_balance"]["date"].as_str().unwrap();
        let mut amounts = BTreeMap::new();
        for (tag, field) in [
            ("opening_balance", "opening_ledger"),
            ("closing_balance", "ending_ledger"),
            ("closing_available_balance", "ending_available"),
        ] {
            let balance = &message[tag];
            if balance.is_null() {
                continue;
            }
            assert_eq!(
                balance["date"], date,
                "{account}: every balance dated the as-of date"
            );
            let sign = if balance["debit_credit_indicator"] == "Debit" {
                "-"
            } else {
                ""
            };
            amounts.insert(
                field,
                format!("{sign}{}", balance["amount"].as_str().unwrap()),
            );
        }
        insert(&mut found, account, date, amounts);
    }
    found
}
