//! `balances --split` streaming: the order requests complete in never shows in the output, a window
//! failing midway leaves the previous `-o` file and is named, the streamed file is what stdout gets.

use super::*;

#[test]
fn concurrency_never_changes_a_streamed_report() {
    let env = Home::for_test_profile();
    let served = serve(&env, 250);
    sandbox_profile(&env, served.base_url());
    let listed = run(env
        .cmd()
        .env("TREASURY_CLIENT_SECRET", "sandbox")
        .args(["accounts", "-f", "csv"]));
    listed.code(0);
    let mut ids: Vec<String> = support::csv_rows(&listed.stdout)
        .into_iter()
        .map(|r| format!("{}/{}", r[2], r[0]))
        .collect();
    assert_eq!(ids.len(), 250, "{listed}");
    // An order that is neither the bank's nor sorted: odd places first, reversed.
    ids = ids
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 2 == 1)
        .chain(ids.iter().enumerate().filter(|(i, _)| i % 2 == 0))
        .map(|(_, id)| id.clone())
        .rev()
        .collect();
    std::fs::write(env.path().join("ids.txt"), ids.join("\n") + "\n").unwrap();
    let report = |concurrency: &str, format: &str| {
        run(env
            .cmd()
            .env("TREASURY_CLIENT_SECRET", "sandbox")
            .args(["balances", "--from", "2026-01-01", "--to", "2026-03-31"])
            .args(["--split", "--accounts-file", "ids.txt", "-f", format])
            .args(["--concurrency", concurrency]))
    };
    for format in ["csv", "json", "table"] {
        let one = report("1", format);
        let eight = report("8", format);
        one.code(0).stderr_empty();
        eight.code(0).stderr_empty();
        one.check(
            one.stdout == eight.stdout,
            &format!("{format}: --concurrency 1 and 8 write the same bytes"),
        );
        if format == "csv" {
            let mut seen: Vec<String> = Vec::new();
            for row in support::csv_rows(&one.stdout) {
                let id = format!("{}/{}", row[2], row[0]);
                if seen.last() != Some(&id) {
                    seen.push(id);
                }
            }
            one.check(seen == ids, "rows in the order of the accounts file");
        }
    }
}

/// `answer_for` the accounts a body asks for, on its start date.
fn answer(body: &serde_json::Value) -> Reply {
    let ids: Vec<String> = body["accountList"]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|a| a["accountId"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default();
    let accounts: Vec<(&str, &str)> = ids.iter().map(|id| (id.as_str(), "B1")).collect();
    answer_for(&accounts, &[body["startDate"].as_str().unwrap_or_default()])
}

#[test]
fn a_window_failing_midway_leaves_the_previous_file_and_names_the_window() {
    let bank = TestBank::start();
    bank.respond(|body, _| {
        let first = body["accountList"][0]["accountId"]
            .as_str()
            .unwrap_or_default();
        if body["startDate"] == "2026-02-02" && first == "A200" {
            Reply::bank_error(400, "GCA-023", "Invalid request")
        } else {
            answer(body)
        }
    });
    let env = Home::with_bank(&bank);
    let ids: Vec<String> = (0..250).map(|i| format!("A{i}")).collect();
    std::fs::write(env.path().join("ids.txt"), ids.join("\n") + "\n").unwrap();
    let report = env.path().join("report.csv");
    std::fs::write(&report, "previous report\n").unwrap();
    let out = run(env
        .cmd()
        .args([
            "balances",
            "--split",
            "--from",
            "2026-01-01",
            "--to",
            "2026-03-31",
        ])
        .args([
            "--accounts-file",
            "ids.txt",
            "--concurrency",
            "1",
            "-o",
            "report.csv",
        ]));
    out.code(4).stdout_empty();
    let errors = out.stderr_lines("error");
    out.check(
        errors.len() == 1
            && errors[0].contains("GCA-023 Invalid request")
            && errors[0].contains("window 2026-02-02..2026-03-05, accounts 201-250 of 250"),
        "one error naming the failing window and its batch",
    );
    // One at a time, in report order: the first batch's three windows were answered (and its
    // rows written to the temporary file) before the failing one was sent.
    let bodies = bank.balance_bodies();
    let sent: Vec<(String, String)> = bodies
        .iter()
        .map(|b| {
            (
                b["startDate"].as_str().unwrap().to_string(),
                b["accountList"][0]["accountId"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            )
        })
        .collect();
    out.check(
        sent == [
            ("2026-01-01".to_string(), "A0".to_string()),
            ("2026-02-02".to_string(), "A0".to_string()),
            ("2026-03-06".to_string(), "A0".to_string()),
            ("2026-01-01".to_string(), "A200".to_string()),
            ("2026-02-02".to_string(), "A200".to_string()),
        ],
        &format!("batch by batch, stopping at the failure: {sent:?}"),
    );
    out.check(
        std::fs::read_to_string(&report).unwrap() == "previous report\n",
        "the previous file is left as it was",
    );
    let left: Vec<String> = std::fs::read_dir(env.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".tmp"))
        .collect();
    out.check(
        left.is_empty(),
        &format!("no temporary file left: {left:?}"),
    );
}

#[test]
fn a_streamed_file_is_the_report_stdout_gets() {
    let bank = TestBank::start();
    bank.respond(|body, _| answer(body));
    let env = Home::with_bank(&bank);
    let ids: Vec<String> = (0..250).map(|i| format!("A{i}")).collect();
    std::fs::write(env.path().join("ids.txt"), ids.join("\n") + "\n").unwrap();
    let args = [
        "balances",
        "--split",
        "--from",
        "2026-01-01",
        "--to",
        "2026-03-31",
        "--accounts-file",
        "ids.txt",
        "-f",
        "json",
    ];
    let stdout = run(env.cmd().args(args));
    stdout.code(0).stderr_empty();
    let file = run(env.cmd().args(args).args(["-o", "report.json"]));
    file.code(0).stdout_empty();
    file.stderr_has("Wrote 750 rows to report.json");
    let written = std::fs::read_to_string(env.path().join("report.json")).unwrap();
    file.check(written == stdout.stdout, "the file holds what stdout got");
    let value: serde_json::Value = serde_json::from_str(&written).unwrap();
    file.check(
        value["balances"].as_array().map(Vec::len) == Some(750)
            && value["errors"].as_array().is_some_and(Vec::is_empty),
        "750 rows (250 accounts, one date per window), no errors",
    );
}
