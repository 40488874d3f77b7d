//! The Finicity partner lockout: one authentication per partner and run, refused secrets remembered,
//! timed-out or rate-limited authentications never resent into a lock.

use super::*;

// ---------------------------------------------------------------------------------------------
// The partner lockout: the stand-in locks the partner after five failed authentications.
// ---------------------------------------------------------------------------------------------

/// Six profiles of the one partner, each its own customer.
fn six_profiles(bank: &Finicity) -> Home {
    let env = Home::for_test_profile();
    let text: String = (0..6)
        .map(|n| {
            profile_text(&bank.base_url(), &format!("700012345{}", 6 + n))
                .replace("[profiles.test]", &format!("[profiles.fin{n}]"))
                + "\n"
        })
        .collect();
    write_profile(&env, &text);
    env
}

fn refusal_memory(env: &Home) -> std::path::PathBuf {
    env.path()
        .join(".local/state/treasury/finicity/refused-partners.json")
}

#[track_caller]
fn not_locked(bank: &Finicity) {
    let failures = bank.lock().auth_failures;
    assert!(
        failures < LOCKED_AFTER,
        "{failures} failed authentications locked the partner"
    );
}

#[test]
fn profiles_sharing_a_partner_authenticate_once_per_run_at_any_concurrency() {
    let bank = Finicity::start();
    let env = six_profiles(&bank);
    for concurrency in ["1", "6"] {
        let before = bank.hits(AUTH_PATH);
        let ok = run(env
            .cmd()
            .args(["position", "--concurrency", concurrency, "-f", "json"]));
        ok.code(0);
        assert_eq!(
            bank.hits(AUTH_PATH),
            before + 1,
            "--concurrency {concurrency}: {ok}"
        );
    }
    for concurrency in ["1", "6"] {
        let before = bank.hits(AUTH_PATH);
        let refused = run(env
            .cmd()
            .env("TREASURY_CLIENT_SECRET", format!("wrong-{concurrency}"))
            .args(["position", "--concurrency", concurrency]));
        assert_ne!(refused.code, 0, "{refused}");
        refused.stderr_has("Finicity refused the partner authentication");
        assert_eq!(
            bank.hits(AUTH_PATH),
            before + 1,
            "--concurrency {concurrency}: {refused}"
        );
    }
    not_locked(&bank);
}

#[test]
fn a_refused_secret_is_remembered_until_it_changes_or_login_is_run() {
    let bank = Finicity::start();
    let env = bank.env(CUSTOMER_ID);
    let wrong = |args: &[&str]| {
        run(env
            .cmd()
            .env("TREASURY_CLIENT_SECRET", "rotated-away")
            .args(args))
    };
    let first = wrong(&["balances"]);
    first.code(3);
    first.stderr_has("This refusal is remembered");
    assert_eq!(bank.hits(AUTH_PATH), 1);
    // A cron job every 15 minutes: the same refused secret is never sent again.
    for _ in 0..6 {
        let again = wrong(&["accounts"]);
        again.code(3).stdout_empty();
        again.stderr_has("not sending the partner secret of profile 'test'");
        again.stderr_has(&format!("for partner {PARTNER_ID}"));
        again.stderr_has("treasury login -p test");
        assert!(!again.stderr.contains("rotated-away"), "{again}");
    }
    assert_eq!(bank.hits(AUTH_PATH), 1, "nothing more was sent");
    not_locked(&bank);
    let memory = std::fs::read_to_string(refusal_memory(&env)).expect("the refusal is kept");
    assert!(memory.contains(PARTNER_ID), "{memory}");
    assert!(
        !memory.contains("rotated-away") && !memory.contains(APP_KEY),
        "{memory}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(refusal_memory(&env))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // A changed secret is tried at once.
    let right = run(env.cmd().args(["balances", "-f", "csv"]));
    right.code(0);
    assert_eq!(bank.hits(AUTH_PATH), 2);
    // `login` tries even a secret refused before, once.
    let refused_login = login(&env, &bank, "rotated-away");
    refused_login.code(3);
    assert_eq!(bank.hits(AUTH_PATH), 3);
    let retried = login(&env, &bank, "rotated-away");
    retried.code(3);
    assert_eq!(bank.hits(AUTH_PATH), 4, "login sends it again");
    not_locked(&bank);
}

#[test]
fn a_timed_out_authentication_is_never_resent() {
    let bank = Finicity::start();
    bank.lock().auth_delay = Some(std::time::Duration::from_secs(3));
    let env = six_profiles(&bank);
    let timed_out = run(env.cmd().args([
        "--timeout",
        "1",
        "--retries",
        "5",
        "position",
        "--concurrency",
        "1",
    ]));
    assert_eq!(timed_out.code, 6, "{timed_out}");
    std::thread::sleep(std::time::Duration::from_secs(3));
    assert_eq!(
        bank.hits(AUTH_PATH),
        1,
        "one authentication for six profiles: {timed_out}"
    );
    assert_eq!(bank.hits(ACCOUNTS_PATH), 0);
}

#[test]
fn a_429_on_authentication_is_a_rate_limit_that_honours_retry_after() {
    let bank = Finicity::start();
    {
        let mut script = bank.lock();
        script.rate_limited = 1;
        script.retry_after = "1";
    }
    let env = bank.env(CUSTOMER_ID);
    let started = std::time::Instant::now();
    let waited = run(env.cmd().args(["balances", "-f", "csv"]));
    waited.code(0);
    assert!(
        started.elapsed() >= std::time::Duration::from_secs(1),
        "{waited}"
    );
    assert_eq!(bank.hits(AUTH_PATH), 2, "one 429, then the token");

    {
        let mut script = bank.lock();
        script.rate_limited = 100;
        script.retry_after = "120";
    }
    let env = bank.env(CUSTOMER_ID);
    let limited = run(env.cmd().args(["balances"]));
    limited.code(6).stdout_empty();
    limited.stderr_has("rate limit");
    limited.stderr_has("try again in 120 s");
    assert!(!limited.stderr.contains("check app_key"), "{limited}");
    assert_eq!(
        bank.hits(AUTH_PATH),
        3,
        "a wait over --max-wait is not waited"
    );
    assert!(
        !refusal_memory(&env).exists(),
        "a rate limit is not a refusal"
    );
}

/// Issue 18: the default `--totals last` adds every account's latest balance, so the stale
/// account (dated 2026-01-09) is in the USD total, and a note names it.
#[test]
fn the_usd_total_covers_every_usd_account_shown_and_names_the_older_one() {
    let env = Home::for_test_profile();
    let table = sandbox(&env, &["balances", "-f", "table"]);
    table.code(5);
    let usd: Vec<&str> = table
        .stdout
        .lines()
        .filter(|l| l.starts_with(" 5011") && l.contains(" USD "))
        .collect();
    assert_eq!(usd.len(), 5, "{table}");
    let usd_total = table
        .stdout
        .lines()
        .find(|l| l.contains("TOTAL") && l.contains("USD"))
        .unwrap();
    assert!(usd_total.contains("5 accounts"), "{table}");
    assert!(usd_total.contains("2026-01-09..2026-01-15"), "{table}");
    // 1250.10 + 250000.00 - 1547.62 - 25000.00 + 98765.43; the card and the credit line send
    // no available balance: left out of that sum and counted.
    assert!(usd_total.contains("323,467.91"), "{table}");
    assert!(usd_total.contains("349,190.55 (2 absent)"), "{table}");
    table.stdout_has(
        "Note: the USD total adds each account's latest balance; not dated 2026-01-15: 101732/5011648377 as of 2026-01-09",
    );
}
