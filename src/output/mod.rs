//! Renders reports in the four formats, and writes them to stdout or atomically to a file.

mod csv;
mod json;
mod table;

use std::io::Write;
use std::path::Path;

use crate::cli::Format;
use crate::model::{Account, Report};

/// Fields of a balance row, in the order of CSV headers and JSON keys.
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

/// Fields of an account, in the order of CSV headers and JSON keys.
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

/// How a table looks: box characters on a terminal, plain aligned columns elsewhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableStyle {
    Terminal,
    Plain,
}

/// The format: `-f` if given, else the `--output` extension, else `TREASURY_FORMAT`, else table.
pub fn resolve_format(
    flag: Option<Format>,
    output: Option<&Path>,
    env: Option<&str>,
) -> Result<Format, String> {
    if let Some(format) = flag {
        return Ok(format);
    }
    let by_extension = output
        .and_then(|p| p.extension())
        .and_then(|e| e.to_str())
        .and_then(|e| match e.to_ascii_lowercase().as_str() {
            "csv" => Some(Format::Csv),
            "json" => Some(Format::Json),
            "ndjson" | "jsonl" => Some(Format::Ndjson),
            "txt" => Some(Format::Table),
            _ => None,
        });
    if let Some(format) = by_extension {
        return Ok(format);
    }
    match env.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(Format::Table),
        Some(value) => <Format as clap::ValueEnum>::from_str(value, true).map_err(|_| {
            format!("TREASURY_FORMAT '{value}' is not a format: use table, csv, json or ndjson")
        }),
    }
}

/// Writes a document in a format.
pub fn render(
    document: &Document,
    format: Format,
    style: TableStyle,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    match (document, format) {
        (Document::Balances(report), Format::Table) => table::balances(report, style, out),
        (Document::Balances(report), Format::Csv) => csv::balances(&report.rows, out),
        (Document::Balances(report), Format::Json) => json::balances(report, out),
        (Document::Balances(report), Format::Ndjson) => json::balance_lines(&report.rows, out),
        (Document::Accounts(accounts), Format::Table) => table::accounts(accounts, style, out),
        (Document::Accounts(accounts), Format::Csv) => csv::accounts(accounts, out),
        (Document::Accounts(accounts), Format::Json) => json::accounts(accounts, out),
        (Document::Accounts(accounts), Format::Ndjson) => json::account_lines(accounts, out),
        (Document::Fields(fields), Format::Json | Format::Ndjson) => json::fields(fields, out),
        (Document::Fields(fields), Format::Csv) => csv::fields(fields, out),
        (Document::Fields(fields), Format::Table) => fields_as_lines(fields, out),
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
            value
        };
        writeln!(out, "{:width$}  {value}", field.name)?;
    }
    Ok(())
}

fn account_record(a: &Account) -> [&str; 6] {
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
        assert!(resolve_format(None, None, Some("xml"))
            .unwrap_err()
            .contains("TREASURY_FORMAT 'xml'"));
    }
}
