//! Signing by the FAPI 1.0 Advanced and UK Open Banking security profiles (FAPI part 2 section
//! 8.6): PS256 with an RSA key, ES256 with an EC P-256 key, never RS256; the header's `kid` is
//! the profile's `signing_kid` (the key id registered in the directory), else the
//! certificate's thumbprint. Open banking's request objects and its `private_key_jwt` client
//! assertions are signed here; the sandbox verifies them here against the registered
//! certificate.

use std::path::Path;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use rustls_pki_types::CertificateDer;
use serde::{Deserialize, Serialize};

use super::assertion;
use crate::config::Profile;
use crate::error::{Error, Result};
use crate::secret::Secret;

/// The algorithms FAPI 1.0 Advanced allows.
pub const ALGORITHMS: [&str; 2] = ["PS256", "ES256"];

/// How a profile's JWTs are signed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Signing {
    /// RS256, naming the certificate (`kid` and `x5t`): J.P. Morgan's client assertions.
    #[default]
    Rs256,
    /// PS256 or ES256 by the key's type, `kid` given (else the certificate's thumbprint).
    Fapi { kid: Option<String> },
}

/// FAPI for a provider whose profiles can name a `signing_kid` (open banking), RS256 otherwise.
pub fn signing_of(profile: &Profile) -> Signing {
    match profile.provider.profile_keys.contains(&"signing_kid") {
        true => Signing::Fapi {
            kid: profile.settings.get("signing_kid").cloned(),
        },
        false => Signing::Rs256,
    }
}

/// A `private_key_jwt` client assertion for `client_id` at `token_url`, signed as `signing` says.
pub fn client_assertion(
    client_id: &str,
    token_url: &str,
    key: &Path,
    cert: &Path,
    signing: &Signing,
    now: DateTime<Utc>,
) -> Result<Secret> {
    let claims = assertion::claims(client_id, token_url, now)?;
    sign_claims(&claims, key, cert, signing, "the client assertion")
}

/// Signs any claims as `signing` says, with the key file, naming the certificate.
pub fn sign_claims(
    claims: &impl Serialize,
    key: &Path,
    cert: &Path,
    signing: &Signing,
    what: &str,
) -> Result<Secret> {
    let Signing::Fapi { kid } = signing else {
        return assertion::sign_claims(claims, key, cert, what);
    };
    let cert_pem = crate::secret::read_key_file(cert, "certificate")?;
    let key_pem = crate::secret::read_key_file(key, "private key")?;
    let thumbprint = assertion::thumbprint(&cert_pem)
        .map_err(|why| crate::secret::unusable_key_file(cert, "certificate", &why))?;
    let (algorithm, encoding) = match EncodingKey::from_rsa_pem(&key_pem) {
        Ok(rsa) => (Algorithm::PS256, rsa),
        Err(_) => match EncodingKey::from_ec_pem(&key_pem) {
            Ok(ec) => (Algorithm::ES256, ec),
            Err(e) => {
                return Err(crate::secret::unusable_key_file(
                    key,
                    "private key",
                    &format!("not an RSA or EC (P-256) private key in PEM ({e})"),
                ))
            }
        },
    };
    let mut header = Header::new(algorithm);
    header.kid = Some(kid.clone().unwrap_or(thumbprint));
    jsonwebtoken::encode(&header, claims, &encoding)
        .map(Secret::new)
        .map_err(|e| {
            Error::auth(
                format!("cannot sign {what} ({algorithm:?}): {e}"),
                "check that key matches cert, and that an EC key is on the P-256 curve",
            )
        })
}

/// What a verified FAPI JWT says: its header's algorithm and `kid`, and its claims.
#[derive(Debug, Clone)]
pub struct Verified {
    pub alg: String,
    pub kid: Option<String>,
    pub claims: serde_json::Value,
}

#[derive(Deserialize)]
struct JoseHeader {
    alg: String,
    kid: Option<String>,
}

/// Checks a JWT the way a FAPI authorization server does: PS256 or ES256 only, signed by the
/// key of `cert`. The error is a reason to send back; it never quotes the JWT.
pub fn verify(jwt: &str, cert: &CertificateDer<'_>) -> std::result::Result<Verified, String> {
    let (header, claims) = read(jwt)?;
    let (signed, signature) = jwt.rsplit_once('.').ok_or("not a compact JWS")?;
    let signature = URL_SAFE_NO_PAD
        .decode(signature)
        .map_err(|_| "the signature is not base64url")?;
    let (algorithm, signature) = match header.alg.as_str() {
        "PS256" => (
            webpki::aws_lc_rs::RSA_PSS_2048_8192_SHA256_LEGACY_KEY,
            signature,
        ),
        "ES256" => (
            webpki::aws_lc_rs::ECDSA_P256_SHA256,
            der_of_fixed(&signature).ok_or("an ES256 signature is 64 bytes (r and s)")?,
        ),
        other => {
            return Err(format!(
                "signed with {other}; only PS256 and ES256 are accepted"
            ))
        }
    };
    let cert = webpki::EndEntityCert::try_from(cert)
        .map_err(|_| "the registered certificate cannot be read")?;
    cert.verify_signature(algorithm, signed.as_bytes(), &signature)
        .map_err(|_| "the signature does not verify with the registered certificate")?;
    Ok(Verified {
        alg: header.alg,
        kid: header.kid,
        claims,
    })
}

/// The header and claims of a compact JWS, its algorithm one FAPI allows; unverified.
pub fn read(jwt: &str) -> std::result::Result<(JoseHeaderView, serde_json::Value), String> {
    let mut parts = jwt.split('.');
    let (Some(header), Some(claims), Some(_), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err("not a compact JWS (three base64url parts)".into());
    };
    let decode = |part: &str| URL_SAFE_NO_PAD.decode(part.trim_end_matches('=')).ok();
    let header: JoseHeader = decode(header)
        .and_then(|h| serde_json::from_slice(&h).ok())
        .ok_or("the header is not JSON with an alg")?;
    if !ALGORITHMS.contains(&header.alg.as_str()) {
        return Err(format!(
            "signed with {}; FAPI 1.0 Advanced allows only PS256 and ES256",
            header.alg
        ));
    }
    let claims = decode(claims)
        .and_then(|c| serde_json::from_slice(&c).ok())
        .filter(serde_json::Value::is_object)
        .ok_or("the claims are not a JSON object")?;
    Ok((
        JoseHeaderView {
            alg: header.alg,
            kid: header.kid,
        },
        claims,
    ))
}

/// Whether an ID token (from the token endpoint, or the landing of a hybrid or JARM flow) is
/// the answer to this authorization request: its `nonce` claim must be the request's (OpenID
/// Connect Core 3.1.3.7; FAPI 1.0 Advanced 5.2.2.2). Its signature is the bank's, received over
/// TLS from the token endpoint; only the binding to this login is checked here.
pub fn nonce_matches(id_token: &str, nonce: &str) -> bool {
    let claims = id_token
        .split('.')
        .nth(1)
        .and_then(|part| URL_SAFE_NO_PAD.decode(part.trim_end_matches('=')).ok())
        .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok());
    let given = claims.as_ref().and_then(|c| c["nonce"].as_str());
    given.is_some_and(|given| {
        aws_lc_rs::constant_time::verify_slices_are_equal(given.as_bytes(), nonce.as_bytes())
            .is_ok()
    })
}

/// The header fields `read` gives.
#[derive(Debug, Clone)]
pub struct JoseHeaderView {
    pub alg: String,
    pub kid: Option<String>,
}

/// A JWS ES256 signature (r and s, 32 bytes each) as the DER `ECDSA-Sig-Value` webpki checks.
fn der_of_fixed(fixed: &[u8]) -> Option<Vec<u8>> {
    if fixed.len() != 64 {
        return None;
    }
    let integer = |bytes: &[u8]| {
        let trimmed: Vec<u8> = bytes.iter().copied().skip_while(|b| *b == 0).collect();
        let mut value = match trimmed.first() {
            Some(first) if first & 0x80 != 0 => vec![0],
            Some(_) => vec![],
            None => vec![0],
        };
        value.extend(trimmed);
        let mut out = vec![0x02, value.len() as u8];
        out.extend(value);
        out
    };
    let mut body = integer(&fixed[..32]);
    body.extend(integer(&fixed[32..]));
    let mut der = vec![0x30, body.len() as u8];
    der.extend(body);
    Some(der)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Party {
        _dir: tempfile::TempDir,
        key: std::path::PathBuf,
        cert_path: std::path::PathBuf,
        cert: CertificateDer<'static>,
    }

    fn party(algorithm: &'static rcgen::SignatureAlgorithm) -> Party {
        let dir = tempfile::tempdir().unwrap();
        let key = rcgen::KeyPair::generate_for(algorithm).unwrap();
        let cert = rcgen::CertificateParams::new(vec!["c.test".to_string()])
            .unwrap()
            .self_signed(&key)
            .unwrap();
        let (key_path, cert_path) = (dir.path().join("k.pem"), dir.path().join("c.pem"));
        std::fs::write(&key_path, key.serialize_pem()).unwrap();
        std::fs::write(&cert_path, cert.pem()).unwrap();
        Party {
            _dir: dir,
            key: key_path,
            cert_path,
            cert: cert.der().clone(),
        }
    }

    fn signed(party: &Party, kid: Option<&str>) -> String {
        let signing = Signing::Fapi {
            kid: kid.map(str::to_string),
        };
        let claims = serde_json::json!({"iss": "client", "n": 1});
        sign_claims(&claims, &party.key, &party.cert_path, &signing, "a test")
            .unwrap()
            .expose()
            .to_string()
    }

    #[test]
    fn rsa_keys_sign_ps256_and_ec_keys_es256_verified_by_their_certificate() {
        let rsa = party(&rcgen::PKCS_RSA_SHA256);
        let ec = party(&rcgen::PKCS_ECDSA_P256_SHA256);
        let by_rsa = verify(&signed(&rsa, Some("dir-kid-1")), &rsa.cert).unwrap();
        assert_eq!(by_rsa.alg, "PS256");
        assert_eq!(by_rsa.kid.as_deref(), Some("dir-kid-1"));
        assert_eq!(by_rsa.claims["iss"], "client");
        let by_ec = verify(&signed(&ec, None), &ec.cert).unwrap();
        assert_eq!(by_ec.alg, "ES256");
        let thumbprint = assertion::thumbprint_der(&ec.cert);
        assert_eq!(
            by_ec.kid,
            Some(thumbprint),
            "kid defaults to the thumbprint"
        );
        let wrong = verify(&signed(&rsa, None), &ec.cert).unwrap_err();
        assert!(wrong.contains("does not verify"), "{wrong}");
    }

    #[test]
    fn rs256_and_unsigned_tokens_are_refused() {
        let rsa = party(&rcgen::PKCS_RSA_SHA256);
        let claims = serde_json::json!({"iss": "client"});
        let rs256 = assertion::sign_claims(&claims, &rsa.key, &rsa.cert_path, "a test").unwrap();
        let refused = verify(rs256.expose(), &rsa.cert).unwrap_err();
        assert!(refused.contains("signed with RS256"), "{refused}");
        let none = format!(
            "{}.{}.",
            URL_SAFE_NO_PAD.encode(br#"{"alg":"none"}"#),
            URL_SAFE_NO_PAD.encode(b"{}")
        );
        assert!(verify(&none, &rsa.cert).unwrap_err().contains("none"));
        assert!(verify("a.b", &rsa.cert).is_err());
    }
}
