//! A served sandbox with a secret of its own and the default profile `t` on it, for the tests of
//! credentials, status, login and the sandbox's own secret.

use std::time::Duration;

use super::{run, Home, Run, ServedSandbox};

/// The secret the served sandbox accepts.
pub const SECRET: &str = "s3cret-77d2-hardening";

pub fn sandbox(home: &Home) -> ServedSandbox {
    ServedSandbox::start(home, ["--client-secret", SECRET])
}

/// Profile `t` (the default) for the sandbox, with extra `key = value` lines (TOML values).
pub fn profile(home: &Home, sandbox: &ServedSandbox, extra: &[&str]) {
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

pub fn balances(cmd: &mut assert_cmd::Command) -> Run {
    run(cmd.args(["balances", "--prior-day", "-f", "csv"]))
}

/// Checks that the sandbox got no request at all.
#[track_caller]
pub fn nothing_sent(sandbox: &ServedSandbox) {
    std::thread::sleep(Duration::from_millis(100));
    assert!(sandbox.requests().is_empty(), "{}", sandbox.log());
}
