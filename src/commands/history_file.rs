//! `treasury history -f bai2|camt052|camt053|mt940`: recorded rows written as a bank file by
//! the same writers as `balances` (WORKFLOW.md section 2), each row from the profile that
//! fetched it. camt.053 and MT940 are end-of-day statements: they take the closed days only.

use std::path::Path;

use crate::cli::{Format, HistoryArgs};
use crate::commands::Context;
use crate::error::{Error, Outcome, Result};
use crate::history::{Filter, Store, StoredRow};
use crate::model::{AccountError, BalanceRow};
use crate::output;

/// Rows handed to the writer at once, all from one profile.
const BATCH: usize = 1024;

/// Writes the stored rows the filter takes as a bank file; `nothing` is the refusal when
/// there is no row.
pub fn write(
    ctx: &Context,
    args: &HistoryArgs,
    path: &Path,
    mut filter: Filter,
    format: Format,
    nothing: impl FnOnce() -> Error,
) -> Result<Outcome> {
    if args.change {
        return Err(Error::usage_hint(
            format!(
                "--change adds columns a {} bank file has no place for",
                output::format_label(format)
            ),
            "drop --change, or pick -f csv, json, ndjson or table for the changes",
        ));
    }
    filter.closed_only = output::closed_days_only(format);
    // Who the file is for: the one profile asked for, else TREASURY (rows of several).
    let receiver = match args.profiles.as_slice() {
        [only] => only.clone(),
        _ => output::DEFAULT_SENDER.to_string(),
    };
    let ids = ctx.file_ids(&receiver, &receiver)?;
    let sink = ctx.reports().open_file(format, Some(ids))?;
    let Some(store) = Store::open_existing(path).map_err(super::history::read_error)? else {
        return Err(nothing());
    };
    let mut writer = ctx.report_writer(sink);
    let mut batch = Batch::default();
    store.each_row(&filter, |stored: StoredRow| -> Result<()> {
        batch.push(stored, &mut writer)
    })?;
    batch.flush(&mut writer)?;
    if batch.sent == 0 {
        return Err(nothing());
    }
    let refused: Vec<AccountError> = writer.refused().to_vec();
    for error in &refused {
        let account = match error.bank_id.is_empty() {
            true => error.account_id.clone(),
            false => format!("{}/{}", error.bank_id, error.account_id),
        };
        ctx.term.problem(&format!(
            "account {account}: {} {}",
            error.code, error.message
        ));
    }
    writer.finish(&refused)?;
    Ok(match refused.is_empty() {
        true => Outcome::Complete,
        false => Outcome::Partial,
    })
}

/// Consecutive rows of one profile, on their way to the writer.
#[derive(Default)]
struct Batch {
    profile: String,
    rows: Vec<BalanceRow>,
    sent: usize,
}

impl Batch {
    fn push(&mut self, stored: StoredRow, writer: &mut super::ReportWriter) -> Result<()> {
        if stored.profile != self.profile || self.rows.len() >= BATCH {
            self.flush(writer)?;
            self.profile = stored.profile;
        }
        self.rows.push(stored.row);
        Ok(())
    }

    fn flush(&mut self, writer: &mut super::ReportWriter) -> Result<()> {
        self.sent += self.rows.len();
        let rows = std::mem::take(&mut self.rows);
        writer.rows_from(rows, Some(&self.profile))
    }
}
