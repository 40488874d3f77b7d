//! `balances` on a terminal: the summary of a partial report, what `--accounts-file -` waits for,
//! the progress bar cleared on Ctrl-C, and `-q`.

use super::*;

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
