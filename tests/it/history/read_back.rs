//! What the history gives back: recorded rows written as bank files the readers accept, and
//! `position --since` in every machine format.

use super::*;

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
