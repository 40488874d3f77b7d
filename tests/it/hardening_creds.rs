//! Hardening of credentials, certificates, URLs and retries, for real: a hanging
//! `client_secret_command` is stopped, bad client certificates are named, a 500 is not hidden
//! behind its retries, Retry-After dates are honoured, passwords in URLs are refused, the
//! sandbox secret can stay out of `ps`, `status` names the variable in use, completion reads
//! the `--config` on the line, and `login` probes the keyring before it asks for anything.

use crate::support;

use std::time::{Duration, Instant};

use support::{run, Home, Run, ServedSandbox};

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

// 2. Bad client certificates and keys are named, with one exit code on every path.

/// A self-signed client certificate and its key, PEM.
fn cert_and_key() -> (rcgen::Certificate, rcgen::KeyPair) {
    let key = rcgen::KeyPair::generate().unwrap();
    let mut params = rcgen::CertificateParams::new(vec!["client.test".to_string()]).unwrap();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "treasury hardening test");
    (params.self_signed(&key).unwrap(), key)
}

/// One DER element: its tag, and where its content starts and ends in `der`.
fn der_element(der: &[u8], at: usize) -> (u8, usize, usize) {
    let tag = der[at];
    let first = der[at + 1] as usize;
    let (len, header) = match first {
        0..=0x7f => (first, 2),
        _ => {
            let n = first & 0x7f;
            let len = der[at + 2..at + 2 + n]
                .iter()
                .fold(0usize, |len, b| len << 8 | *b as usize);
            (len, 2 + n)
        }
    };
    (tag, at + header, at + header + len)
}

fn der_encode(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    match content.len() {
        len @ 0..=0x7f => out.push(len as u8),
        len => {
            let bytes: Vec<u8> = len
                .to_be_bytes()
                .into_iter()
                .skip_while(|b| *b == 0)
                .collect();
            out.push(0x80 | bytes.len() as u8);
            out.extend(bytes);
        }
    }
    out.extend_from_slice(content);
    out
}

/// A validly self-signed X.509 version 1 certificate (no version field, no extensions) and its
/// key, made by rewriting a v3 one and signing it again.
fn v1_cert_and_key() -> (String, String) {
    use rcgen::SigningKey;
    let (cert, key) = cert_and_key();
    let der = cert.der().to_vec();
    let (_, outer, _) = der_element(&der, 0);
    let (_, tbs_start, tbs_end) = der_element(&der, outer);
    let (_, _, alg_end) = der_element(&der, tbs_end);
    let algorithm = der[tbs_end..alg_end].to_vec();
    let mut tbs = Vec::new();
    let mut at = tbs_start;
    while at < tbs_end {
        let (tag, _, end) = der_element(&der, at);
        // [0] is the version (v3), [3] the extensions, which v1 has not.
        if tag != 0xa0 && tag != 0xa3 {
            tbs.extend_from_slice(&der[at..end]);
        }
        at = end;
    }
    let tbs = der_encode(0x30, &tbs);
    let mut signature = vec![0u8];
    signature.extend(key.sign(&tbs).unwrap());
    let mut body = tbs;
    body.extend(algorithm);
    body.extend(der_encode(0x03, &signature));
    let v1 = der_encode(0x30, &body);
    (pem("CERTIFICATE", &v1), key.serialize_pem())
}

fn pem(label: &str, der: &[u8]) -> String {
    use base64::Engine;
    let text = base64::engine::general_purpose::STANDARD.encode(der);
    let lines: Vec<&str> = text
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    format!(
        "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
        lines.join("\n")
    )
}

/// Profile `t` with this auth mode and cert/key paths (which need not exist).
fn key_profile(home: &Home, sandbox: &ServedSandbox, auth: &str, cert: &str, key: &str) {
    let path = |p: &str| home.path().join(p).display().to_string();
    profile(
        home,
        sandbox,
        &[
            &format!("auth = \"{auth}\""),
            &format!("cert = \"{}\"", path(cert)),
            &format!("key = \"{}\"", path(key)),
        ],
    );
}

#[test]
fn a_version_1_client_certificate_is_named_before_anything_is_sent() {
    let home = Home::new();
    let sandbox = sandbox(&home);
    let (cert, key) = v1_cert_and_key();
    let cert = home.write_file("v1.crt", &cert, 0o644);
    home.write_file("v1.key", &key, 0o600);
    key_profile(&home, &sandbox, "mtls", "v1.crt", "v1.key");
    let out = balances(&mut home.cmd());
    out.code(3)
        .stderr_has(&format!("cannot use certificate {}", cert.display()))
        .stderr_has("X.509 version 1 certificate")
        .stderr_has("hint: check cert and key in the profile")
        .check(
            !out.stderr.contains("builder error"),
            "the problem, not the library's words",
        )
        .check(out.stdout.is_empty(), "no report");
    nothing_sent(&sandbox);
}

#[test]
fn a_key_that_is_not_the_certificates_is_named_for_mutual_tls() {
    let home = Home::new();
    let sandbox = sandbox(&home);
    let (cert, _) = cert_and_key();
    let (_, other_key) = cert_and_key();
    let cert = home.write_file("client.crt", &cert.pem(), 0o644);
    let key = home.write_file("other.key", &other_key.serialize_pem(), 0o600);
    key_profile(&home, &sandbox, "mtls", "client.crt", "other.key");
    let out = balances(&mut home.cmd());
    out.code(3)
        .stderr_has(&format!(
            "private key {} is not the key of certificate {}",
            key.display(),
            cert.display()
        ))
        .stderr_has("hint: set cert and key in the profile")
        .check(
            !out.stderr.contains("builder error"),
            "the problem, not the library's words",
        );
    nothing_sent(&sandbox);
}

#[test]
fn files_that_are_no_pem_are_named() {
    let home = Home::new();
    let sandbox = sandbox(&home);
    let (cert, key) = cert_and_key();
    home.write_file("client.crt", &cert.pem(), 0o644);
    home.write_file("client.key", &key.serialize_pem(), 0o600);
    let junk = home.write_file("junk.pem", "not a certificate\n", 0o600);
    key_profile(&home, &sandbox, "mtls", "junk.pem", "client.key");
    balances(&mut home.cmd()).code(3).stderr_has(&format!(
        "cannot use certificate {}: it holds no PEM certificate",
        junk.display()
    ));
    key_profile(&home, &sandbox, "mtls", "client.crt", "junk.pem");
    balances(&mut home.cmd()).code(3).stderr_has(&format!(
        "cannot use private key {}: it holds no PEM private key",
        junk.display()
    ));
    nothing_sent(&sandbox);
}

#[test]
fn unreadable_certificates_and_keys_are_exit_3_on_every_path() {
    let home = Home::new();
    let sandbox = sandbox(&home);
    let (cert, key) = cert_and_key();
    let rsa = rcgen::KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256).unwrap();
    home.write_file("client.crt", &cert.pem(), 0o644);
    home.write_file("client.key", &key.serialize_pem(), 0o600);
    home.write_file("rsa.key", &rsa.serialize_pem(), 0o600);
    let missing = home.path().join("missing.pem").display().to_string();
    for (auth, cert, key, what) in [
        ("mtls", "missing.pem", "client.key", "certificate"),
        ("mtls", "client.crt", "missing.pem", "private key"),
        ("private-key-jwt", "missing.pem", "rsa.key", "certificate"),
        (
            "private-key-jwt",
            "client.crt",
            "missing.pem",
            "private key",
        ),
    ] {
        key_profile(&home, &sandbox, auth, cert, key);
        let out = balances(&mut home.cmd());
        out.code(3)
            .stderr_has(&format!("cannot read {what} {missing}"))
            .stderr_has("No such file");
    }
    nothing_sent(&sandbox);
}

// 3 and 4. Retries: the answer is never hidden behind a wait, and Retry-After may be a date.

fn bank_run(env: &support::Home, args: &[&str]) -> support::Run {
    support::run(env.cmd().arg("balances").args(args))
}

fn one_row() -> support::Reply {
    support::answer_for(&[("111", "B1")], &["2026-01-02".to_string()])
}

#[test]
fn max_wait_0_against_a_500_names_the_500_after_retrying() {
    let bank = support::TestBank::start();
    bank.reply(support::Reply::bank_error(
        500,
        "GCA-500",
        "Internal failure",
    ));
    let env = support::Home::with_bank(&bank);
    let out = bank_run(&env, &["--max-wait", "0", "--prior-day", "-a", "B1/111"]);
    out.code(6).stdout_empty();
    out.check(
        out.stderr_lines("error")
            == ["error: the bank is failing: GCA-500 Internal failure (HTTP 500)"],
        "one error line naming the status and the bank's code and text",
    );
    out.check(
        !out.stderr.contains("asked to retry"),
        "the bank asked for no wait",
    );
    out.check(
        bank.balance_bodies().len() == 3,
        "our own backoff is no Retry-After: all three attempts were made",
    );
}

#[test]
fn a_retry_after_longer_than_max_wait_names_the_answer_too() {
    let bank = support::TestBank::start();
    bank.reply(
        support::Reply::bank_error(500, "GCA-500", "Internal failure")
            .with_header("retry-after", "5"),
    );
    let env = support::Home::with_bank(&bank);
    let out = bank_run(&env, &["--max-wait", "0", "--prior-day", "-a", "B1/111"]);
    out.code(6).stdout_empty();
    let url = format!("{}/balance", bank.base_url());
    let errors = out.stderr_lines("error");
    out.check(
        errors.len() == 1
            && errors[0].starts_with(&format!("error: the bank is failing: GCA-500 Internal failure (HTTP 500); {url} asked to retry after 5 s, longer than the 0 s we wait: not retried; the bank may be asked again at ")),
        "one error line with the answer, the wait and when the bank may be asked again",
    );
    out.check(
        out.stderr_lines("hint") == ["hint: try again in 5 s"],
        "when to try again",
    );
    out.check(
        bank.balance_bodies().len() == 1,
        "no retry that would be refused again",
    );
}

#[test]
fn a_retry_after_http_date_is_waited_for() {
    let bank = support::TestBank::start();
    // Seconds are the date's precision: this asks for a wait of 2 to 3 s.
    let date = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(3));
    bank.reply(
        support::Reply::bank_error(503, "GCA-099", "System is Unavailable")
            .with_header("retry-after", &date),
    )
    .reply(one_row());
    let env = support::Home::with_bank(&bank);
    let out = bank_run(&env, &["--prior-day", "-a", "B1/111", "-f", "csv"]);
    out.code(0).stderr_empty();
    let calls = bank.requests_to("/balance");
    out.check(calls.len() == 2, "two balance calls");
    let gap = calls[1].at - calls[0].at;
    // Our own first backoff is at most 0.5 s.
    out.check(
        gap >= Duration::from_millis(1500),
        &format!("the retry came {gap:?} after the 503, not at the date {date}"),
    );
}

#[test]
fn a_retry_after_http_date_beyond_max_wait_gives_up_at_once() {
    let bank = support::TestBank::start();
    let date = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(600));
    bank.reply(
        support::Reply::bank_error(503, "GCA-099", "System is Unavailable")
            .with_header("retry-after", &date),
    )
    .reply(one_row());
    let env = support::Home::with_bank(&bank);
    let started = Instant::now();
    let out = bank_run(&env, &["--max-wait", "5", "--prior-day", "-a", "B1/111"]);
    out.code(6)
        .stdout_empty()
        .stderr_has("GCA-099 System is Unavailable (HTTP 503)")
        .stderr_has("longer than the 5 s we wait")
        .stderr_has("hint: try again in ");
    out.check(
        out.stderr.contains("after 600 s") || out.stderr.contains("after 599 s"),
        "the wait the date asks",
    );
    out.check(started.elapsed() < Duration::from_secs(30), "no long sleep");
    out.check(bank.balance_bodies().len() == 1, "no retry");
}

// 5. A user name or password in a URL is refused, never printed.

const URL_PASSWORD: &str = "pw-81c3e";

#[test]
fn a_password_in_base_url_or_token_url_is_refused_and_never_printed() {
    let home = Home::new();
    let sandbox = sandbox(&home);
    let host = sandbox.base_url().trim_start_matches("http://").to_string();
    let with_password = format!("http://ana:{URL_PASSWORD}@{host}");
    for key in ["base_url", "token_url"] {
        let mut text = format!(
            "default_profile = \"t\"\n\n[profiles.t]\nclient_id = \"sandbox\"\nbase_url = \"{}\"\ntoken_url = \"{}\"\n",
            if key == "base_url" { with_password.clone() } else { sandbox.base_url().to_string() },
            if key == "token_url" { format!("{with_password}/oauth2/token") } else { sandbox.token_url() },
        );
        text.push_str(&format!("client_secret_command = \"echo {SECRET}\"\n"));
        home.write_config(&text);
        for args in [&["status"][..], &["-v", "balances", "--prior-day"]] {
            let out = run(home.cmd().args(args));
            out.code(2)
                .stderr_has(&format!("error: {key} 'http://***@{host}"))
                .stderr_has("of profile 't' holds a user name or password; refusing to use it")
                .stderr_has(&format!(
                    "hint: remove the 'user:password@' part from {key} (or --{})",
                    key.replace('_', "-")
                ))
                .check(
                    !out.everything().contains(URL_PASSWORD),
                    "the password is never printed",
                )
                .check(!out.everything().contains("ana:"), "nor the user name")
                .check(out.stdout.is_empty(), "nothing on stdout");
        }
    }
    nothing_sent(&sandbox);
}

#[test]
fn login_refuses_a_password_in_its_urls_before_asking_or_sending() {
    let home = Home::new();
    let sandbox = sandbox(&home);
    let host = sandbox.base_url().trim_start_matches("http://").to_string();
    let with_password = format!("http://ana:{URL_PASSWORD}@{host}");
    for (flag, key) in [("--base-url", "base_url"), ("--token-url", "token_url")] {
        let token_url = sandbox.token_url();
        let mut args = vec![
            "login",
            "-p",
            "t",
            "--no-input",
            "--client-secret-stdin",
            "--client-id",
            "sandbox",
            "--store",
            "file",
        ];
        let value = format!("{with_password}/x");
        match flag {
            "--base-url" => args.extend(["--base-url", &value, "--token-url", &token_url]),
            _ => args.extend(["--base-url", sandbox.base_url(), "--token-url", &value]),
        }
        let out = run(home.cmd().args(&args).write_stdin(format!("{SECRET}\n")));
        out.code(2)
            .stderr_has(&format!(
                "{key} 'http://***@{host}/x' of profile 't' holds a user name or password"
            ))
            .stderr_has(&format!("(or {flag})"))
            .check(
                !out.everything().contains(URL_PASSWORD),
                "the password is never printed",
            );
        assert_eq!(home.config(), None, "nothing saved");
        assert!(!home.credentials_path().exists(), "no secret stored");
    }
    nothing_sent(&sandbox);
}

// 6. The sandbox secret can come from the environment or stdin, out of `ps`.

/// Balances from `served` with a secret from the environment: exit code.
fn balances_with_secret(home: &Home, served: &ServedSandbox, secret: &str) -> Run {
    home.write_config(&format!(
        "default_profile = \"t\"\n\n[profiles.t]\nbase_url = \"{0}\"\ntoken_url = \"{0}/oauth2/token\"\nclient_id = \"sandbox\"\n",
        served.base_url()
    ));
    balances(home.cmd().env("TREASURY_CLIENT_SECRET", secret))
}

#[test]
fn the_sandbox_secret_from_the_environment_is_the_one_accepted() {
    let home = Home::new();
    let served = ServedSandbox::start_with(
        &home,
        &[],
        &[("TREASURY_SANDBOX_CLIENT_SECRET", SECRET)],
        None,
    );
    let banner = served.wait_for_log("Press Ctrl-C");
    assert!(
        banner.contains("the secret given with --client-secret or TREASURY_SANDBOX_CLIENT_SECRET"),
        "{}",
        banner
    );
    assert!(!banner.contains(SECRET), "not repeated back:\n{}", banner);
    let cmdline = served.cmdline();
    assert!(
        cmdline.contains("sandbox serve") && !cmdline.contains(SECRET),
        "{cmdline}"
    );
    balances_with_secret(&home, &served, SECRET).code(0);
    balances_with_secret(&home, &served, "sandbox")
        .code(3)
        .stderr_has("the token endpoint refused the client credentials");
}

#[test]
fn the_sandbox_secret_from_stdin_is_the_one_accepted() {
    let home = Home::new();
    let served = ServedSandbox::start_with(
        &home,
        &["--client-secret-stdin"],
        &[],
        Some(&format!("{SECRET}\nignored\n")),
    );
    let banner = served.wait_for_log("Press Ctrl-C");
    assert!(banner.contains("the secret read from stdin"), "{}", banner);
    assert!(!banner.contains(SECRET), "not repeated back:\n{}", banner);
    let cmdline = served.cmdline();
    assert!(
        cmdline.contains("--client-secret-stdin") && !cmdline.contains(SECRET),
        "{cmdline}"
    );
    balances_with_secret(&home, &served, SECRET).code(0);
    balances_with_secret(&home, &served, "ignored").code(3);
}

#[test]
fn an_empty_sandbox_secret_on_stdin_is_refused() {
    let home = Home::new();
    let out = run(home
        .cmd()
        .args(["sandbox", "serve", "--port", "0", "--client-secret-stdin"])
        .write_stdin("\n"));
    out.code(2)
        .stderr_has("error: --client-secret-stdin got an empty first line")
        .stderr_has("hint: pipe the secret in");
}

// 7. `status` names the variable a credential from the environment comes from.

fn status_json(cmd: &mut assert_cmd::Command) -> serde_json::Value {
    let out = run(cmd.args(["status", "-f", "json"]));
    out.code(0);
    out.json()
}

#[test]
fn status_names_which_variable_the_credential_comes_from() {
    let home = Home::new();
    let sandbox = sandbox(&home);
    profile(
        &home,
        &sandbox,
        &[&format!("client_secret_command = \"echo {SECRET}\"")],
    );
    let both = status_json(
        home.cmd()
            .env("TREASURY_ACCESS_TOKEN", "tok-from-env-5521")
            .env("TREASURY_CLIENT_SECRET", SECRET),
    );
    assert_eq!(both["credential_source"], "env", "{both}");
    assert_eq!(both["credential_env"], "TREASURY_ACCESS_TOKEN", "{both}");
    let secret = status_json(home.cmd().env("TREASURY_CLIENT_SECRET", SECRET));
    assert_eq!(secret["credential_source"], "env", "{secret}");
    assert_eq!(
        secret["credential_env"], "TREASURY_CLIENT_SECRET",
        "{secret}"
    );
    let command = status_json(&mut home.cmd());
    assert_eq!(command["credential_source"], "command", "{command}");
    assert_eq!(
        command["credential_env"],
        serde_json::Value::Null,
        "{command}"
    );
    // The table names it too, and never shows a value.
    let out = run(home
        .cmd()
        .env("TREASURY_CLIENT_SECRET", SECRET)
        .arg("status"));
    out.code(0)
        .check(
            out.stdout.lines().any(|l| {
                l.split_whitespace().collect::<Vec<_>>()
                    == ["credential_env", "TREASURY_CLIENT_SECRET"]
            }),
            "a credential_env line",
        )
        .check(!out.everything().contains(SECRET), "no secret");
    nothing_sent(&sandbox);
}

#[test]
fn a_client_secret_variable_is_not_named_for_a_key_profile() {
    let home = Home::new();
    let sandbox = sandbox(&home);
    let (cert, key) = cert_and_key();
    home.write_file("client.crt", &cert.pem(), 0o644);
    home.write_file("client.key", &key.serialize_pem(), 0o600);
    key_profile(&home, &sandbox, "mtls", "client.crt", "client.key");
    let status = status_json(home.cmd().env("TREASURY_CLIENT_SECRET", SECRET));
    assert_eq!(status["credential_source"], "key-file", "{status}");
    assert_eq!(
        status["credential_env"],
        serde_json::Value::Null,
        "{status}"
    );
}

// 8. Completion reads the config file named on the line being completed.

/// What `treasury` offers for the last word of `line`, asked as bash's completion script asks.
fn complete(home: &Home, line: &[&str], env: &[(&str, &str)]) -> Vec<String> {
    let index = (line.len() - 1).to_string();
    let out = run(home
        .cmd()
        .env("COMPLETE", "bash")
        .env("_CLAP_COMPLETE_INDEX", &index)
        .envs(env.iter().copied())
        .arg("--")
        .args(line));
    out.code(0);
    out.stdout.lines().map(str::to_string).collect()
}

#[test]
fn completion_reads_the_config_typed_on_the_line() {
    let home = Home::new();
    home.write_config(
        "[profiles.home-only]\nenvironment = \"uat\"\n[profiles.home-only.accounts]\nops-home = \"B/1\"\n",
    );
    home.write_file(
        "other.toml",
        "[profiles.typed-a]\nenvironment = \"uat\"\n[profiles.typed-b]\nenvironment = \"uat\"\n\
         [profiles.typed-b.accounts]\nops-typed = \"B/2\"\n[profiles.typed-b.groups]\nemea-typed = [\"ops-typed\"]\n",
        0o600,
    );
    let other = home.path().join("other.toml").display().to_string();
    let equals = format!("--config={other}");
    assert_eq!(complete(&home, &["treasury", "-p", ""], &[]), ["home-only"]);
    assert_eq!(
        complete(&home, &["treasury", "--config", &other, "-p", ""], &[]),
        ["typed-a", "typed-b"]
    );
    assert_eq!(
        complete(&home, &["treasury", &equals, "balances", "-a", "ops"], &[]),
        ["ops-typed"]
    );
    assert_eq!(
        complete(
            &home,
            &[
                "treasury",
                "balances",
                "--config",
                "other.toml",
                "--group",
                ""
            ],
            &[]
        ),
        ["emea-typed"],
        "a relative path, after the subcommand"
    );
    // The line wins over TREASURY_CONFIG, which wins over the default file.
    let env = [("TREASURY_CONFIG", other.as_str())];
    assert_eq!(
        complete(&home, &["treasury", "-p", ""], &env),
        ["typed-a", "typed-b"]
    );
    let home_config = home.config_path().display().to_string();
    assert_eq!(
        complete(
            &home,
            &["treasury", "--config", &home_config, "-p", ""],
            &env
        ),
        ["home-only"]
    );
}

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
