//! The partner's token as a token source, and partner authentication,
//! `POST /aggregation/v2/partners/authentication`: sent once (never resent after a timeout or a
//! refusal: five failures lock the partner), not sent at all with credentials Finicity refused
//! before (`refusals`), and a 429 treated as the rate limit it is.

use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::{Method, Url};

use super::client::Settings;
use super::errors::{authentication_error, bank_error};
use super::partner::{self, Failure, Partner, Slot};
use super::refusals::{self, Credentials, Refusal};
use super::wire::{AccessToken, PartnerCredentials};
use crate::error::{Error, Result};
use crate::http::{Answer, HeaderText, Http};
use crate::oauth::{TokenFuture, TokenSource};
use crate::secret::Secret;

const APP_KEY: &str = "Finicity-App-Key";

/// The spec: a token lasts two hours; take a new one once it is older than 90 minutes.
pub const TOKEN_MAX_AGE: Duration = Duration::from_secs(90 * 60);

/// The token of a profile's partner credentials, shared by every profile of the partner in this
/// run (`partner`): the one token while it is young enough, else a new one; the error of this
/// run's failed authentication again, with nothing sent.
#[derive(Debug, Clone)]
pub struct PartnerToken {
    http: Http,
    settings: Arc<Settings>,
    /// `POST /aggregation/v2/partners/authentication`.
    url: Url,
    partner: Partner,
    /// How old a token may get before a new one is fetched: `TOKEN_MAX_AGE`.
    pub max_age: Duration,
}

impl PartnerToken {
    pub fn new(http: Http, settings: Arc<Settings>, url: Url) -> PartnerToken {
        let partner = partner::partner(
            settings.base_url.as_str(),
            &settings.partner_id,
            &settings.app_key,
            &settings.partner_secret,
        );
        PartnerToken {
            http,
            settings,
            url,
            partner,
            max_age: TOKEN_MAX_AGE,
        }
    }

    /// One partner authentication; its outcome goes in the slot, a failure for good.
    async fn authenticate(&self, slot: &mut Slot) -> Result<Secret> {
        match authenticate(&self.http, &self.settings, &self.url).await {
            Ok(token) => {
                *slot = Slot::Token(token.clone(), Instant::now());
                Ok(token)
            }
            Err(error) => {
                *slot = Slot::Failed(Failure::of(&error));
                Err(error)
            }
        }
    }
}

impl TokenSource for PartnerToken {
    /// The lock is held across the authentication, so that concurrent callers (and profiles)
    /// share one.
    fn token(&self) -> TokenFuture<'_, Option<Secret>> {
        Box::pin(async move {
            let mut slot = self.partner.lock().await;
            match &*slot {
                Slot::Token(token, at) if at.elapsed() < self.max_age => {
                    return Ok(Some(token.clone()))
                }
                Slot::Failed(failure) => return Err(failure.error()),
                _ => {}
            }
            self.authenticate(&mut slot).await.map(Some)
        })
    }

    /// A new token in place of `rejected`, unless another caller already replaced it.
    fn renew<'a>(&'a self, rejected: &'a Secret) -> TokenFuture<'a, Option<Secret>> {
        Box::pin(async move {
            let mut slot = self.partner.lock().await;
            match &*slot {
                Slot::Token(token, _) if token != rejected => return Ok(Some(token.clone())),
                Slot::Failed(failure) => return Err(failure.error()),
                _ => {}
            }
            self.authenticate(&mut slot).await.map(Some)
        })
    }
}

/// A new partner token. `login` (the person is giving the secret now) tries credentials that
/// were refused before; any other run refuses them without sending anything.
pub async fn authenticate(http: &Http, settings: &Settings, url: &Url) -> Result<Secret> {
    let credentials = Credentials {
        base_url: settings.base_url.as_str(),
        partner_id: &settings.partner_id,
        app_key: &settings.app_key,
        secret: &settings.partner_secret,
    };
    let memory = settings.refusals.as_deref();
    match memory {
        Some(memory) if settings.login => refusals::forget(memory, &credentials, false)?,
        Some(memory) => {
            if let Some(refusal) = refusals::find(memory, &credentials) {
                return Err(remembered(&refusal, settings, memory));
            }
        }
        None => {}
    }
    let answer = send(http, settings, url).await?;
    if answer.is_success() {
        // The body is not quoted in the error: it may hold a token in a shape we did not expect.
        let token: AccessToken =
            serde_json::from_slice(&answer.body).map_err(|e| Error::Unavailable {
                message: format!("Finicity's partner authentication answered with no token ({e})"),
                hint: Some("try again later; if it persists, contact Finicity support".into()),
            })?;
        if let Some(Err(e)) = memory.map(|m| refusals::forget(m, &credentials, true)) {
            tracing::info!("{e}");
        }
        return Ok(Secret::new(token.token));
    }
    if answer.status == 429 {
        return Err(rate_limited(answer.retry_after()));
    }
    let error = authentication_error(answer.status, &answer.body, &settings.profile);
    if (400..500).contains(&answer.status) {
        let code = bank_error(answer.status, &answer.body).code;
        let Some(memory) = memory else {
            return Err(error);
        };
        refusals::remember(memory, &credentials, answer.status, code)?;
        return Err(with_memory(error, &settings.profile));
    }
    Err(error)
}

/// The one authentication request, not resent after a timeout or any answer but a 429 that
/// asked for a wait we accept (a rate-limited request was not processed: it is no failure).
async fn send(http: &Http, settings: &Settings, url: &Url) -> Result<Answer> {
    let credentials = PartnerCredentials {
        partner_id: settings.partner_id.clone(),
        partner_secret: settings.partner_secret.expose().to_string(),
    };
    let body = serde_json::to_vec(&credentials).map_err(|e| Error::Internal(e.into()))?;
    let headers = [(APP_KEY, HeaderText::Secret(&settings.app_key))];
    let policy = http.retry_policy();
    let once = http.once();
    let mut attempt = 1;
    loop {
        let answer = once
            .send(Method::POST, url, &headers, Some(&body), false)
            .await?;
        let wait = answer.retry_after().unwrap_or(Duration::from_secs(1));
        if answer.status != 429 || attempt >= policy.attempts || wait > policy.max_wait {
            return Ok(answer);
        }
        tracing::info!(target: "treasury::http", "Finicity limits partner authentications; trying again in {} s as it asked", wait.as_secs());
        tokio::time::sleep(wait).await;
        attempt += 1;
    }
}

fn rate_limited(retry_after: Option<Duration>) -> Error {
    let wait = retry_after.map_or_else(
        || "it did not say for how long".to_string(),
        |w| format!("it asked to wait {} s", w.as_secs()),
    );
    Error::Unavailable {
        message: format!(
            "Finicity is limiting partner authentications (HTTP 429): {wait}; this is a rate limit, not a refused secret"
        ),
        hint: Some(match retry_after {
            Some(w) => format!("try again in {} s (or raise --max-wait)", w.as_secs()),
            None => "try again later".into(),
        }),
    }
}

fn with_memory(error: Error, profile: &str) -> Error {
    match error {
        Error::Auth { message, hint } => Error::Auth {
            message: format!(
                "{message}. This refusal is remembered: later runs will not send the same partner secret until it changes or 'treasury login -p {profile}' is run"
            ),
            hint,
        },
        other => other,
    }
}

fn remembered(refusal: &Refusal, settings: &Settings, memory: &std::path::Path) -> Error {
    let profile = &settings.profile;
    let code = refusal
        .code
        .as_deref()
        .map_or_else(String::new, |c| format!(" {c}"));
    Error::Auth {
        message: format!(
            "not sending the partner secret of profile '{profile}': Finicity refused this same secret for partner {} on {} (HTTP {}{code}), and five failed attempts lock the partner",
            settings.partner_id,
            refusal.refused_at.format("%Y-%m-%d %H:%M UTC"),
            refusal.status,
        ),
        hint: Some(format!(
            "give the new partner secret with 'treasury login -p {profile}' (login also tries the same one again); the refusal is remembered in {}",
            memory.display()
        )),
    }
}
