//! Every local refusal of `treasury balances`: exit 2, a message naming the bad value and the way
//! out, and not one request (token or balance) reaching the bank. Plus the edges that pass.

use crate::support;

use serde_json::{json, Value};
use support::{answer_for, run, Home, Reply, TestBank};

/// Runs `balances ARGS` with a working profile and a bank that would answer anything.
fn against_bank(args: &[&str]) -> (support::Run, TestBank) {
    let bank = answering_bank();
    let env = Home::with_bank(&bank);
    // The bank answers no rows, which is refused unless asked for.
    let out = run(env.cmd().args(["balances", "--allow-empty"]).args(args));
    (out, bank)
}

/// A bank that answers every account asked for: a named account it left out would be `MISSING`.
fn answering_bank() -> TestBank {
    let bank = TestBank::start();
    bank.respond(|body, _| answer_requested(body));
    bank
}

fn answer_requested(body: &Value) -> Reply {
    let ids: Vec<String> = body["accountList"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|a| a["accountId"].as_str().unwrap_or_default().to_string())
        .collect();
    let accounts: Vec<(&str, &str)> = ids.iter().map(|id| (id.as_str(), "B")).collect();
    answer_for(&accounts, &["2026-01-02"])
}

/// Expects a local refusal: exit 2, nothing on stdout, the error naming `named`, a hint
/// containing `way_out`, and no request sent.
#[track_caller]
fn assert_refused(args: &[&str], named: &str, way_out: &str) -> support::Run {
    let (out, bank) = against_bank(args);
    out.code(2).stdout_empty();
    let errors = out.stderr_lines("error");
    out.check(
        errors.len() == 1 && errors[0].contains(named),
        &format!("one error line naming {named:?}"),
    );
    let hints = out.stderr_lines("hint");
    out.check(
        hints.len() == 1 && hints[0].contains(way_out),
        &format!("one hint containing {way_out:?}"),
    );
    let requests = bank.requests();
    out.check(
        requests.is_empty(),
        &format!("nothing sent, but the bank saw {requests:?}"),
    );
    out
}

/// A file of `count` distinct account ids, one per line, in the test's HOME.
fn accounts_file(env: &Home, count: usize) -> String {
    let text: String = (0..count).map(|i| format!("ACC-{i:04}\n")).collect();
    let path = env.path().join(format!("accounts-{count}.txt"));
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn impossible_date_is_refused_before_sending() {
    assert_refused(
        &["--from", "2026-02-30"],
        "--from '2026-02-30' is not a valid date",
        "2026-01-31",
    );
    assert_refused(
        &["--from", "2026-01-01", "--to", "31/01/2026"],
        "--to '31/01/2026'",
        "ISO date",
    );
}

#[test]
fn invalid_month_is_refused_before_sending() {
    assert_refused(
        &["--month", "2026-13"],
        "--month '2026-13' is not a valid month",
        "2026-01",
    );
}

#[test]
fn to_before_from_is_refused_before_sending() {
    assert_refused(
        &["--from", "2026-01-05", "--to", "2026-01-04"],
        "--to 2026-01-04 is before --from 2026-01-05",
        "swap",
    );
}

#[test]
fn range_of_31_days_is_sent_with_both_dates() {
    let (out, bank) = against_bank(&["--from", "2026-01-01", "--to", "2026-02-01"]);
    out.code(0).stderr_empty();
    out.check(
        bank.balance_bodies() == [json!({"startDate": "2026-01-01", "endDate": "2026-02-01"})],
        "one request for 2026-01-01..2026-02-01",
    );
}

#[test]
fn range_of_32_days_is_refused_before_sending() {
    assert_refused(
        &["--from", "2026-01-01", "--to", "2026-02-02"],
        "2026-01-01..2026-02-02 spans 32 days",
        "--split",
    );
}

#[test]
fn month_longer_than_the_limit_is_never_an_issue() {
    // 31-day months are 30 days between their ends: well within the limit.
    let (out, bank) = against_bank(&["--month", "2026-01"]);
    out.code(0).stderr_empty();
    out.check(
        bank.balance_bodies() == [json!({"startDate": "2026-01-01", "endDate": "2026-01-31"})],
        "the calendar month",
    );
}

#[test]
fn accounts_file_with_201_accounts_is_refused_suggesting_split() {
    let bank = TestBank::start();
    let env = Home::with_bank(&bank);
    let file = accounts_file(&env, 201);
    let out = run(env
        .cmd()
        .args(["balances", "--prior-day", "--accounts-file", &file]));
    out.code(2).stdout_empty();
    out.check(
        out.stderr_lines("error")
            .first()
            .is_some_and(|l| l.contains("201 accounts") && l.contains("200")),
        "the error gives the count and the limit",
    );
    out.check(
        out.stderr_lines("hint")
            .first()
            .is_some_and(|l| l.contains("--split")),
        "the hint suggests --split",
    );
    out.check(bank.requests().is_empty(), "nothing sent");
}

#[test]
fn accounts_file_with_200_accounts_is_sent_in_one_request() {
    let bank = answering_bank();
    let env = Home::with_bank(&bank);
    let file = accounts_file(&env, 200);
    let out = run(env.cmd().args([
        "balances",
        "--prior-day",
        "--allow-empty",
        "--accounts-file",
        &file,
    ]));
    out.code(0).stderr_empty();
    let bodies = bank.balance_bodies();
    out.check(bodies.len() == 1, "one request");
    let list = bodies[0]["accountList"].as_array().unwrap();
    out.check(
        list.len() == 200
            && list[0] == json!({"accountId": "ACC-0000"})
            && list[199] == json!({"accountId": "ACC-0199"}),
        "200 entries, in the file's order",
    );
}

#[test]
fn accounts_file_with_201_accounts_and_split_goes_in_two_requests() {
    let env = Home::for_test_profile();
    let file = accounts_file(&env, 201);
    let out = run(env.bare_cmd().args([
        "balances",
        "--prior-day",
        "--split",
        "--dry-run",
        "--accounts-file",
        &file,
    ]));
    out.code(0).stderr_empty();
    let sizes: Vec<usize> = out
        .stdout
        .lines()
        .map(|l| {
            let body: Value = serde_json::from_str(l).unwrap();
            body["accountList"].as_array().unwrap().len()
        })
        .collect();
    out.check(sizes == [200, 1], "a batch of 200, then 1");
}

#[test]
fn current_day_with_dates_is_refused_before_sending() {
    assert_refused(
        &["--current", "--from", "2026-01-01"],
        "--current cannot be combined with --from 2026-01-01",
        "drop",
    );
}

#[test]
fn prior_day_with_dates_is_refused_before_sending() {
    assert_refused(
        &["--prior-day", "--to", "2026-01-05"],
        "--prior-day cannot be combined with --to 2026-01-05",
        "drop",
    );
}

#[test]
fn current_and_prior_day_together_are_refused_before_sending() {
    assert_refused(
        &["--current", "--prior-day"],
        "--current and --prior-day",
        "pick one",
    );
}

#[test]
fn account_id_with_a_comma_is_refused_before_sending() {
    let out = assert_refused(
        &["-a", "00000000000000304266256,00000000000000010962009"],
        "00000000000000304266256,00000000000000010962009",
        "one account per --account",
    );
    out.stderr_has("','");
}

#[test]
fn empty_account_id_is_refused_before_sending() {
    assert_refused(&["-a", ""], "is empty", "1 to 35");
    assert_refused(&["-a", "02100002/"], "'02100002/' is empty", "1 to 35");
}

#[test]
fn account_id_of_36_characters_is_refused_before_sending() {
    let long = "1".repeat(36);
    let out = assert_refused(&["-a", &long], &long, "1 to 35");
    out.stderr_has("36 characters");
}

#[test]
fn account_id_of_35_characters_is_sent() {
    let longest = "1".repeat(35);
    let (out, bank) = against_bank(&["--prior-day", "-a", &longest]);
    out.code(0).stderr_empty();
    out.check(
        bank.balance_bodies()
            == [json!({"relativeDateType": "PRIOR_DAY", "accountList": [{"accountId": longest}]})],
        "the account id as given",
    );
}

#[test]
fn duplicate_accounts_are_asked_for_once_with_a_warning() {
    let env = Home::for_test_profile();
    let out = run(env.bare_cmd().args([
        "balances",
        "--dry-run",
        "--prior-day",
        "-a",
        "1",
        "-a",
        "2",
        "-a",
        "1",
    ]));
    out.code(0);
    out.check(
        out.stdout
            == "{\"relativeDateType\":\"PRIOR_DAY\",\"accountList\":[{\"accountId\":\"1\"},{\"accountId\":\"2\"}]}\n",
        "one accountList entry per distinct account",
    );
    let warnings = out.stderr_lines("warning");
    out.check(
        warnings.len() == 1 && warnings[0].contains("account 1 ") && warnings[0].contains("once"),
        "one warning naming the duplicate",
    );
    out.check(out.stderr.lines().count() == 1, "nothing else on stderr");
}

#[test]
fn validation_comes_before_credentials() {
    // A user with no secret at all still learns what is wrong with the request first.
    let bank = TestBank::start();
    let env = Home::with_bank(&bank);
    let out = run(env.cmd().env_remove("TREASURY_CLIENT_SECRET").args([
        "balances",
        "--from",
        "2026-01-01",
        "--to",
        "2026-03-01",
    ]));
    out.code(2).stdout_empty();
    out.stderr_has("--split");
    out.check(bank.requests().is_empty(), "nothing sent");
}

#[test]
fn missing_accounts_file_is_refused_before_sending() {
    assert_refused(
        &["--accounts-file", "no-such-accounts.txt"],
        "no-such-accounts.txt",
        "--accounts-file",
    );
}

#[test]
fn accounts_file_without_accounts_is_refused_before_sending() {
    let bank = TestBank::start();
    let env = Home::with_bank(&bank);
    std::fs::write(env.path().join("empty.txt"), "# nothing here\n\n").unwrap();
    let out = run(env.cmd().args(["balances", "--accounts-file", "empty.txt"]));
    out.code(2).stdout_empty();
    out.stderr_has("empty.txt lists no accounts");
    out.check(
        bank.requests().is_empty(),
        "nothing sent, not even for all accounts",
    );
}

#[test]
fn bad_line_in_accounts_file_is_refused_naming_file_and_line() {
    let bank = TestBank::start();
    let env = Home::with_bank(&bank);
    std::fs::write(env.path().join("ids.txt"), "123\nbad id\n").unwrap();
    let out = run(env.cmd().args(["balances", "--accounts-file", "ids.txt"]));
    out.code(2).stdout_empty();
    out.stderr_has("ids.txt:2: account id 'bad id'");
    out.check(bank.requests().is_empty(), "nothing sent");
}

#[test]
fn unknown_treasury_format_is_refused_before_sending() {
    let bank = TestBank::start();
    let env = Home::with_bank(&bank);
    let out = run(env
        .cmd()
        .env("TREASURY_FORMAT", "xml")
        .args(["balances", "--prior-day"]));
    out.code(2).stdout_empty();
    out.stderr_has("TREASURY_FORMAT 'xml'");
    out.check(bank.requests().is_empty(), "nothing sent");
}

#[test]
fn accounts_file_of_201_lines_with_one_duplicate_is_200_accounts_and_accepted() {
    let bank = answering_bank();
    let env = Home::with_bank(&bank);
    let mut text: String = (0..200).map(|i| format!("ACC-{i:04}\n")).collect();
    text.push_str("ACC-0007\n");
    std::fs::write(env.path().join("ids.txt"), text).unwrap();
    let out = run(env.cmd().args([
        "balances",
        "--prior-day",
        "--allow-empty",
        "--accounts-file",
        "ids.txt",
    ]));
    out.code(0);
    let warnings = out.stderr_lines("warning");
    out.check(
        warnings.len() == 1 && warnings[0].contains("ACC-0007"),
        "one warning for the duplicate",
    );
    let bodies = bank.balance_bodies();
    out.check(
        bodies.len() == 1 && bodies[0]["accountList"].as_array().unwrap().len() == 200,
        "one request with 200 accounts",
    );
}

#[test]
fn output_path_that_is_a_folder_is_refused_before_sending() {
    let bank = TestBank::start();
    let env = Home::with_bank(&bank);
    std::fs::create_dir(env.path().join("reports")).unwrap();
    let out = run(env.cmd().args(["balances", "--prior-day", "-o", "reports"]));
    out.code(2).stdout_empty();
    out.check(
        out.stderr_lines("error")
            .first()
            .is_some_and(|l| l.contains("reports")),
        "the error names the folder",
    );
    out.check(
        out.stderr_lines("hint").len() == 1,
        "a hint: give a file name",
    );
    out.check(bank.requests().is_empty(), "nothing sent");
}

#[test]
fn accounts_file_of_plain_lines_with_a_byte_order_mark_is_read() {
    let env = Home::for_test_profile();
    std::fs::write(
        env.path().join("ids.txt"),
        "\u{feff}0041000001\r\n81007000002\r\n",
    )
    .unwrap();
    let out = run(env.bare_cmd().args([
        "balances",
        "--dry-run",
        "--prior-day",
        "--accounts-file",
        "ids.txt",
    ]));
    out.code(0).stderr_empty();
    out.check(
        out.stdout
            == "{\"relativeDateType\":\"PRIOR_DAY\",\"accountList\":[{\"accountId\":\"0041000001\"},{\"accountId\":\"81007000002\"}]}\n",
        "both accounts, the BOM ignored",
    );
}

#[test]
fn accounts_csv_with_a_byte_order_mark_and_crlf_is_read() {
    let env = Home::for_test_profile();
    std::fs::write(
        env.path().join("ids.csv"),
        "\u{feff}account_id,bank_id\r\n0041000001,CHASGB2L\r\n81007000002,\r\n",
    )
    .unwrap();
    let out = run(env.bare_cmd().args([
        "balances",
        "--dry-run",
        "--prior-day",
        "--accounts-file",
        "ids.csv",
    ]));
    out.code(0).stderr_empty();
    out.check(
        out.stdout
            == "{\"relativeDateType\":\"PRIOR_DAY\",\"accountList\":[{\"accountId\":\"0041000001\",\"bankId\":\"CHASGB2L\"},{\"accountId\":\"81007000002\"}]}\n",
        "both accounts, with the bank id where given",
    );
}

#[test]
fn short_dates_that_chrono_would_read_as_year_26_are_refused_before_sending() {
    assert_refused(
        &["--from", "26-1-5"],
        "--from '26-1-5' is not a valid date",
        "ISO date",
    );
}

#[test]
fn an_accounts_file_line_with_a_comma_is_refused_before_sending() {
    let bank = TestBank::start();
    let env = Home::with_bank(&bank);
    let path = env.path().join("ids.txt");
    std::fs::write(&path, "0041000001,0041000007\n").unwrap();
    let out = run(env.cmd().args(["balances", "--accounts-file"]).arg(&path));
    out.code(2).stdout_empty();
    out.stderr_has("ids.txt:1: '0041000001,0041000007' has a comma");
    out.stderr_has("hint: give one account per line");
    assert!(bank.requests().is_empty(), "nothing sent");
}

#[test]
fn a_zero_timeout_in_the_profile_is_refused_before_sending() {
    let bank = TestBank::start();
    let env = Home::with_bank(&bank);
    let mut config = std::fs::read_to_string(env.config_path()).unwrap();
    config.push_str("timeout_secs = 0\n");
    std::fs::write(env.config_path(), config).unwrap();
    let out = run(env.cmd().args(["balances", "--prior-day"]));
    out.code(2).stdout_empty();
    out.stderr_has("timeout_secs = 0 in profile 'test' is out of range");
    assert!(bank.requests().is_empty(), "nothing sent");
}
