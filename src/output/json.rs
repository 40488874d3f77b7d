//! JSON and NDJSON: the same keys as the CSV header; amounts are JSON numbers with exactly the
//! digits the other formats print.

use std::io::{self, Write};
use std::str::FromStr;

use serde::Serialize;

use crate::model::{format_amount, Account, AccountError, BalanceRow, Report};

#[derive(Serialize)]
pub(super) struct BalanceOut<'a> {
    account_id: &'a str,
    account_name: &'a str,
    bank_id: &'a str,
    bank_name: &'a str,
    branch_id: &'a str,
    currency: &'a str,
    as_of_date: String,
    current_day: bool,
    opening_available: serde_json::Number,
    opening_ledger: serde_json::Number,
    ending_available: serde_json::Number,
    ending_ledger: serde_json::Number,
    record_timestamp: &'a str,
}

#[derive(Serialize)]
struct AccountOut<'a> {
    account_id: &'a str,
    account_name: &'a str,
    bank_id: &'a str,
    bank_name: &'a str,
    branch_id: &'a str,
    currency: &'a str,
}

#[derive(Serialize)]
struct ErrorOut<'a> {
    account_id: &'a str,
    bank_id: &'a str,
    code: &'a str,
    message: &'a str,
}

/// An amount as a JSON number carrying exactly the digits of its text form.
pub(super) fn number(amount: rust_decimal::Decimal, places: u32) -> serde_json::Number {
    serde_json::Number::from_str(&format_amount(amount, places))
        .expect("a formatted decimal is a valid JSON number")
}

pub(super) fn balance_out(row: &BalanceRow) -> BalanceOut<'_> {
    let a = &row.account;
    let b = &row.balance;
    let places = a.currency.decimal_places;
    BalanceOut {
        account_id: &a.account_id,
        account_name: &a.account_name,
        bank_id: &a.bank_id,
        bank_name: &a.bank_name,
        branch_id: &a.branch_id,
        currency: &a.currency.code,
        as_of_date: b.as_of_date.to_string(),
        current_day: b.current_day,
        opening_available: number(b.opening_available, places),
        opening_ledger: number(b.opening_ledger, places),
        ending_available: number(b.ending_available, places),
        ending_ledger: number(b.ending_ledger, places),
        record_timestamp: &b.record_timestamp,
    }
}

fn account_out(a: &Account) -> AccountOut<'_> {
    AccountOut {
        account_id: &a.account_id,
        account_name: &a.account_name,
        bank_id: &a.bank_id,
        bank_name: &a.bank_name,
        branch_id: &a.branch_id,
        currency: &a.currency.code,
    }
}

fn error_out(e: &AccountError) -> ErrorOut<'_> {
    ErrorOut {
        account_id: &e.account_id,
        bank_id: &e.bank_id,
        code: &e.code,
        message: &e.message,
    }
}

/// `{"balances": [...], "errors": [...]}`, rows one per line for readable diffs.
pub fn balances(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(b"{\"balances\": [")?;
    write_items(report.rows.iter().map(balance_out), out)?;
    out.write_all(b"],\n\"errors\": [")?;
    write_items(report.errors.iter().map(error_out), out)?;
    out.write_all(b"]}\n")
}

/// `{"accounts": [...]}`.
pub fn accounts(accounts: &[Account], out: &mut dyn Write) -> io::Result<()> {
    out.write_all(b"{\"accounts\": [")?;
    write_items(accounts.iter().map(account_out), out)?;
    out.write_all(b"]}\n")
}

/// One object, keys in the order given.
pub fn fields(fields: &[super::Field], out: &mut dyn Write) -> io::Result<()> {
    let object: serde_json::Map<String, serde_json::Value> = fields
        .iter()
        .map(|f| (f.name.to_string(), f.value.clone()))
        .collect();
    serde_json::to_writer(&mut *out, &object)?;
    out.write_all(b"\n")
}

pub fn balance_lines(rows: &[BalanceRow], out: &mut dyn Write) -> io::Result<()> {
    write_lines(rows.iter().map(balance_out), out)
}

pub fn account_lines(accounts: &[Account], out: &mut dyn Write) -> io::Result<()> {
    write_lines(accounts.iter().map(account_out), out)
}

pub(super) fn write_items<T: Serialize>(
    items: impl Iterator<Item = T>,
    out: &mut dyn Write,
) -> io::Result<()> {
    for (i, item) in items.enumerate() {
        out.write_all(if i == 0 { b"\n" } else { b",\n" })?;
        serde_json::to_writer(&mut *out, &item)?;
    }
    Ok(())
}

pub(super) fn write_lines<T: Serialize>(
    items: impl Iterator<Item = T>,
    out: &mut dyn Write,
) -> io::Result<()> {
    for item in items {
        serde_json::to_writer(&mut *out, &item)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Balance, Currency};
    use crate::output::{ACCOUNT_FIELDS, BALANCE_FIELDS};
    use std::sync::Arc;

    fn row(amount: &str, places: u32) -> BalanceRow {
        let d = rust_decimal::Decimal::from_str(amount).unwrap();
        BalanceRow {
            account: Arc::new(Account {
                account_id: "1".into(),
                account_name: "N".into(),
                bank_id: "B".into(),
                bank_name: "BN".into(),
                branch_id: String::new(),
                currency: Currency {
                    code: "JPY".into(),
                    decimal_places: places,
                },
            }),
            balance: Balance {
                as_of_date: chrono::NaiveDate::from_ymd_opt(2026, 1, 2).unwrap(),
                current_day: false,
                opening_available: d,
                opening_ledger: d,
                ending_available: d,
                ending_ledger: -d,
                record_timestamp: "2026-01-02T18:00:00Z".into(),
            },
        }
    }

    #[test]
    fn keys_follow_the_documented_order() {
        let mut out = Vec::new();
        balance_lines(&[row("1500", 0)], &mut out).unwrap();
        let value: serde_json::Map<String, serde_json::Value> =
            serde_json::from_slice(&out).unwrap();
        assert_eq!(value.keys().collect::<Vec<_>>(), BALANCE_FIELDS);
        let mut out = Vec::new();
        account_lines(&[(*row("1", 0).account).clone()], &mut out).unwrap();
        let value: serde_json::Map<String, serde_json::Value> =
            serde_json::from_slice(&out).unwrap();
        assert_eq!(value.keys().collect::<Vec<_>>(), ACCOUNT_FIELDS);
    }

    #[test]
    fn amounts_are_numbers_with_exact_digits() {
        let mut out = Vec::new();
        balance_lines(&[row("9007199254740993.1", 2), row("1500", 0)], &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.contains("\"opening_available\":9007199254740993.10,"),
            "{text}"
        );
        assert!(
            text.contains("\"ending_ledger\":-9007199254740993.10,"),
            "{text}"
        );
        assert!(text.contains("\"opening_ledger\":1500,"), "{text}");
    }

    #[test]
    fn the_document_has_balances_and_errors() {
        let report = Report {
            rows: vec![row("1.5", 2)],
            errors: vec![AccountError {
                account_id: "9".into(),
                bank_id: "B".into(),
                code: "GCA-010".into(),
                message: "The account was not found".into(),
            }],
        };
        let mut out = Vec::new();
        balances(&report, &mut out).unwrap();
        let value: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(
            value["balances"][0]["opening_available"].to_string(),
            "1.50"
        );
        assert_eq!(value["errors"][0]["code"], "GCA-010");
        let mut out = Vec::new();
        balances(&Report::default(), &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "{\"balances\": [],\n\"errors\": []}\n"
        );
    }
}
