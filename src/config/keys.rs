//! Which keys a profile sets, and whether its provider reads them: a key of another provider
//! is refused, naming the keys this one reads.

use std::collections::BTreeMap;
use std::path::Path;

use super::*;
use crate::error::{Error, Result};

/// The keys a profile sets, each with its value where it is text.
fn keys_set(raw: &ProfileFile) -> Vec<(&'static str, Option<String>)> {
    let text = |key, value: &Option<String>| value.as_ref().map(|v| (key, Some(v.clone())));
    let other = |key, set: bool| set.then_some((key, None));
    let consent_days = raw.consent_days.map(|days| days.to_string());
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
        text("app_key", &raw.app_key),
        text("partner_id", &raw.partner_id),
        text("customer_id", &raw.customer_id),
        text("authorize_url", &raw.authorize_url),
        text("financial_id", &raw.financial_id),
        text("redirect_uri", &raw.redirect_uri),
        text("consent_days", &consent_days),
        other("daily_reads", raw.daily_reads.is_some()),
        text("issuer", &raw.issuer),
        text("signing_kid", &raw.signing_kid),
        text("revoke_url", &raw.revoke_url),
        other("accounts", !raw.accounts.is_empty()),
        other("groups", !raw.groups.is_empty()),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// The value of a text key of the profile, as written.
pub(super) fn text(raw: &ProfileFile, key: &str) -> Option<String> {
    keys_set(raw)
        .into_iter()
        .find(|(set, _)| *set == key)
        .and_then(|(_, value)| value)
}

/// Refuses a key that belongs to another provider, naming the keys this one reads.
pub(super) fn check_keys(
    name: &str,
    raw: &ProfileFile,
    provider: &ProfileSpec,
    path: &Path,
) -> Result<()> {
    let known = |key: &str| SHARED_KEYS.contains(&key) || provider.profile_keys.contains(&key);
    match keys_set(raw).into_iter().find(|(key, _)| !known(key)) {
        None => Ok(()),
        Some((key, _)) => {
            let mut keys: Vec<&str> = SHARED_KEYS.to_vec();
            keys.extend(provider.profile_keys);
            Err(Error::usage_hint(
                format!(
                    "profile '{name}' in {} sets {key}, which provider '{}' does not read",
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

/// The provider-specific text settings of a profile.
pub(super) fn provider_settings(
    raw: &ProfileFile,
    provider: &ProfileSpec,
) -> BTreeMap<&'static str, String> {
    keys_set(raw)
        .into_iter()
        .filter(|(key, _)| provider.profile_keys.contains(key))
        .filter_map(|(key, value)| Some((key, value?)))
        .collect()
}

/// Refuses an environment the provider has no hosts for (J.P. Morgan: prod, uat; Chase: prod, qa).
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
