//! A cash position as CSV, JSON and NDJSON: the keys of `position::ROW_FIELDS` (then
//! `CONVERTED_FIELDS` with `--in`), `TOTAL_FIELDS` and `ERROR_FIELDS`, in that order.

use std::io::{self, Write};

use serde::Serialize;

use super::json::write_items;
use super::PositionView;
use crate::model::{format_amount, write_amount, BalanceRow};
use crate::position::{
    ErrorEntry, Position, PositionRow, TotalRow, CONVERTED_FIELDS, ROW_FIELDS, TOTAL_FIELDS,
};

/// A balance row's keys for the serde-written position rows, in `BALANCE_FIELDS` order (a unit
/// test pins it; the balance reports themselves are written field by field from that list).
#[derive(Serialize)]
struct BalanceOut<'a> {
    account_id: &'a str,
    account_name: &'a str,
    bank_id: &'a str,
    bank_name: &'a str,
    branch_id: &'a str,
    currency: &'a str,
    as_of_date: String,
    current_day: bool,
    opening_available: Option<serde_json::Number>,
    opening_ledger: Option<serde_json::Number>,
    ending_available: Option<serde_json::Number>,
    ending_ledger: Option<serde_json::Number>,
    record_timestamp: &'a str,
}

/// An amount as a JSON number carrying exactly the digits of its text form.
fn number(amount: rust_decimal::Decimal, places: u32) -> serde_json::Number {
    std::str::FromStr::from_str(&format_amount(amount, places))
        .expect("a formatted decimal is a valid JSON number")
}

/// An amount that may be absent: a number, or `null` when the bank did not send it.
fn maybe_number(amount: Option<rust_decimal::Decimal>, places: u32) -> Option<serde_json::Number> {
    amount.map(|a| number(a, places))
}

/// An amount that may be absent as CSV text: empty when the bank did not send it.
fn maybe_text(amount: Option<rust_decimal::Decimal>, places: u32) -> String {
    amount.map_or_else(String::new, |a| format_amount(a, places))
}

fn balance_out(row: &BalanceRow) -> BalanceOut<'_> {
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
        opening_available: maybe_number(b.opening_available, places),
        opening_ledger: maybe_number(b.opening_ledger, places),
        ending_available: maybe_number(b.ending_available, places),
        ending_ledger: maybe_number(b.ending_ledger, places),
        record_timestamp: &b.record_timestamp,
    }
}

/// One JSON object a line.
fn write_lines<T: Serialize>(
    items: impl Iterator<Item = T>,
    out: &mut dyn Write,
) -> io::Result<()> {
    for item in items {
        serde_json::to_writer(&mut *out, &item)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

#[derive(Serialize)]
struct RowOut<'a> {
    profile: &'a str,
    provider: &'a str,
    #[serde(flatten)]
    balance: BalanceOut<'a>,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    converted: Option<ConvertedOut<'a>>,
}

#[derive(Serialize)]
struct ConvertedOut<'a> {
    converted_currency: &'a str,
    /// `null` for an unrated row, or where the bank sent no amount to convert.
    converted_ending_ledger: Option<serde_json::Number>,
    converted_ending_available: Option<serde_json::Number>,
}

#[derive(Serialize)]
struct TotalOut<'a> {
    scope: &'static str,
    profile: &'a str,
    provider: &'a str,
    currency: &'a str,
    rows: usize,
    ending_ledger: Option<serde_json::Number>,
    ending_available: Option<serde_json::Number>,
    complete: bool,
    absent_ending_ledger: usize,
    absent_ending_available: usize,
}

#[derive(Serialize)]
struct ErrorOut<'a> {
    kind: &'static str,
    profile: &'a str,
    provider: &'a str,
    account_id: &'a str,
    bank_id: &'a str,
    code: &'a str,
    message: &'a str,
    exit_code: u8,
}

/// The reporting currency of a position converted with `--in`.
fn reporting(position: &Position) -> Option<&str> {
    position.reporting.as_ref().map(|r| r.currency.as_str())
}

/// A row's converted amounts as printed (rounded), `None` for an unrated row.
fn converted_amounts(row: &PositionRow) -> Option<(String, String)> {
    let c = row.converted.as_ref()?;
    let (ledger, available) = c.rounded();
    Some((
        maybe_text(ledger, c.places),
        maybe_text(available, c.places),
    ))
}

fn row_out<'a>(row: &'a PositionRow, reporting: Option<&'a str>) -> RowOut<'a> {
    let amounts = row.converted.as_ref().map(|c| {
        let (ledger, available) = c.rounded();
        (
            maybe_number(ledger, c.places),
            maybe_number(available, c.places),
        )
    });
    RowOut {
        profile: &row.profile,
        provider: &row.provider,
        balance: balance_out(&row.row),
        converted: reporting.map(|currency| ConvertedOut {
            converted_currency: currency,
            converted_ending_ledger: amounts.as_ref().and_then(|(l, _)| l.clone()),
            converted_ending_available: amounts.and_then(|(_, a)| a),
        }),
    }
}

fn total_out(t: &TotalRow) -> TotalOut<'_> {
    TotalOut {
        scope: t.scope.as_str(),
        profile: &t.profile,
        provider: &t.provider,
        currency: &t.currency,
        rows: t.rows,
        ending_ledger: maybe_number(t.ending_ledger, t.places),
        ending_available: maybe_number(t.ending_available, t.places),
        complete: t.complete,
        absent_ending_ledger: t.absent.ending_ledger,
        absent_ending_available: t.absent.ending_available,
    }
}

fn error_out(e: &ErrorEntry) -> ErrorOut<'_> {
    ErrorOut {
        kind: e.kind.as_str(),
        profile: &e.profile,
        provider: &e.provider,
        account_id: &e.account_id,
        bank_id: &e.bank_id,
        code: &e.code,
        message: &e.message,
        exit_code: e.exit_code,
    }
}

/// `{"balances": [...], "totals": [...], "errors": [...]}`, one item per line, and with
/// `--since` a fourth key, `"changes": [...]`. `--totals-only` changes nothing here: the
/// totals are already their own key.
pub fn json(
    position: &Position,
    changes: Option<&crate::history::changes::Changes>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let currency = reporting(position);
    out.write_all(b"{\"balances\": [")?;
    write_items(position.rows.iter().map(|r| row_out(r, currency)), out)?;
    out.write_all(b"],\n\"totals\": [")?;
    write_items(position.total_rows().iter().map(total_out), out)?;
    out.write_all(b"],\n\"errors\": [")?;
    write_items(position.errors().iter().map(error_out), out)?;
    if let Some(changes) = changes {
        out.write_all(b"],\n\"changes\": [")?;
        super::position_changes::json_items(changes, out)?;
    }
    out.write_all(b"]}\n")
}

/// One position row per line; with `--totals-only`, one total per line.
pub fn ndjson(position: &Position, view: PositionView, out: &mut dyn Write) -> io::Result<()> {
    if view.totals_only {
        return write_lines(position.total_rows().iter().map(total_out), out);
    }
    let currency = reporting(position);
    write_lines(position.rows.iter().map(|r| row_out(r, currency)), out)
}

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

/// Rows only (converted columns last with `--in`; empty for an unrated row), or with
/// `--totals-only` the total rows.
pub fn csv(position: &Position, view: PositionView, out: &mut dyn Write) -> io::Result<()> {
    let mut csv = writer(out);
    if view.totals_only {
        csv.write_record(TOTAL_FIELDS).map_err(into_io)?;
        for t in position.total_rows() {
            csv.write_record(total_record(&t)).map_err(into_io)?;
        }
        return csv.flush();
    }
    let currency = reporting(position);
    let mut header: Vec<&str> = ROW_FIELDS.to_vec();
    if currency.is_some() {
        header.extend(CONVERTED_FIELDS);
    }
    csv.write_record(&header).map_err(into_io)?;
    for row in &position.rows {
        let mut record = row_record(row);
        if let Some(code) = currency {
            let (ledger, available) = converted_amounts(row).unwrap_or_default();
            record.extend([code.to_string(), ledger, available]);
        }
        csv.write_record(&record).map_err(into_io)?;
    }
    csv.flush()
}

fn row_record(row: &PositionRow) -> Vec<String> {
    let (a, b) = (&row.row.account, &row.row.balance);
    let places = a.currency.decimal_places;
    let amount = |v: Option<rust_decimal::Decimal>| {
        let mut text = String::new();
        if let Some(v) = v {
            write_amount(&mut text, v, places);
        }
        text
    };
    vec![
        row.profile.clone(),
        row.provider.clone(),
        a.account_id.clone(),
        a.account_name.clone(),
        a.bank_id.clone(),
        a.bank_name.clone(),
        a.branch_id.clone(),
        a.currency.code.clone(),
        b.as_of_date.to_string(),
        b.current_day.to_string(),
        amount(b.opening_available),
        amount(b.opening_ledger),
        amount(b.ending_available),
        amount(b.ending_ledger),
        b.record_timestamp.clone(),
    ]
}

fn total_record(t: &TotalRow) -> Vec<String> {
    vec![
        t.scope.as_str().to_string(),
        t.profile.clone(),
        t.provider.clone(),
        t.currency.clone(),
        t.rows.to_string(),
        maybe_text(t.ending_ledger, t.places),
        maybe_text(t.ending_available, t.places),
        t.complete.to_string(),
        t.absent.ending_ledger.to_string(),
        t.absent.ending_available.to_string(),
    ]
}

#[cfg(test)]
mod tests {
    use super::balance_out;
    use crate::output::BALANCE_FIELDS;

    /// The serde-written position rows keep the one list of balance fields, in its order.
    #[test]
    fn position_rows_carry_the_balance_fields_in_order() {
        let row = crate::position::tests::row("1", "USD", 2, "1.00", "2.00");
        let value = serde_json::to_value(balance_out(&row)).unwrap();
        let keys: Vec<&str> = value
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, BALANCE_FIELDS);
    }
}
