//! OAuth2 token requests: client credentials with the client secret sent by HTTP Basic.

use reqwest::Url;
use serde::Deserialize;

use crate::credentials::Secret;
use crate::error::{Error, Result};
use crate::http::Http;

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    #[serde(default)]
    expires_in: Option<u64>,
}

#[derive(Deserialize)]
struct TokenError {
    error: String,
    #[serde(default)]
    error_description: Option<String>,
}

/// An access token and how long the token endpoint said it lasts.
#[derive(Debug, Clone)]
pub struct AccessToken {
    pub token: Secret,
    pub expires_in: Option<u64>,
}

/// Asks the token endpoint for an access token (RFC 6749 client credentials grant).
pub async fn client_credentials(
    http: &Http,
    token_url: &Url,
    client_id: &str,
    secret: &Secret,
    scope: Option<&str>,
) -> Result<AccessToken> {
    let mut form = vec![("grant_type", "client_credentials")];
    if let Some(scope) = scope {
        form.push(("scope", scope));
    }
    let answer = http.post_token(token_url, &form, client_id, secret).await?;
    if answer.is_success() {
        let parsed: TokenAnswer = serde_json::from_slice(&answer.body).map_err(|_| {
            Error::unavailable(format!(
                "the token endpoint {token_url} answered HTTP {} with a body that is not a token",
                answer.status
            ))
        })?;
        return Ok(AccessToken {
            token: Secret::new(parsed.access_token),
            expires_in: parsed.expires_in,
        });
    }
    let reason = serde_json::from_slice::<TokenError>(&answer.body)
        .map(|e| match e.error_description {
            Some(text) => format!("{}: {text}", e.error),
            None => e.error,
        })
        .unwrap_or_else(|_| format!("HTTP {}", answer.status));
    Err(match answer.status {
        400 | 401 | 403 => Error::auth(
            format!(
                "the token endpoint refused the client credentials ({reason}, HTTP {})",
                answer.status
            ),
            "check client_id and the client secret of the profile",
        ),
        429 | 500..=599 => Error::unavailable(format!(
            "the token endpoint {token_url} is failing ({reason})"
        )),
        status => Error::auth(
            format!("the token endpoint answered HTTP {status} ({reason})"),
            "check token_url of the profile",
        ),
    })
}
