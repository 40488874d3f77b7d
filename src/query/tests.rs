//! Unit tests of dates, ids and the shared helpers of the query tests.

use super::*;
use crate::bank::jpmorgan::LIMITS;
use crate::error::Error;

pub(super) fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

pub(super) fn range(from: &str, to: &str) -> DateSpan {
    DateSpan::Range {
        from: date(from),
        to: date(to),
    }
}

pub(super) fn dates(from: Option<&str>, to: Option<&str>) -> DateArgs {
    DateArgs {
        from: from.map(String::from),
        to: to.map(String::from),
        ..DateArgs::default()
    }
}

pub(super) fn message(err: Error) -> String {
    match &err {
        Error::Usage { message, hint } => {
            format!("{message} | {}", hint.clone().unwrap_or_default())
        }
        other => panic!("expected a usage error, got {other:?}"),
    }
}

pub(super) fn acct(bank: Option<&str>, id: &str) -> AccountRef {
    AccountRef {
        bank_id: bank.map(String::from),
        account_id: id.to_string(),
    }
}

#[test]
fn no_date_option_is_the_current_day() {
    assert_eq!(
        resolve_dates(&DateArgs::default()).unwrap(),
        DateSpan::CurrentDay
    );
}

#[test]
fn current_and_prior_day_flags() {
    let current = DateArgs {
        current: true,
        ..DateArgs::default()
    };
    let prior = DateArgs {
        prior_day: true,
        ..DateArgs::default()
    };
    assert_eq!(resolve_dates(&current).unwrap(), DateSpan::CurrentDay);
    assert_eq!(resolve_dates(&prior).unwrap(), DateSpan::PriorDay);
    let both = DateArgs {
        current: true,
        prior_day: true,
        ..DateArgs::default()
    };
    assert!(message(resolve_dates(&both).unwrap_err()).contains("--current and --prior-day"));
}

#[test]
fn relative_days_with_dates_are_the_apis_invalid_combinations() {
    for (from, to) in [
        (Some("2026-01-01"), None),
        (None, Some("2026-01-05")),
        (Some("2026-01-01"), Some("2026-01-05")),
    ] {
        for (current, prior_day) in [(true, false), (false, true)] {
            let args = DateArgs {
                current,
                prior_day,
                ..dates(from, to)
            };
            let text = message(resolve_dates(&args).unwrap_err());
            assert!(text.contains("cannot be combined with --"), "{text}");
        }
    }
    let args = DateArgs {
        prior_day: true,
        month: Some("2026-01".into()),
        ..DateArgs::default()
    };
    assert!(message(resolve_dates(&args).unwrap_err())
        .contains("--prior-day cannot be combined with --month 2026-01"));
}

#[test]
fn invalid_dates_are_named() {
    for bad in [
        "2026-02-30",
        "2026-13-01",
        "yesterday",
        "2026/01/01",
        "",
        "20260101",
        "26-1-5",
        "+2026-01-01",
        "02026-01-01",
    ] {
        let text = message(resolve_dates(&dates(Some(bad), None)).unwrap_err());
        assert!(
            text.contains(&format!("--from '{bad}' is not a valid date")),
            "{text}"
        );
    }
    let text = message(resolve_dates(&dates(Some("2026-01-01"), Some("2026-1-x"))).unwrap_err());
    assert!(text.contains("--to '2026-1-x'"), "{text}");
}

#[test]
fn dates_outside_the_api_range_are_refused_with_the_range() {
    for (from, to) in [
        (Some("0000-01-01"), Some("0000-01-05")),
        (Some("1899-12-31"), Some("1900-01-05")),
        (Some("2026-01-01"), Some("+10000-01-01")),
    ] {
        let err = resolve_dates(&dates(from, to)).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        let text = message(err);
        assert!(
            text.contains("1900-01-01 to 9999-12-31") || text.contains("not a valid date"),
            "{text}"
        );
    }
    let text = message(resolve_dates(&dates(Some("0000-01-01"), None)).unwrap_err());
    assert!(
        text.starts_with("--from 0000-01-01 is outside the dates"),
        "{text}"
    );
    let text = message(resolve_dates(&dates(Some("9999-12-31"), None)).unwrap_err());
    assert!(
        text.starts_with("--from 9999-12-31 without --to asks for 31 days beyond 9999-12-31"),
        "{text}"
    );
    let text = message(resolve_dates(&dates(None, Some("1900-01-15"))).unwrap_err());
    assert!(text.contains("give --from as well"), "{text}");
    let month = DateArgs {
        month: Some("0000-01".into()),
        ..DateArgs::default()
    };
    assert!(message(resolve_dates(&month).unwrap_err()).starts_with("--month 0000-01 is outside"));
    assert_eq!(
        resolve_dates(&dates(Some("9999-12-01"), Some("9999-12-31"))).unwrap(),
        range("9999-12-01", "9999-12-31")
    );
    assert_eq!(
        resolve_dates(&dates(Some("1900-01-01"), None)).unwrap(),
        range("1900-01-01", "1900-02-01")
    );
}

#[test]
fn quoted_input_is_cut_to_a_bounded_length() {
    assert_eq!(quoted("short"), "short");
    let eighty = "é".repeat(80);
    assert_eq!(quoted(&eighty), eighty);
    let long = "1".repeat(5_000_000);
    let text = quoted(&long);
    assert_eq!(text, format!("{}… (5000000 bytes)", "1".repeat(80)));
    let err = message(parse_account(&long).unwrap_err());
    assert!(err.len() < 400, "{err}");
    assert!(err.contains("is 5000000 characters long"), "{err}");
}

#[test]
fn reversed_range_is_refused() {
    let text = message(resolve_dates(&dates(Some("2026-01-05"), Some("2026-01-04"))).unwrap_err());
    assert!(
        text.contains("--to 2026-01-04 is before --from 2026-01-05"),
        "{text}"
    );
}

#[test]
fn one_day_range_is_fine() {
    let span = resolve_dates(&dates(Some("2026-01-05"), Some("2026-01-05"))).unwrap();
    assert_eq!(span, range("2026-01-05", "2026-01-05"));
    check_range(span, &LIMITS).unwrap();
}

#[test]
fn one_end_defaults_to_thirty_one_days_from_the_other() {
    assert_eq!(
        resolve_dates(&dates(Some("2026-01-01"), None)).unwrap(),
        range("2026-01-01", "2026-02-01")
    );
    assert_eq!(
        resolve_dates(&dates(None, Some("2026-03-01"))).unwrap(),
        range("2026-01-29", "2026-03-01")
    );
    check_range(range("2026-01-29", "2026-03-01"), &LIMITS).unwrap();
}

#[test]
fn thirty_one_days_between_ends_is_the_limit() {
    check_range(range("2026-01-01", "2026-02-01"), &LIMITS).unwrap();
    let text = message(check_range(range("2026-01-01", "2026-02-02"), &LIMITS).unwrap_err());
    assert!(
        text.contains("2026-01-01..2026-02-02 spans 32 days"),
        "{text}"
    );
    assert!(text.contains("--split"), "{text}");
}

#[test]
fn month_is_the_calendar_month() {
    let month = |m: &str| DateArgs {
        month: Some(m.into()),
        ..DateArgs::default()
    };
    assert_eq!(
        resolve_dates(&month("2026-01")).unwrap(),
        range("2026-01-01", "2026-01-31")
    );
    assert_eq!(
        resolve_dates(&month("2024-02")).unwrap(),
        range("2024-02-01", "2024-02-29")
    );
    assert_eq!(
        resolve_dates(&month("2026-12")).unwrap(),
        range("2026-12-01", "2026-12-31")
    );
    for bad in ["2026-13", "2026-1", "26-01", "2026", "jan"] {
        let text = message(resolve_dates(&month(bad)).unwrap_err());
        assert!(
            text.contains(&format!("--month '{bad}' is not a valid month")),
            "{text}"
        );
    }
    let both = DateArgs {
        from: Some("2026-01-01".into()),
        ..month("2026-01")
    };
    assert!(
        message(resolve_dates(&both).unwrap_err()).contains("--month 2026-01 cannot be combined")
    );
}

#[test]
fn closed_day_formats_refuse_a_current_day_request() {
    let err = check_closed_days(DateSpan::CurrentDay, "camt.053").unwrap_err();
    assert_eq!(err.exit_code(), 2);
    assert!(err.to_string().contains("camt.053"), "{err}");
    assert!(err.hint().unwrap().contains("camt052"));
    assert!(check_closed_days(DateSpan::PriorDay, "MT940").is_ok());
    assert!(check_closed_days(range("2026-01-01", "2026-01-31"), "MT940").is_ok());
}

#[test]
fn a_range_that_starts_after_today_everywhere_is_refused_by_name() {
    let now = chrono::DateTime::parse_from_rfc3339("2026-12-04T12:00:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    let span = |from: &str, to: &str| DateSpan::Range {
        from: from.parse().unwrap(),
        to: to.parse().unwrap(),
    };
    let err = check_not_future(span("2026-12-06", "2026-12-08"), now).unwrap_err();
    assert!(message(err).contains("--from 2026-12-06: that date is after today (2026-12-04)"),);
    // Tomorrow in UTC is today in Kiribati; a range reaching into the future starts in the past.
    assert!(check_not_future(span("2026-12-05", "2026-12-05"), now).is_ok());
    assert!(check_not_future(span("2026-12-01", "2027-01-01"), now).is_ok());
    assert!(check_not_future(DateSpan::CurrentDay, now).is_ok());
}
