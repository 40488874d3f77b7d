//! Issue 18 for Finicity: every number right and nothing lost from the stand-in's records
//! (malformed or repeated records, balance dates, pending records, live calls, currencies).

use super::*;

// ---------------------------------------------------------------------------------------------
// Issue 18: every number right, nothing lost, against the stand-in.
// ---------------------------------------------------------------------------------------------

/// A stand-in answering the accounts list with `accounts` (a JSON array's items).
fn standin_with(accounts: &str) -> (Finicity, Home) {
    let bank = Finicity::start();
    bank.lock().data_failure = Some(Reply::json(200, format!(r#"{{"accounts":[{accounts}]}}"#)));
    let env = bank.env(CUSTOMER_ID);
    (bank, env)
}

const CHECKING: &str = r#"{"id":"9100000001","name":"Checking","balance":1000.00,"type":"checking","status":"active","institutionId":"4222","balanceDate":1770026400,"currency":"USD","detail":{"availableBalanceAmount":900.00}}"#;

#[test]
fn one_malformed_record_is_one_unreadable_account_and_the_rest_are_reported() {
    let bad = r#"{"id":"9100000009","name":"Bad","balance":"12.00","status":"active","balanceDate":1770026400,"currency":"USD"}"#;
    let (_bank, env) = standin_with(&format!("{CHECKING},{bad}"));
    let out = run(env.cmd().args(["balances", "-f", "csv"]));
    out.code(5);
    out.stdout_has("9100000001,Checking,4222,,,USD,2026-02-02,true,,,900.00,1000.00,");
    out.stderr_has("account 9100000009: UNREADABLE");
}

#[test]
fn an_error_body_with_a_200_is_not_an_empty_customer() {
    let bank = Finicity::start();
    bank.lock().data_failure = Some(Reply::json(
        200,
        r#"{"code":38000,"message":"Aggregation in progress"}"#,
    ));
    let env = bank.env(CUSTOMER_ID);
    let balances = run(env.cmd().args(["balances", "-f", "csv", "--allow-empty"]));
    balances.code(4).stdout_empty();
    balances.stderr_has("Aggregation in progress");
    let position = run(env.cmd().args(["position", "-p", "test", "-f", "json"]));
    position.check(
        position.code != 0,
        "a position over a failed bank is not complete",
    );
    position.stderr_has("Aggregation in progress");
}

#[test]
fn one_account_listed_twice_is_counted_once_in_a_position() {
    let older = CHECKING
        .replace("1000.00", "1005.00")
        .replace("1770026400", "1769940000");
    let (_bank, env) = standin_with(&format!("{older},{CHECKING}"));
    let out = run(env.cmd().args(["position", "-p", "test", "-f", "json"]));
    let doc: Value = serde_json::from_str(&out.stdout).unwrap_or_else(|_| panic!("{out}"));
    let usd = doc["totals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["scope"] == "currency" && t["currency"] == "USD")
        .unwrap_or_else(|| panic!("{out}"));
    // The newest balance (2026-02-02, 1000.00), once; never 2005.00.
    assert_eq!(usd["ending_ledger"].to_string(), "1000.00", "{out}");
    assert_eq!(usd["rows"], 1, "{out}");
    out.stderr_has("account 9100000001 came back 2 times");
}

#[test]
fn balance_dates_in_milliseconds_zero_or_negative_are_never_1970_or_year_58011() {
    let millis = CHECKING.replace("1770026400", "1770026400000");
    let zero = CHECKING
        .replace("9100000001", "9100000002")
        .replace("1770026400", "0");
    let negative = CHECKING
        .replace("9100000001", "9100000003")
        .replace("1770026400", "-1");
    let (_bank, env) = standin_with(&format!("{millis},{zero},{negative}"));
    let out = run(env.cmd().args(["balances", "-f", "csv"]));
    out.code(5);
    out.stdout_has(
        "9100000001,Checking,4222,,,USD,2026-02-02,true,,,900.00,1000.00,2026-02-02T10:00:00Z",
    );
    assert!(
        !out.stdout.contains("1970") && !out.stdout.contains("1969"),
        "{out}"
    );
    out.stderr_has("account 4222/9100000002: BAD-DATE");
    out.stderr_has("account 4222/9100000003: BAD-DATE");
}

#[test]
fn a_pending_record_with_a_balance_date_is_not_summed() {
    let pending = CHECKING
        .replace("9100000001", "9100000004")
        .replace("\"active\"", "\"pending\"");
    let (_bank, env) = standin_with(&format!("{CHECKING},{pending}"));
    let out = run(env.cmd().args(["balances", "-f", "csv"]));
    out.code(5);
    assert!(!out.stdout.contains("9100000004"), "{out}");
    out.stderr_has("9100000004: PENDING");
}

#[test]
fn a_failing_live_call_is_sent_once_and_loses_only_that_accounts_live_read() {
    let (bank, env) = standin_with(CHECKING);
    bank.lock().live = Some(finicity_error(503, 10503, "Service unavailable"));
    let out = run(env
        .cmd()
        .args(["--retries", "3", "balances", "-f", "csv", "--live"]));
    out.code(5);
    // The listed balance stays.
    out.stdout_has("9100000001,Checking,4222,,,USD,2026-02-02,true,,,900.00,1000.00,");
    out.stderr_has("LIVE-10503");
    let live_calls: usize = bank
        .lock()
        .hits
        .iter()
        .filter(|(path, _)| path.ends_with("/live"))
        .map(|(_, n)| n)
        .sum();
    assert_eq!(live_calls, 1, "a billed call is never retried");
}

#[test]
fn bidi_override_characters_from_the_bank_are_escaped_on_the_terminal_side() {
    let named = CHECKING.replace("\"Checking\"", "\"Pay\\u202eroll\"");
    let (_bank, env) = standin_with(&named);
    let table = run(env.cmd().args(["balances", "-f", "table"]));
    table.code(0);
    assert!(!table.stdout.contains('\u{202e}'), "{table}");
    table.stdout_has("Pay\\u{202e}roll");
    // CSV carries the text exactly as the bank sent it.
    let csv = run(env.cmd().args(["balances", "-f", "csv"]));
    csv.stdout_has("Pay\u{202e}roll");
}

#[test]
fn a_position_names_accounts_without_a_currency_and_refuses_a_rate_it_would_round() {
    let bare = CHECKING
        .replace("9100000001", "9100000005")
        .replace(r#","currency":"USD""#, "");
    let (_bank, env) = standin_with(&format!("{CHECKING},{bare}"));
    let rates = env.path().join("rates.csv");
    std::fs::write(&rates, "USD,1.05\n").unwrap();
    let rates = rates.to_str().unwrap();
    let out = run(env
        .cmd()
        .args(["position", "-p", "test", "--in", "EUR", "--rates", rates]));
    out.code(2);
    out.stderr_has("accounts without a currency (9100000005)");
    assert!(!out.stderr.contains("no rate for ,"), "{out}");

    std::fs::write(
        env.path().join("rates.csv"),
        "USD,1.0500000000000000000000000000001\n",
    )
    .unwrap();
    let rounded = run(env
        .cmd()
        .args(["position", "-p", "test", "--in", "EUR", "--rates", rates]));
    rounded.code(2);
    rounded.stderr_has("more significant digits than an exact decimal holds (28)");
}
