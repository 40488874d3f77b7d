//! Where secrets come from, and the `Secret` type that keeps them out of every log and message.

use std::fmt;

use crate::config::Profile;
use crate::error::{Error, Result};

pub const CLIENT_SECRET_ENV: &str = "TREASURY_CLIENT_SECRET";
pub const ACCESS_TOKEN_ENV: &str = "TREASURY_ACCESS_TOKEN";

/// A secret value (client secret, access token). Its `Debug` and `Display` never show it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself, for the one place that must send it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(redacted)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(redacted)")
    }
}

/// Where a credential came from, for `status` and for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Env,
    Sandbox,
}

impl Source {
    pub fn describe(self) -> &'static str {
        match self {
            Source::Env => "environment",
            Source::Sandbox => "sandbox",
        }
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
    },
}

/// The credentials of the sandbox bank, which are public.
pub fn sandbox_access() -> Access {
    Access::ClientSecret {
        client_id: crate::sandbox::CLIENT_ID.to_string(),
        secret: Secret::new(crate::sandbox::CLIENT_SECRET),
        source: Source::Sandbox,
    }
}

/// Finds the credentials for a profile, first hit wins: a ready token, then the client secret.
pub fn resolve(profile: &Profile) -> Result<Access> {
    if let Some(token) = env_secret(ACCESS_TOKEN_ENV) {
        return Ok(Access::Token(token));
    }
    let client_id = profile.client_id.clone().ok_or_else(|| {
        Error::auth(
            format!("profile '{}' has no client_id", profile.name),
            format!(
                "add client_id under [profiles.{}] in the config file",
                profile.name
            ),
        )
    })?;
    match env_secret(CLIENT_SECRET_ENV) {
        Some(secret) => Ok(Access::ClientSecret {
            client_id,
            secret,
            source: Source::Env,
        }),
        None => Err(Error::auth(
            format!("no client secret for profile '{}'", profile.name),
            format!("set {CLIENT_SECRET_ENV}, or {ACCESS_TOKEN_ENV} with a ready access token"),
        )),
    }
}

fn env_secret(var: &str) -> Option<Secret> {
    std::env::var(var)
        .ok()
        .filter(|v| !v.is_empty())
        .map(Secret::new)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_print() {
        let secret = Secret::new("hunter2");
        assert_eq!(format!("{secret}"), "(redacted)");
        assert_eq!(format!("{secret:?}"), "Secret(redacted)");
        let access = Access::Token(secret.clone());
        assert!(!format!("{access:?}").contains("hunter2"));
        assert_eq!(secret.expose(), "hunter2");
    }
}
