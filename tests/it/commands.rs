//! Small commands and flags for real: `treasury man`, `--sandbox=NAME` picking (or refusing) a
//! provider, and `sandbox serve` refusing more accounts than it holds — exit code, stdout, stderr.

use crate::support;

use support::{run, Home};

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

// ---- Bash completion, in a real bash with the committed script ------------------------------

/// What a real bash offers at the end of `line`, with `completions/treasury.bash` loaded and
/// this build of `treasury` first on PATH. The words are split as bash splits them for
/// completion: at spaces, and around `=` (which is in COMP_WORDBREAKS).
fn bash_offers(env: &Home, line: &str) -> Vec<String> {
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("completions/treasury.bash");
    let bin_dir = std::path::Path::new(env!("CARGO_BIN_EXE_treasury"))
        .parent()
        .unwrap()
        .to_path_buf();
    let spaced = line.replace('=', " = ");
    let mut words: Vec<&str> = spaced.split_whitespace().collect();
    // The word being completed: empty after a space or an `=`, as bash passes it in $2.
    let current = match line.ends_with([' ', '=']) {
        true => "",
        false => words.pop().unwrap(),
    };
    let cword = match line.ends_with('=') {
        true => words.len() - 1,
        false => words.len(),
    };
    if !line.ends_with('=') {
        words.push(current);
    }
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let program = format!(
        "source '{}'\nCOMP_WORDS=({})\nCOMP_CWORD={cword}\nCOMP_LINE='{line}'\n\
         COMP_POINT=${{#COMP_LINE}}\nCOMP_TYPE=9\n\
         _clap_complete_treasury treasury '{current}' \"${{COMP_WORDS[COMP_CWORD-1]}}\"\n\
         printf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
        script.display(),
        quoted.join(" "),
    );
    let out = std::process::Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &program])
        .env_clear()
        .env("HOME", env.path())
        .env("XDG_CONFIG_HOME", env.path().join("config"))
        .env("PATH", format!("{}:/usr/bin:/bin", bin_dir.display()))
        .output()
        .expect("this test needs bash");
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// A config as getting-started.md leads to: a profile named `sandbox` (like the subcommand),
/// and a second profile with aliases of its own.
fn two_profiles(env: &Home) {
    let path = env.config_path();
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(
        path,
        "[profiles.sandbox]\nbase_url = \"http://127.0.0.1:8080\"\n\
         [profiles.sandbox.accounts]\nops = \"02100002/1\"\n[profiles.sandbox.groups]\nemea = [\"ops\"]\n\
         [profiles.other]\nbase_url = \"http://127.0.0.1:8081\"\n\
         [profiles.other.accounts]\npayroll = \"02100002/2\"\n",
    )
    .unwrap();
}

#[test]
fn bash_completes_aliases_of_the_profile_named_sandbox() {
    let env = Home::for_test_profile();
    two_profiles(&env);
    assert_eq!(
        bash_offers(&env, "treasury -p sandbox balances -a "),
        ["ops"]
    );
    let line = "treasury --profile sandbox balances --group ";
    assert_eq!(bash_offers(&env, line), ["emea"]);
    let line = "treasury --profile=sandbox balances -a o";
    assert_eq!(bash_offers(&env, line), ["ops"]);
    // The subcommand itself still completes.
    assert_eq!(
        bash_offers(&env, "treasury -p sandbox sandbox s"),
        ["serve"]
    );
}

#[test]
fn bash_completes_aliases_only_from_the_profile_given_with_p() {
    let env = Home::for_test_profile();
    two_profiles(&env);
    let line = "treasury -p other balances -a ";
    assert_eq!(bash_offers(&env, line), ["payroll"]);
    // No profile named: every profile's aliases.
    assert_eq!(
        bash_offers(&env, "treasury balances -a "),
        ["ops", "payroll"]
    );
    // Profiles themselves after -p, including `sandbox`.
    assert_eq!(bash_offers(&env, "treasury -p "), ["other", "sandbox"]);
}

#[test]
fn bash_completes_sandbox_provider_names_after_the_equals_sign() {
    let env = Home::for_test_profile();
    // Bash keeps `--sandbox=` on the line and replaces only what follows it.
    let offered = bash_offers(&env, "treasury --sandbox=");
    assert_eq!(offered, ["chase", "finicity", "jpmorgan", "open-banking"]);
    assert_eq!(bash_offers(&env, "treasury --sandbox=fi"), ["finicity"]);
    // After a space, --sandbox has taken no value: the subcommands come next.
    assert!(bash_offers(&env, "treasury --sandbox ").contains(&"balances".to_string()));
}

// ---- Smaller things a newcomer trips on -----------------------------------------------------

/// `script` runs `command` on a pseudo-terminal; its transcript, escapes and all.
fn on_a_terminal(env: &Home, command: &str) -> String {
    let bin_dir = std::path::Path::new(env!("CARGO_BIN_EXE_treasury"))
        .parent()
        .unwrap()
        .to_path_buf();
    let out = std::process::Command::new("script")
        .args(["-qec", command, "/dev/null"])
        .env_clear()
        .env("HOME", env.path())
        .env("XDG_CONFIG_HOME", env.path().join("config"))
        .env("PATH", format!("{}:/usr/bin:/bin", bin_dir.display()))
        .env("TERM", "xterm")
        .env("NO_COLOR", "1")
        .env("MANPAGER", "cat")
        .env("PAGER", "cat")
        .env("COLUMNS", "100")
        .output()
        .expect("this test needs `script` (util-linux) for a pseudo-terminal");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

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

#[test]
fn ctrl_c_clears_the_progress_bar_before_saying_what_stopped() {
    let env = Home::for_test_profile();
    let shown = on_a_terminal(
        &env,
        "timeout -s INT 1.5 treasury --sandbox balances --from 2000-01-01 --to 2026-01-01 \
         --split -f csv -o out.csv",
    );
    let stopped = shown
        .find("error: stopped by SIGINT")
        .unwrap_or_else(|| panic!("no interruption message:\n{shown:?}"));
    let bar = shown[..stopped]
        .rfind(" requests ")
        .unwrap_or_else(|| panic!("no progress bar was drawn:\n{shown:?}"));
    let between = &shown[bar..stopped];
    assert!(
        between.contains("\x1b[2K"),
        "the bar is not cleared: {between:?}"
    );
    assert!(between.ends_with("\r\x1b[K"), "{between:?}");
    assert!(!env.path().join("out.csv").exists());
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

#[test]
fn quiet_keeps_only_errors_and_the_failed_accounts_of_a_partial_report() {
    let env = Home::for_test_profile();
    let out = run(env.bare_cmd().args([
        "-q",
        "--sandbox",
        "balances",
        "--prior-day",
        "-a",
        "CHASGB2L/0041000001",
        "-a",
        "99999",
    ]));
    out.code(5);
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(
        lines,
        ["warning: account 99999: GCA-010 The account was not found"],
        "{out}"
    );
    let help = run(env.bare_cmd().arg("--help"));
    help.stdout_has("Only errors on stderr, and the per-account errors of a partial report");
}
