//! Every requested account ends as a row or an error: accounts the bank leaves out, the same account
//! twice (typed in two forms, duplicates inside the answer).

use super::*;

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
