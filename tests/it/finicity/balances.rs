//! Finicity balances against the stand-in: the partner authentication (a refused secret, an
//! expired or refused token), date options refused, an unknown customer, retries of a failing call.

use super::*;

#[test]
fn standin_balances_with_a_good_profile() {
    let bank = Finicity::start();
    let env = bank.env(CUSTOMER_ID);
    let ok = run(env.cmd().args(["balances", "-f", "csv"]));
    ok.code(0).stderr_empty();
    assert_eq!(ok.stdout, STANDIN_CSV, "{ok}");
    assert_eq!(bank.counts(), (1, 1, 2));
    bank.expect_app_key_always_sent();
}

#[test]
fn a_refused_partner_secret_is_tried_once_and_says_why() {
    let bank = Finicity::start();
    let env = bank.env(CUSTOMER_ID);
    let refused = run(env
        .cmd()
        .env("TREASURY_CLIENT_SECRET", "not-the-secret")
        .args(["--retries", "5", "balances"]));
    refused.code(3).stdout_empty();
    refused.stderr_has(
        "Finicity refused the partner authentication: 10001 Invalid credentials (HTTP 401)",
    );
    refused.stderr_has(LOCK_MESSAGE);
    refused.stderr_has("treasury login -p test");
    assert!(!refused.stderr.contains("not-the-secret"), "{refused}");
    assert_eq!(bank.counts(), (1, 0, 1), "one authentication, no data call");
    bank.expect_app_key_always_sent();
}

#[test]
fn a_failing_authentication_is_not_retried_into_a_lock() {
    let bank = Finicity::start();
    bank.lock().auth_failure = Some(finicity_error(500, 10500, "Internal error"));
    let env = bank.env(CUSTOMER_ID);
    let failed = run(env.cmd().args(["--retries", "5", "accounts"]));
    failed.code(6).stdout_empty();
    failed.stderr_has("Finicity's partner authentication failed: 10500 Internal error (HTTP 500)");
    failed.stderr_has(LOCK_MESSAGE);
    assert_eq!(bank.counts(), (1, 0, 1), "a 500 is not retried either");
}

#[test]
fn an_expired_token_is_renewed_once() {
    let bank = Finicity::start();
    bank.lock().expired_tokens = 1;
    let env = bank.env(CUSTOMER_ID);
    let renewed = run(env.cmd().args(["balances", "-f", "csv"]));
    renewed.code(0).stderr_empty();
    assert_eq!(renewed.stdout, STANDIN_CSV, "{renewed}");
    assert_eq!(
        bank.counts(),
        (2, 2, 4),
        "2 authentications, 2 account lists"
    );
    bank.expect_app_key_always_sent();
}

#[test]
fn a_token_refused_after_its_renewal_is_exit_3() {
    let bank = Finicity::start();
    bank.lock().expired_tokens = 5;
    let env = bank.env(CUSTOMER_ID);
    let refused = run(env.cmd().args(["--retries", "5", "balances"]));
    refused.code(3).stdout_empty();
    refused.stderr_has(
        "Finicity refused the app key or token: 10023 Expired (Finicity-App-Token) (HTTP 401)",
    );
    assert_eq!(bank.counts(), (2, 2, 4), "one renewal, no more");
}

#[test]
fn date_options_are_refused_before_anything_is_sent() {
    let bank = Finicity::start();
    let env = bank.env(CUSTOMER_ID);
    let options: [&[&str]; 5] = [
        &["--prior-day"],
        &["--from", "2026-01-01"],
        &["--month", "2026-01"],
        &["--to", "2026-01-31"],
        &["--from", "2026-01-01", "--to", "2026-01-31"],
    ];
    for args in options {
        let refused = run(env.cmd().arg("balances").args(args));
        refused.code(2).stdout_empty();
        refused.stderr_has("Finicity gives current balances only");
        refused.stderr_has("drop --prior-day, --from, --to and --month");
        assert_eq!(bank.total_hits(), 0, "{args:?} sent a request\n{refused}");
    }
}

#[test]
fn an_unknown_customer_names_the_customer() {
    let bank = Finicity::start();
    let env = bank.env("7000999999");
    let missing = run(env.cmd().arg("balances"));
    missing.code(4).stdout_empty();
    missing.stderr_has(
        "14001 customer 7000999999 not found at Finicity (Customer not found.) (HTTP 404)",
    );
    assert_eq!(
        (
            bank.hits(AUTH_PATH),
            bank.hits("/aggregation/v1/customers/7000999999/accounts")
        ),
        (1, 1)
    );
}

#[test]
fn a_failing_data_call_is_retried_then_exit_6() {
    let bank = Finicity::start();
    bank.lock().data_failure =
        Some(finicity_error(503, 10503, "Service unavailable").with_header("retry-after", "0"));
    let env = bank.env(CUSTOMER_ID);
    let failing = run(env.cmd().args(["--retries", "2", "balances"]));
    failing.code(6).stdout_empty();
    failing.stderr_has("Finicity is failing: 10503 Service unavailable (HTTP 503)");
    assert_eq!(
        bank.counts(),
        (1, 2, 3),
        "one token, two attempts of the data call"
    );
}

/// The one retry loop of every provider: a `Retry-After` beyond `--max-wait` is not waited, and
/// the error names Finicity's answer and when to try again.
#[test]
fn a_retry_after_beyond_max_wait_ends_at_once_naming_the_answer() {
    let bank = Finicity::start();
    bank.lock().data_failure =
        Some(finicity_error(503, 10503, "Service unavailable").with_header("retry-after", "120"));
    let env = bank.env(CUSTOMER_ID);
    let failing = run(env.cmd().args(["--max-wait", "5", "balances"]));
    failing.code(6).stdout_empty();
    failing.stderr_has("10503 Service unavailable (HTTP 503)");
    failing.stderr_has("asked to retry after 120 s, longer than the 5 s we wait");
    failing.stderr_has("try again in 120 s");
    assert_eq!(bank.counts(), (1, 1, 2), "one token, one data call");
}
