//! `balances` retries: 503s and 429s that pass, a Retry-After too long to wait for (in seconds or
//! as an HTTP date), a 500 not hidden behind its retries, a bank nobody answers for.

use super::*;

#[test]
fn two_503s_then_an_answer_take_three_calls_and_exit_0() {
    let bank = TestBank::start();
    bank.reply(Reply::bank_error(503, "GCA-099", "System is Unavailable"))
        .reply(Reply::bank_error(503, "GCA-099", "System is Unavailable"))
        .reply(one_row());
    let env = Home::with_bank(&bank);
    let out = balances(&env, &["--prior-day", "-a", "B1/111", "-f", "csv"]);
    out.code(0).stderr_empty();
    expect_one_row_report(&out);
    let bodies = bank.balance_bodies();
    out.check(
        bodies.len() == 3 && bodies.iter().all(|b| *b == bodies[0]),
        &format!("the same body three times, got {bodies:?}"),
    );
    out.check(
        bank.requests_to("/oauth2/token").len() == 1,
        "one token for all three attempts",
    );
}

#[test]
fn rate_limit_with_retry_after_1_waits_about_a_second_then_succeeds() {
    let bank = TestBank::start();
    bank.reply(
        Reply::bank_error(429, "GCA-429", "Too Many Requests").with_header("retry-after", "1"),
    )
    .reply(one_row());
    let env = Home::with_bank(&bank);
    let started = Instant::now();
    let out = balances(&env, &["--prior-day", "-a", "B1/111", "-f", "csv"]);
    let elapsed = started.elapsed();
    out.code(0).stderr_empty();
    expect_one_row_report(&out);
    let calls = bank.requests_to("/balance");
    out.check(calls.len() == 2, "two balance calls");
    let gap = calls[1].at - calls[0].at;
    out.check(
        gap >= Duration::from_millis(900),
        &format!("the retry came {gap:?} after the 429, not after Retry-After: 1"),
    );
    out.check(
        elapsed >= Duration::from_millis(900),
        &format!("the run took {elapsed:?}"),
    );
}

#[test]
fn retry_after_120_beyond_max_wait_5_exits_6_at_once_saying_when_to_retry() {
    for status in [429, 503] {
        let bank = TestBank::start();
        bank.reply(
            Reply::bank_error(status, "GCA-099", "Slow down").with_header("retry-after", "120"),
        )
        .reply(one_row());
        let env = Home::with_bank(&bank);
        let started = Instant::now();
        let out = balances(&env, &["--max-wait", "5", "--prior-day", "-a", "B1/111"]);
        let elapsed = started.elapsed();
        out.code(6).stdout_empty();
        let errors = out.stderr_lines("error");
        out.check(
            errors.len() == 1 && errors[0].contains("120 s") && errors[0].contains("5 s"),
            &format!("HTTP {status}: one error line naming the 120 s asked and the 5 s allowed"),
        );
        out.check(
            out.stderr_lines("hint") == ["hint: try again in 120 s"],
            "a hint saying when to retry",
        );
        out.check(
            elapsed < Duration::from_secs(60),
            &format!("gave up at once, not after a long sleep ({elapsed:?})"),
        );
        out.check(
            bank.balance_bodies().len() == 1,
            "no retry that would be refused again",
        );
    }
}

// 3 and 4. Retries: the answer is never hidden behind a wait, and Retry-After may be a date.

fn bank_run(env: &support::Home, args: &[&str]) -> support::Run {
    support::run(env.cmd().arg("balances").args(args))
}

#[test]
fn max_wait_0_against_a_500_names_the_500_after_retrying() {
    let bank = support::TestBank::start();
    bank.reply(support::Reply::bank_error(
        500,
        "GCA-500",
        "Internal failure",
    ));
    let env = support::Home::with_bank(&bank);
    let out = bank_run(&env, &["--max-wait", "0", "--prior-day", "-a", "B1/111"]);
    out.code(6).stdout_empty();
    out.check(
        out.stderr_lines("error")
            == ["error: the bank is failing: GCA-500 Internal failure (HTTP 500)"],
        "one error line naming the status and the bank's code and text",
    );
    out.check(
        !out.stderr.contains("asked to retry"),
        "the bank asked for no wait",
    );
    out.check(
        bank.balance_bodies().len() == 3,
        "our own backoff is no Retry-After: all three attempts were made",
    );
}

#[test]
fn a_retry_after_longer_than_max_wait_names_the_answer_too() {
    let bank = support::TestBank::start();
    bank.reply(
        support::Reply::bank_error(500, "GCA-500", "Internal failure")
            .with_header("retry-after", "5"),
    );
    let env = support::Home::with_bank(&bank);
    let out = bank_run(&env, &["--max-wait", "0", "--prior-day", "-a", "B1/111"]);
    out.code(6).stdout_empty();
    let url = format!("{}/balance", bank.base_url());
    let errors = out.stderr_lines("error");
    out.check(
        errors.len() == 1
            && errors[0].starts_with(&format!("error: the bank is failing: GCA-500 Internal failure (HTTP 500); {url} asked to retry after 5 s, longer than the 0 s we wait: not retried; the bank may be asked again at ")),
        "one error line with the answer, the wait and when the bank may be asked again",
    );
    out.check(
        out.stderr_lines("hint") == ["hint: try again in 5 s"],
        "when to try again",
    );
    out.check(
        bank.balance_bodies().len() == 1,
        "no retry that would be refused again",
    );
}

#[test]
fn a_retry_after_http_date_is_waited_for() {
    let bank = support::TestBank::start();
    // Seconds are the date's precision: this asks for a wait of 2 to 3 s.
    let date = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(3));
    bank.reply(
        support::Reply::bank_error(503, "GCA-099", "System is Unavailable")
            .with_header("retry-after", &date),
    )
    .reply(one_row());
    let env = support::Home::with_bank(&bank);
    let out = bank_run(&env, &["--prior-day", "-a", "B1/111", "-f", "csv"]);
    out.code(0).stderr_empty();
    let calls = bank.requests_to("/balance");
    out.check(calls.len() == 2, "two balance calls");
    let gap = calls[1].at - calls[0].at;
    // Our own first backoff is at most 0.5 s.
    out.check(
        gap >= Duration::from_millis(1500),
        &format!("the retry came {gap:?} after the 503, not at the date {date}"),
    );
}

#[test]
fn a_retry_after_http_date_beyond_max_wait_gives_up_at_once() {
    let bank = support::TestBank::start();
    let date = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(600));
    bank.reply(
        support::Reply::bank_error(503, "GCA-099", "System is Unavailable")
            .with_header("retry-after", &date),
    )
    .reply(one_row());
    let env = support::Home::with_bank(&bank);
    let started = Instant::now();
    let out = bank_run(&env, &["--max-wait", "5", "--prior-day", "-a", "B1/111"]);
    out.code(6)
        .stdout_empty()
        .stderr_has("GCA-099 System is Unavailable (HTTP 503)")
        .stderr_has("longer than the 5 s we wait")
        .stderr_has("hint: try again in ");
    out.check(
        out.stderr.contains("after 600 s") || out.stderr.contains("after 599 s"),
        "the wait the date asks",
    );
    out.check(started.elapsed() < Duration::from_secs(30), "no long sleep");
    out.check(bank.balance_bodies().len() == 1, "no retry");
}

// Retries of 503s, a 429 asking for too long a wait, a bank nobody answers for.

#[test]
fn unavailable_503_is_tried_three_times_then_exits_6() {
    let bank = TestBank::start();
    bank.reply(Reply::bank_error(503, "GCA-099", "System is Unavailable"));
    let env = Home::with_bank(&bank);
    let out = balances(&env, &["--prior-day"]);
    out.code(6).stdout_empty();
    out.check(
        out.stderr_lines("error")
            .first()
            .is_some_and(|l| l.contains("GCA-099 System is Unavailable")),
        "the error line carries the bank's code and text",
    );
    out.check(
        bank.balance_bodies().len() == 3,
        "three attempts reached the bank",
    );
}

#[test]
fn one_503_then_an_answer_recovers_silently() {
    let bank = TestBank::start();
    bank.reply(Reply::bank_error(503, "GCA-099", "System is Unavailable"))
        .reply(answer_for(&[("111", "B1")], &["2026-01-01"]));
    let env = Home::with_bank(&bank);
    let out = balances(
        &env,
        &["--from", "2026-01-01", "--to", "2026-01-01", "-f", "csv"],
    );
    out.code(0).stderr_empty();
    out.check(
        csv_rows(&out.stdout).len() == 1,
        "the row of the second answer",
    );
    let bodies = bank.balance_bodies();
    out.check(
        bodies.len() == 2 && bodies[0] == bodies[1],
        "the same body sent twice",
    );
}

#[test]
fn rate_limit_asking_for_a_longer_wait_than_allowed_exits_6_at_once() {
    let bank = TestBank::start();
    bank.reply(
        Reply::bank_error(429, "GCA-429", "Too Many Requests").with_header("retry-after", "3600"),
    );
    let env = Home::with_bank(&bank);
    let out = balances(&env, &["--prior-day"]);
    out.code(6).stdout_empty();
    out.stderr_has("3600");
    out.check(bank.balance_bodies().len() == 1, "no pointless retry");
}

#[test]
fn unreachable_bank_exits_6_naming_the_host_after_retries() {
    let bank = TestBank::start();
    // A port that was free a moment ago: nothing listens there.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let env = Home::for_test_profile();
    env.write_bank_profile(&format!("http://{closed}"), &bank.token_url());
    let out = balances(&env, &["--prior-day"]);
    out.code(6).stdout_empty();
    out.check(
        out.stderr_lines("error")
            .first()
            .is_some_and(|l| l.contains("cannot connect to 127.0.0.1")),
        "the error names the host it could not reach",
    );
    out.check(
        out.stderr_lines("hint").len() == 1,
        "a hint about the network",
    );
}
