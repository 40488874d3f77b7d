//! What `logout` ends at Chase (the provider's `Spec` hook): the browser login is revoked at
//! the bank where the profile names an RFC 7009 revocation endpoint (`revoke_url`); otherwise
//! the person is told it lives on there.

use super::browser_login;
use crate::bank::provider::{BoxFuture, Said};
use crate::config::{self, Profile};
use crate::credentials::Store;
use crate::error::Result;
use crate::http::{Http, RetryPolicy, TlsSettings};
use crate::oauth::authcode;

/// Revokes the stored login at the bank, saying so; nothing said when there is no login stored
/// (or the profile does not resolve).
pub fn logout(
    name: &str,
    profile: Result<Profile>,
    retry: RetryPolicy,
) -> BoxFuture<'_, Result<Vec<Said>>> {
    Box::pin(async move {
        let Ok(profile) = profile else {
            return Ok(Vec::new());
        };
        let stored = [
            Some(Store::Keyring),
            config::credentials_path().ok().map(Store::File),
        ]
        .into_iter()
        .flatten()
        .find_map(|store| store.load_login(name).ok().flatten());
        let Some(stored) = stored else {
            return Ok(Vec::new());
        };
        let ends = stored.refresh_expires_at.map_or_else(
            || "until it expires".to_string(),
            |at| format!("until {}", at.format("%Y-%m-%d")),
        );
        let Some(revoke_url) = profile.settings.get("revoke_url") else {
            return Ok(vec![Said::Warn(format!(
                "profile '{name}' has no revoke_url, so its login lives on at the bank {ends} unless you revoke the app's access there; it is forgotten here"
            ))]);
        };
        let revoked = async {
            let url = config::checked_url(name, "revoke_url", revoke_url)?;
            let login = browser_login(&profile)?;
            let tls = TlsSettings::load(profile.ca_cert.as_deref(), None)?;
            let http = Http::new(profile.timeout, retry, &tls)?;
            authcode::revoke(&http, &login, &url, &stored.refresh_token).await
        };
        Ok(vec![match revoked.await {
            Ok(()) => Said::Note(format!(
                "Revoked the login of profile '{name}' at the bank"
            )),
            Err(e) => Said::Warn(format!(
                "could not revoke the login of profile '{name}' at the bank ({e}); it lives on there {ends} unless you revoke the app's access there; it is forgotten here"
            )),
        }])
    })
}
