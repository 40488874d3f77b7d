//! `balances -o`: the old report is replaced only by a new one. A run without rows, or stopped by
//! SIGTERM or SIGINT, leaves it (and no temporary file); new files get the umask's mode.

use super::*;

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
