//! The open-banking browser authorization: an approved login stores the login and the consent; a
//! revoked, denied or rejected consent, a wrong state, a pasted landing, and what `-vv` never shows.

use super::*;

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
