//! Chase refresh tokens with the real binary: renewal after expiry and after a 401, rotation,
//! a spent token refused, two runs at once sharing one renewal, `invalid_grant` ending the
//! login, the 7-day warning, and no code, verifier or token in `-vv` output.

use crate::support;

use support::chase::*;
use support::{run, Home, ServedSandbox};

#[test]
fn expired_and_refused_tokens_are_renewed_with_a_rotated_refresh_token() {
    let home = Home::new();
    let sandbox = ServedSandbox::start(&home, [] as [&str; 0]);
    configure(&home, &sandbox);
    log_in(&home, MAPPED, &[]).0.code(0);
    let first = stored_text(&home, "refresh_token");
    expire_access_token(&home);
    run(home.cmd().args(["-p", "chase", "balances"]))
        .code(0)
        .stdout_has("chk-1001");
    let second = stored_text(&home, "refresh_token");
    assert_ne!(first, second, "the refresh token rotates");
    assert_eq!(token_posts(&sandbox, 3), 2);
    // A token the bank refuses (401) is renewed once, too.
    edit_stored(&home, "access_token", toml::Value::String("revoked".into()));
    edit_stored(
        &home,
        "token_expires_at",
        toml::Value::String("2999-01-01T00:00:00Z".into()),
    );
    run(home.cmd().args(["-p", "chase", "accounts"]))
        .code(0)
        .stdout_has("loan-5005");
    assert_ne!(stored_text(&home, "refresh_token"), second);
    let status = run(home.cmd().args(["-p", "chase", "status", "-f", "json"]));
    let fields = status.code(0).json();
    assert_eq!(fields["provider"], "chase", "{status}");
    assert!(
        fields["token_expires_at"]
            .as_str()
            .is_some_and(|t| t.starts_with("20")),
        "{status}"
    );
    assert!(fields["login_expires_at"].as_str().is_some(), "{status}");
    // The spent one is refused, as real servers do.
    let token_url = format!("{}/chase/aggregator-oauth/v1/token", sandbox.base_url());
    let (status, _, body) = http(
        "POST",
        &token_url,
        &format!(
            "grant_type=refresh_token&client_id=app&refresh_token={}",
            enc(&first)
        ),
    );
    assert_eq!(status, 400);
    assert!(body.contains("invalid_grant"), "{body}");
    // ... and revokes the whole login (RFC 9700 4.14.2): the next renewal is refused, the
    // login is forgotten, and status says so.
    expire_access_token(&home);
    run(home.cmd().args(["-p", "chase", "balances"]))
        .code(3)
        .stderr_has("run 'treasury login -p chase'");
    let after = run(home.cmd().args(["-p", "chase", "status", "-f", "json"]));
    assert_eq!(after.code(0).json()["logged_in"], false, "{after}");
}

#[test]
fn two_runs_at_once_share_one_refresh() {
    let home = Home::new();
    let sandbox = ServedSandbox::start(&home, [] as [&str; 0]);
    configure(&home, &sandbox);
    log_in(&home, MAPPED, &[]).0.code(0);
    expire_access_token(&home);
    let runs: Vec<_> = (0..2)
        .map(|_| {
            let mut cmd = home.cmd();
            cmd.args(["-p", "chase", "balances", "-f", "csv"]);
            std::thread::spawn(move || run(&mut cmd))
        })
        .collect();
    for handle in runs {
        handle.join().unwrap().code(0).stdout_has("chk-1001");
    }
    assert_eq!(
        token_posts(&sandbox, 3),
        2,
        "one login, one refresh:\n{}",
        sandbox.log()
    );
}

#[test]
fn a_refused_refresh_token_ends_the_login_with_exit_3() {
    let home = Home::new();
    let sandbox = ServedSandbox::start(&home, [] as [&str; 0]);
    configure(&home, &sandbox);
    log_in(&home, MAPPED, &[]).0.code(0);
    let token_url = format!("{}/chase/aggregator-oauth/v1/token", sandbox.base_url());
    let spend = format!(
        "grant_type=refresh_token&client_id=app&refresh_token={}",
        enc(&stored_text(&home, "refresh_token"))
    );
    assert_eq!(http("POST", &token_url, &spend).0, 200);
    expire_access_token(&home);
    let ended = run(home.cmd().args(["-p", "chase", "balances"]));
    ended
        .code(3)
        .stderr_has("invalid_grant")
        .stderr_has("run 'treasury login -p chase'");
    assert!(ended.stdout.is_empty(), "{ended}");
}

#[test]
fn a_login_ending_soon_is_warned_about() {
    let home = Home::new();
    let sandbox = ServedSandbox::start(&home, [] as [&str; 0]);
    configure(&home, &sandbox);
    log_in(&home, MAPPED, &[]).0.code(0);
    let soon = (chrono::Utc::now() + chrono::Duration::days(3)).to_rfc3339();
    edit_stored(&home, "refresh_expires_at", toml::Value::String(soon));
    run(home.cmd().args(["-p", "chase", "accounts"]))
        .code(0)
        .stderr_has("warning: the login of profile 'chase' ends")
        .stderr_has("run 'treasury login -p chase' before then");
    let quiet = run(home.cmd().args(["-q", "-p", "chase", "accounts"]));
    assert!(!quiet.stderr.contains("ends"), "{quiet}");
}

#[test]
fn very_verbose_output_shows_no_code_verifier_or_token() {
    let home = Home::new();
    let sandbox = ServedSandbox::start(&home, [] as [&str; 0]);
    configure(&home, &sandbox);
    let (login, code) = log_in(&home, MAPPED, &["-vv"]);
    login.code(0);
    let access = stored_text(&home, "access_token");
    let first_refresh = stored_text(&home, "refresh_token");
    expire_access_token(&home);
    let balances = run(home.cmd().args(["-vv", "-p", "chase", "balances"]));
    balances.code(0).stderr_has("x-fapi-interaction-id: ");
    let refreshed = stored_text(&home, "access_token");
    for secret in [
        &code,
        &access,
        &first_refresh,
        &refreshed,
        &stored_text(&home, "refresh_token"),
    ] {
        assert!(
            !login.everything().contains(secret.as_str()),
            "a secret in login -vv:\n{login}"
        );
        assert!(
            !balances.everything().contains(secret.as_str()),
            "a secret in balances -vv:\n{balances}"
        );
    }
    assert!(!login.everything().contains("code_verifier="), "{login}");
}

#[test]
fn a_confidential_client_logs_in_with_its_secret_and_refreshes_with_the_stored_one() {
    let home = Home::new();
    let sandbox = ServedSandbox::start(&home, ["--client-secret", "chase-s3cret"]);
    // No auth line: client-secret, the default.
    configure_with(&home, &sandbox, "");
    let mut login = Login::start(&home, &["--client-secret-stdin"]);
    login.paste("chase-s3cret");
    let landing = consent(&login.authorize_url(), "approve", MAPPED);
    assert_eq!(http("GET", &landing, "").0, 200);
    let done = login.finish();
    done.code(0)
        .stderr_has("client secret of profile 'chase' is stored");
    assert!(!done.everything().contains("chase-s3cret"), "{done}");
    assert_eq!(stored_text(&home, "client_secret"), "chase-s3cret");
    expire_access_token(&home);
    run(home.cmd().args(["-p", "chase", "balances"]))
        .code(0)
        .stdout_has("chk-1001");
    // The same login with a wrong secret: the bank says invalid_client, and treasury says why.
    edit_stored(&home, "client_secret", toml::Value::String("wrong".into()));
    expire_access_token(&home);
    run(home.cmd().args(["-p", "chase", "balances"]))
        .code(3)
        .stderr_has("the bank wants client authentication");
}

#[test]
fn logout_revokes_the_login_at_the_bank_where_it_can_and_otherwise_says_it_lives_on() {
    let home = Home::new();
    let sandbox = ServedSandbox::start(&home, [] as [&str; 0]);
    let revoke = format!(
        "auth = \"none\"\nrevoke_url = \"{}/chase/aggregator-oauth/v1/revoke\"\n",
        sandbox.base_url()
    );
    configure_with(&home, &sandbox, &revoke);
    log_in(&home, MAPPED, &[]).0.code(0);
    let refresh = stored_text(&home, "refresh_token");
    run(home.cmd().args(["-p", "chase", "logout"]))
        .code(0)
        .stderr_has("Revoked the login of profile 'chase' at the bank");
    let token_url = format!("{}/chase/aggregator-oauth/v1/token", sandbox.base_url());
    let (status, _, body) = http(
        "POST",
        &token_url,
        &format!(
            "grant_type=refresh_token&client_id=app&refresh_token={}",
            enc(&refresh)
        ),
    );
    assert_eq!(status, 400, "the revoked token still works: {body}");
    // Without revoke_url: forgotten here, and said to live on at the bank.
    configure(&home, &sandbox);
    log_in(&home, MAPPED, &[]).0.code(0);
    run(home.cmd().args(["-p", "chase", "logout"]))
        .code(0)
        .stderr_has("has no revoke_url, so its login lives on at the bank until");
    assert!(!std::fs::read_to_string(home.credentials_path())
        .unwrap()
        .contains("refresh_token"));
}
