//! `treasury completions` and the generated files: the completion scripts in `completions/` and
//! the man pages in `docs/man/` are generated from the clap definitions in `src/cli.rs` and
//! committed (regenerated here in memory; a test fails when a committed file is stale, missing or
//! left over from a removed command); the bash script completes in a real bash; completion reads
//! the `--config` typed on the line.
//!
//! To refresh them: `TREASURY_UPDATE_GENERATED=1 cargo test --test it completions::`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use clap::CommandFactory;
use clap_complete::Shell;
use treasury::cli::Cli;
use treasury::commands::completions;

use crate::support::{run, Home};

const UPDATE_VAR: &str = "TREASURY_UPDATE_GENERATED";

/// Each shell and the file its script is committed as.
const SHELLS: [(Shell, &str, &str); 5] = [
    (Shell::Bash, "bash", "treasury.bash"),
    (Shell::Zsh, "zsh", "_treasury"),
    (Shell::Fish, "fish", "treasury.fish"),
    (Shell::PowerShell, "powershell", "_treasury.ps1"),
    (Shell::Elvish, "elvish", "treasury.elv"),
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The completion scripts, by file name.
fn completion_files() -> BTreeMap<String, String> {
    SHELLS
        .iter()
        .map(|(shell, _, file)| (file.to_string(), completions::script(*shell)))
        .collect()
}

/// One man page per command and subcommand (`treasury.1`, `treasury-balances.1`,
/// `treasury-sandbox-serve.1`, ...), the way `clap_mangen::generate_to` names them.
fn man_files() -> BTreeMap<String, String> {
    fn add(cmd: clap::Command, pages: &mut BTreeMap<String, String>) {
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            add(sub.clone(), pages);
        }
        let man = clap_mangen::Man::new(cmd);
        let mut text = Vec::new();
        man.render(&mut text).expect("rendering a man page");
        let text = String::from_utf8(text).expect("man pages are UTF-8");
        pages.insert(man.get_filename(), text);
    }
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    let mut pages = BTreeMap::new();
    add(cmd, &mut pages);
    pages
}

/// Compares (or, with `TREASURY_UPDATE_GENERATED` set, writes) the files of one folder; files
/// with `stray_ext` that are not expected count as stale. Returns what is wrong.
fn sync(dir: &Path, expected: &BTreeMap<String, String>, stray_ext: &[&str]) -> Vec<String> {
    let update = std::env::var_os(UPDATE_VAR).is_some();
    if update {
        std::fs::create_dir_all(dir).expect("creating the folder");
    }
    let mut problems = Vec::new();
    for (name, text) in expected {
        let path = dir.join(name);
        let current = std::fs::read_to_string(&path).ok();
        if current.as_deref() == Some(text.as_str()) {
            continue;
        }
        if update {
            std::fs::write(&path, text).expect("writing a generated file");
        } else {
            let why = if current.is_some() {
                "stale"
            } else {
                "missing"
            };
            problems.push(format!("{} is {why}", path.display()));
        }
    }
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let generated_kind = stray_ext.iter().any(|ext| name.ends_with(ext));
        if generated_kind && !expected.contains_key(&name) {
            if update {
                std::fs::remove_file(entry.path()).expect("removing a stale file");
            } else {
                problems.push(format!(
                    "{} is left over from a command that no longer exists",
                    entry.path().display()
                ));
            }
        }
    }
    problems
}

fn assert_in_sync(problems: Vec<String>) {
    assert!(
        problems.is_empty(),
        "generated files differ from the clap definitions in src/cli.rs:\n  {}\n\
         run `{UPDATE_VAR}=1 cargo test --test it completions::` and commit the result",
        problems.join("\n  ")
    );
}

#[test]
fn completion_scripts_are_up_to_date() {
    let expected = completion_files();
    let names: Vec<&str> = SHELLS.iter().map(|(_, _, file)| *file).collect();
    assert_in_sync(sync(&root().join("completions"), &expected, &names));
}

#[test]
fn man_pages_are_up_to_date() {
    let expected = man_files();
    for page in [
        "treasury.1",
        "treasury-balances.1",
        "treasury-sandbox-serve.1",
    ] {
        assert!(expected.contains_key(page), "no {page} among {expected:?}");
    }
    assert!(
        !expected.keys().any(|p| p.contains("help")),
        "no page for the help subcommand"
    );
    assert_in_sync(sync(&root().join("docs").join("man"), &expected, &[".1"]));
}

#[test]
fn the_binary_prints_the_committed_scripts() {
    for (shell, name, _) in SHELLS {
        let out = Command::new(env!("CARGO_BIN_EXE_treasury"))
            .args(["completions", name])
            .env_remove("TREASURY_PROFILE")
            .env_remove("TREASURY_CONFIG")
            .env_remove(treasury::commands::completions::COMPLETE_ENV)
            .output()
            .expect("running treasury completions");
        assert!(out.status.success(), "treasury completions {name} failed");
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            completions::script(shell),
            "treasury completions {name} prints something else than script({shell:?})"
        );
    }
}

// 8. Completion reads the config file named on the line being completed.

/// What `treasury` offers for the last word of `line`, asked as bash's completion script asks.
fn complete(home: &Home, line: &[&str], env: &[(&str, &str)]) -> Vec<String> {
    let index = (line.len() - 1).to_string();
    let out = run(home
        .cmd()
        .env("COMPLETE", "bash")
        .env("_CLAP_COMPLETE_INDEX", &index)
        .envs(env.iter().copied())
        .arg("--")
        .args(line));
    out.code(0);
    out.stdout.lines().map(str::to_string).collect()
}

#[test]
fn completion_reads_the_config_typed_on_the_line() {
    let home = Home::new();
    home.write_config(
        "[profiles.home-only]\nenvironment = \"uat\"\n[profiles.home-only.accounts]\nops-home = \"B/1\"\n",
    );
    home.write_file(
        "other.toml",
        "[profiles.typed-a]\nenvironment = \"uat\"\n[profiles.typed-b]\nenvironment = \"uat\"\n\
         [profiles.typed-b.accounts]\nops-typed = \"B/2\"\n[profiles.typed-b.groups]\nemea-typed = [\"ops-typed\"]\n",
        0o600,
    );
    let other = home.path().join("other.toml").display().to_string();
    let equals = format!("--config={other}");
    assert_eq!(complete(&home, &["treasury", "-p", ""], &[]), ["home-only"]);
    assert_eq!(
        complete(&home, &["treasury", "--config", &other, "-p", ""], &[]),
        ["typed-a", "typed-b"]
    );
    assert_eq!(
        complete(&home, &["treasury", &equals, "balances", "-a", "ops"], &[]),
        ["ops-typed"]
    );
    assert_eq!(
        complete(
            &home,
            &[
                "treasury",
                "balances",
                "--config",
                "other.toml",
                "--group",
                ""
            ],
            &[]
        ),
        ["emea-typed"],
        "a relative path, after the subcommand"
    );
    // The line wins over TREASURY_CONFIG, which wins over the default file.
    let env = [("TREASURY_CONFIG", other.as_str())];
    assert_eq!(
        complete(&home, &["treasury", "-p", ""], &env),
        ["typed-a", "typed-b"]
    );
    let home_config = home.config_path().display().to_string();
    assert_eq!(
        complete(
            &home,
            &["treasury", "--config", &home_config, "-p", ""],
            &env
        ),
        ["home-only"]
    );
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
