//! `treasury man` for real: the page of treasury or of a command, an unknown command refused, and
//! a formatted page (not roff) on a terminal.

use crate::support;

use support::{on_a_terminal, run, Home};

#[test]
fn man_prints_the_page_of_treasury_or_of_a_command() {
    let env = Home::for_test_profile();
    let top = run(env.bare_cmd().arg("man"));
    top.code(0).stderr_empty();
    assert!(top.stdout.contains(".TH treasury 1"), "{top}");
    let page = run(env.bare_cmd().args(["man", "balances"]));
    page.code(0).stderr_empty();
    assert!(page.stdout.contains(".TH treasury-balances 1"), "{page}");
    assert!(page.stdout.contains("\\-\\-split"), "{page}");
    let nested = run(env.bare_cmd().args(["man", "sandbox serve"]));
    nested.code(0);
    assert!(
        nested.stdout.contains(".TH treasury-sandbox-serve 1"),
        "{nested}"
    );
}

#[test]
fn man_refuses_an_unknown_command_naming_the_known_ones() {
    let env = Home::for_test_profile();
    let out = run(env.bare_cmd().args(["man", "balance"]));
    out.code(2).stdout_empty();
    out.stderr_has("error: no manual page for 'balance'");
    out.stderr_has("hint: give one of: login, logout, status, accounts, balances");
}

// ---- On a terminal -----------------------------------------------------

#[test]
fn man_on_a_terminal_is_a_formatted_page_not_roff() {
    let env = Home::for_test_profile();
    let shown = on_a_terminal(&env, "treasury man balances");
    assert!(
        !shown.contains(".TH") && !shown.contains("\\-\\-split"),
        "{shown}"
    );
    assert!(shown.contains("--split"), "{shown}");
}
