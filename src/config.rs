//! The config file, profiles and where files live: config file < environment < flags, resolved
//! into one `Profile`. The only module that knows paths.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use reqwest::Url;
use serde::Deserialize;

use crate::bank::{self, jpmorgan, Spec};
use crate::credentials::SecretCommand;
use crate::error::{Error, Result};
use crate::query::AccountBook;

const DEFAULT_PROFILE: &str = "default";
const DEFAULT_TIMEOUT_SECS: u64 = 60;

/// The config file as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    pub default_profile: Option<String>,
    #[serde(default)]
    pub profiles: BTreeMap<String, ProfileFile>,
}

/// One `[profiles.NAME]` table as written.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
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
    /// Finicity: the app key (sent on every call, redacted in logs), partner and customer.
    pub app_key: Option<String>,
    pub partner_id: Option<String>,
    pub customer_id: Option<String>,
    /// Chase (browser login): where the bank sends the browser back, and its OAuth pages.
    pub redirect_uri: Option<String>,
    pub authorize_url: Option<String>,
    #[serde(default)]
    pub accounts: BTreeMap<String, String>,
    #[serde(default)]
    pub groups: BTreeMap<String, Vec<String>>,
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
}

impl AuthMode {
    pub fn name(self) -> &'static str {
        match self {
            AuthMode::ClientSecret => "client-secret",
            AuthMode::PrivateKeyJwt => "private-key-jwt",
            AuthMode::Mtls => "mtls",
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
    /// The provider the profile names (`provider =`, default jpmorgan).
    pub provider: &'static Spec,
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
}

impl Profile {
    /// A profile with every default: client-secret auth, 30 s timeout, no files, no aliases.
    pub fn with_defaults(name: &str, provider: &'static Spec, base_url: Url) -> Profile {
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
    "accounts",
    "groups",
];

/// Non-secret settings `login` writes into a profile; `None` leaves a setting as it is.
#[derive(Debug, Default, Clone)]
pub struct ProfileUpdate {
    pub environment: Option<Environment>,
    pub base_url: Option<String>,
    pub auth: Option<AuthMode>,
    pub token_url: Option<String>,
    pub client_id: Option<String>,
    pub scope: Option<String>,
    pub resource: Option<String>,
    pub cert: Option<PathBuf>,
    pub key: Option<PathBuf>,
}

impl ProfileUpdate {
    /// The profile as it will be once saved.
    pub fn apply(&self, raw: &mut ProfileFile) {
        raw.provider.get_or_insert_with(|| "jpmorgan".to_string());
        set(&mut raw.environment, self.environment);
        set(&mut raw.base_url, self.base_url.clone());
        set(&mut raw.auth, self.auth);
        set(&mut raw.token_url, self.token_url.clone());
        set(&mut raw.client_id, self.client_id.clone());
        set(&mut raw.scope, self.scope.clone());
        set(&mut raw.resource, self.resource.clone());
        set(&mut raw.cert, self.cert.clone());
        set(&mut raw.key, self.key.clone());
    }

    fn entries(&self) -> Vec<(&'static str, String)> {
        let path = |p: &Option<PathBuf>| p.as_ref().map(|p| p.display().to_string());
        [
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
    if profile.get("provider").is_none() {
        profile["provider"] = toml_edit::value("jpmorgan");
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

/// Where the config file is: `--config`/`TREASURY_CONFIG`, else the XDG location.
pub fn config_path(flag: Option<&Path>) -> Result<PathBuf> {
    match flag {
        Some(path) => Ok(path.to_path_buf()),
        None => Ok(config_dir()?.join("config.toml")),
    }
}

/// The owner-only credentials file, for machines without a keyring.
pub fn credentials_path() -> Result<PathBuf> {
    config_dir().map(|dir| dir.join("credentials.toml"))
}

/// The lock file that runs renewing a browser login take before spending a refresh token.
pub fn login_lock_path() -> Result<PathBuf> {
    config_dir().map(|dir| dir.join("login.lock"))
}

/// Where the account list of a profile is cached.
pub fn account_cache_path(profile: &str) -> Result<PathBuf> {
    let safe: String = profile
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    xdg_dir("XDG_CACHE_HOME", ".cache").map(|dir| {
        dir.join("treasury")
            .join("accounts")
            .join(format!("{safe}.json"))
    })
}

fn config_dir() -> Result<PathBuf> {
    xdg_dir("XDG_CONFIG_HOME", ".config").map(|dir| dir.join("treasury"))
}

fn xdg_dir(var: &str, fallback: &str) -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os(var).filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    match std::env::var_os("HOME").filter(|d| !d.is_empty()) {
        Some(home) => Ok(PathBuf::from(home).join(fallback)),
        None => Err(Error::usage_hint(
            format!("neither {var} nor HOME is set, so there is no place for treasury's files"),
            "set HOME, or pass --config FILE",
        )),
    }
}

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

/// Resolves a named profile of the file into a usable one.
pub fn resolve(file: &ConfigFile, name: &str, path: &Path) -> Result<Profile> {
    let Some(raw) = file.profiles.get(name) else {
        return Err(missing_profile(file, name, path));
    };
    let provider = provider_of(name, raw)?;
    check_keys(name, raw, provider, path)?;
    check_environment(name, raw.environment, provider, path)?;
    let auth = raw.auth.unwrap_or(AuthMode::ClientSecret);
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
                    "add environment = \"uat\" or \"prod\" under [profiles.{name}] in {}",
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
        // Finicity's partner id plays the client id's part in the secret chain.
        client_id: raw.client_id.clone().or_else(|| raw.partner_id.clone()),
        scope: raw.scope.clone(),
        resource: raw.resource.clone(),
        cert: raw.cert.clone(),
        key: raw.key.clone(),
        ca_cert: raw.ca_cert.clone(),
        timeout: Duration::from_secs(timeout_secs(name, raw.timeout_secs)?),
        client_secret_command: secret_command(name, raw)?,
        settings: provider_settings(raw, provider),
        book: account_book(file, name),
    })
}

/// The keys a profile sets, each with its value where it is text.
fn keys_set(raw: &ProfileFile) -> Vec<(&'static str, Option<String>)> {
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
        text("app_key", &raw.app_key),
        text("partner_id", &raw.partner_id),
        text("customer_id", &raw.customer_id),
        text("redirect_uri", &raw.redirect_uri),
        text("authorize_url", &raw.authorize_url),
        other("accounts", !raw.accounts.is_empty()),
        other("groups", !raw.groups.is_empty()),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// Refuses a key that belongs to another provider, naming the keys this one reads.
fn check_keys(name: &str, raw: &ProfileFile, provider: &Spec, path: &Path) -> Result<()> {
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

/// Refuses an environment the provider has no hosts for (J.P. Morgan: prod, uat; Chase: prod, qa).
fn check_environment(
    name: &str,
    environment: Option<Environment>,
    provider: &Spec,
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

/// The provider-specific text settings of a profile.
fn provider_settings(raw: &ProfileFile, provider: &Spec) -> BTreeMap<&'static str, String> {
    keys_set(raw)
        .into_iter()
        .filter(|(key, _)| provider.profile_keys.contains(key))
        .filter_map(|(key, value)| Some((key, value?)))
        .collect()
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
        None => crate::credentials::command::DEFAULT_TIMEOUT,
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

/// The provider of the named profile; jpmorgan when there is no such profile or it names none.
pub fn provider_of_named(file: &ConfigFile, name: &str) -> Result<&'static Spec> {
    match file.profiles.get(name) {
        Some(raw) => provider_of(name, raw),
        None => Ok(&jpmorgan::SPEC),
    }
}

/// The provider a profile names; jpmorgan when it names none.
fn provider_of(name: &str, raw: &ProfileFile) -> Result<&'static Spec> {
    let wanted = raw.provider.as_deref().unwrap_or("jpmorgan");
    bank::spec(wanted).ok_or_else(|| {
        let known: Vec<&str> = bank::PROVIDERS.iter().map(|p| p.name).collect();
        Error::usage_hint(
            format!("profile '{name}' names provider '{wanted}', which this version does not know"),
            format!("the known providers are: {}", known.join(", ")),
        )
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> ConfigFile {
        toml::from_str(text).unwrap()
    }

    fn usage(err: Error) -> String {
        match err {
            Error::Usage { message, hint } => format!("{message} | {}", hint.unwrap_or_default()),
            other => panic!("expected usage error, got {other:?}"),
        }
    }

    #[test]
    fn the_documented_example_resolves() {
        let file = parse(
            r#"
default_profile = "uat"
[profiles.uat]
provider = "jpmorgan"
environment = "uat"
auth = "client-secret"
token_url = "https://id.example/oauth2/token"
client_id = "abc"
timeout_secs = 30
[profiles.uat.accounts]
ops-usd = "02100002/000000010013324"
[profiles.uat.groups]
emea = ["ops-gbp", "CHASGB2L/0041034035"]
"#,
        );
        let name = profile_name(None, &file);
        assert_eq!(name, "uat");
        let profile = resolve(&file, &name, Path::new("c.toml")).unwrap();
        assert_eq!(
            profile.base_url.as_str(),
            "https://openbankinguat.jpmorgan.com/accessapi"
        );
        assert_eq!(profile.timeout, Duration::from_secs(30));
        assert_eq!(profile.book.aliases["ops-usd"], "02100002/000000010013324");
        assert_eq!(profile.book.groups["emea"].len(), 2);
        assert_eq!(profile_name(Some("prod"), &file), "prod");
        assert_eq!(profile_name(None, &ConfigFile::default()), "default");
    }

    #[test]
    fn environments_map_to_documented_hosts() {
        let host = |env, auth| jpmorgan::documented_host(env, auth).to_string();
        assert_eq!(
            host(Environment::Prod, AuthMode::ClientSecret),
            "https://openbanking.jpmorgan.com/accessapi"
        );
        assert_eq!(
            host(Environment::Prod, AuthMode::Mtls),
            "https://apigateway.jpmorgan.com/accessapi"
        );
        assert_eq!(
            host(Environment::Uat, AuthMode::PrivateKeyJwt),
            "https://openbankinguat.jpmorgan.com/accessapi"
        );
        assert_eq!(
            host(Environment::Uat, AuthMode::Mtls),
            "https://apigatewayqaf.jpmorgan.com/accessapi"
        );
    }

    #[test]
    fn plain_http_only_on_loopback() {
        for ok in [
            "https://bank.example/x",
            "http://127.0.0.1:8080",
            "http://localhost:1",
            "http://[::1]:9",
        ] {
            checked_url("p", "base_url", ok).unwrap();
        }
        let text = usage(checked_url("p", "base_url", "http://bank.example/x").unwrap_err());
        assert!(
            text.contains("base_url 'http://bank.example/x' of profile 'p' must use https"),
            "{text}"
        );
        assert!(text.contains("loopback"), "{text}");
        let text = usage(checked_url("p", "token_url", "ftp://127.0.0.1/").unwrap_err());
        assert!(text.contains("must use https"), "{text}");
        let text = usage(checked_url("p", "base_url", "not a url").unwrap_err());
        assert!(text.contains("is not a valid URL"), "{text}");
    }

    #[test]
    fn user_names_and_passwords_in_urls_are_refused_unquoted() {
        for url in [
            "https://ana:hunter2@bank.example/api",
            "https://ana@bank.example/api",
            "https://:hunter2@bank.example/api",
            "http://ana:hunter2@127.0.0.1:9/x",
        ] {
            let text = usage(checked_url("p", "token_url", url).unwrap_err());
            assert!(!text.contains("hunter2") && !text.contains("ana"), "{text}");
            assert!(text.contains("token_url '"), "{text}");
            assert!(text.contains("@") && text.contains("***"), "{text}");
            assert!(text.contains("--token-url"), "{text}");
        }
        assert_eq!(
            redact_userinfo("https://a:b@c@host/p@q"),
            "https://***@host/p@q"
        );
        assert_eq!(redact_userinfo("https://host/p@q"), "https://host/p@q");
        let text = usage(checked_url("p", "base_url", "https://a:hunter2@[bad").unwrap_err());
        assert!(!text.contains("hunter2"), "{text}");
    }

    #[test]
    fn missing_profiles_list_the_known_ones() {
        let file = parse(
            "[profiles.uat]\nenvironment = \"uat\"\n[profiles.prod]\nenvironment = \"prod\"\n",
        );
        let text = usage(resolve(&file, "dev", Path::new("c.toml")).unwrap_err());
        assert!(
            text.contains("no profile 'dev' in c.toml")
                && text.contains("known profiles: prod, uat"),
            "{text}"
        );
        let text =
            usage(resolve(&ConfigFile::default(), "default", Path::new("c.toml")).unwrap_err());
        assert!(text.contains("--sandbox"), "{text}");
    }

    #[test]
    fn saving_a_profile_keeps_comments_and_other_profiles() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("treasury").join("config.toml");
        let update = ProfileUpdate {
            environment: Some(Environment::Uat),
            client_id: Some("abc".into()),
            ..ProfileUpdate::default()
        };
        save_profile(&path, "uat", &update).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("default_profile = \"uat\""), "{text}");
        let with_comment =
            format!("# my banks\n{text}\n[profiles.prod] # live\nenvironment = \"prod\"\n");
        std::fs::write(&path, with_comment).unwrap();
        let update = ProfileUpdate {
            token_url: Some("https://id.example/t".into()),
            ..ProfileUpdate::default()
        };
        save_profile(&path, "uat", &update).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.contains("# my banks") && text.contains("[profiles.prod] # live"),
            "{text}"
        );
        let file: ConfigFile = toml::from_str(&text).unwrap();
        assert_eq!(file.profiles["uat"].client_id.as_deref(), Some("abc"));
        assert_eq!(
            file.profiles["uat"].token_url.as_deref(),
            Some("https://id.example/t")
        );
        assert_eq!(file.profiles["prod"].environment, Some(Environment::Prod));
    }

    #[test]
    fn environments_are_checked_per_provider() {
        let jpm_qa = parse("[profiles.a]\nenvironment = \"qa\"\n");
        let text = usage(resolve(&jpm_qa, "a", Path::new("c")).unwrap_err());
        assert!(
            text.contains("environment = \"qa\", which provider 'jpmorgan' does not have")
                && text.contains("use one of: prod, uat"),
            "{text}"
        );
        let chase_uat = parse("[profiles.a]\nprovider = \"chase\"\nenvironment = \"uat\"\n");
        let text = usage(resolve(&chase_uat, "a", Path::new("c")).unwrap_err());
        assert!(text.contains("use one of: prod, qa"), "{text}");
        let chase_qa = parse("[profiles.a]\nprovider = \"chase\"\nenvironment = \"qa\"\n");
        let text = usage(resolve(&chase_qa, "a", Path::new("c")).unwrap_err());
        assert!(
            text.contains("documents no API host for environment 'qa'"),
            "{text}"
        );
        let chase = parse("[profiles.a]\nprovider = \"chase\"\nenvironment = \"prod\"\nredirect_uri = \"http://127.0.0.1:1/cb\"\n");
        let profile = resolve(&chase, "a", Path::new("c")).unwrap();
        assert_eq!(
            profile.base_url.as_str(),
            "https://api2.chase.com/jpmc/servicing/inquiry-maintenance/fdx/v4"
        );
        assert_eq!(profile.settings["redirect_uri"], "http://127.0.0.1:1/cb");
        let foreign =
            parse("[profiles.a]\nprovider = \"chase\"\nenvironment = \"prod\"\napp_key = \"k\"\n");
        let text = usage(resolve(&foreign, "a", Path::new("c")).unwrap_err());
        assert!(
            text.contains("sets app_key, which provider 'chase' does not read"),
            "{text}"
        );
        let jpm_redirect = parse(
            "[profiles.a]\nenvironment = \"uat\"\nredirect_uri = \"http://127.0.0.1:1/cb\"\n",
        );
        assert!(resolve(&jpm_redirect, "a", Path::new("c")).is_err());
    }

    #[test]
    fn config_errors_point_at_the_right_line() {
        let text = "[profiles.a]\nenvironment = \"uat\"\nbase_ur = \"x\"\n";
        let err = toml::from_str::<ConfigFile>(text).unwrap_err();
        let hint = config_error_hint(text, &err);
        assert!(hint.starts_with("see line 3"), "{hint}");
    }

    #[test]
    fn unknown_keys_and_providers_are_refused() {
        assert!(toml::from_str::<ConfigFile>("[profiles.a]\nbase_ur = \"x\"\n").is_err());
        let file = parse("[profiles.a]\nprovider = \"finicity\"\nenvironment = \"uat\"\n");
        assert!(
            usage(resolve(&file, "a", Path::new("c")).unwrap_err()).contains("provider 'finicity'")
        );
        let file = parse("[profiles.a]\nclient_id = \"x\"\n");
        assert!(usage(resolve(&file, "a", Path::new("c")).unwrap_err())
            .contains("neither base_url nor environment"));
    }
}
