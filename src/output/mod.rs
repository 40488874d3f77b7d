//! Renders reports in the four formats and the bank files, and writes them to stdout or
//! atomically to a file.

mod bai2;
mod bank_file;
mod camt;
mod csv;
pub mod history;
mod json;
mod mt940;
mod position;
pub mod position_changes;
mod position_table;
pub mod sink;
#[cfg(test)]
mod sink_tests;
mod stream;
mod table;
mod table_totals;

/// The terminal's escaping and table style, which every renderer uses.
pub use crate::term::{printable, TableStyle};
pub use bank_file::{FileIds, DEFAULT_SENDER, FORMAT_CODE};
pub use stream::BalanceWriter;

use std::io::Write;
use std::path::Path;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::cli::{Format, Totals};
use crate::model::{Account, BalanceRow, Report};

/// Fields of a balance row, in the order of CSV headers and JSON keys. Every format takes its
/// names from here and its values from `balance_record`, in this order.
pub const BALANCE_FIELDS: [&str; 13] = [
    "account_id",
    "account_name",
    "bank_id",
    "bank_name",
    "branch_id",
    "currency",
    "as_of_date",
    "current_day",
    "opening_available",
    "opening_ledger",
    "ending_available",
    "ending_ledger",
    "record_timestamp",
];

/// Fields of an account, in the order of CSV headers and JSON keys (values: `account_record`;
/// the account cache stores the same keys).
pub const ACCOUNT_FIELDS: [&str; 6] = [
    "account_id",
    "account_name",
    "bank_id",
    "bank_name",
    "branch_id",
    "currency",
];

/// What a command prints.
pub enum Document<'a> {
    Balances(&'a Report),
    Accounts(&'a [Account]),
    /// Named values, such as `status` prints.
    Fields(&'a [Field]),
    /// A cash position across profiles (`treasury position`).
    Position(&'a crate::position::Position, PositionView),
    /// A position with `--since`: its changes as records instead of the rows in CSV and
    /// NDJSON, as the `changes` key of its JSON document, as lines under its table.
    PositionChanges(
        &'a crate::position::Position,
        PositionView,
        &'a crate::history::changes::Changes,
    ),
}

/// What of a position to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PositionView {
    /// Only the totals, as rows (`--totals-only`).
    pub totals_only: bool,
}

/// One named value of a `Fields` document.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub name: &'static str,
    pub value: serde_json::Value,
}

impl Field {
    pub fn text(name: &'static str, value: &str) -> Field {
        Field {
            name,
            value: value.into(),
        }
    }

    pub fn maybe(name: &'static str, value: Option<&str>) -> Field {
        Field {
            name,
            value: value.map_or(serde_json::Value::Null, Into::into),
        }
    }

    pub fn flag(name: &'static str, value: bool) -> Field {
        Field {
            name,
            value: value.into(),
        }
    }

    /// The value as text: strings bare, nothing as empty.
    fn text_value(&self) -> String {
        match &self.value {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Null => String::new(),
            other => other.to_string(),
        }
    }
}

/// How a table is laid out: its style, the width to fit (none: every column), which totals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableOptions {
    pub style: TableStyle,
    pub width: Option<usize>,
    pub totals: Totals,
}

impl TableOptions {
    /// Every column and the last date's totals: what files and pipes get.
    pub fn plain() -> TableOptions {
        TableOptions {
            style: TableStyle::Plain,
            width: None,
            totals: Totals::Last,
        }
    }

    /// Every column, with these totals: what `-o` files get.
    pub fn plain_with(totals: Totals) -> TableOptions {
        TableOptions {
            totals,
            ..TableOptions::plain()
        }
    }
}

/// The report file extensions treasury knows, as the refusal of an unknown one names them.
pub const KNOWN_EXTENSIONS: &str = ".csv, .json, .ndjson, .jsonl, .txt, .bai, .bai2, .sta, .mt940";

fn format_of_extension(output: &Path) -> Option<Format> {
    let extension = output.extension()?.to_str()?;
    match extension.to_ascii_lowercase().as_str() {
        "csv" => Some(Format::Csv),
        "json" => Some(Format::Json),
        "ndjson" | "jsonl" => Some(Format::Ndjson),
        "txt" => Some(Format::Table),
        "bai" | "bai2" => Some(Format::Bai2),
        "sta" | "mt940" => Some(Format::Mt940),
        _ => None,
    }
}

/// Whether an `--output` file is `.xml`: camt.052 or camt.053, which only `-f` can tell.
fn is_xml(output: &Path) -> bool {
    output
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("xml"))
}

/// The bank files (WORKFLOW.md section 2): written for balance reports only.
pub fn is_bank_file(format: Format) -> bool {
    matches!(
        format,
        Format::Bai2 | Format::Camt052 | Format::Camt053 | Format::Mt940
    )
}

/// The end-of-day formats, which carry closed days only.
pub fn closed_days_only(format: Format) -> bool {
    matches!(format, Format::Camt053 | Format::Mt940)
}

/// The name a user knows a format by, as messages and refusals name it.
pub fn format_label(format: Format) -> &'static str {
    match format {
        Format::Table => "table",
        Format::Csv => "csv",
        Format::Json => "json",
        Format::Ndjson => "ndjson",
        Format::Bai2 => "BAI2",
        Format::Camt052 => "camt.052",
        Format::Camt053 => "camt.053",
        Format::Mt940 => "MT940",
    }
}

/// The format: `-f` if given, else the `--output` extension, else `TREASURY_FORMAT`, else table.
/// An `--output` whose extension names no format needs `-f` or `TREASURY_FORMAT`: a text table
/// in `report.xlsx` is never what was meant.
pub fn resolve_format(
    flag: Option<Format>,
    output: Option<&Path>,
    env: Option<&str>,
) -> Result<Format, String> {
    if let Some(format) = flag {
        return Ok(format);
    }
    if let Some(format) = output.and_then(format_of_extension) {
        return Ok(format);
    }
    match env.map(str::trim).filter(|v| !v.is_empty()) {
        None => match output {
            Some(path) if is_xml(path) => Err(format!(
                "--output {} is XML, which is camt.052 or camt.053: say which with -f camt052 or -f camt053",
                path.display()
            )),
            Some(path) => Err(format!(
                "--output {} has no known extension ({KNOWN_EXTENSIONS}), so the format is unknown",
                path.display()
            )),
            None => Ok(Format::Table),
        },
        Some(value) => <Format as clap::ValueEnum>::from_str(value, true).map_err(|_| {
            format!("TREASURY_FORMAT '{value}' is not a format: use table, csv, json, ndjson, bai2, camt052, camt053 or mt940")
        }),
    }
}

/// A warning when `-f` contradicts the `--output` extension (`-f json -o x.csv`).
pub fn format_mismatch(flag: Option<Format>, output: Option<&Path>) -> Option<String> {
    let (flag, path) = (flag?, output?);
    let by_extension = format_of_extension(path)?;
    (by_extension != flag).then(|| {
        format!(
            "--output {} gets {} (from -f), not what its extension says ({})",
            path.display(),
            format_name(flag),
            format_name(by_extension)
        )
    })
}

fn format_name(format: Format) -> &'static str {
    match format {
        Format::Table => "a text table",
        Format::Csv => "CSV",
        Format::Json => "JSON",
        Format::Ndjson => "NDJSON",
        Format::Bai2 => "BAI2",
        Format::Camt052 => "camt.052",
        Format::Camt053 => "camt.053",
        Format::Mt940 => "MT940",
    }
}

/// Writes a document in a format; tables plain, with every column and the last date's totals.
pub fn render(
    document: &Document,
    format: Format,
    style: TableStyle,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let options = TableOptions {
        style,
        ..TableOptions::plain()
    };
    render_with(document, format, &options, out)
}

/// Writes a document in a format, a table laid out as `options` say.
pub fn render_with(
    document: &Document,
    format: Format,
    options: &TableOptions,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    match (document, format) {
        (Document::Balances(report), Format::Table) => table::balances(report, options, out),
        (Document::Balances(report), Format::Csv) => csv::balances(&report.rows, out),
        (Document::Balances(report), Format::Json) => json::balances(report, out),
        (Document::Balances(report), Format::Ndjson) => json::balance_lines(&report.rows, out),
        (Document::Accounts(accounts), Format::Table) => table::accounts(accounts, options, out),
        (Document::Accounts(accounts), Format::Csv) => csv::accounts(accounts, out),
        (Document::Accounts(accounts), Format::Json) => json::accounts(accounts, out),
        (Document::Accounts(accounts), Format::Ndjson) => json::account_lines(accounts, out),
        (Document::Fields(fields), Format::Json | Format::Ndjson) => json::fields(fields, out),
        (Document::Fields(fields), Format::Csv) => csv::fields(fields, out),
        (Document::Fields(fields), Format::Table) => fields_as_lines(fields, out),
        (Document::Position(p, view), Format::Table) => {
            position_table::render(p, *view, options, out)
        }
        (Document::Position(p, view), Format::Csv) => position::csv(p, *view, out),
        (Document::Position(p, _), Format::Json) => position::json(p, None, out),
        (Document::Position(p, view), Format::Ndjson) => position::ndjson(p, *view, out),
        (Document::PositionChanges(p, view, changes), Format::Table) => {
            position_table::render(p, *view, options, out)?;
            out.write_all(position_changes::lines(changes).as_bytes())
        }
        (Document::PositionChanges(_, _, changes), Format::Csv) => {
            position_changes::csv(changes, out)
        }
        (Document::PositionChanges(p, _, changes), Format::Json) => {
            position::json(p, Some(changes), out)
        }
        (Document::PositionChanges(_, _, changes), Format::Ndjson) => {
            position_changes::ndjson(changes, out)
        }
        // Bank files are balance reports written through `BalanceWriter`, with their ids.
        (_, Format::Bai2 | Format::Camt052 | Format::Camt053 | Format::Mt940) => {
            Err(std::io::Error::new(
                std::io::ErrorKind::Unsupported,
                format!(
                    "{} is written only for balance reports",
                    format_label(format)
                ),
            ))
        }
    }
}

/// `name: value` lines, names aligned.
fn fields_as_lines(fields: &[Field], out: &mut dyn Write) -> std::io::Result<()> {
    let width = fields.iter().map(|f| f.name.len()).max().unwrap_or(0);
    for field in fields {
        let value = field.text_value();
        let value = if value.is_empty() {
            "-".to_string()
        } else {
            printable(&value).into_owned()
        };
        writeln!(out, "{:width$}  {value}", field.name)?;
    }
    Ok(())
}

/// One value of a balance row, before a format writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cell<'a> {
    Text(&'a str),
    Date(NaiveDate),
    Flag(bool),
    /// An amount, written with the currency's fraction digits (`Amount` rows carry them);
    /// `None` when the bank did not send it: an empty CSV cell, JSON `null`, a blank cell.
    Amount(Option<Decimal>),
}

/// A balance row's values in `BALANCE_FIELDS` order.
pub(crate) fn balance_record(row: &BalanceRow) -> [Cell<'_>; BALANCE_FIELDS.len()] {
    let (a, b) = (&row.account, &row.balance);
    [
        Cell::Text(&a.account_id),
        Cell::Text(&a.account_name),
        Cell::Text(&a.bank_id),
        Cell::Text(&a.bank_name),
        Cell::Text(&a.branch_id),
        Cell::Text(&a.currency.code),
        Cell::Date(b.as_of_date),
        Cell::Flag(b.current_day),
        Cell::Amount(b.opening_available),
        Cell::Amount(b.opening_ledger),
        Cell::Amount(b.ending_available),
        Cell::Amount(b.ending_ledger),
        Cell::Text(&b.record_timestamp),
    ]
}

/// The index of a field in `fields`, for lists derived from the one list (a compile error
/// when the name is not there).
pub(crate) const fn field_index(fields: &[&str], name: &str) -> usize {
    let mut i = 0;
    while i < fields.len() {
        if const_eq(fields[i], name) {
            return i;
        }
        i += 1;
    }
    panic!("no such field")
}

const fn const_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// An account's values in `ACCOUNT_FIELDS` order.
fn account_record(a: &Account) -> [&str; ACCOUNT_FIELDS.len()] {
    [
        &a.account_id,
        &a.account_name,
        &a.bank_id,
        &a.bank_name,
        &a.branch_id,
        &a.currency.code,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn format_comes_from_flag_then_extension_then_env() {
        let csv = PathBuf::from("out/report.CSV");
        assert_eq!(
            resolve_format(Some(Format::Json), Some(&csv), None),
            Ok(Format::Json)
        );
        assert_eq!(
            resolve_format(None, Some(&csv), Some("json")),
            Ok(Format::Csv)
        );
        assert_eq!(
            resolve_format(None, Some(Path::new("r.jsonl")), None),
            Ok(Format::Ndjson)
        );
        assert_eq!(
            resolve_format(None, Some(Path::new("r.out")), Some("ndjson")),
            Ok(Format::Ndjson)
        );
        assert_eq!(resolve_format(None, None, None), Ok(Format::Table));
        for unknown in ["r.xlsx", "report", "r.csv.bak"] {
            let err = resolve_format(None, Some(Path::new(unknown)), None).unwrap_err();
            assert!(
                err.contains(unknown) && err.contains(".csv, .json"),
                "{err}"
            );
        }
        assert!(resolve_format(None, None, Some("xml"))
            .unwrap_err()
            .contains("TREASURY_FORMAT 'xml'"));
    }

    #[test]
    fn a_flag_that_contradicts_the_extension_is_named() {
        let csv = Path::new("x.csv");
        let warning = format_mismatch(Some(Format::Json), Some(csv)).unwrap();
        assert!(
            warning.contains("x.csv") && warning.contains("JSON"),
            "{warning}"
        );
        assert_eq!(format_mismatch(Some(Format::Csv), Some(csv)), None);
        assert_eq!(
            format_mismatch(Some(Format::Csv), Some(Path::new("x.out"))),
            None
        );
        assert_eq!(format_mismatch(None, Some(csv)), None);
    }

    #[test]
    fn control_characters_are_escaped_and_the_rest_kept() {
        assert_eq!(printable("ACME Ltd — €"), "ACME Ltd — €");
        assert_eq!(
            printable("a\n error: forged\r\t\u{1b}]0;x\u{7}\u{7f}\u{9b}"),
            "a\\n error: forged\\r\\t\\x1b]0;x\\x07\\x7f\\u{9b}"
        );
        assert_eq!(printable("ACME\u{202e}lanoitan"), "ACME\\u{202e}lanoitan");
        assert_eq!(printable("a\u{2066}b\u{200f}"), "a\\u{2066}b\\u{200f}");
    }
}
