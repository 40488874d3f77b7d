//! `balances` with a scripted bank's answers: J.P. Morgan's own mock answer, odd orders, amounts
//! exactly as sent, bank ids filled from the account cache.

use super::*;

/// The seed's second example: one GBP account whose balanceList is newest-first.
const NEWEST_FIRST: &str = r#"{
    "accountList": [
        {
            "accountId": "0041034035",
            "accountName": "TEST ACCOUNT NAME",
            "branchId": "",
            "bankId": "CHASGB2L",
            "bankName": "JPMORGAN CHASE",
            "currency": {"code": "GBP", "currencySequence": 0, "decimalLocation": 2, "description": "POUND STERLING"},
            "balanceList": [
                {"asOfDate": "2022-06-29", "recordTimestamp": "2022-08-03T20:43:00Z", "currentDay": true,
                 "openingAvailableAmount": 642.76, "openingLedgerAmount": 642.76,
                 "endingAvailableAmount": 642.76, "endingLedgerAmount": 642.76},
                {"asOfDate": "2022-06-28", "recordTimestamp": "2022-08-03T20:43:00Z", "currentDay": false,
                 "openingAvailableAmount": 1077.99, "openingLedgerAmount": 1077.99,
                 "endingAvailableAmount": 642.76, "endingLedgerAmount": 642.76}
            ]
        }
    ]
}"#;

#[test]
fn jpm_mock_answer_gives_43_rows_one_gca_024_warning_and_exit_5() {
    let bank = TestBank::start();
    bank.reply(Reply::json(200, JPM_MOCK));
    let env = Home::with_bank(&bank);
    let out = balances(&env, &["-f", "csv"]);
    out.code(5);
    let rows = csv_rows(&out.stdout);
    out.check(rows.len() == 43, "43 rows");
    let warnings = out.stderr_lines("warning");
    out.check(
        warnings.len() == 1
            && warnings[0].contains("GCA-024")
            && warnings[0].contains("000000011230554"),
        "one warning naming the account without balances and GCA-024",
    );
    out.check(out.stderr.lines().count() == 1, "nothing else on stderr");
    out.stdout_has(",866723000.86,");

    // Every amount as text is the fixture's text (which already has the currency's 2 digits).
    let fixture: Value = serde_json::from_str(JPM_MOCK).unwrap();
    let with_balances: Vec<&Value> = fixture["accountList"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a.get("balanceList").is_some())
        .collect();
    out.check(with_balances.len() == rows.len(), "one row per account");
    for (row, account) in rows.iter().zip(with_balances) {
        let balance = &account["balanceList"][0];
        let expected = [
            account["accountId"].as_str().unwrap().to_string(),
            account["accountName"].as_str().unwrap().to_string(),
            account["bankId"].as_str().unwrap().to_string(),
            account["bankName"].as_str().unwrap().to_string(),
            account["branchId"].as_str().unwrap().to_string(),
            account["currency"]["code"].as_str().unwrap().to_string(),
            balance["asOfDate"].as_str().unwrap().to_string(),
            balance["currentDay"].to_string(),
            balance["openingAvailableAmount"].to_string(),
            balance["openingLedgerAmount"].to_string(),
            balance["endingAvailableAmount"].to_string(),
            balance["endingLedgerAmount"].to_string(),
            balance["recordTimestamp"].as_str().unwrap().to_string(),
        ];
        out.check(
            row[..] == expected[..],
            &format!("row {row:?} is the fixture's {expected:?}"),
        );
    }
    out.check(
        bank.balance_bodies() == [json!({"relativeDateType": "CURRENT_DAY"})],
        "one request for every account's current day",
    );
}

#[test]
fn jpm_mock_answer_as_json_keeps_the_fixtures_number_text_and_lists_the_error() {
    let bank = TestBank::start();
    bank.reply(Reply::json(200, JPM_MOCK));
    let env = Home::with_bank(&bank);
    let out = balances(&env, &["-f", "json"]);
    out.code(5);
    let doc: Value = serde_json::from_str(&out.stdout).expect("a JSON document");
    out.check(doc["balances"].as_array().unwrap().len() == 43, "43 rows");
    out.check(
        doc["errors"]
            == json!([{
                "account_id": "000000011230554",
                "bank_id": "02100002",
                "code": "GCA-024",
                "message": "No transaction was found for this account on the requested day.",
            }]),
        "the per-account error",
    );
    out.stdout_has("\"opening_available\":866723000.86,");
    out.check(
        doc["balances"][0]["opening_available"]
            .as_number()
            .is_some_and(|n| n.as_str() == "866723000.86"),
        "a number with the fixture's digits",
    );
}

#[test]
fn newest_first_balance_list_is_printed_oldest_first() {
    let bank = TestBank::start();
    bank.reply(Reply::json(200, NEWEST_FIRST));
    let env = Home::with_bank(&bank);
    let out = balances(
        &env,
        &[
            "--from",
            "2022-06-28",
            "--to",
            "2022-06-29",
            "-a",
            "CHASGB2L/0041034035",
            "-f",
            "csv",
        ],
    );
    out.code(0).stderr_empty();
    let rows = csv_rows(&out.stdout);
    let got: Vec<(&str, &str, &str)> = rows.iter().map(|r| (&*r[6], &*r[7], &*r[8])).collect();
    out.check(
        got == [
            ("2022-06-28", "false", "1077.99"),
            ("2022-06-29", "true", "642.76"),
        ],
        "2022-06-28 first, each date with its own amounts",
    );
}

#[test]
fn rows_follow_the_order_the_accounts_were_given_not_the_banks() {
    let bank = TestBank::start();
    bank.reply(answer_for(
        &[("111", "B1"), ("222", "B2"), ("333", "B1")],
        &["2026-01-02", "2026-01-01"],
    ));
    let env = Home::with_bank(&bank);
    let out = balances(
        &env,
        &[
            "--from",
            "2026-01-01",
            "--to",
            "2026-01-02",
            "-a",
            "333",
            "-a",
            "B2/222",
            "-a",
            "111",
            "-f",
            "csv",
        ],
    );
    out.code(0).stderr_empty();
    let expected: Vec<(String, String)> = [
        ("333", "2026-01-01"),
        ("333", "2026-01-02"),
        ("222", "2026-01-01"),
        ("222", "2026-01-02"),
        ("111", "2026-01-01"),
        ("111", "2026-01-02"),
    ]
    .iter()
    .map(|(a, d)| (a.to_string(), d.to_string()))
    .collect();
    out.check(
        keys(&out.stdout) == expected,
        "333, 222, 111, dates ascending",
    );
}

#[test]
fn amounts_are_printed_exactly_as_sent_padded_to_the_currency_never_rounded() {
    let bank = TestBank::start();
    bank.reply(Reply::json(
        200,
        r#"{"accountList":[
        {"accountId":"111","bankId":"B1","currency":{"code":"USD","decimalLocation":2},
         "balanceList":[{"asOfDate":"2026-01-02","currentDay":false,
           "openingAvailableAmount":9007199254740993.01,"openingLedgerAmount":12223.5,
           "endingAvailableAmount":1.005,"endingLedgerAmount":-0.00}]},
        {"accountId":"222","bankId":"B2","currency":{"code":"JPY","decimalLocation":0},
         "balanceList":[{"asOfDate":"2026-01-02","currentDay":false,
           "openingAvailableAmount":1500,"openingLedgerAmount":-4681786201,
           "endingAvailableAmount":0,"endingLedgerAmount":123456789012345678901234567}]},
        {"accountId":"333","bankId":"B3","currency":{"code":"BHD","decimalLocation":3},
         "balanceList":[{"asOfDate":"2026-01-02","currentDay":false,
           "openingAvailableAmount":0.1,"openingLedgerAmount":10,
           "endingAvailableAmount":-2.25,"endingLedgerAmount":1000.125}]}
        ]}"#,
    ));
    let env = Home::with_bank(&bank);
    let args = ["--from", "2026-01-02", "--to", "2026-01-02"];
    let csv = balances(&env, &[&args[..], &["-f", "csv"]].concat());
    csv.code(0).stderr_empty();
    let amounts: Vec<Vec<String>> = csv_rows(&csv.stdout)
        .into_iter()
        .map(|r| r[8..12].to_vec())
        .collect();
    csv.check(
        amounts
            == [
                ["9007199254740993.01", "12223.50", "1.005", "0.00"],
                ["1500", "-4681786201", "0", "123456789012345678901234567"],
                ["0.100", "10.000", "-2.250", "1000.125"],
            ],
        "CSV amounts exact, padded to the currency's digits, never rounded",
    );
    let json = balances(&env, &[&args[..], &["-f", "json"]].concat());
    json.code(0).stderr_empty();
    for token in [
        "\"opening_available\":9007199254740993.01,",
        "\"opening_ledger\":12223.50,",
        "\"ending_available\":1.005,",
        "\"ending_ledger\":0.00,",
        "\"opening_available\":1500,",
        "\"ending_ledger\":123456789012345678901234567,",
        "\"opening_available\":0.100,",
        "\"ending_available\":-2.250,",
    ] {
        json.stdout_has(token);
    }
    let table = balances(&env, &args);
    table.code(0).stderr_empty();
    for cell in [
        "9,007,199,254,740,993.01",
        "12,223.50",
        "-4,681,786,201",
        "1,000.125",
    ] {
        table.stdout_has(cell);
    }
}

#[test]
fn bank_id_left_out_is_filled_from_the_account_cache_once_accounts_ran() {
    let bank = TestBank::start();
    bank.reply(Reply::json(200, JPM_MOCK));
    let env = Home::with_bank(&bank);
    let before = balances(&env, &["--dry-run", "-a", "000000004045701"]);
    before.code(0).stderr_empty();
    before.check(
        before.stdout
            == "{\"relativeDateType\":\"CURRENT_DAY\",\"accountList\":[{\"accountId\":\"000000004045701\"}]}\n",
        "without a cache the account id goes alone",
    );
    let accounts = run(env.cmd().args(["accounts", "-f", "csv"]));
    accounts.code(0);
    let after = balances(&env, &["--dry-run", "-a", "000000004045701"]);
    after.code(0).stderr_empty();
    after.check(
        after.stdout
            == "{\"relativeDateType\":\"CURRENT_DAY\",\"accountList\":[{\"accountId\":\"000000004045701\",\"bankId\":\"02100002\"}]}\n",
        "with the cache the bank id is filled in",
    );
}
