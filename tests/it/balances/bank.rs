//! `treasury balances` against a scripted bank on 127.0.0.1 through a config profile: the bank's
//! own mock answer, odd orders, whole-request errors, retries, unreadable answers, what is sent,
//! and what must never be printed.

use crate::support;

use serde_json::{json, Value};
use support::{answer_for, balances, csv_rows, keys, run, Home, Reply, TestBank, JPM_MOCK, SECRET};

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
fn bad_request_400_exits_4_naming_the_banks_code_and_text() {
    let bank = TestBank::start();
    bank.reply(Reply::bank_error(400, "GCA-023", "Invalid request format"));
    let env = Home::with_bank(&bank);
    let out = balances(&env, &["--prior-day"]);
    out.code(4).stdout_empty();
    out.check(
        out.stderr_lines("error")
            .first()
            .is_some_and(|l| l.contains("GCA-023 Invalid request format")),
        "the error line carries the bank's code and text",
    );
    out.check(
        out.stderr_lines("hint")
            .first()
            .is_some_and(|l| l.contains("--dry-run")),
        "the hint shows how to see the body",
    );
    out.check(bank.balance_bodies().len() == 1, "a 400 is not retried");
}

#[test]
fn unavailable_503_is_tried_three_times_then_exits_6() {
    let bank = TestBank::start();
    bank.reply(Reply::bank_error(503, "GCA-099", "System is Unavailable"));
    let env = Home::with_bank(&bank);
    let out = balances(&env, &["--prior-day"]);
    out.code(6).stdout_empty();
    out.check(
        out.stderr_lines("error")
            .first()
            .is_some_and(|l| l.contains("GCA-099 System is Unavailable")),
        "the error line carries the bank's code and text",
    );
    out.check(
        bank.balance_bodies().len() == 3,
        "three attempts reached the bank",
    );
}

#[test]
fn one_503_then_an_answer_recovers_silently() {
    let bank = TestBank::start();
    bank.reply(Reply::bank_error(503, "GCA-099", "System is Unavailable"))
        .reply(answer_for(&[("111", "B1")], &["2026-01-01"]));
    let env = Home::with_bank(&bank);
    let out = balances(
        &env,
        &["--from", "2026-01-01", "--to", "2026-01-01", "-f", "csv"],
    );
    out.code(0).stderr_empty();
    out.check(
        csv_rows(&out.stdout).len() == 1,
        "the row of the second answer",
    );
    let bodies = bank.balance_bodies();
    out.check(
        bodies.len() == 2 && bodies[0] == bodies[1],
        "the same body sent twice",
    );
}

#[test]
fn rate_limit_asking_for_a_longer_wait_than_allowed_exits_6_at_once() {
    let bank = TestBank::start();
    bank.reply(
        Reply::bank_error(429, "GCA-429", "Too Many Requests").with_header("retry-after", "3600"),
    );
    let env = Home::with_bank(&bank);
    let out = balances(&env, &["--prior-day"]);
    out.code(6).stdout_empty();
    out.stderr_has("3600");
    out.check(bank.balance_bodies().len() == 1, "no pointless retry");
}

#[test]
fn unauthorized_401_on_balances_exits_3() {
    let bank = TestBank::start();
    bank.reply(Reply::json(
        401,
        r#"{"errors":[{"errorCode":"GCA-001","errorMsg":"Unauthorized"}]}"#,
    ));
    let env = Home::with_bank(&bank);
    let out = balances(&env, &["--prior-day"]);
    out.code(3).stdout_empty();
    out.stderr_has("HTTP 401");
    out.check(
        out.stderr_lines("hint").len() == 1,
        "a hint about the credentials",
    );
    out.check(bank.balance_bodies().len() == 1, "a 401 is not retried");
}

#[test]
fn forbidden_403_gca_001_exits_3_naming_the_code() {
    let bank = TestBank::start();
    bank.reply(Reply::bank_error(403, "GCA-001", "Forbidden"));
    let env = Home::with_bank(&bank);
    let out = balances(&env, &["--prior-day"]);
    out.code(3).stdout_empty();
    out.stderr_has("GCA-001 Forbidden");
    out.check(bank.balance_bodies().len() == 1, "a 403 is not retried");
}

#[test]
fn token_endpoint_401_exits_3_and_no_balance_request_is_sent() {
    let bank = TestBank::start();
    bank.fail_token(Reply::json(
        401,
        r#"{"error":"invalid_client","error_description":"bad client credentials"}"#,
    ));
    let env = Home::with_bank(&bank);
    let out = balances(&env, &["--prior-day"]);
    out.code(3).stdout_empty();
    out.stderr_has("invalid_client");
    out.check(
        out.stderr_lines("hint").len() == 1,
        "a hint about the credentials",
    );
    out.check(
        bank.requests_to("/oauth2/token").len() == 1,
        "one token request",
    );
    out.check(bank.balance_bodies().is_empty(), "no balance request");
}

#[test]
fn token_request_uses_basic_auth_and_the_token_reaches_the_balance_request() {
    let bank = TestBank::start();
    let env = Home::with_bank(&bank);
    let out = balances(&env, &["--prior-day", "--allow-empty"]);
    out.code(0).stderr_empty();
    out.stdout_has("No balances.");
    let requests = bank.requests();
    let paths: Vec<&str> = requests.iter().map(|r| r.path.as_str()).collect();
    out.check(
        paths == ["/oauth2/token", "/balance"],
        "a token, then balances",
    );
    out.check(
        requests.iter().all(|r| r.authorized),
        "both requests carry an Authorization header",
    );
    out.check(
        requests[0].body == Value::String("grant_type=client_credentials".into()),
        "the token form asks for client credentials",
    );
}

#[test]
fn ready_access_token_skips_the_token_endpoint() {
    let bank = TestBank::start();
    let env = Home::with_bank(&bank);
    let out = run(env
        .cmd()
        .env_remove("TREASURY_CLIENT_SECRET")
        .env("TREASURY_ACCESS_TOKEN", "ready-made-token")
        .args(["balances", "--prior-day", "--allow-empty"]));
    out.code(0).stderr_empty();
    let requests = bank.requests();
    out.check(
        requests.len() == 1 && requests[0].path == "/balance" && requests[0].authorized,
        "straight to /balance with the token",
    );
}

#[test]
fn truncated_json_in_a_200_exits_6_naming_the_status_and_first_bytes() {
    let bank = TestBank::start();
    bank.reply(Reply::json(200, &JPM_MOCK[..300]));
    let env = Home::with_bank(&bank);
    let out = balances(&env, &["--prior-day"]);
    out.code(6).stdout_empty();
    let error = out.stderr_lines("error");
    out.check(
        error.len() == 1 && error[0].contains("HTTP 200") && error[0].contains("\"accountList\""),
        "one error line with the status and the start of the body",
    );
}

#[test]
fn html_page_in_a_200_exits_6_naming_the_status_and_first_bytes() {
    let bank = TestBank::start();
    let page = "<!DOCTYPE html>\n<html><head><title>Maintenance</title></head>\n<body><h1>We'll be back soon</h1></body></html>\n";
    bank.reply(Reply::json(200, page).with_content_type("text/html"));
    let env = Home::with_bank(&bank);
    let out = balances(&env, &["--prior-day"]);
    out.code(6).stdout_empty();
    let error = out.stderr_lines("error");
    out.check(
        error.len() == 1 && error[0].contains("HTTP 200") && error[0].contains("<!DOCTYPE html>"),
        "one error line with the status and the start of the page",
    );
}

#[test]
fn body_sent_to_the_bank_is_exactly_what_dry_run_prints() {
    let cases: [&[&str]; 5] = [
        &["--prior-day", "-a", "02100002/123", "-a", "456"],
        &["--from", "2026-01-01"],
        &["--to", "2026-03-01", "-a", "CHASGB2L/0041034035"],
        &["--month", "2026-02", "-a", "1", "-a", "2", "-a", "1"],
        &[],
    ];
    for args in cases {
        let bank = TestBank::start();
        let env = Home::with_bank(&bank);
        let dry = balances(&env, &[args, &["--dry-run"]].concat());
        dry.code(0);
        let real = balances(&env, &[args, &["--allow-empty"]].concat());
        // The scripted bank answers no account: named ones are each a MISSING error (exit 5).
        real.code(if args.contains(&"-a") { 5 } else { 0 });
        let sent: Vec<String> = bank
            .balance_bodies()
            .iter()
            .map(|b| serde_json::to_string(b).unwrap())
            .collect();
        let printed: Vec<&str> = dry.stdout.lines().collect();
        real.check(
            sent == printed,
            &format!("{args:?}: sent {sent:?}, dry run printed {printed:?}"),
        );
    }
}

#[test]
fn secret_and_tokens_never_appear_in_output_at_any_verbosity() {
    // base64("cid:s3cret"), the HTTP Basic credentials.
    let basic = "Y2lkOnMzY3JldA";
    let scripts: [fn(&TestBank); 4] = [
        |bank| {
            bank.reply(Reply::json(200, JPM_MOCK));
        },
        |bank| {
            bank.reply(Reply::bank_error(401, "GCA-001", "Unauthorized"));
        },
        |bank| {
            bank.reply(Reply::bank_error(400, "GCA-023", "Invalid request format"));
        },
        |bank| {
            bank.fail_token(Reply::json(400, r#"{"error":"invalid_request"}"#));
        },
    ];
    for script in scripts {
        for verbosity in ["-v", "-vv", "-vvv"] {
            let bank = TestBank::start();
            script(&bank);
            let env = Home::with_bank(&bank);
            let out = run(env
                .cmd()
                .args([verbosity, "balances", "-a", "000000004045701"]));
            for secret in [SECRET, "tok-", basic] {
                out.check(
                    !out.stdout.contains(secret) && !out.stderr.contains(secret),
                    &format!("{secret:?} printed with {verbosity}"),
                );
            }
            out.check(
                !out.stderr.to_ascii_lowercase().contains("bearer "),
                "no Authorization header logged",
            );
        }
    }
}

#[test]
fn verbose_logs_go_to_stderr_only() {
    let bank = TestBank::start();
    bank.reply(answer_for(&[("111", "B1")], &["2026-01-01"]));
    let env = Home::with_bank(&bank);
    let quiet = run(env.cmd().args(["balances", "-f", "csv"]));
    let loud = run(env.cmd().args(["-vv", "balances", "-f", "csv"]));
    quiet.code(0).stderr_empty();
    loud.code(0);
    loud.check(loud.stdout == quiet.stdout, "the same report on stdout");
    loud.check(!loud.stderr.is_empty(), "logs on stderr");
}

#[test]
fn no_config_file_and_no_sandbox_exits_2_suggesting_sandbox() {
    let env = Home::for_test_profile();
    let out = run(env.bare_cmd().args(["balances", "--prior-day"]));
    out.code(2).stdout_empty();
    out.check(
        out.stderr_lines("hint")
            .first()
            .is_some_and(|l| l.contains("--sandbox")),
        "the hint suggests --sandbox",
    );
}

#[test]
fn missing_client_secret_exits_3_before_sending_anything() {
    let bank = TestBank::start();
    let env = Home::with_bank(&bank);
    let out = run(env
        .cmd()
        .env_remove("TREASURY_CLIENT_SECRET")
        .args(["balances", "--prior-day"]));
    out.code(3).stdout_empty();
    out.check(
        out.stderr_lines("hint")
            .first()
            .is_some_and(|l| l.contains("TREASURY_CLIENT_SECRET")),
        "the hint names where a secret can come from",
    );
    out.check(bank.requests().is_empty(), "nothing sent");
}

#[test]
fn plain_http_urls_off_loopback_are_refused_before_sending() {
    let bank = TestBank::start();
    let cases = [
        (
            "http://bank.example".to_string(),
            bank.token_url(),
            "http://bank.example",
        ),
        (
            bank.base_url(),
            "http://id.example/oauth2/token".to_string(),
            "http://id.example/oauth2/token",
        ),
    ];
    for (base_url, token_url, named) in cases {
        let env = Home::for_test_profile();
        env.write_bank_profile(&base_url, &token_url);
        let out = balances(&env, &["--prior-day"]);
        out.code(2).stdout_empty();
        out.check(
            out.stderr_lines("error")
                .first()
                .is_some_and(|l| l.contains(named) && l.contains("https")),
            &format!("the error names {named} and asks for https"),
        );
        out.check(out.stderr_lines("hint").len() == 1, "a hint about loopback");
    }
    assert!(bank.requests().is_empty(), "nothing sent");
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
fn split_range_is_fetched_in_windows_and_merged_in_date_order() {
    let bank = TestBank::start();
    // Whichever window gets which answer, the report comes out in date order.
    for dates in [
        ["2026-03-31", "2026-03-06"],
        ["2026-03-05", "2026-02-02"],
        ["2026-02-01", "2026-01-01"],
    ] {
        bank.reply(answer_for(&[("111", "B1")], &dates));
    }
    let env = Home::with_bank(&bank);
    let out = balances(
        &env,
        &[
            "--from",
            "2026-01-01",
            "--to",
            "2026-03-31",
            "--split",
            "-a",
            "111",
            "-f",
            "csv",
        ],
    );
    out.code(0).stderr_empty();
    let dates: Vec<String> = keys(&out.stdout).into_iter().map(|(_, d)| d).collect();
    out.check(
        dates
            == [
                "2026-01-01",
                "2026-02-01",
                "2026-02-02",
                "2026-03-05",
                "2026-03-06",
                "2026-03-31",
            ],
        "dates ascending across windows",
    );
    let mut windows: Vec<(String, String)> = bank
        .balance_bodies()
        .iter()
        .map(|b| {
            (
                b["startDate"].as_str().unwrap().to_string(),
                b["endDate"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    windows.sort();
    out.check(
        windows
            == [
                ("2026-01-01".to_string(), "2026-02-01".to_string()),
                ("2026-02-02".to_string(), "2026-03-05".to_string()),
                ("2026-03-06".to_string(), "2026-03-31".to_string()),
            ],
        "three windows of at most 31 days",
    );
}

#[test]
fn unreachable_bank_exits_6_naming_the_host_after_retries() {
    let bank = TestBank::start();
    // A port that was free a moment ago: nothing listens there.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let env = Home::for_test_profile();
    env.write_bank_profile(&format!("http://{closed}"), &bank.token_url());
    let out = balances(&env, &["--prior-day"]);
    out.code(6).stdout_empty();
    out.check(
        out.stderr_lines("error")
            .first()
            .is_some_and(|l| l.contains("cannot connect to 127.0.0.1")),
        "the error names the host it could not reach",
    );
    out.check(
        out.stderr_lines("hint").len() == 1,
        "a hint about the network",
    );
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
