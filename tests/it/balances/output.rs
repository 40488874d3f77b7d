//! Issue 14, output and files: empty reports, closed stdout, unknown extensions, symlinks and
//! FIFOs, signals, file modes, control characters, terminal width, huge tables, totals, the
//! summary of a partial report and the `--accounts-file -` note. Every test runs the binary
//! against the scripted bank on 127.0.0.1 (or the built-in sandbox).

use crate::support;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::{answer_for, balances, on_a_terminal, run, Home, Reply, Run, TestBank, SECRET};

const BIN: &str = env!("CARGO_BIN_EXE_treasury");
const OLD: &str = "old report\n";

/// `treasury` as a plain `std::process::Command`, with the same isolated environment as
/// `Home::cmd` (for spawning, signals and shells, which assert_cmd does not offer).
fn std_cmd(env: &Home, program: &str) -> Command {
    let mut cmd = Command::new(program);
    cmd.env_clear()
        .current_dir(env.path())
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", env.path())
        .env("XDG_CONFIG_HOME", env.path().join("config"))
        .env("XDG_CACHE_HOME", env.path().join("cache"))
        .env("TREASURY_CONFIG", env.config_path())
        .env("TREASURY_PROFILE", "test")
        .env("TREASURY_CLIENT_SECRET", SECRET)
        .env("NO_PROXY", "127.0.0.1,localhost");
    cmd
}

/// Runs `script` in `sh -c`, where `"$@"` is `treasury ARGS`.
fn shell(env: &Home, script: &str, args: &[&str]) -> Run {
    let output = std_cmd(env, "sh")
        .arg("-c")
        .arg(script)
        .arg("sh")
        .arg(BIN)
        .args(args)
        .output()
        .expect("sh runs");
    Run {
        code: output.status.code().expect("sh exits"),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// The names of the temporary files left in a folder.
fn temporaries(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .expect("the folder")
        .map(|e| {
            e.expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|n| n.starts_with(".treasury-"))
        .collect()
}

fn account_error(id: &str, code: &str, message: &str) -> Value {
    json!({"accountId": id, "bankId": "B1", "errorCode": code, "errorMsg": message})
}

/// One account with balances and the others with per-account errors.
fn partial_answer(good: &str, failed: &[(&str, &str)]) -> Reply {
    let ok: Value =
        serde_json::from_str(&answer_for(&[(good, "B1")], &["2026-01-05"]).body).unwrap();
    let mut list = ok["accountList"].as_array().unwrap().clone();
    list.extend(
        failed
            .iter()
            .map(|(id, msg)| account_error(id, "GCA-010", msg)),
    );
    Reply::json(200, json!({ "accountList": list }).to_string())
}

// 1. A run without rows replaces no report.

#[test]
fn an_empty_answer_leaves_the_old_report_and_exits_4() {
    for body in ["{}", r#"{"accountList": []}"#] {
        let bank = TestBank::start();
        bank.reply(Reply::json(200, body));
        let env = Home::with_bank(&bank);
        std::fs::write(env.path().join("r.csv"), OLD).unwrap();
        // Without named accounts an empty answer is "no balances" (exit 4); with named ones,
        // each is a MISSING error and the refusal says so (exit 5): the old file stays either way.
        let named = balances(&env, &["--prior-day", "-a", "B1/111", "-o", "r.csv"]);
        named.code(5).stdout_empty();
        named.stderr_has("MISSING");
        named.stderr_has("every account came back with an error (listed above), so there is no balance to report; r.csv is left as it was");
        let out = balances(&env, &["--prior-day", "-o", "r.csv"]);
        out.code(4).stdout_empty();
        out.stderr_has("error: the bank returned no balances; r.csv is left as it was");
        out.stderr_has("hint: pass --allow-empty");
        out.check(!out.stderr.contains("Wrote"), "no 'Wrote 0 rows'");
        assert_eq!(
            std::fs::read_to_string(env.path().join("r.csv")).unwrap(),
            OLD
        );
        assert!(temporaries(env.path()).is_empty());

        let to_stdout = balances(&env, &["--prior-day"]);
        to_stdout.code(4).stdout_empty();
        to_stdout.stderr_has("error: the bank returned no balances\n");
    }
}

#[test]
fn allow_empty_writes_the_header_only_file() {
    let bank = TestBank::start();
    let env = Home::with_bank(&bank);
    std::fs::write(env.path().join("r.csv"), OLD).unwrap();
    let out = balances(&env, &["--prior-day", "-o", "r.csv", "--allow-empty"]);
    out.code(0).stdout_empty();
    out.stderr_has("Wrote 0 rows to r.csv");
    let text = std::fs::read_to_string(env.path().join("r.csv")).unwrap();
    assert!(
        text.starts_with("account_id,account_name,") && text.lines().count() == 1,
        "{text}"
    );
}

#[test]
fn every_account_failing_leaves_the_old_report_and_exits_5() {
    let bank = TestBank::start();
    bank.reply(Reply::json(
        200,
        json!({"accountList": [account_error("111", "GCA-010", "not found"), account_error("222", "GCA-024", "no balance")]}).to_string(),
    ));
    let env = Home::with_bank(&bank);
    std::fs::write(env.path().join("r.csv"), OLD).unwrap();
    let out = balances(
        &env,
        &["--prior-day", "-a", "B1/111", "-a", "B1/222", "-o", "r.csv"],
    );
    out.code(5).stdout_empty();
    assert_eq!(out.stderr_lines("warning").len(), 2, "{out}");
    out.stderr_has("error: every account came back with an error (listed above)");
    assert_eq!(
        std::fs::read_to_string(env.path().join("r.csv")).unwrap(),
        OLD
    );
}

#[test]
fn an_empty_account_list_is_refused_too() {
    let bank = TestBank::start();
    let env = Home::with_bank(&bank);
    std::fs::write(env.path().join("a.csv"), OLD).unwrap();
    let out = run(env.cmd().args(["accounts", "--refresh", "-o", "a.csv"]));
    out.code(4).stdout_empty();
    out.stderr_has("error: the bank returned no accounts; a.csv is left as it was");
    assert_eq!(
        std::fs::read_to_string(env.path().join("a.csv")).unwrap(),
        OLD
    );
}

// 2. A report on a closed stdout is an error; a closed pipe is not.

#[test]
fn a_closed_stdout_is_an_error_and_dev_null_is_not() {
    let env = Home::for_test_profile();
    let args = ["--sandbox", "balances", "--prior-day", "-a", "0041000001"];
    let closed = shell(&env, r#"exec "$@" >&-"#, &args);
    closed.code(1);
    closed.stderr_has("error: stdout is closed, so the report would go nowhere");
    let null = shell(&env, r#"exec "$@" >/dev/null"#, &args);
    null.code(0).stderr_empty();
    let full = shell(&env, r#"exec "$@" >/dev/full"#, &args);
    full.code(1).stderr_has("error: cannot write to stdout");
    // With -o the report goes to the file; a closed stdout does not matter.
    let to_file = shell(&env, r#"exec "$@" -o r.csv >&-"#, &args);
    to_file.code(0);
    assert!(std::fs::read_to_string(env.path().join("r.csv"))
        .unwrap()
        .contains("0041000001"));
}

#[test]
fn a_reader_that_stops_early_ends_the_run_quietly() {
    let bank = TestBank::start();
    let ids: Vec<String> = (0..200).map(|i| format!("{i:09}")).collect();
    let accounts: Vec<(&str, &str)> = ids.iter().map(|id| (id.as_str(), "B1")).collect();
    let dates: Vec<String> = (1..=31).map(|d| format!("2026-01-{d:02}")).collect();
    bank.reply(answer_for(&accounts, &dates));
    let env = Home::with_bank(&bank);
    let out = shell(
        &env,
        r#""$@" -f csv; echo "exit $?" >&2"#,
        &["balances", "--from", "2026-01-01", "--to", "2026-01-31"],
    );
    let piped = shell(
        &env,
        r#"{ "$@" -f csv; echo "exit $?" >&2; } | head -c 10"#,
        &["balances", "--from", "2026-01-01", "--to", "2026-01-31"],
    );
    out.check(
        out.stdout.len() > 500_000,
        "a report far larger than a pipe holds",
    );
    piped.check(piped.stdout == "account_id", "head saw the start");
    piped.check(piped.stderr == "exit 0\n", "no error, exit 0");
}

// 3. An unknown extension needs -f; -f contradicting the extension warns.

#[test]
fn an_unknown_or_missing_extension_is_refused_before_anything_is_sent() {
    for name in ["r.xlsx", "report"] {
        let bank = TestBank::start();
        let env = Home::with_bank(&bank);
        let out = balances(&env, &["--prior-day", "-o", name]);
        out.code(2).stdout_empty();
        out.stderr_has(&format!(
            "error: --output {name} has no known extension (.csv, .json, .ndjson, .jsonl, .txt, .bai, .bai2, .sta, .mt940)"
        ));
        out.stderr_has("hint: name the file with one of those extensions, or pass -f");
        out.check(bank.requests().is_empty(), "nothing sent");
        assert!(!env.path().join(name).exists() && temporaries(env.path()).is_empty());
        let with_flag = balances(
            &env,
            &["--prior-day", "-o", name, "-f", "table", "--allow-empty"],
        );
        with_flag.code(0);
        assert_eq!(
            std::fs::read_to_string(env.path().join(name)).unwrap(),
            "No balances.\n"
        );
    }
}

#[test]
fn a_format_that_contradicts_the_extension_warns() {
    let env = Home::for_test_profile();
    let out = run(env.cmd().args([
        "--sandbox",
        "balances",
        "--prior-day",
        "-a",
        "0041000001",
        "-f",
        "json",
        "-o",
        "x.csv",
    ]));
    out.code(0);
    out.stderr_has(
        "warning: --output x.csv gets JSON (from -f), not what its extension says (CSV)",
    );
    let text = std::fs::read_to_string(env.path().join("x.csv")).unwrap();
    assert!(serde_json::from_str::<Value>(&text).is_ok(), "{text}");
    let agreeing = run(env.cmd().args([
        "--sandbox",
        "balances",
        "--prior-day",
        "-a",
        "0041000001",
        "-f",
        "csv",
        "-o",
        "x.csv",
    ]));
    agreeing.code(0);
    agreeing.check(agreeing.stderr_lines("warning").is_empty(), "no warning");
}

// 4. Symlinks are followed; FIFOs and /dev/stdout written directly.

#[cfg(unix)]
#[test]
fn a_symlink_is_followed_and_its_target_replaced_in_its_folder() {
    let env = Home::for_test_profile();
    let data = env.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::write(data.join("real.csv"), OLD).unwrap();
    std::os::unix::fs::symlink("data/real.csv", env.path().join("link.csv")).unwrap();
    let out = run(env.cmd().args([
        "--sandbox",
        "balances",
        "--prior-day",
        "-a",
        "0041000001",
        "-o",
        "link.csv",
    ]));
    out.code(0).stderr_has("Wrote 1 row to link.csv");
    let link = std::fs::symlink_metadata(env.path().join("link.csv")).unwrap();
    assert!(link.file_type().is_symlink(), "the link stays a link");
    let text = std::fs::read_to_string(data.join("real.csv")).unwrap();
    assert!(
        text.starts_with("account_id,") && text.contains("0041000001"),
        "{text}"
    );
    assert!(temporaries(env.path()).is_empty() && temporaries(&data).is_empty());
    // A dangling link gets its target created.
    std::os::unix::fs::symlink("data/new.csv", env.path().join("dangling.csv")).unwrap();
    run(env.cmd().args([
        "--sandbox",
        "balances",
        "--prior-day",
        "-a",
        "0041000001",
        "-o",
        "dangling.csv",
    ]))
    .code(0);
    assert!(std::fs::read_to_string(data.join("new.csv"))
        .unwrap()
        .contains("0041000001"));
}

#[cfg(unix)]
#[test]
fn a_fifo_is_written_into_and_stays_a_fifo() {
    use std::os::unix::fs::FileTypeExt;
    let env = Home::for_test_profile();
    let fifo = env.path().join("pipe.csv");
    let made = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    let out = run(env.cmd().args([
        "--sandbox",
        "balances",
        "--prior-day",
        "-a",
        "0041000001",
        "-o",
        "pipe.csv",
    ]));
    out.code(0);
    let text = reader.join().unwrap();
    assert!(
        text.starts_with("account_id,") && text.contains("0041000001"),
        "{text}"
    );
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
    assert!(temporaries(env.path()).is_empty());
}

#[cfg(target_os = "linux")]
#[test]
fn dev_stdout_is_written_directly() {
    let env = Home::for_test_profile();
    let out = run(env.cmd().args([
        "--sandbox",
        "balances",
        "--prior-day",
        "-a",
        "0041000001",
        "-f",
        "csv",
        "-o",
        "/dev/stdout",
    ]));
    out.code(0);
    out.check(
        out.stdout.starts_with("account_id,") && out.stdout.contains("0041000001"),
        "the CSV on stdout",
    );
}

// 5. A signal removes the temporary file and leaves the old report.

#[cfg(unix)]
fn stop_a_slow_run(signal: &str, expected_code: i32) {
    let bank = TestBank::start();
    bank.reply(answer_for(&[("111", "B1")], &["2026-01-05"]));
    bank.delay(Duration::from_secs(30));
    let env = Home::with_bank(&bank);
    std::fs::write(env.path().join("r.csv"), OLD).unwrap();
    let child = std_cmd(&env, BIN)
        .args(["balances", "--prior-day", "-a", "B1/111", "-o", "r.csv"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("treasury starts");
    let started = Instant::now();
    while bank.balance_bodies().is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the request never came"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(
        temporaries(env.path()).len(),
        1,
        "the temporary file exists while fetching"
    );
    let killed = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    let output = child.wait_with_output().expect("treasury ends");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(expected_code), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "error: stopped by SIG{}; the report is incomplete, and an -o file is left as it was",
            &signal[1..]
        )),
        "{stderr}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "ended by the signal, not the bank"
    );
    assert_eq!(
        std::fs::read_to_string(env.path().join("r.csv")).unwrap(),
        OLD
    );
    assert!(
        temporaries(env.path()).is_empty(),
        "{:?}",
        temporaries(env.path())
    );
}

#[cfg(unix)]
#[test]
fn sigterm_removes_the_temporary_file_and_exits_143() {
    stop_a_slow_run("-TERM", 143);
}

#[cfg(unix)]
#[test]
fn sigint_removes_the_temporary_file_and_exits_130() {
    stop_a_slow_run("-INT", 130);
}

// 6. Report files get the umask's mode, or keep the replaced file's.

#[cfg(unix)]
#[test]
fn a_new_report_gets_the_umask_mode_and_a_replacement_keeps_the_old_mode() {
    use std::os::unix::fs::PermissionsExt;
    let env = Home::for_test_profile();
    let args = ["--sandbox", "balances", "--prior-day", "-a", "0041000001"];
    shell(&env, r#"umask 027; exec "$@" -o new.csv"#, &args).code(0);
    let mode = |name: &str| {
        std::fs::metadata(env.path().join(name))
            .unwrap()
            .permissions()
            .mode()
            & 0o777
    };
    assert_eq!(mode("new.csv"), 0o640);
    std::fs::write(env.path().join("kept.csv"), OLD).unwrap();
    std::fs::set_permissions(
        env.path().join("kept.csv"),
        std::fs::Permissions::from_mode(0o600),
    )
    .unwrap();
    shell(&env, r#"umask 022; exec "$@" -o kept.csv"#, &args).code(0);
    assert_eq!(mode("kept.csv"), 0o600);
}

// 7. Control characters from the bank never reach the terminal raw.

const FORGED_NAME: &str = "EVIL\n error: forged name\u{1b}]0;pwned\u{7}";
const FORGED_MESSAGE: &str = "nope\nerror: forged message\r\u{1b}[2K\u{9b}";

fn forged_bank() -> TestBank {
    let bank = TestBank::start();
    let mut good: Value =
        serde_json::from_str(&answer_for(&[("111", "B1")], &["2026-01-05"]).body).unwrap();
    good["accountList"][0]["accountName"] = FORGED_NAME.into();
    let list = vec![
        good["accountList"][0].clone(),
        account_error("222", "GCA-010", FORGED_MESSAGE),
    ];
    bank.reply(Reply::json(200, json!({ "accountList": list }).to_string()));
    bank
}

fn assert_nothing_forged(text: &str) {
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{9b}') && !text.contains('\r'),
        "{text:?}"
    );
    assert!(
        !text
            .lines()
            .any(|l| l.trim_start().starts_with("error: forged")),
        "{text}"
    );
}

#[test]
fn control_characters_are_escaped_in_tables_and_messages() {
    let bank = forged_bank();
    let env = Home::with_bank(&bank);
    let out = balances(&env, &["--prior-day", "-a", "B1/111", "-a", "B1/222"]);
    out.code(5);
    assert_nothing_forged(&out.stdout);
    assert_nothing_forged(&out.stderr);
    out.stdout_has("EVIL\\n error: forged name\\x1b]0;pwned\\x07");
    out.stderr_has(
        "warning: account B1/222: GCA-010 nope\\nerror: forged message\\r\\x1b[2K\\u{9b}\n",
    );
}

#[test]
fn csv_and_json_carry_the_bank_text_exactly() {
    let bank = forged_bank();
    let env = Home::with_bank(&bank);
    let csv = balances(
        &env,
        &["--prior-day", "-a", "B1/111", "-a", "B1/222", "-f", "csv"],
    );
    csv.code(5);
    csv.stdout_has(&format!("\"{FORGED_NAME}\""));
    let json = balances(
        &env,
        &["--prior-day", "-a", "B1/111", "-a", "B1/222", "-f", "json"],
    );
    json.code(5);
    let doc: Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(doc["balances"][0]["account_name"], FORGED_NAME);
    assert_eq!(doc["errors"][0]["message"], FORGED_MESSAGE);
    assert!(
        !json.stdout.contains('\u{1b}'),
        "JSON escapes it as \\u001b"
    );
}

// 8. Tables fit the terminal's width; --wide and files show everything.

#[test]
fn a_table_fits_columns_and_never_cuts_a_number() {
    let env = Home::for_test_profile();
    let out = run(env
        .cmd()
        .env("COLUMNS", "80")
        .args(["--sandbox", "balances", "--prior-day"]));
    out.code(0);
    let header = out.stdout.lines().next().unwrap();
    assert_eq!(
        header.split_whitespace().collect::<Vec<_>>(),
        [
            "account_id",
            "account_name",
            "currency",
            "as_of_date",
            "ending_ledger"
        ]
    );
    for line in out.stdout.lines() {
        out.check(
            line.chars().count() <= 80,
            &format!("fits 80 columns: {line}"),
        );
    }
    let csv = run(env
        .cmd()
        .args(["--sandbox", "balances", "--prior-day", "-f", "csv"]));
    for row in support::csv_rows(&csv.stdout).iter().skip(1) {
        let grouped = support::csv_rows(&csv.stdout).len();
        assert!(grouped > 1);
        let line = out
            .stdout
            .lines()
            .find(|l| l.starts_with(&format!(" {} ", row[0])))
            .unwrap();
        let ledger = line.split_whitespace().last().unwrap().replace(',', "");
        assert_eq!(ledger, row[11], "{line}");
    }
    let narrow =
        run(env
            .cmd()
            .env("COLUMNS", "100")
            .args(["--sandbox", "balances", "--prior-day"]));
    // Shortened in the middle: the numbered end that tells the accounts apart stays.
    narrow.stdout_has("…0001");
    narrow.stdout_has("…0002");
}

#[test]
fn wide_files_and_pipes_show_every_column() {
    let env = Home::for_test_profile();
    let all = [
        "account_id",
        "account_name",
        "bank_id",
        "currency",
        "as_of_date",
        "opening_available",
        "opening_ledger",
        "ending_available",
        "ending_ledger",
    ];
    let wide = run(env.cmd().env("COLUMNS", "80").args([
        "--sandbox",
        "balances",
        "--prior-day",
        "--wide",
    ]));
    let piped = run(env.cmd().args(["--sandbox", "balances", "--prior-day"]));
    run(env.cmd().env("COLUMNS", "80").args([
        "--sandbox",
        "balances",
        "--prior-day",
        "-o",
        "r.txt",
    ]))
    .code(0);
    let file = std::fs::read_to_string(env.path().join("r.txt")).unwrap();
    for text in [&wide.stdout, &piped.stdout, &file] {
        let header: Vec<&str> = text.lines().next().unwrap().split_whitespace().collect();
        assert_eq!(header, all);
    }
    assert_eq!(wide.stdout, piped.stdout);
    assert_eq!(file, piped.stdout);
}

// 9. A huge table needs about the memory of its CSV.

#[cfg(target_os = "linux")]
#[test]
fn a_huge_table_takes_about_the_memory_of_its_csv() {
    assert!(
        Path::new("/usr/bin/time").exists(),
        "this test needs GNU time at /usr/bin/time (Debian: time) to measure peak memory"
    );
    let bank = TestBank::start();
    let ids: Vec<String> = (0..200).map(|i| format!("{i:09}")).collect();
    bank.respond(move |body, _| {
        let from = body["startDate"].as_str().unwrap_or("2026-01-01");
        let to = body["endDate"].as_str().unwrap_or("2026-01-31");
        let (from, to) = (
            from.parse::<chrono::NaiveDate>().unwrap(),
            to.parse::<chrono::NaiveDate>().unwrap(),
        );
        let dates: Vec<String> = from
            .iter_days()
            .take_while(|d| *d <= to)
            .map(|d| d.to_string())
            .collect();
        let accounts: Vec<(&str, &str)> = ids.iter().map(|id| (id.as_str(), "B1")).collect();
        answer_for(&accounts, &dates)
    });
    let env = Home::with_bank(&bank);
    let peak_kb = |format: &str| -> u64 {
        let out = shell(
            &env,
            r#"/usr/bin/time -f "peak %M" "$@" >/dev/null"#,
            &[
                "balances",
                "--from",
                "2026-01-01",
                "--to",
                "2026-04-30",
                "--split",
                "-f",
                format,
            ],
        );
        out.code(0);
        let line = out
            .stderr
            .lines()
            .find_map(|l| l.strip_prefix("peak "))
            .expect("a peak");
        line.trim().parse().unwrap()
    };
    let csv = peak_kb("csv");
    let table = peak_kb("table");
    // 24,000 rows: cells held for a table would take tens of MB more than the CSV.
    eprintln!("peak memory: table {table} kB, CSV {csv} kB");
    assert!(table < csv + 8 * 1024, "table {table} kB, CSV {csv} kB");
}

// 10. --totals.

fn range_table(totals: Option<&str>) -> Run {
    let bank = TestBank::start();
    bank.reply(answer_for(
        &[("111", "B1"), ("222", "B1")],
        &["2026-01-05", "2026-01-06", "2026-01-07"],
    ));
    let env = Home::with_bank(&bank);
    let mut args = vec![
        "--from",
        "2026-01-05",
        "--to",
        "2026-01-07",
        "-a",
        "B1/111",
        "-a",
        "B1/222",
    ];
    if let Some(totals) = totals {
        args.extend(["--totals", totals]);
    }
    let out = balances(&env, &args);
    out.code(0);
    out
}

fn total_lines(out: &Run) -> Vec<String> {
    out.stdout
        .lines()
        .filter(|l| l.trim_start().starts_with("TOTAL"))
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

#[test]
fn totals_are_the_last_dates_by_default_each_or_none_on_request() {
    let last = range_table(None);
    assert_eq!(
        total_lines(&last),
        ["TOTAL 2 accounts USD 2026-01-07 2.00 5.00 6.00 8.00"]
    );
    assert_eq!(total_lines(&range_table(Some("last"))), total_lines(&last));
    let each = range_table(Some("each"));
    assert_eq!(total_lines(&each).len(), 3);
    assert!(total_lines(&each)[0].contains("2026-01-05"));
    let none = range_table(Some("none"));
    assert!(total_lines(&none).is_empty());
    assert_eq!(
        none.stdout.lines().count(),
        7,
        "header and six rows, no blank line:\n{}",
        none.stdout
    );
}

// 11. A partial report ends with a summary on stderr.

/// What a terminal shows of `treasury ARGS` run on one (util-linux `script`), stdout and
/// stderr together; fails where there is no `script`.
#[cfg(target_os = "linux")]
fn on_terminal(env: &Home, args: &str, input: &[u8]) -> String {
    use std::io::Write;
    let script = Command::new("script").arg("--version").output();
    assert!(
        script.is_ok_and(|o| o.status.success()),
        "this test needs `script` (util-linux) for a pseudo-terminal"
    );
    let mut child = std_cmd(env, "script")
        .args(["-qec", &format!("{BIN} {args}"), "/dev/null"])
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("script starts");
    let mut stdin = child.stdin.take().unwrap();
    if !input.is_empty() {
        std::thread::sleep(Duration::from_millis(500));
        stdin.write_all(input).unwrap();
    }
    let output = child.wait_with_output().unwrap();
    drop(stdin);
    String::from_utf8_lossy(&output.stdout).replace("\r\n", "\n")
}

#[cfg(target_os = "linux")]
#[test]
fn a_partial_report_on_a_terminal_ends_with_a_summary_even_with_quiet() {
    let bank = TestBank::start();
    bank.reply(partial_answer(
        "111",
        &[("222", "not found"), ("333", "not found")],
    ));
    let env = Home::with_bank(&bank);
    let args = "balances --prior-day -a B1/111 -a B1/222 -a B1/333";
    for extra in ["", " -q"] {
        let screen = on_terminal(&env, &format!("{args}{extra}"), b"");
        let lines: Vec<&str> = screen.lines().filter(|l| !l.trim().is_empty()).collect();
        assert_eq!(
            lines.last(),
            Some(&"2 of 3 accounts have errors, listed above"),
            "{screen}"
        );
        let total = lines.iter().position(|l| l.contains("TOTAL")).unwrap();
        let warning = lines
            .iter()
            .position(|l| l.starts_with("warning: account"))
            .unwrap();
        assert!(warning < total, "the warnings come first:\n{screen}");
    }
    // Piped, stderr stays the warnings alone.
    let piped = balances(
        &env,
        &[
            "--prior-day",
            "-a",
            "B1/111",
            "-a",
            "B1/222",
            "-a",
            "B1/333",
        ],
    );
    piped.code(5);
    assert_eq!(piped.stderr.lines().count(), 2, "{piped}");
    // A complete report has no summary.
    let bank = TestBank::start();
    bank.reply(answer_for(&[("111", "B1")], &["2026-01-05"]));
    let env = Home::with_bank(&bank);
    let screen = on_terminal(&env, "balances --prior-day -a B1/111", b"");
    assert!(
        screen.contains("TOTAL") && !screen.contains("listed above"),
        "{screen}"
    );
}

// 12. `--accounts-file -` on a terminal says what it waits for.

#[cfg(target_os = "linux")]
#[test]
fn accounts_file_on_a_terminal_says_what_it_waits_for() {
    let env = Home::for_test_profile();
    let args = "--sandbox balances --prior-day --accounts-file - --dry-run";
    let screen = on_terminal(&env, args, b"0041000001\n\x04");
    assert!(
        screen.contains("reading account ids from stdin, one per line; end with Ctrl-D"),
        "{screen}"
    );
    assert!(
        screen.contains(r#"{"accountId":"0041000001"}"#),
        "the body names the account: {screen}"
    );
    let piped = run(env
        .cmd()
        .args([
            "--sandbox",
            "balances",
            "--prior-day",
            "--accounts-file",
            "-",
            "--dry-run",
        ])
        .write_stdin("0041000001\n"));
    piped.code(0).stderr_empty();
}

// 13. Ctrl-C and -q.

#[test]
fn ctrl_c_clears_the_progress_bar_before_saying_what_stopped() {
    let env = Home::for_test_profile();
    let shown = on_a_terminal(
        &env,
        "timeout -s INT 1.5 treasury --sandbox balances --from 2000-01-01 --to 2026-01-01 \
         --split -f csv -o out.csv",
    );
    let stopped = shown
        .find("error: stopped by SIGINT")
        .unwrap_or_else(|| panic!("no interruption message:\n{shown:?}"));
    let bar = shown[..stopped]
        .rfind(" requests ")
        .unwrap_or_else(|| panic!("no progress bar was drawn:\n{shown:?}"));
    let between = &shown[bar..stopped];
    assert!(
        between.contains("\x1b[2K"),
        "the bar is not cleared: {between:?}"
    );
    assert!(between.ends_with("\r\x1b[K"), "{between:?}");
    assert!(!env.path().join("out.csv").exists());
}

#[test]
fn quiet_keeps_only_errors_and_the_failed_accounts_of_a_partial_report() {
    let env = Home::for_test_profile();
    let out = run(env.bare_cmd().args([
        "-q",
        "--sandbox",
        "balances",
        "--prior-day",
        "-a",
        "CHASGB2L/0041000001",
        "-a",
        "99999",
    ]));
    out.code(5);
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(
        lines,
        ["warning: account 99999: GCA-010 The account was not found"],
        "{out}"
    );
    let help = run(env.bare_cmd().arg("--help"));
    help.stdout_has("Only errors on stderr, and the per-account errors of a partial report");
}
