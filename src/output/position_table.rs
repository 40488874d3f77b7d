//! A cash position as a table: the rows profile by profile, each profile's subtotals under its
//! rows, the per-currency totals, the grand total in the reporting currency, and a footer
//! naming what the totals lack. Stale rows say so in words, colour or not.

use std::io::{self, Write};

use super::table::{format_amount_grouped, Layout};
use super::{printable, PositionView, TableOptions, TableStyle};
use crate::position::{Position, PositionRow, Scope, TotalRow, TOTAL_FIELDS};
use rust_decimal::Decimal;

const HEADER: [&str; 9] = [
    "profile",
    "provider",
    "account_id",
    "account_name",
    "currency",
    "as_of_date",
    "status",
    "ending_ledger",
    "ending_available",
];
const FIRST_AMOUNT: usize = 7;
/// What a narrow terminal shortens first, then drops: the name, the provider, the converted
/// available amount, the ending available amount, the as-of date; with `--in` then the status
/// and the ledger amount in the account's own currency (the converted one and the grand total
/// stay; the notes under the table still say what the totals lack). Amounts are never cut.
const SHORTENED: [usize; 1] = [3];
const DROP_ORDER: [usize; 5] = [3, 1, 9, 7, 5];
const DROP_ORDER_CONVERTED: [usize; 7] = [3, 1, 9, 7, 5, 6, 8];

pub fn render(
    position: &Position,
    view: PositionView,
    options: &TableOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    if view.totals_only {
        return totals_only(position, options, out);
    }
    let reporting = position.reporting.as_ref().map(|r| r.currency.clone());
    let mut header: Vec<String> = HEADER.iter().map(|h| h.to_string()).collect();
    if let Some(code) = &reporting {
        header.push(format!("ledger_{code}"));
        header.push(format!("available_{code}"));
    }
    balances_order(&mut header);
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let totals = position.total_rows();
    let mut lines: Vec<Line> = Vec::new();
    for subtotal in &position.subtotals {
        lines.extend(
            position
                .rows
                .iter()
                .filter(|r| r.profile == subtotal.profile)
                .map(|r| Line::Cells(row_cells(r, reporting.is_some()))),
        );
        lines.extend(
            totals
                .iter()
                .filter(|t| t.scope == Scope::Profile && t.profile == subtotal.profile)
                .map(|t| Line::Cells(total_cells(t, reporting.is_some()))),
        );
        lines.push(Line::Rule);
    }
    lines.extend(
        totals
            .iter()
            .filter(|t| t.scope != Scope::Profile)
            .map(|t| Line::Cells(total_cells(t, reporting.is_some()))),
    );
    for line in &mut lines {
        if let Line::Cells(cells) = line {
            balances_order(cells);
        }
    }
    let mut layout = Layout::new(&header, FIRST_AMOUNT);
    for line in &lines {
        if let Line::Cells(cells) = line {
            layout.measure(cells);
        }
    }
    if let Some(limit) = options.width {
        let drop_order = match reporting {
            Some(_) => &DROP_ORDER_CONVERTED[..],
            None => &DROP_ORDER[..],
        };
        layout.fit(limit, &SHORTENED, drop_order);
    }
    layout.write_header(options.style, out)?;
    for line in &lines {
        match line {
            Line::Cells(cells) => layout.write_row(cells, out)?,
            Line::Rule => match options.style {
                TableStyle::Plain => writeln!(out)?,
                TableStyle::Terminal => layout.write_rule(options.style, '─', out)?,
            },
        }
    }
    layout.write_rule(options.style, '─', out)?;
    layout.write_hidden_note(out)?;
    footer(position, out)
}

/// Available before ledger, as `balances` orders them: the cells are built ledger first (as
/// the CSV fields are), so each pair of ending amounts changes places.
fn balances_order(cells: &mut [String]) {
    for (ledger, available) in [(FIRST_AMOUNT, FIRST_AMOUNT + 1), (9, 10)] {
        if available < cells.len() {
            cells.swap(ledger, available);
        }
    }
}

enum Line {
    Cells(Vec<String>),
    Rule,
}

fn row_cells(row: &PositionRow, converted: bool) -> Vec<String> {
    let (a, b) = (&row.row.account, &row.row.balance);
    let places = a.currency.decimal_places;
    let mut cells = vec![
        printable(&row.profile).into_owned(),
        printable(&row.provider).into_owned(),
        printable(&a.account_id).into_owned(),
        printable(&a.account_name).into_owned(),
        printable(&a.currency.code).into_owned(),
        b.as_of_date.to_string(),
        if row.stale.is_some() { "STALE" } else { "" }.to_string(),
        grouped(b.ending_ledger, places),
        grouped(b.ending_available, places),
    ];
    if converted {
        let (ledger, available) = match &row.converted {
            Some(c) => {
                let (l, a) = c.rounded();
                (grouped(l, c.places), grouped(a, c.places))
            }
            None => ("(no rate)".to_string(), "(no rate)".to_string()),
        };
        cells.extend([ledger, available]);
    }
    cells
}

/// An amount that may be absent, grouped: blank when the bank did not send it.
fn grouped(amount: Option<Decimal>, places: u32) -> String {
    amount.map_or_else(String::new, |a| format_amount_grouped(a, places))
}

/// A total's amount, saying how many absent amounts it left out (blank when all were).
fn total_amount(sum: Option<Decimal>, places: u32, absent: usize) -> String {
    match (sum, absent) {
        (None, _) => String::new(),
        (Some(sum), 0) => format_amount_grouped(sum, places),
        (Some(sum), n) => format!("{} ({n} absent)", format_amount_grouped(sum, places)),
    }
}

/// A total as a table line: SUBTOTAL, TOTAL, or TOTAL in the reporting currency's columns.
fn total_cells(t: &TotalRow, converted: bool) -> Vec<String> {
    let label = match t.scope {
        Scope::Profile => "SUBTOTAL",
        Scope::Currency | Scope::Reporting => "TOTAL",
    };
    let plural = if t.rows == 1 { "" } else { "s" };
    let ledger = total_amount(t.ending_ledger, t.places, t.absent.ending_ledger);
    let available = total_amount(t.ending_available, t.places, t.absent.ending_available);
    let mut cells = vec![
        printable(&t.profile).into_owned(),
        String::new(),
        label.to_string(),
        format!("{} account{plural}", t.rows),
        printable(&t.currency).into_owned(),
        String::new(),
        if t.complete { "" } else { "INCOMPLETE" }.to_string(),
    ];
    match t.scope {
        Scope::Reporting => cells.extend([String::new(), String::new(), ledger, available]),
        _ => {
            cells.extend([ledger, available]);
            if converted {
                cells.extend([String::new(), String::new()]);
            }
        }
    }
    cells
}

/// `--totals-only`: the total rows with the keys of `TOTAL_FIELDS` as the header.
fn totals_only(position: &Position, options: &TableOptions, out: &mut dyn Write) -> io::Result<()> {
    let mut header = TOTAL_FIELDS;
    available_first(&mut header);
    let mut layout = Layout::new(&header, 4);
    let mut rows: Vec<Vec<String>> = position
        .total_rows()
        .iter()
        .map(|t| {
            vec![
                t.scope.as_str().to_string(),
                printable(&t.profile).into_owned(),
                printable(&t.provider).into_owned(),
                printable(&t.currency).into_owned(),
                t.rows.to_string(),
                grouped(t.ending_ledger, t.places),
                grouped(t.ending_available, t.places),
                t.complete.to_string(),
                t.absent.ending_ledger.to_string(),
                t.absent.ending_available.to_string(),
            ]
        })
        .collect();
    for row in &mut rows {
        available_first(row);
        layout.measure(row);
    }
    if let Some(limit) = options.width {
        // provider, absent_ending_available, ending_available, absent_ending_ledger
        layout.fit(limit, &[], &[2, 8, 5, 9]);
    }
    layout.write_header(options.style, out)?;
    for row in &rows {
        layout.write_row(row, out)?;
    }
    layout.write_rule(options.style, '─', out)?;
    layout.write_hidden_note(out)?;
    footer(position, out)
}

/// The pairs of `TOTAL_FIELDS` (ledger, available) the table shows available first, as
/// `balances` does: the amounts, and the counts of absent amounts.
const TOTAL_PAIRS: [(usize, usize); 2] = [(5, 6), (8, 9)];

fn available_first<T>(cells: &mut [T]) {
    for (ledger, available) in TOTAL_PAIRS {
        if available < cells.len() {
            cells.swap(ledger, available);
        }
    }
}

/// What the totals lack or doubt, one sentence a line, under the table.
fn footer(position: &Position, out: &mut dyn Write) -> io::Result<()> {
    for note in position.notes() {
        writeln!(out, "Note: {}", printable(&note))?;
    }
    Ok(())
}
