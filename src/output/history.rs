//! Rows read back from the history store: the report's 13 fields, then who fetched them
//! (`profile`, `provider`, `fetched_at`), then with `--change` the four changes. Written as
//! they are read, so a long history is never held whole (the table aside).

use std::io::{self, Write};

use rust_decimal::Decimal;

use super::{printable, BALANCE_FIELDS};
use crate::cli::Format;
use crate::history::StoredRow;
use crate::model::{format_amount, format_amount_grouped};

/// The fields after the report's own.
pub const SOURCE_FIELDS: [&str; 3] = ["profile", "provider", "fetched_at"];

/// The fields `--change` appends.
pub const CHANGE_FIELDS: [&str; 4] = [
    "opening_available_change",
    "opening_ledger_change",
    "ending_available_change",
    "ending_ledger_change",
];

/// Index of the first amount among the report's fields.
const FIRST_AMOUNT: usize = super::field_index(&BALANCE_FIELDS, "opening_available");

/// One stored row and, with `--change`, the change of each amount.
pub struct HistoryRow {
    pub stored: StoredRow,
    pub changes: Option<[Option<Decimal>; 4]>,
}

/// One value: text, a flag, or an amount (absent: `None`).
enum Value {
    Text(String),
    Flag(bool),
    Amount(Option<Decimal>),
}

pub struct HistoryWriter<W: Write> {
    format: Format,
    change: bool,
    out: W,
    count: usize,
    /// The table's cells, until the end: its columns need every row's width.
    held: Vec<Vec<(String, bool)>>,
    buf: Vec<u8>,
    text: String,
}

impl<W: Write> HistoryWriter<W> {
    pub fn new(format: Format, change: bool, out: W) -> Self {
        HistoryWriter {
            format,
            change,
            out,
            count: 0,
            held: Vec::new(),
            buf: Vec::with_capacity(64 * 1024),
            text: String::with_capacity(64),
        }
    }

    pub fn count(&self) -> usize {
        self.count
    }

    fn names(&self) -> Vec<&'static str> {
        let mut names: Vec<&'static str> = BALANCE_FIELDS.to_vec();
        names.extend(SOURCE_FIELDS);
        if self.change {
            names.extend(CHANGE_FIELDS);
        }
        names
    }

    /// Writes one row after every row written before.
    pub fn row(&mut self, row: &HistoryRow) -> io::Result<()> {
        let places = row.stored.row.account.currency.decimal_places;
        if self.format == Format::Csv {
            self.csv_row(row, places)?;
            self.count += 1;
            return Ok(());
        }
        let values = values_of(row, self.change);
        match self.format {
            Format::Table => self.held.push(
                values
                    .iter()
                    .map(|v| match v {
                        Value::Text(t) => (printable(t).into_owned(), false),
                        Value::Flag(f) => (f.to_string(), false),
                        Value::Amount(a) => (
                            a.map(|a| format_amount_grouped(a, places))
                                .unwrap_or_default(),
                            true,
                        ),
                    })
                    .collect(),
            ),
            // JSON and NDJSON (the command takes no other format).
            _ => self.json_row(&values, places)?,
        }
        self.count += 1;
        Ok(())
    }

    /// One CSV line, written field by field into the buffer (the hot path of a long history).
    fn csv_row(&mut self, row: &HistoryRow, places: u32) -> io::Result<()> {
        if self.count == 0 {
            let names = self.names().join(",");
            self.buf.extend_from_slice(names.as_bytes());
            self.buf.push(b'\n');
        }
        let stored = &row.stored;
        let (a, b) = (&stored.row.account, &stored.row.balance);
        for text in [
            &a.account_id,
            &a.account_name,
            &a.bank_id,
            &a.bank_name,
            &a.branch_id,
            &a.currency.code,
        ] {
            csv_field(&mut self.buf, text);
            self.buf.push(b',');
        }
        self.text.clear();
        super::csv::write_date(&mut self.text, b.as_of_date);
        self.buf.extend_from_slice(self.text.as_bytes());
        self.buf.extend_from_slice(match b.current_day {
            true => b",true",
            false => b",false",
        });
        self.amounts(&stored.amounts, places);
        for text in [
            &b.record_timestamp,
            &stored.profile,
            &stored.provider,
            &stored.fetched_at,
        ] {
            self.buf.push(b',');
            csv_field(&mut self.buf, text);
        }
        if self.change {
            self.amounts(&row.changes.unwrap_or_default(), places);
        }
        self.buf.push(b'\n');
        if self.buf.len() >= 60 * 1024 {
            self.out.write_all(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }

    /// Four amounts, each after a comma; an absent one is an empty field.
    fn amounts(&mut self, amounts: &[Option<Decimal>; 4], places: u32) {
        for amount in amounts {
            self.buf.push(b',');
            if let Some(amount) = amount {
                self.text.clear();
                crate::model::write_amount(&mut self.text, *amount, places);
                self.buf.extend_from_slice(self.text.as_bytes());
            }
        }
    }

    fn json_row(&mut self, values: &[Value], places: u32) -> io::Result<()> {
        let mut object = serde_json::Map::new();
        for (name, value) in self.names().into_iter().zip(values) {
            let json = match value {
                Value::Text(t) => serde_json::Value::String(t.clone()),
                Value::Flag(f) => serde_json::Value::Bool(*f),
                Value::Amount(None) => serde_json::Value::Null,
                Value::Amount(Some(a)) => {
                    let text = format_amount(*a, places);
                    serde_json::from_str(&text).map_err(io::Error::other)?
                }
            };
            object.insert(name.to_string(), json);
        }
        let text = serde_json::to_string(&object).map_err(io::Error::other)?;
        match self.format {
            Format::Json => {
                let lead: &[u8] = match self.count {
                    0 => b"{\"balances\": [\n  ",
                    _ => b",\n  ",
                };
                self.out.write_all(lead)?;
                self.out.write_all(text.as_bytes())
            }
            _ => {
                self.out.write_all(text.as_bytes())?;
                self.out.write_all(b"\n")
            }
        }
    }

    /// Ends the document and hands back where it was written.
    pub fn finish(mut self) -> io::Result<W> {
        match self.format {
            Format::Csv => self.out.write_all(&self.buf)?,
            Format::Json => {
                let lead: &[u8] = match self.count {
                    0 => b"{\"balances\": [",
                    _ => b"\n",
                };
                self.out.write_all(lead)?;
                self.out.write_all(b"], \"errors\": []}\n")?;
            }
            Format::Table => {
                let names = self.names();
                let held = std::mem::take(&mut self.held);
                write_table(&names, &held, &mut self.out)?;
            }
            _ => {}
        }
        self.out.flush()?;
        Ok(self.out)
    }
}

/// A CSV field, quoted (quotes doubled) only when it holds a comma, a quote, CR or LF.
fn csv_field(buf: &mut Vec<u8>, text: &str) {
    if !text.contains([',', '"', '\r', '\n']) {
        buf.extend_from_slice(text.as_bytes());
        return;
    }
    buf.push(b'"');
    buf.extend_from_slice(text.replace('"', "\"\"").as_bytes());
    buf.push(b'"');
}

fn values_of(row: &HistoryRow, change: bool) -> Vec<Value> {
    let stored = &row.stored;
    let (a, b) = (&stored.row.account, &stored.row.balance);
    let mut values = vec![
        Value::Text(a.account_id.clone()),
        Value::Text(a.account_name.clone()),
        Value::Text(a.bank_id.clone()),
        Value::Text(a.bank_name.clone()),
        Value::Text(a.branch_id.clone()),
        Value::Text(a.currency.code.clone()),
        Value::Text(b.as_of_date.to_string()),
        Value::Flag(b.current_day),
    ];
    debug_assert_eq!(values.len(), FIRST_AMOUNT);
    values.extend(stored.amounts.iter().map(|a| Value::Amount(*a)));
    values.push(Value::Text(b.record_timestamp.clone()));
    values.push(Value::Text(stored.profile.clone()));
    values.push(Value::Text(stored.provider.clone()));
    values.push(Value::Text(stored.fetched_at.clone()));
    if change {
        let changes = row.changes.unwrap_or_default();
        values.extend(changes.iter().map(|c| Value::Amount(*c)));
    }
    values
}

/// Plain aligned columns: amounts right-aligned, the rest left; absent amounts blank.
fn write_table(
    names: &[&str],
    rows: &[Vec<(String, bool)>],
    out: &mut dyn Write,
) -> io::Result<()> {
    let width = |i: usize| {
        rows.iter()
            .map(|r| unicode_width::UnicodeWidthStr::width(r[i].0.as_str()))
            .chain([names[i].len()])
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = (0..names.len()).map(width).collect();
    let numeric: Vec<bool> = (0..names.len())
        .map(|i| rows.first().is_some_and(|r| r[i].1))
        .collect();
    let line = |cells: Vec<&str>| -> String {
        let mut text = String::new();
        for (i, cell) in cells.iter().enumerate() {
            if i > 0 {
                text.push_str("  ");
            }
            let pad = widths[i].saturating_sub(unicode_width::UnicodeWidthStr::width(*cell));
            match numeric[i] {
                true => text.push_str(&format!("{}{cell}", " ".repeat(pad))),
                false => text.push_str(&format!("{cell}{}", " ".repeat(pad))),
            }
        }
        text.trim_end().to_string()
    };
    writeln!(out, "{}", line(names.to_vec()))?;
    for row in rows {
        writeln!(
            out,
            "{}",
            line(row.iter().map(|(t, _)| t.as_str()).collect())
        )?;
    }
    Ok(())
}
