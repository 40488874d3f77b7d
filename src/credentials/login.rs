//! A browser login's tokens where a secret would go: the refresh token (keyring entry
//! `PROFILE:refresh` beside the profile's, or the owner-only file) and the access token cache,
//! written under the credentials lock (`super::lock`) that keeps two runs from spending one
//! refresh token.

use chrono::{DateTime, Utc};

use super::lock::CredentialsLock;
use super::{file, keyring, token_entry, Access, CachedToken, Store};
use crate::config::{self, Profile};
use crate::error::{Error, Result};
use crate::secret::Secret;

/// What a browser login keeps.
#[derive(Debug, Clone)]
pub struct StoredLogin {
    pub refresh_token: Secret,
    /// When the bank said the refresh token (and so the login) ends.
    pub refresh_expires_at: Option<DateTime<Utc>>,
    pub access: Option<CachedToken>,
}

/// The tokens a token endpoint gave, to keep.
#[derive(Debug, Clone)]
pub struct Renewal {
    pub refresh_token: Secret,
    pub refresh_expires_at: Option<DateTime<Utc>>,
    pub access_token: Secret,
    pub access_expires_at: DateTime<Utc>,
}

pub fn refresh_entry(profile: &str) -> String {
    format!("{profile}:refresh")
}

/// The stored login of a profile: keyring first, then the credentials file.
pub fn find(profile: &Profile) -> Result<Access> {
    let client_id = super::client_id(profile)?;
    let name = &profile.name;
    if Store::Keyring.load_login(name)?.is_some() {
        return Ok(Access::Login {
            client_id,
            store: Store::Keyring,
        });
    }
    let file = Store::File(config::credentials_path()?);
    if file.load_login(name)?.is_some() {
        return Ok(Access::Login {
            client_id,
            store: file,
        });
    }
    Err(Error::auth(
        format!("profile '{name}' is not logged in"),
        format!("run 'treasury login -p {name}' (it opens the bank's consent page in a browser)"),
    ))
}

impl Store {
    /// The login kept for a profile, if any.
    pub fn load_login(&self, profile: &str) -> Result<Option<StoredLogin>> {
        match self {
            Store::Keyring => {
                let Ok(Some(value)) = keyring::get(&refresh_entry(profile)) else {
                    return Ok(None);
                };
                let Some((ends, token)) = value.expose().split_once(' ') else {
                    return Ok(None);
                };
                Ok(Some(StoredLogin {
                    refresh_token: Secret::new(token),
                    refresh_expires_at: DateTime::parse_from_rfc3339(ends).ok().map(|d| d.to_utc()),
                    access: self.load_token(profile),
                }))
            }
            Store::File(path) => {
                let stored = file::load(path, profile)?;
                let access = match (&stored.access_token, stored.token_expires_at) {
                    (Some(token), Some(expires_at)) => Some(CachedToken {
                        token: Secret::new(token.clone()),
                        expires_at,
                    }),
                    _ => None,
                };
                Ok(stored.refresh_token.clone().map(|token| StoredLogin {
                    refresh_token: Secret::new(token),
                    refresh_expires_at: stored.refresh_expires_at,
                    access,
                }))
            }
        }
    }

    /// Keeps new tokens (and, from `login`, the client secret given with them), under the
    /// credentials lock the caller holds. In the file, everything is replaced in one atomic
    /// rename; in the keyring the refresh token is written first, so a crash between the
    /// writes leaves a usable login.
    pub fn save_login(
        &self,
        held: &CredentialsLock,
        profile: &str,
        renewal: &Renewal,
        secret: Option<&Secret>,
    ) -> Result<()> {
        match self {
            Store::Keyring => {
                let ends = renewal
                    .refresh_expires_at
                    .map_or_else(|| "-".to_string(), |at| at.to_rfc3339());
                let value = Secret::new(format!("{ends} {}", renewal.refresh_token.expose()));
                let failed = |e: super::KeyringError| {
                    Error::auth(e.to_string(), "try again, or log in with --store file")
                };
                keyring::set(&refresh_entry(profile), &value).map_err(failed)?;
                if let Some(secret) = secret {
                    keyring::set(profile, secret).map_err(failed)?;
                }
                self.save_token(profile, &renewal.access_token, renewal.access_expires_at);
                Ok(())
            }
            Store::File(path) => file::update_locked(held, path, profile, |s| {
                s.refresh_token = Some(renewal.refresh_token.expose().to_string());
                s.refresh_expires_at = renewal.refresh_expires_at;
                s.access_token = Some(renewal.access_token.expose().to_string());
                s.token_expires_at = Some(renewal.access_expires_at);
                if let Some(secret) = secret {
                    s.client_secret = Some(secret.expose().to_string());
                }
            }),
        }
    }

    /// After the bank refused `spent` (`invalid_grant`): forgets the login, unless another run
    /// stored a newer one meanwhile. The client secret stays.
    pub fn forget_refused_login(&self, held: &CredentialsLock, profile: &str, spent: &Secret) {
        let still = self
            .load_login(profile)
            .ok()
            .flatten()
            .is_some_and(|l| l.refresh_token == *spent);
        if still {
            self.forget_login(held, profile);
        }
    }

    /// Forgets a login (refresh and access token).
    pub fn forget_login(&self, held: &CredentialsLock, profile: &str) {
        match self {
            Store::Keyring => {
                let _ = keyring::delete(&refresh_entry(profile));
                let _ = keyring::delete(&token_entry(profile));
            }
            Store::File(path) => {
                let _ = file::update_locked(held, path, profile, |s| {
                    s.refresh_token = None;
                    s.refresh_expires_at = None;
                    s.access_token = None;
                    s.token_expires_at = None;
                });
            }
        }
    }
}
