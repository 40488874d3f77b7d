//! The open-banking half of `treasury login`: the profile's browser-login endpoints (with its
//! client authentication, which the code exchange and every refresh need), and the consent
//! created before the browser opens, named in the signed authorization request.

use chrono::{SecondsFormat, Utc};

use super::channel::{client_auth, consents};
use super::consent::{authorization_url, state_of, AuthorizationRequest, ClientAuth, Consents};
use super::state::ConsentState;
use super::{state, DEFAULT_CONSENT_DAYS};
use crate::bank::provider::{BoxFuture, Consented};
use crate::config::{checked_url, Profile};
use crate::credentials::{self, Access};
use crate::error::{Error, Result};
use crate::http::RetryPolicy;
use crate::oauth::authcode::{challenge, random_text, Attempt, BrowserLogin};
use crate::oauth::fapi;

/// The authorize and token URLs, client id, redirect URI and client authentication of a profile.
pub fn endpoints(profile: &Profile) -> Result<BrowserLogin> {
    let name = &profile.name;
    let setting = |key: &str| profile.settings.get(key).ok_or_else(|| missing(name, key));
    let client_id = credentials::client_id(profile)?;
    let token_url = profile
        .token_url
        .clone()
        .ok_or_else(|| missing(name, "token_url"))?;
    let mut client = match credentials::own_credentials(profile)? {
        Access::Mtls => ClientAuth::Mtls {
            client_id: client_id.clone(),
        },
        access => client_auth(&access).ok_or_else(|| missing(name, "auth"))?,
    };
    if let ClientAuth::KeyJwt { signing, .. } = &mut client {
        *signing = fapi::signing_of(profile);
    }
    Ok(BrowserLogin {
        authorize_url: checked_url(name, "authorize_url", setting("authorize_url")?)?,
        token_url,
        client_id,
        redirect_uri: checked_url(name, "redirect_uri", setting("redirect_uri")?)?,
        scope: None,
        client: Some(client),
    })
}

/// `POST /account-access-consents` with a client-credentials token, then the authorization URL
/// for that consent. A `Rejected` consent is an error here, before any browser or store.
pub fn prepare<'a>(
    profile: &'a Profile,
    retry: RetryPolicy,
    login: &'a BrowserLogin,
    attempt: &'a Attempt,
) -> BoxFuture<'a, Result<Consented>> {
    Box::pin(async move {
        let (Some(key), Some(cert)) = (&profile.key, &profile.cert) else {
            return Err(Error::usage_hint(
                format!("profile '{}' has no key and cert to sign the authorization request with", profile.name),
                format!("add key = \"FILE\" and cert = \"FILE\" (PEM) under [profiles.{}] (docs/providers/open-banking.md)", profile.name),
            ));
        };
        // Checked before the consent is created: a key others can read signs nothing.
        crate::secret::check_private(key, "private key")?;
        let consents = consents(profile, credentials::own_credentials(profile)?, retry)?;
        let now = Utc::now();
        let days = profile
            .settings
            .get("consent_days")
            .and_then(|d| d.parse().ok())
            .unwrap_or(DEFAULT_CONSENT_DAYS);
        let consent = consents.create(days, now).await?;
        let nonce = random_text()?;
        let signing = fapi::signing_of(profile);
        let (url, _request_object) = authorization_url(
            &AuthorizationRequest {
                authorize_url: &login.authorize_url,
                client_id: &login.client_id,
                redirect_uri: login.redirect_uri.as_str(),
                consent_id: &consent.consent_id,
                state: attempt.state.expose(),
                nonce: &nonce,
                code_challenge: &challenge(attempt.verifier.expose()),
                issuer: &issuer_of(profile, &login.authorize_url),
                key,
                cert,
                signing: &signing,
            },
            now,
        )?;
        let record = state_of(&consent, now);
        let name = profile.name.clone();
        let kept = (name.clone(), record.clone(), consents.clone());
        Ok(Consented {
            url,
            keep: Box::new(move || Box::pin(keep(kept.0, kept.1, kept.2))),
            discard: Box::new(move || Box::pin(discard(name, record, consents))),
            nonce: Some(crate::secret::Secret::new(nonce)),
        })
    })
}

/// The authorization server's issuer: the profile's `issuer`, else the authorize URL's origin.
pub fn issuer_of(profile: &Profile, authorize_url: &reqwest::Url) -> String {
    match profile.settings.get("issuer") {
        Some(issuer) => issuer.clone(),
        None => authorize_url.origin().ascii_serialization(),
    }
}

/// Records the consent of a stored login, then deletes at the bank the consent it replaces
/// (a second login must not leave the first `Authorised` for months); one the bank could not
/// delete stays in the record for `logout`.
async fn keep(name: String, mut record: ConsentState, consents: Consents) -> Result<String> {
    let replaced = state::load(&name)?;
    if let Some(old) = &replaced {
        record.orphans = old.orphans.clone();
    }
    let path = state::save(&name, &record)?;
    let ends = record.expires_at.map_or_else(
        || "no end date".to_string(),
        |at| {
            format!(
                "valid until {}",
                at.to_rfc3339_opts(SecondsFormat::Secs, true)
            )
        },
    );
    let mut said = format!(
        "Consent {} recorded in {} ({ends}).",
        record.consent_id,
        path.display()
    );
    let Some(old) = replaced.filter(|old| old.consent_id != record.consent_id) else {
        return Ok(said);
    };
    match consents.delete(&old.consent_id).await {
        Ok(()) => said.push_str(&format!(
            "\nDeleted the consent it replaces, {}, at the bank.",
            old.consent_id
        )),
        Err(e) => {
            record.orphans.push(old.consent_id.clone());
            state::save(&name, &record)?;
            said.push_str(&format!(
                "\nCould not delete the consent it replaces, {}, at the bank ({e}); 'treasury logout -p {name}' tries again.",
                old.consent_id
            ));
        }
    }
    Ok(said)
}

/// The login failed after the consent was created: delete the consent at the bank; when that
/// fails, record it (as the profile's consent, or beside the one a working login has) so
/// `logout` can.
async fn discard(name: String, record: ConsentState, consents: Consents) -> String {
    let id = record.consent_id.clone();
    let Err(e) = consents.delete(&id).await else {
        return format!("Deleted consent {id} at the bank: the login did not finish.");
    };
    let kept = match state::load(&name) {
        Ok(Some(mut current)) => {
            current.orphans.push(id.clone());
            state::save(&name, &current)
        }
        _ => state::save(&name, &record),
    };
    match kept {
        Ok(path) => format!(
            "Could not delete consent {id} at the bank ({e}); recorded in {} so 'treasury logout -p {name}' deletes it.",
            path.display()
        ),
        Err(saving) => format!(
            "Could not delete consent {id} at the bank ({e}) nor record it ({saving}): it ends at its expiry unless revoked at the bank."
        ),
    }
}

fn missing(profile: &str, key: &str) -> Error {
    Error::usage_hint(
        format!("profile '{profile}' has no {key}"),
        format!("add {key} = \"...\" under [profiles.{profile}] (docs/providers/open-banking.md)"),
    )
}
