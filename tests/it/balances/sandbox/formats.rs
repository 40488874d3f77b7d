//! `balances --sandbox` in each format: the table on a pipe, CSV's header and fraction digits, JSON
//! and NDJSON amounts, snapshots of each format and provider, and no token even at trace level.

use super::*;

#[test]
fn prior_day_table_on_a_pipe_is_plain_text_with_totals_per_currency() {
    let env = Home::for_test_profile();
    let out = sandbox(&env, &["--prior-day"]);
    out.code(0).stderr_empty();
    out.check(
        out.stdout.is_ascii(),
        "no ANSI escapes nor box-drawing characters on a pipe",
    );
    let lines: Vec<&str> = out.stdout.lines().collect();
    out.check(
        lines[0].split_whitespace().collect::<Vec<_>>()
            == [
                "account_id",
                "account_name",
                "bank_id",
                "currency",
                "as_of_date",
                "opening_available",
                "opening_ledger",
                "ending_available",
                "ending_ledger",
            ],
        "the header names the columns",
    );
    let rows = lines
        .iter()
        .filter(|l| l.trim_start().starts_with(|c: char| c.is_ascii_digit()))
        .count();
    out.check(rows == SANDBOX_ACCOUNTS, "one row per sandbox account");
    for currency in ["USD", "GBP", "JPY", "BHD", "EUR", "SGD"] {
        let totals: Vec<&&str> = lines
            .iter()
            .filter(|l| l.trim_start().starts_with("TOTAL") && l.contains(currency))
            .collect();
        out.check(
            totals.len() == 1 && totals[0].contains("2 accounts"),
            &format!("one TOTAL line for {currency} over its 2 accounts"),
        );
    }
    let amount_ends: Vec<Vec<usize>> = lines[1..]
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| last_token_ends(l, 4))
        .collect();
    out.check(
        amount_ends.len() == SANDBOX_ACCOUNTS + 6
            && amount_ends.iter().all(|ends| *ends == amount_ends[0]),
        "the four amount columns are right-aligned across rows and totals",
    );
    let grouped: Vec<&str> = out
        .stdout
        .split_whitespace()
        .filter(|t| t.contains(','))
        .collect();
    out.check(
        !grouped.is_empty() && grouped.iter().all(|t| is_grouped_amount(t)),
        "amounts carry thousands separators, and only amounts do",
    );
}

/// Where the last `n` whitespace-separated tokens of an ASCII line end.
fn last_token_ends(line: &str, n: usize) -> Vec<usize> {
    let mut ends = Vec::new();
    let bytes = line.as_bytes();
    for i in 0..bytes.len() {
        let here = !bytes[i].is_ascii_whitespace();
        let next = bytes.get(i + 1).is_some_and(|b| !b.is_ascii_whitespace());
        if here && !next {
            ends.push(i + 1);
        }
    }
    ends.split_off(ends.len().saturating_sub(n))
}

/// `-1,234,567.89`: groups of three digits between commas.
fn is_grouped_amount(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let int = digits.split('.').next().unwrap_or_default();
    let groups: Vec<&str> = int.split(',').collect();
    (1..=3).contains(&groups[0].len())
        && groups[1..].iter().all(|g| g.len() == 3)
        && groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit()))
}

#[test]
fn csv_has_the_documented_header_and_each_currencys_fraction_digits() {
    let env = Home::for_test_profile();
    let out = sandbox(
        &env,
        &["--from", "2025-01-01", "--to", "2025-01-10", "-f", "csv"],
    );
    out.code(0).stderr_empty();
    out.check(
        out.stdout.lines().next() == Some(CSV_HEADER),
        "the CSV header is exactly the documented one",
    );
    out.check(
        out.stdout.ends_with('\n') && !out.stdout.contains('\r'),
        "\\n line ends",
    );
    let rows = csv_rows(&out.stdout);
    out.check(rows.len() == SANDBOX_ACCOUNTS * 10, "12 accounts x 10 days");
    let mut seen = std::collections::BTreeSet::new();
    for row in &rows {
        out.check(row.len() == 13, &format!("13 fields in {row:?}"));
        let currency = row[5].as_str();
        seen.insert(currency.to_string());
        for amount in &row[8..12] {
            out.check(
                has_exact_places(amount, places_of(currency)),
                &format!(
                    "{currency} amount {amount:?} has exactly {} fraction digits",
                    places_of(currency)
                ),
            );
        }
    }
    out.check(
        seen.len() == 6 && seen.contains("JPY") && seen.contains("BHD"),
        "the sandbox shows 0- and 3-digit currencies",
    );
}

#[test]
fn json_is_one_document_whose_amounts_keep_every_fraction_digit() {
    let env = Home::for_test_profile();
    let out = sandbox(
        &env,
        &["--from", "2025-01-01", "--to", "2025-01-10", "-f", "json"],
    );
    out.code(0).stderr_empty();
    let doc: Value = serde_json::from_str(&out.stdout).expect("stdout is one JSON document");
    let top: Vec<&String> = doc.as_object().unwrap().keys().collect();
    out.check(top == ["balances", "errors"], "keys balances, errors");
    out.check(doc["errors"] == Value::Array(vec![]), "no errors");
    let balances = doc["balances"].as_array().unwrap();
    out.check(
        balances.len() == SANDBOX_ACCOUNTS * 10,
        "12 accounts x 10 days",
    );
    let mut trailing_zeros = 0;
    for row in balances {
        let keys: Vec<&str> = row
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        out.check(keys == field_names(), "keys in the documented order");
        let currency = row["currency"].as_str().unwrap();
        for field in AMOUNT_FIELDS {
            // arbitrary_precision: a number's text is exactly what stdout carried.
            let number = row[field].as_number().expect("amounts are JSON numbers");
            let text = number.to_string();
            out.check(
                has_exact_places(&text, places_of(currency)),
                &format!("{currency} {field} {text} has the currency's digits"),
            );
            out.check(
                out.stdout.contains(&format!("\"{field}\":{text}")),
                &format!("{field} is written as {text} in the raw text"),
            );
            if places_of(currency) > 0 && text.ends_with('0') {
                trailing_zeros += 1;
            }
        }
    }
    out.check(
        trailing_zeros > 0,
        "some amounts end in 0 and keep that digit (the sample is big enough to have them)",
    );
}

#[test]
fn ndjson_is_one_row_object_per_line_with_the_same_keys_and_values_as_json() {
    let env = Home::for_test_profile();
    let args = ["--from", "2025-01-01", "--to", "2025-01-03"];
    let json = sandbox(&env, &[&args[..], &["-f", "json"]].concat());
    let ndjson = sandbox(&env, &[&args[..], &["-f", "ndjson"]].concat());
    ndjson.code(0).stderr_empty();
    let doc: Value = serde_json::from_str(&json.stdout).unwrap();
    let expected = doc["balances"].as_array().unwrap();
    let lines: Vec<&str> = ndjson.stdout.lines().collect();
    ndjson.check(lines.len() == SANDBOX_ACCOUNTS * 3, "one line per row");
    for (line, expected) in lines.iter().zip(expected) {
        let row: Value = serde_json::from_str(line).expect("each line is a JSON object");
        let keys: Vec<&str> = row
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        ndjson.check(keys == field_names(), "keys in the documented order");
        ndjson.check(
            serde_json::to_string(&row).unwrap() == serde_json::to_string(expected).unwrap(),
            &format!("the NDJSON row {line} is the JSON row"),
        );
    }
}

#[test]
fn sandbox_tokens_never_appear_even_at_trace_level() {
    let env = Home::for_test_profile();
    let out = run(env
        .cmd()
        .args(["--sandbox", "-vvv", "balances", "--prior-day", "-a", GBP_1]));
    out.code(0);
    out.check(!out.stderr.is_empty(), "trace logs on stderr");
    out.check(
        !out.stdout.contains("sbx-") && !out.stderr.contains("sbx-"),
        "no sandbox token printed",
    );
    // base64("sandbox:sandbox"), the sandbox's HTTP Basic credentials.
    out.check(
        !out.stderr.contains("c2FuZGJveDpzYW5kYm94"),
        "no Basic credentials printed",
    );
}

// ---- Each format, as snapshots of exit code, stdout and stderr ----------------------------------

/// `--sandbox balances` of one fixed day in every format, for four accounts: a credit in GBP, a
/// currency without decimals (JPY), one with three (BHD) and a debit (EUR).
#[test]
fn each_format_of_one_fixed_day_as_a_snapshot() {
    let home = Home::new();
    let accounts = [
        "-a",
        GBP_1,
        "-a",
        JPY_1,
        "-a",
        "9730000003",
        "-a",
        "491000000004",
    ];
    let day = ["--from", "2026-01-30", "--to", "2026-01-30"];
    for format in [
        "csv", "json", "ndjson", "bai2", "camt052", "camt053", "mt940",
    ] {
        let args = [
            &["--sandbox", "balances"],
            &accounts[..],
            &day,
            &["-f", format],
        ]
        .concat();
        let out = support::run(home.cmd().args(args));
        out.code(0);
        snapshot::assert_run(
            &format!("balances_format_{format}"),
            home.path(),
            out.code,
            &out.stdout,
            &out.stderr,
        );
    }
}

/// The other sandbox providers' current balances in JSON: the fields each provider fills and
/// leaves absent.
#[test]
fn each_sandbox_provider_in_json_as_a_snapshot() {
    let home = Home::new();
    for provider in ["finicity", "chase", "open-banking"] {
        let out = support::run(home.cmd().args([
            &format!("--sandbox={provider}"),
            "balances",
            "-f",
            "json",
        ]));
        snapshot::assert_with(
            snapshot::settings_for_today(home.path()),
            &format!("balances_format_json_{provider}"),
            out.code,
            &out.stdout,
            &out.stderr,
        );
    }
}
