//! The tables `balances` prints: control characters from the bank escaped, the terminal's width
//! (and `--wide`), the memory of a huge table, and `--totals`.

use super::*;

// 7. Control characters from the bank never reach the terminal raw.

const FORGED_NAME: &str = "EVIL\n error: forged name\u{1b}]0;pwned\u{7}";

const FORGED_MESSAGE: &str = "nope\nerror: forged message\r\u{1b}[2K\u{9b}";

fn forged_bank() -> TestBank {
    let bank = TestBank::start();
    let mut good: Value =
        serde_json::from_str(&answer_for(&[("111", "B1")], &["2026-01-05"]).body).unwrap();
    good["accountList"][0]["accountName"] = FORGED_NAME.into();
    let list = vec![
        good["accountList"][0].clone(),
        account_error("222", "GCA-010", FORGED_MESSAGE),
    ];
    bank.reply(Reply::json(200, json!({ "accountList": list }).to_string()));
    bank
}

fn assert_nothing_forged(text: &str) {
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{9b}') && !text.contains('\r'),
        "{text:?}"
    );
    assert!(
        !text
            .lines()
            .any(|l| l.trim_start().starts_with("error: forged")),
        "{text}"
    );
}

#[test]
fn control_characters_are_escaped_in_tables_and_messages() {
    let bank = forged_bank();
    let env = Home::with_bank(&bank);
    let out = balances(&env, &["--prior-day", "-a", "B1/111", "-a", "B1/222"]);
    out.code(5);
    assert_nothing_forged(&out.stdout);
    assert_nothing_forged(&out.stderr);
    out.stdout_has("EVIL\\n error: forged name\\x1b]0;pwned\\x07");
    out.stderr_has(
        "warning: account B1/222: GCA-010 nope\\nerror: forged message\\r\\x1b[2K\\u{9b}\n",
    );
}

#[test]
fn csv_and_json_carry_the_bank_text_exactly() {
    let bank = forged_bank();
    let env = Home::with_bank(&bank);
    let csv = balances(
        &env,
        &["--prior-day", "-a", "B1/111", "-a", "B1/222", "-f", "csv"],
    );
    csv.code(5);
    csv.stdout_has(&format!("\"{FORGED_NAME}\""));
    let json = balances(
        &env,
        &["--prior-day", "-a", "B1/111", "-a", "B1/222", "-f", "json"],
    );
    json.code(5);
    let doc: Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(doc["balances"][0]["account_name"], FORGED_NAME);
    assert_eq!(doc["errors"][0]["message"], FORGED_MESSAGE);
    assert!(
        !json.stdout.contains('\u{1b}'),
        "JSON escapes it as \\u001b"
    );
}

// 8. Tables fit the terminal's width; --wide and files show everything.

#[test]
fn a_table_fits_columns_and_never_cuts_a_number() {
    let env = Home::for_test_profile();
    let out = run(env
        .cmd()
        .env("COLUMNS", "80")
        .args(["--sandbox", "balances", "--prior-day"]));
    out.code(0);
    let header = out.stdout.lines().next().unwrap();
    assert_eq!(
        header.split_whitespace().collect::<Vec<_>>(),
        [
            "account_id",
            "account_name",
            "currency",
            "as_of_date",
            "ending_ledger"
        ]
    );
    for line in out.stdout.lines() {
        out.check(
            line.chars().count() <= 80,
            &format!("fits 80 columns: {line}"),
        );
    }
    let csv = run(env
        .cmd()
        .args(["--sandbox", "balances", "--prior-day", "-f", "csv"]));
    for row in support::csv_rows(&csv.stdout).iter().skip(1) {
        let grouped = support::csv_rows(&csv.stdout).len();
        assert!(grouped > 1);
        let line = out
            .stdout
            .lines()
            .find(|l| l.starts_with(&format!(" {} ", row[0])))
            .unwrap();
        let ledger = line.split_whitespace().last().unwrap().replace(',', "");
        assert_eq!(ledger, row[11], "{line}");
    }
    let narrow =
        run(env
            .cmd()
            .env("COLUMNS", "100")
            .args(["--sandbox", "balances", "--prior-day"]));
    // Shortened in the middle: the numbered end that tells the accounts apart stays.
    narrow.stdout_has("…0001");
    narrow.stdout_has("…0002");
}

#[test]
fn wide_files_and_pipes_show_every_column() {
    let env = Home::for_test_profile();
    let all = [
        "account_id",
        "account_name",
        "bank_id",
        "currency",
        "as_of_date",
        "opening_available",
        "opening_ledger",
        "ending_available",
        "ending_ledger",
    ];
    let wide = run(env.cmd().env("COLUMNS", "80").args([
        "--sandbox",
        "balances",
        "--prior-day",
        "--wide",
    ]));
    let piped = run(env.cmd().args(["--sandbox", "balances", "--prior-day"]));
    run(env.cmd().env("COLUMNS", "80").args([
        "--sandbox",
        "balances",
        "--prior-day",
        "-o",
        "r.txt",
    ]))
    .code(0);
    let file = std::fs::read_to_string(env.path().join("r.txt")).unwrap();
    for text in [&wide.stdout, &piped.stdout, &file] {
        let header: Vec<&str> = text.lines().next().unwrap().split_whitespace().collect();
        assert_eq!(header, all);
    }
    assert_eq!(wide.stdout, piped.stdout);
    assert_eq!(file, piped.stdout);
}

// 9. A huge table needs about the memory of its CSV.

#[cfg(target_os = "linux")]
#[test]
fn a_huge_table_takes_about_the_memory_of_its_csv() {
    assert!(
        Path::new("/usr/bin/time").exists(),
        "this test needs GNU time at /usr/bin/time (Debian: time) to measure peak memory"
    );
    let bank = TestBank::start();
    let ids: Vec<String> = (0..200).map(|i| format!("{i:09}")).collect();
    bank.respond(move |body, _| {
        let from = body["startDate"].as_str().unwrap_or("2026-01-01");
        let to = body["endDate"].as_str().unwrap_or("2026-01-31");
        let (from, to) = (
            from.parse::<chrono::NaiveDate>().unwrap(),
            to.parse::<chrono::NaiveDate>().unwrap(),
        );
        let dates: Vec<String> = from
            .iter_days()
            .take_while(|d| *d <= to)
            .map(|d| d.to_string())
            .collect();
        let accounts: Vec<(&str, &str)> = ids.iter().map(|id| (id.as_str(), "B1")).collect();
        answer_for(&accounts, &dates)
    });
    let env = Home::with_bank(&bank);
    let peak_kb = |format: &str| -> u64 {
        let out = shell(
            &env,
            r#"/usr/bin/time -f "peak %M" "$@" >/dev/null"#,
            &[
                "balances",
                "--from",
                "2026-01-01",
                "--to",
                "2026-04-30",
                "--split",
                "-f",
                format,
            ],
        );
        out.code(0);
        let line = out
            .stderr
            .lines()
            .find_map(|l| l.strip_prefix("peak "))
            .expect("a peak");
        line.trim().parse().unwrap()
    };
    let csv = peak_kb("csv");
    let table = peak_kb("table");
    // 24,000 rows: cells held for a table would take tens of MB more than the CSV.
    eprintln!("peak memory: table {table} kB, CSV {csv} kB");
    assert!(table < csv + 8 * 1024, "table {table} kB, CSV {csv} kB");
}

// 10. --totals.

fn range_table(totals: Option<&str>) -> Run {
    let bank = TestBank::start();
    bank.reply(answer_for(
        &[("111", "B1"), ("222", "B1")],
        &["2026-01-05", "2026-01-06", "2026-01-07"],
    ));
    let env = Home::with_bank(&bank);
    let mut args = vec![
        "--from",
        "2026-01-05",
        "--to",
        "2026-01-07",
        "-a",
        "B1/111",
        "-a",
        "B1/222",
    ];
    if let Some(totals) = totals {
        args.extend(["--totals", totals]);
    }
    let out = balances(&env, &args);
    out.code(0);
    out
}

fn total_lines(out: &Run) -> Vec<String> {
    out.stdout
        .lines()
        .filter(|l| l.trim_start().starts_with("TOTAL"))
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

#[test]
fn totals_are_the_last_dates_by_default_each_or_none_on_request() {
    let last = range_table(None);
    assert_eq!(
        total_lines(&last),
        ["TOTAL 2 accounts USD 2026-01-07 2.00 5.00 6.00 8.00"]
    );
    assert_eq!(total_lines(&range_table(Some("last"))), total_lines(&last));
    let each = range_table(Some("each"));
    assert_eq!(total_lines(&each).len(), 3);
    assert!(total_lines(&each)[0].contains("2026-01-05"));
    let none = range_table(Some("none"));
    assert!(total_lines(&none).is_empty());
    assert_eq!(
        none.stdout.lines().count(),
        7,
        "header and six rows, no blank line:\n{}",
        none.stdout
    );
}
