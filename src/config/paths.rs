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
    let safe: String = profile
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    xdg_dir(env::XDG_CACHE_HOME, ".cache").map(|dir| {
        dir.join("treasury")
            .join("accounts")
            .join(format!("{safe}.json"))
    })
}

/// Where the consent of an open-banking profile is recorded (its id and expiry, not secret):
/// the XDG state folder, one owner-only JSON file per profile.
pub fn consent_state_path(profile: &str) -> Result<PathBuf> {
    let safe: String = profile
        .chars()
        .map(
            |c| match c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                true => c,
                false => '_',
            },
        )
        .collect();
    xdg_dir("XDG_STATE_HOME", ".local/state").map(|dir| {
        dir.join("treasury")
            .join("consents")
            .join(format!("{safe}.json"))
    })
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
