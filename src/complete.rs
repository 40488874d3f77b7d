//! Dynamic shell completion: answering the shell, and the values it offers (profile names, the
//! aliases and group names of the profile on the line, read from the config file, and the
//! sandbox's providers, the registry's). Never touches the network.

use std::ffi::{OsStr, OsString};
use std::path::PathBuf;

use clap_complete::engine::CompletionCandidate;

use crate::config::{self, ConfigFile};

/// The config file the command being typed will read: a `--config` on the line, else
/// `TREASURY_CONFIG`, else the default one.
fn config_file() -> ConfigFile {
    let typed = typed_config(std::env::args_os());
    let flag = typed.or_else(|| crate::env::os(crate::env::CONFIG).map(PathBuf::from));
    config::config_path(flag.as_deref())
        .ok()
        .and_then(|path| config::load(&path, false).ok())
        .unwrap_or_default()
}

/// The last value of an option among the words the shell passed after `--` (the line being
/// completed): `LONG VALUE`, `LONG=VALUE`, `SHORT VALUE` or `SHORTVALUE`.
fn typed_option(
    args: impl IntoIterator<Item = OsString>,
    long: &str,
    short: Option<&str>,
) -> Option<OsString> {
    let words: Vec<OsString> = args.into_iter().skip_while(|w| w != "--").skip(1).collect();
    let mut found = None;
    for (i, word) in words.iter().enumerate() {
        let text = word.to_string_lossy();
        if text == long || Some(text.as_ref()) == short {
            found = words.get(i + 1).cloned();
        } else if let Some(value) = text.strip_prefix(&format!("{long}=")) {
            found = Some(OsString::from(value));
        } else if let Some(value) = short.and_then(|s| text.strip_prefix(s)) {
            found = Some(OsString::from(value));
        }
    }
    found.filter(|value| !value.is_empty())
}

/// The last `--config FILE` or `--config=FILE` on the line. A `~/` the shell left unexpanded
/// means HOME.
fn typed_config(args: impl IntoIterator<Item = OsString>) -> Option<PathBuf> {
    let path = PathBuf::from(typed_option(args, "--config", None)?);
    match (path.strip_prefix("~"), crate::env::os(crate::env::HOME)) {
        (Ok(rest), Some(home)) => Some(PathBuf::from(home).join(rest)),
        _ => Some(path),
    }
}

fn matching(
    names: impl IntoIterator<Item = String>,
    current: &OsStr,
    help: &str,
) -> Vec<CompletionCandidate> {
    let current = current.to_string_lossy();
    let mut names: Vec<String> = names
        .into_iter()
        .filter(|n| n.starts_with(current.as_ref()))
        .collect();
    names.sort();
    names.dedup();
    names
        .into_iter()
        .map(|n| CompletionCandidate::new(n).help(Some(help.to_string().into())))
        .collect()
}

pub fn profiles(current: &OsStr) -> Vec<CompletionCandidate> {
    matching(config_file().profiles.into_keys(), current, "profile")
}

/// The profiles whose aliases and groups the line can use: the one `-p` names (else
/// `TREASURY_PROFILE`, else the file's `default_profile`) when the file has it; every profile
/// when none is named or the name is not in the file (a multi-profile `position` line).
fn profiles_on_the_line(file: ConfigFile) -> Vec<crate::config::ProfileFile> {
    let named = typed_option(std::env::args_os(), "--profile", Some("-p"))
        .map(|p| p.to_string_lossy().into_owned())
        .or_else(|| crate::env::text("TREASURY_PROFILE"))
        .or(file.default_profile.clone());
    let mut profiles = file.profiles;
    match named.and_then(|name| profiles.remove(&name)) {
        Some(profile) => vec![profile],
        None => profiles.into_values().collect(),
    }
}

/// Aliases of the profile on the line.
pub fn aliases(current: &OsStr) -> Vec<CompletionCandidate> {
    let names = profiles_on_the_line(config_file())
        .into_iter()
        .flat_map(|p| p.accounts.into_keys());
    matching(names, current, "account alias")
}

/// Groups of the profile on the line.
pub fn groups(current: &OsStr) -> Vec<CompletionCandidate> {
    let names = profiles_on_the_line(config_file())
        .into_iter()
        .flat_map(|p| p.groups.into_keys());
    matching(names, current, "account group")
}

/// The providers `--sandbox=NAME` serves: every registered one (a sandbox test holds it to that).
pub fn sandbox_providers(current: &OsStr) -> Vec<CompletionCandidate> {
    let names = crate::bank::PROVIDERS
        .iter()
        .map(|spec| spec.name.to_string());
    matching(names, current, "sandbox provider")
}

/// Answers a shell asking for completions (`var=<shell>` in the environment) and ends the
/// process; returns at once when no shell is asking. Bash's answer is returned instead, for
/// the caller to write (through `term`) before it ends the process.
///
/// Before the line reaches clap's completion engine, an option's value typed as its own word
/// (`-p sandbox`) is joined to it (`--profile=sandbox`): the engine would otherwise take a value
/// that is also a subcommand's name for that subcommand.
pub fn answer_shell(command: fn() -> clap::Command, var: &'static str) -> Option<String> {
    let shell = std::env::var_os(var)?;
    let index: Option<usize> = crate::env::text(INDEX_VAR).and_then(|i| i.parse().ok());
    let args: Vec<OsString> = std::env::args_os().collect();
    if let (true, Some(line), Some(index)) =
        (shell == "bash", crate::env::text(BASH_LINE_VAR), index)
    {
        return Some(answer_bash(command, args, index, &line));
    }
    let (args, index) = join_option_values(&command(), args, index);
    if let Some(index) = index {
        std::env::set_var(INDEX_VAR, index.to_string());
    }
    let current_dir = std::env::current_dir().ok();
    let answered = clap_complete::CompleteEnv::with_factory(command)
        .var(var)
        .try_complete(args, current_dir.as_deref())
        .unwrap_or_else(|e| e.exit());
    if answered {
        std::process::exit(0);
    }
    None
}

/// Where bash, zsh and elvish say which word is being completed.
const INDEX_VAR: &str = "_CLAP_COMPLETE_INDEX";
/// Where our bash script passes the line up to the cursor, as typed: bash splits the words at
/// `=`, so `--sandbox=fi` reaches us as `--sandbox`, `=`, `fi`.
pub const BASH_LINE_VAR: &str = "_TREASURY_COMP_LINE";

/// Bash: the line's `--LONG=PARTIAL` rejoined, the options' values joined, the candidates
/// written without the `--LONG=` bash already has on the line.
fn answer_bash(
    command: fn() -> clap::Command,
    args: Vec<OsString>,
    index: usize,
    line: &str,
) -> String {
    let start = args
        .iter()
        .position(|a| a == "--")
        .map_or(args.len(), |i| i + 1);
    let words = args[start..].to_vec();
    let (words, index, typed) = rejoin_equals(words, index, line);
    let mut cmd = command();
    let (words, index) = join_words(&cmd, &words, index);
    cmd.build();
    let current_dir = std::env::current_dir().ok();
    let candidates =
        clap_complete::engine::complete(&mut cmd, words, index, current_dir.as_deref())
            .unwrap_or_default();
    let values: Vec<String> = candidates
        .iter()
        .map(|c| c.get_value().to_string_lossy().into_owned())
        .map(|v| v.strip_prefix(&typed).map_or(v.clone(), str::to_string))
        .collect();
    let separator = crate::env::text("_CLAP_IFS").unwrap_or_else(|| "\n".to_string());
    values.join(&separator)
}

/// `--LONG`, `=`, `VALUE` before the word being completed joined back into `--LONG=VALUE`.
fn rejoin_before_cursor(words: Vec<OsString>, index: usize) -> (Vec<OsString>, usize) {
    let mut joined: Vec<OsString> = Vec::with_capacity(words.len());
    let mut new_index = index;
    let mut i = 0;
    while i < words.len() {
        let splits =
            i + 2 < index && words[i + 1] == "=" && words[i].to_string_lossy().starts_with("--");
        match splits {
            true => {
                let mut word = words[i].clone();
                word.push("=");
                word.push(&words[i + 2]);
                joined.push(word);
                new_index -= 2;
                i += 3;
            }
            false => {
                joined.push(words[i].clone());
                i += 1;
            }
        }
    }
    (joined, new_index)
}

/// The words with the one being completed as typed when it is `--LONG=PARTIAL` (bash gave it
/// as `--LONG`, `=`, `PARTIAL`, or `--LONG` and an empty word); its index; and the `--LONG=`
/// bash keeps on the line (empty when nothing was rejoined).
fn rejoin_equals(words: Vec<OsString>, index: usize, line: &str) -> (Vec<OsString>, usize, String) {
    let (mut words, index) = rejoin_before_cursor(words, index);
    let last = match line.ends_with(char::is_whitespace) {
        true => "",
        false => line.split_whitespace().last().unwrap_or_default(),
    };
    let Some((long, _)) = last.split_once('=').filter(|(l, _)| l.starts_with("--")) else {
        return (words, index, String::new());
    };
    let Some(at) = words[..index.min(words.len())]
        .iter()
        .rposition(|w| w == long)
    else {
        return (words, index, String::new());
    };
    words.truncate(at);
    words.push(OsString::from(last));
    (words, at, format!("{long}="))
}

/// The line (after `--`) with each `OPTION VALUE` before the word being completed joined into
/// `--LONG=VALUE`, for options that always take a value; and the index of that word after it.
fn join_option_values(
    command: &clap::Command,
    args: Vec<OsString>,
    index: Option<usize>,
) -> (Vec<OsString>, Option<usize>) {
    let Some(start) = args.iter().position(|a| a == "--").map(|i| i + 1) else {
        return (args, index);
    };
    let cursor = index.unwrap_or(args.len() - start - 1);
    let (words, cursor) = join_words(command, &args[start..], cursor);
    let mut joined: Vec<OsString> = args[..start].to_vec();
    joined.extend(words);
    (joined, index.map(|_| cursor))
}

/// `join_option_values` for the words alone: the words, and the new index of the cursor's.
fn join_words(
    command: &clap::Command,
    words: &[OsString],
    cursor: usize,
) -> (Vec<OsString>, usize) {
    let takes_value = valued_options(command);
    let mut joined: Vec<OsString> = Vec::with_capacity(words.len());
    let mut new_cursor = cursor;
    let mut i = 0;
    while i < words.len() {
        match takes_value.get(words[i].to_string_lossy().as_ref()) {
            Some(long) if i + 1 < cursor => {
                let mut word = OsString::from(format!("{long}="));
                word.push(&words[i + 1]);
                joined.push(word);
                new_cursor -= 1;
                i += 2;
            }
            _ => {
                joined.push(words[i].clone());
                i += 1;
            }
        }
    }
    (joined, new_cursor)
}

/// Every option of the command tree that takes a value as a separate word, by each way it can
/// be typed (`-p`, `--profile`), to its long form.
fn valued_options(command: &clap::Command) -> std::collections::HashMap<String, String> {
    let mut command = command.clone();
    command.build();
    let mut options = std::collections::HashMap::new();
    collect_valued(&command, &mut options);
    options
}

fn collect_valued(
    command: &clap::Command,
    options: &mut std::collections::HashMap<String, String>,
) {
    for arg in command.get_arguments() {
        let always_valued = arg
            .get_num_args()
            .is_some_and(|n| n.min_values() >= 1 && n.takes_values());
        let (Some(long), true) = (
            arg.get_long(),
            always_valued && !arg.is_require_equals_set(),
        ) else {
            continue;
        };
        let long = format!("--{long}");
        if let Some(short) = arg.get_short() {
            options.insert(format!("-{short}"), long.clone());
        }
        options.insert(long.clone(), long);
    }
    for sub in command.get_subcommands() {
        collect_valued(sub, options);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(words: &[&str]) -> Option<PathBuf> {
        typed_config(words.iter().map(OsString::from))
    }

    fn line(words: &[&str]) -> Vec<OsString> {
        words.iter().map(OsString::from).collect()
    }

    #[test]
    fn option_values_before_the_cursor_are_joined_to_their_option() {
        let command = <crate::cli::Cli as clap::CommandFactory>::command();
        let words = line(&[
            "treasury", "--", "treasury", "-p", "sandbox", "balances", "-a", "",
        ]);
        let (joined, index) = join_option_values(&command, words, Some(5));
        assert_eq!(
            joined,
            line(&[
                "treasury",
                "--",
                "treasury",
                "--profile=sandbox",
                "balances",
                "-a",
                ""
            ])
        );
        assert_eq!(index, Some(4));
        // The option right before the cursor keeps waiting for its value.
        let words = line(&["treasury", "--", "treasury", "-p", ""]);
        let (joined, index) = join_option_values(&command, words.clone(), Some(2));
        assert_eq!((joined, index), (words, Some(2)));
        // --sandbox takes its value only after `=`, flags never.
        let words = line(&[
            "treasury",
            "--",
            "treasury",
            "--sandbox",
            "-v",
            "sandbox",
            "",
        ]);
        let (joined, _) = join_option_values(&command, words.clone(), Some(4));
        assert_eq!(joined, words);
    }

    #[test]
    fn bash_words_split_at_the_equals_sign_are_rejoined() {
        let words = line(&["treasury", "--sandbox", "=", "fi"]);
        let (words, index, typed) = rejoin_equals(words, 3, "treasury --sandbox=fi");
        assert_eq!(words, line(&["treasury", "--sandbox=fi"]));
        assert_eq!((index, typed.as_str()), (1, "--sandbox="));
        let words = line(&["treasury", "--sandbox", ""]);
        let (words, index, _) = rejoin_equals(words, 2, "treasury --sandbox=");
        assert_eq!((words, index), (line(&["treasury", "--sandbox="]), 1));
        let words = line(&["treasury", "--profile", "=", "x", "balances", "-a", ""]);
        let (words, index, _) = rejoin_equals(words, 6, "treasury --profile=x balances -a ");
        let joined = line(&["treasury", "--profile=x", "balances", "-a", ""]);
        assert_eq!((words, index), (joined, 4));
        // A space after --sandbox: the next word is not its value.
        let words = line(&["treasury", "--sandbox", ""]);
        let (same, index, typed) = rejoin_equals(words.clone(), 2, "treasury --sandbox ");
        assert_eq!((same, index, typed), (words, 2, String::new()));
    }

    #[test]
    fn the_config_typed_on_the_line_is_found() {
        let line = ["treasury", "--", "treasury", "--config", "a.toml", "-p", ""];
        assert_eq!(typed(&line), Some(PathBuf::from("a.toml")));
        let line = [
            "treasury",
            "--",
            "treasury",
            "--config=b.toml",
            "balances",
            "-a",
        ];
        assert_eq!(typed(&line), Some(PathBuf::from("b.toml")));
        assert_eq!(typed(&["treasury", "--", "treasury", "-p", ""]), None);
        // Before `--` are the completer's own arguments, not the line.
        assert_eq!(
            typed(&["treasury", "--config", "x", "--", "treasury"]),
            None
        );
        assert_eq!(typed(&["treasury", "--", "treasury", "--config"]), None);
    }
}
