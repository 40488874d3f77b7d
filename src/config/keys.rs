//! Which keys a profile sets, and whether its provider reads them: a key of another provider
//! (or of none) is refused, naming the keys this one reads.

use std::collections::BTreeMap;
use std::path::Path;

use super::*;
use crate::error::{Error, Result};

/// The keys config resolves itself that a profile sets, each with its value where it is text.
fn typed_keys(raw: &ProfileFile) -> Vec<(&'static str, Option<String>)> {
    let text = |key, value: &Option<String>| value.as_ref().map(|v| (key, Some(v.clone())));
    let other = |key, set: bool| set.then_some((key, None));
    [
        other("provider", raw.provider.is_some()),
        other("environment", raw.environment.is_some()),
        text("base_url", &raw.base_url),
        other("auth", raw.auth.is_some()),
        text("token_url", &raw.token_url),
        text("client_id", &raw.client_id),
        text("scope", &raw.scope),
        text("resource", &raw.resource),
        other("cert", raw.cert.is_some()),
        other("key", raw.key.is_some()),
        other("ca_cert", raw.ca_cert.is_some()),
        other("timeout_secs", raw.timeout_secs.is_some()),
        text("client_secret_command", &raw.client_secret_command),
        other(
            "client_secret_command_timeout_secs",
            raw.client_secret_command_timeout_secs.is_some(),
        ),
        other("daily_reads", raw.daily_reads.is_some()),
        other("accounts", !raw.accounts.is_empty()),
        other("groups", !raw.groups.is_empty()),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// Every key a profile sets, the provider's own included.
fn keys_set(raw: &ProfileFile) -> Vec<&str> {
    let typed = typed_keys(raw).into_iter().map(|(key, _)| key);
    typed
        .chain(raw.provider_keys.keys().map(String::as_str))
        .collect()
}

/// The value of a text key of the profile as written (a whole number as its digits).
pub fn text_of(raw: &ProfileFile, key: &str) -> Option<String> {
    if let Some(value) = raw.provider_keys.get(key) {
        return value_text(value);
    }
    typed_keys(raw)
        .into_iter()
        .find(|(set, _)| *set == key)
        .and_then(|(_, value)| value)
}

fn value_text(value: &toml::Value) -> Option<String> {
    match value {
        toml::Value::String(text) => Some(text.clone()),
        toml::Value::Integer(n) if u32::try_from(*n).is_ok() => Some(n.to_string()),
        _ => None,
    }
}

/// Refuses a key that belongs to another provider, naming the keys this one reads.
pub(super) fn check_keys(
    name: &str,
    raw: &ProfileFile,
    provider: &ProfileSpec,
    path: &Path,
) -> Result<()> {
    match keys_set(raw).into_iter().find(|key| !provider.reads(key)) {
        None => Ok(()),
        Some(key) => {
            let mut keys: Vec<&str> = SHARED_KEYS.to_vec();
            keys.extend(provider.profile_keys);
            let line = line_of_key(path, name, key)
                .map(|line| format!(" (line {line})"))
                .unwrap_or_default();
            Err(Error::usage_hint(
                format!(
                    "profile '{name}' in {}{line} sets {key}, which provider '{}' does not read",
                    path.display(),
                    provider.name
                ),
                format!(
                    "remove it; the keys of this provider are: {}",
                    keys.join(", ")
                ),
            ))
        }
    }
}

/// The line of `key` in the `[profiles.NAME]` table of the file at `path`, read again for the
/// message (only on this refusal); none when it cannot be found.
fn line_of_key(path: &Path, name: &str, key: &str) -> Option<usize> {
    let text = std::fs::read_to_string(path).ok()?;
    let document = toml_edit::Document::parse(text.as_str()).ok()?;
    let profile = document.get("profiles")?.get(name)?.as_table_like()?;
    let (found, _) = profile.get_key_value(key)?;
    let start = found.span()?.start;
    Some(text[..start.min(text.len())].matches('\n').count() + 1)
}

/// The provider-specific settings of a profile, as text; a value that is neither text nor a
/// whole number is refused, naming the key.
pub(super) fn provider_settings(
    name: &str,
    raw: &ProfileFile,
    provider: &ProfileSpec,
) -> Result<BTreeMap<&'static str, String>> {
    let mut settings = BTreeMap::new();
    for key in provider.profile_keys {
        if let Some(value) = raw.provider_keys.get(*key) {
            let text = value_text(value).ok_or_else(|| {
                Error::usage_hint(
                    format!("{key} = {value} in profile '{name}' is not valid"),
                    format!("write {key} as text in quotes, or as a whole number"),
                )
            })?;
            settings.insert(*key, text);
        } else if let Some(text) = text_of(raw, key) {
            settings.insert(*key, text);
        }
    }
    Ok(settings)
}

/// Refuses an environment the provider has no hosts for.
pub(super) fn check_environment(
    name: &str,
    environment: Option<Environment>,
    provider: &ProfileSpec,
    path: &Path,
) -> Result<()> {
    match environment {
        Some(env) if !provider.environments.contains(&env) => {
            let known: Vec<&str> = provider.environments.iter().map(|e| e.name()).collect();
            Err(Error::usage_hint(
                format!(
                    "profile '{name}' in {} sets environment = \"{}\", which provider '{}' does not have",
                    path.display(),
                    env.name(),
                    provider.name
                ),
                format!("use one of: {}, or set base_url", known.join(", ")),
            ))
        }
        _ => Ok(()),
    }
}

/// Refuses `auth = "none"` (PKCE only) where the provider's token endpoint needs the client to
/// authenticate: only a provider that takes public clients (a browser login) allows it.
pub(super) fn check_auth(
    name: &str,
    auth: AuthMode,
    provider: &ProfileSpec,
    path: &Path,
) -> Result<()> {
    if auth != AuthMode::None || provider.public_client {
        return Ok(());
    }
    Err(Error::usage_hint(
        format!(
            "profile '{name}' in {} sets auth = \"none\", which provider '{}' does not take",
            path.display(),
            provider.name
        ),
        "use auth = \"client-secret\", \"private-key-jwt\" or \"mtls\"",
    ))
}
