//! The open-banking channel of a profile: its HTTP client (CA, client certificate) and the
//! consent calls made as the app. Both the data client (`provider`) and the login (`login`)
//! build on it, so neither imports the other.

use super::client::{Channel, Settings};
use super::consent::{ClientAuth, Consents};
use super::CLIENT_SCOPE;
use crate::config::{AuthMode, Profile};
use crate::credentials::Access;
use crate::error::Result;
use crate::http::{Http, RetryPolicy, TlsSettings};
use crate::oauth::client_credentials;

/// The HTTP client of a profile: its CA, and its client certificate for mutual TLS.
pub fn http_of(profile: &Profile, retry: RetryPolicy) -> Result<Http> {
    let client = match (profile.auth, &profile.cert, &profile.key) {
        (AuthMode::Mtls, Some(cert), Some(key)) => Some((cert.as_path(), key.as_path())),
        _ => None,
    };
    let tls = TlsSettings::load(profile.ca_cert.as_deref(), client)?;
    Ok(Http::new(profile.timeout, retry, &tls)?
        .describing(|status, body| super::errors::bank_error(status, body).to_string()))
}

pub fn settings_of(profile: &Profile) -> Settings {
    Settings {
        base_url: profile.base_url.clone(),
        financial_id: profile.settings.get("financial_id").cloned(),
        profile: profile.name.clone(),
    }
}

/// Consent calls with a client-credentials token, scope `accounts` (a ready token is used as
/// it is). With mutual TLS no token is sent: the certificate identifies the client.
pub fn consents(profile: &Profile, access: Access, retry: RetryPolicy) -> Result<Consents> {
    let http = http_of(profile, retry)?;
    let mut scoped = profile.clone();
    scoped.scope.get_or_insert_with(|| CLIENT_SCOPE.to_string());
    let tokens = client_credentials(&http, &scoped, access)?;
    Ok(Consents::new(Channel::new(
        http,
        settings_of(profile),
        tokens,
    )?))
}

/// How the profile's client authenticates a code exchange.
pub fn client_auth(access: &Access) -> Option<ClientAuth> {
    ClientAuth::from_access(access)
}
