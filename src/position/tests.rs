//! The position's sums, conversion, rounding, staleness and verdicts, amounts compared as text.

use std::str::FromStr;
use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rust_decimal::Decimal;

use super::*;
use crate::model::{format_amount, Account, Balance, Currency};

pub(super) fn d(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

pub(super) fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-12-01T12:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

/// A row of `code` (with `places`) whose ending ledger is `ledger` and available `available`.
pub(crate) fn row(id: &str, code: &str, places: u32, ledger: &str, available: &str) -> BalanceRow {
    stamped(id, code, places, ledger, available, "2026-12-01T06:00:00Z")
}

fn stamped(
    id: &str,
    code: &str,
    places: u32,
    ledger: &str,
    available: &str,
    at: &str,
) -> BalanceRow {
    BalanceRow {
        account: Arc::new(Account {
            account_id: id.into(),
            account_name: format!("{code} ops"),
            bank_id: "CHASUS33".into(),
            bank_name: "JPMorgan Chase".into(),
            branch_id: String::new(),
            currency: Currency {
                code: code.into(),
                decimal_places: places,
            },
        }),
        balance: Balance {
            as_of_date: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
            current_day: true,
            opening_available: Some(Decimal::ZERO),
            opening_ledger: Some(Decimal::ZERO),
            ending_available: Some(d(available)),
            ending_ledger: Some(d(ledger)),
            record_timestamp: at.into(),
        },
    }
}

pub(super) fn part(profile: &str, rows: Vec<BalanceRow>) -> ProfilePart {
    ProfilePart::ok(
        profile,
        "jpmorgan",
        Report {
            rows,
            errors: vec![],
        },
    )
}

fn failed(profile: &str, error: Error) -> ProfilePart {
    ProfilePart::failed(profile, "jpmorgan", &error)
}

/// Each total row as `scope profile currency ledger available complete`, amounts as printed.
fn lines(position: &Position) -> Vec<String> {
    position
        .total_rows()
        .iter()
        .map(|t| {
            format!(
                "{} {} {} {} {} {}",
                t.scope.as_str(),
                t.profile,
                t.currency,
                t.ending_ledger
                    .map_or("-".into(), |v| format_amount(v, t.places)),
                t.ending_available
                    .map_or("-".into(), |v| format_amount(v, t.places)),
                t.complete
            )
        })
        .collect()
}

fn two_banks() -> Vec<ProfilePart> {
    vec![
        part(
            "uat",
            vec![
                row("1", "USD", 2, "1000.10", "900.05"),
                row("2", "JPY", 0, "150000", "149000"),
                row("3", "USD", 2, "-250.05", "-250.05"),
            ],
        ),
        part(
            "eu",
            vec![
                row("4", "EUR", 2, "500.00", "400.00"),
                row("5", "USD", 2, "0.95", "1"),
                row("6", "BHD", 3, "12.345", "10.001"),
            ],
        ),
    ]
}

#[test]
fn totals_across_profiles_and_subtotals_per_profile() {
    let position = build(two_banks(), None, false, None, now()).unwrap();
    // USD: 1000.10 - 250.05 + 0.95 = 751.00; available 900.05 - 250.05 + 1 = 651.00.
    assert_eq!(
        lines(&position),
        [
            "profile uat JPY 150000 149000 true",
            "profile uat USD 750.05 650.00 true",
            "profile eu BHD 12.345 10.001 true",
            "profile eu EUR 500.00 400.00 true",
            "profile eu USD 0.95 1.00 true",
            "currency  BHD 12.345 10.001 true",
            "currency  EUR 500.00 400.00 true",
            "currency  JPY 150000 149000 true",
            "currency  USD 751.00 651.00 true",
        ]
    );
    let ids: Vec<String> = position
        .rows
        .iter()
        .map(|r| format!("{}/{}", r.profile, r.row.account.account_id))
        .collect();
    assert_eq!(ids, ["uat/1", "uat/2", "uat/3", "eu/4", "eu/5", "eu/6"]);
    assert_eq!(position.verdict(), Verdict::Complete);
    assert_eq!(position.verdict().exit_code(), 0);
}

#[test]
fn the_field_lists_extend_the_balance_fields() {
    assert_eq!(ROW_FIELDS[..2], ["profile", "provider"]);
    assert_eq!(ROW_FIELDS[2..], crate::output::BALANCE_FIELDS);
}

#[test]
fn grand_total_rounds_once_half_even() {
    // 0.125 + 0.010 = 0.135 EUR from full precision: the tie goes to the even 0.14, and
    // 0.105 + 0.010 = 0.115 goes to 0.12; rounding each row first would have given 0.13 and 0.11.
    let rates = parse_rates("r.csv", "USD,1\nGBP,2\n", "EUR").unwrap();
    let parts = vec![part(
        "uat",
        vec![
            row("1", "USD", 3, "0.125", "0.105"),
            row("2", "GBP", 3, "0.020", "0.020"),
        ],
    )];
    let position = build(parts, Some(&rates), false, None, now()).unwrap();
    let total = position.reporting.as_ref().unwrap();
    assert_eq!(total.places, 2);
    assert_eq!(format_amount(total.exact_ending_ledger, 3), "0.135");
    assert_eq!(format_amount(total.ending_ledger, 2), "0.14");
    assert_eq!(format_amount(total.ending_available, 2), "0.12");
    let tie_down = round_money(d("0.125"), 2);
    assert_eq!(format_amount(tie_down, 2), "0.12");
    assert_eq!(
        lines(&position).last().unwrap(),
        "reporting  EUR 0.14 0.12 true"
    );
    // Each row prints its own conversion rounded; the grand total does not add those up.
    let first = position.rows[0].converted.as_ref().unwrap().rounded();
    assert_eq!(format_amount(first.0.unwrap(), 2), "0.12");
}

#[test]
fn minor_units_come_from_the_target_rows_jpy_0_and_bhd_3() {
    let jpy = parse_rates("r.csv", "USD,0.0065\n", "JPY").unwrap();
    let parts = vec![part(
        "uat",
        vec![
            row("1", "JPY", 0, "1000", "1000"),
            row("2", "USD", 2, "1.00", "0.01"),
        ],
    )];
    let position = build(parts, Some(&jpy), false, None, now()).unwrap();
    let total = position.reporting.as_ref().unwrap();
    // 1000 + 1 / 0.0065 = 1153.846...; available 1000 + 0.01 / 0.0065 = 1001.538...
    assert_eq!(format_amount(total.ending_ledger, total.places), "1154");
    assert_eq!(format_amount(total.ending_available, total.places), "1002");

    let bhd = parse_rates("r.csv", "USD,2.6596\n", "BHD").unwrap();
    let parts = vec![part(
        "uat",
        vec![
            row("1", "BHD", 3, "1.000", "0"),
            row("2", "USD", 2, "1.00", "0.00"),
        ],
    )];
    let position = build(parts, Some(&bhd), false, None, now()).unwrap();
    let total = position.reporting.as_ref().unwrap();
    // 1 + 1 / 2.6596 = 1.37599639...
    assert_eq!(format_amount(total.ending_ledger, total.places), "1.376");
    assert_eq!(format_amount(total.ending_available, total.places), "0.000");
    let usd = position.rows[1].converted.as_ref().unwrap();
    assert_eq!((usd.currency.as_str(), usd.places), ("BHD", 3));
}

#[test]
fn a_currency_without_a_rate_is_an_error_naming_it() {
    let rates = parse_rates("rates.csv", "USD,1.05\n", "EUR").unwrap();
    let err = build(two_banks(), Some(&rates), false, None, now()).unwrap_err();
    assert_eq!(err.exit_code(), 2);
    assert_eq!(err.to_string(), "rates.csv has no rate for BHD, JPY");
    assert!(err.hint().unwrap().contains("--skip-unrated"));
}

#[test]
fn skip_unrated_leaves_them_out_of_the_grand_total_only() {
    let rates = parse_rates("rates.csv", "USD,1.25\n", "EUR").unwrap();
    let position = build(two_banks(), Some(&rates), true, None, now()).unwrap();
    let total = position.reporting.as_ref().unwrap();
    assert_eq!(total.unrated, ["BHD", "JPY"]);
    // 500.00 EUR + 751.00 / 1.25 = 1100.80; 400.00 + 651.00 / 1.25 = 920.80.
    assert_eq!(
        lines(&position).last().unwrap(),
        "reporting  EUR 1100.80 920.80 false"
    );
    assert_eq!(total.rows, 4);
    let jpy = &position.rows[1];
    assert_eq!(jpy.row.account.currency.code, "JPY");
    assert_eq!(jpy.converted, None);
    assert!(position
        .notes()
        .iter()
        .any(|n| n == "the EUR total leaves out BHD, JPY (no rate, --skip-unrated)"));
    let unrated: Vec<String> = position
        .errors()
        .iter()
        .map(|e| {
            format!(
                "{} {} {} {}",
                e.kind.as_str(),
                e.code,
                e.exit_code,
                e.message
            )
        })
        .collect();
    assert_eq!(
        unrated,
        [
            "unrated BHD 0 no rate for BHD: left out of the EUR total (--skip-unrated)",
            "unrated JPY 0 no rate for JPY: left out of the EUR total (--skip-unrated)",
        ]
    );
    assert_eq!(position.verdict(), Verdict::Complete);
}

#[test]
fn stale_rows_are_marked_and_make_it_partial() {
    let parts = vec![part(
        "uat",
        vec![
            stamped("1", "USD", 2, "1", "1", "2026-11-30T23:59:59Z"),
            stamped("2", "USD", 2, "2", "2", "2026-11-29T23:59:00Z"),
            stamped("3", "USD", 2, "3", "3", ""),
        ],
    )];
    let without = build(parts.clone(), None, false, None, now()).unwrap();
    assert_eq!(without.stale_rows().count(), 0);
    let position = build(parts, None, false, Some(Duration::hours(36)), now()).unwrap();
    let stale: Vec<&str> = position
        .stale_rows()
        .map(|r| r.row.account.account_id.as_str())
        .collect();
    assert_eq!(stale, ["2", "3"]);
    assert_eq!(position.verdict(), Verdict::Partial);
    assert_eq!(position.verdict().exit_code(), 5);
    let messages: Vec<String> = position
        .errors()
        .iter()
        .map(|e| format!("{} {} {}", e.kind.as_str(), e.account_id, e.message))
        .collect();
    assert_eq!(
        messages,
        [
            "stale 2 recorded 2026-11-29T23:59:00Z, 36h1m ago, older than --max-age 36h",
            "stale 3 no record timestamp, so its age is unknown",
        ]
    );
    // Stale rows still count: they are the latest the bank has.
    assert_eq!(
        lines(&position),
        [
            "profile uat USD 6.00 6.00 true",
            "currency  USD 6.00 6.00 true"
        ]
    );
}

#[test]
fn a_failed_profile_is_missing_from_the_totals_and_says_so() {
    let mut parts = two_banks();
    parts.insert(
        1,
        failed(
            "apac",
            Error::auth("the bank refused the credentials", "log in"),
        ),
    );
    let position = build(parts, None, false, None, now()).unwrap();
    assert_eq!(position.verdict(), Verdict::Partial);
    assert!(lines(&position)
        .iter()
        .filter(|l| l.starts_with("currency"))
        .all(|l| l.ends_with("false")));
    let errors = position.errors();
    assert_eq!(errors.len(), 1);
    assert_eq!(
        (
            errors[0].kind,
            errors[0].profile.as_str(),
            errors[0].exit_code
        ),
        (ErrorKind::Profile, "apac", 3)
    );
    assert_eq!(
        position.notes(),
        ["profile 'apac' (jpmorgan) failed and is not in the totals: the bank refused the credentials"]
    );
}

#[test]
fn all_failed_takes_the_first_failing_profiles_code() {
    let parts = vec![
        failed("uat", Error::unavailable("the bank is failing")),
        failed("eu", Error::auth("refused", "log in")),
    ];
    let position = build(parts, None, false, None, now()).unwrap();
    assert_eq!(position.verdict(), Verdict::AllFailed { exit_code: 6 });
    assert_eq!(position.verdict().exit_code(), 6);
    assert!(position.rows.is_empty() && position.totals.is_empty());
}

#[test]
fn account_errors_are_tagged_with_their_profile_and_make_it_partial() {
    let mut parts = two_banks();
    parts[1] = ProfilePart::ok(
        "eu",
        "jpmorgan",
        Report {
            rows: vec![row("4", "EUR", 2, "500.00", "400.00")],
            errors: vec![AccountError {
                account_id: "9".into(),
                bank_id: "CHASGB2L".into(),
                code: "GCA-010".into(),
                message: "Account not found".into(),
            }],
        },
    );
    let position = build(parts, None, false, None, now()).unwrap();
    assert_eq!(position.verdict(), Verdict::Partial);
    let e = &position.errors()[0];
    assert_eq!(
        (
            e.kind,
            e.profile.as_str(),
            e.account_id.as_str(),
            e.code.as_str(),
            e.exit_code
        ),
        (ErrorKind::Account, "eu", "9", "GCA-010", 5)
    );
    assert!(lines(&position).contains(&"profile eu EUR 500.00 400.00 false".to_string()));
    assert!(lines(&position).contains(&"profile uat USD 750.05 650.00 true".to_string()));
    assert_eq!(
        position.notes(),
        ["profile 'eu': 1 account is not in the totals (the bank answered it with an error)"]
    );
}

#[test]
fn no_profiles_is_a_usage_error() {
    let err = build(vec![], None, false, None, now()).unwrap_err();
    assert_eq!(err.exit_code(), 2);
}

#[test]
fn an_error_for_an_account_that_kept_its_row_is_not_missing_from_the_totals() {
    // Finicity's stale aggregation: the row stays, and the account is listed in errors too.
    let kept = row("4", "EUR", 2, "500.00", "400.00");
    let parts = vec![ProfilePart::ok(
        "fin",
        "finicity",
        Report {
            errors: vec![AccountError {
                account_id: "4".into(),
                bank_id: kept.account.bank_id.clone(),
                code: "AGGREGATION-185".into(),
                message: "the balance may be stale".into(),
            }],
            rows: vec![kept],
        },
    )];
    let position = build(parts, None, false, None, now()).unwrap();
    assert_eq!(position.verdict(), Verdict::Partial);
    assert!(position.notes().is_empty(), "{:?}", position.notes());
    assert!(lines(&position).contains(&"profile fin EUR 500.00 400.00 true".to_string()));
}

#[test]
fn the_reporting_currency_has_its_iso_minor_units_without_rows_of_it() {
    use super::totals::minor_units;
    assert_eq!(minor_units("JPY", &[]), 0);
    assert_eq!(minor_units("BHD", &[]), 3);
    assert_eq!(minor_units("EUR", &[]), 2);
    // A code ISO 4217 does not know falls back to 2.
    assert_eq!(minor_units("ZZZ", &[]), 2);
}
