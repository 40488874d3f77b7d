//! CSV: RFC 4180, a header row, UTF-8, `\n` line ends, amounts without separators.

use std::fmt::Write as _;

use chrono::Datelike;
use std::io::{self, Write};

use super::{account_record, ACCOUNT_FIELDS, BALANCE_FIELDS};
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

/// Rows in `BALANCE_FIELDS` order, formatted into reused buffers: this is the hot loop of a
/// large export.
pub fn balances(rows: &[BalanceRow], out: &mut dyn Write) -> io::Result<()> {
    let mut csv = writer(out);
    csv.write_record(BALANCE_FIELDS).map_err(into_io)?;
    let mut text = String::with_capacity(64);
    for row in rows {
        let (a, b) = (&row.account, &row.balance);
        for field in [
            &a.account_id,
            &a.account_name,
            &a.bank_id,
            &a.bank_name,
            &a.branch_id,
            &a.currency.code,
        ] {
            csv.write_field(field).map_err(into_io)?;
        }
        text.clear();
        let date = b.as_of_date;
        // Written by hand: chrono's `format` parses its pattern on every call.
        write!(
            text,
            "{:04}-{:02}-{:02}",
            date.year(),
            date.month(),
            date.day()
        )
        .map_err(io::Error::other)?;
        csv.write_field(&text).map_err(into_io)?;
        csv.write_field(if b.current_day { "true" } else { "false" })
            .map_err(into_io)?;
        for amount in [
            b.opening_available,
            b.opening_ledger,
            b.ending_available,
            b.ending_ledger,
        ] {
            text.clear();
            write_amount(&mut text, amount, a.currency.decimal_places);
            csv.write_field(&text).map_err(into_io)?;
        }
        csv.write_field(&b.record_timestamp).map_err(into_io)?;
        csv.write_record(None::<&[u8]>).map_err(into_io)?;
    }
    csv.flush()
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
