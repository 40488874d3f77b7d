//! Every environment variable treasury reads (beyond the ones clap reads for its flags), named
//! once and read here, so what the environment can change is one list.

use std::ffi::OsString;

/// Report format when neither `-f` nor an `--output` extension says (`PRODUCT.md`).
pub const FORMAT: &str = "TREASURY_FORMAT";
/// A client (or partner) secret, first in the secret chain.
pub const CLIENT_SECRET: &str = "TREASURY_CLIENT_SECRET";
/// A ready access token: no token request at all.
pub const ACCESS_TOKEN: &str = "TREASURY_ACCESS_TOKEN";
/// Leaves the OS keyring out of the chain (tests, locked-down servers).
pub const NO_KEYRING: &str = "TREASURY_NO_KEYRING";
/// The profile in use; clap reads it for `-p`, `check` for the profile of rules naming none.
pub const PROFILE: &str = "TREASURY_PROFILE";
/// How long a run waits for the credentials lock held by another run, in seconds (default 120).
pub const LOCK_WAIT_SECS: &str = "TREASURY_LOCK_WAIT_SECS";
/// The config file, where clap has not already been asked (completion).
pub const CONFIG: &str = "TREASURY_CONFIG";
/// No colour, as <https://no-color.org> asks.
pub const NO_COLOR: &str = "NO_COLOR";
/// Terminal width, overriding what the terminal reports.
pub const COLUMNS: &str = "COLUMNS";
pub const HOME: &str = "HOME";
pub const XDG_CONFIG_HOME: &str = "XDG_CONFIG_HOME";
pub const XDG_CACHE_HOME: &str = "XDG_CACHE_HOME";
pub const XDG_STATE_HOME: &str = "XDG_STATE_HOME";
pub const XDG_DATA_HOME: &str = "XDG_DATA_HOME";
/// `1` (any value but `0` or empty) stops recording balances in the history.
pub const NO_HISTORY: &str = "TREASURY_NO_HISTORY";
/// Proxies, first set wins, as curl reads them.
pub const HTTPS_PROXY: &[&str] = &["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"];
pub const HTTP_PROXY: &[&str] = &["HTTP_PROXY", "http_proxy"];
pub const NO_PROXY: &[&str] = &["NO_PROXY", "no_proxy"];

/// The variable's value as text, when it is set and not empty.
pub fn text(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// The variable's value as the OS gave it (a path), when it is set and not empty.
pub fn os(name: &str) -> Option<OsString> {
    std::env::var_os(name).filter(|v| !v.is_empty())
}

/// The variable's value as a whole number of seconds, when it is one.
pub fn seconds(name: &str) -> Option<std::time::Duration> {
    text(name)?
        .trim()
        .parse()
        .ok()
        .map(std::time::Duration::from_secs)
}

/// Whether the variable is set at all, even to nothing.
pub fn is_set(name: &str) -> bool {
    std::env::var_os(name).is_some()
}

/// The first of several variables that is set and not empty.
pub fn first(names: &[&str]) -> Option<String> {
    names.iter().find_map(|name| text(name))
}
