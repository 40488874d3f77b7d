//! Properties of `treasury position`'s sums over generated reports: the per-currency totals are
//! the exact sums of the rows, and converting and summing in any order of rows and profiles
//! gives the same totals and the same grand total, digit for digit.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use proptest::prelude::*;
use rust_decimal::Decimal;
use treasury::model::{format_amount, Account, Balance, BalanceRow, Currency, Report};
use treasury::position::{build, parse_rates, Position, ProfilePart};

/// Currencies with 2, 0 and 3 decimal places, one of them (CHF) without a rate.
const CURRENCIES: [(&str, u32); 6] = [
    ("USD", 2),
    ("EUR", 2),
    ("JPY", 0),
    ("BHD", 3),
    ("GBP", 2),
    ("CHF", 2),
];

const ECB: &str =
    "Date, USD, JPY, BHD, GBP, \n30 November 2026, 1.0512, 160.12, 0.3957, 0.8411, \n";

/// One row: a currency index and the ending ledger and available in minor units.
type Spec = (usize, i64, i64);

fn spec() -> impl Strategy<Value = Spec> {
    let minor = -10_000_000_000_000i64..10_000_000_000_000;
    (0..CURRENCIES.len(), minor.clone(), minor)
}

fn amount(minor: i64, places: u32) -> Decimal {
    Decimal::new(minor, places)
}

fn row(index: usize, (currency, ledger, available): Spec) -> BalanceRow {
    let (code, places) = CURRENCIES[currency];
    BalanceRow {
        account: Arc::new(Account {
            account_id: format!("{index}"),
            account_name: String::new(),
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
            ending_available: Some(amount(available, places)),
            ending_ledger: Some(amount(ledger, places)),
            record_timestamp: "2026-12-01T06:00:00Z".into(),
        },
    }
}

/// Profiles of rows, with the same profiles in a shuffled order and each one's rows shuffled.
fn profiles_and_shuffled() -> impl Strategy<Value = (Vec<Vec<Spec>>, Vec<Vec<Spec>>, Vec<usize>)> {
    prop::collection::vec(prop::collection::vec(spec(), 0..12), 1..4).prop_flat_map(|profiles| {
        let shuffled_rows: Vec<_> = profiles
            .iter()
            .map(|rows| Just(rows.clone()).prop_shuffle())
            .collect();
        let order = Just((0..profiles.len()).collect::<Vec<_>>()).prop_shuffle();
        (Just(profiles), shuffled_rows, order)
    })
}

fn parts(profiles: &[Vec<Spec>], order: &[usize]) -> Vec<ProfilePart> {
    order
        .iter()
        .map(|&p| {
            let rows = profiles[p]
                .iter()
                .enumerate()
                .map(|(i, s)| row(i, *s))
                .collect();
            ProfilePart::ok(
                &format!("p{p}"),
                "jpmorgan",
                Report {
                    rows,
                    errors: vec![],
                },
            )
        })
        .collect()
}

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-12-01T12:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

/// Every total as printed, with the grand total's unrounded digits too; profiles by name.
fn printed(position: &Position) -> (Vec<String>, Vec<String>) {
    let mut profiles = Vec::new();
    let mut totals = Vec::new();
    for t in position.total_rows() {
        let line = format!(
            "{} {} {} {} {} {}",
            t.scope.as_str(),
            t.profile,
            t.currency,
            t.rows,
            format_amount(t.ending_ledger.unwrap(), t.places),
            format_amount(t.ending_available.unwrap(), t.places)
        );
        if t.profile.is_empty() {
            totals.push(line);
        } else {
            profiles.push(line);
        }
    }
    if let Some(r) = &position.reporting {
        totals.push(format!(
            "exact {} {} {:?}",
            r.exact_ending_ledger, r.exact_ending_available, r.unrated
        ));
    }
    profiles.sort();
    (profiles, totals)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_order_of_rows_and_profiles_gives_the_same_totals(
        (profiles, shuffled, order) in profiles_and_shuffled(),
        target in prop::sample::select(vec!["EUR", "USD", "JPY", "BHD"]),
    ) {
        let rates = parse_rates("eurofxref.csv", ECB, target).unwrap();
        let given: Vec<usize> = (0..profiles.len()).collect();
        let first = build(parts(&profiles, &given), Some(&rates), true, None, now()).unwrap();
        let again = build(parts(&shuffled, &order), Some(&rates), true, None, now()).unwrap();
        prop_assert_eq!(printed(&first), printed(&again));
        let reporting = first.reporting.as_ref().unwrap();
        let expected_unrated: Vec<String> = profiles
            .iter()
            .flatten()
            .any(|(c, _, _)| CURRENCIES[*c].0 == "CHF")
            .then(|| "CHF".to_string())
            .into_iter()
            .collect();
        prop_assert_eq!(&reporting.unrated, &expected_unrated);
    }

    #[test]
    fn currency_totals_are_the_exact_sums_of_the_rows(
        (profiles, _, _) in profiles_and_shuffled(),
    ) {
        let given: Vec<usize> = (0..profiles.len()).collect();
        let position = build(parts(&profiles, &given), None, false, None, now()).unwrap();
        // The oracle adds integers of minor units, per currency.
        let mut sums: BTreeMap<&str, (i128, i128, u32)> = BTreeMap::new();
        for (c, ledger, available) in profiles.iter().flatten() {
            let (code, places) = CURRENCIES[*c];
            let sum = sums.entry(code).or_insert((0, 0, places));
            sum.0 += i128::from(*ledger);
            sum.1 += i128::from(*available);
        }
        let expected: Vec<String> = sums
            .iter()
            .map(|(code, (l, a, places))| {
                let l = Decimal::from_i128_with_scale(*l, *places);
                let a = Decimal::from_i128_with_scale(*a, *places);
                format!("{code} {} {}", format_amount(l, *places), format_amount(a, *places))
            })
            .collect();
        let actual: Vec<String> = position
            .totals
            .iter()
            .map(|t| {
                format!(
                    "{} {} {}",
                    t.currency,
                    format_amount(t.ending_ledger, t.places),
                    format_amount(t.ending_available, t.places)
                )
            })
            .collect();
        prop_assert_eq!(actual, expected);
    }
}
