//! `--split` windows: one failing window, at most `--concurrency` requests in flight, 450 accounts
//! from a file as 200, 200 and 50, a range merged in date order.

use super::*;

// A failing window, a concurrency limit and 450 accounts from a file.

#[test]
fn one_failing_window_of_a_split_run_exits_6_and_leaves_the_old_report() {
    let bank = TestBank::start();
    bank.respond(|body, _| {
        if body["startDate"] == "2026-02-02" {
            Reply::bank_error(500, "GCA-099", "System is Unavailable")
        } else {
            answer_to(body)
        }
    });
    let env = Home::with_bank(&bank);
    let reports = env.path().join("reports");
    std::fs::create_dir(&reports).unwrap();
    let old = b"account_id,as_of_date\r\n111,2025-12-31\nkept byte for byte \xe2\x82\xac\n";
    std::fs::write(reports.join("old.csv"), old).unwrap();
    let out = balances(
        &env,
        &[
            "--split",
            "--from",
            "2026-01-01",
            "--to",
            "2026-03-31",
            "-a",
            "B1/111",
            "--retries",
            "1",
            "-o",
            "reports/old.csv",
        ],
    );
    out.code(6).stdout_empty();
    let errors = out.stderr_lines("error");
    out.check(
        errors.len() == 1
            && errors[0].contains("GCA-099 System is Unavailable")
            && errors[0].contains("HTTP 500"),
        "one error line naming the failing window's answer",
    );
    out.check(!out.stderr.contains("Wrote"), "no report written");
    out.check(
        std::fs::read(reports.join("old.csv")).unwrap() == old,
        "the previous report is byte-identical",
    );
    out.check(
        listing(&reports) == ["old.csv"],
        "no temporary file left beside it",
    );
    out.check(
        bank.balance_bodies()
            .iter()
            .filter(|b| b["startDate"] == "2026-02-02")
            .count()
            == 1,
        "the failing window tried once, as asked",
    );
}

#[test]
fn concurrency_2_over_6_windows_never_has_more_than_2_requests_in_flight() {
    let bank = TestBank::start();
    bank.respond(|body, _| answer_to(body))
        .delay(Duration::from_millis(300));
    let env = Home::with_bank(&bank);
    // 192 days: six windows of 32 dates each.
    let out = balances(
        &env,
        &[
            "--split",
            "--concurrency",
            "2",
            "--from",
            "2025-01-01",
            "--to",
            "2025-07-11",
            "-a",
            "B1/111",
            "-f",
            "csv",
        ],
    );
    out.code(0).stderr_empty();
    let bodies = bank.balance_bodies();
    out.check(bodies.len() == 6, "six windows");
    let dates: Vec<String> = keys(&out.stdout).into_iter().map(|(_, d)| d).collect();
    let expected: Vec<String> = NaiveDate::from_ymd_opt(2025, 1, 1)
        .unwrap()
        .iter_days()
        .take(192)
        .map(|d| d.to_string())
        .collect();
    out.check(dates == expected, "every date once, ascending");
    let most = bank.max_in_flight();
    out.check(
        most <= 2,
        &format!("{most} requests were in flight at once"),
    );
    out.check(
        most == 2,
        &format!("two requests overlapped at some point (at most {most} did)"),
    );
}

#[test]
fn split_of_450_accounts_from_a_file_sends_200_200_50_and_keeps_the_files_order() {
    let bank = TestBank::start();
    bank.respond(|body, _| answer_to(body));
    let env = Home::with_bank(&bank);
    // A scrambled order, half of the accounts with their bank id.
    let ids: Vec<String> = (0..450usize)
        .map(|i| format!("ACC-{:04}", (i * 263) % 450))
        .collect();
    let lines: Vec<String> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| match i % 2 {
            0 => format!("B{}/{id}", i % 3),
            _ => id.clone(),
        })
        .collect();
    std::fs::write(env.path().join("ids.txt"), lines.join("\n") + "\n").unwrap();
    let out = balances(
        &env,
        &[
            "--split",
            "--prior-day",
            "--accounts-file",
            "ids.txt",
            "-f",
            "csv",
        ],
    );
    out.code(0).stderr_empty();

    let mut batches: Vec<Vec<String>> = bank
        .balance_bodies()
        .iter()
        .map(|b| {
            b["accountList"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a["accountId"].as_str().unwrap().to_string())
                .collect()
        })
        .collect();
    // Requests run concurrently: put them back in the file's order before comparing.
    batches.sort_by_key(|batch| ids.iter().position(|id| *id == batch[0]));
    let sizes: Vec<usize> = batches.iter().map(Vec::len).collect();
    out.check(sizes == [200, 200, 50], &format!("bodies of {sizes:?}"));
    out.check(
        batches.concat() == ids,
        "the batches are consecutive slices of the file",
    );

    let rows: Vec<String> = keys(&out.stdout).into_iter().map(|(id, _)| id).collect();
    let distinct: HashSet<&String> = rows.iter().collect();
    out.check(distinct.len() == rows.len(), "no row twice");
    out.check(rows == ids, "one row per account, in the file's order");
}

#[test]
fn split_range_is_fetched_in_windows_and_merged_in_date_order() {
    let bank = TestBank::start();
    // Whichever window gets which answer, the report comes out in date order.
    for dates in [
        ["2026-03-31", "2026-03-06"],
        ["2026-03-05", "2026-02-02"],
        ["2026-02-01", "2026-01-01"],
    ] {
        bank.reply(answer_for(&[("111", "B1")], &dates));
    }
    let env = Home::with_bank(&bank);
    let out = balances(
        &env,
        &[
            "--from",
            "2026-01-01",
            "--to",
            "2026-03-31",
            "--split",
            "-a",
            "111",
            "-f",
            "csv",
        ],
    );
    out.code(0).stderr_empty();
    let dates: Vec<String> = keys(&out.stdout).into_iter().map(|(_, d)| d).collect();
    out.check(
        dates
            == [
                "2026-01-01",
                "2026-02-01",
                "2026-02-02",
                "2026-03-05",
                "2026-03-06",
                "2026-03-31",
            ],
        "dates ascending across windows",
    );
    let mut windows: Vec<(String, String)> = bank
        .balance_bodies()
        .iter()
        .map(|b| {
            (
                b["startDate"].as_str().unwrap().to_string(),
                b["endDate"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    windows.sort();
    out.check(
        windows
            == [
                ("2026-01-01".to_string(), "2026-02-01".to_string()),
                ("2026-02-02".to_string(), "2026-03-05".to_string()),
                ("2026-03-06".to_string(), "2026-03-31".to_string()),
            ],
        "three windows of at most 31 days",
    );
}
