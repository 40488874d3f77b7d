//! Values for dynamic shell completion: profile names, account aliases and group names, read from
//! the config file. Never touches the network.

use std::ffi::OsStr;

use clap_complete::engine::CompletionCandidate;

use crate::config::{self, ConfigFile};

fn config_file() -> ConfigFile {
    let flag = std::env::var_os("TREASURY_CONFIG").map(std::path::PathBuf::from);
    config::config_path(flag.as_deref())
        .ok()
        .and_then(|path| config::load(&path, false).ok())
        .unwrap_or_default()
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
