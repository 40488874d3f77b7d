//! Where treasury's files live: the config file, the credentials file, the account cache,
//! under the XDG folders (else HOME).

use std::path::{Path, PathBuf};

use crate::env;
use crate::error::{Error, Result};

/// Where the config file is: `--config`/`TREASURY_CONFIG`, else the XDG location.
pub fn config_path(flag: Option<&Path>) -> Result<PathBuf> {
    match flag {
        Some(path) => Ok(path.to_path_buf()),
        None => Ok(config_dir()?.join("config.toml")),
    }
}

/// The owner-only credentials file, for machines without a keyring.
pub fn credentials_path() -> Result<PathBuf> {
    config_dir().map(|dir| dir.join("credentials.toml"))
}

/// The lock file that runs renewing a browser login take before spending a refresh token.
pub fn login_lock_path() -> Result<PathBuf> {
    config_dir().map(|dir| dir.join("login.lock"))
}

/// Where the account list of a profile is cached.
pub fn account_cache_path(profile: &str) -> Result<PathBuf> {
    xdg_dir(env::XDG_CACHE_HOME, ".cache").map(|dir| {
        dir.join("treasury")
            .join("accounts")
            .join(format!("{}.json", file_name_of(profile)))
    })
}

/// Where the consent of an open-banking profile is recorded (its id and expiry, not secret):
/// the XDG state folder, one owner-only JSON file per profile.
pub fn consent_state_path(profile: &str) -> Result<PathBuf> {
    xdg_dir(env::XDG_STATE_HOME, ".local/state").map(|dir| {
        dir.join("treasury")
            .join("consents")
            .join(format!("{}.json", file_name_of(profile)))
    })
}

/// The history database: `$XDG_DATA_HOME/treasury/history.sqlite3`.
pub fn history_path() -> Result<PathBuf> {
    xdg_dir(env::XDG_DATA_HOME, ".local/share")
        .map(|dir| dir.join("treasury").join("history.sqlite3"))
}

/// Where `treasury sandbox serve` keeps its demo signing key and certificate (owner-only).
pub fn sandbox_state_dir() -> Result<PathBuf> {
    xdg_dir(env::XDG_STATE_HOME, ".local/state").map(|dir| dir.join("treasury").join("sandbox"))
}

/// Where a provider keeps what it remembers between runs (never a secret): a file of its own
/// under the XDG state folder, `treasury/<provider>/<file>` (Finicity: refused partners).
pub fn provider_state_path(provider: &str, file: &str) -> Result<PathBuf> {
    xdg_dir(env::XDG_STATE_HOME, ".local/state")
        .map(|dir| dir.join("treasury").join(provider).join(file))
}

/// A profile name as a file name, one to one: letters, digits and `-` stay, anything else is
/// `_` and its code point in hex, so `a.b` and `a_b` never share a file.
fn file_name_of(profile: &str) -> String {
    profile
        .chars()
        .map(|c| match c.is_ascii_alphanumeric() || c == '-' {
            true => c.to_string(),
            false => format!("_{:x}_", u32::from(c)),
        })
        .collect()
}

fn config_dir() -> Result<PathBuf> {
    xdg_dir(env::XDG_CONFIG_HOME, ".config").map(|dir| dir.join("treasury"))
}

fn xdg_dir(var: &str, fallback: &str) -> Result<PathBuf> {
    if let Some(dir) = env::os(var) {
        return Ok(PathBuf::from(dir));
    }
    match env::os(env::HOME) {
        Some(home) => Ok(PathBuf::from(home).join(fallback)),
        None => Err(Error::usage_hint(
            format!("neither {var} nor HOME is set, so there is no place for treasury's files"),
            "set HOME, or pass --config FILE",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::file_name_of;

    #[test]
    fn profile_file_names_are_one_to_one() {
        assert_eq!(file_name_of("uat-1"), "uat-1");
        assert_ne!(file_name_of("a.b"), file_name_of("a_b"));
        assert_eq!(file_name_of("a/../b"), "a_2f__2e__2e__2f_b");
    }
}
