//! What a bad credential setting gets, for real: a hanging `client_secret_command` is stopped at
//! its bound, bad client certificates and keys are named with one exit code, and a user name or
//! password in a URL is refused and never printed.

use crate::support;

use std::time::{Duration, Instant};

use support::served::{balances, nothing_sent, profile, sandbox, SECRET};
use support::{run, Home, ServedSandbox};

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
pub(crate) fn cert_and_key() -> (rcgen::Certificate, rcgen::KeyPair) {
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
pub(crate) fn key_profile(home: &Home, sandbox: &ServedSandbox, auth: &str, cert: &str, key: &str) {
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
