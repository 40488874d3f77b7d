//! `treasury login` for real: it probes the credential store before it asks for anything. The
//! browser logins of Chase and open banking are in `chase` and `openbanking`; a login that must
//! survive failures in `login::durability`.

mod durability;

use crate::support;

use std::time::{Duration, Instant};

use crate::credentials::refusals::cert_and_key;
use support::served::{nothing_sent, sandbox, SECRET};
use support::{run, Home};

// 9. `login` probes the store before it asks for anything.

/// `treasury ARGS` in `home` (as `Home::cmd` sets it up) with a stdin that stays open and empty,
/// as a terminal nobody types into: a run that reads it never ends. Killed after 20 s.
fn run_with_open_stdin(home: &Home, args: &[&str]) -> (Option<i32>, String) {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let mut child = Command::new(support::BIN)
        .env_clear()
        .current_dir(home.path())
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .env("TREASURY_NO_KEYRING", "1")
        .env("NO_PROXY", "127.0.0.1,localhost")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("treasury starts");
    let stdin = child.stdin.take();
    let deadline = Instant::now() + Duration::from_secs(20);
    let code = loop {
        match child.try_wait().expect("a status") {
            Some(status) => break status.code(),
            None if Instant::now() > deadline => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            None => std::thread::sleep(Duration::from_millis(20)),
        }
    };
    drop(stdin);
    let mut stderr = String::new();
    let _ = child.stderr.take().unwrap().read_to_string(&mut stderr);
    (code, stderr)
}

#[test]
fn login_to_a_missing_keyring_says_so_before_reading_the_secret() {
    let home = Home::new();
    let sandbox = sandbox(&home);
    let token_url = sandbox.token_url();
    let (code, stderr) = run_with_open_stdin(
        &home,
        &[
            "login",
            "-p",
            "t",
            "--client-secret-stdin",
            "--client-id",
            "sandbox",
            "--token-url",
            &token_url,
            "--base-url",
            sandbox.base_url(),
        ],
    );
    assert_eq!(
        code,
        Some(3),
        "ended at once with exit 3, without waiting on stdin:\n{stderr}"
    );
    assert!(
        stderr.contains("error: no OS keyring is available (disabled by TREASURY_NO_KEYRING)"),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "hint: on a machine without a keyring use 'treasury login -p t --store file'"
        ),
        "{stderr}"
    );
    assert_eq!(home.config(), None, "nothing saved");
    nothing_sent(&sandbox);
}

#[test]
fn login_to_a_missing_keyring_says_so_before_asking_for_settings() {
    let home = Home::new();
    let sandbox = sandbox(&home);
    // No --client-id nor --token-url: those would be asked for (or refused as missing) first.
    let out = run(home
        .cmd()
        .args([
            "login",
            "-p",
            "t",
            "--client-secret-stdin",
            "--base-url",
            sandbox.base_url(),
        ])
        .write_stdin(format!("{SECRET}\n")));
    out.code(3).stderr_has("no OS keyring is available").check(
        !out.stderr.contains("--client-id"),
        "no question about the settings first",
    );
    // With --store file, the same line gets as far as the missing settings.
    let out = run(home
        .cmd()
        .args([
            "login",
            "-p",
            "t",
            "--client-secret-stdin",
            "--store",
            "file",
            "--base-url",
            sandbox.base_url(),
        ])
        .write_stdin(format!("{SECRET}\n")));
    out.code(2).stderr_has("login needs --client-id");
    assert_eq!(home.config(), None, "nothing saved");
    nothing_sent(&sandbox);
}

#[test]
fn login_with_a_key_needs_no_keyring() {
    let home = Home::new();
    let sandbox = sandbox(&home);
    let (cert, key) = cert_and_key();
    let cert = home.write_file("client.crt", &cert.pem(), 0o644);
    let key = home.write_file("client.key", &key.serialize_pem(), 0o600);
    // mtls stores no secret: the missing keyring does not matter, the sandbox's plain HTTP does.
    let out = run(home.cmd().args([
        "login",
        "-p",
        "t",
        "--auth",
        "mtls",
        "--base-url",
        sandbox.base_url(),
        "--cert",
        &cert.display().to_string(),
        "--key",
        &key.display().to_string(),
        "--no-verify",
    ]));
    out.code(0).stderr_has("Logged in as profile 't'");
}
