//! Certificates and keys named by a profile: read with one wording of each failure (exit 3),
//! and refused when group or others can read them.

use std::path::Path;

use crate::error::{Error, Result};

/// Reads a certificate or key named by the profile. Every path (mutual TLS, client
/// assertions, the permission check) gives the same exit code (3) for the same problem.
pub fn read_key_file(path: &Path, what: &str) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| unreadable_key_file(path, what, &e))
}

pub fn unreadable_key_file(path: &Path, what: &str, err: &std::io::Error) -> Error {
    Error::auth(
        format!("cannot read {what} {}: {err}", path.display()),
        "check the cert and key paths in the profile",
    )
}

/// A certificate or key that was read but cannot be used, and why.
pub fn unusable_key_file(path: &Path, what: &str, why: &str) -> Error {
    Error::auth(
        format!("cannot use {what} {}: {why}", path.display()),
        "check cert and key in the profile (PEM files)",
    )
}

/// Refuses a secrets file that group or others can read or write.
pub fn check_private(path: &Path, what: &str) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = std::fs::metadata(path).map_err(|e| {
            Error::auth(
                format!("cannot read {what} {}: {e}", path.display()),
                "check the path in the profile",
            )
        })?;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(Error::auth(
                format!(
                    "{what} {} can be read by others (mode {mode:o}); refusing to use it",
                    path.display()
                ),
                format!("run: chmod 600 {}", path.display()),
            ));
        }
    }
    Ok(())
}
