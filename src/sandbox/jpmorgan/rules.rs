//! What a balance request asks for: the API's defaults, limits and invalid combinations. Pure.

use chrono::{Days as DayCount, NaiveDate};

use super::refusal::Refusal;
use crate::bank::jpmorgan::LIMITS;
use crate::bank::jpmorgan::{AccountSelector, RelativeDateType, RequestBody};

const MAX_RANGE_DAYS: u64 = LIMITS.max_range_days;
const MAX_ACCOUNTS: usize = LIMITS.max_accounts;
const MAX_ID_LEN: usize = LIMITS.max_id_len;

/// The days a valid request asks for, after the API's defaults are applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Days {
    CurrentDay,
    PriorDay,
    /// Both ends inclusive, `end - start` at most 31 days.
    Range {
        start: NaiveDate,
        end: NaiveDate,
    },
}

/// A valid request: its days, and the accounts asked for (none means every account).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inquiry {
    pub days: Days,
    pub accounts: Vec<AccountSelector>,
}

/// Reads and checks a request body; an empty body counts as `{}`.
pub fn read_inquiry(body: &[u8]) -> Result<Inquiry, Refusal> {
    check_inquiry(parse_body(body)?)
}

/// The body as JSON, or a GCA-023 refusal with serde's reason.
pub fn parse_body(body: &[u8]) -> Result<RequestBody, Refusal> {
    match body.iter().find(|b| !b.is_ascii_whitespace()) {
        None => return Ok(RequestBody::default()),
        Some(b'{') => {}
        Some(_) => return Err(Refusal::invalid_format("the body must be a JSON object")),
    }
    serde_json::from_slice(body).map_err(Refusal::invalid_format)
}

/// Applies the defaults, the limits and the invalid combinations to a parsed body.
pub fn check_inquiry(body: RequestBody) -> Result<Inquiry, Refusal> {
    let days = requested_days(&body)?;
    check_account_count(&body.account_list)?;
    Ok(Inquiry {
        days,
        accounts: body.account_list,
    })
}

/// The days of a request: refuses a day type mixed with dates, fills in a missing date.
pub fn requested_days(body: &RequestBody) -> Result<Days, Refusal> {
    check_combination(body)?;
    let start = optional_date("startDate", body.start_date.as_deref())?;
    let end = optional_date("endDate", body.end_date.as_deref())?;
    match (body.relative_date_type, start, end) {
        (Some(RelativeDateType::PriorDay), _, _) => Ok(Days::PriorDay),
        (Some(RelativeDateType::CurrentDay), _, _) | (None, None, None) => Ok(Days::CurrentDay),
        (None, Some(start), None) => checked_range(start, shift(start, Shift::Later)?),
        (None, None, Some(end)) => checked_range(shift(end, Shift::Earlier)?, end),
        (None, Some(start), Some(end)) => checked_range(start, end),
    }
}

/// `relativeDateType` cannot travel with `startDate` or `endDate`.
fn check_combination(body: &RequestBody) -> Result<(), Refusal> {
    if body.relative_date_type.is_none() {
        return Ok(());
    }
    let dates = match (&body.start_date, &body.end_date) {
        (None, None) => return Ok(()),
        (Some(_), None) => "startDate",
        (None, Some(_)) => "endDate",
        (Some(_), Some(_)) => "startDate and endDate",
    };
    Err(Refusal::invalid_format(format!(
        "relativeDateType cannot be combined with {dates}"
    )))
}

fn optional_date(field: &str, text: Option<&str>) -> Result<Option<NaiveDate>, Refusal> {
    text.map(|t| iso_date(field, t)).transpose()
}

/// A date written exactly `YYYY-MM-DD`.
pub fn iso_date(field: &str, text: &str) -> Result<NaiveDate, Refusal> {
    let refuse = || Refusal::invalid_format(format!("{field} must be a date written YYYY-MM-DD"));
    if !crate::query::is_iso_date_shape(text) {
        return Err(refuse());
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| refuse())
}

enum Shift {
    Earlier,
    Later,
}

/// The other end of a range given by one date: 31 days before or after it.
fn shift(date: NaiveDate, direction: Shift) -> Result<NaiveDate, Refusal> {
    let span = DayCount::new(MAX_RANGE_DAYS);
    match direction {
        Shift::Earlier => date.checked_sub_days(span),
        Shift::Later => date.checked_add_days(span),
    }
    .ok_or_else(|| Refusal::invalid_format("date out of range"))
}

/// A range in order and at most 31 days long (`end - start`, so 32 calendar days at most).
fn checked_range(start: NaiveDate, end: NaiveDate) -> Result<Days, Refusal> {
    if end < start {
        return Err(Refusal::invalid_format("endDate is before startDate"));
    }
    if end > shift(start, Shift::Later)? {
        return Err(Refusal::invalid_format(format!(
            "date range cannot exceed {MAX_RANGE_DAYS} days"
        )));
    }
    Ok(Days::Range { start, end })
}

fn check_account_count(accounts: &[AccountSelector]) -> Result<(), Refusal> {
    if accounts.len() > MAX_ACCOUNTS {
        return Err(Refusal::invalid_format(format!(
            "accountList cannot hold more than {MAX_ACCOUNTS} accounts ({} given)",
            accounts.len()
        )));
    }
    Ok(())
}

/// Whether an account id could name an account at all; others are simply not found.
pub fn is_plausible_account_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= MAX_ID_LEN && !id.contains(',')
}

#[cfg(test)]
mod tests {
    use axum::http::StatusCode;

    use super::*;
    use crate::sandbox::jpmorgan::refusal::INVALID_FORMAT;

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn days_of(json: &str) -> Result<Days, Refusal> {
        read_inquiry(json.as_bytes()).map(|i| i.days)
    }

    fn assert_format_refusal(json: &str, words: &str) {
        let refusal = read_inquiry(json.as_bytes()).unwrap_err();
        assert_eq!(refusal.status, StatusCode::BAD_REQUEST, "{json}");
        assert_eq!(refusal.code, INVALID_FORMAT, "{json}");
        assert!(
            refusal.message.starts_with("Invalid request format: "),
            "{}",
            refusal.message
        );
        assert!(
            refusal.message.contains(words),
            "{json}: {}",
            refusal.message
        );
    }

    #[test]
    fn empty_requests_mean_current_day_for_every_account() {
        for body in ["{}", "", "  \n"] {
            let inquiry = read_inquiry(body.as_bytes()).unwrap();
            assert_eq!(inquiry.days, Days::CurrentDay);
            assert!(inquiry.accounts.is_empty());
        }
    }

    #[test]
    fn day_types_are_taken_as_given() {
        assert_eq!(
            days_of(r#"{"relativeDateType":"PRIOR_DAY"}"#),
            Ok(Days::PriorDay)
        );
        assert_eq!(
            days_of(r#"{"relativeDateType":"CURRENT_DAY"}"#),
            Ok(Days::CurrentDay)
        );
    }

    #[test]
    fn a_lone_date_reaches_31_days_the_other_way() {
        let from_start = days_of(r#"{"startDate":"2026-01-01"}"#).unwrap();
        assert_eq!(
            from_start,
            Days::Range {
                start: date("2026-01-01"),
                end: date("2026-02-01")
            }
        );
        let from_end = days_of(r#"{"endDate":"2026-03-01"}"#).unwrap();
        assert_eq!(
            from_end,
            Days::Range {
                start: date("2026-01-29"),
                end: date("2026-03-01")
            }
        );
    }

    #[test]
    fn the_range_may_be_31_days_and_no_more() {
        let longest = days_of(r#"{"startDate":"2026-01-01","endDate":"2026-02-01"}"#);
        assert_eq!(
            longest,
            Ok(Days::Range {
                start: date("2026-01-01"),
                end: date("2026-02-01")
            })
        );
        assert_format_refusal(
            r#"{"startDate":"2026-01-01","endDate":"2026-02-02"}"#,
            "date range cannot exceed 31 days",
        );
        let one_day = days_of(r#"{"startDate":"2026-01-01","endDate":"2026-01-01"}"#);
        assert_eq!(
            one_day,
            Ok(Days::Range {
                start: date("2026-01-01"),
                end: date("2026-01-01")
            })
        );
    }

    #[test]
    fn ranges_must_run_forwards() {
        assert_format_refusal(
            r#"{"startDate":"2026-01-02","endDate":"2026-01-01"}"#,
            "endDate is before startDate",
        );
    }

    #[test]
    fn day_types_do_not_mix_with_dates() {
        let mixes = [
            (
                r#"{"relativeDateType":"CURRENT_DAY","startDate":"2026-01-01"}"#,
                "with startDate",
            ),
            (
                r#"{"relativeDateType":"PRIOR_DAY","endDate":"2026-01-01"}"#,
                "with endDate",
            ),
            (
                r#"{"relativeDateType":"PRIOR_DAY","startDate":"2026-01-01","endDate":"2026-01-02"}"#,
                "with startDate and endDate",
            ),
        ];
        for (json, words) in mixes {
            assert_format_refusal(json, words);
        }
    }

    #[test]
    fn dates_must_be_iso() {
        for bad in [
            "2026-1-05",
            "05/01/2026",
            "2026-02-30",
            "+2026-01-05",
            "20260105",
            "",
        ] {
            let json = format!(r#"{{"startDate":"{bad}"}}"#);
            assert_format_refusal(&json, "startDate must be a date written YYYY-MM-DD");
        }
        assert_format_refusal(r#"{"endDate":"tomorrow"}"#, "endDate must be");
    }

    #[test]
    fn unreadable_bodies_are_refused_with_a_reason() {
        assert_format_refusal("{", "EOF");
        assert_format_refusal(r#"{"relativeDateType":"NEXT_DAY"}"#, "NEXT_DAY");
        assert_format_refusal(r#"{"accountList":[{"bankId":"X"}]}"#, "accountId");
        assert_format_refusal("[]", "must be a JSON object");
        assert_format_refusal("null", "must be a JSON object");
    }

    #[test]
    fn at_most_200_accounts() {
        let list = |n: usize| {
            let entries: Vec<String> = (0..n)
                .map(|i| format!(r#"{{"accountId":"{i}"}}"#))
                .collect();
            format!(r#"{{"accountList":[{}]}}"#, entries.join(","))
        };
        assert_eq!(
            read_inquiry(list(200).as_bytes()).unwrap().accounts.len(),
            200
        );
        assert_format_refusal(&list(201), "more than 200 accounts");
    }

    #[test]
    fn implausible_ids_cannot_name_accounts() {
        assert!(is_plausible_account_id("000000010000000"));
        assert!(!is_plausible_account_id(""));
        assert!(!is_plausible_account_id("1,2"));
        assert!(!is_plausible_account_id(&"9".repeat(36)));
        assert!(is_plausible_account_id(&"9".repeat(35)));
    }
}
