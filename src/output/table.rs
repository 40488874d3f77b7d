//! Tables for people: aligned columns, amounts right-aligned with thousands separators, and
//! per-currency totals for each as-of date under the rows.

use std::collections::BTreeMap;
use std::io::{self, Write};

use chrono::NaiveDate;
use comfy_table::{presets, CellAlignment, Table};
use rust_decimal::Decimal;

use super::{account_record, TableStyle, ACCOUNT_FIELDS};
use crate::model::{format_amount_grouped, Account, Report};

const BALANCE_HEADER: [&str; 9] = [
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
const FIRST_AMOUNT_COLUMN: usize = 5;

/// Sums of one currency on one date; `None` where a sum no longer fits a decimal.
struct Totals {
    places: u32,
    accounts: usize,
    sums: [Option<Decimal>; 4],
}

impl Default for Totals {
    fn default() -> Self {
        Totals {
            places: 0,
            accounts: 0,
            sums: [Some(Decimal::ZERO); 4],
        }
    }
}

fn new_table(style: TableStyle, header: &[&str]) -> Table {
    let mut table = Table::new();
    match style {
        TableStyle::Terminal => table.load_style(presets::UTF8_HORIZONTAL_ONLY),
        TableStyle::Plain => table.load_style(presets::NOTHING),
    };
    table.set_header(header.to_vec());
    table
}

pub fn balances(report: &Report, style: TableStyle, out: &mut dyn Write) -> io::Result<()> {
    if report.rows.is_empty() {
        return writeln!(out, "No balances.");
    }
    let mut table = new_table(style, &BALANCE_HEADER);
    let mut totals: BTreeMap<(NaiveDate, String), Totals> = BTreeMap::new();
    for row in &report.rows {
        let (a, b) = (&row.account, &row.balance);
        let places = a.currency.decimal_places;
        let amounts = [
            b.opening_available,
            b.opening_ledger,
            b.ending_available,
            b.ending_ledger,
        ];
        let mut cells = vec![
            a.account_id.clone(),
            a.account_name.clone(),
            a.bank_id.clone(),
            a.currency.code.clone(),
            b.as_of_date.to_string(),
        ];
        cells.extend(amounts.iter().map(|v| format_amount_grouped(*v, places)));
        table.add_row(cells);
        let total = totals
            .entry((b.as_of_date, a.currency.code.clone()))
            .or_default();
        total.places = total.places.max(places);
        total.accounts += 1;
        for (sum, amount) in total.sums.iter_mut().zip(amounts) {
            *sum = sum.and_then(|s| s.checked_add(amount));
        }
    }
    table.add_row(vec![""; BALANCE_HEADER.len()]);
    for ((date, currency), total) in &totals {
        let plural = if total.accounts == 1 { "" } else { "s" };
        let mut cells = vec![
            "TOTAL".to_string(),
            format!("{} account{plural}", total.accounts),
            String::new(),
            currency.clone(),
            date.to_string(),
        ];
        cells.extend(total.sums.iter().map(|v| {
            v.map_or_else(
                || "(too large)".to_string(),
                |v| format_amount_grouped(v, total.places),
            )
        }));
        table.add_row(cells);
    }
    for column in FIRST_AMOUNT_COLUMN..BALANCE_HEADER.len() {
        if let Some(column) = table.column_mut(column) {
            column.set_cell_alignment(CellAlignment::Right);
        }
    }
    writeln!(out, "{}", trim_lines(&table.to_string()))
}

pub fn accounts(accounts: &[Account], style: TableStyle, out: &mut dyn Write) -> io::Result<()> {
    if accounts.is_empty() {
        return writeln!(out, "No accounts.");
    }
    let mut table = new_table(style, &ACCOUNT_FIELDS);
    for account in accounts {
        table.add_row(account_record(account).to_vec());
    }
    writeln!(out, "{}", trim_lines(&table.to_string()))
}

fn trim_lines(text: &str) -> String {
    text.lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Balance, BalanceRow, Currency};
    use std::str::FromStr;
    use std::sync::Arc;

    fn row(id: &str, code: &str, places: u32, amount: &str) -> BalanceRow {
        let d = Decimal::from_str(amount).unwrap();
        BalanceRow {
            account: Arc::new(Account {
                account_id: id.into(),
                account_name: "NAME".into(),
                bank_id: "B".into(),
                bank_name: "BANK".into(),
                branch_id: String::new(),
                currency: Currency {
                    code: code.into(),
                    decimal_places: places,
                },
            }),
            balance: Balance {
                as_of_date: NaiveDate::from_ymd_opt(2026, 1, 2).unwrap(),
                current_day: false,
                opening_available: d,
                opening_ledger: d,
                ending_available: d,
                ending_ledger: d,
                record_timestamp: String::new(),
            },
        }
    }

    #[test]
    fn plain_tables_have_separators_totals_and_no_box_characters() {
        let report = Report {
            rows: vec![
                row("1", "USD", 2, "12223.5"),
                row("2", "USD", 2, "-4681826093.93"),
                row("3", "JPY", 0, "1500"),
            ],
            errors: vec![],
        };
        let mut out = Vec::new();
        balances(&report, TableStyle::Plain, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.contains("12,223.50") && text.contains("-4,681,826,093.93"),
            "{text}"
        );
        let usd_total = text
            .lines()
            .find(|l| l.contains("TOTAL") && l.contains("USD"))
            .unwrap();
        assert!(
            usd_total.contains("2 accounts") && usd_total.contains("-4,681,813,870.43"),
            "{usd_total}"
        );
        let jpy_total = text
            .lines()
            .find(|l| l.contains("TOTAL") && l.contains("JPY"))
            .unwrap();
        assert!(jpy_total.contains("1,500"), "{jpy_total}");
        assert!(text.is_ascii(), "{text}");
        assert!(!text.contains('\u{1b}'));
    }
}
