//! Where `balances` writes: a closed stdout or pipe, `-o` extensions and `-f`, symlinks, FIFOs and
//! `/dev/stdout`.

use super::*;

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
