//! `treasury balances` against a bank that fails in the ways real ones do: 503s and 429s that
//! pass, a Retry-After too long to wait for, answers slower than the timeout, connections cut
//! mid-body, HTML error pages, 4xx that must not be retried, whole-request errors in a 200, a
//! cached token the bank no longer accepts, and split runs with a failing window, a concurrency
//! limit and 450 accounts. Each test runs the real binary and checks exit code, stdout and stderr.

use crate::support;

use std::collections::HashSet;
use std::path::Path;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use serde_json::{json, Value};
use support::{
    answer_for, balances, csv_rows, keys, run, Home, RawBank, Reply, TestBank, CSV_HEADER,
    JPM_MOCK, SECRET,
};

/// The dates a request body asks for: every day of its range, or one day for a relative day.
fn dates_of(body: &Value) -> Vec<String> {
    let day = |key: &str| {
        body[key]
            .as_str()
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
    };
    match (day("startDate"), day("endDate")) {
        (Some(from), Some(to)) => from
            .iter_days()
            .take_while(|d| *d <= to)
            .map(|d| d.to_string())
            .collect(),
        _ => vec!["2026-01-02".to_string()],
    }
}

/// An answer to a request body, as a bank would give it: each requested account (bank `B1` where
/// the request gave none) on each requested date, the accounts in reverse order.
fn answer_to(body: &Value) -> Reply {
    let accounts: Vec<(String, String)> = body["accountList"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .rev()
        .map(|a| {
            let id = a["accountId"].as_str().unwrap_or_default().to_string();
            let bank = a["bankId"].as_str().unwrap_or("B1").to_string();
            (id, bank)
        })
        .collect();
    let refs: Vec<(&str, &str)> = accounts
        .iter()
        .map(|(id, bank)| (id.as_str(), bank.as_str()))
        .collect();
    answer_for(&refs, &dates_of(body))
}

fn one_row() -> Reply {
    answer_for(&[("111", "B1")], &["2026-01-02".to_string()])
}

/// The one-row CSV report of `one_row()`.
#[track_caller]
fn expect_one_row_report(out: &support::Run) {
    out.check(
        out.stdout.lines().next() == Some(CSV_HEADER),
        "the CSV header",
    );
    out.check(
        keys(&out.stdout) == [("111".to_string(), "2026-01-02".to_string())],
        "the one row of the answer that came through",
    );
}

fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn two_503s_then_an_answer_take_three_calls_and_exit_0() {
    let bank = TestBank::start();
    bank.reply(Reply::bank_error(503, "GCA-099", "System is Unavailable"))
        .reply(Reply::bank_error(503, "GCA-099", "System is Unavailable"))
        .reply(one_row());
    let env = Home::with_bank(&bank);
    let out = balances(&env, &["--prior-day", "-a", "B1/111", "-f", "csv"]);
    out.code(0).stderr_empty();
    expect_one_row_report(&out);
    let bodies = bank.balance_bodies();
    out.check(
        bodies.len() == 3 && bodies.iter().all(|b| *b == bodies[0]),
        &format!("the same body three times, got {bodies:?}"),
    );
    out.check(
        bank.requests_to("/oauth2/token").len() == 1,
        "one token for all three attempts",
    );
}

#[test]
fn rate_limit_with_retry_after_1_waits_about_a_second_then_succeeds() {
    let bank = TestBank::start();
    bank.reply(
        Reply::bank_error(429, "GCA-429", "Too Many Requests").with_header("retry-after", "1"),
    )
    .reply(one_row());
    let env = Home::with_bank(&bank);
    let started = Instant::now();
    let out = balances(&env, &["--prior-day", "-a", "B1/111", "-f", "csv"]);
    let elapsed = started.elapsed();
    out.code(0).stderr_empty();
    expect_one_row_report(&out);
    let calls = bank.requests_to("/balance");
    out.check(calls.len() == 2, "two balance calls");
    let gap = calls[1].at - calls[0].at;
    out.check(
        gap >= Duration::from_millis(900),
        &format!("the retry came {gap:?} after the 429, not after Retry-After: 1"),
    );
    out.check(
        elapsed >= Duration::from_millis(900),
        &format!("the run took {elapsed:?}"),
    );
}

#[test]
fn retry_after_120_beyond_max_wait_5_exits_6_at_once_saying_when_to_retry() {
    for status in [429, 503] {
        let bank = TestBank::start();
        bank.reply(
            Reply::bank_error(status, "GCA-099", "Slow down").with_header("retry-after", "120"),
        )
        .reply(one_row());
        let env = Home::with_bank(&bank);
        let started = Instant::now();
        let out = balances(&env, &["--max-wait", "5", "--prior-day", "-a", "B1/111"]);
        let elapsed = started.elapsed();
        out.code(6).stdout_empty();
        let errors = out.stderr_lines("error");
        out.check(
            errors.len() == 1 && errors[0].contains("120 s") && errors[0].contains("5 s"),
            &format!("HTTP {status}: one error line naming the 120 s asked and the 5 s allowed"),
        );
        out.check(
            out.stderr_lines("hint") == ["hint: try again in 120 s"],
            "a hint saying when to retry",
        );
        out.check(
            elapsed < Duration::from_secs(60),
            &format!("gave up at once, not after a long sleep ({elapsed:?})"),
        );
        out.check(
            bank.balance_bodies().len() == 1,
            "no retry that would be refused again",
        );
    }
}

#[test]
fn answer_slower_than_the_timeout_exits_6_naming_the_timeout() {
    let bank = TestBank::start();
    bank.reply(one_row()).delay(Duration::from_secs(3));
    let env = Home::with_bank(&bank);
    let out = balances(
        &env,
        &[
            "--timeout",
            "1",
            "--retries",
            "1",
            "--prior-day",
            "-a",
            "B1/111",
        ],
    );
    out.code(6).stdout_empty();
    let errors = out.stderr_lines("error");
    out.check(
        errors.len() == 1 && errors[0].contains("no answer from 127.0.0.1 within 1 s"),
        "one error line naming the host and the timeout",
    );
    out.check(
        out.stderr_lines("hint")
            .first()
            .is_some_and(|h| h.contains("timeout_secs")),
        "a hint naming the setting to raise",
    );
    out.check(bank.balance_bodies().len() == 1, "one attempt, as asked");
}

#[test]
fn connection_closed_mid_body_exits_6_without_a_panic() {
    let mut raw =
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n"
            .to_vec();
    raw.extend_from_slice(&JPM_MOCK.as_bytes()[..500]);
    let bank = RawBank::start(raw);
    let env = Home::for_test_profile();
    env.write_bank_profile(&bank.base_url(), &bank.token_url());
    let out = balances(&env, &["--retries", "2", "--prior-day", "-f", "csv"]);
    out.code(6).stdout_empty();
    let errors = out.stderr_lines("error");
    out.check(
        errors.len() == 1 && errors[0].contains("the connection to 127.0.0.1 failed"),
        "one error line naming the failed connection",
    );
    out.check(
        bank.balance_requests() == 2,
        "a cut connection is transient: tried twice, as asked",
    );
    out.check(bank.token_requests() == 1, "one token request");
}

#[test]
fn connection_closed_without_an_answer_or_with_garbage_exits_6_without_a_panic() {
    let cases: [(&str, &[u8]); 3] = [
        ("nothing at all", b""),
        ("not HTTP", b"SSH-2.0-OpenSSH_9.6\r\n\r\n"),
        (
            "a chunked body cut mid-chunk",
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n100\r\n{\"accountList\":[",
        ),
    ];
    for (what, raw) in cases {
        let bank = RawBank::start(raw);
        let env = Home::for_test_profile();
        env.write_bank_profile(&bank.base_url(), &bank.token_url());
        let out = balances(&env, &["--retries", "1", "--prior-day"]);
        out.code(6).stdout_empty();
        let errors = out.stderr_lines("error");
        out.check(
            errors.len() == 1 && errors[0].contains("127.0.0.1"),
            &format!("{what}: one error line naming the host"),
        );
        out.check(
            bank.balance_requests() == 1,
            &format!("{what}: one attempt"),
        );
    }
}

#[test]
fn answer_over_the_body_cap_exits_6_without_reading_it_all() {
    const CAP: usize = 64 * 1024 * 1024;
    let length = CAP + 1024;
    let mut raw = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {length}\r\n\r\n"
    )
    .into_bytes();
    raw.extend_from_slice(b"{\"accountList\":[");
    raw.resize(raw.len() + length - 16, b' ');
    let bank = RawBank::start(raw);
    let env = Home::for_test_profile();
    env.write_bank_profile(&bank.base_url(), &bank.token_url());
    let out = balances(&env, &["--retries", "1", "--prior-day"]);
    out.code(6).stdout_empty();
    let errors = out.stderr_lines("error");
    out.check(
        errors.len() == 1 && errors[0].contains("larger than 64 MiB"),
        "one error line naming the cap",
    );
}

#[test]
fn html_502_page_exits_6_naming_http_502_and_the_first_bytes() {
    let bank = TestBank::start();
    let page = "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>\n";
    bank.reply(Reply::json(502, page).with_content_type("text/html"));
    let env = Home::with_bank(&bank);
    let out = balances(&env, &["--retries", "2", "--prior-day"]);
    out.code(6).stdout_empty();
    let errors = out.stderr_lines("error");
    out.check(
        errors.len() == 1
            && errors[0].contains("HTTP 502")
            && errors[0].contains("'<!DOCTYPE html> <html><head><title>502 Bad Gateway</title>"),
        "one error line with the status and the start of the page",
    );
    out.check(
        !out.stderr.contains("nginx</center></body></html>\n"),
        "not the whole page",
    );
    out.check(
        bank.balance_bodies().len() == 2,
        "a 502 is transient: tried twice",
    );
}

#[test]
fn client_errors_other_than_429_are_never_retried() {
    let cases = [
        (400, "GCA-023", "Invalid request format"),
        (404, "GCA-404", "Not Found"),
        (409, "GCA-409", "Conflict"),
        (422, "GCA-422", "Unprocessable"),
    ];
    for (status, code, message) in cases {
        let bank = TestBank::start();
        // A second attempt would succeed: only a retry could make the run pass.
        bank.reply(Reply::bank_error(status, code, message))
            .reply(one_row());
        let env = Home::with_bank(&bank);
        let out = balances(&env, &["--prior-day", "-a", "B1/111", "-f", "csv"]);
        out.code(4).stdout_empty();
        out.check(
            out.stderr_lines("error").first().is_some_and(|l| {
                l.contains(&format!("{code} {message}")) && l.contains(&format!("HTTP {status}"))
            }),
            &format!("HTTP {status}: the error line names the bank's code, text and status"),
        );
        out.check(
            bank.balance_bodies().len() == 1,
            &format!("HTTP {status}: exactly one balance call"),
        );
    }
}

#[test]
fn whole_request_error_in_a_200_exits_4_naming_gca_022() {
    let bank = TestBank::start();
    bank.reply(Reply::json(
        200,
        r#"{"errors":[{"errorCode":"GCA-022","errorMsg":"No eligible accounts"}]}"#,
    ));
    let env = Home::with_bank(&bank);
    let out = balances(&env, &["--prior-day", "-f", "csv"]);
    out.code(4).stdout_empty();
    let errors = out.stderr_lines("error");
    out.check(
        errors.len() == 1 && errors[0].contains("GCA-022 No eligible accounts"),
        "one error line with the bank's code and text",
    );
    out.check(
        out.stderr_lines("hint")
            .first()
            .is_some_and(|h| h.contains("entitled")),
        "a hint on what GCA-022 means",
    );
    out.check(bank.balance_bodies().len() == 1, "not retried");
}

/// `treasury` in `env` with the secret and token only where `login --store file` put them.
fn stored_cmd(env: &Home) -> assert_cmd::Command {
    let mut cmd = env.cmd();
    cmd.env_remove("TREASURY_CLIENT_SECRET")
        .env_remove("TREASURY_CONFIG")
        .env("TREASURY_NO_KEYRING", "1");
    cmd
}

/// Logs profile `test` in to `bank` with the secret in the credentials file; returns that file.
fn login_with_file_store(env: &Home, bank: &TestBank) -> std::path::PathBuf {
    let out = run(stored_cmd(env)
        .args([
            "login",
            "--base-url",
            &bank.base_url(),
            "--token-url",
            &bank.token_url(),
            "--client-id",
            "cid",
            "--client-secret-stdin",
            "--store",
            "file",
            "--no-input",
        ])
        .write_stdin(format!("{SECRET}\n")));
    out.code(0).stdout_empty();
    let credentials = env.path().join("config/treasury/credentials.toml");
    let stored = std::fs::read_to_string(&credentials).unwrap_or_default();
    out.check(
        stored.contains("\"tok-1\""),
        &format!("login cached its token in {}", credentials.display()),
    );
    credentials
}

#[test]
fn cached_token_refused_with_401_is_renewed_once_and_the_request_retried() {
    let bank = TestBank::start();
    let env = Home::for_test_profile();
    let credentials = login_with_file_store(&env, &bank);
    bank.respond(|body, bearer| match bearer {
        Some("tok-1") => Reply::bank_error(401, "GCA-001", "Unauthorized"),
        _ => answer_to(body),
    });
    let out = run(stored_cmd(&env).args(["balances", "--prior-day", "-a", "B1/111", "-f", "csv"]));
    out.code(0).stderr_empty();
    out.check(
        keys(&out.stdout) == [("111".to_string(), "2026-01-02".to_string())],
        "the report of the retried request",
    );
    out.check(
        bank.requests_to("/oauth2/token").len() == 2,
        "two token requests in all: login's and the renewal",
    );
    let used: Vec<Option<String>> = bank
        .requests_to("/balance")
        .into_iter()
        .map(|r| r.bearer)
        .collect();
    out.check(
        used == [Some("tok-1".to_string()), Some("tok-2".to_string())],
        &format!("the cached token, then the new one; got {used:?}"),
    );
    let stored = std::fs::read_to_string(&credentials).unwrap();
    out.check(
        stored.contains("\"tok-2\"") && !stored.contains("\"tok-1\""),
        "the new token replaced the refused one in the cache",
    );
}

#[test]
fn cached_token_refused_in_every_window_of_a_split_run_is_renewed_once() {
    let bank = TestBank::start();
    let env = Home::for_test_profile();
    login_with_file_store(&env, &bank);
    bank.respond(|body, bearer| match bearer {
        Some("tok-1") => Reply::bank_error(401, "GCA-001", "Unauthorized"),
        _ => answer_to(body),
    })
    .delay(Duration::from_millis(200));
    let out = run(stored_cmd(&env).args([
        "balances",
        "--split",
        "--from",
        "2026-01-01",
        "--to",
        "2026-03-31",
        "-a",
        "B1/111",
        "-f",
        "csv",
    ]));
    out.code(0).stderr_empty();
    out.check(csv_rows(&out.stdout).len() == 90, "every day of the range");
    out.check(
        bank.requests_to("/oauth2/token").len() == 2,
        "one renewal shared by the three windows",
    );
    let calls = bank.requests_to("/balance");
    let retried = calls
        .iter()
        .filter(|r| r.bearer.as_deref() == Some("tok-2"))
        .count();
    out.check(retried == 3, "each window answered with the new token");
}

#[test]
fn one_failing_window_of_a_split_run_exits_6_and_leaves_the_old_report() {
    let bank = TestBank::start();
    bank.respond(|body, _| {
        if body["startDate"] == "2026-02-02" {
            Reply::bank_error(500, "GCA-099", "System is Unavailable")
        } else {
            answer_to(body)
        }
    });
    let env = Home::with_bank(&bank);
    let reports = env.path().join("reports");
    std::fs::create_dir(&reports).unwrap();
    let old = b"account_id,as_of_date\r\n111,2025-12-31\nkept byte for byte \xe2\x82\xac\n";
    std::fs::write(reports.join("old.csv"), old).unwrap();
    let out = balances(
        &env,
        &[
            "--split",
            "--from",
            "2026-01-01",
            "--to",
            "2026-03-31",
            "-a",
            "B1/111",
            "--retries",
            "1",
            "-o",
            "reports/old.csv",
        ],
    );
    out.code(6).stdout_empty();
    let errors = out.stderr_lines("error");
    out.check(
        errors.len() == 1
            && errors[0].contains("GCA-099 System is Unavailable")
            && errors[0].contains("HTTP 500"),
        "one error line naming the failing window's answer",
    );
    out.check(!out.stderr.contains("Wrote"), "no report written");
    out.check(
        std::fs::read(reports.join("old.csv")).unwrap() == old,
        "the previous report is byte-identical",
    );
    out.check(
        listing(&reports) == ["old.csv"],
        "no temporary file left beside it",
    );
    out.check(
        bank.balance_bodies()
            .iter()
            .filter(|b| b["startDate"] == "2026-02-02")
            .count()
            == 1,
        "the failing window tried once, as asked",
    );
}

#[test]
fn concurrency_2_over_6_windows_never_has_more_than_2_requests_in_flight() {
    let bank = TestBank::start();
    bank.respond(|body, _| answer_to(body))
        .delay(Duration::from_millis(300));
    let env = Home::with_bank(&bank);
    // 192 days: six windows of 32 dates each.
    let out = balances(
        &env,
        &[
            "--split",
            "--concurrency",
            "2",
            "--from",
            "2025-01-01",
            "--to",
            "2025-07-11",
            "-a",
            "B1/111",
            "-f",
            "csv",
        ],
    );
    out.code(0).stderr_empty();
    let bodies = bank.balance_bodies();
    out.check(bodies.len() == 6, "six windows");
    let dates: Vec<String> = keys(&out.stdout).into_iter().map(|(_, d)| d).collect();
    let expected: Vec<String> = NaiveDate::from_ymd_opt(2025, 1, 1)
        .unwrap()
        .iter_days()
        .take(192)
        .map(|d| d.to_string())
        .collect();
    out.check(dates == expected, "every date once, ascending");
    let most = bank.max_in_flight();
    out.check(
        most <= 2,
        &format!("{most} requests were in flight at once"),
    );
    out.check(
        most == 2,
        &format!("two requests overlapped at some point (at most {most} did)"),
    );
}

#[test]
fn split_of_450_accounts_from_a_file_sends_200_200_50_and_keeps_the_files_order() {
    let bank = TestBank::start();
    bank.respond(|body, _| answer_to(body));
    let env = Home::with_bank(&bank);
    // A scrambled order, half of the accounts with their bank id.
    let ids: Vec<String> = (0..450usize)
        .map(|i| format!("ACC-{:04}", (i * 263) % 450))
        .collect();
    let lines: Vec<String> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| match i % 2 {
            0 => format!("B{}/{id}", i % 3),
            _ => id.clone(),
        })
        .collect();
    std::fs::write(env.path().join("ids.txt"), lines.join("\n") + "\n").unwrap();
    let out = balances(
        &env,
        &[
            "--split",
            "--prior-day",
            "--accounts-file",
            "ids.txt",
            "-f",
            "csv",
        ],
    );
    out.code(0).stderr_empty();

    let mut batches: Vec<Vec<String>> = bank
        .balance_bodies()
        .iter()
        .map(|b| {
            b["accountList"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a["accountId"].as_str().unwrap().to_string())
                .collect()
        })
        .collect();
    // Requests run concurrently: put them back in the file's order before comparing.
    batches.sort_by_key(|batch| ids.iter().position(|id| *id == batch[0]));
    let sizes: Vec<usize> = batches.iter().map(Vec::len).collect();
    out.check(sizes == [200, 200, 50], &format!("bodies of {sizes:?}"));
    out.check(
        batches.concat() == ids,
        "the batches are consecutive slices of the file",
    );

    let rows: Vec<String> = keys(&out.stdout).into_iter().map(|(id, _)| id).collect();
    let distinct: HashSet<&String> = rows.iter().collect();
    out.check(distinct.len() == rows.len(), "no row twice");
    out.check(rows == ids, "one row per account, in the file's order");
}

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

// 3 and 4. Retries: the answer is never hidden behind a wait, and Retry-After may be a date.

fn bank_run(env: &support::Home, args: &[&str]) -> support::Run {
    support::run(env.cmd().arg("balances").args(args))
}

#[test]
fn max_wait_0_against_a_500_names_the_500_after_retrying() {
    let bank = support::TestBank::start();
    bank.reply(support::Reply::bank_error(
        500,
        "GCA-500",
        "Internal failure",
    ));
    let env = support::Home::with_bank(&bank);
    let out = bank_run(&env, &["--max-wait", "0", "--prior-day", "-a", "B1/111"]);
    out.code(6).stdout_empty();
    out.check(
        out.stderr_lines("error")
            == ["error: the bank is failing: GCA-500 Internal failure (HTTP 500)"],
        "one error line naming the status and the bank's code and text",
    );
    out.check(
        !out.stderr.contains("asked to retry"),
        "the bank asked for no wait",
    );
    out.check(
        bank.balance_bodies().len() == 3,
        "our own backoff is no Retry-After: all three attempts were made",
    );
}

#[test]
fn a_retry_after_longer_than_max_wait_names_the_answer_too() {
    let bank = support::TestBank::start();
    bank.reply(
        support::Reply::bank_error(500, "GCA-500", "Internal failure")
            .with_header("retry-after", "5"),
    );
    let env = support::Home::with_bank(&bank);
    let out = bank_run(&env, &["--max-wait", "0", "--prior-day", "-a", "B1/111"]);
    out.code(6).stdout_empty();
    let url = format!("{}/balance", bank.base_url());
    let errors = out.stderr_lines("error");
    out.check(
        errors.len() == 1
            && errors[0].starts_with(&format!("error: the bank is failing: GCA-500 Internal failure (HTTP 500); {url} asked to retry after 5 s, longer than the 0 s we wait: not retried; the bank may be asked again at ")),
        "one error line with the answer, the wait and when the bank may be asked again",
    );
    out.check(
        out.stderr_lines("hint") == ["hint: try again in 5 s"],
        "when to try again",
    );
    out.check(
        bank.balance_bodies().len() == 1,
        "no retry that would be refused again",
    );
}

#[test]
fn a_retry_after_http_date_is_waited_for() {
    let bank = support::TestBank::start();
    // Seconds are the date's precision: this asks for a wait of 2 to 3 s.
    let date = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(3));
    bank.reply(
        support::Reply::bank_error(503, "GCA-099", "System is Unavailable")
            .with_header("retry-after", &date),
    )
    .reply(one_row());
    let env = support::Home::with_bank(&bank);
    let out = bank_run(&env, &["--prior-day", "-a", "B1/111", "-f", "csv"]);
    out.code(0).stderr_empty();
    let calls = bank.requests_to("/balance");
    out.check(calls.len() == 2, "two balance calls");
    let gap = calls[1].at - calls[0].at;
    // Our own first backoff is at most 0.5 s.
    out.check(
        gap >= Duration::from_millis(1500),
        &format!("the retry came {gap:?} after the 503, not at the date {date}"),
    );
}

#[test]
fn a_retry_after_http_date_beyond_max_wait_gives_up_at_once() {
    let bank = support::TestBank::start();
    let date = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(600));
    bank.reply(
        support::Reply::bank_error(503, "GCA-099", "System is Unavailable")
            .with_header("retry-after", &date),
    )
    .reply(one_row());
    let env = support::Home::with_bank(&bank);
    let started = Instant::now();
    let out = bank_run(&env, &["--max-wait", "5", "--prior-day", "-a", "B1/111"]);
    out.code(6)
        .stdout_empty()
        .stderr_has("GCA-099 System is Unavailable (HTTP 503)")
        .stderr_has("longer than the 5 s we wait")
        .stderr_has("hint: try again in ");
    out.check(
        out.stderr.contains("after 600 s") || out.stderr.contains("after 599 s"),
        "the wait the date asks",
    );
    out.check(started.elapsed() < Duration::from_secs(30), "no long sleep");
    out.check(bank.balance_bodies().len() == 1, "no retry");
}
