//! Finicity through the built-in sandbox (customer 1005061234): accounts and balances in every
//! format, the stale and pending accounts named, account selection.

use super::*;

const STALE_WARNING: &str = "warning: account 101732/5011648377: AGGREGATION-185 Finicity's last aggregation failed (aggregationStatusCode 185, attempted 2026-01-15T09:00:00Z); the balance may be stale: last successful aggregation 2026-01-09T06:00:00Z";

const PENDING_WARNING: &str = "warning: account 5011648378: PENDING the account is pending activation at Finicity: its record is partial, with no dated balance";

const ACCOUNTS_CSV: &str = "\
account_id,account_name,bank_id,bank_name,branch_id,currency
5011648371,Operating Checking,101732,,,USD
5011648372,Reserve Savings,101732,,,USD
5011648373,Corporate Card,101732,,,USD
5011648374,Revolving Credit Line,101732,,,USD
5011648375,Tokyo Operating,101732,,,JPY
5011648376,Manama Treasury,102105,,,BHD
5011648377,Payroll Checking,101732,,,USD
5011648378,New Money Market (pending),,,,
";

/// The account lines as the JSON formats write them (ndjson one a line, json inside a list).
const ACCOUNT_OBJECTS: [&str; 8] = [
    r#"{"account_id":"5011648371","account_name":"Operating Checking","bank_id":"101732","bank_name":"","branch_id":"","currency":"USD"}"#,
    r#"{"account_id":"5011648372","account_name":"Reserve Savings","bank_id":"101732","bank_name":"","branch_id":"","currency":"USD"}"#,
    r#"{"account_id":"5011648373","account_name":"Corporate Card","bank_id":"101732","bank_name":"","branch_id":"","currency":"USD"}"#,
    r#"{"account_id":"5011648374","account_name":"Revolving Credit Line","bank_id":"101732","bank_name":"","branch_id":"","currency":"USD"}"#,
    r#"{"account_id":"5011648375","account_name":"Tokyo Operating","bank_id":"101732","bank_name":"","branch_id":"","currency":"JPY"}"#,
    r#"{"account_id":"5011648376","account_name":"Manama Treasury","bank_id":"102105","bank_name":"","branch_id":"","currency":"BHD"}"#,
    r#"{"account_id":"5011648377","account_name":"Payroll Checking","bank_id":"101732","bank_name":"","branch_id":"","currency":"USD"}"#,
    r#"{"account_id":"5011648378","account_name":"New Money Market (pending)","bank_id":"","bank_name":"","branch_id":"","currency":""}"#,
];

const BALANCES_CSV: &str = "\
account_id,account_name,bank_id,bank_name,branch_id,currency,as_of_date,current_day,opening_available,opening_ledger,ending_available,ending_ledger,record_timestamp
5011648371,Operating Checking,101732,,,USD,2026-01-15,true,,,1190.55,1250.10,2026-01-15T14:30:00Z
5011648372,Reserve Savings,101732,,,USD,2026-01-15,true,,,250000.00,250000.00,2026-01-15T14:30:00Z
5011648373,Corporate Card,101732,,,USD,2026-01-15,true,,,,-1547.62,2026-01-15T14:30:00Z
5011648374,Revolving Credit Line,101732,,,USD,2026-01-15,true,,,,-25000.00,2026-01-15T14:30:00Z
5011648375,Tokyo Operating,101732,,,JPY,2026-01-15,true,,,1480000,1500000,2026-01-15T14:30:00Z
5011648376,Manama Treasury,102105,,,BHD,2026-01-15,true,,,12500.125,12500.125,2026-01-15T14:30:00Z
5011648377,Payroll Checking,101732,,,USD,2026-01-09,true,,,98000.00,98765.43,2026-01-09T06:00:00Z
";

/// The balance rows as the JSON formats write them: amounts are JSON numbers with every digit.
const BALANCE_OBJECTS: [&str; 7] = [
    r#"{"account_id":"5011648371","account_name":"Operating Checking","bank_id":"101732","bank_name":"","branch_id":"","currency":"USD","as_of_date":"2026-01-15","current_day":true,"opening_available":null,"opening_ledger":null,"ending_available":1190.55,"ending_ledger":1250.10,"record_timestamp":"2026-01-15T14:30:00Z"}"#,
    r#"{"account_id":"5011648372","account_name":"Reserve Savings","bank_id":"101732","bank_name":"","branch_id":"","currency":"USD","as_of_date":"2026-01-15","current_day":true,"opening_available":null,"opening_ledger":null,"ending_available":250000.00,"ending_ledger":250000.00,"record_timestamp":"2026-01-15T14:30:00Z"}"#,
    r#"{"account_id":"5011648373","account_name":"Corporate Card","bank_id":"101732","bank_name":"","branch_id":"","currency":"USD","as_of_date":"2026-01-15","current_day":true,"opening_available":null,"opening_ledger":null,"ending_available":null,"ending_ledger":-1547.62,"record_timestamp":"2026-01-15T14:30:00Z"}"#,
    r#"{"account_id":"5011648374","account_name":"Revolving Credit Line","bank_id":"101732","bank_name":"","branch_id":"","currency":"USD","as_of_date":"2026-01-15","current_day":true,"opening_available":null,"opening_ledger":null,"ending_available":null,"ending_ledger":-25000.00,"record_timestamp":"2026-01-15T14:30:00Z"}"#,
    r#"{"account_id":"5011648375","account_name":"Tokyo Operating","bank_id":"101732","bank_name":"","branch_id":"","currency":"JPY","as_of_date":"2026-01-15","current_day":true,"opening_available":null,"opening_ledger":null,"ending_available":1480000,"ending_ledger":1500000,"record_timestamp":"2026-01-15T14:30:00Z"}"#,
    r#"{"account_id":"5011648376","account_name":"Manama Treasury","bank_id":"102105","bank_name":"","branch_id":"","currency":"BHD","as_of_date":"2026-01-15","current_day":true,"opening_available":null,"opening_ledger":null,"ending_available":12500.125,"ending_ledger":12500.125,"record_timestamp":"2026-01-15T14:30:00Z"}"#,
    r#"{"account_id":"5011648377","account_name":"Payroll Checking","bank_id":"101732","bank_name":"","branch_id":"","currency":"USD","as_of_date":"2026-01-09","current_day":true,"opening_available":null,"opening_ledger":null,"ending_available":98000.00,"ending_ledger":98765.43,"record_timestamp":"2026-01-09T06:00:00Z"}"#,
];

const STALE_ERROR: &str = r#"{"account_id":"5011648377","bank_id":"101732","code":"AGGREGATION-185","message":"Finicity's last aggregation failed (aggregationStatusCode 185, attempted 2026-01-15T09:00:00Z); the balance may be stale: last successful aggregation 2026-01-09T06:00:00Z"}"#;

const PENDING_ERROR: &str = r#"{"account_id":"5011648378","bank_id":"","code":"PENDING","message":"the account is pending activation at Finicity: its record is partial, with no dated balance"}"#;

/// The table row of `id`, split on runs of spaces (names hold single spaces only).
fn table_row<'a>(run: &'a Run, id: &str) -> Vec<&'a str> {
    let prefix = format!(" {id} ");
    let line = run
        .stdout
        .lines()
        .find(|l| l.starts_with(&prefix))
        .unwrap_or_else(|| panic!("no table row for {id}\n{run}"));
    line.split("  ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect()
}

#[test]
fn sandbox_accounts_in_every_format() {
    let env = Home::for_test_profile();
    let csv = sandbox(&env, &["accounts", "-f", "csv"]);
    csv.code(0).stderr_empty();
    assert_eq!(csv.stdout, ACCOUNTS_CSV, "{csv}");

    let ndjson = sandbox(&env, &["accounts", "-f", "ndjson"]);
    ndjson.code(0).stderr_empty();
    assert_eq!(ndjson.stdout, format!("{}\n", ACCOUNT_OBJECTS.join("\n")));

    let json = sandbox(&env, &["accounts", "-f", "json"]);
    json.code(0).stderr_empty();
    assert_eq!(
        json.stdout,
        format!("{{\"accounts\": [\n{}]}}\n", ACCOUNT_OBJECTS.join(",\n"))
    );
    let parsed: Value = serde_json::from_str(&json.stdout).expect("json is JSON");
    assert_eq!(parsed["accounts"].as_array().map(Vec::len), Some(8));

    let table = sandbox(&env, &["accounts", "-f", "table"]);
    table.code(0).stderr_empty();
    assert_eq!(
        table_row(&table, "5011648371"),
        ["5011648371", "Operating Checking", "101732", "USD"]
    );
    assert_eq!(
        table_row(&table, "5011648376"),
        ["5011648376", "Manama Treasury", "102105", "BHD"]
    );
    // The pending account is listed, marked as pending, with the nothing else its partial
    // record has.
    assert_eq!(
        table_row(&table, "5011648378"),
        ["5011648378", "New Money Market (pending)"]
    );
    assert_eq!(table.stdout.lines().count(), 9, "{table}");
}

#[test]
fn sandbox_balances_in_every_format_keep_the_stale_row_and_name_it() {
    let env = Home::for_test_profile();
    let warnings = format!("{STALE_WARNING}\n{PENDING_WARNING}\n");

    let csv = sandbox(&env, &["balances", "-f", "csv"]);
    csv.code(5);
    assert_eq!(csv.stdout, BALANCES_CSV, "{csv}");
    assert_eq!(csv.stderr, warnings, "{csv}");

    let ndjson = sandbox(&env, &["balances", "-f", "ndjson"]);
    ndjson.code(5);
    assert_eq!(ndjson.stdout, format!("{}\n", BALANCE_OBJECTS.join("\n")));
    assert_eq!(ndjson.stderr, warnings, "{ndjson}");

    let json = sandbox(&env, &["balances", "-f", "json"]);
    json.code(5);
    assert_eq!(
        json.stdout,
        format!(
            "{{\"balances\": [\n{}],\n\"errors\": [\n{STALE_ERROR},\n{PENDING_ERROR}]}}\n",
            BALANCE_OBJECTS.join(",\n")
        ),
        "{json}"
    );
    assert_eq!(json.stderr, warnings, "{json}");
    let parsed: Value = serde_json::from_str(&json.stdout).expect("json is JSON");
    let codes: Vec<&str> = parsed["errors"]
        .as_array()
        .expect("an errors list")
        .iter()
        .filter_map(|e| e["code"].as_str())
        .collect();
    assert_eq!(codes, ["AGGREGATION-185", "PENDING"]);

    let table = sandbox(&env, &["balances", "-f", "table"]);
    table.code(5);
    assert_eq!(table.stderr, warnings, "{table}");
    let ending = |id: &str| -> Vec<String> {
        let row = table_row(&table, id);
        row[row.len() - 2..].iter().map(|s| s.to_string()).collect()
    };
    assert_eq!(ending("5011648371"), ["1,190.55", "1,250.10"]);
    // No available balance was sent for the card and the credit line: blank, never 0.00.
    assert_eq!(ending("5011648373"), ["2026-01-15", "-1,547.62"]);
    assert_eq!(ending("5011648374"), ["2026-01-15", "-25,000.00"]);
    assert_eq!(ending("5011648375"), ["1,480,000", "1,500,000"]);
    assert_eq!(ending("5011648376"), ["12,500.125", "12,500.125"]);
    // The stale account keeps its row, dated when it was last aggregated.
    let stale = table_row(&table, "5011648377");
    assert!(stale.contains(&"2026-01-09"), "{table}");
    assert_eq!(stale[stale.len() - 2..], ["98,000.00", "98,765.43"]);
    // The pending account has no row (no dated balance); it is named on stderr only.
    assert!(!table.stdout.contains("5011648378"), "{table}");
}

#[test]
fn sandbox_balances_select_accounts_and_name_an_unknown_one() {
    let env = Home::for_test_profile();
    let chosen = sandbox(
        &env,
        &[
            "balances",
            "-f",
            "csv",
            "-a",
            "5011648375",
            "-a",
            "5011648376",
        ],
    );
    chosen.code(0).stderr_empty();
    let header = BALANCES_CSV.lines().next().unwrap();
    assert_eq!(
        chosen.stdout,
        format!(
            "{header}\n\
             5011648375,Tokyo Operating,101732,,,JPY,2026-01-15,true,,,1480000,1500000,2026-01-15T14:30:00Z\n\
             5011648376,Manama Treasury,102105,,,BHD,2026-01-15,true,,,12500.125,12500.125,2026-01-15T14:30:00Z\n"
        ),
        "{chosen}"
    );

    let unknown = sandbox(
        &env,
        &["balances", "-f", "json", "-a", "5011648373", "-a", "999"],
    );
    unknown.code(5);
    assert_eq!(
        unknown.stdout,
        format!(
            "{{\"balances\": [\n{}],\n\"errors\": [\n{}]}}\n",
            BALANCE_OBJECTS[2],
            r#"{"account_id":"999","bank_id":"","code":"NOT-FOUND","message":"Finicity does not list account 999 for customer 1005061234: run 'treasury accounts' to see the ones it does"}"#
        ),
        "{unknown}"
    );
    assert_eq!(
        unknown.stderr,
        "warning: account 999: NOT-FOUND Finicity does not list account 999 for customer 1005061234: run 'treasury accounts' to see the ones it does\n",
        "{unknown}"
    );
}
