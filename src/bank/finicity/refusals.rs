//! Refused partner credentials, remembered between runs: a cron job with a rotated secret must
//! not spend a failed authentication every run until Finicity locks the partner (five failures).
//! Each entry names the API root and partner id, with a salted PBKDF2 hash of the app key and
//! secret (never the secret); the file is owner-only in the XDG state folder. An entry stops a
//! later run from sending the same credentials until they change or `treasury login` is run.

use std::num::NonZeroU32;
use std::path::{Path, PathBuf};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::secret::Secret;

/// PBKDF2-HMAC-SHA256 rounds: a stolen file does not give the secret away cheaply.
const ROUNDS: u32 = 100_000;

/// One refused set of partner credentials.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    pub base_url: String,
    pub partner_id: String,
    /// base64url: the random salt, and PBKDF2(app key, secret) with it.
    pub salt: String,
    pub hash: String,
    pub refused_at: DateTime<Utc>,
    /// Finicity's answer: HTTP status and its code, never its text.
    pub status: u16,
    #[serde(default)]
    pub code: Option<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Memory {
    #[serde(default)]
    refused: Vec<Refusal>,
}

/// The credentials a refusal is about.
#[derive(Debug, Clone, Copy)]
pub struct Credentials<'a> {
    pub base_url: &'a str,
    pub partner_id: &'a str,
    pub app_key: &'a Secret,
    pub secret: &'a Secret,
}

impl Credentials<'_> {
    fn material(&self) -> Vec<u8> {
        let mut material = Vec::new();
        for part in [self.app_key.expose(), self.secret.expose()] {
            material.extend_from_slice(&(part.len() as u64).to_be_bytes());
            material.extend_from_slice(part.as_bytes());
        }
        material
    }

    fn partner_matches(&self, refusal: &Refusal) -> bool {
        refusal.base_url == self.base_url && refusal.partner_id == self.partner_id
    }

    fn matches(&self, refusal: &Refusal) -> bool {
        let (Ok(salt), Ok(hash)) = (
            URL_SAFE_NO_PAD.decode(&refusal.salt),
            URL_SAFE_NO_PAD.decode(&refusal.hash),
        ) else {
            return false;
        };
        self.partner_matches(refusal)
            && aws_lc_rs::pbkdf2::verify(
                aws_lc_rs::pbkdf2::PBKDF2_HMAC_SHA256,
                rounds(),
                &salt,
                &self.material(),
                &hash,
            )
            .is_ok()
    }
}

fn rounds() -> NonZeroU32 {
    NonZeroU32::new(ROUNDS).unwrap_or(NonZeroU32::MIN)
}

/// Where the refusals are kept.
pub fn path() -> Result<PathBuf> {
    crate::config::provider_state_path(super::NAME, "refused-partners.json")
}

/// The remembered refusal of exactly these credentials, if any.
pub fn find(path: &Path, credentials: &Credentials) -> Option<Refusal> {
    load(path)
        .refused
        .into_iter()
        .find(|r| credentials.matches(r))
}

/// Remembers that Finicity refused these credentials.
pub fn remember(
    path: &Path,
    credentials: &Credentials,
    status: u16,
    code: Option<String>,
) -> Result<()> {
    let mut salt = [0u8; 16];
    aws_lc_rs::rand::fill(&mut salt)
        .map_err(|_| Error::Internal(anyhow::anyhow!("the system's random source failed")))?;
    let mut hash = [0u8; 32];
    aws_lc_rs::pbkdf2::derive(
        aws_lc_rs::pbkdf2::PBKDF2_HMAC_SHA256,
        rounds(),
        &salt,
        &credentials.material(),
        &mut hash,
    );
    let mut memory = load(path);
    memory.refused.retain(|r| !credentials.matches(r));
    memory.refused.push(Refusal {
        base_url: credentials.base_url.to_string(),
        partner_id: credentials.partner_id.to_string(),
        salt: URL_SAFE_NO_PAD.encode(salt),
        hash: URL_SAFE_NO_PAD.encode(hash),
        refused_at: Utc::now(),
        status,
        code,
    });
    save(path, &memory)
}

/// Forgets every refusal of the partner (after it accepted credentials), or of exactly these
/// credentials (when `login` retries them); nothing is written when there was none.
pub fn forget(path: &Path, credentials: &Credentials, whole_partner: bool) -> Result<()> {
    let mut memory = load(path);
    let before = memory.refused.len();
    memory.refused.retain(|r| match whole_partner {
        true => !credentials.partner_matches(r),
        false => !credentials.matches(r),
    });
    match memory.refused.len() == before {
        true => Ok(()),
        false => save(path, &memory),
    }
}

fn load(path: &Path) -> Memory {
    let Ok(text) = std::fs::read(path) else {
        return Memory::default();
    };
    serde_json::from_slice(&text).unwrap_or_else(|e| {
        tracing::info!("ignoring {}: {e}", path.display());
        Memory::default()
    })
}

fn save(path: &Path, memory: &Memory) -> Result<()> {
    let failed = |e: std::io::Error| {
        Error::usage(format!(
            "cannot remember the refused partner credentials in {}: {e}",
            path.display()
        ))
    };
    let body = serde_json::to_vec_pretty(memory).map_err(|e| Error::Internal(e.into()))?;
    crate::atomic::write_private(path, &body).map_err(failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_matches_the_same_credentials_only_and_holds_no_secret() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state/refused.json");
        let (key, secret) = (Secret::new("app-key"), Secret::new("wrong-secret"));
        let refused = Credentials {
            base_url: "https://f.example",
            partner_id: "p1",
            app_key: &key,
            secret: &secret,
        };
        assert_eq!(find(&path, &refused), None);
        remember(&path, &refused, 401, Some("10001".into())).unwrap();
        let found = find(&path, &refused).expect("remembered");
        assert_eq!((found.status, found.code.as_deref()), (401, Some("10001")));
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            !text.contains("wrong-secret") && !text.contains("app-key"),
            "{text}"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let rotated = Secret::new("new-secret");
        let new = Credentials {
            secret: &rotated,
            ..refused
        };
        assert_eq!(find(&path, &new), None, "a changed secret is tried");
        let other = Credentials {
            partner_id: "p2",
            ..refused
        };
        assert_eq!(find(&path, &other), None);
        forget(&path, &new, false).unwrap();
        assert!(find(&path, &refused).is_some(), "only the same credentials");
        forget(&path, &new, true).unwrap();
        assert_eq!(find(&path, &refused), None, "the partner accepted others");
    }
}
