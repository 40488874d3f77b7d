//! Tables for people: aligned columns, amounts right-aligned with thousands separators,
//! per-currency totals under the rows, fitted to a terminal's width when there is one.
//!
//! Rows are rendered twice (once to measure, once to write) instead of being held as cells, so
//! a table needs little more memory than the report itself, whatever its length.

use std::io::{self, Write};

use unicode_width::UnicodeWidthStr;

use super::table_totals::{total_lines, TotalLines};
use super::{
    account_record, balance_record, field_index, printable, Cell, TableOptions, TableStyle,
    ACCOUNT_FIELDS, BALANCE_FIELDS,
};
pub(super) use crate::model::format_amount_grouped;
use crate::model::{Account, BalanceRow, Report};

/// The balance fields a table shows, by their place in `BALANCE_FIELDS`.
const BALANCE_COLUMNS: [usize; 9] = {
    let names = [
        "account_id",
        "account_name",
        "bank_id",
        "currency",
        "as_of_date",
        "opening_available",
        "opening_ledger",
        "ending_available",
        "ending_ledger",
    ];
    let mut columns = [0; 9];
    let mut i = 0;
    while i < names.len() {
        columns[i] = field_index(&BALANCE_FIELDS, names[i]);
        i += 1;
    }
    columns
};
const BALANCE_HEADER: [&str; 9] = {
    let mut header = [""; 9];
    let mut i = 0;
    while i < BALANCE_COLUMNS.len() {
        header[i] = BALANCE_FIELDS[BALANCE_COLUMNS[i]];
        i += 1;
    }
    header
};
const FIRST_AMOUNT_COLUMN: usize = 5;

/// Columns a narrow terminal loses first, in order (indexes into the header). Names are
/// shortened before any column goes; ids, currencies, dates and the ending ledger balance stay.
const BALANCE_DROP_ORDER: [usize; 5] = [6, 5, 2, 7, 1];
const ACCOUNT_DROP_ORDER: [usize; 3] = [4, 3, 1];
/// Columns whose text may be shortened (with `…`) to fit, never below this width.
const BALANCE_SHORTENED: [usize; 1] = [1];
const ACCOUNT_SHORTENED: [usize; 2] = [1, 3];
const SHORTEST_NAME: usize = 12;

/// One column: its header, alignment, the width its widest cell needs, and whether it shows.
struct Column {
    name: String,
    right: bool,
    natural: usize,
    width: usize,
    shown: bool,
}

/// The columns of a table and how to lay them out.
pub(super) struct Layout {
    columns: Vec<Column>,
}

impl Layout {
    pub(super) fn new(header: &[&str], first_right: usize) -> Layout {
        let columns = header
            .iter()
            .enumerate()
            .map(|(i, name)| Column {
                name: name.to_string(),
                right: i >= first_right,
                natural: name.width(),
                width: name.width(),
                shown: true,
            })
            .collect();
        Layout { columns }
    }

    pub(super) fn measure(&mut self, cells: &[String]) {
        for (column, cell) in self.columns.iter_mut().zip(cells) {
            column.natural = column.natural.max(cell.width());
            column.width = column.natural;
        }
    }

    /// The width of a line: every shown cell padded by one space each side.
    fn total(&self) -> usize {
        let sum: usize = self
            .columns
            .iter()
            .filter(|c| c.shown)
            .map(|c| c.width + 2)
            .sum();
        sum.saturating_sub(1)
    }

    /// Shortens names, then drops columns in `drop_order` (an index past the last column is
    /// skipped), until the table fits `limit`; then gives shortened names back what room is
    /// left. A number is never cut.
    pub(super) fn fit(&mut self, limit: usize, shortened: &[usize], drop_order: &[usize]) {
        if self.total() <= limit {
            return;
        }
        for &i in shortened {
            let over = self.total().saturating_sub(limit);
            let Some(column) = self.columns.get_mut(i) else {
                continue;
            };
            column.width = column
                .width
                .saturating_sub(over)
                .max(SHORTEST_NAME.min(column.natural));
        }
        for &i in drop_order {
            if self.total() <= limit {
                break;
            }
            if let Some(column) = self.columns.get_mut(i) {
                column.shown = false;
            }
        }
        for &i in shortened {
            let room = limit.saturating_sub(self.total());
            if let Some(column) = self.columns.get_mut(i).filter(|c| c.shown) {
                column.width = (column.width + room).min(column.natural);
            }
        }
    }

    /// Under a table that lost columns to the width: how many, which, and the way to see them.
    pub(super) fn write_hidden_note(&self, out: &mut dyn Write) -> io::Result<()> {
        match self.columns.iter().filter(|c| !c.shown).count() {
            0 => Ok(()),
            1 => writeln!(out, "Note: 1 column hidden; use --wide to show it"),
            n => writeln!(out, "Note: {n} columns hidden; use --wide to show them"),
        }
    }

    pub(super) fn write_row(&self, cells: &[String], out: &mut dyn Write) -> io::Result<()> {
        let mut line = String::new();
        for (column, cell) in self.columns.iter().zip(cells) {
            if !column.shown {
                continue;
            }
            let text = shorten(cell, column.width);
            let pad = " ".repeat(column.width - text.width());
            line.push(' ');
            match column.right {
                true => line.push_str(&(pad + &text)),
                false => line.push_str(&(text.into_owned() + &pad)),
            }
            line.push(' ');
        }
        writeln!(out, "{}", line.trim_end())
    }

    pub(super) fn write_header(&self, style: TableStyle, out: &mut dyn Write) -> io::Result<()> {
        let header: Vec<String> = self.columns.iter().map(|c| c.name.to_string()).collect();
        self.write_rule(style, '─', out)?;
        self.write_row(&header, out)?;
        self.write_rule(style, '═', out)
    }

    /// A line across the table on a terminal; nothing in plain tables.
    pub(super) fn write_rule(
        &self,
        style: TableStyle,
        fill: char,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        match style {
            TableStyle::Terminal => writeln!(out, "{}", fill.to_string().repeat(self.total())),
            TableStyle::Plain => Ok(()),
        }
    }
}

/// `text` cut to `width` columns in the middle, `…` where the cut is: names that differ only
/// at their end (`OPERATING USD 0001`, `… BRANCH LONDON`) stay told apart.
fn shorten(text: &str, width: usize) -> std::borrow::Cow<'_, str> {
    if text.width() <= width {
        return text.into();
    }
    let room = width.saturating_sub(1);
    let tail_room = room / 2;
    let mut tail: Vec<char> = Vec::new();
    let mut tail_width = 0;
    for c in text.chars().rev() {
        let w = c.to_string().width();
        if tail_width + w > tail_room {
            break;
        }
        tail_width += w;
        tail.push(c);
    }
    let mut head = String::new();
    for c in text.chars() {
        if head.width() + c.to_string().width() + tail_width > room {
            break;
        }
        head.push(c);
    }
    let tail: String = tail.into_iter().rev().collect();
    format!("{}…{}", head.trim_end(), tail.trim_start()).into()
}

fn balance_cells(row: &BalanceRow) -> Vec<String> {
    let places = row.account.currency.decimal_places;
    let record = balance_record(row);
    BALANCE_COLUMNS
        .iter()
        .map(|&i| match record[i] {
            Cell::Text(text) => printable(text).into_owned(),
            Cell::Date(date) => date.to_string(),
            Cell::Flag(flag) => flag.to_string(),
            Cell::Amount(Some(amount)) => format_amount_grouped(amount, places),
            Cell::Amount(None) => String::new(),
        })
        .collect()
}

pub fn balances(report: &Report, options: &TableOptions, out: &mut dyn Write) -> io::Result<()> {
    if report.rows.is_empty() {
        return writeln!(out, "No balances.");
    }
    let mut layout = Layout::new(&BALANCE_HEADER, FIRST_AMOUNT_COLUMN);
    for row in &report.rows {
        layout.measure(&balance_cells(row));
    }
    let TotalLines {
        rows: totals,
        notes,
    } = total_lines(&report.rows, options.totals);
    for cells in &totals {
        layout.measure(cells);
    }
    if let Some(limit) = options.width {
        layout.fit(limit, &BALANCE_SHORTENED, &BALANCE_DROP_ORDER);
    }
    layout.write_header(options.style, out)?;
    for row in &report.rows {
        layout.write_row(&balance_cells(row), out)?;
    }
    if !totals.is_empty() {
        match options.style {
            TableStyle::Plain => writeln!(out)?,
            TableStyle::Terminal => layout.write_rule(options.style, '─', out)?,
        }
        for cells in &totals {
            layout.write_row(cells, out)?;
        }
    }
    layout.write_rule(options.style, '─', out)?;
    for note in notes {
        writeln!(out, "Note: {note}")?;
    }
    layout.write_hidden_note(out)
}

pub fn accounts(
    accounts: &[Account],
    options: &TableOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    if accounts.is_empty() {
        return writeln!(out, "No accounts.");
    }
    let cells = |a: &Account| -> Vec<String> {
        account_record(a)
            .iter()
            .map(|v| printable(v).into_owned())
            .collect()
    };
    let mut layout = Layout::new(&ACCOUNT_FIELDS, ACCOUNT_FIELDS.len());
    for account in accounts {
        layout.measure(&cells(account));
    }
    if let Some(limit) = options.width {
        layout.fit(limit, &ACCOUNT_SHORTENED, &ACCOUNT_DROP_ORDER);
    }
    layout.write_header(options.style, out)?;
    for account in accounts {
        layout.write_row(&cells(account), out)?;
    }
    layout.write_rule(options.style, '─', out)?;
    layout.write_hidden_note(out)
}

#[cfg(test)]
#[path = "table_tests.rs"]
mod tests;
