//! Data correctness at the edges (issue 14): every requested account ends as a row or an error,
//! duplicates are dropped or refused, the account cache belongs to one bank, `--split` batches
//! fail on their own, dates stay in the API's range, and quoted input stays short.

mod common;

use common::{answer_for, balances, csv_rows, keys, run, Reply, TestBank, TestEnv, CSV_HEADER};
use serde_json::Value;

const DAY: &str = "2026-01-05";

fn one_day(extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = ["-f", "csv", "--from", DAY, "--to", DAY]
        .iter()
        .map(|s| s.to_string())
        .collect();
    args.extend(extra.iter().map(|s| s.to_string()));
    args
}

fn balances_of(env: &TestEnv, args: &[String]) -> common::Run {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    balances(env, &args)
}

/// An answer whose `accountList` is exactly these entries.
fn answer_of(entries: Vec<Value>) -> Reply {
    Reply::json(
        200,
        serde_json::json!({ "accountList": entries }).to_string(),
    )
}

/// The `accountList` entries of an `answer_for` answer.
fn entries_for(accounts: &[(&str, &str)], dates: &[&str]) -> Vec<Value> {
    let reply = answer_for(accounts, dates);
    let body: Value = serde_json::from_str(&reply.body).unwrap();
    body["accountList"].as_array().unwrap().clone()
}

// Bullet 1: an account the bank leaves out of a 200 answer.

#[test]
fn an_account_left_out_of_the_answer_is_a_missing_error_exit_5() {
    let bank = TestBank::start();
    bank.reply(answer_for(&[("1001", "B")], &[DAY]));
    let env = TestEnv::with_bank(&bank);
    let out = balances_of(&env, &one_day(&["-a", "1001", "-a", "1002"]));
    out.expect_code(5);
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
    let env = TestEnv::with_bank(&bank);
    let mut args = one_day(&["-a", "B/1001", "-a", "C/1002"]);
    args[1] = "json".into();
    let out = balances_of(&env, &args);
    out.expect_code(5);
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
    let env = TestEnv::with_bank(&bank);
    let out = balances_of(&env, &one_day(&["-a", "1001", "-a", "C/1002"]));
    out.expect_code(0).expect_stderr_empty();
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
    let env = TestEnv::with_bank(&bank);
    let out = balances_of(
        &env,
        &one_day(&["-a", "0041000001", "-a", "CHASGB2L/0041000001"]),
    );
    out.expect_code(0);
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
    let env = TestEnv::with_bank(&bank);
    let out = run(env
        .cmd()
        .args(["balances", "--totals", "last", "-f", "table", "--from", DAY, "--to", DAY])
        .args(["-a", "0041000001", "-a", "CHASGB2L/0041000001"]));
    out.expect_code(0);
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
    let env = TestEnv::with_bank(&bank);
    let out = run(env
        .cmd()
        .args(["balances", "-f", "csv", "--from", DAY, "--to", "2026-01-06"]));
    out.expect_code(0);
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
    let env = TestEnv::with_bank(&bank);
    let out = run(env
        .cmd()
        .args(["balances", "-o", "report.csv", "--from", DAY, "--to", DAY]));
    out.expect_code(6).expect_stdout_empty();
    out.check(
        out.stderr_lines("error").first().is_some_and(|l| {
            l.contains("malformed") && l.contains("B/1") && l.contains(DAY)
        }),
        "the error names the account and the date",
    );
    out.check(out.stderr_lines("hint").len() == 1, "and a way out");
    out.check(
        !env.path().join("report.csv").exists(),
        "no report written",
    );
}

#[test]
fn the_cache_makes_two_forms_one_request_entry() {
    let bank = TestBank::start();
    bank.reply(answer_for(&[("0041000001", "CHASGB2L")], &[DAY]));
    let env = TestEnv::with_bank(&bank);
    run(env.cmd().arg("accounts")).expect_code(0);
    let out = balances_of(
        &env,
        &one_day(&["-a", "0041000001", "-a", "CHASGB2L/0041000001"]),
    );
    out.expect_code(0);
    out.check(csv_rows(&out.stdout).len() == 1, "one row");
    let bodies = bank.balance_bodies();
    out.check(
        bodies.last().unwrap()["accountList"]
            == serde_json::json!([{"accountId": "0041000001", "bankId": "CHASGB2L"}]),
        "asked for once",
    );
    out.check(
        out.stderr_lines("warning").len() == 1
            && out.stderr.contains("given more than once"),
        "with one warning",
    );
}

// Bullet 3: the account cache belongs to the bank it came from.

fn cache_file(env: &TestEnv) -> std::path::PathBuf {
    env.path().join("cache/treasury/accounts/test.json")
}

#[test]
fn a_cache_from_another_base_url_is_ignored_and_rewritten() {
    let old_bank = TestBank::start();
    old_bank.reply(answer_for(&[("OLD-1", "OLDBANK")], &[DAY]));
    let new_bank = TestBank::start();
    new_bank.reply(answer_for(&[("NEW-1", "NEWBANK")], &[DAY]));
    let env = TestEnv::with_bank(&old_bank);
    let first = run(env.cmd().args(["accounts", "-f", "csv"]));
    first.expect_code(0).expect_stdout_has("OLD-1");
    // The profile now points at another bank: its cached list must not be shown.
    env.write_config(&new_bank.base_url(), &new_bank.token_url());
    let out = run(env.cmd().args(["accounts", "-f", "csv"]));
    out.expect_code(0).expect_stderr_empty();
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
        cache.contains("NEW-1")
            && !cache.contains("OLD-1")
            && cache.contains(&new_bank.base_url()),
        &format!("the cache is rewritten with its origin: {cache}"),
    );
    // And the rewritten cache is used again.
    let again = run(env.cmd().args(["accounts", "-f", "csv"]));
    again.expect_code(0).expect_stdout_has("NEW-1");
    again.check(new_bank.balance_bodies().len() == 1, "from the cache");
}

#[test]
fn balances_does_not_fill_bank_ids_from_another_banks_cache() {
    let old_bank = TestBank::start();
    old_bank.reply(answer_for(&[("1001", "OLDBANK")], &[DAY]));
    let new_bank = TestBank::start();
    new_bank.reply(answer_for(&[("1001", "NEWBANK")], &[DAY]));
    let env = TestEnv::with_bank(&old_bank);
    run(env.cmd().arg("accounts")).expect_code(0);
    env.write_config(&new_bank.base_url(), &new_bank.token_url());
    let out = balances_of(&env, &one_day(&["-a", "1001"]));
    out.expect_code(0).expect_stderr_empty();
    out.check(
        new_bank.balance_bodies()[0]["accountList"]
            == serde_json::json!([{"accountId": "1001"}]),
        "the account id goes alone, without the old bank's id",
    );
}

#[test]
fn a_cache_for_another_client_id_is_ignored() {
    let bank = TestBank::start();
    bank.reply(answer_for(&[("1001", "B")], &[DAY]));
    let env = TestEnv::with_bank(&bank);
    run(env.cmd().arg("accounts")).expect_code(0);
    let config = std::fs::read_to_string(env.config_path()).unwrap();
    std::fs::write(
        env.config_path(),
        config.replace("client_id = \"cid\"", "client_id = \"other\""),
    )
    .unwrap();
    let out = run(env.cmd().arg("accounts"));
    out.expect_code(0).expect_stderr_empty();
    out.check(bank.balance_bodies().len() == 2, "asked the bank again");
}

#[test]
fn a_cache_written_before_origins_is_ignored() {
    let bank = TestBank::start();
    bank.reply(answer_for(&[("NEW-1", "B")], &[DAY]));
    let env = TestEnv::with_bank(&bank);
    std::fs::create_dir_all(cache_file(&env).parent().unwrap()).unwrap();
    let now = chrono::Utc::now().to_rfc3339();
    let old = format!(
        r#"{{"fetched_at":"{now}","accounts":[{{"account_id":"OLD-1","account_name":"","bank_id":"X","bank_name":"","branch_id":"","currency":"USD","decimal_places":2}}]}}"#
    );
    std::fs::write(cache_file(&env), old).unwrap();
    let out = run(env.cmd().args(["accounts", "-f", "csv"]));
    out.expect_code(0).expect_stderr_empty();
    out.check(
        out.stdout.contains("NEW-1") && !out.stdout.contains("OLD-1"),
        "the bank's list, not the old cache",
    );
}
