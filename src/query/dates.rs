//! Dates as typed: ISO days, months, the API's defaults for one open end, the invalid
//! combinations with --current and --prior-day, and the range the bank accepts.

use chrono::{Datelike, Days, NaiveDate};

use super::*;
use crate::error::{Error, Result};

pub fn parse_date(flag: &str, text: &str) -> Result<NaiveDate> {
    let bad = || {
        Error::usage_hint(
            format!("{flag} '{}' is not a valid date", quoted(text)),
            "give an ISO date such as 2026-01-31",
        )
    };
    let trimmed = text.trim();
    if !is_iso_date_shape(trimmed) {
        return Err(bad());
    }
    let date = NaiveDate::parse_from_str(trimmed, "%Y-%m-%d").map_err(|_| bad())?;
    check_date(&format!("{flag} {date}"), date)?;
    Ok(date)
}

/// Refuses a date outside `FIRST_DATE..=LAST_DATE`; `what` names where it came from.
fn check_date(what: &str, date: NaiveDate) -> Result<()> {
    if (FIRST_DATE..=LAST_DATE).contains(&date) {
        return Ok(());
    }
    Err(Error::usage_hint(
        format!("{what} is outside the dates treasury sends the bank, {FIRST_DATE} to {LAST_DATE}"),
        format!("give dates from {FIRST_DATE} to {LAST_DATE}"),
    ))
}

/// The other end of a one-ended range, 31 days away, refused when it leaves the date range.
fn other_end(flag: &str, given: NaiveDate, later: bool) -> Result<NaiveDate> {
    let days = Days::new(OPEN_END_DAYS);
    let end = match later {
        true => given.checked_add_days(days),
        false => given.checked_sub_days(days),
    };
    let (missing, bound) = match later {
        true => ("--to", LAST_DATE),
        false => ("--from", FIRST_DATE),
    };
    match end.filter(|d| (FIRST_DATE..=LAST_DATE).contains(d)) {
        Some(end) => Ok(end),
        None => Err(Error::usage_hint(
            format!("{flag} {given} without {missing} asks for 31 days beyond {bound}, outside the dates treasury sends the bank ({FIRST_DATE} to {LAST_DATE})"),
            format!("give {missing} as well, from {FIRST_DATE} to {LAST_DATE}"),
        )),
    }
}

/// `YYYY-MM-DD` exactly: chrono alone would also take `26-1-5` (the year 26).
pub fn is_iso_date_shape(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            _ => b.is_ascii_digit(),
        })
}

fn parse_month(text: &str) -> Result<(NaiveDate, NaiveDate)> {
    let bad = || {
        Error::usage_hint(
            format!("--month '{}' is not a valid month", quoted(text)),
            "give a year and month such as 2026-01",
        )
    };
    let (year, month) = text.trim().split_once('-').ok_or_else(bad)?;
    if year.len() != 4 || month.len() != 2 {
        return Err(bad());
    }
    let year: i32 = year.parse().map_err(|_| bad())?;
    let month: u32 = month.parse().map_err(|_| bad())?;
    let first = NaiveDate::from_ymd_opt(year, month, 1).ok_or_else(bad)?;
    let next = first
        .checked_add_months(chrono::Months::new(1))
        .ok_or_else(bad)?;
    let last = next.pred_opt().ok_or_else(bad)?;
    debug_assert_eq!(last.month(), month);
    check_date(&format!("--month {}", text.trim()), first)?;
    Ok((first, last))
}

/// Resolves the date options into one span, refusing what the bank would refuse.
///
/// The range limit is not checked here: `check_range` does that, so `--split` can lift it.
pub fn resolve_dates(args: &DateArgs) -> Result<DateSpan> {
    let dated = [
        args.from.as_ref().map(|v| format!("--from {}", quoted(v))),
        args.to.as_ref().map(|v| format!("--to {}", quoted(v))),
        args.month
            .as_ref()
            .map(|v| format!("--month {}", quoted(v))),
    ];
    let dated: Vec<String> = dated.into_iter().flatten().collect();
    let relative = match (args.current, args.prior_day) {
        (true, true) => {
            return Err(Error::usage_hint(
                "--current and --prior-day cannot be used together",
                "pick one of them",
            ))
        }
        (true, false) => Some(("--current", DateSpan::CurrentDay)),
        (false, true) => Some(("--prior-day", DateSpan::PriorDay)),
        (false, false) => None,
    };
    if let (Some((flag, _)), Some(first)) = (relative, dated.first()) {
        return Err(Error::usage_hint(
            format!("{flag} cannot be combined with {first}: the bank refuses a relative day together with dates"),
            format!("drop {flag} to get the dates, or drop the dates to get {flag} balances"),
        ));
    }
    if let Some((_, span)) = relative {
        return Ok(span);
    }
    if let Some(month) = &args.month {
        if args.from.is_some() || args.to.is_some() {
            return Err(Error::usage_hint(
                format!(
                    "--month {} cannot be combined with --from or --to",
                    quoted(month)
                ),
                "use either --month or --from/--to",
            ));
        }
        let (from, to) = parse_month(month)?;
        return Ok(DateSpan::Range { from, to });
    }
    let from = args
        .from
        .as_deref()
        .map(|v| parse_date("--from", v))
        .transpose()?;
    let to = args
        .to
        .as_deref()
        .map(|v| parse_date("--to", v))
        .transpose()?;
    let (from, to) = match (from, to) {
        (None, None) => return Ok(DateSpan::CurrentDay),
        (Some(from), Some(to)) => (from, to),
        (Some(from), None) => (from, other_end("--from", from, true)?),
        (None, Some(to)) => (other_end("--to", to, false)?, to),
    };
    if to < from {
        return Err(Error::usage_hint(
            format!("--to {to} is before --from {from}"),
            "swap the two dates",
        ));
    }
    Ok(DateSpan::Range { from, to })
}

/// Refuses a range that starts after today everywhere on Earth (UTC+14): the bank has no
/// balance for a day that has not begun, and would answer each account with an error.
pub fn check_not_future(span: DateSpan, now: chrono::DateTime<chrono::Utc>) -> Result<()> {
    let DateSpan::Range { from, .. } = span else {
        return Ok(());
    };
    let latest_today = (now + chrono::Duration::hours(14)).date_naive();
    if from <= latest_today {
        return Ok(());
    }
    let today = now.date_naive();
    Err(Error::usage_hint(
        format!("--from {from}: that date is after today ({today}), so the bank has no balances for it yet"),
        format!("give dates up to {today}; for today's balances so far, drop the dates (or pass --current)"),
    ))
}

/// Days between the ends of a range (`to - from`): the number the bank limits to 31.
pub fn range_days(from: NaiveDate, to: NaiveDate) -> i64 {
    (to - from).num_days()
}

/// Refuses a range the provider would refuse (more days between its ends than it allows).
pub fn check_range(span: DateSpan, limits: &Limits) -> Result<()> {
    if let DateSpan::Range { from, to } = span {
        let days = range_days(from, to);
        let max = limits.max_range_days;
        if days > max as i64 {
            return Err(Error::usage_hint(
                format!("{from}..{to} spans {days} days; the bank allows at most {max} days between the first and last date"),
                format!("add --split to fetch it in windows of at most {max} days, or narrow --from/--to"),
            ));
        }
    }
    Ok(())
}

/// Refuses a date mode the provider cannot serve, naming what it gives instead.
pub fn check_supported(span: DateSpan, limits: &Limits) -> Result<()> {
    let (wanted, served) = match span {
        DateSpan::CurrentDay => return Ok(()),
        DateSpan::PriorDay => ("prior-day balances", limits.prior_day),
        DateSpan::Range { .. } => ("date ranges", limits.ranges),
    };
    match served {
        true => Ok(()),
        false => Err(Error::usage_hint(
            format!("provider '{}' cannot give {wanted}", limits.provider),
            limits.dates_hint,
        )),
    }
}

/// A format that carries closed days only (camt.053, MT940) refuses a request that can give
/// only today's balances (`--current`, or no date option), before anything is sent.
pub fn check_closed_days(span: DateSpan, format: &str) -> Result<()> {
    match span {
        DateSpan::CurrentDay => Err(Error::usage_hint(
            format!(
                "{format} carries closed days only, and this request gives today's balances (--current, or no date option)"
            ),
            "write today's balances with -f camt052 or -f bai2, or ask for closed days with --prior-day or --from/--to",
        )),
        DateSpan::PriorDay | DateSpan::Range { .. } => Ok(()),
    }
}
