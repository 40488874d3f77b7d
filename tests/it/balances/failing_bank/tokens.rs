//! `balances` with a cached token the bank no longer accepts: renewed once, also in every window
//! of a split run.

use super::*;

/// `treasury` in `env` with the secret and token only where `login --store file` put them.
fn stored_cmd(env: &Home) -> assert_cmd::Command {
    let mut cmd = env.cmd();
    cmd.env_remove("TREASURY_CLIENT_SECRET")
        .env_remove("TREASURY_CONFIG")
        .env("TREASURY_NO_KEYRING", "1");
    cmd
}

/// Logs profile `test` in to `bank` with the secret in the credentials file; returns that file.
fn login_with_file_store(env: &Home, bank: &TestBank) -> std::path::PathBuf {
    let out = run(stored_cmd(env)
        .args([
            "login",
            "--base-url",
            &bank.base_url(),
            "--token-url",
            &bank.token_url(),
            "--client-id",
            "cid",
            "--client-secret-stdin",
            "--store",
            "file",
            "--no-input",
        ])
        .write_stdin(format!("{SECRET}\n")));
    out.code(0).stdout_empty();
    let credentials = env.path().join("config/treasury/credentials.toml");
    let stored = std::fs::read_to_string(&credentials).unwrap_or_default();
    out.check(
        stored.contains("\"tok-1\""),
        &format!("login cached its token in {}", credentials.display()),
    );
    credentials
}

#[test]
fn cached_token_refused_with_401_is_renewed_once_and_the_request_retried() {
    let bank = TestBank::start();
    let env = Home::for_test_profile();
    let credentials = login_with_file_store(&env, &bank);
    bank.respond(|body, bearer| match bearer {
        Some("tok-1") => Reply::bank_error(401, "GCA-001", "Unauthorized"),
        _ => answer_to(body),
    });
    let out = run(stored_cmd(&env).args(["balances", "--prior-day", "-a", "B1/111", "-f", "csv"]));
    out.code(0).stderr_empty();
    out.check(
        keys(&out.stdout) == [("111".to_string(), "2026-01-02".to_string())],
        "the report of the retried request",
    );
    out.check(
        bank.requests_to("/oauth2/token").len() == 2,
        "two token requests in all: login's and the renewal",
    );
    let used: Vec<Option<String>> = bank
        .requests_to("/balance")
        .into_iter()
        .map(|r| r.bearer)
        .collect();
    out.check(
        used == [Some("tok-1".to_string()), Some("tok-2".to_string())],
        &format!("the cached token, then the new one; got {used:?}"),
    );
    let stored = std::fs::read_to_string(&credentials).unwrap();
    out.check(
        stored.contains("\"tok-2\"") && !stored.contains("\"tok-1\""),
        "the new token replaced the refused one in the cache",
    );
}

#[test]
fn cached_token_refused_in_every_window_of_a_split_run_is_renewed_once() {
    let bank = TestBank::start();
    let env = Home::for_test_profile();
    login_with_file_store(&env, &bank);
    bank.respond(|body, bearer| match bearer {
        Some("tok-1") => Reply::bank_error(401, "GCA-001", "Unauthorized"),
        _ => answer_to(body),
    })
    .delay(Duration::from_millis(200));
    let out = run(stored_cmd(&env).args([
        "balances",
        "--split",
        "--from",
        "2026-01-01",
        "--to",
        "2026-03-31",
        "-a",
        "B1/111",
        "-f",
        "csv",
    ]));
    out.code(0).stderr_empty();
    out.check(csv_rows(&out.stdout).len() == 90, "every day of the range");
    out.check(
        bank.requests_to("/oauth2/token").len() == 2,
        "one renewal shared by the three windows",
    );
    let calls = bank.requests_to("/balance");
    let retried = calls
        .iter()
        .filter(|r| r.bearer.as_deref() == Some("tok-2"))
        .count();
    out.check(retried == 3, "each window answered with the new token");
}
