//! The `TOTAL` lines under a balance table: per-currency sums that cover every account shown,
//! leave absent amounts out (saying how many), and say when accounts are of different dates.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::printable;
use crate::cli::Totals as TotalsChoice;
use crate::model::{format_amount_grouped, BalanceRow};

/// Sums of one currency; `None` where a sum no longer fits a decimal. `absent` counts, per
/// column, the accounts whose amount the bank did not send (left out of the sum).
struct Totals {
    places: u32,
    accounts: usize,
    sums: [Option<Decimal>; 4],
    absent: [usize; 4],
    /// The oldest and newest as-of dates of the rows summed.
    dates: Option<(NaiveDate, NaiveDate)>,
}

impl Default for Totals {
    fn default() -> Self {
        Totals {
            places: 0,
            accounts: 0,
            sums: [Some(Decimal::ZERO); 4],
            absent: [0; 4],
            dates: None,
        }
    }
}

impl Totals {
    fn add(&mut self, row: &BalanceRow) {
        self.places = self.places.max(row.account.currency.decimal_places);
        self.accounts += 1;
        let date = row.balance.as_of_date;
        self.dates = Some(match self.dates {
            Some((oldest, newest)) => (oldest.min(date), newest.max(date)),
            None => (date, date),
        });
        for (column, amount) in amounts(row).into_iter().enumerate() {
            match amount {
                Some(amount) => {
                    let sum = &mut self.sums[column];
                    *sum = sum.and_then(|s| s.checked_add(amount));
                }
                None => self.absent[column] += 1,
            }
        }
    }

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

    /// The as-of date, or `OLDEST..NEWEST` when the accounts summed are of different dates.
    fn date_cell(&self) -> String {
        match self.dates {
            Some((oldest, newest)) if oldest != newest => format!("{oldest}..{newest}"),
            Some((_, newest)) => newest.to_string(),
            None => String::new(),
        }
    }

    fn cells(&self, currency: &str) -> Vec<String> {
        let plural = if self.accounts == 1 { "" } else { "s" };
        let mut cells = vec![
            "TOTAL".to_string(),
            format!("{} account{plural}", self.accounts),
            String::new(),
            printable(currency).into_owned(),
            self.date_cell(),
        ];
        cells.extend((0..self.sums.len()).map(|column| self.cell(column)));
        cells
    }
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

/// The TOTAL lines `--totals` asks for, and notes on what they mean where it is not plain.
pub(super) struct TotalLines {
    pub rows: Vec<Vec<String>>,
    pub notes: Vec<String>,
}

/// `last`: per currency, every account's latest row (its closing position), so the total
/// covers every account shown; `each`: per as-of date and currency; `none`: nothing.
pub(super) fn total_lines(rows: &[BalanceRow], choice: TotalsChoice) -> TotalLines {
    match choice {
        TotalsChoice::None => TotalLines {
            rows: Vec::new(),
            notes: Vec::new(),
        },
        TotalsChoice::Each => each_date(rows),
        TotalsChoice::Last => latest_per_account(rows),
    }
}

fn each_date(rows: &[BalanceRow]) -> TotalLines {
    let mut totals: BTreeMap<(NaiveDate, &str), Totals> = BTreeMap::new();
    for row in rows {
        let key = (row.balance.as_of_date, row.account.currency.code.as_str());
        totals.entry(key).or_default().add(row);
    }
    TotalLines {
        rows: totals
            .iter()
            .map(|((_, currency), total)| total.cells(currency))
            .collect(),
        notes: Vec::new(),
    }
}

fn latest_per_account(rows: &[BalanceRow]) -> TotalLines {
    // Per currency, per account (bank id and account id), its latest row.
    let mut latest: BTreeMap<&str, BTreeMap<(&str, &str), &BalanceRow>> = BTreeMap::new();
    for row in rows {
        let a = &row.account;
        let accounts = latest.entry(a.currency.code.as_str()).or_default();
        let slot = accounts
            .entry((a.bank_id.as_str(), a.account_id.as_str()))
            .or_insert(row);
        if row.balance.as_of_date >= slot.balance.as_of_date {
            *slot = row;
        }
    }
    let mut lines = TotalLines {
        rows: Vec::new(),
        notes: Vec::new(),
    };
    for (currency, accounts) in &latest {
        let mut total = Totals::default();
        accounts.values().for_each(|row| total.add(row));
        lines.rows.push(total.cells(currency));
        if let Some(note) = older_accounts_note(currency, &total, accounts.values()) {
            lines.notes.push(note);
        }
    }
    lines
}

/// Names the accounts a `last` total adds at an earlier date than its newest, if any.
fn older_accounts_note<'a>(
    currency: &str,
    total: &Totals,
    rows: impl Iterator<Item = &'a &'a BalanceRow>,
) -> Option<String> {
    let (oldest, newest) = total.dates?;
    if oldest == newest {
        return None;
    }
    let older: Vec<String> = rows
        .filter(|r| r.balance.as_of_date < newest)
        .map(|r| {
            let a = &r.account;
            let id = match a.bank_id.is_empty() {
                true => a.account_id.clone(),
                false => format!("{}/{}", a.bank_id, a.account_id),
            };
            format!("{} as of {}", printable(&id), r.balance.as_of_date)
        })
        .collect();
    Some(format!(
        "the {} total adds each account's latest balance; not dated {newest}: {}",
        printable(currency),
        older.join(", ")
    ))
}
