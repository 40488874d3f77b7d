//! `treasury check` through the built binary against the scripted J.P. Morgan bank on
//! 127.0.0.1: every rule kind, continuity (a break, none, a gap that proves nothing),
//! `--changes-only` across runs, a bank that is down, `--from-history` sending nothing, and
//! bad rules refused before anything is sent.

use crate::support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use serde_json::json;
use support::{run, Home, Reply, Run, TestBank};

/// One account's closed day as the bank sends it (`None`: not sent).
fn day(
    id: &str,
    currency: (&str, u32),
    date: &str,
    opening_ledger: &str,
    ending: &str,
    available: Option<&str>,
) -> serde_json::Value {
    let number = |t: &str| json!(t.parse::<serde_json::Number>().unwrap());
    let mut balance = json!({
        "asOfDate": date,
        "recordTimestamp": format!("{date}T18:00:00Z"),
        "currentDay": false,
        "openingLedgerAmount": number(opening_ledger),
        "endingLedgerAmount": number(ending),
    });
    if let Some(available) = available {
        balance["endingAvailableAmount"] = number(available);
    }
    json!({
        "accountId": id,
        "accountName": format!("ACCOUNT {id}"),
        "branchId": "",
        "bankId": "02100002",
        "bankName": "TEST BANK",
        "currency": {"code": currency.0, "currencySequence": 0, "decimalLocation": currency.1, "description": currency.0},
        "balanceList": [balance],
    })
}

const USD: (&str, u32) = ("USD", 2);

fn reply(accounts: Vec<serde_json::Value>) -> Reply {
    Reply::json(200, json!({ "accountList": accounts }).to_string())
}

/// The test profile with its aliases and groups, and these `[[alerts]]`.
fn configure(env: &Home, bank: &TestBank, alerts: &str) {
    let text = format!(
        "{alerts}\n[profiles.test]\nbase_url = \"{}\"\ntoken_url = \"{}\"\nclient_id = \"cid\"\n\
         [profiles.test.accounts]\nops-usd = \"02100002/111\"\n[profiles.test.groups]\nall-usd = [\"ops-usd\", \"02100002/222\"]\n",
        bank.base_url(),
        bank.token_url()
    );
    std::fs::create_dir_all(env.config_path().parent().unwrap()).unwrap();
    std::fs::write(env.config_path(), text).unwrap();
}

fn check(env: &Home, args: &[&str]) -> Run {
    run(env.cmd().arg("check").args(args))
}

/// Two USD accounts (111: 812,000.00; 222: 2,000.00 with no available) and one JPY account.
fn three_accounts() -> Reply {
    reply(vec![
        day(
            "111",
            USD,
            "2026-03-10",
            "812000.00",
            "812000.00",
            Some("812000.00"),
        ),
        day("222", USD, "2026-03-10", "2000.00", "2000.00", None),
        day(
            "333",
            ("JPY", 0),
            "2026-03-10",
            "1500",
            "1500",
            Some("1500"),
        ),
    ])
}

#[test]
fn each_rule_kind_raises_its_line() {
    let bank = TestBank::start();
    let env = Home::for_test_profile();
    configure(
        &env,
        &bank,
        r#"
[[alerts]]
name = "ops-usd low"
accounts = ["ops-usd"]
below = "1000000.00"
[[alerts]]
name = "jpy high"
accounts = ["333"]
field = "ending_ledger"
above = "1000"
[[alerts]]
name = "group floor"
accounts = ["all-usd"]
field = "ending_ledger"
below = "5000.00"
[[alerts]]
name = "usd floor"
currency = "USD"
below = "3000000.00"
[[alerts]]
name = "feed late"
stale_after = "26h"
[[alerts]]
name = "never"
accounts = ["ops-usd"]
below = "1.00"
"#,
    );
    bank.reply(three_accounts());
    let out = check(&env, &[]);
    out.code(7);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(
        lines,
        [
            "ALERT ops-usd low: 02100002/111 ending_available 812,000.00 USD below 1,000,000.00",
            "ALERT jpy high: 02100002/333 ending_ledger 1,500 JPY above 1,000",
            "ALERT group floor: 02100002/222 ending_ledger 2,000.00 USD below 5,000.00",
            "ALERT usd floor: total USD ending_available 812,000.00 below 3,000,000.00 (1 accounts; 1 without ending_available left out)",
            "DATA-NOT-RECEIVED feed late: profile test, newest balance dated 2026-03-10T18:00:00Z (limit 26h)",
        ],
        "{out}"
    );

    let out = check(&env, &["-f", "ndjson"]);
    out.code(7);
    let first: serde_json::Value =
        serde_json::from_str(out.stdout.lines().next().unwrap()).unwrap();
    assert_eq!(first["kind"], "ALERT");
    assert_eq!(first["name"], "ops-usd low");
    assert_eq!(first["profile"], "test");
    assert_eq!(first["account"], "02100002/111");
    assert_eq!(first["field"], "ending_available");
    assert_eq!(first["amount"].to_string(), "812000.00");
    assert_eq!(first["limit"].to_string(), "1000000.00");
    assert_eq!(first["currency"], "USD");
}

#[test]
fn no_alert_is_exit_0_and_prints_nothing() {
    let bank = TestBank::start();
    let env = Home::for_test_profile();
    configure(
        &env,
        &bank,
        "[[alerts]]\nname = \"low\"\naccounts = [\"ops-usd\"]\nbelow = \"1.00\"\n",
    );
    bank.reply(three_accounts());
    check(&env, &[]).code(0).stdout_empty();
}

#[test]
fn a_bad_rule_is_refused_before_anything_is_sent() {
    let bank = TestBank::start();
    let env = Home::for_test_profile();
    for (rule, words) in [
        ("accounts = [\"ops-eur\"]\nbelow = \"1\"", "ops-eur"),
        (
            "accounts = [\"ops-usd\"]\nfield = \"balance\"\nbelow = \"1\"",
            "field 'balance'",
        ),
        (
            "accounts = [\"ops-usd\"]\nbelow = \"1,000\"",
            "exact decimal",
        ),
        (
            "profile = \"nope\"\naccounts = [\"1\"]\nbelow = \"1\"",
            "profile 'nope'",
        ),
    ] {
        configure(
            &env,
            &bank,
            &format!("[[alerts]]\nname = \"bad one\"\n{rule}\n"),
        );
        check(&env, &[])
            .code(2)
            .stderr_has("alert rule 'bad one'")
            .stderr_has(words);
    }
    assert!(bank.requests().is_empty(), "nothing was sent");
}

#[test]
fn a_bank_that_is_down_is_exit_6_never_no_alert() {
    let bank = TestBank::start();
    let env = Home::for_test_profile();
    configure(
        &env,
        &bank,
        "[[alerts]]\nname = \"low\"\naccounts = [\"ops-usd\"]\nbelow = \"1.00\"\n",
    );
    bank.reply(Reply::bank_error(503, "GCA-099", "System is Unavailable"));
    check(&env, &["--retries", "1"])
        .code(6)
        .stdout_empty()
        .stderr_has("GCA-099");
}

#[test]
fn from_history_judges_the_recorded_rows_and_sends_nothing() {
    let bank = TestBank::start();
    let env = Home::for_test_profile();
    configure(
        &env,
        &bank,
        "[[alerts]]\nname = \"ops-usd low\"\naccounts = [\"ops-usd\"]\nbelow = \"1000000.00\"\n",
    );
    check(&env, &["--from-history"])
        .code(4)
        .stderr_has("nothing recorded for profile test");
    bank.reply(three_accounts());
    run(env
        .cmd()
        .args(["balances", "--from", "2026-03-10", "--to", "2026-03-10"]))
    .code(0);
    let sent = bank.requests().len();
    let out = check(&env, &["--from-history"]);
    out.code(7).stdout_has("ALERT ops-usd low: 02100002/111");
    assert_eq!(bank.requests().len(), sent, "--from-history sends nothing");
}

#[test]
fn continuity_breaks_only_across_a_weekend_or_less() {
    let bank = TestBank::start();
    let env = Home::for_test_profile();
    configure(&env, &bank, "");
    bank.respond(|body, _| {
        let date = body["startDate"].as_str().unwrap_or_default().to_string();
        reply(match date.as_str() {
            // Friday and Monday: account 111 opens Monday at 1,000.00 after closing at 900.00.
            "2026-03-06" => vec![
                day("111", USD, &date, "800.00", "900.00", None),
                day("222", USD, &date, "5.00", "7.00", None),
            ],
            "2026-03-09" => vec![
                day("111", USD, &date, "1000.00", "1000.00", None),
                day("222", USD, &date, "7.00", "8.00", None),
            ],
            // Account 333: Thursday then Monday, a weekday missing: proves nothing.
            "2026-03-05" => vec![day("333", USD, &date, "1.00", "1.00", None)],
            _ => vec![day("333", USD, &date, "9.00", "9.00", None)],
        })
    });
    for date in ["2026-03-06", "2026-03-09", "2026-03-05", "2026-03-10"] {
        run(env.cmd().args(["balances", "--from", date, "--to", date])).code(0);
    }
    let out = check(&env, &["--from-history"]);
    out.code(7);
    assert_eq!(
        out.stdout,
        "CONTINUITY 02100002/111: opening_ledger 1,000.00 on 2026-03-09, ending_ledger 900.00 on 2026-03-06\n",
        "{out}"
    );
}

#[test]
fn changes_only_raises_once_stays_quiet_then_clears() {
    let bank = TestBank::start();
    let env = Home::for_test_profile();
    configure(
        &env,
        &bank,
        "[[alerts]]\nname = \"ops-usd low\"\naccounts = [\"ops-usd\"]\nbelow = \"1000000.00\"\n",
    );
    let runs = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&runs);
    bank.respond(move |_, _| {
        let ending = match counter.fetch_add(1, Ordering::SeqCst) {
            0 => "812000.00",
            1 => "815000.00",
            _ => "1200000.00",
        };
        reply(vec![day(
            "111",
            USD,
            "2026-03-10",
            ending,
            ending,
            Some(ending),
        )])
    });
    let first = check(&env, &["--changes-only"]);
    first.code(7);
    assert_eq!(
        first.stdout,
        "ALERT ops-usd low: 02100002/111 ending_available 812,000.00 USD below 1,000,000.00\n"
    );
    check(&env, &["--changes-only"]).code(0).stdout_empty();
    let third = check(&env, &["--changes-only"]);
    third.code(0);
    assert_eq!(
        third.stdout,
        "CLEARED ops-usd low: 02100002/111 ending_available 1,200,000.00 USD\n"
    );
}
