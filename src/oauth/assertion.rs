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

use crate::error::{Error, Result};
use crate::secret::Secret;

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
    let claims = claims(client_id, token_url, now)?;
    sign_claims(&claims, key, cert, "the client assertion")
}

/// The claims of a client assertion for `client_id` at `token_url`, valid `LIFETIME_SECS`.
pub fn claims(client_id: &str, token_url: &str, now: DateTime<Utc>) -> Result<Claims> {
    Ok(Claims {
        iss: client_id.to_string(),
        sub: client_id.to_string(),
        aud: token_url.to_string(),
        iat: now.timestamp(),
        exp: now.timestamp() + LIFETIME_SECS,
        jti: unique_id()?,
    })
}

/// Signs any claims as an RS256 JWT with the key file, naming the certificate (`kid`, `x5t`):
/// client assertions and the request objects of open-banking authorizations.
pub fn sign_claims(claims: &impl Serialize, key: &Path, cert: &Path, what: &str) -> Result<Secret> {
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
    let jwt = jsonwebtoken::encode(&header, claims, &key).map_err(|e| {
        Error::auth(
            format!("cannot sign {what}: {e}"),
            "check that key matches cert",
        )
    })?;
    Ok(Secret::new(jwt))
}

/// 32 random hex digits: a `jti`, a `state` or a `nonce`.
pub fn unique_id() -> Result<String> {
    let mut bytes = [0u8; 16];
    aws_lc_rs::rand::fill(&mut bytes)
        .map_err(|_| Error::Internal(anyhow::anyhow!("no randomness")))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

fn read(path: &Path, what: &str) -> Result<Vec<u8>> {
    crate::secret::read_key_file(path, what)
}

fn bad_file(path: &Path, what: &str, why: &str) -> Error {
    crate::secret::unusable_key_file(path, what, why)
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

#[cfg(test)]
mod tests {
    use std::sync::OnceLock;

    use chrono::TimeZone;
    use serde_json::{json, Value};

    use super::*;

    const CLIENT: &str = "client-1";
    const AUD: &str = "https://127.0.0.1:8443/oauth2/token";

    /// An RSA key (PEM) and a certificate for it (DER).
    struct Party {
        key_pem: String,
        cert_pem: String,
        cert: CertificateDer<'static>,
    }

    impl Party {
        fn new() -> Party {
            let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256).unwrap();
            let cert = rcgen::CertificateParams::new(vec!["client.example".to_string()])
                .unwrap()
                .self_signed(&key)
                .unwrap();
            Party {
                key_pem: key.serialize_pem(),
                cert_pem: cert.pem(),
                cert: cert.der().clone(),
            }
        }

        fn x5t(&self) -> String {
            thumbprint_der(&self.cert)
        }

        fn encoding_key(&self) -> EncodingKey {
            EncodingKey::from_rsa_pem(self.key_pem.as_bytes()).unwrap()
        }
    }

    /// The registered client, and someone else.
    fn parties() -> &'static (Party, Party) {
        static PARTIES: OnceLock<(Party, Party)> = OnceLock::new();
        PARTIES.get_or_init(|| (Party::new(), Party::new()))
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap()
    }

    fn expected() -> Expected<'static> {
        Expected {
            client_id: CLIENT,
            audience: AUD,
            now: now(),
        }
    }

    fn good_claims() -> Value {
        json!({
            "iss": CLIENT, "sub": CLIENT, "aud": AUD,
            "iat": now().timestamp(), "exp": now().timestamp() + 300, "jti": "j-1",
        })
    }

    fn signed_by(party: &Party, x5t: Option<String>, claims: &Value) -> String {
        let mut header = Header::new(Algorithm::RS256);
        header.x5t = x5t;
        jsonwebtoken::encode(&header, claims, &party.encoding_key()).unwrap()
    }

    /// A token signed by the registered client with these claims changed.
    fn with_claims(change: impl FnOnce(&mut serde_json::Map<String, Value>)) -> String {
        let (client, _) = parties();
        let mut claims = good_claims();
        change(claims.as_object_mut().unwrap());
        signed_by(client, Some(client.x5t()), &claims)
    }

    fn check(jwt: &str) -> Result<Verified, Invalid> {
        verify(jwt, &parties().0.cert, &expected())
    }

    #[test]
    fn an_assertion_from_sign_verifies_against_its_certificate() {
        let (client, _) = parties();
        let dir = tempfile::tempdir().unwrap();
        let (key, cert) = (dir.path().join("k.pem"), dir.path().join("c.pem"));
        std::fs::write(&key, &client.key_pem).unwrap();
        std::fs::write(&cert, &client.cert_pem).unwrap();
        let jwt = sign(CLIENT, AUD, &key, &cert, now()).unwrap();
        let verified = check(jwt.expose()).unwrap();
        assert_eq!(verified.exp, now().timestamp() + LIFETIME_SECS);
        assert_eq!(verified.jti.len(), 32);
        let again = sign(CLIENT, AUD, &key, &cert, now()).unwrap();
        assert_ne!(
            check(again.expose()).unwrap().jti,
            verified.jti,
            "jti is unique"
        );
    }

    #[test]
    fn a_key_other_than_the_certificates_is_refused() {
        let (client, stranger) = parties();
        let claims = good_claims();
        // The stranger's own thumbprint names a certificate the server does not know.
        let own = signed_by(stranger, Some(stranger.x5t()), &claims);
        assert_eq!(check(&own), Err(Invalid::Thumbprint));
        // Claiming the registered certificate does not help without its key.
        let forged = signed_by(stranger, Some(client.x5t()), &claims);
        assert_eq!(check(&forged), Err(Invalid::Signature));
        let unnamed = signed_by(client, None, &claims);
        assert_eq!(check(&unnamed), Err(Invalid::NoThumbprint));
    }

    #[test]
    fn tampered_claims_break_the_signature() {
        let jwt = with_claims(|_| {});
        let mut parts: Vec<&str> = jwt.split('.').collect();
        let other = URL_SAFE_NO_PAD.encode(
            serde_json::to_vec(&json!({"iss": "evil", "sub": "evil", "aud": AUD})).unwrap(),
        );
        parts[1] = &other;
        assert_eq!(check(&parts.join(".")), Err(Invalid::Signature));
    }

    #[test]
    fn only_rs256_compact_tokens_are_read() {
        assert_eq!(check("not-a-jwt"), Err(Invalid::Malformed));
        assert_eq!(check("a.b"), Err(Invalid::Malformed));
        assert_eq!(check("!!.e30.AA"), Err(Invalid::Malformed));
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","x5t":"x"}"#);
        let claims = URL_SAFE_NO_PAD.encode(b"{}");
        assert_eq!(
            check(&format!("{header}.{claims}.AAAA")),
            Err(Invalid::Algorithm("HS256".into()))
        );
        let none = URL_SAFE_NO_PAD.encode(br#"{"alg":"none"}"#);
        assert_eq!(
            check(&format!("{none}.{claims}.")),
            Err(Invalid::Algorithm("none".into()))
        );
        let no_alg = URL_SAFE_NO_PAD.encode(br#"{"typ":"JWT"}"#);
        assert_eq!(
            check(&format!("{no_alg}.{claims}.AA")),
            Err(Invalid::BadHeader)
        );
    }

    #[test]
    fn issuer_subject_and_audience_must_match() {
        let cases: [(&str, Value, Invalid); 6] = [
            ("iss", json!("other"), Invalid::Issuer),
            ("iss", Value::Null, Invalid::Issuer),
            ("sub", json!("other"), Invalid::Subject),
            (
                "aud",
                json!("https://127.0.0.1:8443/other"),
                Invalid::Audience(AUD.into()),
            ),
            ("aud", Value::Null, Invalid::Audience(AUD.into())),
            ("aud", json!(42), Invalid::BadClaims),
        ];
        for (claim, value, why) in cases {
            let jwt = with_claims(|c| {
                match value.is_null() {
                    true => c.remove(claim),
                    false => c.insert(claim.into(), value.clone()),
                };
            });
            assert_eq!(check(&jwt), Err(why), "{claim} = {value}");
        }
        let listed = with_claims(|c| {
            c.insert("aud".into(), json!(["https://other", AUD]));
        });
        assert!(
            check(&listed).is_ok(),
            "aud may be a list naming the endpoint"
        );
    }

    #[test]
    fn expiry_must_be_in_the_future_and_near() {
        let at = |offset: i64| {
            with_claims(|c| {
                c.insert("exp".into(), json!(now().timestamp() + offset));
            })
        };
        assert_eq!(check(&at(0)), Err(Invalid::Expired));
        assert_eq!(check(&at(-60)), Err(Invalid::Expired));
        assert!(check(&at(1)).is_ok());
        assert!(check(&at(MAX_LIFETIME_SECS)).is_ok());
        assert_eq!(check(&at(MAX_LIFETIME_SECS + 1)), Err(Invalid::TooLong));
        let none = with_claims(|c| {
            c.remove("exp");
        });
        assert_eq!(check(&none), Err(Invalid::NoExpiry));
    }

    #[test]
    fn a_jti_is_required() {
        let none = with_claims(|c| {
            c.remove("jti");
        });
        assert_eq!(check(&none), Err(Invalid::NoJti));
        let empty = with_claims(|c| {
            c.insert("jti".into(), json!(""));
        });
        assert_eq!(check(&empty), Err(Invalid::NoJti));
    }

    #[test]
    fn refusals_never_quote_the_assertion() {
        let jwt = with_claims(|c| {
            c.insert("iss".into(), json!("other"));
        });
        let why = check(&jwt).unwrap_err().to_string();
        for part in jwt.split('.') {
            assert!(!why.contains(part), "{why}");
        }
    }
}
