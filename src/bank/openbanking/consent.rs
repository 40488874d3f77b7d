//! The account-access consent: created with a client-credentials token, authorized by the
//! account holder at the bank (the URL with its signed request object is built here; opening a
//! browser and catching the redirect is the shared browser login's job), the code exchanged for
//! tokens, read back for `status`, deleted by `logout`.

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use reqwest::{Method, Url};
use serde::{Deserialize, Serialize};

use super::client::Channel;
use super::errors::{bank_error, data_error, WORDING};
use super::mapping::utc_of;
use super::state::ConsentState;
use super::wire::{ConsentAnswer, ConsentData, ConsentRequest, ConsentRequestData};
use super::PERMISSIONS;
use crate::error::{Error, Result};
use crate::http::Http;
use crate::oauth::assertion;
use crate::oauth::authcode::{self, BrowserLogin};
use crate::secret::Secret;

/// How long a signed request object is valid: one authorization, no longer (FAPI 1.0 Advanced
/// allows at most 60 minutes from `nbf` to `exp`).
const REQUEST_LIFETIME_SECS: i64 = 300;

/// The authentication context asked for, as essential: strong customer authentication.
pub const ACR_SCA: &str = "urn:openbanking:psd2:sca";

/// The body of `POST /account-access-consents`: the permissions to read accounts and
/// balances, ending `days` after `now`.
pub fn consent_request(days: u32, now: DateTime<Utc>) -> ConsentRequest {
    let ends = now + Duration::days(i64::from(days));
    ConsentRequest {
        data: ConsentRequestData {
            permissions: PERMISSIONS.iter().map(ToString::to_string).collect(),
            expiration_date_time: ends.to_rfc3339_opts(SecondsFormat::Secs, true),
        },
        risk: serde_json::json!({}),
    }
}

/// Consent calls, made with the client-credentials token (scope `accounts`) in `channel`.
#[derive(Debug, Clone)]
pub struct Consents {
    channel: Channel,
}

impl Consents {
    pub fn new(channel: Channel) -> Consents {
        Consents { channel }
    }

    /// `POST /account-access-consents`. A consent the bank answers `Rejected` is an error
    /// (exit 3): nothing is to be stored.
    pub async fn create(&self, days: u32, now: DateTime<Utc>) -> Result<ConsentData> {
        let url = self.channel.url(&["account-access-consents"]);
        let body = serde_json::to_vec(&consent_request(days, now))
            .map_err(|e| Error::Internal(e.into()))?;
        let answer = self.channel.call(Method::POST, &url, Some(&body)).await?;
        if !answer.is_success() {
            return Err(self.refused(answer.status, &answer.body, "create the consent"));
        }
        let consent: ConsentAnswer = serde_json::from_slice(&answer.body)
            .map_err(|e| WORDING.unreadable("a consent", &answer, &e))?;
        if consent.data.status == "Rejected" {
            return Err(Error::auth(
                format!("the bank rejected consent {}", consent.data.consent_id),
                "check the profile's client registration with the bank; nothing was stored",
            ));
        }
        Ok(consent.data)
    }

    /// `GET /account-access-consents/{ConsentId}`.
    pub async fn get(&self, consent_id: &str) -> Result<ConsentData> {
        let url = self.channel.url(&["account-access-consents", consent_id]);
        let answer = self.channel.call(Method::GET, &url, None).await?;
        if !answer.is_success() {
            return Err(self.refused(answer.status, &answer.body, "read the consent"));
        }
        let consent: ConsentAnswer = serde_json::from_slice(&answer.body)
            .map_err(|e| WORDING.unreadable("a consent", &answer, &e))?;
        Ok(consent.data)
    }

    /// `DELETE /account-access-consents/{ConsentId}`; one the bank no longer knows (404) is
    /// as good as deleted.
    pub async fn delete(&self, consent_id: &str) -> Result<()> {
        let url = self.channel.url(&["account-access-consents", consent_id]);
        let answer = self.channel.call(Method::DELETE, &url, None).await?;
        match answer.status {
            200..=299 | 404 => Ok(()),
            status => Err(self.refused(status, &answer.body, "delete the consent")),
        }
    }

    fn refused(&self, status: u16, body: &[u8], what: &str) -> Error {
        match status {
            400 | 401 | 403 => Error::Auth {
                message: format!("the bank refused to {what}: {}", bank_error(status, body)),
                hint: Some(format!(
                    "check client_id, the client authentication and token_url of profile '{}'",
                    self.channel.settings().profile
                )),
            },
            _ => data_error(status, body, &self.channel.settings().profile),
        }
    }
}

/// The record to keep of a consent the bank confirmed.
pub fn state_of(consent: &ConsentData, now: DateTime<Utc>) -> ConsentState {
    ConsentState {
        consent_id: consent.consent_id.clone(),
        expires_at: consent.expiration_date_time.as_deref().and_then(utc_of),
        recorded_at: now,
        orphans: Vec::new(),
    }
}

/// What the authorization request names; `code_challenge` is the S256 PKCE challenge of the
/// browser login's verifier, `state` and `nonce` its random values.
#[derive(Debug, Clone)]
pub struct AuthorizationRequest<'a> {
    pub authorize_url: &'a Url,
    pub client_id: &'a str,
    pub redirect_uri: &'a str,
    pub consent_id: &'a str,
    pub state: &'a str,
    pub nonce: &'a str,
    pub code_challenge: &'a str,
    /// The authorization server's issuer: the request object's `aud`.
    pub issuer: &'a str,
    /// The profile's key and certificate, and how they sign (PS256 or ES256, its `kid`).
    pub key: &'a std::path::Path,
    pub cert: &'a std::path::Path,
    pub signing: &'a crate::oauth::fapi::Signing,
}

/// The claims of the signed request object (OpenID Connect `request`, UK Open Banking profile).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequestObject {
    pub iss: String,
    pub aud: String,
    pub iat: i64,
    pub nbf: i64,
    pub exp: i64,
    pub jti: String,
    pub response_type: String,
    pub client_id: String,
    pub redirect_uri: String,
    pub scope: String,
    pub state: String,
    pub nonce: String,
    pub code_challenge: String,
    pub code_challenge_method: String,
    /// `{"userinfo"|"id_token": {"openbanking_intent_id": {"value": ConsentId, "essential": true}}}`,
    /// and in `id_token` `"acr": {"essential": true, "values": ["urn:openbanking:psd2:sca"]}`.
    pub claims: serde_json::Value,
}

/// The scope asked for in the authorization.
pub const AUTHORIZE_SCOPE: &str = "openid accounts";

/// The authorization URL for the account holder, and the request object in it (a secret: it
/// is never logged), signed by the FAPI profile: `aud` the issuer, `nbf`..`exp` five minutes,
/// `acr` SCA requested as essential.
pub fn authorization_url(
    request: &AuthorizationRequest,
    now: DateTime<Utc>,
) -> Result<(Url, Secret)> {
    let intent = serde_json::json!({ "value": request.consent_id, "essential": true });
    let claims = RequestObject {
        iss: request.client_id.to_string(),
        aud: request.issuer.to_string(),
        iat: now.timestamp(),
        nbf: now.timestamp(),
        exp: now.timestamp() + REQUEST_LIFETIME_SECS,
        jti: assertion::unique_id()?,
        response_type: "code".into(),
        client_id: request.client_id.into(),
        redirect_uri: request.redirect_uri.into(),
        scope: AUTHORIZE_SCOPE.into(),
        state: request.state.into(),
        nonce: request.nonce.into(),
        code_challenge: request.code_challenge.into(),
        code_challenge_method: "S256".into(),
        claims: serde_json::json!({
            "userinfo": { "openbanking_intent_id": intent },
            "id_token": {
                "openbanking_intent_id": intent,
                "acr": { "essential": true, "values": [ACR_SCA] },
            },
        }),
    };
    crate::secret::check_private(request.key, "private key")?;
    let signed = crate::oauth::fapi::sign_claims(
        &claims,
        request.key,
        request.cert,
        request.signing,
        "the request object",
    )?;
    let mut url = request.authorize_url.clone();
    url.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", request.client_id)
        .append_pair("redirect_uri", request.redirect_uri)
        .append_pair("scope", AUTHORIZE_SCOPE)
        .append_pair("state", request.state)
        .append_pair("nonce", request.nonce)
        .append_pair("code_challenge", request.code_challenge)
        .append_pair("code_challenge_method", "S256")
        .append_pair("request", signed.expose());
    Ok((url, signed))
}

/// How the client proves who it is at the token endpoint (shared with the browser login).
pub use crate::oauth::authcode::ClientAuth;

/// What a code exchange gives: the access token of the consent and, usually, a refresh token.
#[derive(Debug, Clone)]
pub struct Tokens {
    pub access_token: Secret,
    pub expires_at: DateTime<Utc>,
    pub refresh_token: Option<Secret>,
}

/// `POST token_url` with `grant_type=authorization_code`, the code, the PKCE verifier and the
/// redirect URI, authenticated as the profile's client: the browser login's token request
/// (`oauth::authcode::exchange`), for one code. Nothing of the form is ever logged.
pub async fn exchange_code(
    http: &Http,
    token_url: &Url,
    client: &ClientAuth,
    code: &Secret,
    verifier: &Secret,
    redirect_uri: &str,
) -> Result<Tokens> {
    let client_id = match client {
        ClientAuth::Secret { client_id, .. }
        | ClientAuth::KeyJwt { client_id, .. }
        | ClientAuth::Mtls { client_id } => client_id.clone(),
    };
    let login = BrowserLogin {
        authorize_url: token_url.clone(),
        token_url: token_url.clone(),
        client_id,
        redirect_uri: Url::parse(redirect_uri).map_err(|e| {
            Error::usage(format!("the redirect URI {redirect_uri} is not a URL: {e}"))
        })?,
        scope: None,
        client: Some(client.clone()),
    };
    let tokens = authcode::exchange(http, &login, code, verifier)
        .await?
        .map_err(|refusal| {
            Error::auth(
                format!(
                    "the token endpoint refused the authorization code (HTTP {}): {}",
                    refusal.status, refusal.description
                ),
                "log in again: a code is valid once and only for a few minutes",
            )
        })?;
    Ok(Tokens {
        access_token: tokens.access_token,
        expires_at: tokens.expires_at,
        refresh_token: tokens.refresh_token,
    })
}
