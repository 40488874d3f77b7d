//! The open-banking login with the real binary against `treasury sandbox serve`: the
//! client-credentials token, the consent, the browser authorization of it (this test acts as
//! the browser over HTTP), the code exchange; then data calls renewed with the stored refresh
//! token. Also a denied authorization, a consent the bank rejects, and what `-vv` never shows.

mod authorization;
mod consents;
mod fapi;
mod printed;

use crate::support;

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};

use support::chase::{enc, free_port, hidden, http, Login};
use support::{mode_of, run, Home, Run, ServedSandbox, BIN};

/// An open-banking profile `ob` on this sandbox, with a fresh RSA key and certificate to sign
/// the request object, redirected to a free loopback port.
fn configure(home: &Home, sandbox: &ServedSandbox, client_id: &str) {
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256).unwrap();
    let cert = rcgen::CertificateParams::new(vec!["client.test".to_string()])
        .unwrap()
        .self_signed(&key)
        .unwrap();
    let key_path = home.write_file("client.key", &key.serialize_pem(), 0o600);
    let cert_path = home.write_file("client.crt", &cert.pem(), 0o644);
    let root = format!("{}/open-banking", sandbox.base_url());
    let port = free_port();
    home.write_config(&format!(
        "[profiles.ob]\nprovider = \"open-banking\"\nbase_url = \"{root}/v3.1/aisp\"\n\
         token_url = \"{root}/token\"\nauthorize_url = \"{root}/authorize\"\n\
         redirect_uri = \"http://127.0.0.1:{port}/callback\"\nclient_id = \"{client_id}\"\n\
         key = \"{}\"\ncert = \"{}\"\nconsent_days = 30\n",
        key_path.display(),
        cert_path.display()
    ));
}

/// `treasury [-v..] -p ob login --store file ARGS`, with the client secret in the environment.
fn env(cmd: &mut Command, home: &Home) {
    cmd.env_clear()
        .current_dir(home.path())
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .env("TREASURY_NO_KEYRING", "1")
        .env("TREASURY_CLIENT_SECRET", "sandbox")
        .env("NO_PROXY", "127.0.0.1,localhost");
}

/// `treasury VERBOSE -p ob login --store file ARGS`, with the client secret in the environment.
fn start_login(home: &Home, verbose: &[&str], args: &[&str]) -> Login {
    let mut cmd = Command::new(BIN);
    env(&mut cmd, home);
    cmd.args(verbose)
        .args(["-p", "ob", "login", "--store", "file"])
        .args(args);
    Login::spawn(cmd)
}

/// Opens the authorize page like a browser and presses `decision`; returns the page and the
/// address the sandbox redirects to.
fn authorise(authorize_url: &str, decision: &str) -> (String, String) {
    let (status, _, page) = http("GET", authorize_url, "");
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains(">Approve</button>") && page.contains(">Deny</button>"),
        "{page}"
    );
    let mut form: Vec<String> = [
        "client_id",
        "redirect_uri",
        "state",
        "code_challenge",
        "consent_id",
    ]
    .iter()
    .map(|k| format!("{k}={}", enc(&hidden(&page, k))))
    .collect();
    form.push(format!("decision={decision}"));
    let action = authorize_url.split('?').next().unwrap();
    let (status, location, body) = http("POST", action, &form.join("&"));
    assert_eq!(status, 303, "{body}");
    (page, location.expect("a redirect"))
}

fn query_value(url: &str, key: &str) -> String {
    let query = url.split_once('?').unwrap().1;
    form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
        .unwrap_or_else(|| panic!("no {key} in {url}"))
}

/// A whole approved login through the loopback listener; the run, the URL and the landing.
fn log_in(home: &Home, verbose: &[&str]) -> (Run, String, String) {
    let login = start_login(home, verbose, &[]);
    let url = login.authorize_url();
    let (page, landing) = authorise(&url, "approve");
    assert!(
        page.contains("ReadBalances") && page.contains("until"),
        "{page}"
    );
    let (status, _, body) = http("GET", &landing, "");
    assert_eq!(status, 200, "{body}");
    (login.finish(), url, landing)
}

fn stored(home: &Home) -> toml::Table {
    let text = std::fs::read_to_string(home.credentials_path()).expect("credentials");
    text.parse::<toml::Table>().unwrap()["profiles"]["ob"]
        .as_table()
        .unwrap()
        .clone()
}

fn consent_record(home: &Home) -> std::path::PathBuf {
    home.path().join(".local/state/treasury/consents/ob.json")
}

fn ob(home: &Home, args: &[&str]) -> Run {
    let mut cmd = home.cmd();
    cmd.env("TREASURY_CLIENT_SECRET", "sandbox")
        .args(["-p", "ob"])
        .args(args);
    run(&mut cmd)
}

/// Token requests the sandbox recorded (`GET /open-banking/sandbox/requests`).
fn token_requests(sandbox: &ServedSandbox) -> usize {
    let url = format!("{}/open-banking/sandbox/requests", sandbox.base_url());
    let (_, _, body) = http("GET", &url, "");
    let seen: Vec<serde_json::Value> = serde_json::from_str(&body).unwrap();
    seen.iter().filter(|r| r["path"] == "/token").count()
}

fn nothing_stored(home: &Home) {
    assert!(
        !home.credentials_path().exists(),
        "a failed login stored a token"
    );
    assert!(
        !consent_record(home).exists(),
        "a failed login recorded the consent"
    );
}
