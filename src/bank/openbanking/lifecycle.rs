//! What `status` and `logout` do with an open-banking profile's consent (the provider's `Spec`
//! hooks): status asks the bank for it; logout deletes it there, then forgets its record.

use chrono::Utc;

use super::channel::consents;
use super::state;
use crate::bank::provider::{BoxFuture, Said, StatusField};
use crate::config::Profile;
use crate::credentials;
use crate::error::Result;
use crate::http::RetryPolicy;

/// The consent: id, status and expiry from `GET /account-access-consents/{id}`, else the
/// recorded expiry, saying why.
pub fn status_fields(
    profile: &Profile,
    retry: RetryPolicy,
) -> BoxFuture<'_, Result<Vec<StatusField>>> {
    Box::pin(async move {
        let time = |t: chrono::DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let Some(recorded) = state::load(&profile.name)? else {
            return Ok(vec![
                ("consent_id", None),
                (
                    "consent_status",
                    Some("none recorded: run 'treasury login'".to_string()),
                ),
                ("consent_expires_at", None),
            ]);
        };
        let asked = match credentials::client_access(profile) {
            Ok(access) => match consents(profile, access, retry) {
                Ok(consents) => consents.get(&recorded.consent_id).await,
                Err(e) => Err(e),
            },
            Err(e) => Err(e),
        };
        if let Ok(consent) = &asked {
            state::note_bank_expiry(
                &profile.name,
                &recorded,
                consent.expiration_date_time.as_deref(),
            );
        }
        let (status, expires) = match asked {
            Ok(consent) => (
                consent.status,
                consent
                    .expiration_date_time
                    .or(recorded.expires_at.map(time)),
            ),
            Err(e) => (
                format!(
                    "unknown (the bank could not be asked: {e}); the expiry shown is the recorded one"
                ),
                recorded.expires_at.map(time),
            ),
        };
        Ok(vec![
            ("consent_id", Some(recorded.consent_id)),
            ("consent_status", Some(status)),
            ("consent_expires_at", expires),
        ])
    })
}

/// The recorded consent: deleted at the bank, then forgotten here, also when the bank cannot
/// be reached (said so: the consent then ends on its own at its expiry). Nothing said: there
/// was no consent recorded.
pub fn logout(
    name: &str,
    profile: Result<Profile>,
    retry: RetryPolicy,
) -> BoxFuture<'_, Result<Vec<Said>>> {
    Box::pin(async move {
        let Some(recorded) = state::load(name)? else {
            return Ok(Vec::new());
        };
        let consents = profile.and_then(|profile| {
            credentials::client_access(&profile)
                .and_then(|access| consents(&profile, access, retry))
        });
        let mut said = Vec::new();
        for id in std::iter::once(&recorded.consent_id).chain(&recorded.orphans) {
            let deleted = match &consents {
                Ok(consents) => consents.delete(id).await.map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            };
            said.push(match deleted {
                Ok(()) => Said::Note(format!("Deleted consent {id} of profile '{name}' at the bank")),
                Err(e) => Said::Warn(format!(
                    "could not delete consent {id} of profile '{name}' at the bank ({e}); it is forgotten here only and ends at its expiry unless revoked at the bank"
                )),
            });
        }
        state::forget(name)?;
        said.push(Said::Note(format!(
            "Forgot the consent record of profile '{name}'"
        )));
        Ok(said)
    })
}
