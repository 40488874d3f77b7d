//! `position --sandbox`: every provider the sandbox serves, totals that are the sums of the rows,
//! the table and NDJSON, conversion with an ECB rates file, stale rows, `--prior-day` refused.

use super::*;

// ---- the sandbox: every provider it serves --------------------------------------------------

#[test]
fn sandbox_position_spans_both_providers_and_its_totals_are_the_sums_of_its_rows() {
    let home = Home::new();
    let out = sandbox(&home, &["-f", "json"]);
    // Finicity's sandbox answers two accounts with errors: partial, and said so.
    out.code(5)
        .stderr_has("profile 'finicity' account 5011648378: PENDING");
    let doc = out.json();
    assert_valid(&doc);
    let rows = doc["balances"].as_array().unwrap();
    for provider in ["jpmorgan", "finicity"] {
        assert!(
            rows.iter().any(|r| r["provider"] == provider),
            "no {provider} rows:\n{out}"
        );
    }
    let expected = sums(rows);
    let currency = totals(&doc, "currency");
    assert_eq!(currency.len(), expected.len(), "{out}");
    for total in currency {
        let code = total["currency"].as_str().unwrap();
        let (ledger, available, n, absent) = expected[code];
        assert_eq!(
            total["ending_ledger"].to_string(),
            ledger.to_string(),
            "{code}"
        );
        assert_eq!(
            total["ending_available"].to_string(),
            available.to_string(),
            "{code}"
        );
        assert_eq!(total["rows"], n, "{code}");
        // Finicity's card and credit line send no available balance: left out, and counted.
        assert_eq!(total["absent_ending_available"], absent, "{code}");
        assert_eq!(total["absent_ending_ledger"], 0, "{code}");
        assert_eq!(
            total["complete"], false,
            "finicity's account errors: {code}"
        );
    }
    for profile in ["jpmorgan", "finicity"] {
        let own: Vec<Value> = rows
            .iter()
            .filter(|r| r["profile"] == profile)
            .cloned()
            .collect();
        let expected = sums(&own);
        let subtotals: Vec<&Value> = totals(&doc, "profile")
            .into_iter()
            .filter(|t| t["profile"] == profile)
            .collect();
        assert_eq!(subtotals.len(), expected.len(), "{profile}");
        for t in subtotals {
            let (ledger, _, _, _) = expected[t["currency"].as_str().unwrap()];
            assert_eq!(t["ending_ledger"].to_string(), ledger.to_string());
        }
    }
    let errors = doc["errors"].as_array().unwrap();
    assert!(errors
        .iter()
        .any(|e| e["kind"] == "account" && e["profile"] == "finicity" && e["exit_code"] == 5));
    let usd = totals(&doc, "currency")
        .into_iter()
        .find(|t| t["currency"] == "USD")
        .unwrap();
    assert!(
        usd["absent_ending_available"].as_u64().unwrap() >= 2,
        "{out}"
    );
}

#[test]
fn the_table_has_subtotals_totals_and_a_footer_and_ndjson_one_row_a_line() {
    let home = Home::new();
    let table = sandbox(&home, &[]);
    table
        .code(5)
        .stdout_has("SUBTOTAL")
        .stdout_has("TOTAL")
        // The pending account has no row; the stale one keeps its row and is in the totals.
        .stdout_has("Note: profile 'finicity': 1 account is not in the totals");
    let json = sandbox(&home, &["-f", "json"]).json();
    let lines = sandbox(&home, &["-f", "ndjson"]);
    let stdout = lines.stdout.clone();
    let parsed: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(parsed.len(), json["balances"].as_array().unwrap().len());
    assert_eq!(parsed[0]["profile"], "jpmorgan");
}

#[test]
fn conversion_with_an_ecb_rates_file_rounds_the_grand_total_once() {
    let home = Home::new();
    let rates = home.write_file("eurofxref.csv", ECB, 0o600);
    let out = sandbox(
        &home,
        &[
            "-p",
            "jpmorgan",
            "--in",
            "EUR",
            "--rates",
            rates.to_str().unwrap(),
            "-f",
            "json",
        ],
    );
    out.code(0);
    let doc = out.json();
    assert_valid(&doc);
    let rate = |code: &str| -> Decimal {
        match code {
            "EUR" => Decimal::ONE,
            "USD" => Decimal::from_str("1.0500").unwrap(),
            "JPY" => Decimal::from_str("160.12").unwrap(),
            "GBP" => Decimal::from_str("0.8400").unwrap(),
            "SGD" => Decimal::from_str("1.4500").unwrap(),
            "BHD" => Decimal::from_str("0.3950").unwrap(),
            other => panic!("no rate for {other} in the test"),
        }
    };
    let mut grand = Decimal::ZERO;
    for (code, (ledger, _, _, _)) in sums(doc["balances"].as_array().unwrap()) {
        grand += ledger / rate(&code);
    }
    let grand = grand.round_dp_with_strategy(2, RoundingStrategy::MidpointNearestEven);
    let reporting = totals(&doc, "reporting");
    assert_eq!(reporting.len(), 1);
    assert_eq!(reporting[0]["currency"], "EUR");
    assert_eq!(reporting[0]["ending_ledger"].to_string(), grand.to_string());
    assert_eq!(reporting[0]["complete"], true);
    let usd = doc["balances"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["currency"] == "USD")
        .unwrap();
    let converted = (dec(&usd["ending_ledger"]) / rate("USD"))
        .round_dp_with_strategy(2, RoundingStrategy::MidpointNearestEven);
    assert_eq!(usd["converted_currency"], "EUR");
    assert_eq!(
        usd["converted_ending_ledger"].to_string(),
        converted.to_string()
    );

    let csv = sandbox(
        &home,
        &[
            "-p",
            "jpmorgan",
            "--in",
            "EUR",
            "--rates",
            rates.to_str().unwrap(),
            "-f",
            "csv",
        ],
    );
    let header = csv.stdout.lines().next().unwrap().to_string();
    assert!(
        header.starts_with("profile,provider,account_id,"),
        "{header}"
    );
    assert!(
        header.ends_with(",converted_currency,converted_ending_ledger,converted_ending_available"),
        "{header}"
    );
}

#[test]
fn a_currency_without_a_rate_is_refused_unless_skipped() {
    let home = Home::new();
    let rates = home.write_file("rates.csv", ECB_WITHOUT_SGD, 0o600);
    let path = rates.to_str().unwrap();
    let refused = sandbox(&home, &["-p", "jpmorgan", "--in", "EUR", "--rates", path]);
    refused
        .code(2)
        .stderr_has("has no rate for SGD")
        .stderr_has("--skip-unrated");
    assert_eq!(refused.stdout, "", "nothing is reported");

    let skipped = sandbox(
        &home,
        &[
            "-p",
            "jpmorgan",
            "--in",
            "EUR",
            "--rates",
            path,
            "--skip-unrated",
            "-f",
            "json",
        ],
    );
    skipped.code(0).stderr_has("no rate for SGD");
    let doc = skipped.json();
    assert_valid(&doc);
    let reporting = totals(&doc, "reporting");
    assert_eq!(reporting[0]["complete"], false);
    let unrated: Vec<&Value> = doc["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "unrated")
        .collect();
    assert_eq!(unrated.len(), 1);
    assert_eq!(unrated[0]["code"], "SGD");
    let sgd = doc["balances"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["currency"] == "SGD")
        .unwrap();
    assert_eq!(sgd["converted_ending_ledger"], Value::Null);
}

#[test]
fn stale_rows_are_warned_marked_in_words_and_exit_5() {
    let home = Home::new();
    // The sandbox's Finicity data is dated January 2026: older than an hour.
    let out = sandbox(
        &home,
        &["-p", "finicity", "--max-age", "1h", "--color", "always"],
    );
    out.code(5)
        .stderr_has(
            "profile 'finicity' account 101732/5011648371: stale: recorded 2026-01-15T14:30:00Z",
        )
        .stderr_has("older than --max-age 1h")
        .stdout_has("STALE")
        .stdout_has("stale (older than --max-age 1h");
    let doc = sandbox(&home, &["-p", "finicity", "--max-age", "1h", "-f", "json"]).json();
    assert_valid(&doc);
    assert!(doc["errors"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["kind"] == "stale" && e["account_id"] == "5011648371"));

    let fresh = sandbox(&home, &["-p", "jpmorgan", "--max-age", "3d"]);
    fresh.code(0);
    assert!(!fresh.stdout.contains("STALE"), "{fresh}");
    sandbox(&home, &["--max-age", "0h"])
        .code(2)
        .stderr_has("0h");
}

#[test]
fn prior_day_is_refused_naming_the_profiles_that_cannot() {
    let home = Home::new();
    sandbox(&home, &["--prior-day"])
        .code(2)
        .stderr_has("'finicity' (finicity)")
        .stderr_has("cannot give prior-day balances");
    sandbox(&home, &["-p", "jpmorgan", "--prior-day"]).code(0);
}
