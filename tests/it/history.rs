//! `treasury history` and what feeds it: every balances run recorded in the owner-only
//! SQLite history, `--change` across simulated days, overlapping runs, history turned off or
//! unwritable, and the open-banking read budget counted in the same store. Real binary, real
//! HTTP on 127.0.0.1: the scripted J.P. Morgan bank of `support`, and `treasury sandbox serve`.

use crate::support;
use support::{found, readers};

use std::io::{Read, Write};
use std::os::unix::fs::PermissionsExt;

use serde_json::json;
use support::{run, Home, Reply, TestBank};

/// A J.P. Morgan answer: one account, one closed day, these amounts (`None`: not sent).
pub fn day(
    id: &str,
    date: &str,
    opening_ledger: &str,
    ending_ledger: &str,
    ending_available: Option<&str>,
) -> serde_json::Value {
    let mut balance = json!({
        "asOfDate": date,
        "recordTimestamp": format!("{date}T18:00:00Z"),
        "currentDay": false,
        "openingLedgerAmount": opening_ledger.parse::<serde_json::Number>().unwrap(),
        "endingLedgerAmount": ending_ledger.parse::<serde_json::Number>().unwrap(),
    });
    if let Some(available) = ending_available {
        balance["endingAvailableAmount"] = json!(available.parse::<serde_json::Number>().unwrap());
    }
    json!({
        "accountId": id,
        "accountName": format!("ACCOUNT {id}"),
        "branchId": "",
        "bankId": "02100002",
        "bankName": "TEST BANK",
        "currency": {"code": "USD", "currencySequence": 0, "decimalLocation": 2, "description": "US DOLLAR"},
        "balanceList": [balance],
    })
}

fn reply(accounts: Vec<serde_json::Value>) -> Reply {
    Reply::json(200, json!({ "accountList": accounts }).to_string())
}

fn history_file(env: &Home) -> std::path::PathBuf {
    env.path().join(".local/share/treasury/history.sqlite3")
}

#[test]
fn two_simulated_days_are_recorded_and_change_is_against_the_earlier_day() {
    let bank = TestBank::start();
    let env = Home::with_bank(&bank);
    bank.reply(reply(vec![day(
        "111",
        "2026-03-02",
        "100.00",
        "150.00",
        Some("140.00"),
    )]));
    support::balances(
        &env,
        &["--from", "2026-03-02", "--to", "2026-03-02", "-f", "csv"],
    )
    .code(0);
    bank.reply(reply(vec![day(
        "111",
        "2026-03-03",
        "150.00",
        "120.50",
        None,
    )]));
    support::balances(
        &env,
        &["--from", "2026-03-03", "--to", "2026-03-03", "-f", "csv"],
    )
    .code(0);
    let requests = bank.requests().len();

    let out = run(env.cmd().args(["history", "--change", "-f", "csv"]));
    out.code(0);
    let header = support::split_csv_line(out.stdout.lines().next().unwrap());
    let mut rows = vec![header];
    rows.extend(support::csv_rows(&out.stdout));
    assert_eq!(
        rows[0][13..],
        [
            "profile",
            "provider",
            "fetched_at",
            "opening_available_change",
            "opening_ledger_change",
            "ending_available_change",
            "ending_ledger_change"
        ]
    );
    assert_eq!(rows.len(), 3, "{out}");
    assert_eq!(rows[1][6], "2026-03-02");
    // The first day has nothing earlier: every change is absent.
    assert_eq!(rows[1][16..], ["", "", "", ""]);
    assert_eq!(rows[2][6], "2026-03-03");
    // ending_available was not sent on the second day: absent, and so is its change.
    assert_eq!(rows[2][10], "");
    assert_eq!(rows[2][16..], ["", "50.00", "", "-29.50"]);
    assert_eq!(rows[2][13..15], ["test", "jpmorgan"]);
    assert_eq!(bank.requests().len(), requests, "history calls no bank");

    // --from keeps the change against a day before it; JSON carries the same.
    let out = run(env
        .cmd()
        .args(["history", "--change", "--from", "2026-03-03", "-f", "json"]));
    out.code(0);
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(doc["errors"], json!([]));
    let rows = doc["balances"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{out}");
    assert_eq!(rows[0]["ending_ledger_change"].to_string(), "-29.50");
    assert_eq!(rows[0]["ending_available"], json!(null));
}

#[test]
fn a_later_fetch_of_the_same_day_replaces_the_row() {
    let bank = TestBank::start();
    let env = Home::with_bank(&bank);
    for ending in ["1.00", "2.00"] {
        bank.reply(reply(vec![day(
            "111",
            "2026-03-02",
            "0.00",
            ending,
            Some(ending),
        )]));
        support::balances(&env, &["--from", "2026-03-02", "--to", "2026-03-02"]).code(0);
    }
    let out = run(env.cmd().args(["history", "-f", "csv"]));
    let rows = support::csv_rows(&out.stdout);
    assert_eq!(rows.len(), 1, "{out}");
    assert_eq!(rows[0][11], "2.00");
}

#[test]
fn the_history_file_is_owner_only() {
    let bank = TestBank::start();
    let env = Home::with_bank(&bank);
    bank.reply(reply(vec![day("111", "2026-03-02", "0.00", "1.00", None)]));
    support::balances(&env, &["--from", "2026-03-02", "--to", "2026-03-02"]).code(0);
    let file = history_file(&env);
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&file), 0o600);
    assert_eq!(mode(file.parent().unwrap()), 0o700);
    let out = run(env.cmd().args(["history", "--path"]));
    assert_eq!(out.stdout.trim(), file.display().to_string());
    let status = run(env.cmd().args(["status", "-f", "json"]));
    let fields: serde_json::Value = serde_json::from_str(&status.stdout).unwrap();
    assert_eq!(
        fields["history_file"],
        json!(file.display().to_string()),
        "{status}"
    );
    assert!(fields["history_bytes"].as_u64().unwrap() > 0, "{status}");
}

#[test]
fn history_off_records_nothing() {
    let bank = TestBank::start();
    let env = Home::with_bank(&bank);
    bank.reply(reply(vec![day("111", "2026-03-02", "0.00", "1.00", None)]));
    let config = std::fs::read_to_string(env.config_path()).unwrap();
    std::fs::write(env.config_path(), format!("history = false\n{config}")).unwrap();
    support::balances(&env, &["--from", "2026-03-02", "--to", "2026-03-02"]).code(0);
    std::fs::write(env.config_path(), &config).unwrap();
    let out = run(env.cmd().env("TREASURY_NO_HISTORY", "1").args([
        "balances",
        "--from",
        "2026-03-02",
        "--to",
        "2026-03-02",
    ]));
    out.code(0);
    assert!(!history_file(&env).exists(), "nothing was recorded");
    let out = run(env.cmd().args(["history", "-p", "test"]));
    out.code(4)
        .stdout_empty()
        .stderr_has("nothing recorded for profile test");
}

#[test]
fn a_history_that_cannot_be_written_is_one_warning_and_the_report_stands() {
    let bank = TestBank::start();
    let env = Home::with_bank(&bank);
    bank.reply(reply(vec![day("111", "2026-03-02", "0.00", "1.00", None)]));
    let before = support::balances(
        &env,
        &["--from", "2026-03-02", "--to", "2026-03-02", "-f", "csv"],
    );
    // A file where the history folder should be.
    let blocked = env.path().join("blocked");
    std::fs::write(&blocked, "not a folder").unwrap();
    let out = run(env.cmd().env("XDG_DATA_HOME", &blocked).args([
        "balances",
        "--from",
        "2026-03-02",
        "--to",
        "2026-03-02",
        "-f",
        "csv",
    ]));
    out.code(0);
    assert_eq!(out.stdout, before.stdout);
    let warnings = out.stderr_lines("warning");
    assert_eq!(warnings.len(), 1, "{out}");
    assert!(
        warnings[0].contains(&blocked.display().to_string()),
        "{out}"
    );
}

#[test]
fn eight_overlapping_runs_are_all_recorded() {
    let bank = TestBank::start();
    let env = Home::with_bank(&bank);
    bank.respond(|body, _| {
        let date = body["startDate"]
            .as_str()
            .unwrap_or("2026-03-01")
            .to_string();
        reply(vec![
            day("111", &date, "0.00", "1.00", None),
            day("222", &date, "0.00", "2.00", None),
        ])
    });
    let children: Vec<_> = (1..=8)
        .map(|d| {
            let date = format!("2026-03-{d:02}");
            let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_treasury"));
            let probe = env.cmd();
            for (key, value) in probe.get_envs() {
                if let Some(value) = value {
                    cmd.env(key, value);
                }
            }
            cmd.env_remove("XDG_DATA_HOME")
                .current_dir(env.path())
                .args(["balances", "--from", &date, "--to", &date, "-f", "csv"])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert_eq!(out.status.code(), Some(0), "{stderr}");
        assert!(!stderr.contains("history"), "{stderr}");
    }
    let out = run(env.cmd().args(["history", "-f", "csv"]));
    assert_eq!(support::csv_rows(&out.stdout).len(), 16, "{out}");
}

#[test]
fn prune_deletes_rows_before_the_date() {
    let bank = TestBank::start();
    let env = Home::with_bank(&bank);
    bank.respond(|body, _| {
        let date = body["startDate"]
            .as_str()
            .unwrap_or("2026-03-01")
            .to_string();
        reply(vec![day("111", &date, "0.00", "1.00", None)])
    });
    for date in ["2026-03-01", "2026-03-02"] {
        support::balances(&env, &["--from", date, "--to", date]).code(0);
    }
    run(env
        .cmd()
        .args(["history", "prune", "--before", "2026-03-02"]))
    .code(0)
    .stderr_has("Deleted 1 recorded row");
    let out = run(env.cmd().args(["history", "-f", "csv", "-a", "111"]));
    assert_eq!(
        support::keys(&out.stdout),
        [("111".to_string(), "2026-03-02".to_string())]
    );
    run(env.cmd().args(["history", "--to", "2026-03-01"]))
        .code(4)
        .stderr_has("nothing recorded for up to 2026-03-01");
}

#[test]
fn a_429_speaking_of_a_daily_limit_is_not_retried() {
    let bank = TestBank::start();
    let env = Home::with_bank(&bank);
    bank.reply(
        Reply::bank_error(429, "GCA-429", "Daily request limit reached")
            .with_header("retry-after", "3600"),
    );
    let out = support::balances(&env, &["--prior-day", "--max-wait", "600"]);
    out.code(6)
        .stderr_has("daily limit")
        .stderr_has("may be asked again at");
    assert_eq!(bank.requests_to("/balance").len(), 1, "not retried");
}

// ---- The open-banking read budget, against `treasury sandbox serve` ----

const TOKEN: &str = "ob-sandbox-preauthorised-token";

fn ob(home: &support::Home, args: &[&str]) -> support::Run {
    support::run(
        home.cmd()
            .env("TREASURY_ACCESS_TOKEN", TOKEN)
            .args(["-p", "ob"])
            .args(args),
    )
}

/// How many requests the served sandbox has answered (`GET /open-banking/sandbox/requests`).
fn requests_seen(root: &str) -> usize {
    let addr = root.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "GET /open-banking/sandbox/requests HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut text = String::new();
    stream.read_to_string(&mut text).unwrap();
    let body = text.split_once("\r\n\r\n").unwrap().1;
    let body = &body[body.find('[').unwrap()..=body.rfind(']').unwrap()];
    serde_json::from_str::<Vec<serde_json::Value>>(body)
        .unwrap()
        .len()
}

#[test]
fn the_fifth_open_banking_read_of_a_day_is_refused_without_a_request() {
    let home = support::Home::new();
    let sandbox = support::ServedSandbox::start(&home, Vec::<&str>::new());
    let root = sandbox.base_url();
    home.write_config(&format!(
        "[profiles.ob]\nprovider = \"open-banking\"\nbase_url = \"{root}/open-banking/v3.1/aisp\"\n\
         token_url = \"{root}/open-banking/token\"\nclient_id = \"sandbox\"\n"
    ));
    for _ in 0..4 {
        ob(&home, &["balances", "-f", "csv"]).code(0);
    }
    let status = ob(&home, &["status", "-f", "json"]).json();
    assert_eq!(status["daily_reads"], json!(4), "{status}");
    assert_eq!(status["reads_left"], json!(0), "{status}");
    assert!(status["next_read_frees_at"].is_string(), "{status}");
    let before = requests_seen(root);
    let fifth = ob(&home, &["balances", "-f", "csv"]);
    fifth
        .code(2)
        .stderr_has("BUDGET")
        .stderr_has("next read is allowed at")
        .stderr_has("treasury history");
    assert_eq!(requests_seen(root), before, "nothing was sent");
    // One account alone is refused the same way: a per-account BUDGET error, no request.
    ob(&home, &["balances", "-a", "GBP-0001"])
        .code(2)
        .stderr_has("account GBP-0001: BUDGET");
    assert_eq!(requests_seen(root), before, "nothing was sent");
    // The last values are still there.
    ob(&home, &["history", "-p", "ob", "-f", "csv"])
        .code(0)
        .stdout_has("GBP-0001");
}

/// The readers' view of a history bank file against the rows of `history -f csv`: every
/// amount digit for digit, absent ones left out, `refused` accounts (FORMAT errors) not in it.
fn check_history_file(
    format: &str,
    file: &std::path::Path,
    expected: &[found::Row],
    refused: &[String],
) {
    let readers = readers::readers();
    let found = match format {
        "bai2" => found::found_in_bai2(&readers.bai2(file), expected),
        "camt052" => found::found_in_camt(&readers.camt(readers::Camt::Report052, file), expected),
        "camt053" => {
            found::found_in_camt(&readers.camt(readers::Camt::Statement053, file), expected)
        }
        _ => found::found_in_mt940(&readers.mt940(file)),
    };
    let kept: Vec<&found::Row> = expected
        .iter()
        .filter(|r| !refused.contains(&r.account))
        .collect();
    assert_eq!(found.len(), kept.len(), "{format}: {found:?}");
    let carried = match format {
        "mt940" => &found::FIELDS[1..],
        _ => &found::FIELDS[..],
    };
    for row in kept {
        let amounts = &found[&(row.account.clone(), row.date.clone())];
        for field in carried {
            let want = row.amounts[field].as_deref();
            assert_eq!(
                amounts.get(field).map(String::as_str),
                want,
                "{format} {} {} {field}",
                row.account,
                row.date
            );
        }
    }
}

#[test]
fn recorded_rows_are_written_as_bank_files_the_readers_accept() {
    let env = Home::new();
    let sandbox = |args: &[&str]| run(env.bare_cmd().arg("--sandbox=jpmorgan").args(args));
    sandbox(&["balances", "--from", "2026-01-01", "--to", "2026-01-03"]).code(0);
    // Today's intraday rows too: camt.053 and MT940 leave them out, BAI2 and camt.052 take them.
    sandbox(&["balances"]).code(0);
    let csv = sandbox(&["history", "-p", "jpmorgan", "-f", "csv"]);
    csv.code(0);
    let all = found::rows_of_csv(&csv.stdout, 0);
    assert!(
        all.iter().any(|r| r.current_day) && all.iter().any(|r| !r.current_day),
        "{csv}"
    );
    let closed: Vec<found::Row> = all.iter().filter(|r| !r.current_day).cloned().collect();
    for (format, name, expected) in [
        ("bai2", "h.bai2", &all),
        ("camt052", "h052.xml", &all),
        ("camt053", "h053.xml", &closed),
        ("mt940", "h.sta", &closed),
    ] {
        let out = sandbox(&["history", "-p", "jpmorgan", "-f", format, "-o", name]);
        let refused: Vec<String> = out
            .stderr
            .lines()
            .filter(|l| l.contains(": FORMAT "))
            .map(|l| {
                l.split("account ")
                    .nth(1)
                    .unwrap()
                    .split(':')
                    .next()
                    .unwrap()
                    .rsplit('/')
                    .next()
                    .unwrap()
                    .to_string()
            })
            .collect();
        out.code(if refused.is_empty() { 0 } else { 5 });
        out.stdout_empty();
        check_history_file(format, &env.path().join(name), expected, &refused);
    }
    // -o infers BAI2 and MT940 from the extension, as for balances.
    sandbox(&["history", "-p", "jpmorgan", "-o", "inferred.bai"]).code(0);
    let text = std::fs::read_to_string(env.path().join("inferred.bai")).unwrap();
    assert!(text.starts_with("01,"), "{text}");
    sandbox(&["history", "-p", "jpmorgan", "-f", "bai2", "--change"])
        .code(2)
        .stderr_has("--change");
    sandbox(&["history", "-p", "nobody", "-f", "camt053", "-o", "none.xml"])
        .code(4)
        .stderr_has("nothing recorded for profile nobody");
    assert!(!env.path().join("none.xml").exists());
}

#[test]
fn position_since_prints_its_changes_in_every_machine_format() {
    let bank = TestBank::start();
    let env = Home::with_bank(&bank);
    bank.reply(reply(vec![day(
        "111",
        "2026-03-02",
        "100.00",
        "150.00",
        Some("140.00"),
    )]));
    run(env.cmd().args(["position", "-a", "111", "-f", "csv"])).code(0);
    let second = || {
        reply(vec![
            day("111", "2026-03-03", "150.00", "120.50", None),
            day("222", "2026-03-03", "0.00", "10.00", Some("10.00")),
        ])
    };
    let position = |format: &str| {
        bank.reply(second());
        let out = run(env.cmd().args([
            "position", "-a", "111", "-a", "222", "--since", "1d", "-f", format,
        ]));
        out.code(0);
        out
    };
    let json = position("json");
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(doc["balances"].as_array().unwrap().len(), 2, "{json}");
    assert!(doc["totals"].is_array() && doc["errors"].is_array());
    let changes = doc["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 1, "{json}");
    let change = &changes[0];
    assert_eq!(change["profile"], "test");
    assert_eq!(change["currency"], "USD");
    assert_eq!(change["since"], "2026-03-02");
    assert_eq!(
        (
            change["accounts_now"].as_u64(),
            change["accounts_then"].as_u64()
        ),
        (Some(2), Some(1))
    );
    // 120.50 + 10.00 now against 150.00 then; ending_available was not sent for 111 now.
    assert_eq!(change["ending_ledger_change"].to_string(), "-19.50");
    assert_eq!(change["ending_available_change"].to_string(), "-130.00");
    assert_eq!(change["only_now"], json!(["02100002/222"]));
    assert_eq!(change["only_then"], json!([]));

    let ndjson = position("ndjson");
    let lines: Vec<serde_json::Value> = ndjson
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines, vec![change.clone()]);

    let csv = position("csv");
    let mut lines = csv.stdout.lines();
    assert_eq!(
        lines.next().unwrap(),
        "profile,provider,currency,since,accounts_now,accounts_then,ending_ledger_change,ending_available_change,only_now,only_then,absent_ending_ledger_now,absent_ending_ledger_then,absent_ending_available_now,absent_ending_available_then"
    );
    assert_eq!(
        lines.next().unwrap(),
        "test,jpmorgan,USD,2026-03-02,2,1,-19.50,-130.00,02100002/222,,0,0,1,0"
    );
    assert_eq!(lines.next(), None);

    let table = position("table");
    assert!(table.stdout.contains("Change since 2026-03-02"), "{table}");
    assert!(table.stdout.contains("only now: 02100002/222"), "{table}");

    // Where the changes have no place: refused before anything is sent.
    let requests = bank.requests().len();
    for args in [&["-f", "bai2"][..], &["-f", "csv", "--totals-only"][..]] {
        run(env
            .cmd()
            .args(["position", "-a", "111", "--since", "1d"])
            .args(args))
        .code(2);
    }
    assert_eq!(bank.requests().len(), requests);
}

// position --since: the amounts a change leaves out are counted on each side.

#[test]
fn position_since_says_which_amounts_its_changes_leave_out() {
    let bank = TestBank::start();
    let env = Home::with_bank(&bank);
    bank.reply(reply(vec![
        day("111", "2026-03-02", "100.00", "150.00", None),
        day("222", "2026-03-02", "0.00", "20.00", Some("20.00")),
    ]));
    run(env
        .cmd()
        .args(["position", "-a", "111", "-a", "222", "-f", "csv"]))
    .code(0);
    let position = |format: &str| {
        bank.reply(reply(vec![
            day("111", "2026-03-03", "150.00", "120.50", Some("100.00")),
            day("222", "2026-03-03", "20.00", "10.00", None),
        ]));
        let out = run(env.cmd().args([
            "position", "-a", "111", "-a", "222", "--since", "1d", "-f", format,
        ]));
        out.code(0);
        out
    };
    let json = position("json");
    // `changes` is the document's fourth key, its records one a line as before.
    assert!(
        json.stdout.ends_with(
            "],\n\"changes\": [\n  {\"profile\":\"test\",\"provider\":\"jpmorgan\",\"currency\":\"USD\",\
             \"since\":\"2026-03-02\",\"accounts_now\":2,\"accounts_then\":2,\
             \"ending_ledger_change\":-39.50,\"ending_available_change\":80.00,\
             \"only_now\":[],\"only_then\":[],\"absent_ending_ledger_now\":0,\
             \"absent_ending_ledger_then\":0,\"absent_ending_available_now\":1,\
             \"absent_ending_available_then\":1}]}\n"
        ),
        "{json}"
    );
    let csv = position("csv");
    assert_eq!(
        csv.stdout.lines().nth(1),
        Some("test,jpmorgan,USD,2026-03-02,2,2,-39.50,80.00,,,0,0,1,1"),
        "{csv}"
    );
    let table = position("table");
    assert!(
        table
            .stdout
            .contains("(2 accounts now, 2 then; absent, left out: ending_available 1 now, 1 then)"),
        "{table}"
    );
}
