//! How old a balance is: `--max-age` durations and the bank's `record_timestamp`.

use chrono::{DateTime, Duration, Utc};

use crate::error::{Error, Result};

/// Why a row counts as stale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stale {
    /// The bank recorded the balances longer ago than `--max-age`.
    Old { age: Duration },
    /// The record timestamp is empty or not a timestamp with an offset, so its age is unknown.
    Unknown,
}

impl Stale {
    /// The reason as a phrase for a warning line, quoting the timestamp as the bank sent it.
    pub fn describe(&self, record_timestamp: &str, max_age: Duration) -> String {
        match self {
            Stale::Old { age } => format!(
                "recorded {record_timestamp}, {} ago, older than --max-age {}",
                format_age(*age),
                format_duration(max_age)
            ),
            Stale::Unknown if record_timestamp.is_empty() => {
                "no record timestamp, so its age is unknown".to_string()
            }
            Stale::Unknown => format!(
                "record timestamp '{record_timestamp}' is not a date and time with an offset, so its age is unknown"
            ),
        }
    }
}

/// `--max-age`: a whole number and one unit, `s`, `m`, `h` or `d` (`45s`, `90m`, `36h`, `2d`).
pub fn parse_duration(text: &str) -> Result<Duration> {
    let refuse = || {
        Error::usage_hint(
            format!("'{text}' is not a duration for --max-age"),
            "write a whole number and a unit: 45s, 90m, 36h or 2d",
        )
    };
    let unit_at = text.len().checked_sub(1).ok_or_else(refuse)?;
    if !text.is_char_boundary(unit_at) {
        return Err(refuse());
    }
    let (number, unit) = text.split_at(unit_at);
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        return Err(refuse());
    }
    let n: i64 = number.parse().map_err(|_| refuse())?;
    let seconds_per_unit = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(refuse()),
    };
    if n == 0 {
        return Err(Error::usage_hint(
            format!("--max-age {text} would mark every balance stale"),
            "give a duration greater than zero, such as 36h",
        ));
    }
    n.checked_mul(seconds_per_unit)
        .and_then(Duration::try_seconds)
        .ok_or_else(refuse)
}

/// Whether a row recorded at `record_timestamp` is older than `max_age` at `now`.
///
/// A timestamp in the future is not stale. One without an offset, or no timestamp at all, is
/// stale: its age cannot be known, and a cash position must not pass it off as fresh.
pub fn staleness(record_timestamp: &str, max_age: Duration, now: DateTime<Utc>) -> Option<Stale> {
    match parse_timestamp(record_timestamp) {
        None => Some(Stale::Unknown),
        Some(at) => {
            let age = now.signed_duration_since(at);
            (age > max_age).then_some(Stale::Old { age })
        }
    }
}

/// RFC 3339 (`2026-01-05T06:30:00Z`, `2026-01-05T06:30:00.000+01:00`), or the same with an
/// offset written without a colon (`+0100`), as some banks send it.
pub fn parse_timestamp(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    DateTime::parse_from_rfc3339(text)
        .or_else(|_| DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f%z"))
        .ok()
        .map(|at| at.with_timezone(&Utc))
}

/// An age as a person reads it: in whole days beyond two days (`323 days`), else as
/// `format_duration` writes it (`40h5m`), to compare with a `--max-age` in hours.
pub fn format_age(age: Duration) -> String {
    match age.num_days() {
        days if age > Duration::days(2) => format!("{days} days"),
        _ => format_duration(age),
    }
}

/// A duration in hours, minutes and seconds (`40h5m`, `36h`, `45s`): hours rather than days,
/// so an age reads against a `--max-age 36h` without arithmetic.
pub fn format_duration(duration: Duration) -> String {
    let total = duration.num_seconds().max(0);
    let parts = [
        (total / 3600, "h"),
        (total % 3600 / 60, "m"),
        (total % 60, "s"),
    ];
    let text: String = parts
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, unit)| format!("{n}{unit}"))
        .collect();
    if text.is_empty() {
        "0s".to_string()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        parse_timestamp(text).unwrap()
    }

    #[test]
    fn ages_beyond_two_days_are_in_days() {
        let age = Duration::hours(7752) + Duration::minutes(57) + Duration::seconds(12);
        assert_eq!(format_age(age), "323 days");
        assert_eq!(format_age(Duration::hours(48)), "48h");
        assert_eq!(format_age(Duration::hours(49)), "2 days");
        assert_eq!(format_age(Duration::minutes(2405)), "40h5m");
    }

    #[test]
    fn durations_in_each_unit() {
        assert_eq!(parse_duration("45s").unwrap(), Duration::seconds(45));
        assert_eq!(parse_duration("90m").unwrap(), Duration::minutes(90));
        assert_eq!(parse_duration("36h").unwrap(), Duration::hours(36));
        assert_eq!(parse_duration("2d").unwrap(), Duration::days(2));
    }

    #[test]
    fn other_durations_are_refused_naming_the_value() {
        for text in [
            "",
            "h",
            "36",
            "36H",
            "1.5h",
            "-1h",
            "1d12h",
            " 36h",
            "36 h",
            "3w",
            "99999999999999999d",
            "é",
        ] {
            let err = parse_duration(text).unwrap_err();
            assert_eq!(err.exit_code(), 2, "{text:?}");
            assert!(err.to_string().contains(&format!("'{text}'")), "{err}");
        }
        let zero = parse_duration("0h").unwrap_err();
        assert_eq!(zero.exit_code(), 2);
        assert!(zero.to_string().contains("0h"), "{zero}");
    }

    #[test]
    fn timestamps_the_banks_send() {
        let utc = at("2026-01-05T06:30:00Z");
        assert_eq!(at("2026-01-05T06:30:00.000Z"), utc);
        assert_eq!(at("2026-01-05T07:30:00+01:00"), utc);
        assert_eq!(at("2026-01-05T07:30:00.000+0100"), utc);
        assert_eq!(parse_timestamp("2026-01-05T06:30:00"), None);
        assert_eq!(parse_timestamp("2026-01-05"), None);
        assert_eq!(parse_timestamp(""), None);
    }

    #[test]
    fn older_than_max_age_is_stale_and_exactly_max_age_is_not() {
        let now = at("2026-01-06T18:30:00Z");
        let max = Duration::hours(36);
        assert_eq!(staleness("2026-01-05T06:30:00Z", max, now), None);
        assert_eq!(
            staleness("2026-01-05T06:29:59Z", max, now),
            Some(Stale::Old {
                age: Duration::seconds(36 * 3600 + 1)
            })
        );
        assert_eq!(staleness("2026-01-07T00:00:00Z", max, now), None);
        assert_eq!(staleness("", max, now), Some(Stale::Unknown));
        assert_eq!(staleness("yesterday", max, now), Some(Stale::Unknown));
    }

    #[test]
    fn stale_reasons_read_as_sentences() {
        let old = Stale::Old {
            age: Duration::hours(40) + Duration::minutes(5),
        };
        assert_eq!(
            old.describe("2026-01-05T02:25:00Z", Duration::hours(36)),
            "recorded 2026-01-05T02:25:00Z, 40h5m ago, older than --max-age 36h"
        );
        assert_eq!(
            Stale::Unknown.describe("", Duration::hours(1)),
            "no record timestamp, so its age is unknown"
        );
    }
}
