//! The config file, profiles and where files live: config file < environment < flags, resolved
//! into one `Profile`. The only module that knows paths. Paths, the keys of each provider and
//! saving a profile each have their file.

mod alerts;
mod export;
mod keys;
mod paths;
mod provider;
mod save;
mod secret_command;
#[cfg(test)]
mod tests;

pub use alerts::AlertFile;
pub use export::{check_id, export, Export, ExportFile};
pub use keys::text_of;
use keys::{check_auth, check_environment, check_keys, provider_settings};
pub use paths::*;
pub use provider::{ProfileSpec, Providers};
pub use save::*;
pub use secret_command::{SecretCommand, DEFAULT_SECRET_COMMAND_TIMEOUT};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use reqwest::Url;
use serde::Deserialize;

use crate::error::{Error, Result};
use crate::query::AccountBook;

const DEFAULT_PROFILE: &str = "default";
const DEFAULT_TIMEOUT_SECS: u64 = 60;

/// The config file as written.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    pub default_profile: Option<String>,
    /// `history = false` stops recording balances (budgets are still counted).
    pub history: Option<bool>,
    #[serde(default)]
    pub profiles: BTreeMap<String, ProfileFile>,
    /// Who bank files are from and for (WORKFLOW.md section 2).
    pub export: Option<ExportFile>,
    /// `[[alerts]]`: the rules of `treasury check`.
    #[serde(default)]
    pub alerts: Vec<AlertFile>,
}

/// One `[profiles.NAME]` table as written: the keys config resolves itself, typed, and the
/// provider's own keys as a map, checked against the keys its provider declares.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct ProfileFile {
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
    pub ca_cert: Option<PathBuf>,
    pub timeout_secs: Option<u64>,
    pub client_secret_command: Option<String>,
    pub client_secret_command_timeout_secs: Option<u64>,
    /// Reads allowed per account per 24 hours (0 = no budget; the provider may have a default).
    pub daily_reads: Option<u32>,
    #[serde(default)]
    pub accounts: BTreeMap<String, String>,
    #[serde(default)]
    pub groups: BTreeMap<String, Vec<String>>,
    /// Every other key (`app_key`, `redirect_uri`, `consent_days`...), as written: text or a
    /// whole number, read only where the profile's provider declares it (`ProfileSpec`).
    #[serde(flatten)]
    pub provider_keys: BTreeMap<String, toml::Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    Prod,
    Uat,
    /// Chase's QA hosts. Not offered by `login --environment`, which is J.P. Morgan's.
    #[value(skip)]
    Qa,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum AuthMode {
    ClientSecret,
    PrivateKeyJwt,
    Mtls,
    /// A public client proven by PKCE alone: Chase browser logins only. Not offered by
    /// `login --auth`, which is for client-credentials profiles.
    #[value(skip)]
    None,
}

impl AuthMode {
    pub fn name(self) -> &'static str {
        match self {
            AuthMode::ClientSecret => "client-secret",
            AuthMode::PrivateKeyJwt => "private-key-jwt",
            AuthMode::Mtls => "mtls",
            AuthMode::None => "none",
        }
    }
}

impl Environment {
    pub fn name(self) -> &'static str {
        match self {
            Environment::Prod => "prod",
            Environment::Uat => "uat",
            Environment::Qa => "qa",
        }
    }
}

/// A profile ready to use: every URL checked, every default applied.
#[derive(Debug, Clone)]
pub struct Profile {
    pub name: String,
    /// The provider the profile names (`provider =`, else the registry's default), as config
    /// knows it; `bank::spec_of` gives the rest.
    pub provider: &'static ProfileSpec,
    pub environment: Option<Environment>,
    pub base_url: Url,
    pub auth: AuthMode,
    pub token_url: Option<Url>,
    pub client_id: Option<String>,
    pub scope: Option<String>,
    pub resource: Option<String>,
    pub cert: Option<PathBuf>,
    pub key: Option<PathBuf>,
    pub ca_cert: Option<PathBuf>,
    pub timeout: Duration,
    pub client_secret_command: Option<SecretCommand>,
    /// The provider's own settings (its `profile_keys` beyond the shared ones), as written.
    pub settings: BTreeMap<&'static str, String>,
    pub book: AccountBook,
    /// `daily_reads` as written: reads per account per 24 hours (0: no budget).
    pub daily_reads: Option<u32>,
}

impl Profile {
    /// A profile with every default: client-secret auth, 30 s timeout, no files, no aliases.
    pub fn with_defaults(name: &str, provider: &'static ProfileSpec, base_url: Url) -> Profile {
        Profile {
            name: name.to_string(),
            provider,
            environment: None,
            base_url,
            auth: AuthMode::ClientSecret,
            token_url: None,
            client_id: None,
            scope: None,
            resource: None,
            cert: None,
            key: None,
            ca_cert: None,
            timeout: Duration::from_secs(30),
            client_secret_command: None,
            settings: BTreeMap::new(),
            book: AccountBook::default(),
            daily_reads: None,
        }
    }
}

/// Keys every provider reads; the rest belong to one provider or another (`Spec::profile_keys`).
pub const SHARED_KEYS: &[&str] = &[
    "provider",
    "base_url",
    "timeout_secs",
    "client_secret_command",
    "client_secret_command_timeout_secs",
    "ca_cert",
    "daily_reads",
    "accounts",
    "groups",
];

/// Reads the config file. A missing file is an empty config unless it was named explicitly.
pub fn load(path: &Path, explicit: bool) -> Result<ConfigFile> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !explicit => {
            return Ok(ConfigFile::default())
        }
        Err(e) => {
            return Err(Error::usage_hint(
                format!("cannot read config file {}: {e}", path.display()),
                "check the path given with --config or TREASURY_CONFIG",
            ))
        }
    };
    toml::from_str(&text).map_err(|e| {
        Error::usage_hint(
            format!(
                "config file {} is not valid: {}",
                path.display(),
                e.message()
            ),
            config_error_hint(&text, &e),
        )
    })
}

fn config_error_hint(text: &str, err: &toml::de::Error) -> String {
    match err.span() {
        Some(span) => {
            let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
            format!("see line {line}; the keys are listed in docs/configuration.md")
        }
        None => "the keys are listed in docs/configuration.md".to_string(),
    }
}

/// The profile name: `--profile`/`TREASURY_PROFILE`, else the file's `default_profile`, else "default".
pub fn profile_name(flag: Option<&str>, file: &ConfigFile) -> String {
    flag.map(str::to_string)
        .or_else(|| file.default_profile.clone())
        .unwrap_or_else(|| DEFAULT_PROFILE.to_string())
}

/// The aliases and groups of a profile, or none when the profile does not exist.
pub fn account_book(file: &ConfigFile, name: &str) -> AccountBook {
    file.profiles
        .get(name)
        .map(|p| AccountBook {
            aliases: p.accounts.clone(),
            groups: p.groups.clone(),
        })
        .unwrap_or_default()
}

/// What a profile without `base_url` can add: the environments its provider documents an API
/// host for (Chase's `qa` has none), else `base_url` alone.
fn hosted_environments(provider: &ProfileSpec, auth: AuthMode) -> String {
    let hosted: Vec<String> = provider
        .environments
        .iter()
        .filter(|e| (provider.default_base_url)(Some(**e), auth).is_some())
        .map(|e| format!("\"{}\"", e.name()))
        .collect();
    match hosted.is_empty() {
        true => "base_url".to_string(),
        false => format!("environment = {} (or base_url)", hosted.join(" or ")),
    }
}

/// Resolves a named profile of the file into a usable one, its provider one of `providers`.
pub fn resolve(
    file: &ConfigFile,
    name: &str,
    path: &Path,
    providers: &Providers,
) -> Result<Profile> {
    let Some(raw) = file.profiles.get(name) else {
        return Err(missing_profile(file, name, path));
    };
    let provider = provider_of(name, raw, providers)?;
    check_keys(name, raw, provider, path)?;
    check_environment(name, raw.environment, provider, path)?;
    let auth = raw.auth.unwrap_or(AuthMode::ClientSecret);
    check_auth(name, auth, provider, path)?;
    let base_url = match (
        &raw.base_url,
        (provider.default_base_url)(raw.environment, auth),
    ) {
        (Some(url), _) => checked_url(name, "base_url", url)?,
        (None, Some(url)) => url,
        (None, None) if raw.environment.is_some() => {
            return Err(Error::usage_hint(
                format!(
                    "provider '{}' documents no API host for environment '{}' of profile '{name}'",
                    provider.name,
                    raw.environment.map_or("", |e| e.name())
                ),
                format!("add base_url under [profiles.{name}] in {}", path.display()),
            ))
        }
        (None, None) => {
            return Err(Error::usage_hint(
                format!("profile '{name}' has neither base_url nor environment"),
                format!(
                    "add {} under [profiles.{name}] in {}",
                    hosted_environments(provider, auth),
                    path.display()
                ),
            ))
        }
    };
    let token_url = raw
        .token_url
        .as_deref()
        .map(|url| checked_url(name, "token_url", url))
        .transpose()?;
    Ok(Profile {
        name: name.to_string(),
        provider,
        environment: raw.environment,
        base_url,
        auth,
        token_url,
        client_id: client_id(raw, provider),
        scope: raw.scope.clone(),
        resource: raw.resource.clone(),
        cert: raw.cert.clone(),
        key: raw.key.clone(),
        ca_cert: raw.ca_cert.clone(),
        timeout: Duration::from_secs(timeout_secs(name, raw.timeout_secs)?),
        client_secret_command: secret_command(name, raw)?,
        settings: provider_settings(name, raw, provider)?,
        book: account_book(file, name),
        daily_reads: raw.daily_reads,
    })
}

fn timeout_secs(profile: &str, value: Option<u64>) -> Result<u64> {
    seconds(
        profile,
        "timeout_secs",
        value.unwrap_or(DEFAULT_TIMEOUT_SECS),
    )
}

fn secret_command(profile: &str, raw: &ProfileFile) -> Result<Option<SecretCommand>> {
    let timeout = match raw.client_secret_command_timeout_secs {
        Some(secs) => Duration::from_secs(seconds(
            profile,
            "client_secret_command_timeout_secs",
            secs,
        )?),
        None => DEFAULT_SECRET_COMMAND_TIMEOUT,
    };
    Ok(raw
        .client_secret_command
        .as_ref()
        .map(|command| SecretCommand {
            command: command.clone(),
            timeout,
        }))
}

fn seconds(profile: &str, key: &str, secs: u64) -> Result<u64> {
    match secs {
        1..=3600 => Ok(secs),
        _ => Err(Error::usage_hint(
            format!("{key} = {secs} in profile '{profile}' is out of range"),
            "give between 1 and 3600 seconds",
        )),
    }
}

fn missing_profile(file: &ConfigFile, name: &str, path: &Path) -> Error {
    let known: Vec<&str> = file.profiles.keys().map(String::as_str).collect();
    let hint = if known.is_empty() {
        format!(
            "create {} (see docs/configuration.md), or try the built-in sandbox bank with --sandbox",
            path.display()
        )
    } else {
        format!(
            "known profiles: {}; pick one with -p NAME",
            known.join(", ")
        )
    };
    Error::usage_hint(format!("no profile '{name}' in {}", path.display()), hint)
}

/// The provider of the named profile; the default one when there is no such profile or it
/// names none.
pub fn provider_of_named(
    file: &ConfigFile,
    name: &str,
    providers: &Providers,
) -> Result<&'static ProfileSpec> {
    match file.profiles.get(name) {
        Some(raw) => provider_of(name, raw, providers),
        None => Ok(providers.default_spec()),
    }
}

/// The provider a profile names; the default one when it names none.
fn provider_of(
    name: &str,
    raw: &ProfileFile,
    providers: &Providers,
) -> Result<&'static ProfileSpec> {
    let wanted = raw.provider.as_deref().unwrap_or(providers.default);
    providers.find(wanted).ok_or_else(|| {
        Error::usage_hint(
            format!("profile '{name}' names provider '{wanted}', which this version does not know"),
            format!("the known providers are: {}", providers.names().join(", ")),
        )
    })
}

/// The client id: `client_id`, or the provider's key that plays its part.
fn client_id(raw: &ProfileFile, provider: &ProfileSpec) -> Option<String> {
    let stand_in = || provider.client_id_key.and_then(|key| text_of(raw, key));
    raw.client_id.clone().or_else(stand_in)
}

/// Parses a URL, refusing a user name or password in it (they would be printed by `status`
/// and `-v`, and sent beside our own `Authorization` header) and plain http anywhere but on a
/// loopback host. No message quotes a password.
pub fn checked_url(profile: &str, key: &str, text: &str) -> Result<Url> {
    let shown = redact_userinfo(text);
    let url = Url::parse(text).map_err(|e| {
        Error::usage_hint(
            format!("{key} '{shown}' of profile '{profile}' is not a valid URL: {e}"),
            format!("write a full URL such as https://bank.example/api under [profiles.{profile}]"),
        )
    })?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::usage_hint(
            format!("{key} '{shown}' of profile '{profile}' holds a user name or password; refusing to use it"),
            format!(
                "remove the 'user:password@' part from {key} (or --{}): the client id and secret go to 'treasury login', never into a URL",
                key.replace('_', "-")
            ),
        ));
    }
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        _ => Err(Error::usage_hint(
            format!("{key} '{shown}' of profile '{profile}' must use https"),
            "plain http is allowed only on a loopback host (127.0.0.1, ::1, localhost)",
        )),
    }
}

/// A URL as text with anything before an `@` in its authority replaced by `***`, whether or
/// not the URL parses.
fn redact_userinfo(text: &str) -> String {
    let (scheme, rest) = match text.find("://") {
        Some(i) => text.split_at(i + 3),
        None => ("", text),
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}***{}", &rest[at..]),
        None => text.to_string(),
    }
}

fn is_loopback(url: &Url) -> bool {
    let host = url.host_str().unwrap_or_default();
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || bare
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}
