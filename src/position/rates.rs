//! Exchange rates for `position --in`: parsing the user's rates file (a `CURRENCY,RATE` list or
//! the ECB reference-rate layout) and converting amounts exactly, never through a binary float.

use std::collections::BTreeMap;
use std::str::FromStr;

use rust_decimal::Decimal;

use crate::error::{Error, Result};

/// The base of the ECB reference rates: every rate in that layout is units per 1 EUR.
const ECB_BASE: &str = "EUR";

/// How to write a rates file, named in every parse error.
const FORMAT_HINT: &str = "a rates file has one 'CURRENCY,RATE' line per currency (RATE units of \
CURRENCY buy one unit of the --in currency), or is the ECB eurofxref.csv; see docs/position.md";

/// Rates quoted against one base currency: `per_base[X]` units of X buy one unit of the base.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rates {
    /// Where the rates came from (the file name, or `-` for stdin), for messages.
    pub source: String,
    /// The currency the amounts are converted into (`--in`).
    pub target: String,
    /// The currency the file quotes against: EUR for the ECB layout, the target otherwise.
    pub base: String,
    /// The ECB file's date line, as written, when the file has one.
    pub as_of: Option<String>,
    per_base: BTreeMap<String, Decimal>,
}

impl Rates {
    /// Units of `code` per one unit of the base; the base itself is 1.
    fn per_base(&self, code: &str) -> Option<Decimal> {
        if code == self.base {
            return Some(Decimal::ONE);
        }
        self.per_base.get(code).copied()
    }

    /// Whether an amount in `code` can be converted into the target.
    pub fn has(&self, code: &str) -> bool {
        code == self.target || self.per_base(code).is_some()
    }

    /// The factors of a conversion from `code`: `amount × to ÷ from`; `None` without a rate.
    pub fn factors(&self, code: &str) -> Option<(Decimal, Decimal)> {
        if code == self.target {
            return Some((Decimal::ONE, Decimal::ONE));
        }
        Some((self.per_base(&self.target)?, self.per_base(code)?))
    }

    /// `amount` (in `code`) in the target currency, unrounded; `None` when `code` has no rate.
    ///
    /// One multiplication and one division (amount × rate(target) ÷ rate(code)), so a cross rate
    /// is never rounded on its own; the quotient keeps what a 96-bit decimal holds (28 or 29
    /// significant digits, at most 28 decimal places).
    pub fn convert(&self, amount: Decimal, code: &str) -> Option<Result<Decimal>> {
        if code == self.target {
            return Some(Ok(amount));
        }
        let from = self.per_base(code)?;
        let to = self.per_base(&self.target)?;
        // Trailing zeros here come from how the rates were written, not from the amount.
        let converted = amount
            .checked_mul(to)
            .and_then(|n| n.checked_div(from))
            .map(|n| n.normalize());
        Some(converted.ok_or_else(|| {
            Error::usage(format!(
                "{amount} {code} is too large to convert into {} with the rates of {}",
                self.target, self.source
            ))
        }))
    }
}

/// Reads a rates file's text for conversion into `target` (the `--in` currency).
///
/// The ECB layout (a first line starting `Date`) quotes against EUR; the `CURRENCY,RATE` list
/// quotes against the target itself. A bad line is a usage error naming the line and the value.
pub fn parse_rates(source_name: &str, text: &str, target: &str) -> Result<Rates> {
    let source_name = if source_name == "-" {
        "the rates on stdin"
    } else {
        source_name
    };
    if !is_iso_code(target) {
        return Err(Error::usage_hint(
            format!("'{target}' is not an ISO 4217 currency code"),
            "give --in three capital letters, such as EUR or USD",
        ));
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines = content_lines(text);
    let is_ecb = lines.first().is_some_and(|(_, line)| {
        let first = line.split(',').next().unwrap_or("").trim();
        first.eq_ignore_ascii_case("date")
    });
    let (base, as_of, per_base) = if is_ecb {
        let (as_of, map) = parse_ecb(source_name, &lines)?;
        (ECB_BASE.to_string(), Some(as_of), map)
    } else {
        (target.to_string(), None, parse_list(source_name, &lines)?)
    };
    // The base's own rate is 1 by definition; a file saying otherwise was written for another.
    if let Some(rate) = per_base.get(&base).filter(|rate| **rate != Decimal::ONE) {
        return Err(Error::usage_hint(
            format!("{source_name} gives {base} the rate {rate}, but it quotes against {base}, whose rate is 1"),
            FORMAT_HINT,
        ));
    }
    if per_base.is_empty() {
        return Err(Error::usage_hint(
            format!("{source_name} has no exchange rates"),
            FORMAT_HINT,
        ));
    }
    let rates = Rates {
        source: source_name.to_string(),
        target: target.to_string(),
        base,
        as_of,
        per_base,
    };
    if rates.per_base(target).is_none() {
        return Err(Error::usage_hint(
            format!("{source_name} has no rate for {target}, the --in currency"),
            format!(
                "use a rates file that quotes {target}, or report in {}",
                rates.base
            ),
        ));
    }
    Ok(rates)
}

/// The non-blank lines that are not `#` comments, with their 1-based line numbers.
fn content_lines(text: &str) -> Vec<(usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, line)| (i + 1, line.trim()))
        .filter(|(_, line)| !line.is_empty() && !line.starts_with('#'))
        .collect()
}

/// `CURRENCY,RATE` lines, with an optional `currency,rate` header.
fn parse_list(source: &str, lines: &[(usize, &str)]) -> Result<BTreeMap<String, Decimal>> {
    let mut map = BTreeMap::new();
    for (index, &(line_no, line)) in lines.iter().enumerate() {
        let fields: Vec<&str> = line
            .trim_end_matches(',')
            .split(',')
            .map(str::trim)
            .collect();
        if index == 0 && is_list_header(&fields) {
            continue;
        }
        let [code, rate] = fields[..] else {
            return Err(bad(
                source,
                line_no,
                format!("'{line}' is not a 'CURRENCY,RATE' line"),
            ));
        };
        let code = parse_code(source, line_no, code)?;
        let rate = parse_rate(source, line_no, &code, rate)?;
        insert(&mut map, source, line_no, code, rate)?;
    }
    Ok(map)
}

fn is_list_header(fields: &[&str]) -> bool {
    matches!(fields, [c, r] if c.eq_ignore_ascii_case("currency") && r.eq_ignore_ascii_case("rate"))
}

/// The ECB daily file: a `Date, USD, JPY, ...` header and one data line, both ending in `, `.
fn parse_ecb(source: &str, lines: &[(usize, &str)]) -> Result<(String, BTreeMap<String, Decimal>)> {
    let (header_no, header) = lines[0];
    let data = match lines {
        [_, data] => *data,
        [_] => {
            return Err(bad(
                source,
                header_no,
                "the ECB layout needs a data line under the header".into(),
            ))
        }
        _ => {
            return Err(Error::usage_hint(
                format!(
                    "{source} has {} data lines: the ECB layout has one day, one line",
                    lines.len() - 1
                ),
                "use the daily eurofxref.csv, or keep only the line of the day you want",
            ))
        }
    };
    let (data_no, data_line) = data;
    let names = split_ecb(header);
    let values = split_ecb(data_line);
    if names.len() != values.len() {
        return Err(bad(
            source,
            data_no,
            format!(
                "{} values under a header of {} columns",
                values.len(),
                names.len()
            ),
        ));
    }
    let mut map = BTreeMap::new();
    for (name, value) in names.iter().zip(&values).skip(1) {
        let code = parse_code(source, header_no, name)?;
        // The ECB writes N/A for a currency it no longer quotes: no rate, not an error.
        if value.eq_ignore_ascii_case("N/A") {
            continue;
        }
        let rate = parse_rate(source, data_no, &code, value)?;
        insert(&mut map, source, data_no, code, rate)?;
    }
    Ok((values[0].to_string(), map))
}

/// The fields of an ECB line, trimmed, without the empty one its trailing comma leaves.
fn split_ecb(line: &str) -> Vec<&str> {
    let line = line.trim_end();
    let line = line.strip_suffix(',').unwrap_or(line);
    line.split(',').map(str::trim).collect()
}

fn insert(
    map: &mut BTreeMap<String, Decimal>,
    source: &str,
    line_no: usize,
    code: String,
    rate: Decimal,
) -> Result<()> {
    match map.get(&code) {
        Some(earlier) if *earlier != rate => Err(bad(
            source,
            line_no,
            format!("{code} has a second, different rate {rate} (first {earlier})"),
        )),
        _ => {
            map.insert(code, rate);
            Ok(())
        }
    }
}

fn parse_code(source: &str, line_no: usize, text: &str) -> Result<String> {
    if is_iso_code(text) {
        Ok(text.to_string())
    } else {
        Err(bad(
            source,
            line_no,
            format!("'{text}' is not an ISO 4217 currency code (three capital letters)"),
        ))
    }
}

/// Three ASCII capital letters, as ISO 4217 writes codes.
pub fn is_iso_code(text: &str) -> bool {
    text.len() == 3 && text.bytes().all(|b| b.is_ascii_uppercase())
}

/// A positive decimal written as digits with at most one point: no sign, exponent or separator.
fn parse_rate(source: &str, line_no: usize, code: &str, text: &str) -> Result<Decimal> {
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    let digits_only = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let shaped = !int.is_empty() && digits_only(int) && digits_only(frac) && !text.ends_with('.');
    if shaped && Decimal::from_str(text).is_ok() && Decimal::from_str_exact(text).is_err() {
        return Err(bad(
            source,
            line_no,
            format!(
                "the rate '{text}' for {code} has more significant digits than an exact decimal \
                 holds (28): it would be rounded; write it with fewer digits"
            ),
        ));
    }
    let rate = shaped
        .then(|| Decimal::from_str_exact(text).ok())
        .flatten()
        .filter(|rate| !rate.is_zero());
    rate.ok_or_else(|| {
        bad(
            source,
            line_no,
            format!("the rate '{text}' for {code} is not a number greater than zero"),
        )
    })
}

fn bad(source: &str, line_no: usize, what: String) -> Error {
    Error::usage_hint(format!("{source} line {line_no}: {what}"), FORMAT_HINT)
}
