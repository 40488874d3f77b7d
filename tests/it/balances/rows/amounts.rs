//! Issue 18: an amount the bank did not send is absent, never zero; malformed entries and huge
//! exponents.

use super::*;

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
