//! `treasury accounts`, the account cache, aliases and groups, against a real server.

use crate::support;

use support::{run, Home, Reply, TestBank, JPM_MOCK};

const ACCOUNTS_HEADER: &str = "account_id,account_name,bank_id,bank_name,branch_id,currency";

fn bank_with_mock() -> (TestBank, Home) {
    let bank = TestBank::start();
    bank.reply(Reply::json(200, JPM_MOCK));
    let env = Home::with_bank(&bank);
    (bank, env)
}

fn cache_file(env: &Home) -> std::path::PathBuf {
    env.path().join("cache/treasury/accounts/test.json")
}

#[test]
fn accounts_are_listed_in_every_format_in_the_banks_order() {
    let (_bank, env) = bank_with_mock();
    let csv = run(env.cmd().args(["accounts", "-f", "csv"]));
    csv.code(0).stderr_empty();
    let lines: Vec<&str> = csv.stdout.lines().collect();
    assert_eq!(lines[0], ACCOUNTS_HEADER);
    // 44 accounts: the one with a per-account error is still an account.
    assert_eq!(lines.len(), 45, "{csv}");
    assert_eq!(
        lines[1],
        "000000004045701,TEST ACCOUNT NAME,02100002,JPMORGAN CHASE,,USD"
    );

    let json = run(env.cmd().args(["accounts", "-f", "json"]));
    json.code(0).stderr_empty();
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
    let list = doc["accounts"].as_array().expect("an accounts array");
    assert_eq!(list.len(), 44);
    let keys: Vec<&String> = list[0].as_object().unwrap().keys().collect();
    assert_eq!(
        keys.iter()
            .map(|k| k.as_str())
            .collect::<Vec<_>>()
            .join(","),
        ACCOUNTS_HEADER
    );

    let ndjson = run(env.cmd().args(["accounts", "-f", "ndjson"]));
    ndjson.code(0).stderr_empty();
    assert_eq!(ndjson.stdout.lines().count(), 44);
    for line in ndjson.stdout.lines() {
        serde_json::from_str::<serde_json::Value>(line).expect("each line is an object");
    }

    let table = run(env.cmd().args(["accounts"]));
    table.code(0).stderr_empty();
    table
        .stdout_has("000000004045701")
        .stdout_has("JPMORGAN CHASE");
    table.check(table.stdout.is_ascii(), "no box characters off a terminal");
}

#[test]
fn the_list_is_cached_for_an_hour_and_refresh_asks_again() {
    let (bank, env) = bank_with_mock();
    run(env.cmd().args(["accounts", "-f", "csv"])).code(0);
    run(env.cmd().args(["accounts", "-f", "csv"])).code(0);
    assert_eq!(
        bank.balance_bodies().len(),
        1,
        "the second listing comes from the cache"
    );
    assert_eq!(
        bank.balance_bodies()[0],
        serde_json::json!({}),
        "the listing is an empty balance request"
    );
    run(env.cmd().args(["accounts", "--refresh", "-f", "csv"])).code(0);
    assert_eq!(bank.balance_bodies().len(), 2);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(cache_file(&env))
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o600, "the cache is private");
    }
}

#[test]
fn aliases_and_groups_resolve_to_the_request_body_in_the_order_typed() {
    let (bank, env) = bank_with_mock();
    let mut config = std::fs::read_to_string(env.config_path()).unwrap();
    config.push_str(
        "[profiles.test.accounts]\nops-usd = \"02100002/000000010013324\"\nops-gbp = \"CHASGB2L/0041034035\"\n\
         [profiles.test.groups]\nemea = [\"ops-gbp\", \"CHASDEFX/4910\"]\n",
    );
    std::fs::write(env.config_path(), config).unwrap();
    let out = run(env.cmd().args([
        "balances",
        "--prior-day",
        "-a",
        "ops-usd",
        "--group",
        "emea",
        "-a",
        "123",
        "-f",
        "csv",
    ]));
    // The canned answer carries J.P. Morgan's one per-account error.
    out.code(5);
    let bodies = bank.balance_bodies();
    assert_eq!(
        bodies.last().unwrap(),
        &serde_json::json!({"relativeDateType": "PRIOR_DAY", "accountList": [
            {"accountId": "000000010013324", "bankId": "02100002"},
            {"accountId": "0041034035", "bankId": "CHASGB2L"},
            {"accountId": "4910", "bankId": "CHASDEFX"},
            {"accountId": "123"}
        ]})
    );
    let before = bank.requests().len();
    let unknown = run(env.cmd().args(["balances", "-a", "ops-eur"]));
    unknown.code(2).stdout_empty();
    unknown
        .stderr_has("unknown account alias 'ops-eur'")
        .stderr_has("known aliases: ops-gbp, ops-usd");
    let group = run(env.cmd().args(["balances", "--group", "apac"]));
    group
        .code(2)
        .stderr_has("unknown group 'apac'")
        .stderr_has("known groups: emea");
    assert_eq!(bank.requests().len(), before, "refused before sending");
}

#[test]
fn a_corrupt_cache_is_ignored_with_a_warning_and_rebuilt() {
    let (_bank, env) = bank_with_mock();
    std::fs::create_dir_all(cache_file(&env).parent().unwrap()).unwrap();
    std::fs::write(cache_file(&env), "{\"fetched_at\": 12, trunc").unwrap();
    let dry = run(env
        .cmd()
        .args(["balances", "--dry-run", "-a", "000000004045701"]));
    dry.code(0);
    dry.stderr_has("warning: the account cache")
        .stderr_has("is corrupt");
    assert_eq!(dry.stdout, "{\"relativeDateType\":\"CURRENT_DAY\",\"accountList\":[{\"accountId\":\"000000004045701\"}]}\n");
    let listing = run(env.cmd().args(["accounts", "-f", "csv"]));
    listing.code(0);
    listing.stderr_has("is corrupt");
    let after = run(env
        .cmd()
        .args(["balances", "--dry-run", "-a", "000000004045701"]));
    after.code(0).stderr_empty();
    after.stdout_has("\"bankId\":\"02100002\"");
}

#[test]
fn no_eligible_accounts_is_explained_and_exits_4() {
    let bank = TestBank::start();
    bank.reply(Reply::bank_error(
        404,
        "GCA-022",
        "No eligible accounts were found",
    ));
    let env = Home::with_bank(&bank);
    let out = run(env.cmd().args(["accounts"]));
    out.code(4).stdout_empty();
    out.stderr_has("GCA-022 No eligible accounts were found");
    out.stderr_has("hint: the credentials are not entitled to any cash-reporting account");
}

#[test]
fn the_sandbox_lists_its_accounts_and_they_pipe_into_balances() {
    let env = Home::for_test_profile();
    let listing = run(env.bare_cmd().args(["--sandbox", "accounts", "-f", "csv"]));
    listing.code(0).stderr_empty();
    let gbp: String = listing
        .stdout
        .lines()
        .filter(|l| l.contains("GBP"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(gbp.lines().count(), 2, "{listing}");
    let out = run(env
        .bare_cmd()
        .args([
            "--sandbox",
            "balances",
            "--accounts-file",
            "-",
            "--prior-day",
            "-f",
            "csv",
        ])
        .write_stdin(gbp));
    out.code(0).stderr_empty();
    let rows: Vec<&str> = out.stdout.lines().skip(1).collect();
    assert_eq!(rows.len(), 2, "{out}");
    assert!(
        rows.iter()
            .all(|r| r.contains(",CHASGB2L,") && r.contains(",GBP,")),
        "{out}"
    );
}

#[test]
fn a_new_login_forgets_the_cached_account_list() {
    let (bank, env) = bank_with_mock();
    run(env.cmd().args(["accounts", "-f", "csv"])).code(0);
    assert!(cache_file(&env).exists(), "the listing is cached");
    // The new login may share fewer accounts: the old list must not stand in for them.
    run(env
        .cmd()
        .args(["login", "--client-secret-stdin", "--store", "file"])
        .write_stdin(format!("{}\n", support::SECRET)))
    .code(0);
    assert!(!cache_file(&env).exists(), "login dropped the cache");
    run(env.cmd().args(["accounts", "-f", "csv"])).code(0);
    assert_eq!(
        bank.balance_bodies().len(),
        2,
        "the listing after the login asks the bank again"
    );
}
