//! Tables at common terminal widths, with the real binary against the built-in sandbox: every
//! command that prints a table, snapshotted at 80, 100 and 120 columns (`COLUMNS`), and on a
//! real terminal (a pty from `script`), where rules are drawn and must not be wider than the
//! table. Only data with fixed dates is used (J.P. Morgan's current day moves with the clock).

use crate::support;

use std::process::Command;

use support::{run, Home, BIN};

const WIDTHS: [usize; 3] = [80, 100, 120];
/// The ECB layout, for `position --in`.
const ECB: &str =
    "Date, USD, JPY, GBP, SGD, BHD, KWD, \n30 November 2026, 1.0500, 160.12, 0.8400, 1.4500, 0.3950, 0.3200, \n";
const JPM_DAY: &[&str] = &["--from", "2026-01-30", "--to", "2026-01-30"];

/// Dates that move with the clock become `YYYY-MM-DD` (the same width, so columns stay).
fn settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(r"\d{4}-\d{2}-\d{2}", "YYYY-MM-DD");
    settings.add_filter(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT");
    settings.set_prepend_module_to_snapshot(false);
    settings
}

/// stdout of `treasury --sandbox[=PROVIDER] ARGS` at `width` columns, with its exit code.
fn table(home: &Home, width: usize, args: &[&str]) -> String {
    let out = run(home
        .cmd()
        .env("COLUMNS", width.to_string())
        .env("NO_COLOR", "1")
        .args(args));
    assert!(
        [0, 5].contains(&out.code),
        "treasury {}: {out}",
        args.join(" ")
    );
    widest_fits(&out.stdout, width);
    format!("exit {}\n{}", out.code, out.stdout)
}

/// No line of the table is wider than the terminal (the notes under it are prose).
#[track_caller]
fn widest_fits(text: &str, width: usize) {
    for line in text.lines().filter(|l| !l.starts_with("Note: ")) {
        assert!(
            line.chars().count() <= width,
            "{} columns, more than {width}:\n{line}\n{text}",
            line.chars().count()
        );
    }
}

fn snapshot(name: &str, args: &[&str]) {
    let home = Home::new();
    home.write_file("eurofxref.csv", ECB, 0o600);
    for width in WIDTHS {
        let text = table(&home, width, args);
        settings().bind(|| insta::assert_snapshot!(format!("{name}_{width}"), text));
    }
}

#[test]
fn accounts_table() {
    snapshot("accounts", &["--sandbox", "accounts"]);
}

#[test]
fn balances_table() {
    let args = [&["--sandbox", "balances"], JPM_DAY].concat();
    snapshot("balances", &args);
}

#[test]
fn balances_table_of_each_other_provider() {
    for provider in ["finicity", "chase", "open-banking"] {
        let sandbox = format!("--sandbox={provider}");
        snapshot(&format!("balances_{provider}"), &[&sandbox, "balances"]);
    }
}

const NO_JPM: &[&str] = &["-p", "finicity", "-p", "chase", "-p", "open-banking"];

#[test]
fn position_table() {
    let args = [&["--sandbox", "position"], NO_JPM].concat();
    snapshot("position", &args);
}

#[test]
fn position_totals_only_table() {
    let args = [&["--sandbox", "position", "--totals-only"], NO_JPM].concat();
    snapshot("position_totals_only", &args);
}

#[test]
fn position_table_in_a_reporting_currency() {
    let convert = ["--in", "EUR", "--rates", "eurofxref.csv"];
    let args = [&["--sandbox", "position"], NO_JPM, &convert].concat();
    snapshot("position_in_eur", &args);
}

/// A real terminal (a pty from `script`): rules are drawn, exactly as wide as the widest line,
/// and nothing wraps, at each width.
#[test]
fn rules_on_a_terminal_are_as_wide_as_the_table() {
    let script = Command::new("script").arg("--version").output();
    assert!(
        script.is_ok_and(|o| o.status.success()),
        "this test needs `script` (util-linux) for a pseudo-terminal"
    );
    let home = Home::new();
    for width in WIDTHS {
        let command = format!(
            "stty cols {width} rows 50; {BIN} --sandbox balances {} 2>/dev/null",
            JPM_DAY.join(" ")
        );
        let out = run(assert_cmd::Command::new("script")
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", home.path())
            .env("TREASURY_NO_KEYRING", "1")
            .env("NO_PROXY", "127.0.0.1,localhost")
            .env("NO_COLOR", "1")
            .env("TERM", "dumb")
            .args(["-qec", &command, "/dev/null"]));
        assert_eq!(out.code, 0, "{out}");
        let text = out.stdout.replace("\r\n", "\n");
        widest_fits(&text, width);
        let rules: Vec<&str> = text.lines().filter(|l| l.starts_with('─')).collect();
        assert_eq!(rules.len(), 3, "{text}");
        let widest = text
            .lines()
            .filter(|l| !l.starts_with(['─', '═']) && !l.starts_with("Note"))
            .map(|l| l.chars().count())
            .max()
            .unwrap();
        for rule in rules {
            assert_eq!(rule.chars().count(), widest, "{text}");
        }
        settings().bind(|| insta::assert_snapshot!(format!("balances_terminal_{width}"), text));
    }
}
