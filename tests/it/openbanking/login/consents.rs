//! The consent's lifecycle at login: a replaced consent deleted, a failed login's consent recorded
//! for logout, a readable signing key refused first, the ending warning from the earlier end.

use super::*;

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
