//! `balances --dry-run`: no bank at all; the request bodies it would send, 31-day windows.

use super::*;

/// `--dry-run` with no config file, no profile and no credentials at all.
fn dry_run(args: &[&str]) -> support::Run {
    let env = Home::for_test_profile();
    run(env.bare_cmd().arg("balances").arg("--dry-run").args(args))
}

#[test]
fn dry_run_prints_one_account_list_entry_per_account_with_bank_ids_where_given() {
    let out = dry_run(&["--prior-day", "-a", "02100002/123", "-a", "456"]);
    out.code(0).stderr_empty();
    out.check(
        out.stdout
            == "{\"relativeDateType\":\"PRIOR_DAY\",\"accountList\":[{\"accountId\":\"123\",\"bankId\":\"02100002\"},{\"accountId\":\"456\"}]}\n",
        "the exact body",
    );
}

#[test]
fn dry_run_of_a_lone_date_sends_both_ends_31_days_apart() {
    let cases = [
        (
            &["--from", "2026-01-01"][..],
            "{\"startDate\":\"2026-01-01\",\"endDate\":\"2026-02-01\"}\n",
        ),
        (
            &["--to", "2026-03-01"][..],
            "{\"startDate\":\"2026-01-29\",\"endDate\":\"2026-03-01\"}\n",
        ),
        (
            &["--month", "2024-02"][..],
            "{\"startDate\":\"2024-02-01\",\"endDate\":\"2024-02-29\"}\n",
        ),
        (&[][..], "{\"relativeDateType\":\"CURRENT_DAY\"}\n"),
    ];
    for (args, expected) in cases {
        let out = dry_run(args);
        out.code(0).stderr_empty();
        out.check(
            out.stdout == expected,
            &format!("{args:?} gives {expected}"),
        );
    }
}

#[test]
fn dry_run_with_split_prints_one_body_per_31_day_window() {
    let out = dry_run(&[
        "--from",
        "2026-01-01",
        "--to",
        "2026-03-31",
        "--split",
        "-a",
        "1",
    ]);
    out.code(0).stderr_empty();
    out.check(
        out.stdout
            == "{\"startDate\":\"2026-01-01\",\"endDate\":\"2026-02-01\",\"accountList\":[{\"accountId\":\"1\"}]}\n\
                {\"startDate\":\"2026-02-02\",\"endDate\":\"2026-03-05\",\"accountList\":[{\"accountId\":\"1\"}]}\n\
                {\"startDate\":\"2026-03-06\",\"endDate\":\"2026-03-31\",\"accountList\":[{\"accountId\":\"1\"}]}\n",
        "three windows covering each day once",
    );
}
