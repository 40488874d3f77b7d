//! How a span keeps its days: one text line per balance,
//! `as_of_date,current_day,opening_available,opening_ledger,ending_available,ending_ledger,record_timestamp`,
//! amounts as the exact decimals the bank sent (an absent one is an empty field), `current_day`
//! `0` or `1`, the record timestamp last with `\` and line ends escaped. Plain text, so the
//! store stays readable with any SQLite tool. Three shorthands, each only ever against the
//! line before in the same span, halve what a month of days takes:
//! - an empty `as_of_date` is the day after the line before's;
//! - an opening amount `=` is the line before's ending amount of the same kind (available,
//!   ledger), digit for digit, as banks carry a day's close into the next day's open;
//! - a record timestamp starting `\d` starts with the line's own as-of date.

use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use crate::model::Balance;

/// The `kinds` bit of closed days (`current_day = false`) and of current days.
pub const CLOSED: i64 = 1;
pub const CURRENT: i64 = 2;

/// A span's lines as they are written, with what the store keeps beside them: the first and
/// last as-of date, which kinds of day it holds, and which of them it holds for every day from
/// the first to the last (so that it replaces any earlier span within those dates whole).
#[derive(Default)]
pub struct SpanText {
    pub lines: String,
    pub first: Option<NaiveDate>,
    pub last: Option<NaiveDate>,
    kinds: [KindRun; 2],
    /// The line before: its date and its ending available and ending ledger amounts.
    before: Before,
}

/// What the next line's shorthands refer to.
#[derive(Default, Clone, Copy)]
struct Before {
    date: Option<NaiveDate>,
    endings: [Option<Decimal>; 2],
}

impl Before {
    /// Whether `amount` is the line before's ending amount `which`, in the same digits.
    fn carries(&self, which: usize, amount: Decimal) -> bool {
        self.endings[which].is_some_and(|e| e.serialize() == amount.serialize())
    }
}

/// One kind's days in a span: how many, the latest, and whether each came after the one before.
#[derive(Default, Clone, Copy)]
struct KindRun {
    count: i64,
    latest: Option<NaiveDate>,
    ascending: bool,
}

impl SpanText {
    pub fn clear(&mut self) {
        self.lines.clear();
        self.first = None;
        self.last = None;
        self.kinds = Default::default();
        self.before = Before::default();
    }

    /// Appends one balance's line.
    pub fn push(&mut self, b: &Balance) {
        let date = b.as_of_date;
        self.first = Some(self.first.map_or(date, |d| d.min(date)));
        self.last = Some(self.last.map_or(date, |d| d.max(date)));
        let run = &mut self.kinds[usize::from(b.current_day)];
        run.ascending = match run.latest {
            None => true,
            Some(latest) => run.ascending && latest < date,
        };
        run.latest = Some(date);
        run.count += 1;
        if self.before.date.and_then(|d| d.succ_opt()) != Some(date) {
            write_date(&mut self.lines, date);
        }
        self.lines
            .push_str(if b.current_day { ",1," } else { ",0," });
        for (i, amount) in super::amounts_of(b).into_iter().enumerate() {
            match amount {
                // The openings (0, 1) against the endings before (available, ledger).
                Some(amount) if i < 2 && self.before.carries(i, amount) => self.lines.push('='),
                Some(amount) => crate::model::write_amount(&mut self.lines, amount, 0),
                None => {}
            }
            self.lines.push(',');
        }
        let mut day = [0u8; 10];
        let day = date_bytes(date, &mut day);
        match b.record_timestamp.as_bytes().starts_with(day) {
            true => {
                self.lines.push_str("\\d");
                escape_into(&mut self.lines, &b.record_timestamp[10..]);
            }
            false => escape_into(&mut self.lines, &b.record_timestamp),
        }
        self.lines.push('\n');
        self.before = Before {
            date: Some(date),
            endings: [b.ending_available, b.ending_ledger],
        };
    }

    /// The kinds of day the span holds (`CLOSED`, `CURRENT` bits).
    pub fn kinds(&self) -> i64 {
        self.bits(|run| run.count > 0)
    }

    /// The bits of the kinds whose days pass `test` (closed days are `kinds[0]`).
    fn bits(&self, test: impl Fn(&KindRun) -> bool) -> i64 {
        let [closed, current] = &self.kinds;
        let bit = |run: &KindRun, bit: i64| if test(run) { bit } else { 0 };
        bit(closed, CLOSED) | bit(current, CURRENT)
    }

    /// The kinds it holds for every day from its first date to its last, once each.
    pub fn full(&self) -> i64 {
        let (Some(first), Some(last)) = (self.first, self.last) else {
            return 0;
        };
        let days = (last - first).num_days() + 1;
        self.bits(|run| run.ascending && run.count == days)
    }
}

/// Whether `date` is written as itself: `YYYY-MM-DD` holds the years 0 to 9999 only (the
/// recorder refuses other rows rather than store another date).
pub fn storable(date: NaiveDate) -> bool {
    (0..=9999).contains(&date.year())
}

/// `YYYY-MM-DD`, without chrono's format parser. A year past the four digits is clamped, for
/// the query bounds only: rows with such dates are never stored (`storable`).
pub fn write_date(text: &mut String, date: NaiveDate) {
    let mut buf = [0u8; 10];
    text.push_str(std::str::from_utf8(date_bytes(date, &mut buf)).unwrap_or("0000-00-00"));
}

/// The ten bytes of `YYYY-MM-DD`.
fn date_bytes(date: NaiveDate, buf: &mut [u8; 10]) -> &[u8] {
    let mut put = |at: usize, value: u32, width: usize| {
        let mut v = value;
        for slot in buf[at..at + width].iter_mut().rev() {
            *slot = b'0' + (v % 10) as u8;
            v /= 10;
        }
    };
    put(0, date.year().clamp(0, 9999) as u32, 4);
    put(5, date.month(), 2);
    put(8, date.day(), 2);
    buf[4] = b'-';
    buf[7] = b'-';
    &buf[..]
}

fn escape_into(text: &mut String, value: &str) {
    if !value.bytes().any(|b| matches!(b, b'\\' | b'\n' | b'\r')) {
        text.push_str(value);
        return;
    }
    for c in value.chars() {
        match c {
            '\\' => text.push_str("\\\\"),
            '\n' => text.push_str("\\n"),
            '\r' => text.push_str("\\r"),
            c => text.push(c),
        }
    }
}

fn unescape(value: &str) -> String {
    if !value.contains('\\') {
        return value.to_string();
    }
    let mut text = String::with_capacity(value.len());
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        match (c, c == '\\') {
            (_, true) => match chars.next() {
                Some('n') => text.push('\n'),
                Some('r') => text.push('\r'),
                Some(other) => text.push(other),
                None => text.push('\\'),
            },
            (c, false) => text.push(c),
        }
    }
    text
}

/// One line read back: its day, the four amounts (`None`: absent) and its record timestamp.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub as_of_date: NaiveDate,
    pub current_day: bool,
    pub amounts: [Option<Decimal>; 4],
    pub record_timestamp: String,
}

/// Reads a span's lines in order: each line's shorthands refer to the line before.
#[derive(Default)]
pub struct Reader {
    before: Before,
}

impl Reader {
    /// Reads the next line; `None` when it is not one `SpanText` wrote.
    pub fn line(&mut self, line: &str) -> Option<Line> {
        let mut fields = line.splitn(7, ',');
        let as_of_date = match fields.next()? {
            "" => self.before.date?.succ_opt()?,
            text => parse_date(text)?,
        };
        let current_day = match fields.next()? {
            "0" => false,
            "1" => true,
            _ => return None,
        };
        let mut amounts = [None; 4];
        for (i, amount) in amounts.iter_mut().enumerate() {
            *amount = match fields.next()? {
                "" => None,
                "=" if i < 2 => Some(self.before.endings[i]?),
                text => Some(Decimal::from_str(text).ok()?),
            };
        }
        let stamp = fields.next()?;
        let record_timestamp = match stamp.strip_prefix("\\d") {
            Some(rest) => {
                let mut text = String::with_capacity(10 + rest.len());
                write_date(&mut text, as_of_date);
                text.push_str(&unescape(rest));
                text
            }
            None => unescape(stamp),
        };
        self.before = Before {
            date: Some(as_of_date),
            endings: [amounts[2], amounts[3]],
        };
        Some(Line {
            as_of_date,
            current_day,
            amounts,
            record_timestamp,
        })
    }
}

/// `YYYY-MM-DD` by hand: ten bytes, digits where digits belong.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let number = |range: std::ops::Range<usize>| {
        b[range].iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    let year = i32::try_from(number(0..4)?).ok()?;
    NaiveDate::from_ymd_opt(year, number(5..7)?, number(8..10)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn balance(date: &str, current_day: bool, ending: Option<&str>, stamp: &str) -> Balance {
        Balance {
            as_of_date: parse_date(date).unwrap(),
            current_day,
            opening_available: None,
            opening_ledger: Some(Decimal::from_str("0.00").unwrap()),
            ending_available: ending.map(|e| Decimal::from_str(e).unwrap()),
            ending_ledger: Some(Decimal::from_str("-9007199254740993.015").unwrap()),
            record_timestamp: stamp.into(),
        }
    }

    #[test]
    fn a_line_comes_back_as_it_went_in() {
        let mut span = SpanText::default();
        let b = balance("2026-03-02", true, Some("5.10"), "a,b\\c\nd");
        span.push(&b);
        let line = Reader::default()
            .line(span.lines.strip_suffix('\n').unwrap())
            .unwrap();
        assert_eq!(line.as_of_date, b.as_of_date);
        assert!(line.current_day);
        assert_eq!(line.amounts, crate::history::amounts_of(&b));
        assert_eq!(line.amounts[1].unwrap().to_string(), "0.00", "scale kept");
        assert_eq!(line.amounts[0], None, "absent stays absent");
        assert_eq!(line.record_timestamp, "a,b\\c\nd");
        assert_eq!(span.lines.matches('\n').count(), 1);
    }

    #[test]
    fn carriage_returns_line_feeds_and_backslashes_come_back_exactly() {
        let stamps = [
            "2026-03-02T10:00:00Z\r",
            "2026-03-02\r\n\\r\\n\\",
            "\\r\r\\\n",
            "\r",
        ];
        let mut span = SpanText::default();
        for stamp in stamps {
            span.push(&balance("2026-03-02", false, None, stamp));
        }
        assert!(!span.lines.contains('\r'), "{:?}", span.lines);
        assert_eq!(span.lines.matches('\n').count(), stamps.len());
        let mut reader = Reader::default();
        for (line, stamp) in span.lines.split_terminator('\n').zip(stamps) {
            assert_eq!(reader.line(line).unwrap().record_timestamp, stamp);
        }
    }

    #[test]
    fn shorthands_come_back_as_the_days_they_stand_for() {
        let mut span = SpanText::default();
        let mut days = vec![
            balance("2026-03-01", false, Some("5.10"), "2026-03-01T18:00:00Z"),
            balance("2026-03-02", false, Some("5.1"), "2026-03-02"),
            balance("2026-03-02", true, None, "later"),
            balance("2026-03-05", false, Some("7"), "2026-03-05\\d\n"),
        ];
        // Openings that carry the day before's endings; one in other digits (5.1 after 5.10).
        days[1].opening_available = Some(Decimal::from_str("5.10").unwrap());
        days[1].opening_ledger = days[0].ending_ledger;
        days[2].opening_available = Some(Decimal::from_str("5.10").unwrap());
        days[2].opening_ledger = days[1].ending_ledger;
        days[3].opening_ledger = days[2].ending_ledger;
        for day in &days {
            span.push(day);
        }
        let lines: Vec<&str> = span.lines.lines().collect();
        assert!(lines[1].starts_with(",0,=,=,5.1,"), "{lines:?}");
        assert!(lines[1].ends_with(",\\d"), "{lines:?}");
        assert!(lines[2].starts_with("2026-03-02,1,5.10,=,"), "{lines:?}");
        assert!(lines[3].starts_with("2026-03-05,0,,=,"), "{lines:?}");
        let mut reader = Reader::default();
        for (line, day) in lines.iter().zip(&days) {
            let read = reader.line(line).unwrap();
            assert_eq!(read.as_of_date, day.as_of_date);
            assert_eq!(read.current_day, day.current_day);
            assert_eq!(read.record_timestamp, day.record_timestamp);
            let text = |a: [Option<Decimal>; 4]| a.map(|a| a.map(|a| a.to_string()));
            assert_eq!(text(read.amounts), text(crate::history::amounts_of(day)));
        }
    }

    #[test]
    fn a_span_is_full_only_with_every_day_once() {
        let mut span = SpanText::default();
        for date in ["2026-03-01", "2026-03-02", "2026-03-03"] {
            span.push(&balance(date, false, None, ""));
        }
        assert_eq!((span.kinds(), span.full()), (CLOSED, CLOSED));
        span.push(&balance("2026-03-03", true, None, ""));
        assert_eq!((span.kinds(), span.full()), (CLOSED | CURRENT, CLOSED));
        span.clear();
        for date in ["2026-03-01", "2026-03-03"] {
            span.push(&balance(date, false, None, ""));
        }
        assert_eq!((span.kinds(), span.full()), (CLOSED, 0));
        span.clear();
        for date in ["2026-03-01", "2026-03-01"] {
            span.push(&balance(date, false, None, ""));
        }
        assert_eq!(span.full(), 0, "a day twice is not every day once");
    }

    #[test]
    fn dates_are_read_strictly() {
        assert_eq!(parse_date("2026-02-29"), None);
        assert_eq!(parse_date("2026-2-01"), None);
        assert_eq!(
            parse_date("2024-02-29"),
            NaiveDate::from_ymd_opt(2024, 2, 29)
        );
    }
}
