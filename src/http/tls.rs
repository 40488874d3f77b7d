//! TLS for the HTTP client: extra trusted roots, the client certificate checked before use, and
//! what a TLS failure means for the user (refused credentials, or an untrusted bank).

use std::path::Path;

use crate::error::{Error, Result};
use crate::secret;

/// Extra trusted roots and a client certificate, from the profile.
#[derive(Clone, Default)]
pub struct TlsSettings {
    pub extra_roots: Vec<reqwest::Certificate>,
    pub identity: Option<reqwest::Identity>,
}

impl TlsSettings {
    /// Reads `ca_cert` (PEM, one or more roots) and, for mutual TLS, `cert` + `key` (PEM).
    pub fn load(ca_cert: Option<&Path>, client: Option<(&Path, &Path)>) -> Result<TlsSettings> {
        let mut settings = TlsSettings::default();
        if let Some(path) = ca_cert {
            let pem = std::fs::read(path).map_err(|e| {
                Error::usage_hint(
                    format!("cannot read ca_cert {}: {e}", path.display()),
                    "check the path in the profile",
                )
            })?;
            settings.extra_roots = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
                Error::usage_hint(
                    format!("ca_cert {} is not PEM certificates: {e}", path.display()),
                    "give a PEM file",
                )
            })?;
        }
        if let Some((cert, key)) = client {
            settings.identity = Some(client_identity(cert, key)?);
        }
        Ok(settings)
    }
}

/// The client certificate and its key, checked the way the TLS library will use them, so that
/// a bad pair is named here (exit 3) instead of failing inside the HTTP client's builder.
fn client_identity(cert: &Path, key: &Path) -> Result<reqwest::Identity> {
    use rustls_pki_types::pem::PemObject;
    use rustls_pki_types::{CertificateDer, PrivateKeyDer};
    let cert_pem = secret::read_key_file(cert, "certificate")?;
    let key_pem = secret::read_key_file(key, "private key")?;
    let chain = CertificateDer::pem_slice_iter(&cert_pem)
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| secret::unusable_key_file(cert, "certificate", &format!("not PEM ({e})")))?;
    let Some(leaf) = chain.first() else {
        return Err(secret::unusable_key_file(
            cert,
            "certificate",
            "it holds no PEM certificate",
        ));
    };
    webpki::EndEntityCert::try_from(leaf)
        .map_err(|e| secret::unusable_key_file(cert, "certificate", &certificate_problem(&e)))?;
    let private = PrivateKeyDer::from_pem_slice(&key_pem).map_err(|e| {
        secret::unusable_key_file(
            key,
            "private key",
            &format!("it holds no PEM private key (PKCS#8, PKCS#1 or SEC1): {e}"),
        )
    })?;
    let provider = rustls::crypto::aws_lc_rs::default_provider();
    rustls::sign::CertifiedKey::from_der(chain, private, &provider).map_err(|e| match e {
        rustls::Error::InconsistentKeys(rustls::InconsistentKeys::KeyMismatch) => Error::auth(
            format!(
                "private key {} is not the key of certificate {}",
                key.display(),
                cert.display()
            ),
            "set cert and key in the profile to a certificate and the key it was issued for",
        ),
        other => secret::unusable_key_file(key, "private key", &other.to_string()),
    })?;
    let mut pem = cert_pem;
    pem.push(b'\n');
    pem.extend(key_pem);
    reqwest::Identity::from_pem(&pem)
        .map_err(|e| secret::unusable_key_file(cert, "certificate", &root_cause(&e)))
}

fn certificate_problem(err: &webpki::Error) -> String {
    match err {
        webpki::Error::UnsupportedCertVersion => {
            "it is an X.509 version 1 certificate; TLS client certificates must be version 3 (ask its issuer for a v3 certificate)".into()
        }
        other => format!("it is not a usable X.509 certificate ({other})"),
    }
}

/// The TLS error behind a transport failure, if that is what it was. `io::Error::source` skips
/// the error an I/O error wraps, so the chain goes through `get_ref` there.
pub(super) fn tls_error<'a>(
    err: &'a (dyn std::error::Error + 'static),
) -> Option<&'a rustls::Error> {
    let mut cause = Some(err);
    while let Some(e) = cause {
        if let Some(tls) = e.downcast_ref::<rustls::Error>() {
            return Some(tls);
        }
        cause = match e
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            Some(wrapped) => Some(wrapped as &(dyn std::error::Error + 'static)),
            None => e.source(),
        };
    }
    None
}

/// TLS failures with a clearer meaning than "the connection failed": the bank refusing our
/// client certificate (credentials, exit 3), or a bank certificate we do not trust.
pub(super) fn tls_failure(host: &str, err: &rustls::Error) -> Option<Error> {
    use rustls::AlertDescription as Alert;
    match err {
        rustls::Error::AlertReceived(
            alert @ (Alert::CertificateRequired
            | Alert::UnknownCA
            | Alert::BadCertificate
            | Alert::CertificateUnknown
            | Alert::CertificateExpired
            | Alert::CertificateRevoked
            | Alert::UnsupportedCertificate
            | Alert::AccessDenied),
        ) => Some(Error::auth(
            format!("{host} refused the connection for want of a client certificate it trusts (TLS alert {alert:?})"),
            "check cert and key of the profile (sent with auth = \"mtls\"): the bank must know the certificate and trust its issuer",
        )),
        rustls::Error::InvalidCertificate(_) => Some(Error::Unavailable {
            message: format!("the certificate of {host} is not trusted ({err})"),
            hint: Some(
                "if the bank uses a private CA, set ca_cert in the profile to its PEM file".into(),
            ),
        }),
        _ => None,
    }
}

pub(super) fn root_cause(err: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = err;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}
