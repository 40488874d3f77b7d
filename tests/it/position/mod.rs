//! `treasury position` end to end, real binary against real HTTP servers: the built-in sandbox
//! (J.P. Morgan and Finicity at once), `treasury sandbox serve`, and a closed port for a bank
//! that is down. Totals are recomputed here from the JSON rows with decimal arithmetic.

mod properties;
mod schema;

use crate::support;

use std::collections::BTreeMap;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::Value;
use support::{run, Home, ServedSandbox};

/// The ECB layout (`eurofxref.csv` as it comes): 1 EUR = RATE units of each currency.
const ECB: &str =
    "Date, USD, JPY, GBP, SGD, BHD, \n30 November 2026, 1.0500, 160.12, 0.8400, 1.4500, 0.3950, \n";
const ECB_WITHOUT_SGD: &str =
    "Date, USD, JPY, GBP, BHD, \n30 November 2026, 1.0500, 160.12, 0.8400, 0.3950, \n";

fn sandbox(home: &Home, args: &[&str]) -> support::Run {
    run(home.cmd().arg("--sandbox").arg("position").args(args))
}

/// A JSON number as the exact decimal it was written as.
fn dec(value: &Value) -> Decimal {
    Decimal::from_str(&value.to_string()).unwrap_or_else(|e| panic!("{value}: {e}"))
}

/// Sums of ending_ledger and ending_available per currency, from the rows, with the number of
/// rows and of absent (`null`) ending_available amounts, which the sums leave out.
fn sums(rows: &[Value]) -> BTreeMap<String, (Decimal, Decimal, usize, usize)> {
    let mut sums: BTreeMap<String, (Decimal, Decimal, usize, usize)> = BTreeMap::new();
    for row in rows {
        let entry = sums
            .entry(row["currency"].as_str().unwrap().to_string())
            .or_default();
        entry.0 += dec(&row["ending_ledger"]);
        match &row["ending_available"] {
            Value::Null => entry.3 += 1,
            amount => entry.1 += dec(amount),
        }
        entry.2 += 1;
    }
    sums
}

fn totals<'a>(doc: &'a Value, scope: &str) -> Vec<&'a Value> {
    doc["totals"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["scope"] == scope)
        .collect()
}

// ---- JSON Schema ---------------------------------------------------------------------------

const SCHEMA_BASE: &str = "https://treasury.invalid/schema/";

struct SchemaFiles;

impl jsonschema::Retrieve for SchemaFiles {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let name = uri.as_str().strip_prefix(SCHEMA_BASE).ok_or("not ours")?;
        Ok(load_schema(name))
    }
}

fn load_schema(name: &str) -> Value {
    let path = format!("{}/docs/schema/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn assert_valid(doc: &Value) {
    let validator = jsonschema::options()
        .with_base_uri(format!("{SCHEMA_BASE}position.schema.json"))
        .with_retriever(SchemaFiles)
        .build(&load_schema("position.schema.json"))
        .unwrap();
    let errors: Vec<String> = validator.iter_errors(doc).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "schema errors: {errors:?}\n{doc}");
}

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

// ---- configured profiles: one bank up, one down ---------------------------------------------

/// A loopback port nothing listens on.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

fn profile(name: &str, base: &str, token: &str) -> String {
    format!(
        "[profiles.{name}]\nbase_url = \"{base}\"\ntoken_url = \"{token}\"\nclient_id = \"sandbox\"\n\n"
    )
}

fn configured(home: &Home, args: &[&str]) -> support::Run {
    run(home
        .cmd()
        .env("TREASURY_CLIENT_SECRET", "sandbox")
        .args(["--retries", "1", "position"])
        .args(args))
}

#[test]
fn one_bank_down_is_named_and_the_rest_reported_with_exit_5() {
    let home = Home::new();
    let served = ServedSandbox::start(&home, ["--accounts", "3"]);
    let down = format!("http://127.0.0.1:{}", closed_port());
    home.write_config(&format!(
        "{}{}",
        profile("up", served.base_url(), &served.token_url()),
        profile("down", &down, &format!("{down}/oauth2/token"))
    ));
    let table = configured(&home, &["-p", "up", "-p", "down"]);
    table
        .code(5)
        .stderr_has("profile 'down' (jpmorgan) failed and is not in the totals")
        .stdout_has("Note: profile 'down' (jpmorgan) failed and is not in the totals")
        .stdout_has("INCOMPLETE");
    // Without -p every profile of the file, whatever TREASURY_PROFILE says.
    let json = run(home
        .cmd()
        .env("TREASURY_CLIENT_SECRET", "sandbox")
        .env("TREASURY_PROFILE", "up")
        .args(["--retries", "1", "position", "-f", "json"]));
    json.code(5);
    let doc = json.json();
    assert_valid(&doc);
    let rows = doc["balances"].as_array().unwrap();
    assert_eq!(rows.len(), 3, "{json}");
    assert!(rows.iter().all(|r| r["profile"] == "up"));
    let failed: Vec<&Value> = doc["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "profile")
        .collect();
    assert_eq!(failed.len(), 1, "{json}");
    assert_eq!(failed[0]["profile"], "down");
    assert_eq!(failed[0]["exit_code"], 6);
    assert!(totals(&doc, "currency")
        .iter()
        .all(|t| t["complete"] == false));
}

#[test]
fn every_bank_down_exits_with_the_first_ones_code_and_leaves_the_output_file() {
    let home = Home::new();
    // Two banks, both down (two profiles at one address would be refused as the same bank).
    let (down_a, down_b) = (
        format!("http://127.0.0.1:{}", closed_port()),
        format!("http://localhost:{}", closed_port()),
    );
    home.write_config(&format!(
        "{}{}",
        profile("a", &down_a, &format!("{down_a}/oauth2/token")),
        profile("b", &down_b, &format!("{down_b}/oauth2/token"))
    ));
    let report = home.write_file("position.json", "previous\n", 0o644);
    // -q keeps warnings quiet, not the profiles a report lacks.
    let out = configured(&home, &["-q", "-o", report.to_str().unwrap()]);
    out.code(6)
        .stderr_has("\nhint: check the network")
        .stderr_has("profile 'a' (jpmorgan) failed")
        .stderr_has("profile 'b' (jpmorgan) failed");
    assert_eq!(std::fs::read_to_string(&report).unwrap(), "previous\n");
}

#[test]
fn the_output_file_is_written_atomically_and_a_missing_profile_is_refused() {
    let home = Home::new();
    let served = ServedSandbox::start(&home, ["--accounts", "2"]);
    home.write_config(&profile("up", served.base_url(), &served.token_url()));
    let report = home.write_file("position.csv", "previous\n", 0o644);
    configured(&home, &["-o", report.to_str().unwrap()]).code(0);
    let written = std::fs::read_to_string(&report).unwrap();
    assert!(
        written.starts_with("profile,provider,account_id,"),
        "{written}"
    );
    assert_eq!(written.lines().count(), 3, "{written}");

    let sent = served.requests().len();
    let missing = configured(
        &home,
        &["-p", "up", "-p", "nope", "-o", report.to_str().unwrap()],
    );
    missing.code(2).stderr_has("no profile 'nope'");
    assert_eq!(std::fs::read_to_string(&report).unwrap(), written);
    std::thread::sleep(std::time::Duration::from_millis(200));
    assert_eq!(
        served.requests().len(),
        sent,
        "the refused run sent nothing"
    );
}

#[test]
fn dry_run_prints_each_profiles_plan_and_the_global_p_stays_single_elsewhere() {
    let home = Home::new();
    let out = sandbox(&home, &["--dry-run"]);
    out.code(0);
    let lines: Vec<Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // One plan per provider the sandbox serves, J.P. Morgan first.
    assert_eq!(lines.len(), treasury::sandbox::served().len(), "{out}");
    assert_eq!(lines[0]["profile"], "jpmorgan");
    assert_eq!(lines[0]["body"]["relativeDateType"], "CURRENT_DAY");
    assert_eq!(lines[1]["provider"], "finicity");
    run(home
        .cmd()
        .args(["--sandbox", "balances", "-p", "a", "-p", "b"]))
    .code(2)
    .stderr_has("cannot be used multiple times");
    sandbox(&home, &["-p", "no-such-bank"])
        .code(2)
        .stderr_has("the sandbox has no profile 'no-such-bank'");
}

#[test]
fn two_profiles_reaching_the_same_accounts_are_refused_not_counted_twice() {
    let home = Home::new();
    let base = "http://127.0.0.1:9";
    let token = "http://127.0.0.1:9/oauth2/token";
    home.write_config(&format!(
        "{}{}",
        profile("ops", base, token),
        profile("ops-copy", base, token)
    ));
    configured(&home, &[])
        .code(2)
        .stderr_has("profiles 'ops' and 'ops-copy' reach the same accounts (jpmorgan at http://127.0.0.1:9/)")
        .stderr_has("hint: pick one of them with -p");
    // One of them alone is fine as far as this check goes (the bank itself is down: exit 6).
    configured(&home, &["-p", "ops"]).code(6);
}

#[test]
fn a_currency_the_cached_accounts_hold_without_a_rate_is_refused_before_anything_is_sent() {
    let home = Home::new();
    let served = ServedSandbox::start(&home, [] as [&str; 0]);
    home.write_config(&profile("jpm", served.base_url(), &served.token_url()));
    // `accounts` caches the profile's list, SGD among its currencies.
    run(home
        .cmd()
        .env("TREASURY_CLIENT_SECRET", "sandbox")
        .args(["-p", "jpm", "accounts", "-f", "csv"]))
    .code(0)
    .stdout_has("SGD");
    let before = served.requests().len();
    let rates = home.write_file("rates.csv", ECB_WITHOUT_SGD, 0o600);
    let refused = configured(
        &home,
        &[
            "-p",
            "jpm",
            "--in",
            "EUR",
            "--rates",
            rates.to_str().unwrap(),
        ],
    );
    refused
        .code(2)
        .stderr_has("has no rate for SGD")
        .stderr_has("nothing was sent")
        .stderr_has("--skip-unrated");
    assert_eq!(
        served.requests().len(),
        before,
        "no request after the refusal"
    );
}
