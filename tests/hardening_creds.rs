//! Hardening of credentials, certificates, URLs and retries, for real: a hanging
//! `client_secret_command` is stopped, bad client certificates are named, a 500 is not hidden
//! behind its retries, Retry-After dates are honoured, passwords in URLs are refused, the
//! sandbox secret can stay out of `ps`, `status` names the variable in use, completion reads
//! the `--config` on the line, and `login` probes the keyring before it asks for anything.

mod common;
mod isolated;

use std::time::{Duration, Instant};

use isolated::{run, Home, Run, ServedSandbox};

const SECRET: &str = "s3cret-77d2-hardening";

fn sandbox(home: &Home) -> ServedSandbox {
    ServedSandbox::start(home, ["--client-secret", SECRET])
}

/// Profile `t` (the default) for the sandbox, with extra `key = value` lines (TOML values).
fn profile(home: &Home, sandbox: &ServedSandbox, extra: &[&str]) {
    let mut text = format!(
        "default_profile = \"t\"\n\n[profiles.t]\nbase_url = \"{}\"\ntoken_url = \"{}\"\nclient_id = \"sandbox\"\n",
        sandbox.base_url(),
        sandbox.token_url()
    );
    for line in extra {
        text.push_str(line);
        text.push('\n');
    }
    home.write_config(&text);
}

fn balances(cmd: &mut assert_cmd::Command) -> Run {
    run(cmd.args(["balances", "--prior-day", "-f", "csv"]))
}

/// Checks that the sandbox got no request at all.
#[track_caller]
fn nothing_sent(sandbox: &ServedSandbox) {
    std::thread::sleep(Duration::from_millis(100));
    assert!(sandbox.requests().is_empty(), "{}", sandbox.log());
}

// 1. A hanging client_secret_command is bounded.

#[test]
fn a_hanging_secret_command_is_stopped_at_its_bound() {
    let home = Home::new();
    let sandbox = sandbox(&home);
    // The marker would show if its output leaked; the sleep outlives the test unless killed.
    profile(
        &home,
        &sandbox,
        &[
            "client_secret_command = \"echo marker-4471; sleep 100\"",
            "client_secret_command_timeout_secs = 1",
        ],
    );
    let started = Instant::now();
    let out = balances(&mut home.cmd());
    let took = started.elapsed();
    out.code(3)
        .stderr_has("client_secret_command of profile 't' ('echo') did not finish within 1 s and was stopped")
        .stderr_has("client_secret_command_timeout_secs")
        .check(!out.everything().contains("marker-4471"), "its output is never shown")
        .check(out.stdout.is_empty(), "no report");
    // The run returning at all shows the sleep was killed: it held stderr open otherwise.
    assert!(took < Duration::from_secs(20), "took {took:?}");
    nothing_sent(&sandbox);
}

#[test]
fn a_secret_command_bound_out_of_range_is_a_usage_error() {
    let home = Home::new();
    let sandbox = sandbox(&home);
    profile(
        &home,
        &sandbox,
        &[
            "client_secret_command = \"echo x\"",
            "client_secret_command_timeout_secs = 0",
        ],
    );
    balances(&mut home.cmd())
        .code(2)
        .stderr_has("client_secret_command_timeout_secs = 0 in profile 't' is out of range")
        .stderr_has("between 1 and 3600");
    nothing_sent(&sandbox);
}

#[test]
fn a_quick_secret_command_still_works_within_its_bound() {
    let home = Home::new();
    let sandbox = sandbox(&home);
    profile(
        &home,
        &sandbox,
        &[
            &format!("client_secret_command = \"echo {SECRET}\""),
            "client_secret_command_timeout_secs = 5",
        ],
    );
    let out = balances(&mut home.cmd());
    out.code(0)
        .check(out.csv_rows() > 0, "a report")
        .check(!out.everything().contains(SECRET), "no secret shown");
}
