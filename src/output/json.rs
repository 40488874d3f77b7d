//! JSON and NDJSON: the same keys as the CSV header; amounts are JSON numbers with exactly the
//! digits the other formats print.

use std::io::{self, Write};

use chrono::Datelike;
use serde::Serialize;

use super::{account_record, balance_record, Cell, ACCOUNT_FIELDS, BALANCE_FIELDS};
use crate::model::{write_amount, Account, AccountError, BalanceRow, Report};

#[derive(Serialize)]
struct ErrorOut<'a> {
    account_id: &'a str,
    bank_id: &'a str,
    code: &'a str,
    message: &'a str,
}

/// One row as a JSON object, keys from `BALANCE_FIELDS`, appended to the reused `buf`.
/// Amounts are numbers carrying exactly the digits of their text form.
pub(super) fn write_balance(buf: &mut Vec<u8>, row: &BalanceRow, text: &mut String) {
    let places = row.account.currency.decimal_places;
    buf.push(b'{');
    for (i, (name, cell)) in BALANCE_FIELDS.iter().zip(balance_record(row)).enumerate() {
        if i > 0 {
            buf.push(b',');
        }
        buf.push(b'"');
        buf.extend_from_slice(name.as_bytes());
        buf.extend_from_slice(b"\":");
        match cell {
            Cell::Text(value) => write_str(buf, value),
            Cell::Flag(true) => buf.extend_from_slice(b"true"),
            Cell::Flag(false) => buf.extend_from_slice(b"false"),
            Cell::Date(date) => {
                text.clear();
                write_date(text, date);
                write_str(buf, text);
            }
            Cell::Amount(Some(amount)) => {
                text.clear();
                write_amount(text, amount, places);
                buf.extend_from_slice(text.as_bytes());
            }
            Cell::Amount(None) => buf.extend_from_slice(b"null"),
        }
    }
    buf.push(b'}');
}

/// A JSON string, escaped as serde_json escapes it.
fn write_str(buf: &mut Vec<u8>, value: &str) {
    let plain = value.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\');
    if plain {
        buf.push(b'"');
        buf.extend_from_slice(value.as_bytes());
        buf.push(b'"');
    } else {
        serde_json::to_writer(&mut *buf, value).expect("a string always serializes");
    }
}

/// `2026-01-02` as chrono displays it, by hand for the years a bank sends.
fn write_date(text: &mut String, date: chrono::NaiveDate) {
    use std::fmt::Write as _;
    if (0..=9999).contains(&date.year()) {
        super::csv::write_date(text, date);
    } else {
        let _ = write!(text, "{date}");
    }
}

/// One account as a JSON object, keys from `ACCOUNT_FIELDS`.
fn write_account(buf: &mut Vec<u8>, account: &Account) {
    buf.push(b'{');
    for (i, (name, value)) in ACCOUNT_FIELDS
        .iter()
        .zip(account_record(account))
        .enumerate()
    {
        if i > 0 {
            buf.push(b',');
        }
        buf.push(b'"');
        buf.extend_from_slice(name.as_bytes());
        buf.extend_from_slice(b"\":");
        write_str(buf, value);
    }
    buf.push(b'}');
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
    let mut buf = Vec::with_capacity(64 * 1024);
    let mut text = String::with_capacity(64);
    buf.extend_from_slice(BALANCES_OPEN);
    for (i, row) in report.rows.iter().enumerate() {
        buf.extend_from_slice(if i == 0 { b"\n" } else { b",\n" });
        write_balance(&mut buf, row, &mut text);
    }
    out.write_all(&buf)?;
    write_errors(&report.errors, out)
}

/// What a JSON report opens with.
pub(super) const BALANCES_OPEN: &[u8] = b"{\"balances\": [";

/// The end of a JSON report: its errors.
pub(super) fn write_errors(errors: &[AccountError], out: &mut dyn Write) -> io::Result<()> {
    out.write_all(b"],\n\"errors\": [")?;
    write_items(errors.iter().map(error_out), out)?;
    out.write_all(b"]}\n")
}

/// `{"accounts": [...]}`.
pub fn accounts(accounts: &[Account], out: &mut dyn Write) -> io::Result<()> {
    let mut buf = b"{\"accounts\": [".to_vec();
    for (i, account) in accounts.iter().enumerate() {
        buf.extend_from_slice(if i == 0 { b"\n" } else { b",\n" });
        write_account(&mut buf, account);
    }
    buf.extend_from_slice(b"]}\n");
    out.write_all(&buf)
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
    let mut buf = Vec::with_capacity(64 * 1024);
    let mut text = String::with_capacity(64);
    for row in rows {
        write_balance(&mut buf, row, &mut text);
        buf.push(b'\n');
    }
    out.write_all(&buf)
}

pub fn account_lines(accounts: &[Account], out: &mut dyn Write) -> io::Result<()> {
    let mut buf = Vec::new();
    for account in accounts {
        write_account(&mut buf, account);
        buf.push(b'\n');
    }
    out.write_all(&buf)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Balance, Currency};
    use crate::output::ACCOUNT_FIELDS;
    use std::str::FromStr;
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
                opening_available: Some(d),
                opening_ledger: Some(d),
                ending_available: Some(d),
                ending_ledger: Some(-d),
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
    fn absent_amounts_are_null_and_zero_stays_zero() {
        let mut absent = row("0", 2);
        absent.balance.opening_available = None;
        let mut out = Vec::new();
        balance_lines(&[absent], &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("\"opening_available\":null,"), "{text}");
        assert!(text.contains("\"opening_ledger\":0.00,"), "{text}");
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
