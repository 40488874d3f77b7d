//! CSV: RFC 4180, a header row, UTF-8, `\n` line ends, amounts without separators.

use std::fmt::Write as _;

use chrono::Datelike;
use std::io::{self, Write};

use super::{account_record, balance_record, Cell, ACCOUNT_FIELDS, BALANCE_FIELDS};
use crate::model::{write_amount, Account, BalanceRow};

fn writer(out: &mut dyn Write) -> csv::Writer<&mut dyn Write> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(out)
}

fn into_io(err: csv::Error) -> io::Error {
    match err.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

/// Rows in `BALANCE_FIELDS` order, header first.
pub fn balances(rows: &[BalanceRow], out: &mut dyn Write) -> io::Result<()> {
    let mut buf = Vec::with_capacity(64 * 1024);
    let mut text = String::with_capacity(64);
    header(&mut buf);
    for row in rows {
        write_balance(&mut buf, row, &mut text);
        if buf.len() >= 60 * 1024 {
            out.write_all(&buf)?;
            buf.clear();
        }
    }
    out.write_all(&buf)
}

/// The header row.
pub(super) fn header(buf: &mut Vec<u8>) {
    for (i, name) in BALANCE_FIELDS.iter().enumerate() {
        if i > 0 {
            buf.push(b',');
        }
        write_field(buf, name);
    }
    buf.push(b'\n');
}

/// One row from `balance_record`, appended to the reused `buf` (numbers formatted in the
/// reused `text`): this is the hot loop of a large export.
pub(super) fn write_balance(buf: &mut Vec<u8>, row: &BalanceRow, text: &mut String) {
    let places = row.account.currency.decimal_places;
    for (i, cell) in balance_record(row).into_iter().enumerate() {
        if i > 0 {
            buf.push(b',');
        }
        match cell {
            Cell::Text(value) => write_field(buf, value),
            Cell::Flag(true) => buf.extend_from_slice(b"true"),
            Cell::Flag(false) => buf.extend_from_slice(b"false"),
            Cell::Date(date) => {
                text.clear();
                write_date(text, date);
                buf.extend_from_slice(text.as_bytes());
            }
            Cell::Amount(Some(amount)) => {
                text.clear();
                write_amount(text, amount, places);
                buf.extend_from_slice(text.as_bytes());
            }
            Cell::Amount(None) => {}
        }
    }
    buf.push(b'\n');
}

/// A field as the csv crate writes it (quotes only where needed: a comma, a quote, a CR or
/// LF; quotes inside doubled); a test holds the two to the same bytes.
fn write_field(buf: &mut Vec<u8>, value: &str) {
    let bytes = value.as_bytes();
    if !bytes
        .iter()
        .any(|b| matches!(b, b',' | b'"' | b'\r' | b'\n'))
    {
        buf.extend_from_slice(bytes);
        return;
    }
    buf.push(b'"');
    for &b in bytes {
        if b == b'"' {
            buf.push(b'"');
        }
        buf.push(b);
    }
    buf.push(b'"');
}

/// `2026-01-02`, written by hand: chrono's `format` parses its pattern on every call.
pub(super) fn write_date(text: &mut String, date: chrono::NaiveDate) {
    let _ = write!(
        text,
        "{:04}-{:02}-{:02}",
        date.year(),
        date.month(),
        date.day()
    );
}

pub fn accounts(accounts: &[Account], out: &mut dyn Write) -> io::Result<()> {
    let mut csv = writer(out);
    csv.write_record(ACCOUNT_FIELDS).map_err(into_io)?;
    for account in accounts {
        csv.write_record(account_record(account)).map_err(into_io)?;
    }
    csv.flush()
}

/// A header of the names and one row of the values.
pub fn fields(fields: &[super::Field], out: &mut dyn Write) -> io::Result<()> {
    let mut csv = writer(out);
    csv.write_record(fields.iter().map(|f| f.name))
        .map_err(into_io)?;
    csv.write_record(fields.iter().map(super::Field::text_value))
        .map_err(into_io)?;
    csv.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_as_the_csv_crate_quotes_them() {
        let values = [
            "",
            "plain",
            "a,b",
            "say \"hi\"",
            "line\nbreak",
            "cr\rhere",
            " space ",
            "'quote'",
            "#hash",
            "\u{1b}[31m",
            "ünïcode",
            "tab\there",
            "\"",
        ];
        for value in values {
            let mut ours = Vec::new();
            write_field(&mut ours, value);
            ours.extend_from_slice(b",x\n");
            let mut theirs = Vec::new();
            let mut csv = writer(&mut theirs);
            csv.write_record([value, "x"]).unwrap();
            drop(csv);
            assert_eq!(
                String::from_utf8(ours).unwrap(),
                String::from_utf8(theirs).unwrap(),
                "{value:?}"
            );
        }
    }
}
