//! `treasury login` for Finicity against the stand-in (what it stores, what it refuses, what the
//! logs never show), live balances, and `status` naming the sandbox provider.

use super::*;

#[test]
fn login_stores_a_verified_secret_and_the_profile_keys() {
    let bank = Finicity::start();
    let env = Home::for_test_profile();
    let ok = login(&env, &bank, SECRET);
    ok.code(0).stdout_empty();
    assert!(!ok.stderr.contains(SECRET), "{ok}");
    assert_eq!(bank.counts(), (1, 0, 1), "exactly one authentication");
    bank.expect_app_key_always_sent();

    let stored = credentials_path(&env);
    let text = std::fs::read_to_string(&stored).expect("a credentials file");
    assert!(text.contains(SECRET), "{text}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&stored).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the credentials file is owner-only");
    }
    let config = std::fs::read_to_string(env.config_path()).expect("a config file");
    let parsed: toml::Table = config.parse().expect("the config is TOML");
    let profile = &parsed["profiles"]["test"];
    assert_eq!(profile["provider"].as_str(), Some("finicity"), "{config}");
    assert_eq!(profile["app_key"].as_str(), Some(APP_KEY), "{config}");
    assert_eq!(profile["partner_id"].as_str(), Some(PARTNER_ID), "{config}");
    assert_eq!(
        profile["customer_id"].as_str(),
        Some(CUSTOMER_ID),
        "{config}"
    );
    assert_eq!(profile["base_url"].as_str(), Some(bank.base_url().as_str()));
    assert!(!config.contains(SECRET), "{config}");

    // The stored secret is the one a later run uses.
    let later = run(env
        .bare_cmd()
        .env("TREASURY_NO_KEYRING", "1")
        .args(["-p", "test", "balances", "-f", "csv"]));
    later.code(0).stderr_empty();
    assert_eq!(later.stdout, STANDIN_CSV, "{later}");
    assert_eq!(bank.counts(), (2, 1, 3));
}

#[test]
fn login_with_a_refused_secret_stores_nothing() {
    let bank = Finicity::start();
    let env = Home::for_test_profile();
    let refused = login(&env, &bank, "wrong-partner-secret");
    refused.code(3).stdout_empty();
    refused.stderr_has("10001 Invalid credentials (HTTP 401)");
    refused.stderr_has(LOCK_MESSAGE);
    assert!(
        !refused.stderr.contains("wrong-partner-secret"),
        "{refused}"
    );
    assert_eq!(bank.counts(), (1, 0, 1), "exactly one authentication");
    assert!(!credentials_path(&env).exists(), "no credentials stored");
    assert!(!env.config_path().exists(), "no profile written");
}

#[test]
fn verbose_logs_never_show_the_app_key_secret_or_token() {
    let bank = Finicity::start();
    bank.lock().expired_tokens = 1;
    let env = bank.env(CUSTOMER_ID);
    let verbose = run(env.cmd().args(["-vv", "balances", "-f", "csv"]));
    verbose.code(0);
    assert_eq!(verbose.stdout, STANDIN_CSV, "{verbose}");
    // The log is there (so the test can see what it would leak) ...
    verbose.stderr_has(&format!("{}{ACCOUNTS_PATH}", bank.base_url()));
    verbose.stderr_has(AUTH_PATH);
    // ... and holds none of the credentials, through both tokens.
    assert_eq!(bank.counts(), (2, 2, 4));
    for secret in [APP_KEY, SECRET, TOKEN_PREFIX] {
        assert!(!verbose.stderr.contains(secret), "{secret} in\n{verbose}");
        assert!(!verbose.stdout.contains(secret), "{secret} in\n{verbose}");
    }
}

#[test]
fn another_providers_profile_key_is_refused() {
    let bank = Finicity::start();
    let env = Home::for_test_profile();
    let text = format!(
        "{}token_url = \"{}/oauth2/token\"\n",
        profile_text(&bank.base_url(), CUSTOMER_ID),
        bank.base_url()
    );
    write_profile(&env, &text);
    let refused = run(env.cmd().arg("balances"));
    refused.code(2).stdout_empty();
    refused.stderr_has("sets token_url, which provider 'finicity' does not read");
    refused.stderr_has("app_key, partner_id, customer_id");
    assert_eq!(bank.total_hits(), 0, "nothing sent\n{refused}");
}

#[test]
fn live_balances_only_when_asked_and_only_where_a_provider_has_them() {
    let env = Home::for_test_profile();
    let listed = sandbox(&env, &["balances", "-f", "csv", "-a", "5011648371"]);
    listed.code(0);
    assert!(
        listed
            .stdout
            .contains(",USD,2026-01-15,true,,,1190.55,1250.10,"),
        "{listed}"
    );
    // The sandbox's live read adds 10.00 to the listed available balance and is dated now.
    let live = sandbox(
        &env,
        &["balances", "-f", "csv", "-a", "5011648371", "--live"],
    );
    live.code(0);
    assert!(live.stdout.contains(",1200.55,1250.10,"), "{live}");
    assert!(!live.stdout.contains("2026-01-15T14:30:00Z"), "{live}");
    let jpm = run(env.bare_cmd().args(["--sandbox", "balances", "--live"]));
    jpm.code(2).stdout_empty();
    jpm.stderr_has("error: provider 'jpmorgan' has no separate live balance");
}

#[test]
fn status_names_the_sandbox_provider_asked_for() {
    let env = Home::for_test_profile();
    let status = sandbox(&env, &["status", "-f", "json"]);
    status.code(0).stderr_empty();
    let fields: serde_json::Value = serde_json::from_str(&status.stdout).unwrap();
    assert_eq!(fields["provider"], "finicity", "{status}");
    assert_eq!(fields["credential_source"], "sandbox", "{status}");
}
