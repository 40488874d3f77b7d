//! OAuth2 client-credentials tokens (client secret by HTTP Basic, or a signed client assertion),
//! the token cache, and renewal after the bank refuses a cached token.

use std::path::PathBuf;

use chrono::{DateTime, Duration, Utc};
use reqwest::Url;
use serde::Deserialize;
use tokio::sync::Mutex;

pub mod assertion;
pub mod authcode;
pub mod browser;
pub mod fapi;
pub mod loopback;
pub mod refresh;
mod renew;
use crate::config::Profile;
use crate::credentials::{Access, Secret, Store};
use crate::error::{Error, Result};
use crate::http::Http;

/// Lifetime assumed when the token endpoint does not say.
const DEFAULT_LIFETIME_SECS: i64 = 300;

/// Longest token lifetime we believe; anything longer is capped.
const MAX_LIFETIME_SECS: i64 = 366 * 24 * 3600;

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    #[serde(default)]
    expires_in: Option<Lifetime>,
}

/// `expires_in` as a number, or as the string some token endpoints send.
#[derive(Deserialize)]
#[serde(untagged)]
enum Lifetime {
    Seconds(i64),
    Text(String),
}

impl Lifetime {
    fn seconds(&self) -> i64 {
        let seconds = match self {
            Lifetime::Seconds(s) => *s,
            Lifetime::Text(t) => t.trim().parse().unwrap_or(DEFAULT_LIFETIME_SECS),
        };
        seconds.clamp(0, MAX_LIFETIME_SECS)
    }
}

#[derive(Deserialize)]
struct TokenError {
    error: String,
    #[serde(default)]
    error_description: Option<String>,
}

/// An access token and when it expires.
#[derive(Debug, Clone)]
pub struct AccessToken {
    pub token: Secret,
    pub expires_at: DateTime<Utc>,
}

/// How the client proves who it is to the token endpoint.
#[derive(Debug, Clone)]
enum Grant {
    Basic {
        secret: Secret,
    },
    Assertion {
        key: PathBuf,
        cert: PathBuf,
        resource: Option<String>,
        signing: fapi::Signing,
    },
}

/// Tokens from a token endpoint, cached in `cache` where there is one.
#[derive(Debug)]
struct TokenEndpoint {
    token_url: Url,
    client_id: String,
    scope: Option<String>,
    grant: Grant,
    cache: Option<Store>,
}

#[derive(Debug)]
enum Method {
    /// A ready token: sent as it is.
    Fixed(Secret),
    Endpoint(Box<TokenEndpoint>),
    /// Mutual TLS: no bearer token.
    None,
    /// A browser login's access tokens, renewed with its refresh token.
    Login(refresh::LoginTokens),
}

/// Supplies the bearer token of every request, fetching it once and sharing it.
#[derive(Debug)]
pub struct Authorizer {
    http: Http,
    profile: String,
    method: Method,
    /// The token in use, and whether it came from the cache.
    current: Mutex<Option<(Secret, bool)>>,
}

impl Authorizer {
    pub fn new(http: Http, profile: &Profile, access: Access) -> Result<Authorizer> {
        let token_url = || {
            profile.token_url.clone().ok_or_else(|| {
                Error::usage_hint(
                    format!("profile '{}' has no token_url", profile.name),
                    format!(
                        "run 'treasury login -p {}' or add token_url to the profile",
                        profile.name
                    ),
                )
            })
        };
        let method = match access {
            Access::Token(token) => Method::Fixed(token),
            Access::Mtls => Method::None,
            Access::Login { .. } => {
                return Err(Error::auth(
                    format!(
                        "profile '{}' holds a browser login, which this provider does not use",
                        profile.name
                    ),
                    format!(
                        "run 'treasury logout -p {0}' and 'treasury login -p {0}'",
                        profile.name
                    ),
                ))
            }
            Access::ClientSecret {
                client_id,
                secret,
                cache,
                ..
            } => Method::Endpoint(Box::new(TokenEndpoint {
                token_url: token_url()?,
                client_id,
                scope: profile.scope.clone(),
                grant: Grant::Basic { secret },
                cache,
            })),
            Access::PrivateKeyJwt {
                client_id,
                key,
                cert,
                resource,
            } => Method::Endpoint(Box::new(TokenEndpoint {
                token_url: token_url()?,
                client_id,
                scope: profile.scope.clone(),
                grant: Grant::Assertion {
                    key,
                    cert,
                    resource,
                    signing: fapi::signing_of(profile),
                },
                cache: None,
            })),
        };
        Ok(Authorizer {
            http,
            profile: profile.name.clone(),
            method,
            current: Mutex::new(None),
        })
    }

    /// Bearer tokens from a browser login (renewed with its refresh token, not client credentials).
    pub fn with_login(http: Http, profile: &Profile, tokens: refresh::LoginTokens) -> Authorizer {
        Authorizer {
            http,
            profile: profile.name.clone(),
            method: Method::Login(tokens),
            current: Mutex::new(None),
        }
    }

    pub fn has_token_endpoint(&self) -> bool {
        matches!(self.method, Method::Endpoint(_))
    }

    /// The bearer token to send, if any: the one in use, a cached one, or a fresh one.
    pub async fn bearer(&self) -> Result<Option<Secret>> {
        if let Method::Login(tokens) = &self.method {
            return tokens.bearer().await.map(Some);
        }
        let mut current = self.current.lock().await;
        if let Some((token, _)) = current.as_ref() {
            return Ok(Some(token.clone()));
        }
        let found = match &self.method {
            Method::None | Method::Login(_) => return Ok(None),
            Method::Fixed(token) => (token.clone(), false),
            Method::Endpoint(endpoint) => match self.cached(endpoint.cache.as_ref()) {
                Some(token) => (token, true),
                None => (self.fetch().await?.token, false),
            },
        };
        *current = Some(found.clone());
        Ok(Some(found.0))
    }

    /// After the bank refused `rejected` with 401: when it came from the cache, forget it and
    /// fetch a fresh one. Returns whether a retry with the new token makes sense.
    pub async fn renew(&self, rejected: &Secret) -> Result<bool> {
        if let Method::Login(tokens) = &self.method {
            return Ok(tokens.renew(rejected).await?.is_some());
        }
        let mut current = self.current.lock().await;
        match current.as_ref() {
            Some((token, true)) if token == rejected => {}
            // Another request already renewed it.
            Some((token, false)) if token != rejected => return Ok(true),
            _ => return Ok(false),
        }
        if let Method::Endpoint(endpoint) = &self.method {
            if let Some(store) = &endpoint.cache {
                store.forget_token(&self.profile);
            }
        }
        tracing::info!("the bank refused the cached token; fetching a new one");
        let fresh = self.fetch().await?;
        *current = Some((fresh.token, false));
        Ok(true)
    }

    fn cached(&self, cache: Option<&Store>) -> Option<Secret> {
        let token = cache?.load_token(&self.profile)?;
        if token.is_usable(Utc::now()) {
            tracing::info!(
                "using the cached access token (expires {})",
                token.expires_at
            );
            Some(token.token)
        } else {
            None
        }
    }

    /// Asks the token endpoint for a new token and caches it.
    pub async fn fetch(&self) -> Result<AccessToken> {
        let Method::Endpoint(endpoint) = &self.method else {
            return Err(Error::Internal(anyhow::anyhow!(
                "no token endpoint for this profile"
            )));
        };
        let token = request_token(&self.http, endpoint).await?;
        if let Some(store) = &endpoint.cache {
            store.save_token(&self.profile, &token.token, token.expires_at);
        }
        Ok(token)
    }
}

async fn request_token(http: &Http, endpoint: &TokenEndpoint) -> Result<AccessToken> {
    let TokenEndpoint {
        token_url,
        client_id,
        scope,
        grant,
        ..
    } = endpoint;
    let mut form: Vec<(&str, String)> = vec![("grant_type", "client_credentials".into())];
    if let Some(scope) = scope {
        form.push(("scope", scope.clone()));
    }
    let answer = match grant {
        Grant::Basic { secret } => {
            http.post_form(token_url, &form, Some((client_id, secret)))
                .await?
        }
        Grant::Assertion {
            key,
            cert,
            resource,
            signing,
        } => {
            let now = Utc::now();
            let jwt =
                fapi::client_assertion(client_id, token_url.as_str(), key, cert, signing, now)?;
            form.push(("client_id", client_id.into()));
            form.push(("client_assertion_type", assertion::ASSERTION_TYPE.into()));
            form.push(("client_assertion", jwt.expose().into()));
            if let Some(resource) = resource {
                form.push(("resource", resource.clone()));
            }
            http.post_form(token_url, &form, None).await?
        }
    };
    if answer.is_success() {
        let parsed: TokenAnswer = serde_json::from_slice(&answer.body).map_err(|_| {
            Error::unavailable(format!(
                "the token endpoint {token_url} answered HTTP {} with a body that is not a token",
                answer.status
            ))
        })?;
        let lifetime = parsed
            .expires_in
            .map_or(DEFAULT_LIFETIME_SECS, |l| l.seconds());
        return Ok(AccessToken {
            token: Secret::new(parsed.access_token),
            expires_at: Utc::now() + Duration::seconds(lifetime),
        });
    }
    Err(token_error(token_url, answer.status, &answer.body))
}

fn token_error(token_url: &Url, status: u16, body: &[u8]) -> Error {
    let reason = serde_json::from_slice::<TokenError>(body)
        .map(|e| match e.error_description {
            Some(text) => format!("{}: {text}", e.error),
            None => e.error,
        })
        .unwrap_or_else(|_| format!("HTTP {status}"));
    match status {
        400 | 401 | 403 => Error::auth(
            format!("the token endpoint refused the client credentials ({reason}, HTTP {status})"),
            "check client_id and the secret or key of the profile; 'treasury status' shows where they come from",
        ),
        429 | 500..=599 => Error::unavailable(format!("the token endpoint {token_url} is failing ({reason})")),
        _ => Error::auth(
            format!("the token endpoint answered HTTP {status} ({reason})"),
            "check token_url of the profile",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lifetime(json: &str) -> Option<i64> {
        let answer: TokenAnswer = serde_json::from_str(json).unwrap();
        answer.expires_in.map(|l| l.seconds())
    }

    #[test]
    fn lifetimes_as_numbers_or_text_and_never_absurd() {
        assert_eq!(
            lifetime(r#"{"access_token":"t","expires_in":3599}"#),
            Some(3599)
        );
        assert_eq!(
            lifetime(r#"{"access_token":"t","expires_in":"3599"}"#),
            Some(3599)
        );
        assert_eq!(lifetime(r#"{"access_token":"t","expires_in":-5}"#), Some(0));
        assert_eq!(
            lifetime(r#"{"access_token":"t","expires_in":9223372036854775807}"#),
            Some(MAX_LIFETIME_SECS)
        );
        assert_eq!(lifetime(r#"{"access_token":"t"}"#), None);
    }
}
