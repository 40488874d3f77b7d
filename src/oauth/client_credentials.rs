//! OAuth2 client-credentials tokens (client secret by HTTP Basic, or a signed client
//! assertion), cached in the profile's store where there is one, and renewed once when the bank
//! refuses a cached token. A profile with a ready token or mutual TLS gets a `ReadyToken`.

use std::path::PathBuf;
use std::sync::Arc;

use chrono::{Duration, Utc};
use reqwest::Url;
use serde::Deserialize;
use tokio::sync::Mutex;

use super::source::{ReadyToken, TokenFuture, TokenSource};
use super::{assertion, fapi, AccessToken, TokenAnswer, DEFAULT_LIFETIME_SECS};
use crate::config::Profile;
use crate::credentials::{Access, Store};
use crate::error::{Error, Result};
use crate::http::Http;
use crate::secret::Secret;

#[derive(Deserialize)]
struct TokenError {
    error: String,
    #[serde(default)]
    error_description: Option<String>,
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

/// The token source of a profile with client credentials: a ready token as it is, none for
/// mutual TLS, else tokens from its token endpoint.
pub fn client_credentials(
    http: &Http,
    profile: &Profile,
    access: Access,
) -> Result<Arc<dyn TokenSource>> {
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
    let (client_id, grant, cache) = match access {
        Access::Token(token) => return Ok(Arc::new(ReadyToken(Some(token)))),
        Access::Mtls => return Ok(Arc::new(ReadyToken(None))),
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
        } => (client_id, Grant::Basic { secret }, cache),
        Access::PrivateKeyJwt {
            client_id,
            key,
            cert,
            resource,
        } => {
            let signing = fapi::signing_of(profile);
            let grant = Grant::Assertion {
                key,
                cert,
                resource,
                signing,
            };
            (client_id, grant, None)
        }
    };
    Ok(Arc::new(ClientCredentials {
        http: http.clone(),
        profile: profile.name.clone(),
        token_url: token_url()?,
        client_id,
        scope: profile.scope.clone(),
        grant,
        cache,
        current: Mutex::new(None),
    }))
}

/// Tokens from a token endpoint, fetched once and shared, cached in `cache` where there is one.
#[derive(Debug)]
pub struct ClientCredentials {
    http: Http,
    profile: String,
    token_url: Url,
    client_id: String,
    scope: Option<String>,
    grant: Grant,
    cache: Option<Store>,
    /// The token in use, and whether it came from the cache.
    current: Mutex<Option<(Secret, bool)>>,
}

impl TokenSource for ClientCredentials {
    fn token(&self) -> TokenFuture<'_, Option<Secret>> {
        Box::pin(async move {
            let mut current = self.current.lock().await;
            if let Some((token, _)) = current.as_ref() {
                return Ok(Some(token.clone()));
            }
            let found = match self.cached() {
                Some(token) => (token, true),
                None => (self.fetch().await?.token, false),
            };
            *current = Some(found.clone());
            Ok(Some(found.0))
        })
    }

    /// Only a cached token is renewed: one just fetched and refused all the same says the
    /// credentials are the problem, which another fetch does not cure.
    fn renew<'a>(&'a self, rejected: &'a Secret) -> TokenFuture<'a, Option<Secret>> {
        Box::pin(async move {
            let mut current = self.current.lock().await;
            match current.as_ref() {
                Some((token, true)) if token == rejected => {}
                // Another request already renewed it.
                Some((token, false)) if token != rejected => return Ok(Some(token.clone())),
                _ => return Ok(None),
            }
            if let Some(store) = &self.cache {
                store.forget_token(&self.profile);
            }
            tracing::info!("the bank refused the cached token; fetching a new one");
            let fresh = self.fetch().await?.token;
            *current = Some((fresh.clone(), false));
            Ok(Some(fresh))
        })
    }

    fn issue(&self) -> TokenFuture<'_, Option<AccessToken>> {
        Box::pin(async move { self.fetch().await.map(Some) })
    }
}

impl ClientCredentials {
    fn cached(&self) -> Option<Secret> {
        let token = self.cache.as_ref()?.load_token(&self.profile)?;
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
    async fn fetch(&self) -> Result<AccessToken> {
        let token = self.request_token().await?;
        if let Some(store) = &self.cache {
            store.save_token(&self.profile, &token.token, token.expires_at);
        }
        Ok(token)
    }

    async fn request_token(&self) -> Result<AccessToken> {
        let (http, token_url, client_id) = (&self.http, &self.token_url, &self.client_id);
        let mut form: Vec<(&str, String)> = vec![("grant_type", "client_credentials".into())];
        if let Some(scope) = &self.scope {
            form.push(("scope", scope.clone()));
        }
        let answer = match &self.grant {
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
