//! The account cache belongs to one bank; dates stay in the API's range; quoted input is capped.

use super::*;

// Bullet 3: the account cache belongs to the bank it came from.

fn cache_file(env: &Home) -> std::path::PathBuf {
    env.path().join("cache/treasury/accounts/test.json")
}

#[test]
fn a_cache_from_another_base_url_is_ignored_and_rewritten() {
    let old_bank = TestBank::start();
    old_bank.reply(answer_for(&[("OLD-1", "OLDBANK")], &[DAY]));
    let new_bank = TestBank::start();
    new_bank.reply(answer_for(&[("NEW-1", "NEWBANK")], &[DAY]));
    let env = Home::with_bank(&old_bank);
    let first = run(env.cmd().args(["accounts", "-f", "csv"]));
    first.code(0).stdout_has("OLD-1");
    // The profile now points at another bank: its cached list must not be shown.
    env.write_bank_profile(&new_bank.base_url(), &new_bank.token_url());
    let out = run(env.cmd().args(["accounts", "-f", "csv"]));
    out.code(0).stderr_empty();
    out.check(
        out.stdout.contains("NEW-1") && !out.stdout.contains("OLD-1"),
        "the new bank's accounts",
    );
    out.check(
        new_bank.balance_bodies().len() == 1,
        "the new bank was asked",
    );
    let cache = std::fs::read_to_string(cache_file(&env)).unwrap();
    out.check(
        cache.contains("NEW-1") && !cache.contains("OLD-1") && cache.contains(&new_bank.base_url()),
        &format!("the cache is rewritten with its origin: {cache}"),
    );
    // And the rewritten cache is used again.
    let again = run(env.cmd().args(["accounts", "-f", "csv"]));
    again.code(0).stdout_has("NEW-1");
    again.check(new_bank.balance_bodies().len() == 1, "from the cache");
}

#[test]
fn balances_does_not_fill_bank_ids_from_another_banks_cache() {
    let old_bank = TestBank::start();
    old_bank.reply(answer_for(&[("1001", "OLDBANK")], &[DAY]));
    let new_bank = TestBank::start();
    new_bank.reply(answer_for(&[("1001", "NEWBANK")], &[DAY]));
    let env = Home::with_bank(&old_bank);
    run(env.cmd().arg("accounts")).code(0);
    env.write_bank_profile(&new_bank.base_url(), &new_bank.token_url());
    let out = balances_of(&env, &one_day(&["-a", "1001"]));
    out.code(0).stderr_empty();
    out.check(
        new_bank.balance_bodies()[0]["accountList"] == serde_json::json!([{"accountId": "1001"}]),
        "the account id goes alone, without the old bank's id",
    );
}

#[test]
fn a_cache_for_another_client_id_is_ignored() {
    let bank = TestBank::start();
    bank.reply(answer_for(&[("1001", "B")], &[DAY]));
    let env = Home::with_bank(&bank);
    run(env.cmd().arg("accounts")).code(0);
    let config = std::fs::read_to_string(env.config_path()).unwrap();
    std::fs::write(
        env.config_path(),
        config.replace("client_id = \"cid\"", "client_id = \"other\""),
    )
    .unwrap();
    let out = run(env.cmd().arg("accounts"));
    out.code(0).stderr_empty();
    out.check(bank.balance_bodies().len() == 2, "asked the bank again");
}

#[test]
fn a_cache_written_before_origins_is_ignored() {
    let bank = TestBank::start();
    bank.reply(answer_for(&[("NEW-1", "B")], &[DAY]));
    let env = Home::with_bank(&bank);
    std::fs::create_dir_all(cache_file(&env).parent().unwrap()).unwrap();
    let now = chrono::Utc::now().to_rfc3339();
    let old = format!(
        r#"{{"fetched_at":"{now}","accounts":[{{"account_id":"OLD-1","account_name":"","bank_id":"X","bank_name":"","branch_id":"","currency":"USD","decimal_places":2}}]}}"#
    );
    std::fs::write(cache_file(&env), old).unwrap();
    let out = run(env.cmd().args(["accounts", "-f", "csv"]));
    out.code(0).stderr_empty();
    out.check(
        out.stdout.contains("NEW-1") && !out.stdout.contains("OLD-1"),
        "the bank's list, not the old cache",
    );
}

// Bullet 6: dates outside what the API takes are refused locally.

#[test]
fn dates_outside_1900_to_9999_exit_2_and_send_nothing() {
    let bank = TestBank::start();
    let env = Home::with_bank(&bank);
    let cases: [(&[&str], &str); 5] = [
        (
            &["--from", "9999-12-31"],
            "error: --from 9999-12-31 without --to asks for 31 days beyond 9999-12-31, outside the dates treasury sends the bank (1900-01-01 to 9999-12-31)",
        ),
        (
            &["--from", "0000-01-01", "--to", "0000-01-02"],
            "error: --from 0000-01-01 is outside the dates treasury sends the bank, 1900-01-01 to 9999-12-31",
        ),
        (
            &["--to", "1900-01-10"],
            "error: --to 1900-01-10 without --from asks for 31 days beyond 1900-01-01, outside the dates treasury sends the bank (1900-01-01 to 9999-12-31)",
        ),
        (
            &["--month", "0000-02"],
            "error: --month 0000-02 is outside the dates treasury sends the bank, 1900-01-01 to 9999-12-31",
        ),
        (
            &["--from", "1899-12-31", "--to", "1900-01-01", "--dry-run"],
            "error: --from 1899-12-31 is outside the dates treasury sends the bank, 1900-01-01 to 9999-12-31",
        ),
    ];
    for (args, expected) in cases {
        let out = balances(&env, args);
        out.code(2).stdout_empty();
        out.check(
            out.stderr_lines("error") == [expected],
            &format!("the error names the date and the range: {expected}"),
        );
        out.check(out.stderr_lines("hint").len() == 1, "and a way out");
    }
    assert!(bank.requests().is_empty(), "nothing was sent");
}

#[test]
fn the_first_edge_of_the_range_is_sent_and_the_last_is_after_today() {
    let bank = TestBank::start();
    let env = Home::with_bank(&bank);
    // The last days of 9999 are inside the range treasury sends, but after today: refused by name.
    let out = balances(
        &env,
        &["--from", "9999-12-01", "--to", "9999-12-31", "--dry-run"],
    );
    out.code(2).stdout_empty();
    out.stderr_has("--from 9999-12-01: that date is after today");
    let out = balances(&env, &["--from", "1900-01-01", "--dry-run"]);
    out.code(0);
    out.check(
        out.stdout.trim_end() == r#"{"startDate":"1900-01-01","endDate":"1900-02-01"}"#,
        "the first days of 1900",
    );
}

// Bullet 7: quoted input is capped.

#[test]
fn a_huge_account_id_in_an_accounts_file_is_quoted_short_exit_2() {
    let bank = TestBank::start();
    let env = Home::with_bank(&bank);
    let huge = "7".repeat(4 * 1024 * 1024);
    std::fs::write(env.path().join("huge.txt"), format!("1001\n{huge}\n")).unwrap();
    let out = balances(&env, &["--accounts-file", "huge.txt"]);
    out.code(2).stdout_empty();
    out.check(out.stderr.len() < 600, "stderr stays short");
    let expected = format!(
        "error: huge.txt:2: account id '{}… (4194304 bytes)' is 4194304 characters long; the bank allows at most 35",
        "7".repeat(80)
    );
    out.check(
        out.stderr_lines("error") == [expected.as_str()],
        "the error quotes the start of the id and its size",
    );
    assert!(bank.requests().is_empty(), "nothing was sent");
}

#[test]
fn huge_values_elsewhere_are_quoted_short_exit_2() {
    let bank = TestBank::start();
    let env = Home::with_bank(&bank);
    let long = "x".repeat(100_000);
    let bad_char = format!("{}!", "1".repeat(100_000));
    let comma = format!("{},2", "1".repeat(2_000_000));
    std::fs::write(env.path().join("comma.txt"), &comma).unwrap();
    let long_date = "2".repeat(100_000);
    let cases: [Vec<&str>; 5] = [
        vec!["-a", &long],
        vec!["-a", &bad_char],
        vec!["--group", &long],
        vec!["--from", &long_date],
        vec!["--accounts-file", "comma.txt"],
    ];
    for args in cases {
        let out = balances(&env, &args);
        out.code(2).stdout_empty();
        out.check(
            out.stderr.len() < 600 && out.stderr.contains("… (") && out.stderr.contains(" bytes)"),
            "a short stderr quoting the start and the size",
        );
    }
    assert!(bank.requests().is_empty(), "nothing was sent");
}
