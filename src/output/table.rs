//! Tables for people: aligned columns, amounts right-aligned with thousands separators,
//! per-currency totals under the rows, fitted to a terminal's width when there is one.
//!
//! Rows are rendered twice (once to measure, once to write) instead of being held as cells, so
//! a table needs little more memory than the report itself, whatever its length.

use std::collections::BTreeMap;
use std::io::{self, Write};

use chrono::NaiveDate;
use rust_decimal::Decimal;
use unicode_width::UnicodeWidthStr;

use super::{
    account_record, balance_record, field_index, printable, Cell, TableOptions, TableStyle,
    ACCOUNT_FIELDS, BALANCE_FIELDS,
};
use crate::cli::Totals as TotalsChoice;
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

/// Sums of one currency on one date; `None` where a sum no longer fits a decimal. `absent`
/// counts, per column, the accounts whose amount the bank did not send (left out of the sum).
struct Totals {
    places: u32,
    accounts: usize,
    sums: [Option<Decimal>; 4],
    absent: [usize; 4],
}

impl Default for Totals {
    fn default() -> Self {
        Totals {
            places: 0,
            accounts: 0,
            sums: [Some(Decimal::ZERO); 4],
            absent: [0; 4],
        }
    }
}

impl Totals {
    /// One total cell: blank when every amount was absent, the sum otherwise, saying how many
    /// absent amounts it left out.
    fn cell(&self, column: usize) -> String {
        let absent = self.absent[column];
        if absent == self.accounts {
            return String::new();
        }
        let sum = self.sums[column].map_or_else(
            || "(too large)".to_string(),
            |v| format_amount_grouped(v, self.places),
        );
        match absent {
            0 => sum,
            n => format!("{sum} ({n} absent)"),
        }
    }
}

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

    /// Shortens names, then drops columns in `drop_order`, until the table fits `limit`; then
    /// gives shortened names back what room is left. A number is never cut.
    pub(super) fn fit(&mut self, limit: usize, shortened: &[usize], drop_order: &[usize]) {
        if self.total() <= limit {
            return;
        }
        for &i in shortened {
            let over = self.total().saturating_sub(limit);
            let column = &mut self.columns[i];
            column.width = column
                .width
                .saturating_sub(over)
                .max(SHORTEST_NAME.min(column.natural));
        }
        for &i in drop_order {
            if self.total() <= limit {
                break;
            }
            self.columns[i].shown = false;
        }
        for &i in shortened {
            let room = limit.saturating_sub(self.total());
            let column = &mut self.columns[i];
            column.width = (column.width + room).min(column.natural);
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
            TableStyle::Terminal => writeln!(out, "{}", fill.to_string().repeat(self.total() + 1)),
            TableStyle::Plain => Ok(()),
        }
    }
}

/// `text` cut to `width` columns, ending in `…` when cut.
fn shorten(text: &str, width: usize) -> std::borrow::Cow<'_, str> {
    if text.width() <= width {
        return text.into();
    }
    let mut cut = String::new();
    for c in text.chars() {
        if cut.width() + c.to_string().width() + 1 > width {
            break;
        }
        cut.push(c);
    }
    cut.push('…');
    cut.into()
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

fn amounts(row: &BalanceRow) -> [Option<Decimal>; 4] {
    let b = &row.balance;
    [
        b.opening_available,
        b.opening_ledger,
        b.ending_available,
        b.ending_ledger,
    ]
}

/// Per-currency totals of every as-of date in the report.
fn totals_of(rows: &[BalanceRow]) -> BTreeMap<(NaiveDate, String), Totals> {
    let mut totals: BTreeMap<(NaiveDate, String), Totals> = BTreeMap::new();
    for row in rows {
        let places = row.account.currency.decimal_places;
        let total = totals
            .entry((row.balance.as_of_date, row.account.currency.code.clone()))
            .or_default();
        total.places = total.places.max(places);
        total.accounts += 1;
        for (column, amount) in amounts(row).into_iter().enumerate() {
            match amount {
                Some(amount) => {
                    let sum = &mut total.sums[column];
                    *sum = sum.and_then(|s| s.checked_add(amount));
                }
                None => total.absent[column] += 1,
            }
        }
    }
    totals
}

/// The TOTAL rows `--totals` asks for: each currency's on its latest as-of date (the closing
/// position), on every date, or none.
fn total_rows(rows: &[BalanceRow], choice: TotalsChoice) -> Vec<Vec<String>> {
    if choice == TotalsChoice::None {
        return Vec::new();
    }
    let totals = totals_of(rows);
    let mut last: BTreeMap<&str, NaiveDate> = BTreeMap::new();
    for (date, currency) in totals.keys() {
        let latest = last.entry(currency).or_insert(*date);
        *latest = (*latest).max(*date);
    }
    totals
        .iter()
        .filter(|((date, currency), _)| {
            choice == TotalsChoice::Each || last.get(currency.as_str()) == Some(date)
        })
        .map(|((date, currency), total)| {
            let plural = if total.accounts == 1 { "" } else { "s" };
            let mut cells = vec![
                "TOTAL".to_string(),
                format!("{} account{plural}", total.accounts),
                String::new(),
                printable(currency).into_owned(),
                date.to_string(),
            ];
            cells.extend((0..total.sums.len()).map(|column| total.cell(column)));
            cells
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
    let totals = total_rows(&report.rows, options.totals);
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
    layout.write_rule(options.style, '─', out)
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
    layout.write_rule(options.style, '─', out)
}

#[cfg(test)]
#[path = "table_tests.rs"]
mod tests;
