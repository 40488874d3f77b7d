//! The OAuth authorization-code login, provider-neutral: PKCE (S256) and `state`, the
//! authorization URL, reading where the browser landed, and the token requests (the code
//! exchange and refresh grants).
//!
//! Written with `aws_lc_rs` (SHA-256, the system's random source) and `base64`, both already
//! in the build, rather than the `oauth2` crate: PKCE and state are a few lines, `oauth2`
//! brings its own HTTP client plumbing beside ours (retries, proxies, bounded bodies, log
//! redaction), and its token types do not carry `refresh_token_expires_in`.
//!
//! Client authentication: a confidential client (RFC 6749 2.3: an aggregator at Chase, open
//! banking) proves itself on the code exchange and every refresh with its secret (HTTP Basic),
//! a signed assertion or its TLS certificate; a public client (Chase with `auth = "none"`)
//! sends `client_id` in the form, proven by the PKCE verifier alone.

use base64::Engine as _;
use chrono::{DateTime, Duration, Utc};
use reqwest::Url;
use serde::Deserialize;

use super::Lifetime;
use crate::credentials::Access;
use crate::error::{Error, Result};
use crate::http::Http;
use crate::secret::Secret;

/// How long a login waits for the browser unless `login --wait` says otherwise.
pub const DEFAULT_WAIT: std::time::Duration = std::time::Duration::from_secs(300);

/// What a browser login of one profile needs.
#[derive(Debug, Clone)]
pub struct BrowserLogin {
    pub authorize_url: Url,
    pub token_url: Url,
    pub client_id: String,
    pub redirect_uri: Url,
    pub scope: Option<String>,
    /// How a confidential client authenticates its token requests; none for a public client.
    pub client: Option<ClientAuth>,
}

/// How a confidential client proves who it is at the token endpoint.
#[derive(Debug, Clone)]
pub enum ClientAuth {
    /// `client_secret_basic`.
    Secret { client_id: String, secret: Secret },
    /// `private_key_jwt`: a client assertion signed with the profile's key (FAPI's algorithms
    /// for open banking).
    KeyJwt {
        client_id: String,
        key: std::path::PathBuf,
        cert: std::path::PathBuf,
        signing: super::fapi::Signing,
    },
    /// `tls_client_auth`: the client certificate of the connection; `client_id` in the form.
    Mtls { client_id: String },
}

impl ClientAuth {
    /// How the client credentials of a profile authenticate a token request; none for a
    /// ready token or a login, and for mutual TLS (the connection does).
    pub fn from_access(access: &Access) -> Option<ClientAuth> {
        match access {
            Access::ClientSecret {
                client_id, secret, ..
            } => Some(ClientAuth::Secret {
                client_id: client_id.clone(),
                secret: secret.clone(),
            }),
            Access::PrivateKeyJwt {
                client_id,
                key,
                cert,
                ..
            } => Some(ClientAuth::KeyJwt {
                client_id: client_id.clone(),
                key: key.clone(),
                cert: cert.clone(),
                // RS256; open banking's login sets FAPI signing from its profile.
                signing: super::fapi::Signing::Rs256,
            }),
            Access::Mtls | Access::Token(_) | Access::Login { .. } => None,
        }
    }
}

/// One login attempt: its `state`, PKCE verifier and the URL the browser opens.
#[derive(Debug)]
pub struct Attempt {
    pub state: Secret,
    pub verifier: Secret,
    pub url: Url,
}

/// 32 random bytes, base64url without padding (43 characters: RFC 7636's verifier length).
pub fn random_text() -> Result<String> {
    let mut bytes = [0u8; 32];
    aws_lc_rs::rand::fill(&mut bytes)
        .map_err(|_| Error::Internal(anyhow::anyhow!("the system's random source failed")))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

/// `BASE64URL(SHA256(verifier))` (RFC 7636 4.2, method S256).
pub fn challenge(verifier: &str) -> String {
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, verifier.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest.as_ref())
}

impl Attempt {
    pub fn new(login: &BrowserLogin) -> Result<Attempt> {
        let state = Secret::new(random_text()?);
        let verifier = Secret::new(random_text()?);
        let mut url = login.authorize_url.clone();
        {
            let mut query = url.query_pairs_mut();
            query
                .append_pair("response_type", "code")
                .append_pair("client_id", &login.client_id)
                .append_pair("redirect_uri", login.redirect_uri.as_str())
                .append_pair("state", state.expose())
                .append_pair("code_challenge", &challenge(verifier.expose()))
                .append_pair("code_challenge_method", "S256");
            if let Some(scope) = &login.scope {
                query.append_pair("scope", scope);
            }
        }
        Ok(Attempt {
            state,
            verifier,
            url,
        })
    }

    /// The same attempt opening `url` instead: a provider whose authorization request carries
    /// more (a consent, a signed request object) builds it from this attempt's state and PKCE.
    pub fn opening(self, url: Url) -> Attempt {
        Attempt { url, ..self }
    }

    /// The code from where the browser landed: the query of the redirect (its `state` checked),
    /// a whole pasted address, or a bare code pasted alone (no state to check then).
    pub fn code_from(&self, landing: &str) -> Result<Secret> {
        let landing = landing.trim();
        let query = match landing.split_once('?') {
            Some((_, query)) => query,
            None if landing.contains('=') => landing,
            None if landing.is_empty() => return Err(refused("no address or code was given")),
            None => return Ok(Secret::new(landing)),
        };
        let query = query.split('#').next().unwrap_or_default();
        let value = |key: &str| {
            form_urlencoded::parse(query.as_bytes())
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.into_owned())
        };
        if let Some(error) = value("error") {
            let why = value("error_description").map_or_else(String::new, |d| format!(": {d}"));
            return Err(match error.as_str() {
                "access_denied" => refused(&format!(
                    "the consent was denied at the bank (access_denied{why})"
                )),
                other => refused(&format!("the bank ended the login with error {other}{why}")),
            });
        }
        match value("state") {
            None => return Err(refused("the browser came back without a state: this is not the answer to this login")),
            Some(state) if state != self.state.expose() => {
                return Err(refused("the browser came back with a state that does not match this login (an old or forged redirect)"))
            }
            Some(_) => {}
        }
        value("code")
            .filter(|c| !c.is_empty())
            .map(Secret::new)
            .ok_or_else(|| refused("the browser came back without an authorization code"))
    }
}

fn refused(why: &str) -> Error {
    Error::auth(
        format!("login failed: {why}; nothing was stored"),
        "run 'treasury login' again and approve the consent in the browser",
    )
}

/// What a token endpoint gave.
#[derive(Debug, Clone)]
pub struct TokenSet {
    pub access_token: Secret,
    pub expires_at: DateTime<Utc>,
    pub refresh_token: Option<Secret>,
    pub refresh_expires_at: Option<DateTime<Utc>>,
    /// An OpenID Connect ID token, where the server gave one (its `nonce` is checked).
    pub id_token: Option<Secret>,
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    #[serde(default)]
    expires_in: Option<Lifetime>,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default)]
    refresh_token_expires_in: Option<Lifetime>,
    #[serde(default)]
    id_token: Option<String>,
}

/// A token endpoint's refusal: its OAuth `error` code and text.
#[derive(Debug, Clone)]
pub struct Refusal {
    pub status: u16,
    pub error: Option<String>,
    pub description: String,
}

#[derive(Deserialize)]
struct ErrorAnswer {
    error: String,
    #[serde(default)]
    error_description: Option<String>,
}

impl Refusal {
    /// `invalid_client`: the bank wants the app to authenticate (or refused how it did), the
    /// profile's `auth` and secret or key being the way out.
    pub fn client_refused(&self, profile: &str) -> Option<Error> {
        (self.error.as_deref() == Some("invalid_client")).then(|| {
            Error::auth(
                format!(
                    "the bank wants client authentication at its token endpoint and refused the app's (invalid_client: {})",
                    self.description
                ),
                format!(
                    "set auth in profile '{profile}': \"client-secret\" (the default) with the secret from TREASURY_CLIENT_SECRET, client_secret_command, or 'treasury login -p {profile} --client-secret-stdin'; or \"private-key-jwt\" with cert and key"
                ),
            )
        })
    }
}

/// A form POST to one of the bank's OAuth endpoints, with the client's authentication (none
/// for a public client or mutual TLS, whose connection authenticates it).
async fn post(
    http: &Http,
    login: &BrowserLogin,
    url: &Url,
    mut form: Vec<(&str, String)>,
) -> Result<crate::http::Answer> {
    match &login.client {
        None | Some(ClientAuth::Mtls { .. }) => http.post_form(url, &form, None).await,
        Some(ClientAuth::Secret { client_id, secret }) => {
            // One client authentication per request (RFC 6749 2.3): Basic, not the form's id.
            form.retain(|(k, _)| *k != "client_id");
            http.post_form(url, &form, Some((client_id, secret))).await
        }
        Some(ClientAuth::KeyJwt {
            client_id,
            key,
            cert,
            signing,
        }) => {
            let now = Utc::now();
            let jwt =
                super::fapi::client_assertion(client_id, url.as_str(), key, cert, signing, now)?;
            form.push((
                "client_assertion_type",
                super::assertion::ASSERTION_TYPE.into(),
            ));
            form.push(("client_assertion", jwt.expose().into()));
            http.post_form(url, &form, None).await
        }
    }
}

/// Revokes a refresh token at the bank's RFC 7009 endpoint, authenticated as the token
/// requests are. 200 means revoked (or never valid, which RFC 7009 answers the same way).
pub async fn revoke(
    http: &Http,
    login: &BrowserLogin,
    revoke_url: &Url,
    refresh_token: &Secret,
) -> Result<()> {
    let form = vec![
        ("token", refresh_token.expose().to_string()),
        ("token_type_hint", "refresh_token".to_string()),
        ("client_id", login.client_id.clone()),
    ];
    let answer = post(&http.once(), login, revoke_url, form).await?;
    match answer.status {
        200..=299 => Ok(()),
        status => {
            let reason = serde_json::from_slice::<ErrorAnswer>(&answer.body).map_or_else(
                |_| format!("HTTP {status}"),
                |e| format!("{}, HTTP {status}", e.error),
            );
            Err(Error::unavailable(format!(
                "the revocation endpoint {revoke_url} refused to revoke the refresh token ({reason})"
            )))
        }
    }
}

/// Exchanges the authorization code (with the PKCE verifier) for tokens.
pub async fn exchange(
    http: &Http,
    login: &BrowserLogin,
    code: &Secret,
    verifier: &Secret,
) -> Result<std::result::Result<TokenSet, Refusal>> {
    let form = vec![
        ("grant_type", "authorization_code".to_string()),
        ("code", code.expose().to_string()),
        ("redirect_uri", login.redirect_uri.to_string()),
        ("client_id", login.client_id.clone()),
        ("code_verifier", verifier.expose().to_string()),
    ];
    request(http, login, form).await
}

/// Spends a refresh token for a new access token (and, where the server rotates them, a new
/// refresh token).
pub async fn refresh(
    http: &Http,
    login: &BrowserLogin,
    refresh_token: &Secret,
) -> Result<std::result::Result<TokenSet, Refusal>> {
    let form = vec![
        ("grant_type", "refresh_token".to_string()),
        ("refresh_token", refresh_token.expose().to_string()),
        ("client_id", login.client_id.clone()),
    ];
    request(http, login, form).await
}

/// One token request; the form is never logged (it carries the code or refresh token), and a
/// body that is not a token is not quoted (it may hold one in a shape we did not expect).
async fn request(
    http: &Http,
    login: &BrowserLogin,
    form: Vec<(&str, String)>,
) -> Result<std::result::Result<TokenSet, Refusal>> {
    let token_url = &login.token_url;
    // A code and a rotated refresh token are spent by the first request that reaches the server.
    let answer = post(&http.once(), login, token_url, form).await?;
    if !answer.is_success() {
        let parsed = serde_json::from_slice::<ErrorAnswer>(&answer.body).ok();
        return Ok(Err(Refusal {
            status: answer.status,
            error: parsed.as_ref().map(|e| e.error.clone()),
            description: parsed
                .and_then(|e| e.error_description)
                .unwrap_or_else(|| format!("HTTP {}", answer.status)),
        }));
    }
    let parsed: TokenAnswer = serde_json::from_slice(&answer.body).map_err(|_| {
        Error::unavailable(format!(
            "the token endpoint {token_url} answered HTTP {} with a body that is not a token",
            answer.status
        ))
    })?;
    let now = Utc::now();
    let lifetime = parsed
        .expires_in
        .map_or(super::DEFAULT_LIFETIME_SECS, |l| l.seconds());
    Ok(Ok(TokenSet {
        access_token: Secret::new(parsed.access_token),
        expires_at: now + Duration::seconds(lifetime),
        refresh_token: parsed
            .refresh_token
            .filter(|t| !t.is_empty())
            .map(Secret::new),
        refresh_expires_at: parsed
            .refresh_token_expires_in
            .map(|l| now + Duration::seconds(l.seconds())),
        id_token: parsed.id_token.filter(|t| !t.is_empty()).map(Secret::new),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attempt() -> Attempt {
        let login = BrowserLogin {
            authorize_url: Url::parse("https://bank.example/authorize").unwrap(),
            token_url: Url::parse("https://bank.example/token").unwrap(),
            client_id: "app".into(),
            redirect_uri: Url::parse("http://127.0.0.1:8976/callback").unwrap(),
            scope: None,
            client: None,
        };
        Attempt::new(&login).unwrap()
    }

    #[test]
    fn the_s256_challenge_is_rfc_7636s_example() {
        assert_eq!(
            challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
        assert_eq!(random_text().unwrap().len(), 43);
    }

    #[test]
    fn landings_are_checked_for_state_and_errors() {
        let a = attempt();
        let state = a.state.expose().to_string();
        let url = format!("http://127.0.0.1:8976/callback?code=abc&state={state}");
        assert_eq!(a.code_from(&url).unwrap().expose(), "abc");
        assert_eq!(a.code_from("  bare-code \n").unwrap().expose(), "bare-code");
        let wrong = a.code_from("/callback?code=abc&state=other").unwrap_err();
        assert_eq!(wrong.exit_code(), 3);
        assert!(wrong.to_string().contains("does not match"), "{wrong}");
        assert!(a
            .code_from("?code=abc")
            .unwrap_err()
            .to_string()
            .contains("without a state"));
        let denied = a
            .code_from(&format!("?error=access_denied&state={state}"))
            .unwrap_err();
        assert!(denied.to_string().contains("denied"), "{denied}");
        assert!(a.url.as_str().contains("code_challenge_method=S256"));
        assert!(!a.url.as_str().contains(a.verifier.expose()));
    }
}
