//! `--sandbox` and `sandbox serve` for real: `--sandbox=NAME` picks (or refuses) a provider, a
//! profile typed beside `--sandbox` is refused, `sandbox serve` refuses more accounts than it
//! holds, and its secret can come from the environment or stdin, out of `ps`.

use crate::support;

use support::served::{balances, SECRET};
use support::{run, Home, Run, ServedSandbox};

// 6. The sandbox secret can come from the environment or stdin, out of `ps`.

/// Balances from `served` with a secret from the environment: exit code.
fn balances_with_secret(home: &Home, served: &ServedSandbox, secret: &str) -> Run {
    home.write_config(&format!(
        "default_profile = \"t\"\n\n[profiles.t]\nbase_url = \"{0}\"\ntoken_url = \"{0}/oauth2/token\"\nclient_id = \"sandbox\"\n",
        served.base_url()
    ));
    balances(home.cmd().env("TREASURY_CLIENT_SECRET", secret))
}

#[test]
fn the_sandbox_secret_from_the_environment_is_the_one_accepted() {
    let home = Home::new();
    let served = ServedSandbox::start_with(
        &home,
        &[],
        &[("TREASURY_SANDBOX_CLIENT_SECRET", SECRET)],
        None,
    );
    let banner = served.wait_for_log("Press Ctrl-C");
    assert!(
        banner.contains("the secret given with --client-secret or TREASURY_SANDBOX_CLIENT_SECRET"),
        "{}",
        banner
    );
    assert!(!banner.contains(SECRET), "not repeated back:\n{}", banner);
    let cmdline = served.cmdline();
    assert!(
        cmdline.contains("sandbox serve") && !cmdline.contains(SECRET),
        "{cmdline}"
    );
    balances_with_secret(&home, &served, SECRET).code(0);
    balances_with_secret(&home, &served, "sandbox")
        .code(3)
        .stderr_has("the token endpoint refused the client credentials");
}

#[test]
fn the_sandbox_secret_from_stdin_is_the_one_accepted() {
    let home = Home::new();
    let served = ServedSandbox::start_with(
        &home,
        &["--client-secret-stdin"],
        &[],
        Some(&format!("{SECRET}\nignored\n")),
    );
    let banner = served.wait_for_log("Press Ctrl-C");
    assert!(banner.contains("the secret read from stdin"), "{}", banner);
    assert!(!banner.contains(SECRET), "not repeated back:\n{}", banner);
    let cmdline = served.cmdline();
    assert!(
        cmdline.contains("--client-secret-stdin") && !cmdline.contains(SECRET),
        "{cmdline}"
    );
    balances_with_secret(&home, &served, SECRET).code(0);
    balances_with_secret(&home, &served, "ignored").code(3);
}

#[test]
fn an_empty_sandbox_secret_on_stdin_is_refused() {
    let home = Home::new();
    let out = run(home
        .cmd()
        .args(["sandbox", "serve", "--port", "0", "--client-secret-stdin"])
        .write_stdin("\n"));
    out.code(2)
        .stderr_has("error: --client-secret-stdin got an empty first line")
        .stderr_has("hint: pipe the secret in");
}

#[test]
fn sandbox_names_a_provider_or_refuses_it() {
    let env = Home::for_test_profile();
    let chase = run(env
        .bare_cmd()
        .args(["--sandbox=chase", "accounts", "-f", "csv"]));
    chase.code(0);
    assert!(
        chase.stdout.starts_with("account_id,account_name,"),
        "{chase}"
    );
    let unknown = run(env.bare_cmd().args(["--sandbox=hsbc", "accounts"]));
    unknown.code(2).stdout_empty();
    unknown.stderr_has("error: the sandbox does not serve provider 'hsbc'");
    unknown.stderr_has("hint: pick one of: jpmorgan, finicity, chase, open-banking");
}

#[test]
fn sandbox_serve_refuses_more_accounts_than_it_holds() {
    let env = Home::for_test_profile();
    let out =
        run(env
            .bare_cmd()
            .args(["sandbox", "serve", "--port", "0", "--accounts", "999999999"]));
    out.code(2).stdout_empty();
    out.stderr_has("error: --accounts 999999999 is more than the sandbox holds");
    out.stderr_has("hint: give --accounts between 0 and");
}

#[test]
fn a_profile_typed_beside_sandbox_is_refused_not_ignored() {
    let env = Home::for_test_profile();
    for command in ["balances", "accounts", "status"] {
        let out = run(env.bare_cmd().args(["--sandbox", "-p", "prod", command]));
        out.code(2).stdout_empty();
        out.stderr_has("error: -p prod does not work with --sandbox");
        out.stderr_has("drop --sandbox to use profile 'prod'");
    }
    // An exported TREASURY_PROFILE is for runs without --sandbox: not an error.
    let exported = run(env.bare_cmd().env("TREASURY_PROFILE", "prod").args([
        "--sandbox",
        "accounts",
        "-f",
        "csv",
    ]));
    exported.code(0);
    // position picks among the sandbox's providers with -p.
    let position =
        run(env
            .bare_cmd()
            .args(["--sandbox", "position", "-p", "open-banking", "-f", "csv"]));
    position.code(0);
}
