//! A `--split` batch on its own: only unknown accounts, GCA-009 without accounts, the failing request
//! named by window and batch.

use super::*;

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
