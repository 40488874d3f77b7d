//! `treasury position --since DATE|Nd`: the change of each profile's totals per currency
//! against the latest recorded row of each account on or before that date, naming accounts
//! present on only one side. Read from the history; no bank is called for it.

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};
use rust_decimal::Decimal;

use crate::config;
use crate::error::{Error, Result};
use crate::history::{Filter, Store};
use crate::model::{format_amount_grouped, BalanceRow};
use crate::position::Position;

/// `--since` as given: a date, or a number of days before the newest as-of date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Since {
    Date(NaiveDate),
    DaysBack(u64),
}

/// Parses `--since` before anything is sent.
pub fn parse(text: &str) -> Result<Since> {
    if let Some(days) = text.strip_suffix('d') {
        return days.parse().map(Since::DaysBack).map_err(|_| refuse(text));
    }
    crate::query::parse_date("--since", text)
        .map(Since::Date)
        .map_err(|_| refuse(text))
}

fn refuse(text: &str) -> Error {
    Error::usage_hint(
        format!("--since {text} is neither a date nor a number of days"),
        "write an ISO date (2026-03-01) or days before the newest as-of date (7d)",
    )
}

/// The change lines under a position, for the table; empty when there is nothing to compare.
pub fn lines(position: &Position, since: Since) -> Result<String> {
    let newest = position.rows.iter().map(|r| r.row.balance.as_of_date).max();
    let Some(newest) = newest else {
        return Ok(String::new());
    };
    let date = match since {
        Since::Date(date) => date,
        Since::DaysBack(n) => newest.checked_sub_days(Days::new(n)).unwrap_or(newest),
    };
    let store = Store::open_existing(&config::history_path()?)?;
    let mut text = format!(
        "\nChange since {date} (the latest recorded row of each account on or before it):\n"
    );
    for subtotal in &position.subtotals {
        let now: Vec<&BalanceRow> = position
            .rows
            .iter()
            .filter(|r| r.profile == subtotal.profile)
            .map(|r| &r.row)
            .collect();
        let then = recorded(store.as_ref(), &subtotal.profile, date)?;
        text.push_str(&profile_lines(&subtotal.profile, &now, &then));
    }
    Ok(text)
}

fn recorded(store: Option<&Store>, profile: &str, date: NaiveDate) -> Result<Vec<BalanceRow>> {
    let Some(store) = store else {
        return Ok(Vec::new());
    };
    let filter = Filter {
        profiles: vec![profile.to_string()],
        to: Some(date),
        ..Filter::default()
    };
    let mut rows = Vec::new();
    store.each_row(&filter, |stored| -> Result<()> {
        rows.push(stored.row);
        Ok(())
    })?;
    Ok(crate::history::newest_per_account(rows))
}

fn profile_lines(profile: &str, now: &[&BalanceRow], then: &[BalanceRow]) -> String {
    let key = |r: &BalanceRow| (r.account.bank_id.clone(), r.account.account_id.clone());
    let label = |(bank, id): (String, String)| match bank.is_empty() {
        true => id,
        false => format!("{bank}/{id}"),
    };
    let mut currencies: BTreeMap<String, (u32, Sums, Sums)> = BTreeMap::new();
    for row in now {
        let entry = currencies
            .entry(row.account.currency.code.clone())
            .or_default();
        entry.0 = row.account.currency.decimal_places;
        entry.1.add(row);
    }
    for row in then {
        let entry = currencies
            .entry(row.account.currency.code.clone())
            .or_default();
        entry.0 = row.account.currency.decimal_places;
        entry.2.add(row);
    }
    let mut text = String::new();
    for (code, (places, current, before)) in currencies {
        let change = |a: Option<Decimal>, b: Option<Decimal>| match (a, b) {
            (Some(a), Some(b)) => signed(a - b, places),
            _ => "-".to_string(),
        };
        text.push_str(&format!(
            "  profile {profile} {code}: ending_ledger {}, ending_available {} ({} accounts now, {} then)\n",
            change(current.ledger, before.ledger),
            change(current.available, before.available),
            current.count,
            before.count
        ));
    }
    let only_now: Vec<String> = now
        .iter()
        .map(|r| key(r))
        .filter(|k| !then.iter().any(|t| &key(t) == k))
        .map(label)
        .collect();
    let only_then: Vec<String> = then
        .iter()
        .map(key)
        .filter(|k| !now.iter().any(|r| &key(r) == k))
        .map(label)
        .collect();
    if !only_now.is_empty() {
        text.push_str(&format!(
            "  profile {profile}: only now: {}\n",
            only_now.join(", ")
        ));
    }
    if !only_then.is_empty() {
        text.push_str(&format!(
            "  profile {profile}: only then: {}\n",
            only_then.join(", ")
        ));
    }
    text
}

#[derive(Default)]
struct Sums {
    ledger: Option<Decimal>,
    available: Option<Decimal>,
    count: usize,
}

impl Sums {
    fn add(&mut self, row: &BalanceRow) {
        let add = |sum: Option<Decimal>, amount: Option<Decimal>| match amount {
            Some(a) => Some(sum.unwrap_or_default() + a),
            None => sum,
        };
        self.ledger = add(self.ledger, row.balance.ending_ledger);
        self.available = add(self.available, row.balance.ending_available);
        self.count += 1;
    }
}

fn signed(amount: Decimal, places: u32) -> String {
    let text = format_amount_grouped(amount, places);
    match amount.is_sign_negative() || amount.is_zero() {
        true => text,
        false => format!("+{text}"),
    }
}
