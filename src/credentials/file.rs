//! The owner-only credentials file (`credentials.toml`), for machines without a keyring: one
//! table per profile with its client secret and cached token. Refused when others can read it.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::lock::{self, CredentialsLock};
use crate::atomic::AtomicFile;
use crate::error::{Error, Result};
use crate::secret::check_private;
use crate::secret::Secret;

#[derive(Default, Serialize, Deserialize)]
struct FileContents {
    #[serde(default)]
    profiles: BTreeMap<String, Stored>,
}

/// What the file holds for one profile.
#[derive(Default, Clone, Serialize, Deserialize)]
pub struct Stored {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_expires_at: Option<DateTime<Utc>>,
    /// A browser login's refresh token, and when the bank said it ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_expires_at: Option<DateTime<Utc>>,
}

impl std::fmt::Debug for Stored {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Stored")
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "(redacted)"),
            )
            .field(
                "access_token",
                &self.access_token.as_ref().map(|_| "(redacted)"),
            )
            .field("token_expires_at", &self.token_expires_at)
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "(redacted)"),
            )
            .field("refresh_expires_at", &self.refresh_expires_at)
            .finish()
    }
}

impl Stored {
    pub fn secret(&self) -> Option<Secret> {
        self.client_secret.clone().map(Secret::new)
    }

    fn is_empty(&self) -> bool {
        self.client_secret.is_none() && self.access_token.is_none() && self.refresh_token.is_none()
    }
}

fn read(path: &Path) -> Result<FileContents> {
    if !path.exists() {
        return Ok(FileContents::default());
    }
    check_private(path, "credentials file")?;
    read_unchecked(path)
}

/// Reads the file whatever its mode: only to take secrets out of it.
fn read_unchecked(path: &Path) -> Result<FileContents> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Error::auth(
            format!("cannot read credentials file {}: {e}", path.display()),
            "check its owner and mode",
        )
    })?;
    // The parse error is not shown: it would quote the file's text, secrets included.
    toml::from_str(&text).map_err(|_| {
        Error::auth(
            format!("credentials file {} is not valid TOML", path.display()),
            "fix it, or remove it and log in to each profile again with 'treasury login -p NAME --store file'",
        )
    })
}

/// The temporary files of credential writes start with this; a killed run may leave one.
const TEMP_PREFIX: &str = ".treasury-credentials-";
/// The last line of every file written: a temporary file without it was cut short.
const END_MARK: &str = "# end of treasury credentials\n";

fn write(path: &Path, contents: &FileContents) -> Result<()> {
    let mut text = toml::to_string(contents).map_err(|e| Error::Internal(e.into()))?;
    text.push_str(END_MARK);
    let failed = |e: std::io::Error| {
        Error::Internal(anyhow::anyhow!(
            "cannot write credentials file {}: {e}",
            path.display()
        ))
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(failed)?;
    }
    let mut file = AtomicFile::create_private_named(path, TEMP_PREFIX).map_err(failed)?;
    file.write_all(text.as_bytes()).map_err(failed)?;
    file.commit().map_err(failed)
}

/// What the file holds for a profile.
pub fn load(path: &Path, profile: &str) -> Result<Stored> {
    Ok(read(path)?.profiles.remove(profile).unwrap_or_default())
}

/// Changes what the file holds for a profile, creating the file (mode 600) if needed, under
/// the credentials lock.
pub fn update(path: &Path, profile: &str, change: impl FnOnce(&mut Stored)) -> Result<()> {
    let held = lock::lock()?;
    update_locked(&held, path, profile, change)
}

/// `update` for a caller that already holds the lock: re-reads the file, changes the one
/// entry, writes it beside the file a symlink points to.
pub fn update_locked(
    _held: &CredentialsLock,
    path: &Path,
    profile: &str,
    change: impl FnOnce(&mut Stored),
) -> Result<()> {
    let path = lock::real_path(path);
    let mut contents = read(&path)?;
    let entry = contents.profiles.entry(profile.to_string()).or_default();
    change(entry);
    if entry.is_empty() {
        contents.profiles.remove(profile);
    }
    write(&path, &contents)
}

/// Removes a profile (or every profile) from the file under the credentials lock, and any
/// temporary file a killed run left beside it; returns the profiles removed.
pub fn remove(path: &Path, profile: Option<&str>) -> Result<Vec<String>> {
    let _held = lock::lock()?;
    let path = lock::real_path(path);
    remove_legacy_leftovers(&path);
    if !path.exists() {
        return Ok(Vec::new());
    }
    let mut contents = read_unchecked(&path)?;
    let removed: Vec<String> = match profile {
        Some(name) => contents
            .profiles
            .remove_entry(name)
            .map(|(k, _)| k)
            .into_iter()
            .collect(),
        None => std::mem::take(&mut contents.profiles).into_keys().collect(),
    };
    if !removed.is_empty() {
        write(&path, &contents)?;
    }
    Ok(removed)
}

/// Finishes the write of a run killed between writing its temporary file and renaming it:
/// under the lock nobody else is writing, so a complete temporary file newer than the file is
/// what that run meant to store (a rotated refresh token, say). Every other leftover is removed.
pub(super) fn recover(path: &Path) {
    let mut complete = Vec::new();
    for leftover in leftovers(path, TEMP_PREFIX) {
        let text = std::fs::read_to_string(&leftover).unwrap_or_default();
        let whole = text.ends_with(END_MARK) && toml::from_str::<FileContents>(&text).is_ok();
        let modified = std::fs::metadata(&leftover).and_then(|m| m.modified());
        match (whole, modified) {
            (true, Ok(at)) => complete.push((at, leftover)),
            _ => drop(std::fs::remove_file(&leftover)),
        }
    }
    complete.sort();
    let Some((newest, candidate)) = complete.pop() else {
        return;
    };
    for (_, older) in complete {
        let _ = std::fs::remove_file(older);
    }
    let current = std::fs::metadata(path).and_then(|m| m.modified()).ok();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(&candidate, std::fs::Permissions::from_mode(0o600));
    }
    if current.is_some_and(|at| at > newest) || std::fs::rename(&candidate, path).is_err() {
        let _ = std::fs::remove_file(&candidate);
        return;
    }
    crate::atomic::sync_dir(parent_of(path));
    tracing::info!(
        "finished the credentials write of an interrupted run ({})",
        candidate.display()
    );
}

/// Temporary files of older versions (`.treasury-XXXXXX.tmp`) that hold tokens: `logout`
/// removes them with the file's entries.
fn remove_legacy_leftovers(path: &Path) {
    for leftover in leftovers(path, ".treasury-") {
        let text = std::fs::read_to_string(&leftover).unwrap_or_default();
        let tokens = text.lines().any(|l| {
            l.starts_with("refresh_token =")
                || l.starts_with("access_token =")
                || l.starts_with("client_secret =")
        });
        if tokens {
            let _ = std::fs::remove_file(&leftover);
        }
    }
}

/// Files named `PREFIX*.tmp` beside `path`.
fn leftovers(path: &Path, prefix: &str) -> Vec<std::path::PathBuf> {
    let Ok(entries) = std::fs::read_dir(parent_of(path)) else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok())
        .filter(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name.starts_with(prefix) && name.ends_with(".tmp")
        })
        .map(|e| e.path())
        .collect()
}

fn parent_of(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_owner_only_and_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("treasury").join("credentials.toml");
        update(&path, "uat", |s| s.client_secret = Some("s3cret".into())).unwrap();
        update(&path, "prod", |s| s.client_secret = Some("other".into())).unwrap();
        assert_eq!(
            load(&path, "uat").unwrap().secret().unwrap().expose(),
            "s3cret"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        assert_eq!(remove(&path, Some("uat")).unwrap(), vec!["uat".to_string()]);
        assert!(load(&path, "uat").unwrap().secret().is_none());
        assert_eq!(remove(&path, None).unwrap(), vec!["prod".to_string()]);
    }

    #[cfg(unix)]
    #[test]
    fn readable_by_others_is_refused_naming_the_fix() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("credentials.toml");
        std::fs::write(&path, "[profiles.uat]\nclient_secret = \"s3cret\"\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let err = load(&path, "uat").unwrap_err();
        assert_eq!(err.exit_code(), 3);
        assert!(err.to_string().contains("can be read by others (mode 644)"));
        assert!(err.hint().unwrap().contains("chmod 600"));
        assert!(!format!("{err:?}").contains("s3cret"));
    }
}
