//! Where secrets come from (environment, a command, the OS keyring, the owner-only credentials
//! file, in that order) and the access-token cache beside them. Each is held in a
//! `crate::secret::Secret`, which keeps it out of every log and message.

pub mod command;
pub mod file;
pub mod keyring;
pub mod lock;
pub mod login;
mod store;

use std::path::PathBuf;

use chrono::{DateTime, Duration, Utc};

use crate::config::{self, AuthMode, Profile};
use crate::error::{Error, Result};
use crate::secret::Secret;

pub use self::keyring::KeyringError;

pub const CLIENT_SECRET_ENV: &str = crate::env::CLIENT_SECRET;
pub const ACCESS_TOKEN_ENV: &str = crate::env::ACCESS_TOKEN;
/// A cached token is not used in its last minute.
const EXPIRY_MARGIN: Duration = Duration::seconds(60);

/// Where a credential came from, for `status` and for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Env,
    Command,
    Keyring,
    File,
    Sandbox,
    /// Not a secret: a client certificate or a signing key named by the profile.
    KeyFile,
    /// Given to this run by `login` (typed, or `--client-secret-stdin`), to be stored by it.
    Given,
}

impl Source {
    pub fn name(self) -> &'static str {
        match self {
            Source::Env => "env",
            Source::Command => "command",
            Source::Keyring => "keyring",
            Source::File => "file",
            Source::Sandbox => "sandbox",
            Source::KeyFile => "key-file",
            Source::Given => "login",
        }
    }
}

/// Where a secret lives, and so where its access tokens are cached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Store {
    Keyring,
    File(PathBuf),
}

/// An access token from the cache, with its expiry.
#[derive(Debug, Clone)]
pub struct CachedToken {
    pub token: Secret,
    pub expires_at: DateTime<Utc>,
}

impl CachedToken {
    pub fn is_usable(&self, now: DateTime<Utc>) -> bool {
        self.expires_at - EXPIRY_MARGIN > now
    }
}

/// How requests to the bank get authorised.
#[derive(Debug, Clone)]
pub enum Access {
    /// A ready access token (`TREASURY_ACCESS_TOKEN`): no token request at all.
    Token(Secret),
    /// OAuth2 client credentials with the secret sent by HTTP Basic.
    ClientSecret {
        client_id: String,
        secret: Secret,
        source: Source,
        cache: Option<Store>,
    },
    /// OAuth2 client credentials with a client assertion signed by the profile's key.
    PrivateKeyJwt {
        client_id: String,
        key: PathBuf,
        cert: PathBuf,
        resource: Option<String>,
    },
    /// Mutual TLS: the client certificate authenticates every request; no token.
    Mtls,
    /// A browser login: its refresh token (and cached access token) kept in `store`.
    Login { client_id: String, store: Store },
}

impl Access {
    pub fn source(&self) -> Source {
        match self {
            Access::Token(_) => Source::Env,
            Access::ClientSecret { source, .. } => *source,
            Access::PrivateKeyJwt { .. } | Access::Mtls => Source::KeyFile,
            Access::Login { store, .. } => match store {
                Store::Keyring => Source::Keyring,
                Store::File(_) => Source::File,
            },
        }
    }
}

/// Finds the credentials for a profile; the first source that has them wins.
pub fn resolve(profile: &Profile) -> Result<Access> {
    if let Some(token) = env_secret(ACCESS_TOKEN_ENV) {
        tracing::info!("access token from {ACCESS_TOKEN_ENV}");
        return Ok(Access::Token(token));
    }
    if profile.provider.browser_login {
        return login::find(profile);
    }
    own_credentials(profile)
}

/// The client's own credentials, even where the profile logs in through a browser: what calls
/// made as the app (an open-banking consent's creation, reading, deletion) authenticate with.
pub fn client_access(profile: &Profile) -> Result<Access> {
    if let Some(token) = env_secret(ACCESS_TOKEN_ENV) {
        tracing::info!("access token from {ACCESS_TOKEN_ENV}");
        return Ok(Access::Token(token));
    }
    own_credentials(profile)
}

/// The chain for the client's own secret or key: no ready token, no browser login.
pub fn own_credentials(profile: &Profile) -> Result<Access> {
    if profile.auth != AuthMode::ClientSecret {
        return key_access(profile);
    }
    let client_id = client_id(profile)?;
    let (secret, source, cache) = find_secret(profile)?;
    let from = match source {
        Source::Env => CLIENT_SECRET_ENV,
        other => other.name(),
    };
    tracing::info!("client secret from {from}");
    Ok(Access::ClientSecret {
        client_id,
        secret,
        source,
        cache,
    })
}

/// The credentials of a profile that authenticates with a key file (private-key-jwt, mtls),
/// refusing a key that others can read.
pub fn key_access(profile: &Profile) -> Result<Access> {
    let (cert, key) = cert_and_key(profile)?;
    crate::secret::check_private(&key, "private key")?;
    match profile.auth {
        AuthMode::Mtls => Ok(Access::Mtls),
        _ => Ok(Access::PrivateKeyJwt {
            client_id: client_id(profile)?,
            key,
            cert,
            resource: profile.resource.clone(),
        }),
    }
}

pub fn client_id(profile: &Profile) -> Result<String> {
    profile.client_id.clone().ok_or_else(|| {
        Error::auth(
            format!("profile '{}' has no client_id", profile.name),
            format!("run 'treasury login -p {}'", profile.name),
        )
    })
}

fn cert_and_key(profile: &Profile) -> Result<(PathBuf, PathBuf)> {
    match (&profile.cert, &profile.key) {
        (Some(cert), Some(key)) => Ok((cert.clone(), key.clone())),
        _ => Err(Error::usage_hint(
            format!(
                "profile '{}' uses auth '{}' but lacks cert or key",
                profile.name,
                profile.auth.name()
            ),
            format!(
                "run 'treasury login -p {} --cert FILE --key FILE'",
                profile.name
            ),
        )),
    }
}

/// The secret chain, first hit wins (PRODUCT.md): the one place its order is written.
const CHAIN: [Source; 4] = [Source::Env, Source::Command, Source::Keyring, Source::File];

/// What one source of the chain holds for a profile: nothing, or where the secret is (and,
/// when `fetch`, the secret itself; only then is a `client_secret_command` run).
fn look(profile: &Profile, source: Source, fetch: bool) -> Result<Option<Found>> {
    let found = |secret, store| Ok(Some(Found { secret, store }));
    match source {
        Source::Env => match env_secret(CLIENT_SECRET_ENV) {
            Some(secret) => found(Some(secret), None),
            None => Ok(None),
        },
        Source::Command => match &profile.client_secret_command {
            Some(command) if fetch => found(Some(command::run(&profile.name, command)?), None),
            Some(_) => found(None, None),
            None => Ok(None),
        },
        Source::Keyring => match keyring::get(&profile.name) {
            Ok(Some(secret)) => found(Some(secret), Some(Store::Keyring)),
            Ok(None) => Ok(None),
            Err(e) => {
                tracing::info!("{e}");
                Ok(None)
            }
        },
        Source::File => {
            let path = config::credentials_path()?;
            match file::load(&path, &profile.name)?.secret() {
                Some(secret) => found(Some(secret), Some(Store::File(path))),
                None => Ok(None),
            }
        }
        Source::Sandbox | Source::KeyFile | Source::Given => Ok(None),
    }
}

/// A hit in the secret chain.
struct Found {
    secret: Option<Secret>,
    store: Option<Store>,
}

/// The secret `login` was given for a profile: for this run it comes before the chain.
static GIVEN: std::sync::Mutex<Option<(String, Secret)>> = std::sync::Mutex::new(None);

/// Hands the chain the secret `login` was given, so the login's token requests use it.
pub fn give_secret(profile: &str, secret: Secret) {
    *GIVEN
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner) = Some((profile.to_string(), secret));
}

fn given_secret(profile: &str) -> Option<Secret> {
    let given = GIVEN
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    given
        .as_ref()
        .filter(|(name, _)| name == profile)
        .map(|(_, secret)| secret.clone())
}

/// Whether the chain has a client secret for the profile, without running its command.
pub fn has_secret(profile: &Profile) -> Result<bool> {
    for source in CHAIN {
        if look(profile, source, false)?.is_some() {
            return Ok(true);
        }
    }
    Ok(false)
}

fn find_secret(profile: &Profile) -> Result<(Secret, Source, Option<Store>)> {
    if let Some(secret) = given_secret(&profile.name) {
        return Ok((secret, Source::Given, None));
    }
    for source in CHAIN {
        if let Some(Found {
            secret: Some(secret),
            store,
        }) = look(profile, source, true)?
        {
            return Ok((secret, source, store));
        }
    }
    let name = &profile.name;
    let hint = match keyring::probe() {
        Err(KeyringError::Unavailable(_)) => no_keyring_hint(name),
        _ => format!("run 'treasury login -p {name}', or set {CLIENT_SECRET_ENV}"),
    };
    Err(Error::auth(
        format!("no client secret for profile '{name}'"),
        hint,
    ))
}

/// What to do on a machine without a usable keyring: the one wording of it.
pub fn no_keyring_hint(profile: &str) -> String {
    format!(
        "on a machine without a keyring use 'treasury login -p {profile} --store file' (an owner-only file), \
         or set {CLIENT_SECRET_ENV} or client_secret_command instead"
    )
}

fn env_secret(var: &str) -> Option<Secret> {
    crate::env::text(var).map(Secret::new)
}

pub fn token_entry(profile: &str) -> String {
    format!("{profile}:token")
}

/// What `status` reports about a profile's credentials, found without running any command and
/// without contacting the bank.
#[derive(Debug, Clone)]
pub struct CredentialStatus {
    pub source: Option<Source>,
    /// The environment variable the credential comes from, when it does (`Source::Env`).
    pub env_var: Option<&'static str>,
    pub token: Option<CachedToken>,
    pub keyring: Result<(), KeyringError>,
}

pub fn status(profile: &Profile) -> Result<CredentialStatus> {
    let keyring_state = keyring::probe();
    let env_var = [ACCESS_TOKEN_ENV, CLIENT_SECRET_ENV]
        .into_iter()
        .filter(|var| *var == ACCESS_TOKEN_ENV || profile.auth == AuthMode::ClientSecret)
        .find(|var| env_secret(var).is_some());
    let (source, store) = if env_var.is_some() {
        (Some(Source::Env), None)
    } else if profile.auth != AuthMode::ClientSecret {
        (Some(Source::KeyFile), None)
    } else {
        let mut hit = (None, None);
        for source in CHAIN {
            if let Some(found) = look(profile, source, false)? {
                hit = (Some(source), found.store);
                break;
            }
        }
        hit
    };
    Ok(CredentialStatus {
        source,
        env_var,
        token: store.and_then(|s| s.load_token(&profile.name)),
        keyring: keyring_state,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_never_prints_its_token() {
        let secret = Secret::new("hunter2");
        let access = Access::Token(secret.clone());
        assert!(!format!("{access:?}").contains("hunter2"));
    }

    #[test]
    fn cached_tokens_are_not_used_in_their_last_minute() {
        let now = Utc::now();
        let token = |secs| CachedToken {
            token: Secret::new("t"),
            expires_at: now + Duration::seconds(secs),
        };
        assert!(token(120).is_usable(now));
        assert!(!token(59).is_usable(now));
        assert!(!token(-1).is_usable(now));
    }
}
