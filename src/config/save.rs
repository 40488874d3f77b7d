//! What `login` writes into a profile, saved with the comments, other keys and other profiles
//! of the file kept as they were, atomically.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::*;
use crate::error::{Error, Result};

/// Non-secret settings `login` writes into a profile; `None` leaves a setting as it is. A new
/// profile gets its `provider` from the login, which names the registry's default where none is given.
#[derive(Debug, Default, Clone)]
pub struct ProfileUpdate {
    pub provider: Option<String>,
    pub environment: Option<Environment>,
    pub base_url: Option<String>,
    pub auth: Option<AuthMode>,
    pub token_url: Option<String>,
    pub client_id: Option<String>,
    pub scope: Option<String>,
    pub resource: Option<String>,
    pub cert: Option<PathBuf>,
    pub key: Option<PathBuf>,
    /// The provider's own keys the login sets (`ProfileSpec::profile_keys`), as text.
    pub provider_keys: BTreeMap<String, String>,
}

impl ProfileUpdate {
    /// The profile as it will be once saved.
    pub fn apply(&self, raw: &mut ProfileFile) {
        set(&mut raw.provider, self.provider.clone());
        set(&mut raw.environment, self.environment);
        set(&mut raw.base_url, self.base_url.clone());
        set(&mut raw.auth, self.auth);
        set(&mut raw.token_url, self.token_url.clone());
        set(&mut raw.client_id, self.client_id.clone());
        set(&mut raw.scope, self.scope.clone());
        set(&mut raw.resource, self.resource.clone());
        set(&mut raw.cert, self.cert.clone());
        set(&mut raw.key, self.key.clone());
        for (key, value) in &self.provider_keys {
            let value = toml::Value::String(value.clone());
            raw.provider_keys.insert(key.clone(), value);
        }
    }

    fn entries(&self) -> Vec<(&str, String)> {
        let path = |p: &Option<PathBuf>| p.as_ref().map(|p| p.display().to_string());
        [
            ("provider", self.provider.clone()),
            (
                "environment",
                self.environment.map(|e| e.name().to_string()),
            ),
            ("base_url", self.base_url.clone()),
            ("auth", self.auth.map(|a| a.name().to_string())),
            ("token_url", self.token_url.clone()),
            ("client_id", self.client_id.clone()),
            ("scope", self.scope.clone()),
            ("resource", self.resource.clone()),
            ("cert", path(&self.cert)),
            ("key", path(&self.key)),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v)))
        .chain(
            self.provider_keys
                .iter()
                .map(|(k, v)| (k.as_str(), v.clone())),
        )
        .collect()
    }
}

fn set<T>(slot: &mut Option<T>, value: Option<T>) {
    if value.is_some() {
        *slot = value;
    }
}

/// Writes a profile's settings into the config file, creating file and profile as needed and
/// keeping comments, other keys and other profiles as they were.
pub fn save_profile(path: &Path, name: &str, update: &ProfileUpdate) -> Result<()> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => {
            return Err(Error::usage(format!(
                "cannot read config file {}: {e}",
                path.display()
            )))
        }
    };
    let mut doc: toml_edit::DocumentMut = text.parse().map_err(|e| {
        Error::usage(format!(
            "config file {} is not valid TOML: {e}",
            path.display()
        ))
    })?;
    let first_profile = doc
        .get("profiles")
        .and_then(|p| p.as_table_like())
        .is_none_or(|p| p.is_empty());
    if first_profile && doc.get("default_profile").is_none() {
        doc["default_profile"] = toml_edit::value(name);
    }
    let profiles = doc.entry("profiles").or_insert_with(toml_edit::table);
    if let Some(table) = profiles.as_table_mut() {
        table.set_implicit(true);
    }
    let profile = &mut profiles[name];
    if profile.is_none() {
        *profile = toml_edit::table();
    }
    for (key, value) in update.entries() {
        profile[key] = toml_edit::value(value);
    }
    write_config(path, &doc.to_string())
}

fn write_config(path: &Path, text: &str) -> Result<()> {
    let failed = |e: std::io::Error| {
        Error::usage(format!("cannot write config file {}: {e}", path.display()))
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(failed)?;
    }
    let mut file = crate::atomic::AtomicFile::create(path).map_err(failed)?;
    std::io::Write::write_all(&mut file, text.as_bytes()).map_err(failed)?;
    file.commit().map_err(failed)
}
