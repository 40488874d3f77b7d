//! `--help` of `treasury` and of each command, as snapshots: the flags, defaults, examples and
//! exit codes a user reads before anything else (100 columns, no colour).

use crate::support::snapshot;
use crate::support::{run, Home};

/// `treasury ARGS` at 100 columns; its help must exit 0 with nothing on stderr.
fn help(home: &Home, args: &[&str]) -> crate::support::Run {
    let out = run(home
        .cmd()
        .env("COLUMNS", "100")
        .env("NO_COLOR", "1")
        .args(args));
    out.code(0)
        .check(out.stderr.is_empty(), "help writes nothing on stderr");
    out
}

#[test]
fn help_of_treasury_long_and_short() {
    let home = Home::new();
    for (name, flag) in [("help", "--help"), ("help_short", "-h")] {
        let out = help(&home, &[flag]);
        snapshot::assert_run(name, home.path(), out.code, &out.stdout, &out.stderr);
    }
}

#[test]
fn help_of_each_command() {
    let home = Home::new();
    let commands: &[&[&str]] = &[
        &["logout"],
        &["status"],
        &["accounts"],
        &["balances"],
        &["position"],
        &["history"],
        &["check"],
        &["completions"],
        &["man"],
        &["sandbox"],
        &["sandbox", "serve"],
    ];
    for command in commands {
        let args = [*command, &["--help"]].concat();
        let out = help(&home, &args);
        let name = format!("help_{}", command.join("_"));
        snapshot::assert_run(&name, home.path(), out.code, &out.stdout, &out.stderr);
    }
}
