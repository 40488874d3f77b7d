//! The consent a profile logged in with, kept beside the profile's other state: its id, when it
//! ends, and when it was recorded. Not a secret (the refresh token is stored like one), but
//! owner-only all the same.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::config::consent_state_path;
use crate::error::{Error, Result};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentState {
    pub consent_id: String,
    /// `ExpirationDateTime` as the bank confirmed it; none for a consent without an end.
    pub expires_at: Option<DateTime<Utc>>,
    pub recorded_at: DateTime<Utc>,
    /// Consents of failed or replaced logins the bank could not be asked to delete: `logout`
    /// deletes them with this one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub orphans: Vec<String>,
}

impl ConsentState {
    /// Days left until expiry (negative once expired); none for a consent without an end.
    pub fn days_left(&self, now: DateTime<Utc>) -> Option<i64> {
        self.expires_at.map(|at| (at - now).num_days())
    }

    /// Whether it ends within `days` of `now` (or has ended).
    pub fn ends_within(&self, now: DateTime<Utc>, days: i64) -> bool {
        self.expires_at
            .is_some_and(|at| at - now < chrono::Duration::days(days))
    }
}

pub fn path_of(profile: &str) -> Result<PathBuf> {
    consent_state_path(profile)
}

/// The recorded consent, if any; an unreadable file is reported as missing, with why, at -v.
pub fn load(profile: &str) -> Result<Option<ConsentState>> {
    let path = path_of(profile)?;
    Ok(load_from(&path))
}

pub fn load_from(path: &Path) -> Option<ConsentState> {
    let text = std::fs::read(path).ok()?;
    match serde_json::from_slice(&text) {
        Ok(state) => Some(state),
        Err(e) => {
            tracing::info!("ignoring the consent record {}: {e}", path.display());
            None
        }
    }
}

/// Records the consent, owner-only, replacing any earlier one atomically.
pub fn save(profile: &str, state: &ConsentState) -> Result<PathBuf> {
    let path = path_of(profile)?;
    let failed = |e: std::io::Error| {
        Error::usage(format!(
            "cannot record the consent in {}: {e}",
            path.display()
        ))
    };
    let body = serde_json::to_vec_pretty(state).map_err(|e| Error::Internal(e.into()))?;
    let _held = crate::credentials::lock::lock()?;
    crate::atomic::write_private(&path, &body).map_err(failed)?;
    Ok(path)
}

/// What the bank said of the consent's end (`ExpirationDateTime` read back): when it is earlier
/// than the recorded one, the record takes it, so the 7-day warning goes by the bank's date.
pub fn note_bank_expiry(profile: &str, recorded: &ConsentState, reported: Option<&str>) {
    let Some(at) = reported.and_then(super::mapping::utc_of) else {
        return;
    };
    if recorded.expires_at.is_some_and(|mine| mine <= at) {
        return;
    }
    let updated = ConsentState {
        expires_at: Some(at),
        ..recorded.clone()
    };
    if let Err(e) = save(profile, &updated) {
        tracing::info!("could not record the consent's end the bank reported: {e}");
    }
}

/// Forgets the recorded consent; returns whether there was one.
pub fn forget(profile: &str) -> Result<bool> {
    let path = path_of(profile)?;
    let _held = crate::credentials::lock::lock()?;
    match std::fs::remove_file(&path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(Error::usage(format!(
            "cannot remove the consent record {}: {e}",
            path.display()
        ))),
    }
}
