//! The open-banking login with the real binary against `treasury sandbox serve`: the
//! client-credentials token, the consent, the browser authorization of it (this test acts as
//! the browser over HTTP), the code exchange; then data calls renewed with the stored refresh
//! token. Also a denied authorization, a consent the bank rejects, and what `-vv` never shows.

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

#[test]
fn an_approved_login_stores_the_login_and_the_consent_and_balances_renew_with_it() {
    let home = Home::new();
    let sandbox = ServedSandbox::start(&home, [] as [&str; 0]);
    configure(&home, &sandbox, "sandbox");
    let (login, url, _) = log_in(&home, &[]);
    login
        .code(0)
        .stderr_has("Logged in as profile 'ob'")
        .stderr_has("refresh token in ")
        .stderr_has("; verified;")
        .stderr_has("Consent obc-");
    assert!(
        url.contains("request=") && url.contains("code_challenge_method=S256"),
        "{url}"
    );
    assert_eq!(mode_of(&home.credentials_path()), 0o600);
    let first_refresh = stored(&home)["refresh_token"].as_str().unwrap().to_string();
    let record: serde_json::Value =
        serde_json::from_slice(&std::fs::read(consent_record(&home)).unwrap()).unwrap();
    let consent_id = record["consent_id"].as_str().unwrap().to_string();
    assert!(consent_id.starts_with("obc-"), "{record}");
    assert!(record["expires_at"].as_str().is_some(), "{record}");
    assert!(login.stderr.contains(&consent_id), "{login}");

    // The access token from the login is cached: no token request.
    let before = token_requests(&sandbox);
    let balances = ob(&home, &["balances", "-f", "csv"]);
    balances.code(0).stdout_has("GBP");
    assert_eq!(token_requests(&sandbox), before, "{balances}");

    // Once it has expired, the refresh token buys a new one, and is rotated.
    let path = home.credentials_path();
    let mut file: toml::Table = std::fs::read_to_string(&path).unwrap().parse().unwrap();
    file["profiles"]["ob"].as_table_mut().unwrap().insert(
        "token_expires_at".into(),
        toml::Value::String("2020-01-01T00:00:00Z".into()),
    );
    std::fs::write(&path, toml::to_string(&file).unwrap()).unwrap();
    let balances = ob(&home, &["balances", "-f", "csv"]);
    balances.code(0).stdout_has("GBP");
    assert_eq!(token_requests(&sandbox), before + 1, "{balances}");
    let second_refresh = stored(&home)["refresh_token"].as_str().unwrap().to_string();
    assert_ne!(first_refresh, second_refresh);

    let status = ob(&home, &["status", "-f", "json"]);
    status.code(0);
    let doc = status.json();
    assert_eq!(doc["consent_id"], consent_id.as_str(), "{status}");
    assert_eq!(doc["consent_status"], "Authorised", "{status}");
    assert_eq!(doc["logged_in"], true, "{status}");
}

#[test]
fn a_revoked_consent_after_login_is_exit_3_with_the_hint() {
    let home = Home::new();
    let sandbox = ServedSandbox::start(&home, [] as [&str; 0]);
    configure(&home, &sandbox, "sandbox");
    let (login, _, _) = log_in(&home, &[]);
    login.code(0);
    let record: serde_json::Value =
        serde_json::from_slice(&std::fs::read(consent_record(&home)).unwrap()).unwrap();
    let id = record["consent_id"].as_str().unwrap();
    // The account holder revokes the consent at the bank (the consent's own token may).
    let token = stored(&home)["access_token"].as_str().unwrap().to_string();
    let addr = sandbox.base_url().trim_start_matches("http://").to_string();
    let mut stream = std::net::TcpStream::connect(&addr).unwrap();
    write!(
        stream,
        "DELETE /open-banking/v3.1/aisp/account-access-consents/{id} HTTP/1.1\r\nHost: {addr}\r\n\
         Authorization: Bearer {token}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 204"), "{answer}");
    let balances = ob(&home, &["balances"]);
    balances
        .code(3)
        .stderr_has("run 'treasury login -p ob' to renew the consent");
    assert!(balances.stdout.is_empty(), "{balances}");
}

#[test]
fn a_denied_authorization_stores_nothing_and_is_exit_3() {
    let home = Home::new();
    let sandbox = ServedSandbox::start(&home, [] as [&str; 0]);
    configure(&home, &sandbox, "sandbox");
    let login = start_login(&home, &[], &[]);
    let url = login.authorize_url();
    let (_, landing) = authorise(&url, "deny");
    assert!(landing.contains("error=access_denied"), "{landing}");
    let (_, _, page) = http("GET", &landing, "");
    assert!(page.contains("not completed"), "{page}");
    let run = login.finish();
    run.code(3)
        .stderr_has("the consent was denied at the bank")
        .stderr_has("nothing was stored");
    assert!(run.stdout.is_empty(), "{run}");
    nothing_stored(&home);
    ob(&home, &["balances"])
        .code(3)
        .stderr_has("is not logged in");
}

#[test]
fn a_pasted_landing_with_a_wrong_state_stores_nothing() {
    let home = Home::new();
    let sandbox = ServedSandbox::start(&home, [] as [&str; 0]);
    configure(&home, &sandbox, "sandbox");
    let mut login = start_login(&home, &[], &["--no-browser"]);
    let url = login.authorize_url();
    let (_, landing) = authorise(&url, "approve");
    let state = query_value(&landing, "state");
    login.paste(&landing.replace(&state, "forged"));
    let run = login.finish();
    run.code(3).stderr_has("does not match this login");
    nothing_stored(&home);
}

#[test]
fn a_pasted_landing_logs_in_without_a_listener() {
    let home = Home::new();
    let sandbox = ServedSandbox::start(&home, [] as [&str; 0]);
    configure(&home, &sandbox, "sandbox");
    let mut login = start_login(&home, &[], &["--no-browser"]);
    let url = login.authorize_url();
    let (_, landing) = authorise(&url, "approve");
    login.paste(&landing);
    login.finish().code(0).stderr_has("Consent obc-");
    ob(&home, &["balances", "-f", "csv"])
        .code(0)
        .stdout_has("GBP");
}

#[test]
fn a_rejected_consent_stores_nothing_and_opens_no_browser() {
    let home = Home::new();
    let sandbox = ServedSandbox::start(&home, [] as [&str; 0]);
    configure(&home, &sandbox, "sandbox-rejected");
    let mut cmd = Command::new(BIN);
    env(&mut cmd, &home);
    let out = cmd
        .args(["-p", "ob", "login", "--store", "file"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("the bank rejected consent obc-"),
        "{stderr}"
    );
    assert!(!stderr.contains("/authorize?"), "{stderr}");
    assert!(out.stdout.is_empty());
    nothing_stored(&home);
}

#[test]
fn very_verbose_login_shows_no_token_code_verifier_or_request_object_in_its_log() {
    let home = Home::new();
    let sandbox = ServedSandbox::start(&home, [] as [&str; 0]);
    configure(&home, &sandbox, "sandbox");
    let (login, url, landing) = log_in(&home, &["-vv"]);
    login.code(0);
    let code = query_value(&landing, "code");
    let request = query_value(&url, "request");
    let stored = stored(&home);
    let secrets = [
        ("the code", code.as_str()),
        ("the access token", stored["access_token"].as_str().unwrap()),
        (
            "the refresh token",
            stored["refresh_token"].as_str().unwrap(),
        ),
        ("the client secret", "secret=sandbox"),
    ];
    for (what, secret) in secrets {
        assert!(!login.stderr.contains(secret), "{what} leaked:\n{login}");
    }
    assert!(!login.stderr.contains("code_verifier"), "{login}");
    // The request object is in the address the person opens, and nowhere else.
    let lines: Vec<&str> = login
        .stderr
        .lines()
        .filter(|l| l.contains(&request))
        .collect();
    assert_eq!(lines.len(), 1, "{login}");
    assert!(
        lines[0].trim().starts_with("http") && lines[0].contains("/authorize?"),
        "{login}"
    );
    assert!(
        login.stderr.contains("account-access-consents"),
        "-vv logs the requests:\n{login}"
    );
}

// ---- The profiles `treasury sandbox serve` prints, pasted as they are ----------------------

/// What `sandbox serve` printed from its "Profiles for it" line to "Press Ctrl-C".
fn printed_profiles(sandbox: &ServedSandbox) -> String {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !sandbox.log().contains("Press Ctrl-C") {
        assert!(std::time::Instant::now() < deadline, "{}", sandbox.log());
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let log = sandbox.log();
    let start = log.find("Profiles for it").expect("the profiles' heading");
    let block = &log[start..log.find("Press Ctrl-C").unwrap()];
    block.split_once('\n').unwrap().1.to_string()
}

/// The login command printed above `[profiles.NAME]`: its stdin (after `echo`) and arguments.
fn printed_login(printed: &str, name: &str) -> (Option<String>, Vec<String>) {
    let block = &printed[..printed.find(&format!("[profiles.{name}]")).unwrap()];
    let comment = block.rsplit("\n\n").next().unwrap();
    let line = comment
        .lines()
        .find_map(|l| l.strip_prefix("#   "))
        .unwrap_or_else(|| panic!("no login command above {name}:\n{comment}"));
    let (stdin, command) = match line.split_once(" | ") {
        Some((echo, command)) => (echo.strip_prefix("echo ").map(str::to_string), command),
        None => (None, line),
    };
    let args = command.split_whitespace().skip(1).map(str::to_string);
    (stdin, args.collect())
}

/// Runs the printed login of `name`, its secret piped in as printed (a browser login's landing
/// reaches its loopback listener, as from a browser).
fn printed_login_runs(home: &Home, printed: &str, name: &str) -> Run {
    let (stdin, args) = printed_login(printed, name);
    let mut cmd = Command::new(BIN);
    env(&mut cmd, home);
    cmd.env_remove("TREASURY_CLIENT_SECRET")
        .args(&args)
        .args(["--store", "file"]);
    let mut login = Login::spawn(cmd);
    login.paste(&stdin.expect("a secret to pipe in"));
    if name.ends_with("chase") || name.ends_with("open-banking") {
        let url = login.authorize_url();
        let landing = if name.ends_with("chase") {
            support::chase::consent(&url, "approve", support::chase::MAPPED)
        } else {
            authorise(&url, "approve").1
        };
        assert_eq!(http("GET", &landing, "").0, 200);
    }
    login.finish()
}

#[test]
fn every_profile_sandbox_serve_prints_logs_in_and_reports_as_pasted() {
    let home = Home::new();
    let sandbox = ServedSandbox::start(&home, [] as [&str; 0]);
    let printed = printed_profiles(&sandbox);
    // As printed, but for the loopback port the browser logins listen on: a free one here.
    let port = free_port();
    home.write_config(&printed.replace("127.0.0.1:8976", &format!("127.0.0.1:{port}")));
    let key = home
        .path()
        .join(".local/state/treasury/sandbox/open-banking-demo.key");
    assert!(printed.contains(&key.display().to_string()), "{printed}");
    assert_eq!(mode_of(&key), 0o600);
    assert!(
        printed.contains("Chase aggregator (FDX): client secret 'sandbox' and a browser login."),
        "{printed}"
    );
    // Finicity's sandbox holds a pending account on purpose: a partial report, exit 5.
    for (name, code) in [
        ("sandbox", 0),
        ("sandbox-finicity", 5),
        ("sandbox-chase", 0),
        ("sandbox-open-banking", 0),
    ] {
        printed_login_runs(&home, &printed, name).code(0);
        // Nothing but what the login stored: no secret in the environment.
        let report = run(home.cmd().args(["-p", name, "balances", "-f", "csv"]));
        report.code(code);
        assert!(report.csv_rows() > 0, "{name}: {report}");
    }
}

#[test]
fn a_secret_given_to_login_is_stored_with_the_login_so_later_runs_need_nothing_else() {
    let home = Home::new();
    let sandbox = ServedSandbox::start(&home, [] as [&str; 0]);
    configure(&home, &sandbox, "sandbox");
    let mut cmd = Command::new(BIN);
    env(&mut cmd, &home);
    cmd.env_remove("TREASURY_CLIENT_SECRET").args([
        "-p",
        "ob",
        "login",
        "--store",
        "file",
        "--client-secret-stdin",
    ]);
    let mut login = Login::spawn(cmd);
    login.paste("sandbox");
    let (_, landing) = authorise(&login.authorize_url(), "approve");
    assert_eq!(http("GET", &landing, "").0, 200);
    let done = login.finish();
    done.code(0).stderr_has("Logged in as profile 'ob'");
    assert_eq!(stored(&home)["client_secret"].as_str(), Some("sandbox"));
    // No secret in the environment: the stored one serves the consent calls and refreshes.
    run(home.cmd().args(["-p", "ob", "balances", "-f", "csv"]))
        .code(0)
        .stdout_has("GBP");
}

fn deletes_of(sandbox: &ServedSandbox, consent_id: &str) -> usize {
    let url = format!("{}/open-banking/sandbox/requests", sandbox.base_url());
    let (_, _, body) = http("GET", &url, "");
    let seen: Vec<serde_json::Value> = serde_json::from_str(&body).unwrap();
    seen.iter()
        .filter(|r| {
            r["method"] == "DELETE"
                && r["path"]
                    .as_str()
                    .is_some_and(|p| p.ends_with(&format!("/account-access-consents/{consent_id}")))
        })
        .count()
}

fn recorded_consent(home: &Home) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(consent_record(home)).unwrap()).unwrap()
}

#[test]
fn a_second_login_deletes_the_consent_it_replaces_and_a_failed_one_leaves_none_unknown() {
    let home = Home::new();
    let sandbox = ServedSandbox::start(&home, [] as [&str; 0]);
    configure(&home, &sandbox, "sandbox");
    log_in(&home, &[]).0.code(0);
    let first = recorded_consent(&home)["consent_id"]
        .as_str()
        .unwrap()
        .to_string();
    let (again, _, _) = log_in(&home, &[]);
    again.code(0).stderr_has(&format!(
        "Deleted the consent it replaces, {first}, at the bank"
    ));
    let second = recorded_consent(&home)["consent_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(first, second);
    assert_eq!(deletes_of(&sandbox, &first), 1);
    // A login that fails after its consent was created (denied here) deletes that consent
    // and keeps the working login and its record.
    let login = start_login(&home, &[], &[]);
    let (_, landing) = authorise(&login.authorize_url(), "deny");
    let _ = http("GET", &landing, "");
    let denied = login.finish();
    denied
        .code(3)
        .stderr_has("at the bank: the login did not finish");
    assert_eq!(recorded_consent(&home)["consent_id"], second.as_str());
    ob(&home, &["balances", "-f", "csv"]).code(0);
}

#[test]
fn a_login_failing_where_the_bank_cannot_be_reached_records_its_consent_for_logout() {
    let home = Home::new();
    let mut sandbox = Some(ServedSandbox::start(&home, [] as [&str; 0]));
    configure(&home, sandbox.as_ref().unwrap(), "sandbox");
    let mut login = start_login(&home, &[], &["--no-browser"]);
    let (_, landing) = authorise(&login.authorize_url(), "approve");
    // The bank goes away between the approval and the code exchange.
    drop(sandbox.take());
    login.paste(&landing);
    let failed = login.finish();
    assert_ne!(failed.code, 0, "{failed}");
    failed.stderr_has("so 'treasury logout -p ob' deletes it");
    let record = recorded_consent(&home);
    assert!(
        record["consent_id"]
            .as_str()
            .is_some_and(|id| id.starts_with("obc-")),
        "{record}"
    );
    assert!(
        !home.credentials_path().exists(),
        "a failed login stored a token"
    );
}

#[test]
fn a_signing_key_others_can_read_is_refused_before_any_consent_is_created() {
    let home = Home::new();
    let sandbox = ServedSandbox::start(&home, [] as [&str; 0]);
    configure(&home, &sandbox, "sandbox");
    support::set_mode(&home.path().join("client.key"), 0o644);
    let mut cmd = Command::new(BIN);
    env(&mut cmd, &home);
    let out = cmd
        .args(["-p", "ob", "login", "--store", "file"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("can be read by others (mode 644)"),
        "{stderr}"
    );
    assert!(stderr.contains("chmod 600"), "{stderr}");
    assert!(!stderr.contains("/authorize?"), "{stderr}");
    let url = format!("{}/open-banking/sandbox/requests", sandbox.base_url());
    let (_, _, body) = http("GET", &url, "");
    assert!(
        !body.contains("account-access-consents"),
        "a consent was created: {body}"
    );
    assert!(!consent_record(&home).exists());
}

#[test]
fn the_ending_warning_goes_by_the_earlier_end_the_bank_reports() {
    let home = Home::new();
    let sandbox = ServedSandbox::start(&home, [] as [&str; 0]);
    configure(&home, &sandbox, "sandbox");
    let config = home
        .config()
        .unwrap()
        .replace("consent_days = 30", "consent_days = 3");
    home.write_config(&config);
    log_in(&home, &[]).0.code(0);
    // The record says later than the bank (edited, as an older version or a lost update would).
    let mut record = recorded_consent(&home);
    let later = (chrono::Utc::now() + chrono::Duration::days(90)).to_rfc3339();
    record["expires_at"] = serde_json::Value::String(later);
    std::fs::write(consent_record(&home), serde_json::to_vec(&record).unwrap()).unwrap();
    let quiet = ob(&home, &["balances", "-f", "csv"]);
    assert!(!quiet.stderr.contains("ends"), "{quiet}");
    // status asks the bank, which says 3 days: from then on every command warns.
    ob(&home, &["status", "-f", "json"]).code(0);
    ob(&home, &["balances", "-f", "csv"])
        .code(0)
        .stderr_has("of profile 'ob' ends")
        .stderr_has("run 'treasury login -p ob'");
}

// ---- FAPI 1.0 Advanced: the request object, client assertions, the ID token's nonce ------

/// A fresh key (RSA, or EC P-256) and its certificate, written as `NAME.key` and `NAME.crt`.
fn client_files(
    home: &Home,
    name: &str,
    algorithm: &'static rcgen::SignatureAlgorithm,
) -> (PathBuf, PathBuf) {
    let key = rcgen::KeyPair::generate_for(algorithm).unwrap();
    let cert = rcgen::CertificateParams::new(vec!["client.test".to_string()])
        .unwrap()
        .self_signed(&key)
        .unwrap();
    (
        home.write_file(&format!("{name}.key"), &key.serialize_pem(), 0o600),
        home.write_file(&format!("{name}.crt"), &cert.pem(), 0o644),
    )
}

/// The sandbox with `cert` registered: request objects must be signed by its key.
fn registered_sandbox(home: &Home, cert: &std::path::Path) -> ServedSandbox {
    ServedSandbox::start(home, ["--client-cert", cert.to_str().unwrap()])
}

/// A sandbox with a fresh RSA client registered, and the profile `ob` for that client.
fn sandbox_and_profile(home: &Home, client_id: &str) -> ServedSandbox {
    let (key, cert) = client_files(home, "client", &rcgen::PKCS_RSA_SHA256);
    let sandbox = registered_sandbox(home, &cert);
    configure_with(home, &sandbox, client_id, (&key, &cert), "");
    sandbox
}

/// An open-banking profile `ob` on this sandbox signing with `files` (key, certificate),
/// redirected to a free loopback port; `extra` adds profile lines.
fn configure_with(
    home: &Home,
    sandbox: &ServedSandbox,
    client_id: &str,
    files: (&std::path::Path, &std::path::Path),
    extra: &str,
) {
    let root = format!("{}/open-banking", sandbox.base_url());
    let port = free_port();
    home.write_config(&format!(
        "[profiles.ob]\nprovider = \"open-banking\"\nbase_url = \"{root}/v3.1/aisp\"\n\
         token_url = \"{root}/token\"\nauthorize_url = \"{root}/authorize\"\n\
         redirect_uri = \"http://127.0.0.1:{port}/callback\"\nclient_id = \"{client_id}\"\n\
         key = \"{}\"\ncert = \"{}\"\nconsent_days = 30\n{extra}",
        files.0.display(),
        files.1.display()
    ));
}

/// The header and claims of a compact JWS, undecoded signature ignored.
fn jws_parts(jwt: &str) -> (serde_json::Value, serde_json::Value) {
    use base64::Engine as _;
    let part = |n: usize| {
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(jwt.split('.').nth(n).unwrap())
            .unwrap();
        serde_json::from_slice::<serde_json::Value>(&bytes).unwrap()
    };
    (part(0), part(1))
}

/// What the request object of `url` says, checked against FAPI 1.0 Advanced and the UK profile.
fn fapi_request_object(url: &str, alg: &str, kid: &str, aud: &str) {
    let (header, claims) = jws_parts(&query_value(url, "request"));
    assert_eq!(header["alg"], alg, "{header}");
    assert_eq!(header["kid"], kid, "{header}");
    assert_eq!(claims["aud"], aud, "{claims}");
    let (nbf, exp) = (
        claims["nbf"].as_i64().unwrap(),
        claims["exp"].as_i64().unwrap(),
    );
    assert!(exp > nbf && exp - nbf <= 3600, "{claims}");
    let acr = &claims["claims"]["id_token"]["acr"];
    assert_eq!(acr["essential"], true, "{claims}");
    assert_eq!(acr["values"][0], "urn:openbanking:psd2:sca", "{claims}");
    assert_eq!(claims["nonce"], query_value(url, "nonce"));
}

fn thumbprint(cert: &std::path::Path) -> String {
    use base64::Engine as _;
    let pem = std::fs::read_to_string(cert).unwrap();
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(body)
        .unwrap();
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA1_FOR_LEGACY_USE_ONLY, &der);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest.as_ref())
}

#[test]
fn request_objects_are_ps256_or_es256_and_verified_with_the_registered_certificate() {
    let cases: [(&'static rcgen::SignatureAlgorithm, &str, &str); 2] = [
        (&rcgen::PKCS_RSA_SHA256, "PS256", ""),
        (
            &rcgen::PKCS_ECDSA_P256_SHA256,
            "ES256",
            "signing_kid = \"dir-kid-7\"\n",
        ),
    ];
    for (algorithm, alg, extra) in cases {
        let home = Home::new();
        let (key, cert) = client_files(&home, "client", algorithm);
        let sandbox = registered_sandbox(&home, &cert);
        configure_with(&home, &sandbox, "sandbox", (&key, &cert), extra);
        let (login, url, _) = log_in(&home, &[]);
        login.code(0).stderr_has("Logged in as profile 'ob'");
        let kid = match extra.is_empty() {
            true => thumbprint(&cert),
            false => "dir-kid-7".to_string(),
        };
        fapi_request_object(&url, alg, &kid, sandbox.base_url());
    }
}

#[test]
fn the_sandbox_refuses_a_request_object_of_another_key_rs256_or_another_audience() {
    let home = Home::new();
    let (_, registered) = client_files(&home, "registered", &rcgen::PKCS_RSA_SHA256);
    let (key, cert) = client_files(&home, "other", &rcgen::PKCS_RSA_SHA256);
    let sandbox = registered_sandbox(&home, &registered);
    configure_with(&home, &sandbox, "sandbox", (&key, &cert), "");
    let login = start_login(&home, &[], &["--wait", "3"]);
    let url = login.authorize_url();
    let (status, _, page) = http("GET", &url, "");
    assert_eq!(status, 400, "{page}");
    assert!(
        page.contains("does not verify with the registered certificate"),
        "{page}"
    );
    // The same claims signed RS256 with the registered client's key are refused too.
    let (_, claims) = jws_parts(&query_value(&url, "request"));
    let registered_key = std::fs::read(home.path().join("registered.key")).unwrap();
    let rs256 = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256),
        &claims,
        &jsonwebtoken::EncodingKey::from_rsa_pem(&registered_key).unwrap(),
    )
    .unwrap();
    let forged = url.replace(&enc(&query_value(&url, "request")), &enc(&rs256));
    assert_ne!(forged, url);
    let (status, _, page) = http("GET", &forged, "");
    assert_eq!(status, 400, "{page}");
    assert!(page.contains("only PS256 and ES256"), "{page}");
    login.finish().code(3).stderr_has("did not come back");
    nothing_stored(&home);

    // A profile naming another issuer signs for that audience, which this server is not.
    configure_with(
        &home,
        &sandbox,
        "sandbox",
        (&home.path().join("registered.key"), &registered),
        "issuer = \"https://auth.other.example\"\n",
    );
    let login = start_login(&home, &[], &["--wait", "3"]);
    let url = login.authorize_url();
    let (_, claims) = jws_parts(&query_value(&url, "request"));
    assert_eq!(claims["aud"], "https://auth.other.example");
    let (status, _, page) = http("GET", &url, "");
    assert_eq!(status, 400, "{page}");
    assert!(
        page.contains("aud must be this authorization server"),
        "{page}"
    );
    login.finish().code(3);
}

#[test]
fn an_id_token_naming_another_nonce_stores_nothing() {
    let home = Home::new();
    let _sandbox = sandbox_and_profile(&home, "sandbox-wrong-nonce");
    let (login, _, _) = log_in(&home, &[]);
    login
        .code(3)
        .stderr_has("ID token does not carry this login's nonce")
        .stderr_has("nothing was stored");
    nothing_stored(&home);
}

#[test]
fn private_key_jwt_client_assertions_are_signed_like_the_request_object() {
    // The sandbox's token endpoint takes PS256 or ES256 assertions by the registered key only.
    for algorithm in [&rcgen::PKCS_RSA_SHA256, &rcgen::PKCS_ECDSA_P256_SHA256] {
        let home = Home::new();
        let (key, cert) = client_files(&home, "client", algorithm);
        let sandbox = registered_sandbox(&home, &cert);
        let extra = "auth = \"private-key-jwt\"\n";
        configure_with(&home, &sandbox, "sandbox", (&key, &cert), extra);
        let (login, _, _) = log_in(&home, &[]);
        login.code(0).stderr_has("Logged in as profile 'ob'");
        let before = token_requests(&sandbox);
        let path = home.credentials_path();
        let mut file: toml::Table = std::fs::read_to_string(&path).unwrap().parse().unwrap();
        file["profiles"]["ob"].as_table_mut().unwrap().insert(
            "token_expires_at".into(),
            toml::Value::String("2020-01-01T00:00:00Z".into()),
        );
        std::fs::write(&path, toml::to_string(&file).unwrap()).unwrap();
        let balances = ob(&home, &["balances", "-f", "csv"]);
        balances.code(0).stdout_has("GBP");
        assert_eq!(token_requests(&sandbox), before + 1, "{balances}");
    }
    // An assertion signed by a key other than the registered one is refused.
    let home = Home::new();
    let (_, registered) = client_files(&home, "registered", &rcgen::PKCS_RSA_SHA256);
    let (key, cert) = client_files(&home, "other", &rcgen::PKCS_RSA_SHA256);
    let sandbox = registered_sandbox(&home, &registered);
    let extra = "auth = \"private-key-jwt\"\n";
    configure_with(&home, &sandbox, "sandbox", (&key, &cert), extra);
    let refused = ob(&home, &["login", "--store", "file", "--wait", "5"]);
    refused
        .code(3)
        .stderr_has("does not verify with the registered certificate");
    nothing_stored(&home);
}
