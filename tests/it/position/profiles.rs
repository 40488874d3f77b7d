//! `position` over configured profiles: one bank up and one down, every bank down, the output file,
//! `--dry-run`, profiles reaching the same accounts, a currency without a rate refused first.

use super::*;

// ---- configured profiles: one bank up, one down ---------------------------------------------

/// A loopback port nothing listens on.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

fn profile(name: &str, base: &str, token: &str) -> String {
    format!(
        "[profiles.{name}]\nbase_url = \"{base}\"\ntoken_url = \"{token}\"\nclient_id = \"sandbox\"\n\n"
    )
}

fn configured(home: &Home, args: &[&str]) -> support::Run {
    run(home
        .cmd()
        .env("TREASURY_CLIENT_SECRET", "sandbox")
        .args(["--retries", "1", "position"])
        .args(args))
}

#[test]
fn one_bank_down_is_named_and_the_rest_reported_with_exit_5() {
    let home = Home::new();
    let served = ServedSandbox::start(&home, ["--accounts", "3"]);
    let down = format!("http://127.0.0.1:{}", closed_port());
    home.write_config(&format!(
        "{}{}",
        profile("up", served.base_url(), &served.token_url()),
        profile("down", &down, &format!("{down}/oauth2/token"))
    ));
    let table = configured(&home, &["-p", "up", "-p", "down"]);
    table
        .code(5)
        .stderr_has("profile 'down' (jpmorgan) failed and is not in the totals")
        .stdout_has("Note: profile 'down' (jpmorgan) failed and is not in the totals")
        .stdout_has("INCOMPLETE");
    // Without -p every profile of the file, whatever TREASURY_PROFILE says.
    let json = run(home
        .cmd()
        .env("TREASURY_CLIENT_SECRET", "sandbox")
        .env("TREASURY_PROFILE", "up")
        .args(["--retries", "1", "position", "-f", "json"]));
    json.code(5);
    let doc = json.json();
    assert_valid(&doc);
    let rows = doc["balances"].as_array().unwrap();
    assert_eq!(rows.len(), 3, "{json}");
    assert!(rows.iter().all(|r| r["profile"] == "up"));
    let failed: Vec<&Value> = doc["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "profile")
        .collect();
    assert_eq!(failed.len(), 1, "{json}");
    assert_eq!(failed[0]["profile"], "down");
    assert_eq!(failed[0]["exit_code"], 6);
    assert!(totals(&doc, "currency")
        .iter()
        .all(|t| t["complete"] == false));
}

#[test]
fn every_bank_down_exits_with_the_first_ones_code_and_leaves_the_output_file() {
    let home = Home::new();
    // Two banks, both down (two profiles at one address would be refused as the same bank).
    let (down_a, down_b) = (
        format!("http://127.0.0.1:{}", closed_port()),
        format!("http://localhost:{}", closed_port()),
    );
    home.write_config(&format!(
        "{}{}",
        profile("a", &down_a, &format!("{down_a}/oauth2/token")),
        profile("b", &down_b, &format!("{down_b}/oauth2/token"))
    ));
    let report = home.write_file("position.json", "previous\n", 0o644);
    // -q keeps warnings quiet, not the profiles a report lacks.
    let out = configured(&home, &["-q", "-o", report.to_str().unwrap()]);
    out.code(6)
        .stderr_has("\nhint: check the network")
        .stderr_has("profile 'a' (jpmorgan) failed")
        .stderr_has("profile 'b' (jpmorgan) failed");
    assert_eq!(std::fs::read_to_string(&report).unwrap(), "previous\n");
}

#[test]
fn the_output_file_is_written_atomically_and_a_missing_profile_is_refused() {
    let home = Home::new();
    let served = ServedSandbox::start(&home, ["--accounts", "2"]);
    home.write_config(&profile("up", served.base_url(), &served.token_url()));
    let report = home.write_file("position.csv", "previous\n", 0o644);
    configured(&home, &["-o", report.to_str().unwrap()]).code(0);
    let written = std::fs::read_to_string(&report).unwrap();
    assert!(
        written.starts_with("profile,provider,account_id,"),
        "{written}"
    );
    assert_eq!(written.lines().count(), 3, "{written}");

    let sent = served.requests().len();
    let missing = configured(
        &home,
        &["-p", "up", "-p", "nope", "-o", report.to_str().unwrap()],
    );
    missing.code(2).stderr_has("no profile 'nope'");
    assert_eq!(std::fs::read_to_string(&report).unwrap(), written);
    std::thread::sleep(std::time::Duration::from_millis(200));
    assert_eq!(
        served.requests().len(),
        sent,
        "the refused run sent nothing"
    );
}

#[test]
fn dry_run_prints_each_profiles_plan_and_the_global_p_stays_single_elsewhere() {
    let home = Home::new();
    let out = sandbox(&home, &["--dry-run"]);
    out.code(0);
    let lines: Vec<Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // One plan per provider the sandbox serves, J.P. Morgan first.
    assert_eq!(lines.len(), treasury::sandbox::served().len(), "{out}");
    assert_eq!(lines[0]["profile"], "jpmorgan");
    assert_eq!(lines[0]["body"]["relativeDateType"], "CURRENT_DAY");
    assert_eq!(lines[1]["provider"], "finicity");
    run(home
        .cmd()
        .args(["--sandbox", "balances", "-p", "a", "-p", "b"]))
    .code(2)
    .stderr_has("cannot be used multiple times");
    sandbox(&home, &["-p", "no-such-bank"])
        .code(2)
        .stderr_has("the sandbox has no profile 'no-such-bank'");
}

#[test]
fn two_profiles_reaching_the_same_accounts_are_refused_not_counted_twice() {
    let home = Home::new();
    let base = "http://127.0.0.1:9";
    let token = "http://127.0.0.1:9/oauth2/token";
    home.write_config(&format!(
        "{}{}",
        profile("ops", base, token),
        profile("ops-copy", base, token)
    ));
    configured(&home, &[])
        .code(2)
        .stderr_has("profiles 'ops' and 'ops-copy' reach the same accounts (jpmorgan at http://127.0.0.1:9/)")
        .stderr_has("hint: pick one of them with -p");
    // One of them alone is fine as far as this check goes (the bank itself is down: exit 6).
    configured(&home, &["-p", "ops"]).code(6);
}

#[test]
fn a_currency_the_cached_accounts_hold_without_a_rate_is_refused_before_anything_is_sent() {
    let home = Home::new();
    let served = ServedSandbox::start(&home, [] as [&str; 0]);
    home.write_config(&profile("jpm", served.base_url(), &served.token_url()));
    // `accounts` caches the profile's list, SGD among its currencies.
    run(home
        .cmd()
        .env("TREASURY_CLIENT_SECRET", "sandbox")
        .args(["-p", "jpm", "accounts", "-f", "csv"]))
    .code(0)
    .stdout_has("SGD");
    let before = served.requests().len();
    let rates = home.write_file("rates.csv", ECB_WITHOUT_SGD, 0o600);
    let refused = configured(
        &home,
        &[
            "-p",
            "jpm",
            "--in",
            "EUR",
            "--rates",
            rates.to_str().unwrap(),
        ],
    );
    refused
        .code(2)
        .stderr_has("has no rate for SGD")
        .stderr_has("nothing was sent")
        .stderr_has("--skip-unrated");
    assert_eq!(
        served.requests().len(),
        before,
        "no request after the refusal"
    );
}
