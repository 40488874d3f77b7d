//! `balances --sandbox -o`: the format of the extension, a missing folder, a failed or partial run
//! and the previous file.

use super::*;

#[test]
fn output_file_gets_the_report_in_the_format_of_its_extension() {
    let env = Home::for_test_profile();
    for name in ["report.csv", "report.json", "report.ndjson"] {
        let out = sandbox(&env, &["--prior-day", "-o", name]);
        out.code(0).stdout_empty();
        out.check(
            out.stderr.trim_end() == format!("Wrote {SANDBOX_ACCOUNTS} rows to {name}"),
            "one note saying where the rows went",
        );
        let text = std::fs::read_to_string(env.path().join(name)).expect("the report file");
        out.check(
            is_report_for(name, &text),
            &format!("{name} holds:\n{text}"),
        );
    }
}

/// Whether `text` is a balance report in the format `name`'s extension names.
fn is_report_for(name: &str, text: &str) -> bool {
    let is_object = |l: &str| serde_json::from_str::<Value>(l).is_ok_and(|v| v.is_object());
    match name.rsplit('.').next() {
        Some("csv") => text.lines().next() == Some(CSV_HEADER),
        Some("json") => serde_json::from_str::<Value>(text).is_ok_and(|v| v["balances"].is_array()),
        Some("ndjson") => text.lines().count() == SANDBOX_ACCOUNTS && text.lines().all(is_object),
        _ => false,
    }
}

#[test]
fn output_into_a_missing_folder_exits_2_and_writes_nothing() {
    let env = Home::for_test_profile();
    let before = listing(env.path());
    let out = sandbox(&env, &["--prior-day", "-o", "missing/report.csv"]);
    out.code(2).stdout_empty();
    out.check(
        out.stderr_lines("error")
            .first()
            .is_some_and(|l| l.contains("missing/report.csv")),
        "the error names the path",
    );
    out.check(out.stderr_lines("hint").len() == 1, "and a way out");
    out.check(listing(env.path()) == before, "nothing written");
}

#[test]
fn failed_run_leaves_the_previous_output_file_byte_identical_and_no_temp_files() {
    let env = Home::for_test_profile();
    let old = b"account_id\r\nold report, kept byte for byte\xe2\x82\xac\n";
    let target = env.path().join("existing.csv");
    std::fs::write(&target, old).unwrap();
    let before = listing(env.path());
    let out = sandbox(&env, &["--prior-day", "-a", UNKNOWN, "-o", "existing.csv"]);
    out.code(4).stdout_empty();
    out.stderr_has("GCA-009");
    out.check(
        std::fs::read(&target).unwrap() == old,
        "the previous report is untouched",
    );
    out.check(
        listing(env.path()) == before,
        "no temporary file left beside it",
    );
}

#[test]
fn partial_answer_still_writes_the_output_file_and_exits_5() {
    let env = Home::for_test_profile();
    let out = sandbox(
        &env,
        &["--prior-day", "-a", USD_1, "-a", UNKNOWN, "-o", "part.csv"],
    );
    out.code(5).stdout_empty();
    out.check(
        out.stderr_lines("warning").len() == 1 && out.stderr.contains("Wrote 1 row to part.csv"),
        "a warning for the unknown account and a note for the file",
    );
    let text = std::fs::read_to_string(env.path().join("part.csv")).unwrap();
    out.check(
        text.lines().count() == 2 && text.lines().nth(1).unwrap().starts_with(USD_1),
        &format!("the known account's row in the file:\n{text}"),
    );
}
