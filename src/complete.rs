//! Values for dynamic shell completion: profile names, account aliases and group names, read from
//! the config file. Never touches the network.

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

/// The last `--config FILE` or `--config=FILE` among the words the shell passed after `--`
/// (the line being completed). A `~/` the shell left unexpanded means HOME.
fn typed_config(args: impl IntoIterator<Item = OsString>) -> Option<PathBuf> {
    let words: Vec<OsString> = args.into_iter().skip_while(|w| w != "--").skip(1).collect();
    let mut found = None;
    for (i, word) in words.iter().enumerate() {
        let text = word.to_string_lossy();
        if text == "--config" {
            found = words.get(i + 1).cloned();
        } else if let Some(value) = text.strip_prefix("--config=") {
            found = Some(OsString::from(value));
        }
    }
    let path = PathBuf::from(found.filter(|p| !p.is_empty())?);
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

/// Aliases of every profile: the profile being completed for is not known yet.
pub fn aliases(current: &OsStr) -> Vec<CompletionCandidate> {
    let names = config_file()
        .profiles
        .into_values()
        .flat_map(|p| p.accounts.into_keys());
    matching(names, current, "account alias")
}

pub fn groups(current: &OsStr) -> Vec<CompletionCandidate> {
    let names = config_file()
        .profiles
        .into_values()
        .flat_map(|p| p.groups.into_keys());
    matching(names, current, "account group")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(words: &[&str]) -> Option<PathBuf> {
        typed_config(words.iter().map(OsString::from))
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
