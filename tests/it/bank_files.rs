//! Bank files (`-f bai2|camt052|camt053|mt940`, WORKFLOW.md section 2) written by the real
//! binary, each read back by a reader nobody on this project wrote (`tests/validators/`): the
//! strict `bai2` parser, the ISO 20022 XSDs and `sta2json --strict`. Every value in a file must
//! equal the CSV of the same request, digit for digit; absent amounts are left out, zeros kept.

use crate::support;
use support::{found, readers};

use std::path::Path;
use std::str::FromStr;

use found::{found_in_bai2, found_in_camt, found_in_mt940, rows_of_csv, Row, FIELDS};
use readers::{readers, Camt};
use serde_json::{json, Value};
use support::{run, Home, Reply, Run, TestBank};
const PROVIDERS: [&str; 4] = ["jpmorgan", "finicity", "chase", "open-banking"];

/// A bank-file format, and what the tests need to know of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Bai2,
    Camt052,
    Camt053,
    Mt940,
}

impl Format {
    fn flag(self) -> &'static str {
        match self {
            Format::Bai2 => "bai2",
            Format::Camt052 => "camt052",
            Format::Camt053 => "camt053",
            Format::Mt940 => "mt940",
        }
    }

    /// The balances the format carries (MT940 has no place for the opening available one).
    fn carried(self) -> &'static [&'static str] {
        match self {
            Format::Mt940 => &FIELDS[1..],
            _ => &FIELDS,
        }
    }
}

/// Reads `file` with the format's independent reader and checks it holds exactly the CSV's
/// rows (less the `refused` accounts), each amount digit for digit, absent ones left out.
fn check_file(format: Format, file: &Path, expected: &[Row], refused: &[&str]) -> Value {
    let readers = readers();
    let (value, found) = match format {
        Format::Bai2 => {
            let v = readers.bai2(file);
            let f = found_in_bai2(&v, expected);
            (v, f)
        }
        Format::Camt052 | Format::Camt053 => {
            let kind = match format {
                Format::Camt052 => Camt::Report052,
                _ => Camt::Statement053,
            };
            let v = readers.camt(kind, file);
            let f = found_in_camt(&v, expected);
            (v, f)
        }
        Format::Mt940 => {
            let v = readers.mt940(file);
            let f = found_in_mt940(&v);
            (v, f)
        }
    };
    let kept: Vec<&Row> = expected
        .iter()
        .filter(|r| !refused.contains(&r.account.as_str()))
        .collect();
    assert_eq!(
        found.len(),
        kept.len(),
        "{format:?}: rows in the file: {found:?}"
    );
    for row in kept {
        let amounts = &found[&(row.account.clone(), row.date.clone())];
        for field in format.carried() {
            let want = row.amounts[field].as_deref();
            let got = amounts.get(field).map(String::as_str);
            // Digit for digit; and what the bank did not send is not in the file.
            assert_eq!(got, want, "{format:?} {} {} {field}", row.account, row.date);
        }
    }
    value
}

fn sandbox(env: &Home, provider: &str, args: &[&str]) -> Run {
    let flag = format!("--sandbox={provider}");
    run(env.bare_cmd().arg(&flag).arg("balances").args(args))
}

/// The accounts a run's stderr names with a `FORMAT` error.
fn format_errors(out: &Run) -> Vec<String> {
    out.stderr
        .lines()
        .filter(|l| l.contains(": FORMAT "))
        .map(|l| {
            let account = l
                .split("account ")
                .nth(1)
                .unwrap()
                .split(':')
                .next()
                .unwrap();
            account.rsplit('/').next().unwrap().to_string()
        })
        .collect()
}

/// Writes `format` for the request and checks it against the CSV of the same request.
fn compare_with_csv(env: &Home, provider: &str, args: &[&str], format: Format) -> (Run, Vec<Row>) {
    let csv = sandbox(env, provider, &[args, &["-f", "csv"]].concat());
    let expected = rows_of_csv(&csv.stdout, 0);
    assert!(!expected.is_empty(), "{csv}");
    let name = format!("{provider}-{}.out", format.flag());
    let out = sandbox(
        env,
        provider,
        &[args, &["-f", format.flag(), "-o", &name]].concat(),
    );
    let refused = format_errors(&out);
    let want_code = if refused.is_empty() { csv.code } else { 5 };
    out.code(want_code);
    out.stdout_empty();
    let refused: Vec<&str> = refused.iter().map(String::as_str).collect();
    check_file(format, &env.path().join(&name), &expected, &refused);
    (out, expected)
}

#[test]
fn current_day_reports_of_every_provider_pass_the_readers_in_bai2_and_camt052() {
    let env = Home::for_test_profile();
    let mut all = Vec::new();
    for provider in PROVIDERS {
        for format in [Format::Bai2, Format::Camt052] {
            let (out, rows) = compare_with_csv(&env, provider, &[], format);
            if provider == "open-banking" {
                // EUR 1.005: three fraction digits where EUR has two.
                out.stderr_has("account EUR-0002: FORMAT");
                out.stderr_has("1.005 has more fraction digits than EUR has (2, ISO 4217)");
            }
            all.extend(rows);
        }
    }
    let amounts: Vec<&String> = all
        .iter()
        .flat_map(|r| r.amounts.values().flatten())
        .collect();
    // The cases the comparison above covered: each must be there.
    assert!(
        all.iter().any(|r| r.amounts.values().any(Option::is_none)),
        "an absent amount"
    );
    assert!(
        amounts.iter().any(|a| a.starts_with('-')),
        "a negative balance"
    );
    assert!(amounts.iter().any(|a| *a == "0"), "a JPY zero");
    assert!(amounts.iter().any(|a| *a == "0.000"), "a BHD zero");
    assert!(
        amounts
            .iter()
            .any(|a| a.split_once('.').is_some_and(|(_, f)| f.len() == 3)),
        "BHD"
    );
}

#[test]
fn prior_day_and_ranges_of_jpmorgan_pass_the_readers_in_every_format() {
    let env = Home::for_test_profile();
    for format in [
        Format::Bai2,
        Format::Camt052,
        Format::Camt053,
        Format::Mt940,
    ] {
        compare_with_csv(&env, "jpmorgan", &["--prior-day"], format);
        compare_with_csv(
            &env,
            "jpmorgan",
            &["--from", "2026-01-01", "--to", "2026-01-03"],
            format,
        );
    }
    let text = std::fs::read_to_string(env.path().join("jpmorgan-bai2.out")).unwrap();
    // One group per bank and day: six banks, three days.
    assert_eq!(
        text.lines().filter(|l| l.starts_with("02,")).count(),
        18,
        "{text}"
    );
    let mt940 = std::fs::read_to_string(env.path().join("jpmorgan-mt940.out")).unwrap();
    assert!(
        mt940.starts_with(":20:") && !mt940.contains("\n-"),
        "{mt940}"
    );
    assert!(
        mt940.contains("JPY") && mt940.contains(",\r\n"),
        "JPY amounts end at the comma"
    );
}

#[test]
fn end_of_day_formats_refuse_a_request_for_today_before_anything_is_sent() {
    let bank = TestBank::start();
    let env = Home::with_bank(&bank);
    for (format, label) in [("camt053", "camt.053"), ("mt940", "MT940")] {
        for dates in [&[][..], &["--current"][..]] {
            let out = run(env
                .cmd()
                .args(["balances", "-f", format, "-o", "r.out"])
                .args(dates));
            out.code(2).stdout_empty();
            out.stderr_has(&format!("error: {label} carries closed days only"));
            out.stderr_has("hint: write today's balances with -f camt052 or -f bai2");
        }
    }
    assert!(bank.requests().is_empty(), "nothing was sent");
    assert!(!env.path().join("r.out").exists());
    let position = run(env
        .bare_cmd()
        .args(["--sandbox", "position", "-f", "mt940"]));
    position
        .code(2)
        .stderr_has("MT940 carries closed days only");
}

/// A J.P. Morgan answer: one USD account with these balances per as-of date.
fn answer(account: &str, currency: (&str, u32), days: &[(&str, bool, [Value; 4])]) -> Value {
    let balances: Vec<Value> = days
        .iter()
        .map(|(date, current, [oa, ol, ea, el])| {
            json!({"asOfDate": date, "recordTimestamp": format!("{date}T18:00:00Z"),
                   "currentDay": current, "openingAvailableAmount": oa, "openingLedgerAmount": ol,
                   "endingAvailableAmount": ea, "endingLedgerAmount": el})
        })
        .collect();
    json!({"accountId": account, "accountName": format!("ACCOUNT {account}"), "branchId": "",
           "bankId": "CHASUS33", "bankName": "TEST BANK",
           "currency": {"code": currency.0, "currencySequence": 0, "decimalLocation": currency.1,
                        "description": ""},
           "balanceList": balances})
}

fn reply(accounts: Vec<Value>) -> Reply {
    Reply::json(200, json!({ "accountList": accounts }).to_string())
}

#[test]
fn a_current_day_row_in_a_range_is_a_format_error_and_the_rest_is_written() {
    let bank = TestBank::start();
    let env = Home::with_bank(&bank);
    let n = |v: &str| Value::from_str(v).unwrap();
    let day = |d, current| (d, current, [n("1.00"), n("2.00"), n("3.00"), n("-4.00")]);
    bank.reply(reply(vec![
        answer(
            "100",
            ("USD", 2),
            &[day("2026-01-01", false), day("2026-01-02", true)],
        ),
        answer("200", ("USD", 2), &[day("2026-01-01", false)]),
    ]));
    for format in [Format::Camt053, Format::Mt940] {
        let name = format!("range.{}", format.flag());
        let out = run(env
            .cmd()
            .args(["balances", "--from", "2026-01-01", "--to", "2026-01-02"])
            .args(["-f", format.flag(), "-o", &name]));
        out.code(5);
        out.stderr_has("account CHASUS33/100: FORMAT");
        out.stderr_has(
            "2026-01-02: a current-day balance, and this format carries closed days only",
        );
        let file = env.path().join(&name);
        let value = match format {
            Format::Mt940 => readers().mt940(&file),
            _ => readers().camt(Camt::Statement053, &file),
        };
        let count = value
            .as_array()
            .or(value["entries"].as_array())
            .unwrap()
            .len();
        assert_eq!(count, 2, "the two closed days are written");
    }
}

#[test]
fn amounts_a_format_cannot_carry_exactly_are_refused_never_rounded() {
    let bank = TestBank::start();
    let env = Home::with_bank(&bank);
    let n = |v: &str| Value::from_str(v).unwrap();
    let closed = |amounts| [("2026-01-01", false, amounts)];
    bank.reply(reply(vec![
        answer(
            "FINE",
            ("USD", 2),
            &closed([n("1"), n("2"), n("3"), n("4")]),
        ),
        answer(
            "FINER",
            ("USD", 2),
            &closed([n("1.005"), n("2"), n("3"), n("4")]),
        ),
        answer(
            "YEN",
            ("JPY", 0),
            &closed([n("1500"), n("1500"), n("1500.5"), n("1500")]),
        ),
        answer(
            "HUGE",
            ("USD", 2),
            &closed([n("1"), n("1234567890123.45"), n("3"), n("4")]),
        ),
        answer(
            "VAST",
            ("USD", 2),
            &closed([n("1"), n("12345678901234567.89"), n("3"), n("4")]),
        ),
    ]));
    // (format, accounts refused, a limit named); MT940 has no place for FINER's opening
    // available balance, so its three decimals are not written, and its row is exact.
    let cases = [
        (
            Format::Bai2,
            vec!["FINER", "YEN"],
            "1.005 has more fraction digits than USD has",
        ),
        (
            Format::Camt053,
            vec!["FINER", "YEN", "VAST"],
            "has 19 digits; camt amounts have at most 18",
        ),
        (
            Format::Mt940,
            vec!["YEN", "HUGE", "VAST"],
            "takes 16 characters; MT940 amounts have at most 15",
        ),
    ];
    for (format, refused, limit) in cases {
        let name = format!("limits.{}", format.flag());
        let out =
            run(env
                .cmd()
                .args(["balances", "--prior-day", "-f", format.flag(), "-o", &name]));
        out.code(5).stderr_has(limit);
        assert_eq!(format_errors(&out), refused, "{out}");
        let csv = run(env.cmd().args(["balances", "--prior-day", "-f", "csv"]));
        check_file(
            format,
            &env.path().join(&name),
            &rows_of_csv(&csv.stdout, 0),
            &refused,
        );
    }
}

#[test]
fn a_report_whose_every_row_is_refused_writes_nothing() {
    let bank = TestBank::start();
    let env = Home::with_bank(&bank);
    let n = |v: &str| Value::from_str(v).unwrap();
    bank.reply(reply(vec![answer(
        "ONLY",
        ("USD", 2),
        &[("2026-01-01", false, [n("1"), Value::Null, n("3"), n("4")])],
    )]));
    std::fs::write(env.path().join("old.sta"), "kept").unwrap();
    let out = run(env.cmd().args(["balances", "--prior-day", "-o", "old.sta"]));
    out.code(5);
    out.stderr_has(
        "MT940 needs both ledger balances and the bank did not send opening_ledger (:60F:)",
    );
    out.stderr_has("old.sta is left as it was");
    assert_eq!(
        std::fs::read_to_string(env.path().join("old.sta")).unwrap(),
        "kept"
    );
}

#[test]
fn the_output_extension_picks_bai2_or_mt940_and_xml_needs_a_format() {
    let env = Home::for_test_profile();
    for (name, first) in [
        ("r.bai", "01,"),
        ("r.BAI2", "01,"),
        ("r.sta", ":20:"),
        ("r.mt940", ":20:"),
    ] {
        let out = sandbox(&env, "jpmorgan", &["--prior-day", "-o", name]);
        out.code(0);
        let text = std::fs::read_to_string(env.path().join(name)).unwrap();
        assert!(text.starts_with(first), "{name}: {text}");
    }
    let out = sandbox(&env, "jpmorgan", &["--prior-day", "-o", "r.xml"]);
    out.code(2);
    out.stderr_has("--output r.xml is XML, which is camt.052 or camt.053: say which with -f camt052 or -f camt053");
    assert!(!env.path().join("r.xml").exists());
    let accounts = run(env.bare_cmd().args(["--sandbox", "accounts", "-f", "bai2"]));
    accounts
        .code(2)
        .stderr_has("BAI2 is a bank file of balances");
}

#[test]
fn export_ids_name_sender_and_receiver_and_every_camt_file_gets_its_own_message_id() {
    let env = Home::for_test_profile();
    let config = env.path().join("export.toml");
    std::fs::write(
        &config,
        "[export]\nsender_id = \"ACME\"\nreceiver_id = \"TMS-1\"\n",
    )
    .unwrap();
    let with_config = |args: &[&str]| {
        run(env
            .bare_cmd()
            .env("TREASURY_CONFIG", &config)
            .arg("--sandbox")
            .arg("balances")
            .args(args))
    };
    with_config(&["-o", "a.bai"]).code(0);
    let bai2 = readers().bai2(&env.path().join("a.bai"));
    assert_eq!(
        (bai2["sender"].as_str(), bai2["receiver"].as_str()),
        (Some("ACME"), Some("TMS-1"))
    );
    let mut ids = Vec::new();
    for name in ["a.xml", "b.xml"] {
        with_config(&["-f", "camt052", "-o", name]).code(0);
        let camt = readers().camt(Camt::Report052, &env.path().join(name));
        assert_eq!(camt["receiver"], "TMS-1");
        ids.push(camt["message_id"].as_str().unwrap().to_string());
    }
    assert_ne!(ids[0], ids[1], "a new MsgId per file");
    // Without [export]: TREASURY from the profile (`sandbox` with --sandbox).
    sandbox(&env, "jpmorgan", &["-o", "d.bai"]).code(0);
    let bai2 = readers().bai2(&env.path().join("d.bai"));
    assert_eq!(
        (bai2["sender"].as_str(), bai2["receiver"].as_str()),
        (Some("TREASURY"), Some("sandbox"))
    );
    std::fs::write(&config, "[export]\nreceiver_id = \"A/B\"\n").unwrap();
    let bad = with_config(&["-o", "e.bai"]);
    bad.code(2)
        .stderr_has("[export] receiver_id 'A/B' cannot go in a bank file");
}

#[test]
fn a_position_is_written_as_a_bank_file_row_by_row() {
    let env = Home::for_test_profile();
    let position = |args: &[&str]| run(env.bare_cmd().arg("--sandbox").arg("position").args(args));
    let csv = position(&["-f", "csv"]);
    let expected = rows_of_csv(&csv.stdout, 2);
    let out = position(&["-f", "bai2", "-o", "p.bai"]);
    out.code(5);
    let bai2 = check_file(
        Format::Bai2,
        &env.path().join("p.bai"),
        &expected,
        &["EUR-0002"],
    );
    assert_eq!(
        bai2["receiver"], "TREASURY",
        "a position over several profiles"
    );
    let csv = position(&["-p", "jpmorgan", "--prior-day", "-f", "csv"]);
    let expected = rows_of_csv(&csv.stdout, 2);
    position(&["-p", "jpmorgan", "--prior-day", "-o", "p.sta"]).code(0);
    check_file(Format::Mt940, &env.path().join("p.sta"), &expected, &[]);
    position(&[
        "-p",
        "jpmorgan",
        "--prior-day",
        "-f",
        "camt053",
        "-o",
        "p.xml",
    ])
    .code(0);
    let camt = check_file(Format::Camt053, &env.path().join("p.xml"), &expected, &[]);
    assert_eq!(camt["receiver"], "jpmorgan", "a position of one profile");
    position(&["--totals-only", "-f", "bai2"]).code(2);
}
