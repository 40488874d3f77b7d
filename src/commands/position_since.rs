//! `treasury position --since DATE|Nd`: the change of each profile's totals per currency
//! against the latest recorded row of each account on or before that date, naming accounts
//! present on only one side. Read from the history; no bank is called for it. The table
//! shows them as lines under the position; CSV and NDJSON print them as records instead of
//! the rows, JSON as a `changes` key of the position's document.

use std::collections::{BTreeMap, HashSet};

use chrono::{Days, NaiveDate};
use rust_decimal::Decimal;

use std::io::Write;

use crate::cli::Format;
use crate::commands::{Context, Sink};
use crate::config;
use crate::error::{Error, Result};
use crate::history::{Filter, Store};
use crate::model::{format_amount, format_amount_grouped, BalanceRow};
use crate::output::{Document, PositionView};
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

/// The changes of one profile's totals since the date: one per currency, and the accounts
/// present on only one side.
pub struct ProfileChange {
    pub profile: String,
    pub provider: String,
    pub currencies: Vec<CurrencyChange>,
    /// `BANK/ID` of the accounts with a row now and none then, and the other way round.
    pub only_now: Vec<(String, String)>,
    pub only_then: Vec<(String, String)>,
}

/// The change of one profile's totals of one currency.
pub struct CurrencyChange {
    pub currency: String,
    pub places: u32,
    pub now: Sums,
    pub then: Sums,
}

impl CurrencyChange {
    /// Now minus then; absent when either side has no amount.
    pub fn ending_ledger(&self) -> Option<Decimal> {
        difference(self.now.ledger, self.then.ledger)
    }

    pub fn ending_available(&self) -> Option<Decimal> {
        difference(self.now.available, self.then.available)
    }
}

fn difference(now: Option<Decimal>, then: Option<Decimal>) -> Option<Decimal> {
    now.zip(then).and_then(|(a, b)| a.checked_sub(b))
}

/// The date `--since` stands for and each profile's changes since it; `None` when the
/// position has no row to compare.
pub fn changes(
    position: &Position,
    since: Since,
) -> Result<Option<(NaiveDate, Vec<ProfileChange>)>> {
    let newest = position.rows.iter().map(|r| r.row.balance.as_of_date).max();
    let Some(newest) = newest else {
        return Ok(None);
    };
    let date = match since {
        Since::Date(date) => date,
        Since::DaysBack(n) => newest.checked_sub_days(Days::new(n)).unwrap_or(newest),
    };
    let store = Store::open_existing(&config::history_path()?)?;
    let mut profiles = Vec::new();
    for subtotal in &position.subtotals {
        let now: Vec<&BalanceRow> = position
            .rows
            .iter()
            .filter(|r| r.profile == subtotal.profile)
            .map(|r| &r.row)
            .collect();
        let then = recorded(store.as_ref(), &subtotal.profile, date)?;
        profiles.push(profile_change(
            &subtotal.profile,
            &subtotal.provider,
            &now,
            &then,
        ));
    }
    Ok(Some((date, profiles)))
}

/// The change lines under a position, for the table; empty when there is nothing to compare.
pub fn lines(position: &Position, since: Since) -> Result<String> {
    let Some((date, profiles)) = changes(position, since)? else {
        return Ok(String::new());
    };
    let mut text = format!(
        "\nChange since {date} (the latest recorded row of each account on or before it):\n"
    );
    for profile in &profiles {
        text.push_str(&profile_lines(profile));
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

fn profile_change(
    profile: &str,
    provider: &str,
    now: &[&BalanceRow],
    then: &[BalanceRow],
) -> ProfileChange {
    let key = |r: &BalanceRow| (r.account.bank_id.clone(), r.account.account_id.clone());
    let label = |r: &BalanceRow| {
        let (bank, id) = key(r);
        let label = match bank.is_empty() {
            true => id,
            false => format!("{bank}/{id}"),
        };
        (label, r.account.currency.code.clone())
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
    let then_keys: HashSet<(String, String)> = then.iter().map(key).collect();
    let now_keys: HashSet<(String, String)> = now.iter().map(|r| key(r)).collect();
    ProfileChange {
        profile: profile.to_string(),
        provider: provider.to_string(),
        currencies: currencies
            .into_iter()
            .map(|(currency, (places, now, then))| CurrencyChange {
                currency,
                places,
                now,
                then,
            })
            .collect(),
        only_now: now
            .iter()
            .filter(|r| !then_keys.contains(&key(r)))
            .map(|r| label(r))
            .collect(),
        only_then: then
            .iter()
            .filter(|r| !now_keys.contains(&key(r)))
            .map(label)
            .collect(),
    }
}

fn profile_lines(change: &ProfileChange) -> String {
    let profile = &change.profile;
    let mut text = String::new();
    for c in &change.currencies {
        let shown =
            |amount: Option<Decimal>| amount.map_or("-".to_string(), |a| signed(a, c.places));
        text.push_str(&format!(
            "  profile {profile} {}: ending_ledger {}, ending_available {} ({} accounts now, {} then)\n",
            c.currency,
            shown(c.ending_ledger()),
            shown(c.ending_available()),
            c.now.count,
            c.then.count
        ));
    }
    let names = |accounts: &[(String, String)]| {
        let names: Vec<&str> = accounts.iter().map(|(label, _)| label.as_str()).collect();
        names.join(", ")
    };
    if !change.only_now.is_empty() {
        text.push_str(&format!(
            "  profile {profile}: only now: {}\n",
            names(&change.only_now)
        ));
    }
    if !change.only_then.is_empty() {
        text.push_str(&format!(
            "  profile {profile}: only then: {}\n",
            names(&change.only_then)
        ));
    }
    text
}

/// One side's sums of a currency: absent amounts left out (and the sum absent when all were).
#[derive(Default)]
pub struct Sums {
    pub ledger: Option<Decimal>,
    pub available: Option<Decimal>,
    pub count: usize,
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

/// The fields of a change record (CSV header, JSON and NDJSON keys), in this order.
pub const CHANGE_FIELDS: [&str; 10] = [
    "profile",
    "provider",
    "currency",
    "since",
    "accounts_now",
    "accounts_then",
    "ending_ledger_change",
    "ending_available_change",
    "only_now",
    "only_then",
];

/// One change record: a profile's totals of one currency against the date.
#[derive(serde::Serialize)]
struct ChangeOut<'a> {
    profile: &'a str,
    provider: &'a str,
    currency: &'a str,
    since: String,
    accounts_now: usize,
    accounts_then: usize,
    ending_ledger_change: Option<serde_json::Number>,
    ending_available_change: Option<serde_json::Number>,
    only_now: Vec<&'a str>,
    only_then: Vec<&'a str>,
}

fn records(date: NaiveDate, profiles: &[ProfileChange]) -> Vec<ChangeOut<'_>> {
    let number = |amount: Option<Decimal>, places: u32| {
        amount.and_then(|a| format_amount(a, places).parse::<serde_json::Number>().ok())
    };
    let mut out = Vec::new();
    for p in profiles {
        for c in &p.currencies {
            out.push(ChangeOut {
                profile: &p.profile,
                provider: &p.provider,
                currency: &c.currency,
                since: date.to_string(),
                accounts_now: c.now.count,
                accounts_then: c.then.count,
                ending_ledger_change: number(c.ending_ledger(), c.places),
                ending_available_change: number(c.ending_available(), c.places),
                only_now: of_currency(&p.only_now, &c.currency),
                only_then: of_currency(&p.only_then, &c.currency),
            });
        }
    }
    out
}

/// The labels of the accounts of one currency.
fn of_currency<'a>(accounts: &'a [(String, String)], currency: &str) -> Vec<&'a str> {
    accounts
        .iter()
        .filter(|(_, code)| code == currency)
        .map(|(label, _)| label.as_str())
        .collect()
}

/// A position with `--since` as CSV or NDJSON (the change records instead of the rows, as
/// `--totals-only` prints totals instead of them) or JSON (the position's document with a
/// `changes` key after `errors`).
fn render(
    format: Format,
    position: &Position,
    view: PositionView,
    date: NaiveDate,
    profiles: &[ProfileChange],
) -> std::io::Result<Vec<u8>> {
    let records = records(date, profiles);
    let mut out = Vec::new();
    match format {
        Format::Json => {
            let options = crate::output::TableOptions::plain();
            let document = Document::Position(position, view);
            crate::output::render_with(&document, Format::Json, &options, &mut out)?;
            // The document ends `]}` and a line end: `changes` goes before its last brace.
            while out.last().is_some_and(|b| b.is_ascii_whitespace()) {
                out.pop();
            }
            out.pop();
            out.extend_from_slice(b",\n\"changes\": [");
            for (i, record) in records.iter().enumerate() {
                out.extend_from_slice(if i == 0 { b"\n  " } else { b",\n  " });
                serde_json::to_writer(&mut out, record)?;
            }
            out.extend_from_slice(b"]}\n");
        }
        Format::Ndjson => {
            for record in &records {
                serde_json::to_writer(&mut out, record)?;
                out.push(b'\n');
            }
        }
        _ => {
            let mut csv = csv::WriterBuilder::new()
                .terminator(csv::Terminator::Any(b'\n'))
                .from_writer(&mut out);
            csv.write_record(CHANGE_FIELDS)
                .map_err(std::io::Error::other)?;
            for r in &records {
                let amount = |a: &Option<serde_json::Number>| {
                    a.as_ref().map(ToString::to_string).unwrap_or_default()
                };
                csv.write_record([
                    r.profile.to_string(),
                    r.provider.to_string(),
                    r.currency.to_string(),
                    r.since.clone(),
                    r.accounts_now.to_string(),
                    r.accounts_then.to_string(),
                    amount(&r.ending_ledger_change),
                    amount(&r.ending_available_change),
                    r.only_now.join(" "),
                    r.only_then.join(" "),
                ])
                .map_err(std::io::Error::other)?;
            }
            csv.flush()?;
        }
    }
    Ok(out)
}

/// Refuses, before anything is sent, `--since` where it has no place: a bank file, and
/// `--totals-only` in CSV or NDJSON (both would replace the rows).
pub fn check_format(format: Format, totals_only: bool) -> Result<()> {
    if crate::output::is_bank_file(format) {
        return Err(Error::usage_hint(
            format!(
                "--since has no place in a {} bank file",
                crate::output::format_label(format)
            ),
            "drop --since, or pick -f table, csv, json or ndjson",
        ));
    }
    if totals_only && matches!(format, Format::Csv | Format::Ndjson) {
        return Err(Error::usage_hint(
            "--since and --totals-only each replace the rows of a CSV or NDJSON position",
            "drop one of them, or use -f json, which carries the totals and the changes",
        ));
    }
    Ok(())
}

/// Writes a position with `--since` in a machine format (the table is the caller's: its
/// lines go under it), to `-o` atomically or to stdout.
pub fn emit(
    ctx: &Context,
    sink: Sink,
    position: &Position,
    view: PositionView,
    since: Since,
) -> Result<()> {
    let Some((date, profiles)) = changes(position, since)? else {
        ctx.emit(sink, &Document::Position(position, view), 0)?;
        return Ok(());
    };
    let (format, file) = sink.into_parts();
    let bytes = render(format, position, view, date, &profiles)
        .map_err(|e| Error::Internal(anyhow::anyhow!("cannot write the report: {e}")))?;
    let count = profiles.iter().map(|p| p.currencies.len()).sum::<usize>();
    match file {
        Some((path, mut file)) => {
            let fail = |e: std::io::Error| {
                Error::Internal(anyhow::anyhow!("cannot write {}: {e}", path.display()))
            };
            file.write_all(&bytes).map_err(fail)?;
            file.commit().map_err(fail)?;
            ctx.term.note(&format!(
                "Wrote {count} {} to {}",
                if count == 1 { "change" } else { "changes" },
                path.display()
            ));
        }
        None => {
            let mut out = ctx.term.stdout();
            let written = out.write_all(&bytes).and_then(|()| out.flush());
            match written {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
                other => other
                    .map_err(|e| Error::Internal(anyhow::anyhow!("cannot write to stdout: {e}")))?,
            }
        }
    }
    Ok(())
}
