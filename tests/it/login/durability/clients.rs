//! Chase clients that authenticate: a confidential client on every refresh, an unusable
//! credentials file in `status`, a signing key that must be owner-only.

use super::*;

#[test]
fn a_confidential_chase_client_authenticates_every_refresh_and_invalid_client_says_so() {
    let home = Home::new();
    let (standin, sandbox) = (StandIn::start(), sandbox(&home));
    // No auth line: client-secret is the default.
    setup(&home, &standin, &sandbox, "");
    standin.books().basic = Some(("app".into(), "chase-secret".into()));
    let none = run(home.cmd().args(["balances", "-p", "chase", "-f", "csv"]));
    none.code(3)
        .stderr_has("no client secret for profile 'chase'");
    assert_eq!(
        standin.books().token_requests,
        0,
        "nothing sent without a secret"
    );
    for _ in 0..2 {
        run(home
            .cmd()
            .env("TREASURY_CLIENT_SECRET", "chase-secret")
            .args(["balances", "-p", "chase", "-f", "csv"]))
        .code(0)
        .stdout_has("chk-1001");
    }
    let seen = standin.books().token_auth.clone();
    assert_eq!(seen.len(), 2);
    assert!(
        seen.iter()
            .all(|a| a.as_deref().is_some_and(|a| a.starts_with("Basic "))),
        "{seen:?}"
    );
    let wrong = run(home
        .cmd()
        .env("TREASURY_CLIENT_SECRET", "not-it")
        .args(["balances", "-p", "chase", "-f", "csv"]));
    wrong
        .code(3)
        .stderr_has("the bank wants client authentication")
        .stderr_has("invalid_client");
    assert!(!wrong.everything().contains("not-it"));
    login_alive(&home, &standin);
}

#[test]
fn status_of_a_browser_login_with_an_unusable_credentials_file_is_exit_3() {
    let home = Home::new();
    let (standin, sandbox) = (StandIn::start(), sandbox(&home));
    setup(&home, &standin, &sandbox, NO_AUTH);
    let fine = run(home.cmd().args(["status", "-p", "chase", "-f", "json"]));
    assert_eq!(fine.code(0).json()["logged_in"], true, "{fine}");
    support::set_mode(&home.credentials_path(), 0o644);
    run(home.cmd().args(["status", "-p", "chase"]))
        .code(3)
        .stderr_has("can be read by others (mode 644)");
    write_credentials(&home, "this is = = not toml [");
    let broken = run(home.cmd().args(["status", "-p", "chase"]));
    broken.code(3).stderr_has("is not valid TOML");
    assert!(!broken.everything().contains("not toml"), "{broken}");
}

#[test]
fn a_chase_client_signing_its_token_requests_uses_an_owner_only_key() {
    let home = Home::new();
    let (standin, sandbox) = (StandIn::start(), sandbox(&home));
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256).unwrap();
    let cert = rcgen::CertificateParams::new(vec!["app.test".to_string()])
        .unwrap()
        .self_signed(&key)
        .unwrap();
    let key_path = home.write_file("app.key", &key.serialize_pem(), 0o600);
    let cert_path = home.write_file("app.crt", &cert.pem(), 0o644);
    let auth = format!(
        "auth = \"private-key-jwt\"\nkey = \"{}\"\ncert = \"{}\"\n",
        key_path.display(),
        cert_path.display()
    );
    setup(&home, &standin, &sandbox, &auth);
    run(home.cmd().args(["balances", "-p", "chase", "-f", "csv"]))
        .code(0)
        .stdout_has("chk-1001");
    {
        let books = standin.books();
        assert_eq!(
            books.token_auth,
            vec![None],
            "no Basic beside the assertion"
        );
        let keys = &books.token_keys[0];
        assert!(keys.contains(&"client_assertion".to_string()), "{keys:?}");
        assert!(
            keys.contains(&"client_assertion_type".to_string()),
            "{keys:?}"
        );
    }
    support::set_mode(&key_path, 0o644);
    run(home.cmd().args(["balances", "-p", "chase", "-f", "csv"]))
        .code(3)
        .stderr_has("can be read by others (mode 644)");
    assert_eq!(
        standin.books().token_requests,
        1,
        "the refused key signed nothing"
    );
    login_alive(&home, &standin);
}
