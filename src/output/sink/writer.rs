//! A balance report being written as its rows arrive: to `-o`'s temporary file or to stdout
//! (a closed pipe ends it quietly), the accounts with rows counted for the summary, and the
//! end that commits the file or refuses an empty report.

use std::collections::HashSet;
use std::io::Write;
use std::path::PathBuf;

use super::{empty_refusal, stdout_error, write_error, Reports};
use crate::atomic::AtomicFile;
use crate::error::Result;
use crate::model::{AccountError, BalanceRow, Report};
use crate::output::{BalanceWriter, Document, FileIds};

/// A balance report being written as its rows arrive; `finish` ends and commits it.
pub struct ReportWriter<'s> {
    pub(super) reports: Reports<'s>,
    pub(super) target: Target<'s>,
    /// The accounts with rows, for the summary line under a terminal's table.
    pub(super) with_rows: Option<HashSet<(String, String)>>,
}

pub(super) enum Target<'s> {
    File(PathBuf, BalanceWriter<AtomicFile>),
    Stdout(BalanceWriter<StdoutOut<'s>>),
}

impl ReportWriter<'_> {
    /// Writes rows that follow every row written before.
    pub fn rows(&mut self, rows: Vec<BalanceRow>) -> Result<()> {
        self.write(rows, None).map(drop)
    }

    /// Writes rows as `rows`, then hands them to `then` (the history), copied only where the
    /// report keeps them to the end (a table).
    pub fn rows_then(
        &mut self,
        rows: Vec<BalanceRow>,
        then: impl FnOnce(Vec<BalanceRow>),
    ) -> Result<()> {
        let copy = self.holds_rows().then(|| rows.clone());
        if let Some(rows) = self.write(rows, None)?.or(copy) {
            then(rows);
        }
        Ok(())
    }

    fn holds_rows(&self) -> bool {
        match &self.target {
            Target::File(_, writer) => writer.holds_rows(),
            Target::Stdout(writer) => writer.holds_rows(),
        }
    }

    /// The `FORMAT` errors of rows a bank file could not carry, so far.
    pub fn refused(&self) -> &[AccountError] {
        match &self.target {
            Target::File(_, writer) => writer.refused(),
            Target::Stdout(writer) => writer.refused(),
        }
    }

    /// Writes rows, from the profile `origin` where given (a position's rows).
    pub fn rows_from(&mut self, rows: Vec<BalanceRow>, origin: Option<&str>) -> Result<()> {
        self.write(rows, origin).map(drop)
    }

    /// Writes rows; gives them back once written, or none when the report keeps them.
    fn write(
        &mut self,
        rows: Vec<BalanceRow>,
        origin: Option<&str>,
    ) -> Result<Option<Vec<BalanceRow>>> {
        if rows.is_empty() {
            return Ok(Some(rows));
        }
        if let Some(seen) = &mut self.with_rows {
            for row in &rows {
                let a = &row.account;
                if !seen.contains(&(a.bank_id.clone(), a.account_id.clone())) {
                    seen.insert((a.bank_id.clone(), a.account_id.clone()));
                }
            }
        }
        match &mut self.target {
            Target::File(path, writer) => match origin {
                Some(origin) => writer.rows_from(rows, origin),
                None => writer.rows(rows),
            }
            .map_err(|e| write_error(path, e)),
            Target::Stdout(writer) => {
                if self.reports.term.stdout_closed() {
                    return Err(crate::term::stdout_closed_error());
                }
                match origin {
                    Some(origin) => writer.rows_from(rows, origin),
                    None => writer.rows(rows),
                }
                .map_err(stdout_error)
            }
        }
    }

    /// Ends the report with its errors: refused when it has no rows (unless `--allow-empty`),
    /// leaving any `-o` file as it was; else the `-o` file is committed.
    pub fn finish(self, errors: &[AccountError]) -> Result<()> {
        let reports = self.reports;
        let count = match &self.target {
            Target::File(_, writer) => writer.count(),
            Target::Stdout(writer) => writer.count(),
        };
        if count == 0 && !reports.settings.allow_empty {
            let report = Report {
                rows: Vec::new(),
                errors: errors.to_vec(),
            };
            let file = match &self.target {
                Target::File(path, _) => Some(path),
                Target::Stdout(_) => None,
            };
            if let Some(refusal) = empty_refusal(&Document::Balances(&report), file) {
                return Err(refusal);
            }
        }
        match self.target {
            Target::File(path, writer) => {
                writer
                    .finish(errors)
                    .and_then(AtomicFile::commit)
                    .map_err(|e| write_error(&path, e))?;
                reports.term.note(&format!(
                    "Wrote {count} {} to {}",
                    if count == 1 { "row" } else { "rows" },
                    path.display()
                ));
            }
            Target::Stdout(writer) => {
                if reports.term.stdout_closed() {
                    return Err(crate::term::stdout_closed_error());
                }
                writer.finish(errors).map_err(stdout_error)?;
                reports.summarize_account_errors(errors, &self.with_rows.unwrap_or_default());
            }
        }
        Ok(())
    }
}

/// Stdout for a streamed report: each batch written and flushed; once the reader has closed
/// the pipe (`| head`: it has enough), the rest is dropped quietly.
pub(super) struct StdoutOut<'t> {
    pub(super) term: &'t crate::term::Term,
    pub(super) closed: bool,
}

impl Write for StdoutOut<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.write_all(buf)?;
        Ok(buf.len())
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        if self.closed {
            return Ok(());
        }
        let mut out = self.term.stdout();
        match out.write_all(buf).and_then(|()| out.flush()) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            other => other,
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A bank file's writer with its ids; other formats as they are.
pub(super) fn identified<W: Write>(
    writer: BalanceWriter<W>,
    ids: Option<FileIds>,
) -> BalanceWriter<W> {
    match ids {
        Some(ids) => writer.identified(ids),
        None => writer,
    }
}
