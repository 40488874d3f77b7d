//! `balances` against a scripted bank's refusals and the token: 400, 401, 403, a refused token
//! endpoint, Basic auth, a ready access token, unreadable answers in a 200.

use super::*;

#[test]
fn bad_request_400_exits_4_naming_the_banks_code_and_text() {
    let bank = TestBank::start();
    bank.reply(Reply::bank_error(400, "GCA-023", "Invalid request format"));
    let env = Home::with_bank(&bank);
    let out = balances(&env, &["--prior-day"]);
    out.code(4).stdout_empty();
    out.check(
        out.stderr_lines("error")
            .first()
            .is_some_and(|l| l.contains("GCA-023 Invalid request format")),
        "the error line carries the bank's code and text",
    );
    out.check(
        out.stderr_lines("hint")
            .first()
            .is_some_and(|l| l.contains("--dry-run")),
        "the hint shows how to see the body",
    );
    out.check(bank.balance_bodies().len() == 1, "a 400 is not retried");
}

#[test]
fn unauthorized_401_on_balances_exits_3() {
    let bank = TestBank::start();
    bank.reply(Reply::json(
        401,
        r#"{"errors":[{"errorCode":"GCA-001","errorMsg":"Unauthorized"}]}"#,
    ));
    let env = Home::with_bank(&bank);
    let out = balances(&env, &["--prior-day"]);
    out.code(3).stdout_empty();
    out.stderr_has("HTTP 401");
    out.check(
        out.stderr_lines("hint").len() == 1,
        "a hint about the credentials",
    );
    out.check(bank.balance_bodies().len() == 1, "a 401 is not retried");
}

#[test]
fn forbidden_403_gca_001_exits_3_naming_the_code() {
    let bank = TestBank::start();
    bank.reply(Reply::bank_error(403, "GCA-001", "Forbidden"));
    let env = Home::with_bank(&bank);
    let out = balances(&env, &["--prior-day"]);
    out.code(3).stdout_empty();
    out.stderr_has("GCA-001 Forbidden");
    out.check(bank.balance_bodies().len() == 1, "a 403 is not retried");
}

#[test]
fn token_endpoint_401_exits_3_and_no_balance_request_is_sent() {
    let bank = TestBank::start();
    bank.fail_token(Reply::json(
        401,
        r#"{"error":"invalid_client","error_description":"bad client credentials"}"#,
    ));
    let env = Home::with_bank(&bank);
    let out = balances(&env, &["--prior-day"]);
    out.code(3).stdout_empty();
    out.stderr_has("invalid_client");
    out.check(
        out.stderr_lines("hint").len() == 1,
        "a hint about the credentials",
    );
    out.check(
        bank.requests_to("/oauth2/token").len() == 1,
        "one token request",
    );
    out.check(bank.balance_bodies().is_empty(), "no balance request");
}

#[test]
fn token_request_uses_basic_auth_and_the_token_reaches_the_balance_request() {
    let bank = TestBank::start();
    let env = Home::with_bank(&bank);
    let out = balances(&env, &["--prior-day", "--allow-empty"]);
    out.code(0).stderr_empty();
    out.stdout_has("No balances.");
    let requests = bank.requests();
    let paths: Vec<&str> = requests.iter().map(|r| r.path.as_str()).collect();
    out.check(
        paths == ["/oauth2/token", "/balance"],
        "a token, then balances",
    );
    out.check(
        requests.iter().all(|r| r.authorized),
        "both requests carry an Authorization header",
    );
    out.check(
        requests[0].body == Value::String("grant_type=client_credentials".into()),
        "the token form asks for client credentials",
    );
}

#[test]
fn ready_access_token_skips_the_token_endpoint() {
    let bank = TestBank::start();
    let env = Home::with_bank(&bank);
    let out = run(env
        .cmd()
        .env_remove("TREASURY_CLIENT_SECRET")
        .env("TREASURY_ACCESS_TOKEN", "ready-made-token")
        .args(["balances", "--prior-day", "--allow-empty"]));
    out.code(0).stderr_empty();
    let requests = bank.requests();
    out.check(
        requests.len() == 1 && requests[0].path == "/balance" && requests[0].authorized,
        "straight to /balance with the token",
    );
}

#[test]
fn truncated_json_in_a_200_exits_6_naming_the_status_and_first_bytes() {
    let bank = TestBank::start();
    bank.reply(Reply::json(200, &JPM_MOCK[..300]));
    let env = Home::with_bank(&bank);
    let out = balances(&env, &["--prior-day"]);
    out.code(6).stdout_empty();
    let error = out.stderr_lines("error");
    out.check(
        error.len() == 1 && error[0].contains("HTTP 200") && error[0].contains("\"accountList\""),
        "one error line with the status and the start of the body",
    );
}

#[test]
fn html_page_in_a_200_exits_6_naming_the_status_and_first_bytes() {
    let bank = TestBank::start();
    let page = "<!DOCTYPE html>\n<html><head><title>Maintenance</title></head>\n<body><h1>We'll be back soon</h1></body></html>\n";
    bank.reply(Reply::json(200, page).with_content_type("text/html"));
    let env = Home::with_bank(&bank);
    let out = balances(&env, &["--prior-day"]);
    out.code(6).stdout_empty();
    let error = out.stderr_lines("error");
    out.check(
        error.len() == 1 && error[0].contains("HTTP 200") && error[0].contains("<!DOCTYPE html>"),
        "one error line with the status and the start of the page",
    );
}
