//! Small commands and flags for real: `treasury man`, `--sandbox=NAME` picking (or refusing) a
//! provider, and `sandbox serve` refusing more accounts than it holds — exit code, stdout, stderr.

mod common;

use common::{run, TestEnv};

#[test]
fn man_prints_the_page_of_treasury_or_of_a_command() {
    let env = TestEnv::new();
    let top = run(env.bare_cmd().arg("man"));
    top.expect_code(0).expect_stderr_empty();
    assert!(top.stdout.contains(".TH treasury 1"), "{top}");
    let page = run(env.bare_cmd().args(["man", "balances"]));
    page.expect_code(0).expect_stderr_empty();
    assert!(page.stdout.contains(".TH treasury-balances 1"), "{page}");
    assert!(page.stdout.contains("\\-\\-split"), "{page}");
    let nested = run(env.bare_cmd().args(["man", "sandbox serve"]));
    nested.expect_code(0);
    assert!(
        nested.stdout.contains(".TH treasury-sandbox-serve 1"),
        "{nested}"
    );
}

#[test]
fn man_refuses_an_unknown_command_naming_the_known_ones() {
    let env = TestEnv::new();
    let out = run(env.bare_cmd().args(["man", "balance"]));
    out.expect_code(2).expect_stdout_empty();
    out.expect_stderr_has("error: no manual page for 'balance'");
    out.expect_stderr_has("hint: give one of: login, logout, status, accounts, balances");
}

#[test]
fn sandbox_names_a_provider_or_refuses_it() {
    let env = TestEnv::new();
    let chase = run(env
        .bare_cmd()
        .args(["--sandbox=chase", "accounts", "-f", "csv"]));
    chase.expect_code(0);
    assert!(
        chase.stdout.starts_with("account_id,account_name,"),
        "{chase}"
    );
    let unknown = run(env.bare_cmd().args(["--sandbox=hsbc", "accounts"]));
    unknown.expect_code(2).expect_stdout_empty();
    unknown.expect_stderr_has("error: the sandbox does not serve provider 'hsbc'");
    unknown.expect_stderr_has("hint: pick one of: jpmorgan, finicity, chase, open-banking");
}

#[test]
fn sandbox_serve_refuses_more_accounts_than_it_holds() {
    let env = TestEnv::new();
    let out =
        run(env
            .bare_cmd()
            .args(["sandbox", "serve", "--port", "0", "--accounts", "999999999"]));
    out.expect_code(2).expect_stdout_empty();
    out.expect_stderr_has("error: --accounts 999999999 is more than the sandbox holds");
    out.expect_stderr_has("hint: give --accounts between 0 and");
}
