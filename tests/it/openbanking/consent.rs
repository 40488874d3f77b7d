//! A configured open-banking profile against `treasury sandbox serve`: the headers of each data
//! request, the consent record and its ending warning, `status`, and `logout`.

use super::*;

#[test]
fn every_data_request_has_authorization_and_its_own_interaction_id() {
    let home = Home::new();
    let sandbox = ServedSandbox::start(&home, Vec::<&str>::new());
    configure(&home, sandbox.base_url());
    let (code, stdout, stderr) = ob(&home, &["balances", "-f", "csv"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout.lines().count(), 5, "{stdout}");
    let requests = seen(sandbox.base_url());
    assert_eq!(requests.len(), 3, "{requests:?}");
    let mut ids = std::collections::HashSet::new();
    for r in &requests {
        assert_eq!(r["authorization"], true, "{r}");
        assert_eq!(r["customer_ip"], false, "{r}");
        assert_eq!(r["financial_id"], "0015800001041RHAAY", "{r}");
        assert!(
            ids.insert(r["interaction_id"].as_str().unwrap().to_string()),
            "{r}"
        );
    }
}

#[test]
fn a_consent_ending_within_seven_days_warns_on_every_command() {
    let home = Home::new();
    let sandbox = ServedSandbox::start(&home, Vec::<&str>::new());
    configure(&home, sandbox.base_url());
    record_consent(&home, 3);
    let (code, stdout, stderr) = ob(&home, &["accounts", "-f", "csv"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout.lines().count(), 5);
    assert!(
        stderr.contains(&format!(
            "warning: the consent {CONSENT} of profile 'ob' ends "
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains("(3 days left): run 'treasury login -p ob' to renew the consent"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    let (code, _, stderr) = ob(&home, &["-q", "accounts"]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    record_consent(&home, 30);
    let (code, _, stderr) = ob(&home, &["accounts"]);
    assert_eq!((code, stderr.as_str()), (0, ""));
}

#[test]
fn status_asks_the_bank_and_falls_back_to_the_record() {
    let home = Home::new();
    let sandbox = ServedSandbox::start(&home, Vec::<&str>::new());
    configure(&home, sandbox.base_url());
    record_consent(&home, 30);
    let (code, stdout, stderr) = ob(&home, &["status", "-f", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["consent_id"], CONSENT, "{doc}");
    assert_eq!(doc["consent_status"], "Authorised", "{doc}");
    assert!(doc["consent_expires_at"].as_str().is_some(), "{doc}");
    assert!(!stdout.contains(TOKEN));
    assert!(seen(sandbox.base_url()).iter().any(|r| r["method"] == "GET"
        && r["path"] == format!("/v3.1/aisp/account-access-consents/{CONSENT}")));
    drop(sandbox);
    let (code, stdout, stderr) = ob(&home, &["--retries", "1", "status", "-f", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let status = doc["consent_status"].as_str().unwrap();
    assert!(
        status.starts_with("unknown (the bank could not be asked:"),
        "{status}"
    );
    assert!(
        status.ends_with("the expiry shown is the recorded one"),
        "{status}"
    );
    assert!(doc["consent_expires_at"].as_str().is_some(), "{doc}");
}

#[test]
fn logout_deletes_the_consent_at_the_bank_and_a_revoked_consent_is_exit_3() {
    let home = Home::new();
    let sandbox = ServedSandbox::start(&home, Vec::<&str>::new());
    configure(&home, sandbox.base_url());
    let record = record_consent(&home, 30);
    let out = home
        .cmd()
        .env("TREASURY_CLIENT_SECRET", "sandbox")
        .args(["-p", "ob", "logout"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "Deleted consent {CONSENT} of profile 'ob' at the bank"
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains("Forgot the consent record of profile 'ob'"),
        "{stderr}"
    );
    assert!(!record.exists());
    let requests = seen(sandbox.base_url());
    let deletes: Vec<_> = requests
        .iter()
        .filter(|r| r["method"] == "DELETE")
        .collect();
    assert_eq!(deletes.len(), 1, "{requests:?}");
    assert_eq!(
        deletes[0]["path"],
        format!("/v3.1/aisp/account-access-consents/{CONSENT}")
    );
    assert_eq!(deletes[0]["authorization"], true);
    // with the client-credentials token from the token endpoint, not the consent's token
    assert!(
        sandbox
            .log()
            .contains("POST /open-banking/token answered 200"),
        "{}",
        sandbox.log()
    );

    let (code, stdout, stderr) = ob(&home, &["balances"]);
    assert_eq!(code, 3, "{stderr}");
    assert_eq!(stdout, "");
    assert!(
        stderr.contains("UK.OBIE.Resource.InvalidConsentStatus"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("consent {CONSENT} is Revoked")),
        "{stderr}"
    );
    assert!(
        stderr.contains("hint: run 'treasury login -p ob' to renew the consent"),
        "{stderr}"
    );
}

#[test]
fn logout_forgets_the_consent_locally_when_the_bank_is_down() {
    let home = Home::new();
    configure(&home, "http://127.0.0.1:9");
    let record = record_consent(&home, 30);
    let out = home
        .cmd()
        .env("TREASURY_CLIENT_SECRET", "sandbox")
        .args(["--retries", "1", "-p", "ob", "logout"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "warning: could not delete consent {CONSENT} of profile 'ob' at the bank ("
        )),
        "{stderr}"
    );
    assert!(stderr.contains("it is forgotten here only"), "{stderr}");
    assert!(
        stderr.contains("Forgot the consent record of profile 'ob'"),
        "{stderr}"
    );
    assert!(!record.exists());
}
