//! Signed client assertions (RFC 7523 `private_key_jwt`): an RS256 JWT naming the client, the
//! token endpoint and the certificate whose key signed it.

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
    let digest =
        aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA1_FOR_LEGACY_USE_ONLY, der.as_ref());
    Ok(URL_SAFE_NO_PAD.encode(digest.as_ref()))
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
