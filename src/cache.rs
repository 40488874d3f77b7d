//! The per-profile cache of the account list: what `accounts` shows while it is fresh, and where
//! `balances` finds the bank id of an account given without one. Never fatal when broken.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::atomic::AtomicFile;
use crate::model::{Account, Currency};

/// How long `accounts` shows the cached list before asking the bank again.
pub const FRESH_FOR: Duration = Duration::hours(1);

/// Where a cached list came from: a list from another bank, environment or client must never
/// fill in bank ids or stand in for this profile's accounts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Origin {
    pub provider: String,
    pub base_url: String,
    pub client_id: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct CacheFile {
    /// Absent in caches written before the origin was recorded: those are ignored.
    #[serde(default)]
    origin: Option<Origin>,
    fetched_at: DateTime<Utc>,
    accounts: Vec<CachedAccount>,
}

/// An account as cached: the keys of `output::ACCOUNT_FIELDS` (a test holds them to it), then
/// what a report needs besides.
#[derive(Debug, Serialize, Deserialize)]
struct CachedAccount {
    account_id: String,
    account_name: String,
    bank_id: String,
    bank_name: String,
    branch_id: String,
    currency: String,
    decimal_places: u32,
}

/// The account list as last fetched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountCache {
    pub fetched_at: DateTime<Utc>,
    pub accounts: Vec<Account>,
}

impl AccountCache {
    pub fn is_fresh(&self, now: DateTime<Utc>) -> bool {
        now - self.fetched_at < FRESH_FOR && self.fetched_at <= now
    }

    /// Bank ids by account id; an id held at several banks maps to all of them.
    pub fn bank_ids(&self) -> HashMap<String, Vec<String>> {
        let mut known: HashMap<String, Vec<String>> = HashMap::new();
        for account in &self.accounts {
            let banks = known.entry(account.account_id.clone()).or_default();
            if !banks.contains(&account.bank_id) {
                banks.push(account.bank_id.clone());
            }
        }
        known
    }
}

/// Reads the cache. `Ok(None)` when there is none or it came from another `origin`; `Err` with a
/// warning when it is unreadable.
pub fn load(path: &Path, origin: &Origin) -> Result<Option<AccountCache>, String> {
    let text = match std::fs::read(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(format!(
                "cannot read the account cache {}: {e}; ignoring it",
                path.display()
            ))
        }
    };
    let file: CacheFile = serde_json::from_slice(&text).map_err(|e| {
        format!(
            "the account cache {} is corrupt ({e}); ignoring it",
            path.display()
        )
    })?;
    if file.origin.as_ref() != Some(origin) {
        tracing::info!(
            "ignoring the account cache {}: it was fetched from {:?}, not {origin:?}",
            path.display(),
            file.origin
        );
        return Ok(None);
    }
    let accounts = file
        .accounts
        .into_iter()
        .map(|a| Account {
            account_id: a.account_id,
            account_name: a.account_name,
            bank_id: a.bank_id,
            bank_name: a.bank_name,
            branch_id: a.branch_id,
            currency: Currency {
                code: a.currency,
                decimal_places: a.decimal_places,
            },
        })
        .collect();
    Ok(Some(AccountCache {
        fetched_at: file.fetched_at,
        accounts,
    }))
}

/// Writes the cache atomically, readable by the owner only.
pub fn store(
    path: &Path,
    origin: &Origin,
    accounts: &[Account],
    now: DateTime<Utc>,
) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        create_private_dir(dir)?;
    }
    let file = CacheFile {
        origin: Some(origin.clone()),
        fetched_at: now,
        accounts: accounts
            .iter()
            .map(|a| CachedAccount {
                account_id: a.account_id.clone(),
                account_name: a.account_name.clone(),
                bank_id: a.bank_id.clone(),
                bank_name: a.bank_name.clone(),
                branch_id: a.branch_id.clone(),
                currency: a.currency.code.clone(),
                decimal_places: a.currency.decimal_places,
            })
            .collect(),
    };
    let mut out = AtomicFile::create_private(path)?;
    serde_json::to_writer(&mut out, &file)?;
    out.flush()?;
    out.commit()
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cached_accounts_keep_the_account_fields() {
        let cached = CachedAccount {
            account_id: "1".into(),
            account_name: "N".into(),
            bank_id: "B".into(),
            bank_name: "BN".into(),
            branch_id: String::new(),
            currency: "USD".into(),
            decimal_places: 2,
        };
        let value = serde_json::to_value(&cached).unwrap();
        let keys: Vec<&str> = value
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut expected = crate::output::ACCOUNT_FIELDS.to_vec();
        expected.push("decimal_places");
        assert_eq!(keys, expected);
    }

    fn account(id: &str, bank: &str) -> Account {
        Account {
            account_id: id.into(),
            account_name: "N".into(),
            bank_id: bank.into(),
            bank_name: "B".into(),
            branch_id: String::new(),
            currency: Currency {
                code: "BHD".into(),
                decimal_places: 3,
            },
        }
    }

    fn origin(base_url: &str) -> Origin {
        Origin {
            provider: "jpmorgan".into(),
            base_url: base_url.into(),
            client_id: Some("cid".into()),
        }
    }

    #[test]
    fn a_cache_from_another_origin_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("uat.json");
        let uat = origin("https://uat.example/");
        store(&path, &uat, &[account("1", "A")], Utc::now()).unwrap();
        assert!(load(&path, &uat).unwrap().is_some());
        assert_eq!(load(&path, &origin("https://prod.example/")), Ok(None));
        let other_client = Origin {
            client_id: Some("other".into()),
            ..uat.clone()
        };
        assert_eq!(load(&path, &other_client), Ok(None));
        let before_origins = r#"{"fetched_at":"2026-01-01T00:00:00Z","accounts":[]}"#;
        std::fs::write(&path, before_origins).unwrap();
        assert_eq!(load(&path, &uat), Ok(None));
    }

    #[test]
    fn round_trips_and_ages() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("accounts").join("uat.json");
        let now = Utc::now();
        let from = origin("https://uat.example/");
        store(
            &path,
            &from,
            &[account("1", "A"), account("2", "A"), account("2", "B")],
            now,
        )
        .unwrap();
        let cache = load(&path, &from).unwrap().unwrap();
        assert_eq!(cache.accounts[0], account("1", "A"));
        assert!(cache.is_fresh(now + Duration::minutes(59)));
        assert!(!cache.is_fresh(now + Duration::minutes(61)));
        assert_eq!(
            cache.bank_ids()["2"],
            vec!["A".to_string(), "B".to_string()]
        );
    }

    #[test]
    fn missing_is_none_and_corrupt_is_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("uat.json");
        let from = origin("https://uat.example/");
        assert_eq!(load(&path, &from), Ok(None));
        std::fs::write(&path, "{not json").unwrap();
        assert!(load(&path, &from).unwrap_err().contains("is corrupt"));
    }
}
