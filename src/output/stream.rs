//! A balance report written as its rows arrive: CSV, NDJSON, JSON and the bank files write each
//! batch of rows into reused buffers and hand it on; the table, which needs every row for its
//! column widths and totals, holds its rows until the end (BAI2 keeps its groups apart, see
//! `bai2`). Nothing is written before the first row, so a report that ends empty can still be
//! refused with nothing on stdout. A row a bank file cannot carry exactly is left out and
//! becomes a `FORMAT` error of its account.

use std::collections::HashSet;
use std::io::{self, Write};

use super::bank_file::{self, BankFile, FileIds};
use super::{csv, json, table, TableOptions};
use crate::cli::Format;
use crate::model::{AccountError, BalanceRow, Report};

pub struct BalanceWriter<W: Write> {
    format: Format,
    options: TableOptions,
    out: W,
    /// Whether the document's opening (CSV header, JSON `{"balances": [`) is written.
    started: bool,
    count: usize,
    /// The table's rows, until the end.
    held: Vec<BalanceRow>,
    buf: Vec<u8>,
    text: String,
    /// The bank file being written, for the bank-file formats.
    bank: Option<Box<dyn BankFile>>,
    /// The profile rows come from, unless `rows_from` names another.
    origin: String,
    /// The `FORMAT` errors of rows a bank file could not carry, one per account and reason.
    refused: Vec<AccountError>,
    refused_seen: HashSet<(String, String, String)>,
}

impl<W: Write> BalanceWriter<W> {
    pub fn new(format: Format, options: TableOptions, out: W) -> Self {
        BalanceWriter {
            format,
            options,
            out,
            started: false,
            count: 0,
            held: Vec::new(),
            buf: Vec::with_capacity(64 * 1024),
            text: String::with_capacity(64),
            bank: None,
            origin: String::new(),
            refused: Vec::new(),
            refused_seen: HashSet::new(),
        }
        .identified(FileIds::new(
            bank_file::DEFAULT_SENDER,
            bank_file::DEFAULT_SENDER,
            bank_file::DEFAULT_SENDER,
            chrono::Utc::now(),
        ))
    }

    /// Who a bank file is from and for (ignored by the other formats).
    pub fn identified(mut self, ids: FileIds) -> Self {
        self.origin = ids.profile.clone();
        self.bank = bank_file::writer(self.format, ids);
        self
    }

    /// The `FORMAT` errors of the rows left out so far: a bank file could not carry them.
    pub fn refused(&self) -> &[AccountError] {
        &self.refused
    }

    /// The rows written (or held) so far; rows left out are not counted.
    pub fn count(&self) -> usize {
        self.count
    }

    /// Writes rows that follow every row written before; hands them back once written, or
    /// none when it keeps them (a table is laid out at the end).
    pub fn rows(&mut self, rows: Vec<BalanceRow>) -> io::Result<Option<Vec<BalanceRow>>> {
        let origin = std::mem::take(&mut self.origin);
        let result = self.rows_from(rows, &origin);
        self.origin = origin;
        result
    }

    /// Whether rows given are kept to the end (a table) rather than written at once.
    pub fn holds_rows(&self) -> bool {
        self.bank.is_none() && self.format == Format::Table
    }

    /// Writes rows of the profile `origin` (a position's rows come from several), as `rows`.
    pub fn rows_from(
        &mut self,
        rows: Vec<BalanceRow>,
        origin: &str,
    ) -> io::Result<Option<Vec<BalanceRow>>> {
        if rows.is_empty() {
            return Ok(Some(rows));
        }
        if self.bank.is_some() {
            return self.bank_rows(&rows, origin).map(|()| Some(rows));
        }
        if self.holds_rows() {
            self.count += rows.len();
            self.held.extend(rows);
            return Ok(None);
        }
        self.start()?;
        for row in &rows {
            self.write_row(row)?;
            self.count += 1;
            if self.buf.len() >= 60 * 1024 {
                self.drain()?;
            }
        }
        self.drain().map(|()| Some(rows))
    }

    fn bank_rows(&mut self, rows: &[BalanceRow], origin: &str) -> io::Result<()> {
        self.start()?;
        let Some(bank) = &mut self.bank else {
            return Ok(());
        };
        for row in rows {
            match bank.row(row, origin, &mut self.buf)? {
                Ok(()) => self.count += 1,
                Err(limit) => {
                    let error = bank_file::refusal(row, self.format, &limit);
                    let key = (
                        error.bank_id.clone(),
                        error.account_id.clone(),
                        limit.clone(),
                    );
                    if self.refused_seen.insert(key) {
                        self.refused.push(error);
                    }
                }
            }
            if self.buf.len() >= 60 * 1024 {
                self.out.write_all(&self.buf)?;
                self.buf.clear();
            }
        }
        self.drain()
    }

    fn start(&mut self) -> io::Result<()> {
        if self.started {
            return Ok(());
        }
        self.started = true;
        match self.format {
            Format::Csv => csv::header(&mut self.buf),
            Format::Json => self.buf.extend_from_slice(json::BALANCES_OPEN),
            Format::Ndjson | Format::Table => {}
            Format::Bai2 | Format::Camt052 | Format::Camt053 | Format::Mt940 => {
                if let Some(bank) = &mut self.bank {
                    bank.open(&mut self.buf);
                }
            }
        }
        Ok(())
    }

    fn write_row(&mut self, row: &BalanceRow) -> io::Result<()> {
        match self.format {
            Format::Csv => {
                csv::write_balance(&mut self.buf, row, &mut self.text);
                Ok(())
            }
            Format::Json => {
                self.buf
                    .extend_from_slice(if self.count == 0 { b"\n" } else { b",\n" });
                json::write_balance(&mut self.buf, row, &mut self.text);
                Ok(())
            }
            Format::Ndjson => {
                json::write_balance(&mut self.buf, row, &mut self.text);
                self.buf.push(b'\n');
                Ok(())
            }
            Format::Table | Format::Bai2 | Format::Camt052 | Format::Camt053 | Format::Mt940 => {
                Ok(())
            }
        }
    }

    /// Hands what the buffers hold to the output, keeping their room for the next batch.
    fn drain(&mut self) -> io::Result<()> {
        if !self.buf.is_empty() {
            self.out.write_all(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }

    /// Ends the document (JSON: its `errors`; table: all of it) and returns the output, flushed.
    pub fn finish(mut self, errors: &[AccountError]) -> io::Result<W> {
        match self.format {
            Format::Table => {
                let report = Report {
                    rows: std::mem::take(&mut self.held),
                    errors: errors.to_vec(),
                };
                table::balances(&report, &self.options, &mut self.out)?;
            }
            Format::Json => {
                self.start()?;
                self.drain()?;
                json::write_errors(errors, &mut self.out)?;
            }
            Format::Csv | Format::Ndjson => {
                self.start()?;
                self.drain()?;
            }
            Format::Bai2 | Format::Camt052 | Format::Camt053 | Format::Mt940 => {
                self.start()?;
                self.drain()?;
                if let Some(bank) = &mut self.bank {
                    bank.close(&mut self.out)?;
                }
            }
        }
        self.out.flush()?;
        Ok(self.out)
    }
}
