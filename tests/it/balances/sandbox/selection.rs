//! What `balances --sandbox` is asked for: date ranges and months, unknown accounts beside known
//! ones (warnings, the JSON errors array, GCA-009), accounts as CSV on stdin, `--split`.

use super::*;

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
