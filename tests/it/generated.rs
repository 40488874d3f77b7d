//! The completion scripts in `completions/` and the man pages in `docs/man/` are generated from
//! the clap definitions in `src/cli.rs` and committed. This test regenerates them in memory and
//! fails when a committed file is stale, missing or left over from a removed command.
//!
//! To refresh them: `TREASURY_UPDATE_GENERATED=1 cargo test --test generated`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use clap::CommandFactory;
use clap_complete::Shell;
use treasury::cli::Cli;
use treasury::commands::completions;

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
         run `{UPDATE_VAR}=1 cargo test --test generated` and commit the result",
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
