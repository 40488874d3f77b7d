//! Where the client secret comes from, for real: each source winning in the documented order
//! (`TREASURY_ACCESS_TOKEN`, `TREASURY_CLIENT_SECRET`, `client_secret_command`, keyring,
//! credentials file), each failing source saying what is wrong, `login --store file` and
//! `logout`, the keyring where the machine has one, and no secret or token ever printed.
//! Every test runs `treasury` in its own HOME against a `treasury sandbox serve` child.

pub(crate) mod refusals;

use crate::support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;

use support::{mode_of, run, Home, Run, ServedSandbox};

/// The secret the sandbox is started with: distinctive, so a leak would show.
const SECRET: &str = "s3cret-9f1c-sandbox";
const WRONG: &str = "wrong-secret-4be0";
const ACCOUNTS: usize = 12;

fn sandbox(home: &Home) -> ServedSandbox {
    ServedSandbox::start(home, ["--client-secret", SECRET])
}

/// Profile `t` (the default) for the sandbox, with extra `key = "value"` lines.
fn profile(home: &Home, sandbox: &ServedSandbox, extra: &[(&str, &str)]) {
    let mut text = format!(
        "default_profile = \"t\"\n\n[profiles.t]\nbase_url = \"{}\"\ntoken_url = \"{}\"\nclient_id = \"sandbox\"\n",
        sandbox.base_url(),
        sandbox.token_url()
    );
    for (key, value) in extra {
        text.push_str(&format!("{key} = \"{value}\"\n"));
    }
    home.write_config(&text);
}

/// A client_secret_command that prints `secret`.
fn command_printing(secret: &str) -> String {
    format!("echo {secret}")
}

/// The credentials file holding `secret` for profile `t`, with `mode`.
fn credentials_file(home: &Home, secret: &str, mode: u32) {
    let text = format!("[profiles.t]\nclient_secret = \"{secret}\"\n");
    std::fs::write(home.credentials_path(), text).unwrap();
    support::set_mode(&home.credentials_path(), mode);
}

fn balances(cmd: &mut assert_cmd::Command) -> Run {
    run(cmd.args(["balances", "--prior-day", "-f", "csv"]))
}

fn source(cmd: &mut assert_cmd::Command) -> String {
    let out = run(cmd.args(["status", "-f", "json"]));
    out.code(0);
    out.json()["credential_source"]
        .as_str()
        .unwrap_or_else(|| panic!("a credential_source\n{out}"))
        .to_string()
}

/// A token straight from the sandbox's token endpoint, as another tool would get one.
fn issued_token(sandbox: &ServedSandbox) -> String {
    let addr = sandbox.base_url().trim_start_matches("http://").to_string();
    let mut stream = TcpStream::connect(&addr).unwrap();
    let basic = base64_basic("sandbox", SECRET);
    let body = "grant_type=client_credentials";
    write!(
        stream,
        "POST /oauth2/token HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Basic {basic}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let json = answer.split("\r\n\r\n").nth(1).expect("a body");
    let value: serde_json::Value = serde_json::from_str(json).expect("a JSON token answer");
    value["access_token"].as_str().unwrap().to_string()
}

fn base64_basic(id: &str, secret: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"))
}

#[test]
fn the_access_token_from_the_environment_wins_over_every_secret() {
    let home = Home::new();
    let sandbox = sandbox(&home);
    // Every secret source holds a wrong secret: only the token can make this work.
    profile(
        &home,
        &sandbox,
        &[("client_secret_command", &command_printing(WRONG))],
    );
    credentials_file(&home, WRONG, 0o600);
    let token = issued_token(&sandbox);
    let with = |token: &str| {
        let mut cmd = home.cmd();
        cmd.env("TREASURY_ACCESS_TOKEN", token)
            .env("TREASURY_CLIENT_SECRET", WRONG);
        cmd
    };
    assert_eq!(source(&mut with(&token)), "env");
    let out = balances(&mut with(&token));
    out.code(0)
        .check(out.csv_rows() == ACCOUNTS, "one row per account");
    assert_eq!(
        sandbox.wait_for_requests(2),
        [
            "POST /oauth2/token answered 200",
            "POST /balance answered 200"
        ],
        "the one token request is the test's own; treasury sent only the balance request"
    );
    // A token the sandbox never issued fails, though every secret source is now right.
    profile(
        &home,
        &sandbox,
        &[("client_secret_command", &command_printing(SECRET))],
    );
    let out = balances(with("sbx-not-issued").env("TREASURY_CLIENT_SECRET", SECRET));
    out.code(3).stderr_has("refused");
}

#[test]
fn the_client_secret_from_the_environment_wins_over_the_command_and_the_file() {
    let home = Home::new();
    let sandbox = sandbox(&home);
    profile(
        &home,
        &sandbox,
        &[("client_secret_command", &command_printing(SECRET))],
    );
    credentials_file(&home, SECRET, 0o600);
    let mut cmd = home.cmd();
    cmd.env("TREASURY_CLIENT_SECRET", WRONG);
    assert_eq!(source(&mut cmd), "env");
    let out = balances(home.cmd().env("TREASURY_CLIENT_SECRET", WRONG));
    out.code(3)
        .stderr_has("the token endpoint refused the client credentials");
    // The right one in the environment, wrong ones elsewhere.
    profile(
        &home,
        &sandbox,
        &[("client_secret_command", &command_printing(WRONG))],
    );
    credentials_file(&home, WRONG, 0o600);
    balances(home.cmd().env("TREASURY_CLIENT_SECRET", SECRET)).code(0);
}

#[test]
fn the_command_wins_over_the_credentials_file() {
    let home = Home::new();
    let sandbox = sandbox(&home);
    profile(
        &home,
        &sandbox,
        &[("client_secret_command", &command_printing(WRONG))],
    );
    credentials_file(&home, SECRET, 0o600);
    assert_eq!(source(&mut home.cmd()), "command");
    balances(&mut home.cmd())
        .code(3)
        .stderr_has("the token endpoint refused the client credentials");
    profile(
        &home,
        &sandbox,
        &[("client_secret_command", &command_printing(SECRET))],
    );
    credentials_file(&home, WRONG, 0o600);
    balances(&mut home.cmd()).code(0);
}

#[test]
fn the_credentials_file_is_used_when_nothing_else_has_a_secret() {
    let home = Home::new();
    let sandbox = sandbox(&home);
    profile(&home, &sandbox, &[]);
    credentials_file(&home, WRONG, 0o600);
    assert_eq!(source(&mut home.cmd()), "file");
    balances(&mut home.cmd())
        .code(3)
        .stderr_has("the token endpoint refused the client credentials");
    credentials_file(&home, SECRET, 0o600);
    let out = balances(&mut home.cmd());
    out.code(0)
        .check(out.csv_rows() == ACCOUNTS, "one row per account");
    assert_eq!(mode_of(&home.credentials_path()), 0o600, "still owner-only");
}

/// Runs `balances` and checks it failed with exit 3 before sending anything.
fn refused_before_sending(home: &Home, sandbox: &ServedSandbox) -> Run {
    let out = balances(&mut home.cmd());
    out.code(3).check(out.stdout.is_empty(), "no report");
    std::thread::sleep(std::time::Duration::from_millis(100));
    assert!(sandbox.requests().is_empty(), "{}", sandbox.log());
    out
}

#[test]
fn a_secret_command_that_fails_says_so() {
    let home = Home::new();
    let sandbox = sandbox(&home);
    profile(&home, &sandbox, &[("client_secret_command", "exit 1")]);
    refused_before_sending(&home, &sandbox)
        .stderr_has("client_secret_command of profile 't' failed")
        .stderr_has("exit status: 1")
        .stderr_has("run the command by hand");
}

#[test]
fn a_secret_command_that_prints_nothing_says_so() {
    let home = Home::new();
    let sandbox = sandbox(&home);
    profile(&home, &sandbox, &[("client_secret_command", "true")]);
    refused_before_sending(&home, &sandbox)
        .stderr_has("client_secret_command of profile 't' printed nothing");
}

#[test]
fn a_credentials_file_others_can_read_is_refused() {
    let home = Home::new();
    let sandbox = sandbox(&home);
    profile(&home, &sandbox, &[]);
    credentials_file(&home, SECRET, 0o644);
    let file = home.credentials_path().display().to_string();
    let out = refused_before_sending(&home, &sandbox);
    out.stderr_has(&format!("credentials file {file} can be read by others"))
        .stderr_has(&format!("chmod 600 {file}"))
        .check(!out.stderr.contains(SECRET), "the secret is not quoted");
}

#[test]
fn no_secret_anywhere_names_login_and_the_file_store() {
    let home = Home::new();
    let sandbox = sandbox(&home);
    profile(&home, &sandbox, &[]);
    refused_before_sending(&home, &sandbox)
        .stderr_has("no client secret for profile 't'")
        .stderr_has("treasury login -p t --store file")
        .stderr_has("TREASURY_CLIENT_SECRET");
}

fn login(home: &Home, sandbox: &ServedSandbox, secret: &str, extra: &[&str]) -> Run {
    let token_url = sandbox.token_url();
    let mut args = vec![
        "login",
        "-p",
        "t",
        "--no-input",
        "--client-secret-stdin",
        "--client-id",
        "sandbox",
        "--token-url",
        &token_url,
        "--base-url",
        sandbox.base_url(),
    ];
    args.extend_from_slice(extra);
    run(home.cmd().args(&args).write_stdin(format!("{secret}\n")))
}

#[test]
fn login_to_the_file_store_then_logout() {
    let home = Home::new();
    let sandbox = sandbox(&home);
    login(&home, &sandbox, SECRET, &["--store", "file"])
        .code(0)
        .stderr_has("Logged in as profile 't'")
        .stderr_has("credentials.toml");
    assert_eq!(sandbox.wait_for_requests(1).len(), 1, "one token request");
    assert_eq!(mode_of(&home.credentials_path()), 0o600);
    let config = home.config().expect("login wrote the config");
    assert!(
        !config.contains(SECRET),
        "no secret in the config:\n{config}"
    );
    assert_eq!(source(&mut home.cmd()), "file");
    let out = balances(&mut home.cmd());
    out.code(0)
        .check(out.csv_rows() == ACCOUNTS, "one row per account");
    run(home.cmd().arg("logout"))
        .code(0)
        .stderr_has("Removed profile 't'");
    balances(&mut home.cmd())
        .code(3)
        .stderr_has("no client secret for profile 't'")
        .stderr_has("treasury login -p t");
}

#[test]
fn a_login_that_fails_verification_stores_nothing() {
    let home = Home::new();
    let sandbox = sandbox(&home);
    let before =
        "# my settings\ndefault_profile = \"other\"\n\n[profiles.other]\nenvironment = \"uat\"\n";
    home.write_config(before);
    login(&home, &sandbox, WRONG, &["--store", "file"])
        .code(3)
        .stderr_has("the token endpoint refused the client credentials");
    assert_eq!(sandbox.wait_for_requests(1).len(), 1, "one token request");
    assert!(!home.credentials_path().exists(), "no credentials file");
    assert_eq!(home.config().as_deref(), Some(before), "config unchanged");
}

#[test]
fn login_to_a_keyring_this_machine_lacks_names_the_file_store_and_sends_nothing() {
    let home = Home::new();
    let sandbox = sandbox(&home);
    let out = login(&home, &sandbox, SECRET, &[]);
    out.code(3)
        .stderr_has("no OS keyring is available")
        .stderr_has("--store file");
    std::thread::sleep(std::time::Duration::from_millis(100));
    assert!(sandbox.requests().is_empty(), "{}", sandbox.log());
    assert!(home.config().is_none(), "nothing saved");
}

/// Whether `keyctl session` gives this machine a usable session keyring.
fn keyctl_works() -> Result<(), String> {
    let probe = Command::new("keyctl")
        .args([
            "session",
            "-",
            "keyctl",
            "add",
            "user",
            "treasury-probe",
            "x",
            "@s",
        ])
        .output()
        .map_err(|e| format!("no keyctl binary ({e})"))?;
    match probe.status.success() {
        true => Ok(()),
        false => Err(format!(
            "keyctl session does not work here: {}",
            String::from_utf8_lossy(&probe.stderr).trim()
        )),
    }
}

/// Needs `keyctl` (Debian: keyutils) and a kernel session keyring, which CI machines and
/// containers often lack: run it with `cargo test --test it -- --ignored keyring_round_trip`.
/// Run without a working `keyctl`, it fails.
#[test]
#[ignore = "needs keyctl (keyutils) and a session keyring"]
fn keyring_round_trip_in_a_session_keyring() {
    if let Err(why) = keyctl_works() {
        panic!("this test needs a working `keyctl session`: {why}");
    }
    let home = Home::new();
    let sandbox = sandbox(&home);
    // The keyring comes before the credentials file, which holds a wrong secret here.
    std::fs::write(
        home.credentials_path(),
        format!("[profiles.treasury-it-keyring]\nclient_secret = \"{WRONG}\"\n"),
    )
    .unwrap();
    support::set_mode(&home.credentials_path(), 0o600);
    // login, then status and balances, in a session keyring that dies with the shell. An unusual
    // profile name, in case the keyring is a real desktop one.
    let script = format!(
        "printf '%s\\n' \"$SECRET\" | \"$BIN\" login -p treasury-it-keyring --no-input --client-secret-stdin \
         --client-id sandbox --token-url {} --base-url {} || exit 10; \
         \"$BIN\" status -f json || exit 11; \
         \"$BIN\" balances --prior-day -f csv || exit 12; \
         \"$BIN\" logout || exit 13",
        sandbox.token_url(),
        sandbox.base_url()
    );
    let mut keyctl = assert_cmd::Command::new("keyctl");
    keyctl
        .env_clear()
        .current_dir(home.path())
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env("SECRET", SECRET)
        .env("BIN", support::BIN)
        .args(["session", "-", "sh", "-c", &script]);
    let out = run(&mut keyctl);
    out.code(0)
        .stderr_has("client secret in the OS keyring")
        .stdout_has(r#""credential_source":"keyring","token_cached":true"#)
        .check(
            out.stdout.contains("account_id,"),
            "the balances report follows",
        )
        .check(!out.everything().contains(SECRET), "no secret printed");
    // logout forgets the profile in both stores; the secret never went to the file.
    let file = std::fs::read_to_string(home.credentials_path()).unwrap();
    assert!(!file.contains(SECRET), "{file}");
    out.stderr_has(
        "Removed the client secret of profile 'treasury-it-keyring' from the OS keyring",
    )
    .stderr_has("Removed profile 'treasury-it-keyring' from");
    assert_eq!(
        sandbox.wait_for_requests(2),
        [
            "POST /oauth2/token answered 200",
            "POST /balance answered 200"
        ],
        "balances used the token login cached in the keyring"
    );
}

#[test]
fn no_command_prints_the_secret_or_a_token_even_at_debug_level() {
    let home = Home::new();
    let sandbox = sandbox(&home);
    let mut outputs = vec![login(&home, &sandbox, SECRET, &["-vv", "--store", "file"])];
    for args in [
        &["-vv", "status"][..],
        &["-vv", "status", "-f", "json"],
        &["-vv", "accounts", "--refresh"],
        &["-vv", "balances", "--prior-day"],
        &["-vv", "balances", "--prior-day", "-f", "json"],
        &["-vv", "logout"],
    ] {
        outputs.push(run(home.cmd().args(args)));
    }
    // With the secret in the environment as well, and a refused one.
    outputs.push(run(home
        .cmd()
        .env("TREASURY_CLIENT_SECRET", SECRET)
        .args(["-vv", "balances", "--current", "-f", "csv"])));
    outputs.push(run(home.cmd().env("TREASURY_CLIENT_SECRET", WRONG).args([
        "-vv",
        "accounts",
        "--refresh",
    ])));
    let codes: Vec<i32> = outputs.iter().map(|o| o.code).collect();
    assert_eq!(codes, [0, 0, 0, 0, 0, 0, 0, 0, 3], "each command ran");
    for out in &outputs {
        let everything = out.everything();
        for leak in [SECRET, WRONG, "sbx-", &base64_basic("sandbox", SECRET)] {
            out.check(!everything.contains(leak), &format!("{leak} printed"));
        }
    }
    assert!(
        outputs[4].stderr.contains("POST"),
        "-vv does log the requests"
    );
    assert!(
        sandbox.requests().len() >= 5,
        "the commands reached the sandbox: {}",
        sandbox.log()
    );
}
