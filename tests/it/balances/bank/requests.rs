//! What `balances` sends and prints: the body is what `--dry-run` shows, secrets and tokens never
//! appear, logs go to stderr, and what it refuses before sending anything.

use super::*;

#[test]
fn body_sent_to_the_bank_is_exactly_what_dry_run_prints() {
    let cases: [&[&str]; 5] = [
        &["--prior-day", "-a", "02100002/123", "-a", "456"],
        &["--from", "2026-01-01"],
        &["--to", "2026-03-01", "-a", "CHASGB2L/0041034035"],
        &["--month", "2026-02", "-a", "1", "-a", "2", "-a", "1"],
        &[],
    ];
    for args in cases {
        let bank = TestBank::start();
        let env = Home::with_bank(&bank);
        let dry = balances(&env, &[args, &["--dry-run"]].concat());
        dry.code(0);
        let real = balances(&env, &[args, &["--allow-empty"]].concat());
        // The scripted bank answers no account: named ones are each a MISSING error (exit 5).
        real.code(if args.contains(&"-a") { 5 } else { 0 });
        let sent: Vec<String> = bank
            .balance_bodies()
            .iter()
            .map(|b| serde_json::to_string(b).unwrap())
            .collect();
        let printed: Vec<&str> = dry.stdout.lines().collect();
        real.check(
            sent == printed,
            &format!("{args:?}: sent {sent:?}, dry run printed {printed:?}"),
        );
    }
}

#[test]
fn secret_and_tokens_never_appear_in_output_at_any_verbosity() {
    // base64("cid:s3cret"), the HTTP Basic credentials.
    let basic = "Y2lkOnMzY3JldA";
    let scripts: [fn(&TestBank); 4] = [
        |bank| {
            bank.reply(Reply::json(200, JPM_MOCK));
        },
        |bank| {
            bank.reply(Reply::bank_error(401, "GCA-001", "Unauthorized"));
        },
        |bank| {
            bank.reply(Reply::bank_error(400, "GCA-023", "Invalid request format"));
        },
        |bank| {
            bank.fail_token(Reply::json(400, r#"{"error":"invalid_request"}"#));
        },
    ];
    for script in scripts {
        for verbosity in ["-v", "-vv", "-vvv"] {
            let bank = TestBank::start();
            script(&bank);
            let env = Home::with_bank(&bank);
            let out = run(env
                .cmd()
                .args([verbosity, "balances", "-a", "000000004045701"]));
            for secret in [SECRET, "tok-", basic] {
                out.check(
                    !out.stdout.contains(secret) && !out.stderr.contains(secret),
                    &format!("{secret:?} printed with {verbosity}"),
                );
            }
            out.check(
                !out.stderr.to_ascii_lowercase().contains("bearer "),
                "no Authorization header logged",
            );
        }
    }
}

#[test]
fn verbose_logs_go_to_stderr_only() {
    let bank = TestBank::start();
    bank.reply(answer_for(&[("111", "B1")], &["2026-01-01"]));
    let env = Home::with_bank(&bank);
    let quiet = run(env.cmd().args(["balances", "-f", "csv"]));
    let loud = run(env.cmd().args(["-vv", "balances", "-f", "csv"]));
    quiet.code(0).stderr_empty();
    loud.code(0);
    loud.check(loud.stdout == quiet.stdout, "the same report on stdout");
    loud.check(!loud.stderr.is_empty(), "logs on stderr");
}

#[test]
fn no_config_file_and_no_sandbox_exits_2_suggesting_sandbox() {
    let env = Home::for_test_profile();
    let out = run(env.bare_cmd().args(["balances", "--prior-day"]));
    out.code(2).stdout_empty();
    out.check(
        out.stderr_lines("hint")
            .first()
            .is_some_and(|l| l.contains("--sandbox")),
        "the hint suggests --sandbox",
    );
}

#[test]
fn missing_client_secret_exits_3_before_sending_anything() {
    let bank = TestBank::start();
    let env = Home::with_bank(&bank);
    let out = run(env
        .cmd()
        .env_remove("TREASURY_CLIENT_SECRET")
        .args(["balances", "--prior-day"]));
    out.code(3).stdout_empty();
    out.check(
        out.stderr_lines("hint")
            .first()
            .is_some_and(|l| l.contains("TREASURY_CLIENT_SECRET")),
        "the hint names where a secret can come from",
    );
    out.check(bank.requests().is_empty(), "nothing sent");
}

#[test]
fn plain_http_urls_off_loopback_are_refused_before_sending() {
    let bank = TestBank::start();
    let cases = [
        (
            "http://bank.example".to_string(),
            bank.token_url(),
            "http://bank.example",
        ),
        (
            bank.base_url(),
            "http://id.example/oauth2/token".to_string(),
            "http://id.example/oauth2/token",
        ),
    ];
    for (base_url, token_url, named) in cases {
        let env = Home::for_test_profile();
        env.write_bank_profile(&base_url, &token_url);
        let out = balances(&env, &["--prior-day"]);
        out.code(2).stdout_empty();
        out.check(
            out.stderr_lines("error")
                .first()
                .is_some_and(|l| l.contains(named) && l.contains("https")),
            &format!("the error names {named} and asks for https"),
        );
        out.check(out.stderr_lines("hint").len() == 1, "a hint about loopback");
    }
    assert!(bank.requests().is_empty(), "nothing sent");
}
