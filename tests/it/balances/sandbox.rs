//! `treasury balances` against the built-in sandbox bank (`--sandbox`), and `--dry-run`, which
//! needs no bank at all: formats, dates, accounts, partial answers and report files.

use crate::support;
use crate::support::snapshot;

use serde_json::Value;
use support::{csv_rows, has_exact_places, places_of, run, split_csv_line, Home, CSV_HEADER};

const USD_1: &str = "000000010000000";
const GBP_1: &str = "0041000001";
const JPY_1: &str = "81007000002";
const UNKNOWN: &str = "99999999";

/// The sandbox's default book: two accounts at each of its six banks.
const SANDBOX_ACCOUNTS: usize = 12;
const AMOUNT_FIELDS: [&str; 4] = [
    "opening_available",
    "opening_ledger",
    "ending_available",
    "ending_ledger",
];

fn sandbox(env: &Home, args: &[&str]) -> support::Run {
    run(env.cmd().arg("--sandbox").arg("balances").args(args))
}

fn field_names() -> Vec<&'static str> {
    CSV_HEADER.split(',').collect()
}

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
fn three_day_range_for_one_account_gives_three_rows_in_ascending_dates() {
    let env = Home::for_test_profile();
    let out = sandbox(
        &env,
        &[
            "--from",
            "2025-03-01",
            "--to",
            "2025-03-03",
            "-a",
            GBP_1,
            "-f",
            "csv",
        ],
    );
    out.code(0).stderr_empty();
    let rows = csv_rows(&out.stdout);
    let keys: Vec<(&str, &str)> = rows.iter().map(|r| (&*r[0], &*r[6])).collect();
    out.check(
        keys == [
            (GBP_1, "2025-03-01"),
            (GBP_1, "2025-03-02"),
            (GBP_1, "2025-03-03"),
        ],
        "three rows, oldest first",
    );
}

#[test]
fn month_gives_every_day_of_the_calendar_month() {
    let env = Home::for_test_profile();
    let out = sandbox(&env, &["--month", "2025-01", "-a", JPY_1, "-f", "csv"]);
    out.code(0).stderr_empty();
    let dates: Vec<String> = csv_rows(&out.stdout)
        .into_iter()
        .map(|r| r[6].clone())
        .collect();
    let expected: Vec<String> = (1..=31).map(|d| format!("2025-01-{d:02}")).collect();
    out.check(dates == expected, "31 rows, 2025-01-01 to 2025-01-31");
}

#[test]
fn unknown_account_beside_a_known_one_warns_and_exits_5_with_the_known_rows() {
    let env = Home::for_test_profile();
    let out = sandbox(
        &env,
        &["--prior-day", "-a", UNKNOWN, "-a", USD_1, "-f", "csv"],
    );
    out.code(5);
    let rows = csv_rows(&out.stdout);
    out.check(
        rows.len() == 1 && rows[0][0] == USD_1,
        "the known account's row, and only it",
    );
    let warnings = out.stderr_lines("warning");
    out.check(
        warnings.len() == 1 && warnings[0].contains(UNKNOWN) && warnings[0].contains("GCA-010"),
        "one warning naming the unknown account and GCA-010",
    );
    out.check(out.stderr.lines().count() == 1, "nothing else on stderr");
}

#[test]
fn unknown_account_goes_to_the_json_errors_array() {
    let env = Home::for_test_profile();
    let out = sandbox(
        &env,
        &["--prior-day", "-a", USD_1, "-a", UNKNOWN, "-f", "json"],
    );
    out.code(5);
    let doc: Value = serde_json::from_str(&out.stdout).expect("a JSON document");
    out.check(
        doc["balances"].as_array().unwrap().len() == 1 && doc["balances"][0]["account_id"] == USD_1,
        "the known account's row",
    );
    let errors = doc["errors"].as_array().unwrap();
    out.check(errors.len() == 1, "one error");
    let keys: Vec<&str> = errors[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    out.check(
        keys == ["account_id", "bank_id", "code", "message"],
        "error keys as documented",
    );
    out.check(
        errors[0]["account_id"] == UNKNOWN && errors[0]["code"] == "GCA-010",
        "the error names the account and GCA-010",
    );
    out.check(
        out.stderr_lines("warning").len() == 1,
        "and one warning line on stderr",
    );
}

#[test]
fn only_unknown_accounts_exit_4_naming_gca_009() {
    let env = Home::for_test_profile();
    let out = sandbox(&env, &["--prior-day", "-a", UNKNOWN, "-a", "99999998"]);
    out.code(4).stdout_empty();
    out.check(
        out.stderr_lines("error")
            .first()
            .is_some_and(|l| l.contains("GCA-009")),
        "the error line names GCA-009",
    );
    out.check(
        out.stderr_lines("hint").len() == 1,
        "a hint with the next step",
    );
}

#[test]
fn output_file_gets_the_report_in_the_format_of_its_extension() {
    let env = Home::for_test_profile();
    for name in ["report.csv", "report.json", "report.ndjson"] {
        let out = sandbox(&env, &["--prior-day", "-o", name]);
        out.code(0).stdout_empty();
        out.check(
            out.stderr.trim_end() == format!("Wrote {SANDBOX_ACCOUNTS} rows to {name}"),
            "one note saying where the rows went",
        );
        let text = std::fs::read_to_string(env.path().join(name)).expect("the report file");
        out.check(
            is_report_for(name, &text),
            &format!("{name} holds:\n{text}"),
        );
    }
}

/// Whether `text` is a balance report in the format `name`'s extension names.
fn is_report_for(name: &str, text: &str) -> bool {
    let is_object = |l: &str| serde_json::from_str::<Value>(l).is_ok_and(|v| v.is_object());
    match name.rsplit('.').next() {
        Some("csv") => text.lines().next() == Some(CSV_HEADER),
        Some("json") => serde_json::from_str::<Value>(text).is_ok_and(|v| v["balances"].is_array()),
        Some("ndjson") => text.lines().count() == SANDBOX_ACCOUNTS && text.lines().all(is_object),
        _ => false,
    }
}

#[test]
fn output_into_a_missing_folder_exits_2_and_writes_nothing() {
    let env = Home::for_test_profile();
    let before = listing(env.path());
    let out = sandbox(&env, &["--prior-day", "-o", "missing/report.csv"]);
    out.code(2).stdout_empty();
    out.check(
        out.stderr_lines("error")
            .first()
            .is_some_and(|l| l.contains("missing/report.csv")),
        "the error names the path",
    );
    out.check(out.stderr_lines("hint").len() == 1, "and a way out");
    out.check(listing(env.path()) == before, "nothing written");
}

#[test]
fn failed_run_leaves_the_previous_output_file_byte_identical_and_no_temp_files() {
    let env = Home::for_test_profile();
    let old = b"account_id\r\nold report, kept byte for byte\xe2\x82\xac\n";
    let target = env.path().join("existing.csv");
    std::fs::write(&target, old).unwrap();
    let before = listing(env.path());
    let out = sandbox(&env, &["--prior-day", "-a", UNKNOWN, "-o", "existing.csv"]);
    out.code(4).stdout_empty();
    out.stderr_has("GCA-009");
    out.check(
        std::fs::read(&target).unwrap() == old,
        "the previous report is untouched",
    );
    out.check(
        listing(env.path()) == before,
        "no temporary file left beside it",
    );
}

fn listing(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// `--dry-run` with no config file, no profile and no credentials at all.
fn dry_run(args: &[&str]) -> support::Run {
    let env = Home::for_test_profile();
    run(env.bare_cmd().arg("balances").arg("--dry-run").args(args))
}

#[test]
fn dry_run_prints_one_account_list_entry_per_account_with_bank_ids_where_given() {
    let out = dry_run(&["--prior-day", "-a", "02100002/123", "-a", "456"]);
    out.code(0).stderr_empty();
    out.check(
        out.stdout
            == "{\"relativeDateType\":\"PRIOR_DAY\",\"accountList\":[{\"accountId\":\"123\",\"bankId\":\"02100002\"},{\"accountId\":\"456\"}]}\n",
        "the exact body",
    );
}

#[test]
fn dry_run_of_a_lone_date_sends_both_ends_31_days_apart() {
    let cases = [
        (
            &["--from", "2026-01-01"][..],
            "{\"startDate\":\"2026-01-01\",\"endDate\":\"2026-02-01\"}\n",
        ),
        (
            &["--to", "2026-03-01"][..],
            "{\"startDate\":\"2026-01-29\",\"endDate\":\"2026-03-01\"}\n",
        ),
        (
            &["--month", "2024-02"][..],
            "{\"startDate\":\"2024-02-01\",\"endDate\":\"2024-02-29\"}\n",
        ),
        (&[][..], "{\"relativeDateType\":\"CURRENT_DAY\"}\n"),
    ];
    for (args, expected) in cases {
        let out = dry_run(args);
        out.code(0).stderr_empty();
        out.check(
            out.stdout == expected,
            &format!("{args:?} gives {expected}"),
        );
    }
}

#[test]
fn dry_run_with_split_prints_one_body_per_31_day_window() {
    let out = dry_run(&[
        "--from",
        "2026-01-01",
        "--to",
        "2026-03-31",
        "--split",
        "-a",
        "1",
    ]);
    out.code(0).stderr_empty();
    out.check(
        out.stdout
            == "{\"startDate\":\"2026-01-01\",\"endDate\":\"2026-02-01\",\"accountList\":[{\"accountId\":\"1\"}]}\n\
                {\"startDate\":\"2026-02-02\",\"endDate\":\"2026-03-05\",\"accountList\":[{\"accountId\":\"1\"}]}\n\
                {\"startDate\":\"2026-03-06\",\"endDate\":\"2026-03-31\",\"accountList\":[{\"accountId\":\"1\"}]}\n",
        "three windows covering each day once",
    );
}

/// The sandbox's accounts as `treasury --sandbox accounts -f csv` prints them.
fn sandbox_accounts_csv(env: &Home) -> String {
    let out = run(env.cmd().args(["--sandbox", "accounts", "-f", "csv"]));
    out.code(0).stderr_empty();
    out.stdout
}

fn balances_for_accounts_on_stdin(env: &Home, stdin: String) -> support::Run {
    run(env
        .cmd()
        .args([
            "--sandbox",
            "balances",
            "--prior-day",
            "--accounts-file",
            "-",
            "-f",
            "csv",
        ])
        .write_stdin(stdin))
}

#[test]
fn accounts_csv_with_its_header_on_stdin_selects_exactly_those_accounts() {
    let env = Home::for_test_profile();
    let accounts = sandbox_accounts_csv(&env);
    let mut lines = accounts.lines();
    let header = lines.next().unwrap();
    let picked: Vec<&str> = lines
        .filter(|l| l.contains("GBP") || l.contains("JPY"))
        .collect();
    let expected: Vec<String> = picked
        .iter()
        .map(|l| split_csv_line(l)[0].clone())
        .collect();
    let stdin = format!("{header}\n{}\n", picked.join("\n"));
    let out = balances_for_accounts_on_stdin(&env, stdin);
    out.code(0).stderr_empty();
    let got: Vec<String> = csv_rows(&out.stdout)
        .into_iter()
        .map(|r| r[0].clone())
        .collect();
    out.check(
        expected.len() == 4 && got == expected,
        &format!("rows for exactly {expected:?}, in that order"),
    );
}

#[test]
fn accounts_csv_without_header_on_stdin_selects_exactly_those_accounts() {
    let env = Home::for_test_profile();
    let accounts = sandbox_accounts_csv(&env);
    // As `treasury accounts -f csv | grep GBP | treasury balances --accounts-file -` does.
    let picked: Vec<&str> = accounts.lines().filter(|l| l.contains("GBP")).collect();
    let expected: Vec<String> = picked
        .iter()
        .map(|l| split_csv_line(l)[0].clone())
        .collect();
    let out = balances_for_accounts_on_stdin(&env, format!("{}\n", picked.join("\n")));
    out.code(0).stderr_empty();
    let got: Vec<String> = csv_rows(&out.stdout)
        .into_iter()
        .map(|r| r[0].clone())
        .collect();
    out.check(
        expected.len() == 2 && got == expected,
        &format!("rows for exactly {expected:?}"),
    );
}

#[test]
fn partial_answer_still_writes_the_output_file_and_exits_5() {
    let env = Home::for_test_profile();
    let out = sandbox(
        &env,
        &["--prior-day", "-a", USD_1, "-a", UNKNOWN, "-o", "part.csv"],
    );
    out.code(5).stdout_empty();
    out.check(
        out.stderr_lines("warning").len() == 1 && out.stderr.contains("Wrote 1 row to part.csv"),
        "a warning for the unknown account and a note for the file",
    );
    let text = std::fs::read_to_string(env.path().join("part.csv")).unwrap();
    out.check(
        text.lines().count() == 2 && text.lines().nth(1).unwrap().starts_with(USD_1),
        &format!("the known account's row in the file:\n{text}"),
    );
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

#[test]
fn split_report_names_an_unknown_account_once() {
    let env = Home::for_test_profile();
    let out = sandbox(
        &env,
        &[
            "--from",
            "2025-01-01",
            "--to",
            "2025-03-31",
            "--split",
            "-a",
            GBP_1,
            "-a",
            UNKNOWN,
            "-f",
            "json",
        ],
    );
    out.code(5);
    let doc: Value = serde_json::from_str(&out.stdout).expect("a JSON document");
    out.check(
        doc["balances"].as_array().unwrap().len() == 90,
        "90 days of the known account",
    );
    out.check(
        doc["errors"].as_array().unwrap().len() == 1,
        "one error for the unknown account",
    );
    out.check(
        out.stderr_lines("warning").len() == 1,
        "one warning line for the unknown account",
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
