//! Streamed reports through the built binary: the order requests complete in never shows in
//! the output (a sandbox with several account batches, one request at a time against eight),
//! and a window failing after earlier batches were written leaves the previous `-o` file as it
//! was and names the failing window and batch.

use crate::support;

use super::rows::{answer_of, balances_of, entries_for, DAY};
use serde_json::Value;
use support::{answer_for, balances, csv_rows, run, Home, Reply, ServedSandbox, TestBank};

/// A `treasury sandbox serve` process, stopped when dropped.
fn serve(env: &Home, accounts: usize) -> ServedSandbox {
    ServedSandbox::start(env, ["--accounts", &accounts.to_string()])
}

fn sandbox_profile(env: &Home, base: &str) {
    let text = format!(
        "[profiles.test]\nbase_url = \"{base}\"\ntoken_url = \"{base}/oauth2/token\"\nclient_id = \"sandbox\"\n"
    );
    let path = env.config_path();
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn concurrency_never_changes_a_streamed_report() {
    let env = Home::for_test_profile();
    let served = serve(&env, 250);
    sandbox_profile(&env, served.base_url());
    let listed = run(env
        .cmd()
        .env("TREASURY_CLIENT_SECRET", "sandbox")
        .args(["accounts", "-f", "csv"]));
    listed.code(0);
    let mut ids: Vec<String> = support::csv_rows(&listed.stdout)
        .into_iter()
        .map(|r| format!("{}/{}", r[2], r[0]))
        .collect();
    assert_eq!(ids.len(), 250, "{listed}");
    // An order that is neither the bank's nor sorted: odd places first, reversed.
    ids = ids
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 2 == 1)
        .chain(ids.iter().enumerate().filter(|(i, _)| i % 2 == 0))
        .map(|(_, id)| id.clone())
        .rev()
        .collect();
    std::fs::write(env.path().join("ids.txt"), ids.join("\n") + "\n").unwrap();
    let report = |concurrency: &str, format: &str| {
        run(env
            .cmd()
            .env("TREASURY_CLIENT_SECRET", "sandbox")
            .args(["balances", "--from", "2026-01-01", "--to", "2026-03-31"])
            .args(["--split", "--accounts-file", "ids.txt", "-f", format])
            .args(["--concurrency", concurrency]))
    };
    for format in ["csv", "json", "table"] {
        let one = report("1", format);
        let eight = report("8", format);
        one.code(0).stderr_empty();
        eight.code(0).stderr_empty();
        one.check(
            one.stdout == eight.stdout,
            &format!("{format}: --concurrency 1 and 8 write the same bytes"),
        );
        if format == "csv" {
            let mut seen: Vec<String> = Vec::new();
            for row in support::csv_rows(&one.stdout) {
                let id = format!("{}/{}", row[2], row[0]);
                if seen.last() != Some(&id) {
                    seen.push(id);
                }
            }
            one.check(seen == ids, "rows in the order of the accounts file");
        }
    }
}

/// `answer_for` the accounts a body asks for, on its start date.
fn answer(body: &serde_json::Value) -> Reply {
    let ids: Vec<String> = body["accountList"]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|a| a["accountId"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default();
    let accounts: Vec<(&str, &str)> = ids.iter().map(|id| (id.as_str(), "B1")).collect();
    answer_for(&accounts, &[body["startDate"].as_str().unwrap_or_default()])
}

#[test]
fn a_window_failing_midway_leaves_the_previous_file_and_names_the_window() {
    let bank = TestBank::start();
    bank.respond(|body, _| {
        let first = body["accountList"][0]["accountId"]
            .as_str()
            .unwrap_or_default();
        if body["startDate"] == "2026-02-02" && first == "A200" {
            Reply::bank_error(400, "GCA-023", "Invalid request")
        } else {
            answer(body)
        }
    });
    let env = Home::with_bank(&bank);
    let ids: Vec<String> = (0..250).map(|i| format!("A{i}")).collect();
    std::fs::write(env.path().join("ids.txt"), ids.join("\n") + "\n").unwrap();
    let report = env.path().join("report.csv");
    std::fs::write(&report, "previous report\n").unwrap();
    let out = run(env
        .cmd()
        .args([
            "balances",
            "--split",
            "--from",
            "2026-01-01",
            "--to",
            "2026-03-31",
        ])
        .args([
            "--accounts-file",
            "ids.txt",
            "--concurrency",
            "1",
            "-o",
            "report.csv",
        ]));
    out.code(4).stdout_empty();
    let errors = out.stderr_lines("error");
    out.check(
        errors.len() == 1
            && errors[0].contains("GCA-023 Invalid request")
            && errors[0].contains("window 2026-02-02..2026-03-05, accounts 201-250 of 250"),
        "one error naming the failing window and its batch",
    );
    // One at a time, in report order: the first batch's three windows were answered (and its
    // rows written to the temporary file) before the failing one was sent.
    let bodies = bank.balance_bodies();
    let sent: Vec<(String, String)> = bodies
        .iter()
        .map(|b| {
            (
                b["startDate"].as_str().unwrap().to_string(),
                b["accountList"][0]["accountId"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            )
        })
        .collect();
    out.check(
        sent == [
            ("2026-01-01".to_string(), "A0".to_string()),
            ("2026-02-02".to_string(), "A0".to_string()),
            ("2026-03-06".to_string(), "A0".to_string()),
            ("2026-01-01".to_string(), "A200".to_string()),
            ("2026-02-02".to_string(), "A200".to_string()),
        ],
        &format!("batch by batch, stopping at the failure: {sent:?}"),
    );
    out.check(
        std::fs::read_to_string(&report).unwrap() == "previous report\n",
        "the previous file is left as it was",
    );
    let left: Vec<String> = std::fs::read_dir(env.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".tmp"))
        .collect();
    out.check(
        left.is_empty(),
        &format!("no temporary file left: {left:?}"),
    );
}

#[test]
fn a_streamed_file_is_the_report_stdout_gets() {
    let bank = TestBank::start();
    bank.respond(|body, _| answer(body));
    let env = Home::with_bank(&bank);
    let ids: Vec<String> = (0..250).map(|i| format!("A{i}")).collect();
    std::fs::write(env.path().join("ids.txt"), ids.join("\n") + "\n").unwrap();
    let args = [
        "balances",
        "--split",
        "--from",
        "2026-01-01",
        "--to",
        "2026-03-31",
        "--accounts-file",
        "ids.txt",
        "-f",
        "json",
    ];
    let stdout = run(env.cmd().args(args));
    stdout.code(0).stderr_empty();
    let file = run(env.cmd().args(args).args(["-o", "report.json"]));
    file.code(0).stdout_empty();
    file.stderr_has("Wrote 750 rows to report.json");
    let written = std::fs::read_to_string(env.path().join("report.json")).unwrap();
    file.check(written == stdout.stdout, "the file holds what stdout got");
    let value: serde_json::Value = serde_json::from_str(&written).unwrap();
    file.check(
        value["balances"].as_array().map(Vec::len) == Some(750)
            && value["errors"].as_array().is_some_and(Vec::is_empty),
        "750 rows (250 accounts, one date per window), no errors",
    );
}

// Bullets 4 and 5: a `--split` batch or window on its own.

/// The scripted bank's answer to a request: every account asked for, on the requested dates
/// (or `DAY` for a relative day); GCA-009 for a batch of only `U…` accounts.
fn answer_or_not_found(body: &Value) -> Reply {
    let list = body["accountList"].as_array().cloned().unwrap_or_default();
    let ids: Vec<String> = list
        .iter()
        .map(|a| a["accountId"].as_str().unwrap().to_string())
        .collect();
    if !ids.is_empty() && ids.iter().all(|id| id.starts_with('U')) {
        return Reply::bank_error(400, "GCA-009", "The requested accounts were not found");
    }
    let known: Vec<(&str, &str)> = ids
        .iter()
        .filter(|id| !id.starts_with('U'))
        .map(|id| (id.as_str(), "B"))
        .collect();
    let dates: Vec<String> = match body["startDate"].as_str() {
        Some(from) => vec![from.to_string()],
        None => vec![DAY.to_string()],
    };
    let dates: Vec<&str> = dates.iter().map(String::as_str).collect();
    let mut entries = entries_for(&known, &dates);
    // Unknown accounts beside known ones: the bank's per-account GCA-010.
    for id in ids.iter().filter(|id| id.starts_with('U')) {
        entries.push(serde_json::json!({
            "accountId": id, "bankId": "", "errorCode": "GCA-010", "errorMsg": "Account not found"
        }));
    }
    answer_of(entries)
}

fn accounts_file(env: &Home, ids: &[String]) -> String {
    let path = env.path().join("ids.txt");
    std::fs::write(&path, ids.join("\n")).unwrap();
    "ids.txt".to_string()
}

fn ids(prefix: char, count: usize) -> Vec<String> {
    (0..count).map(|i| format!("{prefix}{i:04}")).collect()
}

#[test]
fn a_split_batch_of_only_unknown_accounts_is_per_account_errors_exit_5() {
    let bank = TestBank::start();
    bank.respond(|body, _| answer_or_not_found(body));
    let env = Home::with_bank(&bank);
    let mut all = ids('K', 200);
    all.extend(ids('U', 3));
    let file = accounts_file(&env, &all);
    let out = run(env
        .cmd()
        .args(["balances", "--split", "--prior-day", "-f", "csv"])
        .args(["--accounts-file", &file]));
    out.code(5);
    out.check(csv_rows(&out.stdout).len() == 200, "the known batch's rows");
    let warnings = out.stderr_lines("warning");
    out.check(
        warnings
            == [
                "warning: account U0000: GCA-009 The requested accounts were not found",
                "warning: account U0001: GCA-009 The requested accounts were not found",
                "warning: account U0002: GCA-009 The requested accounts were not found",
            ],
        "one line per account of the unknown batch",
    );
    out.check(out.stderr_lines("error").is_empty(), "no whole-run error");
}

#[test]
fn unknown_accounts_without_split_keep_their_answers() {
    // The same accounts in one request: GCA-010 per unknown account, exit 5 (unchanged).
    let bank = TestBank::start();
    bank.respond(|body, _| answer_or_not_found(body));
    let env = Home::with_bank(&bank);
    let out = balances_of(
        &env,
        &["--prior-day", "-f", "csv", "-a", "K1", "-a", "U1"].map(String::from),
    );
    out.code(5);
    out.check(csv_rows(&out.stdout).len() == 1, "the known account's row");
    out.stderr_has("account U1: GCA-010 Account not found");
    // One request of only unknown accounts stays a whole-request refusal (exit 4).
    let out = balances_of(
        &env,
        &["--prior-day", "-a", "U1", "-a", "U2"].map(String::from),
    );
    out.code(4).stdout_empty();
    out.check(
        out.stderr_lines("error")
            .first()
            .is_some_and(|l| l.contains("GCA-009")),
        "the bank's code",
    );
    out.stderr_has("hint: none of the requested accounts exist");
}

#[test]
fn every_split_batch_unknown_is_still_the_whole_request_refusal() {
    let bank = TestBank::start();
    bank.respond(|body, _| answer_or_not_found(body));
    let env = Home::with_bank(&bank);
    let file = accounts_file(&env, &ids('U', 201));
    let out = run(env.cmd().args([
        "balances",
        "--split",
        "--prior-day",
        "--accounts-file",
        &file,
    ]));
    out.code(4).stdout_empty();
    out.check(
        out.stderr_lines("error")
            .first()
            .is_some_and(|l| l.contains("GCA-009")),
        "the bank's code",
    );
    out.stderr_has("hint: none of the requested accounts exist");
}

#[test]
fn gca_009_for_a_split_request_without_accounts_stays_a_whole_request_error() {
    let bank = TestBank::start();
    bank.respond(|body, _| match body["startDate"].as_str() {
        Some("2026-02-02") => {
            Reply::bank_error(400, "GCA-009", "The requested accounts were not found")
        }
        _ => answer_for(&[("1", "B")], &[body["startDate"].as_str().unwrap()]),
    });
    let env = Home::with_bank(&bank);
    let out = balances(
        &env,
        &["--split", "--from", "2026-01-01", "--to", "2026-03-31"],
    );
    out.code(4).stdout_empty();
    let errors = out.stderr_lines("error");
    out.check(
        errors.len() == 1
            && errors[0].contains("GCA-009")
            && errors[0].contains("window 2026-02-02..2026-03-05, all accounts"),
        "the error names the window",
    );
}

#[test]
fn the_failing_split_request_is_named_by_window_and_batch() {
    let bank = TestBank::start();
    bank.respond(|body, _| {
        let first = body["accountList"][0]["accountId"]
            .as_str()
            .unwrap_or_default();
        if body["startDate"] == "2026-01-01" && first == "K0200" {
            Reply::bank_error(400, "GCA-023", "Invalid request")
        } else {
            answer_or_not_found(body)
        }
    });
    let env = Home::with_bank(&bank);
    let file = accounts_file(&env, &ids('K', 450));
    let out = run(env
        .cmd()
        .args([
            "balances",
            "--split",
            "--from",
            "2026-01-01",
            "--to",
            "2026-03-31",
        ])
        .args(["--accounts-file", &file, "-o", "out.csv"]));
    out.code(4).stdout_empty();
    let errors = out.stderr_lines("error");
    out.check(
        errors.len() == 1
            && errors[0].contains("GCA-023 Invalid request")
            && errors[0].contains("window 2026-01-01..2026-02-01, accounts 201-400 of 450")
            && errors[0].contains("HTTP 400"),
        "one error naming the bank's code, the window and the batch",
    );
    out.check(
        out.stderr_lines("hint")
            .first()
            .is_some_and(|l| l.contains("--dry-run")),
        "the bank code's hint is kept",
    );
    out.check(!env.path().join("out.csv").exists(), "no report written");
}
