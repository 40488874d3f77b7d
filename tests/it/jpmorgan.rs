//! The key-based authentication modes for real: `private-key-jwt` (a client assertion signed with
//! the profile's key, checked by the sandbox against its `--client-cert`) and `mtls` (a client
//! certificate on every request to an HTTPS sandbox that requires one). Keys and certificates
//! are generated when the tests run; none is committed.

use crate::support;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose,
};
use support::{run, Home, ServedSandbox};

/// The sandbox's default book.
const ACCOUNTS: usize = 12;
const CLIENT_ID: &str = "treasury-test";

/// PEM texts of a small PKI: a CA, a server certificate for 127.0.0.1 and localhost, an RSA client
/// key with its certificate, an unrelated RSA key, and a client certificate from another CA.
struct PkiPem {
    ca: String,
    server_cert: String,
    server_key: String,
    client_cert: String,
    client_key: String,
    wrong_key: String,
    stranger_cert: String,
    stranger_key: String,
}

/// The same files, written into a test's HOME (keys with mode 600).
struct Pki {
    ca: PathBuf,
    server_cert: PathBuf,
    server_key: PathBuf,
    client_cert: PathBuf,
    client_key: PathBuf,
    wrong_key: PathBuf,
    stranger_cert: PathBuf,
    stranger_key: PathBuf,
}

fn new_ca(name: &str) -> CertifiedIssuer<'static, KeyPair> {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    params.distinguished_name.push(DnType::CommonName, name);
    CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap()
}

/// A certificate signed by `issuer` for a new key (RSA when `rsa`): (certificate, key) PEM.
fn leaf(
    issuer: &CertifiedIssuer<'static, KeyPair>,
    names: &[&str],
    usage: ExtendedKeyUsagePurpose,
    rsa: bool,
) -> (String, String) {
    let key = match rsa {
        true => KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256).unwrap(),
        false => KeyPair::generate().unwrap(),
    };
    let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    let mut params = CertificateParams::new(names).unwrap();
    params
        .distinguished_name
        .push(DnType::CommonName, "treasury test");
    params.extended_key_usages = vec![usage];
    let cert = params.signed_by(&key, &**issuer).unwrap();
    (cert.pem(), key.serialize_pem())
}

fn pki_pem() -> &'static PkiPem {
    static PKI: OnceLock<PkiPem> = OnceLock::new();
    PKI.get_or_init(|| {
        use ExtendedKeyUsagePurpose::{ClientAuth, ServerAuth};
        let ca = new_ca("treasury test CA");
        let other_ca = new_ca("some other CA");
        let (server_cert, server_key) = leaf(&ca, &["127.0.0.1", "localhost"], ServerAuth, false);
        let (client_cert, client_key) = leaf(&ca, &["client.test"], ClientAuth, true);
        let (stranger_cert, stranger_key) = leaf(&other_ca, &["stranger.test"], ClientAuth, true);
        PkiPem {
            ca: ca.pem(),
            server_cert,
            server_key,
            client_cert,
            client_key,
            wrong_key: KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256)
                .unwrap()
                .serialize_pem(),
            stranger_cert,
            stranger_key,
        }
    })
}

fn pki(home: &Home) -> Pki {
    let pem = pki_pem();
    Pki {
        ca: home.write_file("ca.pem", &pem.ca, 0o644),
        server_cert: home.write_file("server.crt", &pem.server_cert, 0o644),
        server_key: home.write_file("server.key", &pem.server_key, 0o600),
        client_cert: home.write_file("client.crt", &pem.client_cert, 0o644),
        client_key: home.write_file("client.key", &pem.client_key, 0o600),
        wrong_key: home.write_file("wrong.key", &pem.wrong_key, 0o600),
        stranger_cert: home.write_file("stranger.crt", &pem.stranger_cert, 0o644),
        stranger_key: home.write_file("stranger.key", &pem.stranger_key, 0o600),
    }
}

/// A sandbox that accepts client assertions signed for the client certificate (plain HTTP).
fn jwt_sandbox(home: &Home, pki: &Pki) -> ServedSandbox {
    ServedSandbox::start(home, [&"--client-cert".into(), &pki.client_cert])
}

/// An HTTPS sandbox that requires a client certificate from the test CA.
fn mtls_sandbox(home: &Home, pki: &Pki) -> ServedSandbox {
    let args: [&std::ffi::OsStr; 6] = [
        "--tls-cert".as_ref(),
        pki.server_cert.as_ref(),
        "--tls-key".as_ref(),
        pki.server_key.as_ref(),
        "--client-ca".as_ref(),
        pki.ca.as_ref(),
    ];
    ServedSandbox::start(home, args)
}

/// Writes profile `t` (the default) with these `key = value` lines.
fn profile(home: &Home, lines: &[(&str, String)]) {
    let mut text = "default_profile = \"t\"\n\n[profiles.t]\n".to_string();
    for (key, value) in lines {
        text.push_str(&format!("{key} = \"{value}\"\n"));
    }
    home.write_config(&text);
}

fn path(p: &Path) -> String {
    p.display().to_string()
}

fn jwt_profile(home: &Home, sandbox: &ServedSandbox, cert: &Path, key: &Path) {
    profile(
        home,
        &[
            ("auth", "private-key-jwt".into()),
            ("base_url", sandbox.base_url().into()),
            ("token_url", sandbox.token_url()),
            ("client_id", CLIENT_ID.into()),
            ("cert", path(cert)),
            ("key", path(key)),
        ],
    );
}

fn prior_day_csv(home: &Home) -> support::Run {
    run(home.cmd().args(["balances", "--prior-day", "-f", "csv"]))
}

#[test]
fn private_key_jwt_signs_in_and_gets_balances() {
    let home = Home::new();
    let pki = pki(&home);
    let sandbox = jwt_sandbox(&home, &pki);
    jwt_profile(&home, &sandbox, &pki.client_cert, &pki.client_key);
    let out = prior_day_csv(&home);
    out.code(0)
        .check(out.csv_rows() == ACCOUNTS, "one row per sandbox account")
        .check(out.stderr.is_empty(), "nothing on stderr");
    assert_eq!(
        sandbox.wait_for_requests(2),
        [
            "POST /oauth2/token answered 200",
            "POST /balance answered 200"
        ],
        "{}",
        sandbox.log()
    );
}

#[test]
fn private_key_jwt_works_over_https_with_a_private_ca() {
    let home = Home::new();
    let pki = pki(&home);
    let args: [&std::ffi::OsStr; 6] = [
        "--tls-cert".as_ref(),
        pki.server_cert.as_ref(),
        "--tls-key".as_ref(),
        pki.server_key.as_ref(),
        "--client-cert".as_ref(),
        pki.client_cert.as_ref(),
    ];
    let sandbox = ServedSandbox::start(&home, args);
    assert!(sandbox.base_url().starts_with("https://127.0.0.1:"));
    jwt_profile(&home, &sandbox, &pki.client_cert, &pki.client_key);
    let mut text = home.config().unwrap();
    text.push_str(&format!("ca_cert = \"{}\"\n", path(&pki.ca)));
    home.write_config(&text);
    let out = prior_day_csv(&home);
    out.code(0)
        .check(out.csv_rows() == ACCOUNTS, "one row per sandbox account");
}

#[test]
fn a_key_that_is_not_the_certificates_is_refused_by_the_token_endpoint() {
    let home = Home::new();
    let pki = pki(&home);
    let sandbox = jwt_sandbox(&home, &pki);
    jwt_profile(&home, &sandbox, &pki.client_cert, &pki.wrong_key);
    let out = prior_day_csv(&home);
    out.code(3)
        .stderr_has("the token endpoint refused the client credentials")
        .stderr_has("invalid_client")
        .stderr_has("signature does not verify with the registered client certificate")
        .check(out.stdout.is_empty(), "no report");
    assert_eq!(
        sandbox.wait_for_requests(1),
        ["POST /oauth2/token answered 401"],
        "one token request, refused, and no balance request"
    );
}

#[test]
fn a_signing_key_others_can_read_is_refused_before_anything_is_sent() {
    let home = Home::new();
    let pki = pki(&home);
    let sandbox = jwt_sandbox(&home, &pki);
    support::set_mode(&pki.client_key, 0o644);
    jwt_profile(&home, &sandbox, &pki.client_cert, &pki.client_key);
    let out = run(home
        .cmd()
        .args(["-v", "balances", "--prior-day", "-f", "csv"]));
    out.code(3)
        .stderr_has(&path(&pki.client_key))
        .stderr_has("can be read by others")
        .stderr_has(&format!("chmod 600 {}", path(&pki.client_key)))
        .check(!out.stderr.contains("POST"), "the client sent nothing");
    std::thread::sleep(Duration::from_millis(200));
    assert!(sandbox.requests().is_empty(), "{}", sandbox.log());
}

fn mtls_profile(home: &Home, sandbox: &ServedSandbox, pki: &Pki, ca_cert: bool) {
    let mut lines = vec![
        ("auth", "mtls".to_string()),
        ("base_url", sandbox.base_url().to_string()),
        ("cert", path(&pki.client_cert)),
        ("key", path(&pki.client_key)),
    ];
    if ca_cert {
        lines.push(("ca_cert", path(&pki.ca)));
    }
    profile(home, &lines);
}

#[test]
fn mtls_gets_balances_with_the_client_certificate_and_no_token() {
    let home = Home::new();
    let pki = pki(&home);
    let sandbox = mtls_sandbox(&home, &pki);
    assert!(sandbox.base_url().starts_with("https://127.0.0.1:"));
    mtls_profile(&home, &sandbox, &pki, true);
    let out = prior_day_csv(&home);
    out.code(0)
        .check(out.csv_rows() == ACCOUNTS, "one row per sandbox account")
        .check(out.stderr.is_empty(), "nothing on stderr");
    assert_eq!(
        sandbox.wait_for_requests(1),
        ["POST /balance answered 200"],
        "no token request: the certificate is the authentication"
    );
}

#[test]
fn mtls_without_ca_cert_does_not_trust_the_sandbox_certificate() {
    let home = Home::new();
    let pki = pki(&home);
    let sandbox = mtls_sandbox(&home, &pki);
    mtls_profile(&home, &sandbox, &pki, false);
    let out = run(home
        .cmd()
        .args(["balances", "--prior-day", "--retries", "1"]));
    out.code(6)
        .stderr_has("certificate")
        .stderr_has("UnknownIssuer")
        .stderr_has("ca_cert");
    assert!(sandbox.requests().is_empty(), "{}", sandbox.log());
}

#[test]
fn mtls_with_a_certificate_from_another_ca_is_refused_as_credentials() {
    let home = Home::new();
    let pki = pki(&home);
    let sandbox = mtls_sandbox(&home, &pki);
    profile(
        &home,
        &[
            ("auth", "mtls".into()),
            ("base_url", sandbox.base_url().into()),
            ("cert", path(&pki.stranger_cert)),
            ("key", path(&pki.stranger_key)),
            ("ca_cert", path(&pki.ca)),
        ],
    );
    let out = prior_day_csv(&home);
    out.code(3)
        .stderr_has("for want of a client certificate it trusts")
        .stderr_has("UnknownCA")
        .stderr_has("cert and key");
    assert!(sandbox.requests().is_empty(), "{}", sandbox.log());
}

#[test]
fn a_profile_without_a_client_certificate_is_refused_by_the_mtls_sandbox() {
    let home = Home::new();
    let pki = pki(&home);
    let sandbox = mtls_sandbox(&home, &pki);
    profile(
        &home,
        &[
            ("base_url", sandbox.base_url().into()),
            ("token_url", sandbox.token_url()),
            ("client_id", "sandbox".into()),
            ("ca_cert", path(&pki.ca)),
        ],
    );
    let out = run(home
        .cmd()
        .env("TREASURY_CLIENT_SECRET", "sandbox")
        .args(["balances", "--prior-day"]));
    out.code(3)
        .stderr_has("for want of a client certificate it trusts")
        .stderr_has("CertificateRequired");
    assert!(sandbox.requests().is_empty(), "{}", sandbox.log());
}

#[test]
fn login_with_a_key_verifies_with_one_token_request_and_saves_the_profile() {
    let home = Home::new();
    let pki = pki(&home);
    let sandbox = jwt_sandbox(&home, &pki);
    let out = run(home.cmd().args([
        "login",
        "--no-input",
        "--auth",
        "private-key-jwt",
        "--client-id",
        CLIENT_ID,
        "--token-url",
        &sandbox.token_url(),
        "--base-url",
        sandbox.base_url(),
        "--cert",
        &path(&pki.client_cert),
        "--key",
        &path(&pki.client_key),
    ]));
    out.code(0).stderr_has("Logged in");
    assert_eq!(
        sandbox.wait_for_requests(1),
        ["POST /oauth2/token answered 200"]
    );
    let config = home.config().expect("login wrote the config file");
    for line in [
        "auth = \"private-key-jwt\"".to_string(),
        format!("client_id = \"{CLIENT_ID}\""),
        format!("key = \"{}\"", path(&pki.client_key)),
        format!("cert = \"{}\"", path(&pki.client_cert)),
    ] {
        assert!(config.contains(&line), "{line} in\n{config}");
    }
    assert!(
        !home.credentials_path().exists(),
        "no secret to store for a key"
    );
    let status = run(home.cmd().args(["status", "-f", "json"]));
    status.code(0);
    let json = status.json();
    assert_eq!(json["credential_source"], "key-file", "{status}");
    assert_eq!(json["auth"], "private-key-jwt", "{status}");
    prior_day_csv(&home).code(0);
}

#[test]
fn login_with_a_wrong_key_saves_nothing() {
    let home = Home::new();
    let pki = pki(&home);
    let sandbox = jwt_sandbox(&home, &pki);
    let out = run(home.cmd().args([
        "login",
        "--no-input",
        "--auth",
        "private-key-jwt",
        "--client-id",
        CLIENT_ID,
        "--token-url",
        &sandbox.token_url(),
        "--base-url",
        sandbox.base_url(),
        "--cert",
        &path(&pki.client_cert),
        "--key",
        &path(&pki.wrong_key),
    ]));
    out.code(3).stderr_has("invalid_client");
    assert!(home.config().is_none(), "no config written");
}
