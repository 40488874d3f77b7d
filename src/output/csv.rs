//! CSV: RFC 4180, a header row, UTF-8, `\n` line ends, amounts without separators.

use std::io::{self, Write};

use super::{account_record, balance_record, ACCOUNT_FIELDS, BALANCE_FIELDS};
use crate::model::{Account, BalanceRow};

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

pub fn balances(rows: &[BalanceRow], out: &mut dyn Write) -> io::Result<()> {
    let mut csv = writer(out);
    csv.write_record(BALANCE_FIELDS).map_err(into_io)?;
    for row in rows {
        csv.write_record(balance_record(row)).map_err(into_io)?;
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
