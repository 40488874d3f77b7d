//! Open banking through `--sandbox=open-banking` (the pre-authorised consent): paged accounts,
//! exact amounts in every format, an uncovered account, local refusals, what `-vv` logs.

use super::*;

#[test]
fn accounts_come_from_both_pages() {
    let (code, stdout, stderr) = treasury(&["accounts", "-f", "csv"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stderr, "");
    let ids: Vec<&str> = stdout
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(ids, ["GBP-0001", "EUR-0002", "GBP-0003", "GBP-0004"]);
    assert!(
        stdout.contains("EUR-0002,Euro Collections,,,404002,EUR"),
        "{stdout}"
    );
}

#[test]
fn balances_csv_keeps_exact_amounts_precedence_and_debit() {
    let (code, stdout, stderr) = treasury(&["balances", "-f", "csv"]);
    assert_eq!(code, 0, "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    // A Type the bank did not send is an empty cell, never 0.00.
    assert_eq!(
        lines[1],
        "GBP-0001,Operating GBP,,,404001,GBP,2026-11-30,true,,10000.00,12000.10,12345.67,2026-11-30T22:30:00Z"
    );
    assert_eq!(
        lines[2],
        "EUR-0002,Euro Collections,,,404002,EUR,2026-11-30,true,1.005,,249000.50,250000.50,2026-11-30T22:30:00Z"
    );
    assert_eq!(
        lines[3],
        "GBP-0003,Overdraft,,,404003,GBP,2026-11-30,true,,,-1500.00,-1547.62,2026-11-30T22:30:00Z"
    );
    assert!(
        lines[4].contains(",9007199254740993.01,9007199254740993.01,"),
        "{stdout}"
    );
}

#[test]
fn balances_json_has_the_exact_digits() {
    let (code, text, stderr) = treasury(&["balances", "-f", "json"]);
    assert_eq!(code, 0, "{stderr}");
    serde_json::from_str::<serde_json::Value>(&text).unwrap();
    // amounts are JSON numbers written with the bank's exact digits (never via a float)
    assert!(text.contains(r#""ending_ledger":-1547.62,"#), "{text}");
    assert!(
        text.contains(r#""ending_ledger":9007199254740993.01,"#),
        "{text}"
    );
    assert!(text.contains(r#""opening_available":1.005,"#), "{text}");
    assert!(text.contains(r#""ending_available":12000.10,"#), "{text}");
}

#[test]
fn balances_table_and_ndjson_show_the_same_amounts() {
    let (code, table, stderr) = treasury(&["balances", "-f", "table"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(table.contains("-1,547.62"), "{table}");
    assert!(table.contains("12,345.67"), "{table}");
    let (code, nd, stderr) = treasury(&["balances", "-f", "ndjson"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(nd.contains(r#""ending_ledger":-1547.62,"#), "{nd}");
    assert_eq!(
        nd.lines().filter(|l| l.contains("GBP-0")).count(),
        3,
        "{nd}"
    );
}

#[test]
fn an_account_the_consent_does_not_cover_is_a_per_account_error() {
    let (code, stdout, stderr) =
        treasury(&["balances", "-f", "csv", "-a", "GBP-0003", "-a", "NOPE-9"]);
    assert_eq!(code, 5, "{stderr}");
    assert_eq!(stdout.lines().count(), 2, "{stdout}");
    assert!(stdout.contains("GBP-0003,Overdraft"), "{stdout}");
    assert!(
        stderr.contains("account NOPE-9: NOT-FOUND the consent does not cover account NOPE-9"),
        "{stderr}"
    );
}

#[test]
fn date_options_are_refused_locally() {
    let (code, stdout, stderr) = treasury(&["balances", "--prior-day"]);
    assert_eq!(code, 2);
    assert_eq!(stdout, "");
    assert!(
        stderr.contains("provider 'open-banking' cannot give prior-day balances"),
        "{stderr}"
    );
    assert!(
        stderr.contains("open banking gives current balances only"),
        "{stderr}"
    );
}

#[test]
fn very_verbose_logs_interaction_ids_but_no_token() {
    let (code, _, stderr) = treasury(&["-vv", "balances", "-f", "csv"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        !stderr.contains("ob-sandbox-preauthorised-token"),
        "{stderr}"
    );
    assert!(!stderr.contains("Bearer"), "{stderr}");
    let ids: std::collections::HashSet<&str> = stderr
        .lines()
        .filter_map(|l| {
            l.split_once("x-fapi-interaction-id ")
                .map(|(_, id)| id.trim())
        })
        .collect();
    // two account pages and one bulk balances call, each with its own id
    assert_eq!(ids.len(), 3, "{stderr}");
}
