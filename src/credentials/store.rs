//! Where a profile's secret and access-token cache are kept (OS keyring or the credentials
//! file): reading, caching and forgetting tokens, storing a secret. File writes take the
//! credentials lock (`file::update`).

use chrono::{DateTime, Utc};

use super::CLIENT_SECRET_ENV;
use super::{file, keyring, token_entry, CachedToken, KeyringError, Store};
use crate::error::{Error, Result};
use crate::secret::Secret;

impl Store {
    pub fn name(&self) -> &'static str {
        match self {
            Store::Keyring => "keyring",
            Store::File(_) => "file",
        }
    }

    /// The cached access token of a profile, if one is stored (usable or not).
    pub fn load_token(&self, profile: &str) -> Option<CachedToken> {
        let (token, expires_at) = match self {
            Store::Keyring => {
                let value = keyring::get(&token_entry(profile)).ok()??;
                let (expires_at, token) = value.expose().split_once(' ')?;
                (
                    token.to_string(),
                    DateTime::parse_from_rfc3339(expires_at).ok()?.to_utc(),
                )
            }
            Store::File(path) => {
                let stored = file::load(path, profile).ok()?;
                (stored.access_token?, stored.token_expires_at?)
            }
        };
        Some(CachedToken {
            token: Secret::new(token),
            expires_at,
        })
    }

    /// Caches a token; a failure only costs a token request next time.
    pub fn save_token(&self, profile: &str, token: &Secret, expires_at: DateTime<Utc>) {
        let result = match self {
            Store::Keyring => {
                let value = Secret::new(format!("{} {}", expires_at.to_rfc3339(), token.expose()));
                keyring::set(&token_entry(profile), &value).map_err(|e| e.to_string())
            }
            // A profile logged out meanwhile gets no entry back.
            Store::File(path) => file::update(path, profile, |s| {
                if s.client_secret.is_some() || s.refresh_token.is_some() {
                    s.access_token = Some(token.expose().to_string());
                    s.token_expires_at = Some(expires_at);
                }
            })
            .map_err(|e| e.to_string()),
        };
        if let Err(e) = result {
            tracing::warn!("could not cache the access token: {e}");
        }
    }

    pub fn forget_token(&self, profile: &str) {
        let _ = match self {
            Store::Keyring => keyring::delete(&token_entry(profile))
                .map(|_| ())
                .map_err(|e| e.to_string()),
            Store::File(path) => file::update(path, profile, |s| {
                s.access_token = None;
                s.token_expires_at = None;
            })
            .map_err(|e| e.to_string()),
        };
    }

    /// Stores the client secret of a profile.
    pub fn save_secret(&self, profile: &str, secret: &Secret) -> Result<()> {
        match self {
            Store::Keyring => {
                // A token of the old secret must not outlive it.
                let _ = keyring::delete(&token_entry(profile));
                keyring::set(profile, secret).map_err(|e| match e {
                KeyringError::Unavailable(_) => Error::auth(
                    e.to_string(),
                    format!("use 'treasury login -p {profile} --store file' (an owner-only file), or set {CLIENT_SECRET_ENV}"),
                ),
                KeyringError::Failed(_) => Error::auth(e.to_string(), "try again, or use --store file"),
            })
            }
            Store::File(path) => file::update(path, profile, |s| {
                s.client_secret = Some(secret.expose().to_string());
                s.access_token = None;
                s.token_expires_at = None;
            }),
        }
    }
}
