//! Data correctness at the edges (issue 14): every requested account ends as a row or an error,
//! duplicates are dropped or refused, the account cache belongs to one bank, `--split` batches
//! fail on their own, dates stay in the API's range, and quoted input stays short.

use crate::support;

use serde_json::Value;
use support::{answer_for, balances, csv_rows, keys, run, Home, Reply, TestBank, CSV_HEADER};

pub(super) const DAY: &str = "2026-01-05";

pub(super) fn one_day(extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = ["-f", "csv", "--from", DAY, "--to", DAY]
        .iter()
        .map(|s| s.to_string())
        .collect();
    args.extend(extra.iter().map(|s| s.to_string()));
    args
}

pub(super) fn balances_of(env: &Home, args: &[String]) -> support::Run {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    balances(env, &args)
}

/// An answer whose `accountList` is exactly these entries.
pub(super) fn answer_of(entries: Vec<Value>) -> Reply {
    Reply::json(
        200,
        serde_json::json!({ "accountList": entries }).to_string(),
    )
}

/// The `accountList` entries of an `answer_for` answer.
pub(super) fn entries_for(accounts: &[(&str, &str)], dates: &[&str]) -> Vec<Value> {
    let reply = answer_for(accounts, dates);
    let body: Value = serde_json::from_str(&reply.body).unwrap();
    body["accountList"].as_array().unwrap().clone()
}

// Bullet 1: an account the bank leaves out of a 200 answer.

#[test]
fn an_account_left_out_of_the_answer_is_a_missing_error_exit_5() {
    let bank = TestBank::start();
    bank.reply(answer_for(&[("1001", "B")], &[DAY]));
    let env = Home::with_bank(&bank);
    let out = balances_of(&env, &one_day(&["-a", "1001", "-a", "1002"]));
    out.code(5);
    out.check(
        keys(&out.stdout) == [("1001".to_string(), DAY.to_string())],
        "the one answered row",
    );
    out.check(
        out.stderr_lines("warning")
            == ["warning: account 1002: MISSING the bank's answer left this account out"],
        "one line naming the left-out account",
    );
}

#[test]
fn a_missing_account_shows_in_the_json_errors() {
    let bank = TestBank::start();
    bank.reply(answer_for(&[("1001", "B")], &[DAY]));
    let env = Home::with_bank(&bank);
    let mut args = one_day(&["-a", "B/1001", "-a", "C/1002"]);
    args[1] = "json".into();
    let out = balances_of(&env, &args);
    out.code(5);
    let doc: Value = serde_json::from_str(&out.stdout).expect("a JSON report");
    let errors = doc["errors"].as_array().expect("an errors array");
    out.check(errors.len() == 1, "one error");
    out.check(
        errors[0]["account_id"] == "1002"
            && errors[0]["bank_id"] == "C"
            && errors[0]["code"] == "MISSING",
        "the error names the account, its bank and MISSING",
    );
}

#[test]
fn an_account_without_bank_id_is_answered_by_its_id_alone() {
    let bank = TestBank::start();
    bank.reply(answer_for(&[("1001", "B"), ("1002", "C")], &[DAY]));
    let env = Home::with_bank(&bank);
    let out = balances_of(&env, &one_day(&["-a", "1001", "-a", "C/1002"]));
    out.code(0).stderr_empty();
    out.check(csv_rows(&out.stdout).len() == 2, "two rows");
}

// Bullet 2: the same account twice.

#[test]
fn one_account_typed_in_two_forms_is_one_row_with_a_warning() {
    let bank = TestBank::start();
    // The bank answers each entry of the request: the same account twice.
    bank.reply(answer_for(
        &[("0041000001", "CHASGB2L"), ("0041000001", "CHASGB2L")],
        &[DAY],
    ));
    let env = Home::with_bank(&bank);
    let out = balances_of(
        &env,
        &one_day(&["-a", "0041000001", "-a", "CHASGB2L/0041000001"]),
    );
    out.code(0);
    out.check(
        keys(&out.stdout) == [("0041000001".to_string(), DAY.to_string())],
        "one row",
    );
    let warnings = out.stderr_lines("warning");
    out.check(
        warnings.len() == 1
            && warnings[0].contains("account CHASGB2L/0041000001 came back more than once"),
        "one warning naming the account",
    );
}

#[test]
fn the_total_counts_a_twice_typed_account_once() {
    let bank = TestBank::start();
    bank.reply(answer_for(
        &[("0041000001", "CHASGB2L"), ("0041000001", "CHASGB2L")],
        &[DAY],
    ));
    let env = Home::with_bank(&bank);
    let out = run(env
        .cmd()
        .args([
            "balances", "--totals", "last", "-f", "table", "--from", DAY, "--to", DAY,
        ])
        .args(["-a", "0041000001", "-a", "CHASGB2L/0041000001"]));
    out.code(0);
    // answer_for's ending available amount is 3.
    out.check(
        out.stdout
            .lines()
            .any(|l| l.contains("TOTAL") && l.contains("1 account") && l.contains("3.00"))
            && !out.stdout.contains("6.00"),
        "the USD total is one account's balance",
    );
}

#[test]
fn identical_duplicates_inside_the_answer_are_dropped_with_one_warning() {
    let bank = TestBank::start();
    let mut entries = entries_for(&[("1", "B"), ("2", "B")], &[DAY, "2026-01-06"]);
    entries.push(entries[0].clone());
    entries.push(entries[0].clone());
    bank.reply(answer_of(entries));
    let env = Home::with_bank(&bank);
    let out = run(env
        .cmd()
        .args(["balances", "-f", "csv", "--from", DAY, "--to", "2026-01-06"]));
    out.code(0);
    out.check(
        out.stdout.lines().next() == Some(CSV_HEADER),
        "a CSV report",
    );
    out.check(csv_rows(&out.stdout).len() == 4, "two accounts, two days");
    out.check(
        out.stderr_lines("warning")
            == ["warning: account B/1 came back more than once (4 duplicate rows dropped): it was asked for in two forms, or the bank repeated it; showing it once"],
        "one warning counting the dropped rows",
    );
}

#[test]
fn conflicting_duplicates_are_a_malformed_answer_exit_6_and_no_report() {
    let bank = TestBank::start();
    let mut entries = entries_for(&[("1", "B")], &[DAY]);
    let mut other = entries[0].clone();
    other["balanceList"][0]["endingLedgerAmount"] = serde_json::json!(999);
    entries.push(other);
    bank.reply(answer_of(entries));
    let env = Home::with_bank(&bank);
    let out = run(env
        .cmd()
        .args(["balances", "-o", "report.csv", "--from", DAY, "--to", DAY]));
    out.code(6).stdout_empty();
    out.check(
        out.stderr_lines("error")
            .first()
            .is_some_and(|l| l.contains("malformed") && l.contains("B/1") && l.contains(DAY)),
        "the error names the account and the date",
    );
    out.check(out.stderr_lines("hint").len() == 1, "and a way out");
    out.check(!env.path().join("report.csv").exists(), "no report written");
}

#[test]
fn the_cache_makes_two_forms_one_request_entry() {
    let bank = TestBank::start();
    bank.reply(answer_for(&[("0041000001", "CHASGB2L")], &[DAY]));
    let env = Home::with_bank(&bank);
    run(env.cmd().arg("accounts")).code(0);
    let out = balances_of(
        &env,
        &one_day(&["-a", "0041000001", "-a", "CHASGB2L/0041000001"]),
    );
    out.code(0);
    out.check(csv_rows(&out.stdout).len() == 1, "one row");
    let bodies = bank.balance_bodies();
    out.check(
        bodies.last().unwrap()["accountList"]
            == serde_json::json!([{"accountId": "0041000001", "bankId": "CHASGB2L"}]),
        "asked for once",
    );
    out.check(
        out.stderr_lines("warning").len() == 1 && out.stderr.contains("given more than once"),
        "with one warning",
    );
}

// Bullet 3: the account cache belongs to the bank it came from.

fn cache_file(env: &Home) -> std::path::PathBuf {
    env.path().join("cache/treasury/accounts/test.json")
}

#[test]
fn a_cache_from_another_base_url_is_ignored_and_rewritten() {
    let old_bank = TestBank::start();
    old_bank.reply(answer_for(&[("OLD-1", "OLDBANK")], &[DAY]));
    let new_bank = TestBank::start();
    new_bank.reply(answer_for(&[("NEW-1", "NEWBANK")], &[DAY]));
    let env = Home::with_bank(&old_bank);
    let first = run(env.cmd().args(["accounts", "-f", "csv"]));
    first.code(0).stdout_has("OLD-1");
    // The profile now points at another bank: its cached list must not be shown.
    env.write_bank_profile(&new_bank.base_url(), &new_bank.token_url());
    let out = run(env.cmd().args(["accounts", "-f", "csv"]));
    out.code(0).stderr_empty();
    out.check(
        out.stdout.contains("NEW-1") && !out.stdout.contains("OLD-1"),
        "the new bank's accounts",
    );
    out.check(
        new_bank.balance_bodies().len() == 1,
        "the new bank was asked",
    );
    let cache = std::fs::read_to_string(cache_file(&env)).unwrap();
    out.check(
        cache.contains("NEW-1") && !cache.contains("OLD-1") && cache.contains(&new_bank.base_url()),
        &format!("the cache is rewritten with its origin: {cache}"),
    );
    // And the rewritten cache is used again.
    let again = run(env.cmd().args(["accounts", "-f", "csv"]));
    again.code(0).stdout_has("NEW-1");
    again.check(new_bank.balance_bodies().len() == 1, "from the cache");
}

#[test]
fn balances_does_not_fill_bank_ids_from_another_banks_cache() {
    let old_bank = TestBank::start();
    old_bank.reply(answer_for(&[("1001", "OLDBANK")], &[DAY]));
    let new_bank = TestBank::start();
    new_bank.reply(answer_for(&[("1001", "NEWBANK")], &[DAY]));
    let env = Home::with_bank(&old_bank);
    run(env.cmd().arg("accounts")).code(0);
    env.write_bank_profile(&new_bank.base_url(), &new_bank.token_url());
    let out = balances_of(&env, &one_day(&["-a", "1001"]));
    out.code(0).stderr_empty();
    out.check(
        new_bank.balance_bodies()[0]["accountList"] == serde_json::json!([{"accountId": "1001"}]),
        "the account id goes alone, without the old bank's id",
    );
}

#[test]
fn a_cache_for_another_client_id_is_ignored() {
    let bank = TestBank::start();
    bank.reply(answer_for(&[("1001", "B")], &[DAY]));
    let env = Home::with_bank(&bank);
    run(env.cmd().arg("accounts")).code(0);
    let config = std::fs::read_to_string(env.config_path()).unwrap();
    std::fs::write(
        env.config_path(),
        config.replace("client_id = \"cid\"", "client_id = \"other\""),
    )
    .unwrap();
    let out = run(env.cmd().arg("accounts"));
    out.code(0).stderr_empty();
    out.check(bank.balance_bodies().len() == 2, "asked the bank again");
}

#[test]
fn a_cache_written_before_origins_is_ignored() {
    let bank = TestBank::start();
    bank.reply(answer_for(&[("NEW-1", "B")], &[DAY]));
    let env = Home::with_bank(&bank);
    std::fs::create_dir_all(cache_file(&env).parent().unwrap()).unwrap();
    let now = chrono::Utc::now().to_rfc3339();
    let old = format!(
        r#"{{"fetched_at":"{now}","accounts":[{{"account_id":"OLD-1","account_name":"","bank_id":"X","bank_name":"","branch_id":"","currency":"USD","decimal_places":2}}]}}"#
    );
    std::fs::write(cache_file(&env), old).unwrap();
    let out = run(env.cmd().args(["accounts", "-f", "csv"]));
    out.code(0).stderr_empty();
    out.check(
        out.stdout.contains("NEW-1") && !out.stdout.contains("OLD-1"),
        "the bank's list, not the old cache",
    );
}

// Bullet 6: dates outside what the API takes are refused locally.

#[test]
fn dates_outside_1900_to_9999_exit_2_and_send_nothing() {
    let bank = TestBank::start();
    let env = Home::with_bank(&bank);
    let cases: [(&[&str], &str); 5] = [
        (
            &["--from", "9999-12-31"],
            "error: --from 9999-12-31 without --to asks for 31 days beyond 9999-12-31, outside the dates treasury sends the bank (1900-01-01 to 9999-12-31)",
        ),
        (
            &["--from", "0000-01-01", "--to", "0000-01-02"],
            "error: --from 0000-01-01 is outside the dates treasury sends the bank, 1900-01-01 to 9999-12-31",
        ),
        (
            &["--to", "1900-01-10"],
            "error: --to 1900-01-10 without --from asks for 31 days beyond 1900-01-01, outside the dates treasury sends the bank (1900-01-01 to 9999-12-31)",
        ),
        (
            &["--month", "0000-02"],
            "error: --month 0000-02 is outside the dates treasury sends the bank, 1900-01-01 to 9999-12-31",
        ),
        (
            &["--from", "1899-12-31", "--to", "1900-01-01", "--dry-run"],
            "error: --from 1899-12-31 is outside the dates treasury sends the bank, 1900-01-01 to 9999-12-31",
        ),
    ];
    for (args, expected) in cases {
        let out = balances(&env, args);
        out.code(2).stdout_empty();
        out.check(
            out.stderr_lines("error") == [expected],
            &format!("the error names the date and the range: {expected}"),
        );
        out.check(out.stderr_lines("hint").len() == 1, "and a way out");
    }
    assert!(bank.requests().is_empty(), "nothing was sent");
}

#[test]
fn the_first_edge_of_the_range_is_sent_and_the_last_is_after_today() {
    let bank = TestBank::start();
    let env = Home::with_bank(&bank);
    // The last days of 9999 are inside the range treasury sends, but after today: refused by name.
    let out = balances(
        &env,
        &["--from", "9999-12-01", "--to", "9999-12-31", "--dry-run"],
    );
    out.code(2).stdout_empty();
    out.stderr_has("--from 9999-12-01: that date is after today");
    let out = balances(&env, &["--from", "1900-01-01", "--dry-run"]);
    out.code(0);
    out.check(
        out.stdout.trim_end() == r#"{"startDate":"1900-01-01","endDate":"1900-02-01"}"#,
        "the first days of 1900",
    );
}

// Bullet 7: quoted input is capped.

#[test]
fn a_huge_account_id_in_an_accounts_file_is_quoted_short_exit_2() {
    let bank = TestBank::start();
    let env = Home::with_bank(&bank);
    let huge = "7".repeat(4 * 1024 * 1024);
    std::fs::write(env.path().join("huge.txt"), format!("1001\n{huge}\n")).unwrap();
    let out = balances(&env, &["--accounts-file", "huge.txt"]);
    out.code(2).stdout_empty();
    out.check(out.stderr.len() < 600, "stderr stays short");
    let expected = format!(
        "error: huge.txt:2: account id '{}… (4194304 bytes)' is 4194304 characters long; the bank allows at most 35",
        "7".repeat(80)
    );
    out.check(
        out.stderr_lines("error") == [expected.as_str()],
        "the error quotes the start of the id and its size",
    );
    assert!(bank.requests().is_empty(), "nothing was sent");
}

#[test]
fn huge_values_elsewhere_are_quoted_short_exit_2() {
    let bank = TestBank::start();
    let env = Home::with_bank(&bank);
    let long = "x".repeat(100_000);
    let bad_char = format!("{}!", "1".repeat(100_000));
    let comma = format!("{},2", "1".repeat(2_000_000));
    std::fs::write(env.path().join("comma.txt"), &comma).unwrap();
    let long_date = "2".repeat(100_000);
    let cases: [Vec<&str>; 5] = [
        vec!["-a", &long],
        vec!["-a", &bad_char],
        vec!["--group", &long],
        vec!["--from", &long_date],
        vec!["--accounts-file", "comma.txt"],
    ];
    for args in cases {
        let out = balances(&env, &args);
        out.code(2).stdout_empty();
        out.check(
            out.stderr.len() < 600 && out.stderr.contains("… (") && out.stderr.contains(" bytes)"),
            "a short stderr quoting the start and the size",
        );
    }
    assert!(bank.requests().is_empty(), "nothing was sent");
}

// Issue 18: an amount the bank did not send is absent, never zero.

/// Two accounts on one day: the first with its opening available amount left out and its
/// ending available `null`, the second with a real zero ending available.
fn answer_with_absent_amounts() -> Reply {
    let mut entries = entries_for(&[("1001", "B"), ("1002", "B")], &[DAY]);
    let first = &mut entries[0]["balanceList"][0];
    first
        .as_object_mut()
        .unwrap()
        .remove("openingAvailableAmount");
    first["endingAvailableAmount"] = Value::Null;
    entries[1]["balanceList"][0]["endingAvailableAmount"] = serde_json::json!(0.00);
    answer_of(entries)
}

#[test]
fn absent_amounts_are_empty_cells_and_null_and_a_zero_stays_zero() {
    let bank = TestBank::start();
    bank.reply(answer_with_absent_amounts());
    let env = Home::with_bank(&bank);
    let csv = balances_of(&env, &one_day(&[]));
    csv.code(0);
    let rows = csv_rows(&csv.stdout);
    // opening_available, opening_ledger, ending_available, ending_ledger.
    assert_eq!(rows[0][8..12], ["", "2.50", "", "4.00"], "{csv}");
    assert_eq!(rows[1][8..12], ["1.00", "2.50", "0.00", "4.00"], "{csv}");

    bank.reply(answer_with_absent_amounts());
    let json = balances(&env, &["-f", "json", "--from", DAY, "--to", DAY]);
    json.code(0);
    let value: Value = serde_json::from_str(&json.stdout).unwrap();
    let first = &value["balances"][0];
    assert!(first["opening_available"].is_null(), "{json}");
    assert!(first["ending_available"].is_null(), "{json}");
    assert_eq!(value["balances"][1]["ending_available"].to_string(), "0.00");
}

#[test]
fn a_table_total_leaves_absent_amounts_out_and_says_how_many() {
    let bank = TestBank::start();
    bank.reply(answer_with_absent_amounts());
    let env = Home::with_bank(&bank);
    let table = balances(&env, &["-f", "table", "--from", DAY, "--to", DAY]);
    table.code(0);
    let total = table
        .stdout
        .lines()
        .find(|l| l.contains("TOTAL"))
        .expect("a TOTAL line");
    // Opening available: 1.00 from the second account, the first's left out; ending
    // available: the second's real 0.00, the first's null left out.
    assert!(total.contains("2 accounts"), "{table}");
    assert!(total.contains("1.00 (1 absent)"), "{table}");
    assert!(total.contains("0.00 (1 absent)"), "{table}");
    assert!(total.contains("5.00") && total.contains("8.00"), "{table}");
    let first = table.stdout.lines().find(|l| l.contains("1001")).unwrap();
    assert!(!first.contains("0.00"), "absent amounts are blank: {table}");
}

#[test]
fn one_malformed_entry_is_that_accounts_unreadable_error_and_the_rest_are_reported() {
    let bank = TestBank::start();
    let mut entries = entries_for(&[("1001", "B"), ("1002", "B")], &[DAY]);
    entries[1]["balanceList"][0]["endingLedgerAmount"] = Value::String("4.00".into());
    bank.reply(answer_of(entries));
    let env = Home::with_bank(&bank);
    let out = balances_of(&env, &one_day(&[]));
    out.code(5);
    out.check(
        keys(&out.stdout) == [("1001".to_string(), DAY.to_string())],
        "the readable account's row",
    );
    out.stderr_has("account B/1002: UNREADABLE");
}

#[test]
fn an_amount_with_a_huge_exponent_is_refused_at_once_not_computed() {
    let bank = TestBank::start();
    let entries = entries_for(&[("1001", "B")], &[DAY]);
    let body = serde_json::json!({ "accountList": entries })
        .to_string()
        .replace(
            "\"endingLedgerAmount\":4",
            "\"endingLedgerAmount\":0e100000000000",
        );
    assert!(body.contains("0e100000000000"));
    bank.reply(Reply::json(200, body));
    let env = Home::with_bank(&bank);
    let started = std::time::Instant::now();
    let out = balances_of(&env, &one_day(&[]));
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "{out}"
    );
    out.check(out.code == 5 || out.code == 6, "refused, not computed");
    out.stderr_has("exponent");
}
