//! `treasury position --since DATE|Nd`: the change of each profile's totals per currency
//! against the latest recorded row of each account on or before that date, naming accounts
//! present on only one side (`history::changes`). Read from the history; no bank is called
//! for it. Printed by `output::position_changes`: lines under the table, records instead of
//! the rows in CSV and NDJSON, a `changes` key of the position's JSON document.

use chrono::{Days, NaiveDate};

use std::io::Write;

use crate::cli::Format;
use crate::commands::{Context, Sink};
use crate::config;
use crate::error::{Error, Result};
use crate::history::changes::{profile_change, Changes};
use crate::history::{Filter, Store};
use crate::model::BalanceRow;
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

/// The date `--since` stands for and each profile's changes since it; `None` when the
/// position has no row to compare.
pub fn changes(position: &Position, since: Since) -> Result<Option<Changes>> {
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
    Ok(Some(Changes {
        since: date,
        profiles,
    }))
}

/// The change lines under a position, for the table; empty when there is nothing to compare.
pub fn lines(position: &Position, since: Since) -> Result<String> {
    Ok(changes(position, since)?
        .map(|changes| crate::output::position_changes::lines(&changes))
        .unwrap_or_default())
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
    let Some(changes) = changes(position, since)? else {
        ctx.emit(sink, &Document::Position(position, view), 0)?;
        return Ok(());
    };
    let (format, file) = sink.into_parts();
    let mut bytes = Vec::new();
    let options = crate::output::TableOptions::plain();
    let document = Document::PositionChanges(position, view, &changes);
    crate::output::render_with(&document, format, &options, &mut bytes)
        .map_err(|e| Error::Internal(anyhow::anyhow!("cannot write the report: {e}")))?;
    let count = changes
        .profiles
        .iter()
        .map(|p| p.currencies.len())
        .sum::<usize>();
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
