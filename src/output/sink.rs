//! Where a command's report goes: the format, `--output` opened before anything is fetched and
//! committed atomically at the end, rows streamed as they arrive, stdout errors, the refusal of
//! an empty report and the closing summary of accounts with errors.

use std::collections::HashSet;
use std::io::Write;
use std::path::PathBuf;

use crate::atomic::AtomicFile;
use crate::cli::{Format, Totals};
use crate::error::{Error, Result};
use crate::model::AccountError;
use crate::output::{self, BalanceWriter, Document, FileIds, TableOptions};
use crate::term::Term;

mod writer;

pub use writer::ReportWriter;
use writer::{identified, StdoutOut, Target};

/// The report flags, as typed values: `-f`, `-o`, `--allow-empty`, `--wide`, `--totals`.
#[derive(Debug, Clone)]
pub struct SinkSettings {
    pub format: Option<Format>,
    pub output: Option<PathBuf>,
    pub allow_empty: bool,
    pub wide: bool,
    pub totals: Totals,
}

/// Reports written to the terminal or to `-o`, as the settings say.
#[derive(Clone, Copy)]
pub struct Reports<'s> {
    pub term: &'s Term,
    pub settings: &'s SinkSettings,
}

/// Where a report goes, opened before anything is fetched so a bad path fails early.
pub struct Sink {
    format: Format,
    file: Option<(PathBuf, AtomicFile)>,
    /// Who a bank file is from and for; bank-file formats only.
    ids: Option<FileIds>,
}

impl Sink {
    /// Whether the report is a bank file (BAI2, camt, MT940).
    pub fn is_bank_file(&self) -> bool {
        output::is_bank_file(self.format)
    }

    /// The report's format.
    pub fn format(&self) -> Format {
        self.format
    }
}

impl Sink {
    /// The format and the `-o` file (with its path), for a command that writes its own way.
    pub fn into_parts(self) -> (Format, Option<(PathBuf, AtomicFile)>) {
        (self.format, self.file)
    }
}

impl<'s> Reports<'s> {
    /// Resolves the format and opens `--output`'s temporary file, for documents that are not
    /// balance reports: bank files are refused.
    pub fn open_sink(&self) -> Result<Sink> {
        let format = self.format()?;
        if output::is_bank_file(format) {
            return Err(Error::usage_hint(
                format!(
                    "{} is a bank file of balances: only 'balances', 'position' and 'history' write it",
                    output::format_label(format)
                ),
                "pick -f table, csv, json or ndjson for this command",
            ));
        }
        self.open_file(format, None)
    }

    /// The report's format: `-f`, else the `-o` extension, else `TREASURY_FORMAT`, else a
    /// table; a clash between `-f` and the extension is warned about.
    pub fn format(&self) -> Result<Format> {
        let env = crate::env::text(crate::env::FORMAT);
        let format = output::resolve_format(
            self.settings.format,
            self.settings.output.as_deref(),
            env.as_deref(),
        )
        .map_err(|message| match self.settings.output.as_deref() {
            Some(path) if self.settings.format.is_none() && env.is_none() => Error::usage_hint(
                message,
                format!(
                    "name the file with one of those extensions, or pass -f table|csv|json|ndjson|bai2|camt052|camt053|mt940: treasury ... -f csv -o {}",
                    path.display()
                ),
            ),
            _ => Error::usage_hint(message, "unset TREASURY_FORMAT or pass -f FORMAT"),
        })?;
        if let Some(warning) =
            output::format_mismatch(self.settings.format, self.settings.output.as_deref())
        {
            self.term.warn(&warning);
        }
        Ok(format)
    }

    /// Opens `--output`'s temporary file (none: stdout) for a report in `format`, with the ids
    /// of a bank file.
    pub fn open_file(&self, format: Format, ids: Option<FileIds>) -> Result<Sink> {
        let file = match &self.settings.output {
            None => None,
            Some(path) if path.is_dir() => {
                return Err(Error::usage_hint(
                    format!("--output {} is a folder", path.display()),
                    "give --output a file name, such as reports/balances.csv",
                ))
            }
            Some(path) => {
                let file = AtomicFile::create(path).map_err(|e| {
                    Error::usage_hint(
                        format!("cannot write a report beside {}: {e}", path.display()),
                        "give --output a path in an existing, writable folder",
                    )
                })?;
                Some((path.clone(), file))
            }
        };
        Ok(Sink { format, file, ids })
    }

    /// Renders the document into the sink: stdout, or the file committed atomically. A report
    /// without rows is refused (unless `--allow-empty`), leaving any `-o` file as it was.
    /// Returns the `FORMAT` errors of a position's rows a bank file could not carry.
    pub fn emit(&self, sink: Sink, document: &Document, count: usize) -> Result<Vec<AccountError>> {
        if let (true, Document::Position(position, _)) = (sink.is_bank_file(), document) {
            return self.emit_position_file(sink, position);
        }
        if count == 0 && !self.settings.allow_empty {
            if let Some(refusal) = empty_refusal(document, sink.file.as_ref().map(|f| &f.0)) {
                return Err(refusal);
            }
        }
        match sink.file {
            Some((path, mut file)) => {
                output::render_with(
                    document,
                    sink.format,
                    &TableOptions::plain_with(self.settings.totals),
                    &mut file,
                )
                .and_then(|()| file.commit())
                .map_err(|e| write_error(&path, e))?;
                self.term.note(&format!(
                    "Wrote {count} {} to {}",
                    if count == 1 { "row" } else { "rows" },
                    path.display()
                ));
            }
            None => {
                self.emit_to_stdout(sink.format, document)?;
                self.summarize_errors(document);
            }
        }
        Ok(Vec::new())
    }

    /// A position as a bank file: its rows, each from its own profile; the rows the file
    /// cannot carry are warned about and returned.
    fn emit_position_file(
        &self,
        sink: Sink,
        position: &crate::position::Position,
    ) -> Result<Vec<AccountError>> {
        let mut writer = self.writer(sink);
        for entry in &position.rows {
            writer.rows_from(vec![entry.row.clone()], Some(&entry.profile))?;
        }
        let refused = writer.refused().to_vec();
        for error in &refused {
            let account = match error.bank_id.is_empty() {
                true => error.account_id.clone(),
                false => format!("{}/{}", error.bank_id, error.account_id),
            };
            self.term.problem(&format!(
                "account {account}: {} {}",
                error.code, error.message
            ));
        }
        let mut errors = refused.clone();
        errors.extend(position.account_errors.iter().map(|e| e.error.clone()));
        writer.finish(&errors)?;
        Ok(refused)
    }

    /// A balance report written as its rows arrive, into the sink: stdout (nothing before the
    /// first row, so an empty report can still be refused), or the temporary `-o` file.
    pub fn writer(self, sink: Sink) -> ReportWriter<'s> {
        let ids = sink.ids;
        let target = match sink.file {
            Some((path, file)) => Target::File(
                path,
                identified(
                    BalanceWriter::new(
                        sink.format,
                        TableOptions::plain_with(self.settings.totals),
                        file,
                    ),
                    ids,
                ),
            ),
            None => Target::Stdout(identified(
                BalanceWriter::new(
                    sink.format,
                    self.stdout_table_options(),
                    StdoutOut {
                        term: self.term,
                        closed: false,
                    },
                ),
                ids,
            )),
        };
        let terminal = self.term.table_style() == output::TableStyle::Terminal;
        ReportWriter {
            reports: self,
            target,
            with_rows: terminal.then(HashSet::new),
        }
    }

    fn stdout_table_options(&self) -> TableOptions {
        TableOptions {
            style: self.term.table_style(),
            width: self.term.table_width(self.settings.wide),
            totals: self.settings.totals,
        }
    }

    fn emit_to_stdout(&self, format: Format, document: &Document) -> Result<()> {
        if self.term.stdout_closed() {
            return Err(crate::term::stdout_closed_error());
        }
        let options = self.stdout_table_options();
        let mut out = self.term.stdout();
        let result =
            output::render_with(document, format, &options, &mut out).and_then(|()| out.flush());
        match result {
            // `| head` closing the pipe early is how a reader says it has enough.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            other => {
                other.map_err(|e| Error::Internal(anyhow::anyhow!("cannot write to stdout: {e}")))
            }
        }
    }

    /// After a partial report on a terminal, one line that points back at the warnings above
    /// it, which a long report has scrolled away. Files and pipes leave stderr as it was.
    fn summarize_errors(&self, document: &Document) {
        if self.term.table_style() != output::TableStyle::Terminal {
            return;
        }
        if let Document::Balances(report) = document {
            let with_rows = report
                .rows
                .iter()
                .map(|r| (r.account.bank_id.clone(), r.account.account_id.clone()))
                .collect();
            self.summarize_account_errors(&report.errors, &with_rows);
        }
    }

    fn summarize_account_errors(
        &self,
        errors: &[AccountError],
        with_rows: &HashSet<(String, String)>,
    ) {
        if errors.is_empty() || self.term.table_style() != output::TableStyle::Terminal {
            return;
        }
        let failed = distinct_accounts(errors.iter().map(|e| (&e.bank_id, &e.account_id)));
        let all = distinct_accounts(
            errors
                .iter()
                .map(|e| (&e.bank_id, &e.account_id))
                .chain(with_rows.iter().map(|(bank, id)| (bank, id))),
        );
        let verb = if failed == 1 { "has" } else { "have" };
        self.term.summary(&format!(
            "{failed} of {all} accounts {verb} errors, listed above"
        ));
    }
}

fn stdout_error(e: std::io::Error) -> Error {
    Error::Internal(anyhow::anyhow!("cannot write to stdout: {e}"))
}

fn distinct_accounts<'a>(keys: impl Iterator<Item = (&'a String, &'a String)>) -> usize {
    keys.collect::<HashSet<_>>().len()
}

/// Why a report without rows is not written, or nothing for documents that are not reports.
fn empty_refusal(document: &Document, file: Option<&PathBuf>) -> Option<Error> {
    let (what, account_errors) = match document {
        Document::Balances(report) if !report.errors.is_empty() => (
            "every account came back with an error (listed above), so there is no balance to report",
            true,
        ),
        Document::Balances(_) => ("the bank returned no balances", false),
        Document::Accounts(_) => ("the bank returned no accounts", false),
        Document::Position(position, _) | Document::PositionChanges(position, _, _) => (
            "no profile returned any balance",
            !position.is_complete(),
        ),
        Document::Fields(_) => return None,
    };
    let kept = match file {
        Some(path) if path.exists() => format!("; {} is left as it was", path.display()),
        Some(_) => "; no file was written".to_string(),
        None => String::new(),
    };
    Some(Error::Empty {
        message: format!("{what}{kept}"),
        hint: Some("pass --allow-empty to write an empty report anyway".into()),
        account_errors,
    })
}

fn write_error(path: &std::path::Path, err: std::io::Error) -> Error {
    Error::Internal(anyhow::anyhow!(
        "cannot write {}: {err}; the previous file, if any, is unchanged",
        path.display()
    ))
}
