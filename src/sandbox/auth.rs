//! The sandbox's OAuth side: HTTP Basic client credentials, signed client assertions checked
//! against the registered client certificate, the token form, issued bearer tokens.

use base64::Engine as _;
use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use chrono::{DateTime, Utc};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;

use super::CLIENT_ID;
use crate::oauth::assertion::{self, Expected, Invalid};

/// How long an issued token stays valid.
pub const TOKEN_LIFETIME: Duration = Duration::from_secs(3600);

/// The bearer tokens handed out so far, with when each was issued.
#[derive(Debug, Default)]
pub struct TokenStore {
    issued: Mutex<HashMap<String, Instant>>,
    counter: AtomicU64,
}

impl TokenStore {
    /// A new token, unique for this server, remembered until it expires.
    pub fn issue(&self) -> String {
        let count = self.counter.fetch_add(1, Ordering::Relaxed);
        let token = format!(
            "sbx-{:016x}{count:08x}",
            super::jpmorgan::amounts::splitmix64(clock_nanos() ^ count)
        );
        let now = Instant::now();
        let mut issued = self.issued.lock().unwrap_or_else(PoisonError::into_inner);
        issued.retain(|_, at| now.duration_since(*at) < TOKEN_LIFETIME);
        issued.insert(token.clone(), now);
        token
    }

    pub fn is_valid(&self, token: &str) -> bool {
        let issued = self.issued.lock().unwrap_or_else(PoisonError::into_inner);
        issued
            .get(token)
            .is_some_and(|at| at.elapsed() < TOKEN_LIFETIME)
    }
}

/// The certificate registered for `private_key_jwt`: assertions must be signed by its key.
#[derive(Debug, Clone)]
pub struct ClientCert(CertificateDer<'static>);

impl ClientCert {
    /// The first certificate of a PEM file.
    pub fn from_pem_file(path: &Path) -> anyhow::Result<ClientCert> {
        CertificateDer::from_pem_file(path)
            .map(ClientCert)
            .map_err(|e| anyhow::anyhow!("cannot read client certificate {}: {e}", path.display()))
    }
}

impl ClientCert {
    /// The certificate itself (DER).
    pub fn der(&self) -> &CertificateDer<'static> {
        &self.0
    }
}

/// The `jti` of every assertion accepted, until it expires: an assertion is good once.
#[derive(Debug, Default)]
pub struct SeenAssertions {
    seen: Mutex<HashMap<String, i64>>,
}

impl SeenAssertions {
    /// Remembers `jti`; false when it was already used.
    pub(super) fn first_use(&self, jti: &str, exp: i64, now: i64) -> bool {
        let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        seen.retain(|_, expires| *expires >= now);
        seen.insert(jti.to_string(), exp).is_none()
    }
}

/// Whether a token form authenticates its client with a client assertion (RFC 7523).
pub fn uses_assertion(form: &[u8]) -> bool {
    form_value(form, "client_assertion_type").is_some()
}

/// Checks the client assertion of a token form: the assertion type, then every check of
/// `assertion::verify` against `cert` for the form's `client_id` at `token_url`, then replay.
/// The error is the `error_description` to send back.
pub fn check_assertion(
    cert: Option<&ClientCert>,
    seen: &SeenAssertions,
    form: &[u8],
    token_url: &str,
    now: DateTime<Utc>,
) -> Result<(), String> {
    if form_value(form, "client_assertion_type").as_deref() != Some(assertion::ASSERTION_TYPE) {
        return Err(format!(
            "unsupported client_assertion_type: use {}",
            assertion::ASSERTION_TYPE
        ));
    }
    let Some(ClientCert(cert)) = cert else {
        return Err(
            "no client certificate configured: start the sandbox with --client-cert FILE".into(),
        );
    };
    let client_id = form_value(form, "client_id").ok_or("the form has no client_id")?;
    let jwt = form_value(form, "client_assertion").ok_or("the form has no client_assertion")?;
    let expected = Expected {
        client_id: &client_id,
        audience: token_url,
        now,
    };
    let verified = assertion::verify(&jwt, cert, &expected).map_err(|why| why.to_string())?;
    if !seen.first_use(&verified.jti, verified.exp, now.timestamp()) {
        return Err(Invalid::Replayed.to_string());
    }
    Ok(())
}

/// Checks an open-banking `private_key_jwt` client assertion as a FAPI 1.0 Advanced token
/// endpoint does: PS256 or ES256 by the registered certificate's key, iss = sub = the form's
/// `client_id`, aud this endpoint, a live and short expiry, a `jti` used once. Returns the client
/// id; the error is the `error_description` to send back.
pub fn check_fapi_assertion(
    cert: Option<&ClientCert>,
    seen: &SeenAssertions,
    form: &[u8],
    token_urls: &[String],
    now: DateTime<Utc>,
) -> Result<String, String> {
    if form_value(form, "client_assertion_type").as_deref() != Some(assertion::ASSERTION_TYPE) {
        return Err(format!(
            "use client_assertion_type {}",
            assertion::ASSERTION_TYPE
        ));
    }
    let Some(ClientCert(cert)) = cert else {
        return Err(
            "no client certificate registered: start the sandbox with --client-cert FILE".into(),
        );
    };
    let client_id = form_value(form, "client_id").ok_or("the form has no client_id")?;
    let jwt = form_value(form, "client_assertion").ok_or("the form has no client_assertion")?;
    let claims = crate::oauth::fapi::verify(&jwt, cert)
        .map_err(|e| format!("the client assertion is refused: {e}"))?
        .claims;
    let text = |key: &str| claims[key].as_str().unwrap_or_default().to_string();
    if text("iss") != client_id || text("sub") != client_id {
        return Err(Invalid::Issuer.to_string());
    }
    if !token_urls.iter().any(|u| *u == text("aud")) {
        return Err(Invalid::Audience(token_urls.first().cloned().unwrap_or_default()).to_string());
    }
    let exp = claims["exp"]
        .as_i64()
        .ok_or(Invalid::NoExpiry.to_string())?;
    let now = now.timestamp();
    if exp <= now {
        return Err(Invalid::Expired.to_string());
    }
    if exp > now + assertion::MAX_LIFETIME_SECS {
        return Err(Invalid::TooLong.to_string());
    }
    let jti = text("jti");
    if jti.is_empty() {
        return Err(Invalid::NoJti.to_string());
    }
    if !seen.first_use(&jti, exp, now) {
        return Err(Invalid::Replayed.to_string());
    }
    Ok(client_id)
}

fn clock_nanos() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64)
}

/// RFC 6749 2.3.1: Basic credentials are form-urlencoded before base64.
fn form_decode(text: &str) -> String {
    form_urlencoded::parse(format!("v={text}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

/// Standard base64, padding optional.
const BASE64: base64::engine::GeneralPurpose = base64::engine::GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    base64::engine::GeneralPurposeConfig::new()
        .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
);

/// Whether an `Authorization` header carries the sandbox's client id and `client_secret` over
/// HTTP Basic.
pub fn is_sandbox_client(authorization: Option<&str>, client_secret: &str) -> bool {
    authorization
        .and_then(basic_credentials)
        .is_some_and(|(id, secret)| id == CLIENT_ID && secret == client_secret)
}

/// The client id and secret of a `Basic` header (each form-decoded, as OAuth 2 requires).
pub fn basic_credentials(authorization: &str) -> Option<(String, String)> {
    let encoded = strip_scheme(authorization, "Basic")?;
    let decoded = String::from_utf8(BASE64.decode(encoded).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    Some((form_decode(id), form_decode(secret)))
}

/// The token of a `Bearer` header.
pub fn bearer_token(authorization: &str) -> Option<&str> {
    strip_scheme(authorization, "Bearer").filter(|t| !t.is_empty())
}

/// The rest of a header after its scheme word (compared without case) and the spaces after it.
fn strip_scheme<'a>(header: &'a str, scheme: &str) -> Option<&'a str> {
    let (word, rest) = header.trim().split_once(' ')?;
    word.eq_ignore_ascii_case(scheme).then(|| rest.trim())
}

/// The first value of `key` in an `application/x-www-form-urlencoded` body.
pub fn form_value(body: &[u8], key: &str) -> Option<String> {
    form_urlencoded::parse(body)
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_headers_decode_to_id_and_secret() {
        let creds = |h: &str| basic_credentials(h);
        assert_eq!(
            creds("Basic c2FuZGJveDpzYW5kYm94"),
            Some(("sandbox".into(), "sandbox".into()))
        );
        assert_eq!(
            creds("basic   c2FuZGJveDpzYW5kYm94"),
            Some(("sandbox".into(), "sandbox".into()))
        );
        // "a:b" needs padding; "ab:cd%21" is form-encoded.
        assert_eq!(creds("Basic YTpi"), Some(("a".into(), "b".into())));
        assert_eq!(
            creds("Basic YWI6Y2QlMjE="),
            Some(("ab".into(), "cd!".into()))
        );
        assert_eq!(creds("Basic !!!"), None);
        assert_eq!(creds("Bearer c2FuZGJveDpzYW5kYm94"), None);
        assert_eq!(creds("Basic c2FuZGJveA=="), None, "no colon");
    }

    #[test]
    fn only_the_sandbox_pair_is_accepted() {
        let secret = super::super::CLIENT_SECRET;
        assert!(is_sandbox_client(
            Some("Basic c2FuZGJveDpzYW5kYm94"),
            secret
        ));
        // sandbox:wrong
        assert!(!is_sandbox_client(
            Some("Basic c2FuZGJveDp3cm9uZw=="),
            secret
        ));
        assert!(is_sandbox_client(
            Some("Basic c2FuZGJveDp3cm9uZw=="),
            "wrong"
        ));
        assert!(!is_sandbox_client(None, secret));
        assert!(!is_sandbox_client(Some(""), secret));
    }

    #[test]
    fn bearer_headers_give_their_token() {
        assert_eq!(bearer_token("Bearer sbx-1"), Some("sbx-1"));
        assert_eq!(bearer_token("bearer  sbx-1 "), Some("sbx-1"));
        assert_eq!(bearer_token("Bearer "), None);
        assert_eq!(bearer_token("Basic sbx-1"), None);
    }

    #[test]
    fn form_values_are_found_and_decoded() {
        let body = b"grant_type=client_credentials&scope=jpm%3Aread+all&flag";
        assert_eq!(
            form_value(body, "grant_type").as_deref(),
            Some("client_credentials")
        );
        assert_eq!(form_value(body, "scope").as_deref(), Some("jpm:read all"));
        assert_eq!(form_value(body, "flag").as_deref(), Some(""));
        assert_eq!(form_value(body, "missing"), None);
        // Broken escapes stay as written (WHATWG form decoding), so they never match a value.
        assert_eq!(
            form_value(b"grant_type=%zz", "grant_type").as_deref(),
            Some("%zz")
        );
        assert_eq!(
            form_value(b"grant_type=%2", "grant_type").as_deref(),
            Some("%2")
        );
    }

    /// A client certificate file and a form carrying an assertion signed by its key.
    struct Client {
        _dir: tempfile::TempDir,
        cert: ClientCert,
        key: std::path::PathBuf,
        cert_path: std::path::PathBuf,
    }

    const URL: &str = "http://127.0.0.1:9/oauth2/token";

    fn client() -> Client {
        let dir = tempfile::tempdir().unwrap();
        let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256).unwrap();
        let cert = rcgen::CertificateParams::new(vec!["c.test".to_string()])
            .unwrap()
            .self_signed(&key)
            .unwrap();
        let (key_path, cert_path) = (dir.path().join("c.key"), dir.path().join("c.crt"));
        std::fs::write(&key_path, key.serialize_pem()).unwrap();
        std::fs::write(&cert_path, cert.pem()).unwrap();
        Client {
            cert: ClientCert::from_pem_file(&cert_path).unwrap(),
            _dir: dir,
            key: key_path,
            cert_path,
        }
    }

    fn form(client: &Client, client_id: &str) -> String {
        let jwt =
            assertion::sign(client_id, URL, &client.key, &client.cert_path, Utc::now()).unwrap();
        format!(
            "grant_type=client_credentials&client_id={client_id}&client_assertion_type={}&client_assertion={}",
            assertion::ASSERTION_TYPE.replace(':', "%3A"),
            jwt.expose()
        )
    }

    #[test]
    fn an_assertion_is_accepted_once() {
        let client = client();
        let seen = SeenAssertions::default();
        let form = form(&client, "cid");
        assert!(uses_assertion(form.as_bytes()));
        let check = || check_assertion(Some(&client.cert), &seen, form.as_bytes(), URL, Utc::now());
        assert_eq!(check(), Ok(()));
        assert_eq!(check(), Err(Invalid::Replayed.to_string()));
        let fresh = self::form(&client, "cid");
        let again = check_assertion(Some(&client.cert), &seen, fresh.as_bytes(), URL, Utc::now());
        assert_eq!(again, Ok(()), "a new jti is fine");
    }

    #[test]
    fn assertions_are_refused_for_want_of_a_certificate_or_a_field() {
        let client = client();
        let seen = SeenAssertions::default();
        let form = form(&client, "cid");
        let refused = |cert: Option<&ClientCert>, form: &str, url: &str| {
            check_assertion(cert, &seen, form.as_bytes(), url, Utc::now()).unwrap_err()
        };
        assert!(refused(None, &form, URL).starts_with("no client certificate configured"));
        let other_url = "http://127.0.0.1:10/oauth2/token";
        assert_eq!(
            refused(Some(&client.cert), &form, other_url),
            Invalid::Audience(other_url.into()).to_string()
        );
        let other_id = form.replace("client_id=cid", "client_id=other");
        assert_eq!(
            refused(Some(&client.cert), &other_id, URL),
            Invalid::Issuer.to_string()
        );
        let no_id = form.replace("client_id=cid&", "");
        assert_eq!(
            refused(Some(&client.cert), &no_id, URL),
            "the form has no client_id"
        );
        let no_jwt = "client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_id=cid";
        assert_eq!(
            refused(Some(&client.cert), no_jwt, URL),
            "the form has no client_assertion"
        );
        let saml = "client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Asaml2-bearer";
        assert!(
            refused(Some(&client.cert), saml, URL).starts_with("unsupported client_assertion_type")
        );
        assert!(!uses_assertion(b"grant_type=client_credentials"));
    }

    #[test]
    fn replay_memory_forgets_expired_assertions() {
        let seen = SeenAssertions::default();
        assert!(seen.first_use("a", 100, 50));
        assert!(!seen.first_use("a", 100, 60));
        // Once "a" has expired it is forgotten (and an expired assertion fails verify anyway).
        assert!(seen.first_use("b", 300, 200));
        assert!(seen.first_use("a", 400, 200));
    }

    #[test]
    fn tokens_are_unique_and_remembered() {
        let store = TokenStore::default();
        let first = store.issue();
        let second = store.issue();
        assert_ne!(first, second);
        assert!(first.starts_with("sbx-"));
        assert!(store.is_valid(&first) && store.is_valid(&second));
        assert!(!store.is_valid("sbx-0000"));
    }
}
