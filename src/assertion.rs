//! Signed client assertions (RFC 7523 `private_key_jwt`): an RS256 JWT naming the client, the
//! token endpoint and the certificate whose key signed it; signed here, checked by the sandbox.

use std::path::Path;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;
use serde::{Deserialize, Serialize};

use crate::credentials::Secret;
use crate::error::{Error, Result};

pub const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
/// How long an assertion is valid: long enough for one token request, no longer.
const LIFETIME_SECS: i64 = 300;

/// The claims of a client assertion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    pub iss: String,
    pub sub: String,
    pub aud: String,
    pub iat: i64,
    pub exp: i64,
    pub jti: String,
}

/// The SHA-1 thumbprint of a PEM certificate, base64url without padding (the JWS `x5t`).
pub fn thumbprint(cert_pem: &[u8]) -> std::result::Result<String, String> {
    let der = CertificateDer::from_pem_slice(cert_pem)
        .map_err(|e| format!("not a PEM certificate ({e})"))?;
    Ok(thumbprint_der(&der))
}

/// The SHA-1 thumbprint of a DER certificate, base64url without padding.
pub fn thumbprint_der(cert: &CertificateDer<'_>) -> String {
    let digest =
        aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA1_FOR_LEGACY_USE_ONLY, cert.as_ref());
    URL_SAFE_NO_PAD.encode(digest.as_ref())
}

/// Signs a client assertion for `client_id` at `token_url` with the key and certificate files.
pub fn sign(
    client_id: &str,
    token_url: &str,
    key: &Path,
    cert: &Path,
    now: DateTime<Utc>,
) -> Result<Secret> {
    let cert_pem = read(cert, "certificate")?;
    let key_pem = read(key, "private key")?;
    let x5t = thumbprint(&cert_pem).map_err(|why| bad_file(cert, "certificate", &why))?;
    let key = EncodingKey::from_rsa_pem(&key_pem).map_err(|e| {
        bad_file(
            key,
            "private key",
            &format!("not an RSA private key in PEM ({e})"),
        )
    })?;
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(x5t.clone());
    header.x5t = Some(x5t);
    let claims = Claims {
        iss: client_id.to_string(),
        sub: client_id.to_string(),
        aud: token_url.to_string(),
        iat: now.timestamp(),
        exp: now.timestamp() + LIFETIME_SECS,
        jti: unique_id()?,
    };
    let jwt = jsonwebtoken::encode(&header, &claims, &key).map_err(|e| {
        Error::auth(
            format!("cannot sign the client assertion: {e}"),
            "check that key matches cert",
        )
    })?;
    Ok(Secret::new(jwt))
}

fn unique_id() -> Result<String> {
    let mut bytes = [0u8; 16];
    aws_lc_rs::rand::fill(&mut bytes)
        .map_err(|_| Error::Internal(anyhow::anyhow!("no randomness")))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

fn read(path: &Path, what: &str) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| bad_file(path, what, &e.to_string()))
}

fn bad_file(path: &Path, what: &str, why: &str) -> Error {
    Error::auth(
        format!("cannot use {what} {}: {why}", path.display()),
        "check cert and key in the profile (PEM files)",
    )
}

/// The furthest ahead an assertion may expire: servers refuse long-lived assertions.
pub const MAX_LIFETIME_SECS: i64 = 600;

/// What a token endpoint expects of a client assertion.
#[derive(Debug, Clone, Copy)]
pub struct Expected<'a> {
    /// The `client_id` form field: `iss` and `sub` must both be it.
    pub client_id: &'a str,
    /// The token endpoint's own URL: `aud` must be it.
    pub audience: &'a str,
    pub now: DateTime<Utc>,
}

/// An assertion that passed every check: its `jti` and expiry, for the caller's replay memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub jti: String,
    pub exp: i64,
}

/// Why a client assertion was refused. The text goes back to the client as the OAuth
/// `error_description`, so it never quotes the assertion.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Invalid {
    #[error("the client assertion is not a compact JWS (three base64url parts)")]
    Malformed,
    #[error("the client assertion header is not JSON with an alg")]
    BadHeader,
    #[error("the client assertion is signed with {0}; only RS256 is accepted")]
    Algorithm(String),
    #[error("the client assertion header has no x5t (certificate thumbprint)")]
    NoThumbprint,
    #[error("the client assertion x5t does not match the registered client certificate")]
    Thumbprint,
    #[error(
        "the client assertion signature does not verify with the registered client certificate"
    )]
    Signature,
    #[error("the client assertion claims are not a JSON object of the expected types")]
    BadClaims,
    #[error("the client assertion iss is not the client_id")]
    Issuer,
    #[error("the client assertion sub is not the client_id")]
    Subject,
    #[error("the client assertion aud is not this token endpoint ({0})")]
    Audience(String),
    #[error("the client assertion has no exp")]
    NoExpiry,
    #[error("the client assertion has expired")]
    Expired,
    #[error("the client assertion expires more than {MAX_LIFETIME_SECS} s from now")]
    TooLong,
    #[error("the client assertion has no jti")]
    NoJti,
    #[error("the client assertion jti was used before (replay)")]
    Replayed,
}

#[derive(Deserialize)]
struct JoseHeader {
    alg: String,
    x5t: Option<String>,
}

/// The claims as presented: each may be missing, and `aud` may be one value or several.
#[derive(Deserialize)]
struct Presented {
    iss: Option<String>,
    sub: Option<String>,
    aud: Option<Audience>,
    exp: Option<i64>,
    jti: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Audience {
    One(String),
    Many(Vec<String>),
}

impl Audience {
    fn contains(&self, wanted: &str) -> bool {
        match self {
            Audience::One(aud) => aud == wanted,
            Audience::Many(auds) => auds.iter().any(|a| a == wanted),
        }
    }
}

/// Checks a client assertion the way a token endpoint does: RS256, `x5t` of `cert`, a signature
/// by `cert`'s key, iss = sub = client id, aud = the endpoint, a live and short expiry, a `jti`.
/// Whether the `jti` was seen before is the caller's to check.
pub fn verify(
    jwt: &str,
    cert: &CertificateDer<'_>,
    expected: &Expected<'_>,
) -> Result<Verified, Invalid> {
    let (signed, signature) = jwt.rsplit_once('.').ok_or(Invalid::Malformed)?;
    let (header, claims) = signed.split_once('.').ok_or(Invalid::Malformed)?;
    check_header(&decode_part(header)?, cert)?;
    check_signature(cert, signed.as_bytes(), &decode_part(signature)?)?;
    check_claims(&decode_part(claims)?, expected)
}

fn decode_part(part: &str) -> Result<Vec<u8>, Invalid> {
    URL_SAFE_NO_PAD.decode(part).map_err(|_| Invalid::Malformed)
}

fn check_header(header: &[u8], cert: &CertificateDer<'_>) -> Result<(), Invalid> {
    let header: JoseHeader = serde_json::from_slice(header).map_err(|_| Invalid::BadHeader)?;
    if header.alg != "RS256" {
        return Err(Invalid::Algorithm(header.alg));
    }
    match header.x5t {
        None => Err(Invalid::NoThumbprint),
        Some(x5t) if x5t != thumbprint_der(cert) => Err(Invalid::Thumbprint),
        Some(_) => Ok(()),
    }
}

fn check_signature(
    cert: &CertificateDer<'_>,
    signed: &[u8],
    signature: &[u8],
) -> Result<(), Invalid> {
    let cert = webpki::EndEntityCert::try_from(cert).map_err(|_| Invalid::Signature)?;
    cert.verify_signature(
        webpki::aws_lc_rs::RSA_PKCS1_2048_8192_SHA256,
        signed,
        signature,
    )
    .map_err(|_| Invalid::Signature)
}

fn check_claims(claims: &[u8], expected: &Expected<'_>) -> Result<Verified, Invalid> {
    let claims: Presented = serde_json::from_slice(claims).map_err(|_| Invalid::BadClaims)?;
    if claims.iss.as_deref() != Some(expected.client_id) {
        return Err(Invalid::Issuer);
    }
    if claims.sub.as_deref() != Some(expected.client_id) {
        return Err(Invalid::Subject);
    }
    if !claims
        .aud
        .is_some_and(|aud| aud.contains(expected.audience))
    {
        return Err(Invalid::Audience(expected.audience.to_string()));
    }
    let exp = claims.exp.ok_or(Invalid::NoExpiry)?;
    let now = expected.now.timestamp();
    if exp <= now {
        return Err(Invalid::Expired);
    }
    if exp > now + MAX_LIFETIME_SECS {
        return Err(Invalid::TooLong);
    }
    match claims.jti {
        Some(jti) if !jti.is_empty() => Ok(Verified { jti, exp }),
        _ => Err(Invalid::NoJti),
    }
}
