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

pub(super) fn into_io(err: csv::Error) -> io::Error {
    match err.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

/// Rows in `BALANCE_FIELDS` order, header first.
pub fn balances(rows: &[BalanceRow], out: &mut dyn Write) -> io::Result<()> {
    let mut csv = writer(out);
    csv.write_record(BALANCE_FIELDS).map_err(into_io)?;
    let mut text = String::with_capacity(64);
    for row in rows {
        write_balance(&mut csv, row, &mut text)?;
    }
    csv.flush()
}

/// One row from `balance_record`, formatted into the reused `text`: this is the hot loop of a
/// large export.
pub(super) fn write_balance<W: Write>(
    csv: &mut csv::Writer<W>,
    row: &BalanceRow,
    text: &mut String,
) -> io::Result<()> {
    let places = row.account.currency.decimal_places;
    for cell in balance_record(row) {
        let field: &str = match cell {
            Cell::Text(value) => value,
            Cell::Flag(true) => "true",
            Cell::Flag(false) => "false",
            Cell::Date(date) => {
                text.clear();
                write_date(text, date);
                text
            }
            Cell::Amount(amount) => {
                text.clear();
                write_amount(text, amount, places);
                text
            }
        };
        csv.write_field(field).map_err(into_io)?;
    }
    csv.write_record(None::<&[u8]>).map_err(into_io)
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

/// A CSV writer into a buffer, for the streamed report.
pub(super) fn buffer_writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::with_capacity(64 * 1024))
}

pub(super) fn header<W: Write>(csv: &mut csv::Writer<W>) -> io::Result<()> {
    csv.write_record(BALANCE_FIELDS).map_err(into_io)
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
