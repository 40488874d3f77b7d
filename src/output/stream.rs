//! A balance report written as its rows arrive: CSV, NDJSON and JSON write each batch of rows
//! into reused buffers and hand it on; the table, which needs every row for its column widths
//! and totals, holds its rows until the end. Nothing is written before the first row, so a
//! report that ends empty can still be refused with nothing on stdout.

use std::io::{self, Write};

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
        }
    }

    /// The rows written (or held) so far.
    pub fn count(&self) -> usize {
        self.count
    }

    /// Writes rows that follow every row written before.
    pub fn rows(&mut self, rows: Vec<BalanceRow>) -> io::Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        if self.format == Format::Table {
            self.count += rows.len();
            self.held.extend(rows);
            return Ok(());
        }
        self.start()?;
        for row in &rows {
            self.write_row(row)?;
            self.count += 1;
            if self.buf.len() >= 60 * 1024 {
                self.drain()?;
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
            Format::Table => Ok(()),
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
        }
        self.out.flush()?;
        Ok(self.out)
    }
}
