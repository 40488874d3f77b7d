//! Every balances run recorded in the owner-only SQLite history: `--change` across simulated days,
//! a later fetch replacing its row, history off or unwritable, overlapping runs, `--prune`, a daily
//! limit never retried.

use super::*;

#[test]
fn two_simulated_days_are_recorded_and_change_is_against_the_earlier_day() {
    let bank = TestBank::start();
    let env = Home::with_bank(&bank);
    bank.reply(reply(vec![day(
        "111",
        "2026-03-02",
        "100.00",
        "150.00",
        Some("140.00"),
    )]));
    support::balances(
        &env,
        &["--from", "2026-03-02", "--to", "2026-03-02", "-f", "csv"],
    )
    .code(0);
    bank.reply(reply(vec![day(
        "111",
        "2026-03-03",
        "150.00",
        "120.50",
        None,
    )]));
    support::balances(
        &env,
        &["--from", "2026-03-03", "--to", "2026-03-03", "-f", "csv"],
    )
    .code(0);
    let requests = bank.requests().len();

    let out = run(env.cmd().args(["history", "--change", "-f", "csv"]));
    out.code(0);
    let header = support::split_csv_line(out.stdout.lines().next().unwrap());
    let mut rows = vec![header];
    rows.extend(support::csv_rows(&out.stdout));
    assert_eq!(
        rows[0][13..],
        [
            "profile",
            "provider",
            "fetched_at",
            "opening_available_change",
            "opening_ledger_change",
            "ending_available_change",
            "ending_ledger_change"
        ]
    );
    assert_eq!(rows.len(), 3, "{out}");
    assert_eq!(rows[1][6], "2026-03-02");
    // The first day has nothing earlier: every change is absent.
    assert_eq!(rows[1][16..], ["", "", "", ""]);
    assert_eq!(rows[2][6], "2026-03-03");
    // ending_available was not sent on the second day: absent, and so is its change.
    assert_eq!(rows[2][10], "");
    assert_eq!(rows[2][16..], ["", "50.00", "", "-29.50"]);
    assert_eq!(rows[2][13..15], ["test", "jpmorgan"]);
    assert_eq!(bank.requests().len(), requests, "history calls no bank");

    // --from keeps the change against a day before it; JSON carries the same.
    let out = run(env
        .cmd()
        .args(["history", "--change", "--from", "2026-03-03", "-f", "json"]));
    out.code(0);
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(doc["errors"], json!([]));
    let rows = doc["balances"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{out}");
    assert_eq!(rows[0]["ending_ledger_change"].to_string(), "-29.50");
    assert_eq!(rows[0]["ending_available"], json!(null));
}

#[test]
fn a_later_fetch_of_the_same_day_replaces_the_row() {
    let bank = TestBank::start();
    let env = Home::with_bank(&bank);
    for ending in ["1.00", "2.00"] {
        bank.reply(reply(vec![day(
            "111",
            "2026-03-02",
            "0.00",
            ending,
            Some(ending),
        )]));
        support::balances(&env, &["--from", "2026-03-02", "--to", "2026-03-02"]).code(0);
    }
    let out = run(env.cmd().args(["history", "-f", "csv"]));
    let rows = support::csv_rows(&out.stdout);
    assert_eq!(rows.len(), 1, "{out}");
    assert_eq!(rows[0][11], "2.00");
}

#[test]
fn the_history_file_is_owner_only() {
    let bank = TestBank::start();
    let env = Home::with_bank(&bank);
    bank.reply(reply(vec![day("111", "2026-03-02", "0.00", "1.00", None)]));
    support::balances(&env, &["--from", "2026-03-02", "--to", "2026-03-02"]).code(0);
    let file = history_file(&env);
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&file), 0o600);
    assert_eq!(mode(file.parent().unwrap()), 0o700);
    let out = run(env.cmd().args(["history", "--path"]));
    assert_eq!(out.stdout.trim(), file.display().to_string());
    let status = run(env.cmd().args(["status", "-f", "json"]));
    let fields: serde_json::Value = serde_json::from_str(&status.stdout).unwrap();
    assert_eq!(
        fields["history_file"],
        json!(file.display().to_string()),
        "{status}"
    );
    assert!(fields["history_bytes"].as_u64().unwrap() > 0, "{status}");
}

/// A table keeps its rows to the end and the other formats hand them over once written: both
/// record every row, the same rows.
#[test]
fn every_format_records_the_rows_it_reports() {
    for format in ["table", "csv", "bai2"] {
        let bank = TestBank::start();
        let env = Home::with_bank(&bank);
        bank.reply(reply(vec![
            day("111", "2026-03-02", "0.00", "1.00", None),
            day("222", "2026-03-02", "5.00", "6.50", Some("6.00")),
        ]));
        let dates = ["--from", "2026-03-02", "--to", "2026-03-02", "-f", format];
        support::balances(&env, &dates).code(0);
        let out = run(env.cmd().args(["history", "-p", "test", "-f", "csv"]));
        out.code(0);
        let rows = support::csv_rows(&out.stdout);
        let kept: Vec<(&str, &str)> = rows
            .iter()
            .map(|r| (r[0].as_str(), r[11].as_str()))
            .collect();
        assert_eq!(kept, [("111", "1.00"), ("222", "6.50")], "{format}: {out}");
    }
}

#[test]
fn history_off_records_nothing() {
    let bank = TestBank::start();
    let env = Home::with_bank(&bank);
    bank.reply(reply(vec![day("111", "2026-03-02", "0.00", "1.00", None)]));
    let config = std::fs::read_to_string(env.config_path()).unwrap();
    std::fs::write(env.config_path(), format!("history = false\n{config}")).unwrap();
    support::balances(&env, &["--from", "2026-03-02", "--to", "2026-03-02"]).code(0);
    std::fs::write(env.config_path(), &config).unwrap();
    let out = run(env.cmd().env("TREASURY_NO_HISTORY", "1").args([
        "balances",
        "--from",
        "2026-03-02",
        "--to",
        "2026-03-02",
    ]));
    out.code(0);
    assert!(!history_file(&env).exists(), "nothing was recorded");
    let out = run(env.cmd().args(["history", "-p", "test"]));
    out.code(4)
        .stdout_empty()
        .stderr_has("nothing recorded for profile test");
}

#[test]
fn a_history_that_cannot_be_written_is_one_warning_and_the_report_stands() {
    let bank = TestBank::start();
    let env = Home::with_bank(&bank);
    bank.reply(reply(vec![day("111", "2026-03-02", "0.00", "1.00", None)]));
    let before = support::balances(
        &env,
        &["--from", "2026-03-02", "--to", "2026-03-02", "-f", "csv"],
    );
    // A file where the history folder should be.
    let blocked = env.path().join("blocked");
    std::fs::write(&blocked, "not a folder").unwrap();
    let out = run(env.cmd().env("XDG_DATA_HOME", &blocked).args([
        "balances",
        "--from",
        "2026-03-02",
        "--to",
        "2026-03-02",
        "-f",
        "csv",
    ]));
    out.code(0);
    assert_eq!(out.stdout, before.stdout);
    let warnings = out.stderr_lines("warning");
    assert_eq!(warnings.len(), 1, "{out}");
    assert!(
        warnings[0].contains(&blocked.display().to_string()),
        "{out}"
    );
}

#[test]
fn eight_overlapping_runs_are_all_recorded() {
    let bank = TestBank::start();
    let env = Home::with_bank(&bank);
    bank.respond(|body, _| {
        let date = body["startDate"]
            .as_str()
            .unwrap_or("2026-03-01")
            .to_string();
        reply(vec![
            day("111", &date, "0.00", "1.00", None),
            day("222", &date, "0.00", "2.00", None),
        ])
    });
    let children: Vec<_> = (1..=8)
        .map(|d| {
            let date = format!("2026-03-{d:02}");
            let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_treasury"));
            let probe = env.cmd();
            for (key, value) in probe.get_envs() {
                if let Some(value) = value {
                    cmd.env(key, value);
                }
            }
            cmd.env_remove("XDG_DATA_HOME")
                .current_dir(env.path())
                .args(["balances", "--from", &date, "--to", &date, "-f", "csv"])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert_eq!(out.status.code(), Some(0), "{stderr}");
        assert!(!stderr.contains("history"), "{stderr}");
    }
    let out = run(env.cmd().args(["history", "-f", "csv"]));
    assert_eq!(support::csv_rows(&out.stdout).len(), 16, "{out}");
}

#[test]
fn prune_deletes_rows_before_the_date() {
    let bank = TestBank::start();
    let env = Home::with_bank(&bank);
    bank.respond(|body, _| {
        let date = body["startDate"]
            .as_str()
            .unwrap_or("2026-03-01")
            .to_string();
        reply(vec![day("111", &date, "0.00", "1.00", None)])
    });
    for date in ["2026-03-01", "2026-03-02"] {
        support::balances(&env, &["--from", date, "--to", date]).code(0);
    }
    run(env
        .cmd()
        .args(["history", "prune", "--before", "2026-03-02"]))
    .code(0)
    .stderr_has("Deleted 1 recorded row");
    let out = run(env.cmd().args(["history", "-f", "csv", "-a", "111"]));
    assert_eq!(
        support::keys(&out.stdout),
        [("111".to_string(), "2026-03-02".to_string())]
    );
    run(env.cmd().args(["history", "--to", "2026-03-01"]))
        .code(4)
        .stderr_has("nothing recorded for up to 2026-03-01");
}

#[test]
fn a_429_speaking_of_a_daily_limit_is_not_retried() {
    let bank = TestBank::start();
    let env = Home::with_bank(&bank);
    bank.reply(
        Reply::bank_error(429, "GCA-429", "Daily request limit reached")
            .with_header("retry-after", "3600"),
    );
    let out = support::balances(&env, &["--prior-day", "--max-wait", "600"]);
    out.code(6)
        .stderr_has("daily limit")
        .stderr_has("may be asked again at");
    assert_eq!(bank.requests_to("/balance").len(), 1, "not retried");
}
