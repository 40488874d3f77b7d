//! `balances` at the edges: amounts near the decimal limit, decimal locations above 28, the mode of
//! a new report file, redirects not followed, an account with neither balances nor an error, and
//! `--dry-run`/`login` refusals.

use super::*;

/// Two USD accounts whose opening available amounts (5 * 10^28 each) are within the exact
/// decimal range, but whose sum is not.
fn answer_near_the_decimal_limit() -> Reply {
    let account = |id: &str| {
        json!({
            "accountId": id, "bankId": "B1", "accountName": "BIG", "bankName": "TEST BANK", "branchId": "",
            "currency": {"code": "USD", "currencySequence": 0, "decimalLocation": 0, "description": "US DOLLAR"},
            "balanceList": [{"asOfDate": "2026-01-02", "recordTimestamp": "", "currentDay": false,
                "openingAvailableAmount": 1, "openingLedgerAmount": 2,
                "endingAvailableAmount": 3, "endingLedgerAmount": 4}],
        })
    };
    let body = json!({"accountList": [account("111"), account("222")]})
        .to_string()
        .replace(
            "\"openingAvailableAmount\":1",
            &format!("\"openingAvailableAmount\":{HUGE}"),
        );
    Reply::json(200, body)
}

const HUGE: &str = "50000000000000000000000000000";

#[test]
fn amounts_near_the_decimal_limit_are_printed_exactly_in_csv() {
    let bank = TestBank::start();
    bank.reply(answer_near_the_decimal_limit());
    let env = Home::with_bank(&bank);
    let out = balances(&env, &["--prior-day", "-f", "csv"]);
    out.code(0).stderr_empty();
    let amounts: Vec<String> = csv_rows(&out.stdout)
        .into_iter()
        .map(|r| r[8].clone())
        .collect();
    out.check(amounts == [HUGE, HUGE], "both amounts, every digit");
}

#[test]
fn table_totals_beyond_the_decimal_range_do_not_panic() {
    let bank = TestBank::start();
    bank.reply(answer_near_the_decimal_limit());
    let env = Home::with_bank(&bank);
    // `run` fails the test when treasury panics.
    let out = balances(&env, &["--prior-day", "-f", "table"]);
    out.code(0);
    out.stdout_has("50,000,000,000,000,000,000,000,000,000");
    out.stdout_has("(too large)");
    out.check(
        out.stdout
            .lines()
            .map(str::trim_start)
            .filter(|l| l.starts_with("111 ") || l.starts_with("222 "))
            .count()
            == 2,
        "both rows",
    );
}

/// One account whose currency claims `places` fraction digits, with this opening amount.
fn answer_with_decimal_location(places: u64, amount: &str) -> Reply {
    let body = json!({"accountList": [{
        "accountId": "111", "bankId": "B1", "accountName": "ODD", "bankName": "TEST BANK", "branchId": "",
        "currency": {"code": "XXX", "currencySequence": 0, "decimalLocation": places, "description": "ODD"},
        "balanceList": [{"asOfDate": "2026-01-02", "recordTimestamp": "", "currentDay": false,
            "openingAvailableAmount": 1, "openingLedgerAmount": 2,
            "endingAvailableAmount": 3, "endingLedgerAmount": 4}],
    }]});
    let body = body.to_string().replacen(":1,", &format!(":{amount},"), 1);
    Reply::json(200, body)
}

#[test]
fn decimal_location_above_28_does_not_panic() {
    for (places, amount) in [(31, "0.001"), (40, "0.000000000001")] {
        let bank = TestBank::start();
        bank.reply(answer_with_decimal_location(places, amount));
        let env = Home::with_bank(&bank);
        // `run` fails the test when treasury panics.
        let out = balances(&env, &["--prior-day", "-f", "csv"]);
        out.code(0).stderr_empty();
        let rows = csv_rows(&out.stdout);
        let printed = rows.first().map(|r| r[8].clone()).unwrap_or_default();
        out.check(
            rust_decimal::Decimal::from_str_exact(&printed).ok()
                == rust_decimal::Decimal::from_str_exact(amount).ok(),
            &format!("decimalLocation {places}: {amount} printed as {printed:?}"),
        );
    }
}

#[cfg(unix)]
#[test]
fn new_report_file_gets_the_mode_any_new_file_gets() {
    use std::os::unix::fs::PermissionsExt;
    let bank = TestBank::start();
    bank.reply(one_row());
    let env = Home::with_bank(&bank);
    // The mode a plain `> report.csv` would give under this umask (treasury inherits it).
    let probe = env.path().join("probe");
    std::fs::File::create(&probe).unwrap();
    let mode = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    let out = balances(&env, &["--prior-day", "-o", "report.csv"]);
    out.code(0).stdout_empty();
    let report = env.path().join("report.csv");
    out.check(
        mode(&report) == mode(&probe),
        &format!(
            "report.csv has mode {:o}, a new file here gets {:o}",
            mode(&report),
            mode(&probe)
        ),
    );
}

#[test]
fn redirects_are_not_followed() {
    let bank = TestBank::start();
    bank.reply(Reply::json(307, "{}").with_header("location", "http://example.com/balance"));
    let env = Home::with_bank(&bank);
    let out = balances(&env, &["--prior-day"]);
    out.code(6).stdout_empty();
    out.stderr_has("HTTP 307");
    assert_eq!(
        bank.requests_to("/balance").len(),
        1,
        "one request, no second hop"
    );
}

#[test]
fn an_account_with_neither_balances_nor_an_error_is_reported_not_dropped() {
    let bank = TestBank::start();
    let body = json!({"accountList": [{"accountId": "111", "bankId": "B1", "accountName": "EMPTY",
        "bankName": "TEST BANK", "branchId": "",
        "currency": {"code": "USD", "currencySequence": 0, "decimalLocation": 2, "description": "US DOLLAR"}}]});
    bank.reply(Reply::json(200, body.to_string()));
    let env = Home::with_bank(&bank);
    let out = balances(&env, &["--prior-day", "-f", "json", "--allow-empty"]);
    out.code(5);
    out.stderr_has("warning: account B1/111: NO-DATA");
    let doc: Value = serde_json::from_str(&out.stdout).expect("JSON");
    assert_eq!(doc["errors"][0]["code"], "NO-DATA");
}

#[test]
fn dry_run_refuses_an_output_file_and_login_refuses_the_sandbox() {
    let env = Home::for_test_profile();
    let dry = run(env
        .bare_cmd()
        .args(["balances", "--dry-run", "-o", "bodies.csv"]));
    dry.code(2)
        .stdout_empty()
        .stderr_has("--dry-run prints the request bodies");
    assert!(!env.path().join("bodies.csv").exists());
    let login = run(env.bare_cmd().args(["--sandbox", "login", "--no-input"]));
    login
        .code(2)
        .stderr_has("login does not work with --sandbox");
    let logout = run(env.bare_cmd().args(["--sandbox", "logout"]));
    logout
        .code(2)
        .stderr_has("logout does not work with --sandbox");
}
