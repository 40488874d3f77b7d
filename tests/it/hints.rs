//! Errors and hints a newcomer meets, and the help that drifted, as snapshots of what the real
//! binary prints: each hint leads somewhere that works (a login where a login is the fix, the
//! environments the provider has, `-p NAME` in every login it suggests).

use crate::support;

use support::{run, Home, Run};

/// The config path and today's date vary: both become placeholders.
fn settings(home: &Home) -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(&regex_escape(&home.path().display().to_string()), "[HOME]");
    settings.add_filter(r"\d{4}-\d{2}-\d{2}", "[DATE]");
    settings.add_filter(r"\(Secret Service: [^)]*\)", "([keyring detail])");
    settings.set_prepend_module_to_snapshot(false);
    settings
}

fn regex_escape(text: &str) -> String {
    text.chars()
        .map(
            |c| match c.is_ascii_alphanumeric() || c == '/' || c == '_' {
                true => c.to_string(),
                false => format!("\\{c}"),
            },
        )
        .collect()
}

fn shown(out: &Run) -> String {
    format!(
        "exit {}\n--- stdout\n{}--- stderr\n{}",
        out.code, out.stdout, out.stderr
    )
}

#[test]
fn a_range_after_today_says_so_instead_of_a_warning_per_account() {
    let home = Home::new();
    let out = run(home.cmd().args([
        "--sandbox",
        "balances",
        "--from",
        "2099-01-01",
        "--to",
        "2099-01-05",
    ]));
    out.code(2);
    assert!(!out.stderr.contains("warning"), "{out}");
    settings(&home).bind(|| insta::assert_snapshot!("future_range", shown(&out)));
}

#[test]
fn a_chase_profile_without_environment_is_told_the_one_chase_has() {
    let home = Home::new();
    home.write_config("[profiles.chase]\nprovider = \"chase\"\nclient_id = \"app\"\n");
    let out = run(home.cmd().args(["-p", "chase", "balances"]));
    out.code(2).stderr_has("environment = \"prod\"");
    assert!(!out.stderr.contains("uat"), "{out}");
    settings(&home).bind(|| insta::assert_snapshot!("chase_without_environment", shown(&out)));
}

#[test]
fn a_chase_login_without_a_keyring_is_told_the_file_not_a_secret_variable() {
    let home = Home::new();
    home.write_config(
        "[profiles.chase]\nprovider = \"chase\"\nclient_id = \"app\"\nenvironment = \"prod\"\n\
         redirect_uri = \"http://127.0.0.1:8976/callback\"\n",
    );
    // No D-Bus session and no session keyring here: the OS keyring is unavailable.
    let out = run(home
        .cmd()
        .env_remove("TREASURY_NO_KEYRING")
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent")
        .args(["-p", "chase", "login", "--store", "keyring"]));
    // Where a keyring exists the login goes on (and fails later, with no bank there): no hint
    // of either kind may send a browser login to a secret variable.
    assert!(!out.stderr.contains("TREASURY_CLIENT_SECRET"), "{out}");
    if out.stderr.contains("no OS keyring") {
        out.code(3)
            .stderr_has("'treasury login -p chase --store file'");
        settings(&home).bind(|| insta::assert_snapshot!("chase_login_no_keyring", shown(&out)));
    }
}

#[test]
fn a_browser_login_given_no_answer_names_the_profile_to_log_in_again() {
    let home = Home::new();
    home.write_config(
        "[profiles.chase]\nprovider = \"chase\"\nclient_id = \"app\"\nenvironment = \"prod\"\n\
         redirect_uri = \"http://127.0.0.1:8976/callback\"\n",
    );
    // An aggregator is a confidential client: its secret comes from the environment here.
    let out = run(home
        .cmd()
        .env("TREASURY_CLIENT_SECRET", "app-secret")
        .args(["-p", "chase", "login", "--store", "file", "--no-browser"]));
    out.code(3)
        .stderr_has("hint: run 'treasury login -p chase' again");
    let mut settings = settings(&home);
    settings.add_filter(r"state=[^&\s]+", "state=[STATE]");
    settings.add_filter(r"code_challenge=[^&\s]+", "code_challenge=[CHALLENGE]");
    settings.bind(|| insta::assert_snapshot!("browser_login_no_answer", shown(&out)));
}

#[test]
fn an_ecb_rates_file_without_a_currency_is_told_to_add_a_column() {
    let home = Home::new();
    home.write_file(
        "eurofxref.csv",
        "Date, USD, \n30 November 2026, 1.0500, \n",
        0o600,
    );
    let out = run(home.cmd().args([
        "--sandbox",
        "position",
        "-p",
        "finicity",
        "--in",
        "EUR",
        "--rates",
        "eurofxref.csv",
    ]));
    out.code(2).stderr_has("add a column 'BHD'");
    settings(&home).bind(|| insta::assert_snapshot!("ecb_rates_missing_currency", shown(&out)));
}

#[test]
fn login_help_lists_every_provider_and_the_browser_wait() {
    let home = Home::new();
    let out = run(home.cmd().args(["login", "--help"]));
    out.code(0)
        .stdout_has("jpmorgan, finicity, chase, open-banking")
        .stdout_has("--wait <SECS>");
    settings(&home).bind(|| insta::assert_snapshot!("login_help", out.stdout));
}

#[test]
fn a_stale_age_beyond_two_days_reads_in_days() {
    let home = Home::new();
    let out = run(home.cmd().args([
        "--sandbox",
        "position",
        "-p",
        "finicity",
        "--max-age",
        "2d",
        "-f",
        "csv",
    ]));
    out.code(5);
    let stale = out
        .stderr
        .lines()
        .find(|l| l.contains("older than --max-age"))
        .unwrap_or_else(|| panic!("no stale row:\n{out}"));
    let age = stale.split(", ").nth(1).unwrap_or_default();
    assert!(
        age.ends_with(" days ago") && age.trim_end_matches(" days ago").parse::<u32>().is_ok(),
        "{stale}"
    );
}

// ---- Errors with hints, exit 2 to 6, as snapshots of exit code, stdout and stderr -------------

/// `treasury ARGS` in `home`, snapshotted as `name` after its exit code is checked.
#[track_caller]
fn snapshot_of(name: &str, home: &Home, code: i32, cmd: &mut assert_cmd::Command) {
    let out = run(cmd.env("COLUMNS", "100").env("NO_COLOR", "1"));
    out.code(code);
    crate::support::snapshot::assert_run(name, home.path(), out.code, &out.stdout, &out.stderr);
}

#[test]
fn bad_input_is_refused_with_exit_2_and_says_what_to_give() {
    let home = Home::new();
    let cases: &[(&str, &[&str])] = &[
        ("error_bad_format", &["--sandbox", "balances", "-f", "xml"]),
        (
            "error_bad_date",
            &["--sandbox", "balances", "--from", "2026-13-01"],
        ),
        (
            "error_dates_reversed",
            &[
                "--sandbox",
                "balances",
                "--from",
                "2026-02-01",
                "--to",
                "2026-01-01",
            ],
        ),
        (
            "error_bad_timeout",
            &["--sandbox", "balances", "--timeout", "abc"],
        ),
        ("error_unknown_command", &["--sandbox", "frobnicate"]),
        (
            "error_unknown_sandbox_provider",
            &["--sandbox=bogus", "accounts"],
        ),
        (
            "error_unknown_profile",
            &["-p", "nope", "balances", "--prior-day"],
        ),
    ];
    for (name, args) in cases {
        snapshot_of(name, &home, 2, home.cmd().args(*args));
    }
}

#[test]
fn a_config_file_that_is_not_toml_names_the_line_and_the_keys_page() {
    let home = Home::new();
    home.write_config("default_profile = [\n");
    snapshot_of(
        "error_bad_config",
        &home,
        2,
        home.cmd().args(["balances", "--prior-day"]),
    );
}

#[test]
fn a_profile_without_a_bank_address_says_what_to_add() {
    let home = Home::new();
    home.write_config("[profiles.uat]\nclient_id = \"x\"\n");
    snapshot_of(
        "error_profile_without_environment",
        &home,
        2,
        home.cmd().args(["-p", "uat", "balances", "--prior-day"]),
    );
}

/// A profile `test` on `bank`, client id `cid`.
fn home_on(bank: &crate::support::TestBank) -> Home {
    let home = Home::new();
    home.write_config(&format!(
        "[profiles.test]\nbase_url = \"{}\"\ntoken_url = \"{}\"\nclient_id = \"cid\"\n",
        bank.base_url(),
        bank.token_url()
    ));
    home
}

#[test]
fn a_profile_without_a_secret_is_told_how_to_log_in() {
    let bank = crate::support::TestBank::start();
    let home = home_on(&bank);
    snapshot_of(
        "error_missing_credentials",
        &home,
        3,
        home.cmd().args(["-p", "test", "balances", "--prior-day"]),
    );
    assert!(
        bank.requests().is_empty(),
        "nothing is sent without a secret"
    );
}

#[test]
fn credentials_the_bank_refuses_exit_3() {
    let bank = crate::support::TestBank::start();
    bank.fail_token(crate::support::Reply::json(
        401,
        r#"{"error":"invalid_client","error_description":"bad client credentials"}"#,
    ));
    let home = home_on(&bank);
    snapshot_of(
        "error_credentials_refused",
        &home,
        3,
        home.cmd()
            .env("TREASURY_CLIENT_SECRET", crate::support::SECRET)
            .args(["-p", "test", "balances", "--prior-day"]),
    );
}

#[test]
fn no_requested_account_found_exits_4_and_partly_found_exits_5() {
    let home = Home::new();
    let day = ["--from", "2026-01-30", "--to", "2026-01-30"];
    let none = [&["--sandbox", "balances", "-a", "nope"][..], &day].concat();
    snapshot_of("error_no_account_found", &home, 4, home.cmd().args(none));
    let some = [
        &["--sandbox", "balances", "-a", "nope", "-a", "0041000001"][..],
        &day,
    ]
    .concat();
    snapshot_of(
        "error_some_accounts_failed",
        &home,
        5,
        home.cmd().args(some),
    );
}

#[test]
fn a_bank_that_is_down_or_failing_exits_6() {
    // A port nothing listens on: bound, then let go.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let home = Home::new();
    home.write_config(&format!(
        "[profiles.test]\nbase_url = \"http://127.0.0.1:{port}\"\n\
         token_url = \"http://127.0.0.1:{port}/oauth2/token\"\nclient_id = \"cid\"\n"
    ));
    snapshot_of(
        "error_bank_unreachable",
        &home,
        6,
        home.cmd()
            .env("TREASURY_CLIENT_SECRET", crate::support::SECRET)
            .args(["-p", "test", "--retries", "1", "balances", "--prior-day"]),
    );
    let bank = crate::support::TestBank::start();
    bank.reply(crate::support::Reply::json(503, "Service Unavailable"));
    let home = home_on(&bank);
    snapshot_of(
        "error_bank_failing",
        &home,
        6,
        home.cmd()
            .env("TREASURY_CLIENT_SECRET", crate::support::SECRET)
            .args(["-p", "test", "--retries", "1", "balances", "--prior-day"]),
    );
}
