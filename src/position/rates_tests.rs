//! Reading rates files (both layouts, every refusal) and converting with them, cross rates too.

use super::rates::parse_rates;
use super::tests::{d, now, part, row};
use super::{build, round_money};
use crate::model::format_amount;

const ECB: &str =
    "Date, USD, JPY, BGN, GBP, BHD, \n30 November 2026, 1.0500, 160.12, 1.9558, 0.8400, 0.3950, \n";

#[test]
fn ecb_layout_quotes_against_eur() {
    let rates = parse_rates("eurofxref.csv", ECB, "EUR").unwrap();
    assert_eq!(rates.base, "EUR");
    assert_eq!(rates.as_of.as_deref(), Some("30 November 2026"));
    let usd = rates.convert(d("105.00"), "USD").unwrap().unwrap();
    assert_eq!(format_amount(usd, 2), "100.00");
    assert_eq!(rates.convert(d("7.5"), "EUR").unwrap().unwrap(), d("7.5"));
    assert!(rates.convert(d("1"), "CHF").is_none());
}

#[test]
fn cross_rates_for_another_target_divide_once() {
    let rates = parse_rates("eurofxref.csv", ECB, "USD").unwrap();
    // 160.12 JPY = 1 EUR = 1.05 USD, so 16012 JPY = 105 USD exactly.
    let jpy = rates.convert(d("16012"), "JPY").unwrap().unwrap();
    assert_eq!(round_money(jpy, 2).to_string(), "105.00");
    // 1 EUR = 1.05 USD.
    let eur = rates.convert(d("100"), "EUR").unwrap().unwrap();
    assert_eq!(format_amount(eur, 2), "105.00");
    // 1 GBP = 1.05 / 0.84 = 1.25 USD.
    let gbp = rates.convert(d("80.00"), "GBP").unwrap().unwrap();
    assert_eq!(round_money(gbp, 2).to_string(), "100.00");
    // 1 JPY = 1.05 / 160.12 USD = 0.00655758181363977017237072195...: kept to 28 decimal
    // places (the last one rounded), not rounded to the cent.
    let one = rates.convert(d("1"), "JPY").unwrap().unwrap();
    assert_eq!(one.to_string(), "0.006557581813639770172370722");
}

#[test]
fn simple_list_quotes_against_the_target() {
    let text = "currency,rate\n# end of month\nUSD, 1.25\nJPY,180\n\nEUR,1\n";
    let rates = parse_rates("rates.csv", text, "EUR").unwrap();
    assert_eq!(rates.base, "EUR");
    assert_eq!(rates.as_of, None);
    assert_eq!(
        rates.convert(d("125.00"), "USD").unwrap().unwrap(),
        d("100")
    );
    assert_eq!(rates.convert(d("360"), "JPY").unwrap().unwrap(), d("2"));
    // A header is optional, and a file for GBP reads the same way.
    let rates = parse_rates("-", "USD,1.25\n", "GBP").unwrap();
    assert_eq!(rates.convert(d("2.50"), "USD").unwrap().unwrap(), d("2"));
}

#[test]
fn bad_rates_name_the_line_and_the_value() {
    let cases = [
        ("USD,0\n", "rates.csv line 1", "'0'"),
        ("EUR,1\nUSD,-1.2\n", "rates.csv line 2", "'-1.2'"),
        ("USD,1.1\nusd,1.1\n", "rates.csv line 2", "'usd'"),
        ("USD,abc\n", "rates.csv line 1", "'abc'"),
        ("USD,1e3\n", "rates.csv line 1", "'1e3'"),
        ("USD,1_000\n", "rates.csv line 1", "'1_000'"),
        ("USD,1.1\nUSD,1.2\n", "rates.csv line 2", "USD"),
        ("USD,1.1,x\n", "rates.csv line 1", "'USD,1.1,x'"),
        ("US,1.1\n", "rates.csv line 1", "'US'"),
        ("Date, USD,\n1 Dec 2026, 0,\n", "rates.csv line 2", "'0'"),
        (
            "Date, USD, JPY,\n1 Dec 2026, 1.05,\n",
            "rates.csv line 2",
            "2 values under a header of 3",
        ),
    ];
    for (text, at, value) in cases {
        let err = parse_rates("rates.csv", text, "EUR").unwrap_err();
        let message = err.to_string();
        assert_eq!(err.exit_code(), 2, "{text:?}");
        assert!(
            message.contains(at) && message.contains(value),
            "{text:?}: {message}"
        );
        assert!(err.hint().unwrap().contains("docs/position.md"), "{text:?}");
    }
    // The same rate twice is harmless.
    assert!(parse_rates("rates.csv", "USD,1.10\nUSD,1.1\n", "EUR").is_ok());
}

#[test]
fn a_file_without_the_target_or_without_rates_is_refused() {
    let err = parse_rates("eurofxref.csv", ECB, "CHF").unwrap_err();
    assert_eq!(err.exit_code(), 2);
    assert!(err.to_string().contains("no rate for CHF"), "{err}");
    let err = parse_rates("empty.csv", "currency,rate\n", "EUR").unwrap_err();
    assert!(
        err.to_string().contains("empty.csv has no exchange rates"),
        "{err}"
    );
    let err = parse_rates("r.csv", "USD,1\n", "eur").unwrap_err();
    assert!(err.to_string().contains("'eur'"), "{err}");
    let err = parse_rates("r.csv", "USD,1.05\nEUR,1.1\n", "EUR").unwrap_err();
    assert!(err.to_string().contains("gives EUR the rate 1.1"), "{err}");
    let err = parse_rates("-", "USD,x\n", "EUR").unwrap_err();
    assert!(
        err.to_string().starts_with("the rates on stdin line 1:"),
        "{err}"
    );
    let hist = "Date,USD,\n2026-11-30,1.05,\n2026-11-27,1.04,\n";
    let err = parse_rates("hist.csv", hist, "EUR").unwrap_err();
    assert!(err.to_string().contains("2 data lines"), "{err}");
}

#[test]
fn ecb_not_available_means_no_rate() {
    let text = "Date, USD, CYP, \n02 January 2024, 1.0956, N/A, \n";
    let rates = parse_rates("eurofxref.csv", text, "EUR").unwrap();
    assert!(rates.has("USD") && !rates.has("CYP"));
}

#[test]
fn the_example_of_docs_position_md_rounds_once() {
    let rates = parse_rates("eurofxref.csv", ECB, "EUR").unwrap();
    let parts = vec![
        part(
            "us",
            vec![
                row("1", "USD", 2, "1000.10", "900.05"),
                row("2", "JPY", 0, "150000", "149000"),
            ],
        ),
        part("emea", vec![row("3", "EUR", 2, "500.00", "400.00")]),
    ];
    let position = build(parts, Some(&rates), false, None, now()).unwrap();
    let printed: Vec<String> = position
        .rows
        .iter()
        .map(|r| format_amount(r.converted.as_ref().unwrap().rounded().0.unwrap(), 2))
        .collect();
    assert_eq!(printed, ["952.48", "936.80", "500.00"]);
    let total = position.reporting.unwrap();
    assert_eq!(format_amount(total.ending_ledger, 2), "2389.27");
    assert_eq!(format_amount(total.ending_available, 2), "2187.74");
    assert!(total
        .exact_ending_ledger
        .to_string()
        .starts_with("2389.273592424729"));
}

#[test]
fn a_rate_with_more_digits_than_a_decimal_holds_is_refused_not_rounded() {
    let err = parse_rates("r.csv", "USD,1.23456789012345678901234567891\n", "EUR").unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("r.csv line 1") && text.contains("28"),
        "{text}"
    );
    assert_eq!(err.exit_code(), 2);
}
