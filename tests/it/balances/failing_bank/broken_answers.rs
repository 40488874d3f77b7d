//! `balances` against broken answers: slower than the timeout, connections cut mid-body or without
//! an answer, bodies over the cap, HTML error pages, 4xx never retried, a whole-request error in a 200.

use super::*;

#[test]
fn answer_slower_than_the_timeout_exits_6_naming_the_timeout() {
    let bank = TestBank::start();
    bank.reply(one_row()).delay(Duration::from_secs(3));
    let env = Home::with_bank(&bank);
    let out = balances(
        &env,
        &[
            "--timeout",
            "1",
            "--retries",
            "1",
            "--prior-day",
            "-a",
            "B1/111",
        ],
    );
    out.code(6).stdout_empty();
    let errors = out.stderr_lines("error");
    out.check(
        errors.len() == 1 && errors[0].contains("no answer from 127.0.0.1 within 1 s"),
        "one error line naming the host and the timeout",
    );
    out.check(
        out.stderr_lines("hint")
            .first()
            .is_some_and(|h| h.contains("timeout_secs")),
        "a hint naming the setting to raise",
    );
    out.check(bank.balance_bodies().len() == 1, "one attempt, as asked");
}

#[test]
fn connection_closed_mid_body_exits_6_without_a_panic() {
    let mut raw =
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n"
            .to_vec();
    raw.extend_from_slice(&JPM_MOCK.as_bytes()[..500]);
    let bank = RawBank::start(raw);
    let env = Home::for_test_profile();
    env.write_bank_profile(&bank.base_url(), &bank.token_url());
    let out = balances(&env, &["--retries", "2", "--prior-day", "-f", "csv"]);
    out.code(6).stdout_empty();
    let errors = out.stderr_lines("error");
    out.check(
        errors.len() == 1 && errors[0].contains("the connection to 127.0.0.1 failed"),
        "one error line naming the failed connection",
    );
    out.check(
        bank.balance_requests() == 2,
        "a cut connection is transient: tried twice, as asked",
    );
    out.check(bank.token_requests() == 1, "one token request");
}

#[test]
fn connection_closed_without_an_answer_or_with_garbage_exits_6_without_a_panic() {
    let cases: [(&str, &[u8]); 3] = [
        ("nothing at all", b""),
        ("not HTTP", b"SSH-2.0-OpenSSH_9.6\r\n\r\n"),
        (
            "a chunked body cut mid-chunk",
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n100\r\n{\"accountList\":[",
        ),
    ];
    for (what, raw) in cases {
        let bank = RawBank::start(raw);
        let env = Home::for_test_profile();
        env.write_bank_profile(&bank.base_url(), &bank.token_url());
        let out = balances(&env, &["--retries", "1", "--prior-day"]);
        out.code(6).stdout_empty();
        let errors = out.stderr_lines("error");
        out.check(
            errors.len() == 1 && errors[0].contains("127.0.0.1"),
            &format!("{what}: one error line naming the host"),
        );
        out.check(
            bank.balance_requests() == 1,
            &format!("{what}: one attempt"),
        );
    }
}

#[test]
fn answer_over_the_body_cap_exits_6_without_reading_it_all() {
    const CAP: usize = 64 * 1024 * 1024;
    let length = CAP + 1024;
    let mut raw = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {length}\r\n\r\n"
    )
    .into_bytes();
    raw.extend_from_slice(b"{\"accountList\":[");
    raw.resize(raw.len() + length - 16, b' ');
    let bank = RawBank::start(raw);
    let env = Home::for_test_profile();
    env.write_bank_profile(&bank.base_url(), &bank.token_url());
    let out = balances(&env, &["--retries", "1", "--prior-day"]);
    out.code(6).stdout_empty();
    let errors = out.stderr_lines("error");
    out.check(
        errors.len() == 1 && errors[0].contains("larger than 64 MiB"),
        "one error line naming the cap",
    );
}

#[test]
fn html_502_page_exits_6_naming_http_502_and_the_first_bytes() {
    let bank = TestBank::start();
    let page = "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>\n";
    bank.reply(Reply::json(502, page).with_content_type("text/html"));
    let env = Home::with_bank(&bank);
    let out = balances(&env, &["--retries", "2", "--prior-day"]);
    out.code(6).stdout_empty();
    let errors = out.stderr_lines("error");
    out.check(
        errors.len() == 1
            && errors[0].contains("HTTP 502")
            && errors[0].contains("'<!DOCTYPE html> <html><head><title>502 Bad Gateway</title>"),
        "one error line with the status and the start of the page",
    );
    out.check(
        !out.stderr.contains("nginx</center></body></html>\n"),
        "not the whole page",
    );
    out.check(
        bank.balance_bodies().len() == 2,
        "a 502 is transient: tried twice",
    );
}

#[test]
fn client_errors_other_than_429_are_never_retried() {
    let cases = [
        (400, "GCA-023", "Invalid request format"),
        (404, "GCA-404", "Not Found"),
        (409, "GCA-409", "Conflict"),
        (422, "GCA-422", "Unprocessable"),
    ];
    for (status, code, message) in cases {
        let bank = TestBank::start();
        // A second attempt would succeed: only a retry could make the run pass.
        bank.reply(Reply::bank_error(status, code, message))
            .reply(one_row());
        let env = Home::with_bank(&bank);
        let out = balances(&env, &["--prior-day", "-a", "B1/111", "-f", "csv"]);
        out.code(4).stdout_empty();
        out.check(
            out.stderr_lines("error").first().is_some_and(|l| {
                l.contains(&format!("{code} {message}")) && l.contains(&format!("HTTP {status}"))
            }),
            &format!("HTTP {status}: the error line names the bank's code, text and status"),
        );
        out.check(
            bank.balance_bodies().len() == 1,
            &format!("HTTP {status}: exactly one balance call"),
        );
    }
}

#[test]
fn whole_request_error_in_a_200_exits_4_naming_gca_022() {
    let bank = TestBank::start();
    bank.reply(Reply::json(
        200,
        r#"{"errors":[{"errorCode":"GCA-022","errorMsg":"No eligible accounts"}]}"#,
    ));
    let env = Home::with_bank(&bank);
    let out = balances(&env, &["--prior-day", "-f", "csv"]);
    out.code(4).stdout_empty();
    let errors = out.stderr_lines("error");
    out.check(
        errors.len() == 1 && errors[0].contains("GCA-022 No eligible accounts"),
        "one error line with the bank's code and text",
    );
    out.check(
        out.stderr_lines("hint")
            .first()
            .is_some_and(|h| h.contains("entitled")),
        "a hint on what GCA-022 means",
    );
    out.check(bank.balance_bodies().len() == 1, "not retried");
}
