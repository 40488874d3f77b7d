//! The access tokens of a browser login: the cached one while it lasts, else one bought with
//! the refresh token under the login lock, the rotated refresh token saved before anything
//! else happens. Two runs at once share one renewal: the second finds the first's token.

use chrono::Utc;
use tokio::sync::Mutex;

use super::authcode::{self, BrowserLogin, Refusal};
use super::source::{TokenFuture, TokenSource};
use crate::credentials::lock;
use crate::credentials::login::{Renewal, StoredLogin};
use crate::credentials::Store;
use crate::error::{Error, Result};
use crate::http::Http;
use crate::secret::Secret;

/// The bearer tokens of one run from a stored browser login. (A ready token in its place is a
/// `ReadyToken`.)
#[derive(Debug)]
pub struct LoginTokens {
    http: Http,
    login: Box<BrowserLogin>,
    profile: String,
    store: Store,
    current: Mutex<Option<Secret>>,
}

impl LoginTokens {
    pub fn stored(http: Http, login: BrowserLogin, profile: &str, store: Store) -> LoginTokens {
        LoginTokens {
            http,
            login: Box::new(login),
            profile: profile.to_string(),
            store,
            current: Mutex::new(None),
        }
    }
}

impl TokenSource for LoginTokens {
    /// The token in use, the cached one while it lasts, or a renewed one.
    fn token(&self) -> TokenFuture<'_, Option<Secret>> {
        Box::pin(async move {
            let mut current = self.current.lock().await;
            if let Some(token) = current.as_ref() {
                return Ok(Some(token.clone()));
            }
            let cached = load(&self.store, &self.profile)?
                .access
                .filter(|t| t.is_usable(Utc::now()));
            let token = match cached {
                Some(cached) => {
                    tracing::info!(
                        "using the cached access token (expires {})",
                        cached.expires_at
                    );
                    cached.token
                }
                None => self.renew_stored(None).await?,
            };
            *current = Some(token.clone());
            Ok(Some(token))
        })
    }

    /// After a 401 to `rejected`: the token another request renewed meanwhile, else a renewed one.
    fn renew<'a>(&'a self, rejected: &'a Secret) -> TokenFuture<'a, Option<Secret>> {
        Box::pin(async move {
            let mut current = self.current.lock().await;
            if let Some(token) = current.as_ref().filter(|t| *t != rejected) {
                return Ok(Some(token.clone()));
            }
            let token = self.renew_stored(Some(rejected)).await?;
            *current = Some(token.clone());
            Ok(Some(token))
        })
    }
}

impl LoginTokens {
    /// Under the login lock: the token another run saved meanwhile, else a refresh grant whose
    /// answer is saved before the lock is let go.
    async fn renew_stored(&self, rejected: Option<&Secret>) -> Result<Secret> {
        let (http, login, profile, store) = (&self.http, &self.login, &self.profile, &self.store);
        let held = lock::lock()?;
        let stored = load(store, profile)?;
        let fresh = stored
            .access
            .as_ref()
            .filter(|t| t.is_usable(Utc::now()) && Some(&t.token) != rejected);
        if let Some(fresh) = fresh {
            tracing::info!("another run renewed the access token; using it");
            return Ok(fresh.token.clone());
        }
        tracing::info!("renewing the access token with the refresh token");
        // From the grant sent until its rotated token is stored, SIGINT/SIGTERM wait.
        let deferred = crate::atomic::defer_signals().await;
        let answer = authcode::refresh(http, login, &stored.refresh_token)
            .await
            .map_err(|e| answer_lost(e, profile))?;
        let tokens = match answer {
            Ok(tokens) => tokens,
            Err(refusal) => {
                if refusal.error.as_deref() == Some("invalid_grant") {
                    store.forget_refused_login(&held, profile, &stored.refresh_token);
                }
                return Err(refresh_refused(&refusal, profile));
            }
        };
        let renewal = Renewal {
            // A server that does not rotate keeps the refresh token it had.
            refresh_token: tokens.refresh_token.unwrap_or(stored.refresh_token),
            refresh_expires_at: tokens.refresh_expires_at.or(stored.refresh_expires_at),
            access_token: tokens.access_token.clone(),
            access_expires_at: tokens.expires_at,
        };
        store
            .save_login(&held, profile, &renewal, None)
            .map_err(|e| not_stored(&e, profile))?;
        drop(deferred);
        drop(held);
        Ok(tokens.access_token)
    }
}

fn load(store: &Store, profile: &str) -> Result<StoredLogin> {
    store.load_login(profile)?.ok_or_else(|| {
        Error::auth(
            format!("profile '{profile}' is not logged in (its refresh token is gone)"),
            format!("run 'treasury login -p {profile}'"),
        )
    })
}

/// The refresh grant went out but no usable answer came back: the bank may have rotated the
/// refresh token already, and then the stored one is spent.
fn answer_lost(err: Error, profile: &str) -> Error {
    let hint = format!(
        "run the command again; if the bank then refuses the refresh token (invalid_grant), run 'treasury login -p {profile}'"
    );
    let message = format!(
        "the answer to renewing the login of profile '{profile}' was lost ({err}): the bank may have rotated the refresh token, so the login may be spent"
    );
    match err {
        Error::Unavailable { .. } => Error::Unavailable {
            message,
            hint: Some(hint),
        },
        // Refused before it was sent (a key that cannot sign, say): nothing was spent.
        other => other,
    }
}

/// The bank rotated the refresh token, and the new one could not be stored (a full disk, a
/// keyring that went away): the stored one is spent.
fn not_stored(err: &Error, profile: &str) -> Error {
    Error::auth(
        format!(
            "the bank renewed the login of profile '{profile}' but its new refresh token could not be stored ({err}): the login may be spent"
        ),
        format!("fix what kept it from being stored, then run 'treasury login -p {profile}'"),
    )
}

/// `invalid_grant`: the refresh token was revoked, expired or spent elsewhere; the login is over.
fn refresh_refused(refusal: &Refusal, profile: &str) -> Error {
    if let Some(err) = refusal.client_refused(profile) {
        return err;
    }
    let hint = format!("run 'treasury login -p {profile}'");
    match (refusal.status, refusal.error.as_deref()) {
        (_, Some("invalid_grant")) => Error::auth(
            format!(
                "the login of profile '{profile}' has ended: the bank refused its refresh token (invalid_grant: {})",
                refusal.description
            ),
            hint,
        ),
        (429 | 500..=599, _) => Error::unavailable(format!(
            "the token endpoint is failing ({}): the access token could not be renewed",
            refusal.description
        )),
        (status, error) => Error::auth(
            format!(
                "the token endpoint refused to renew the access token ({}: {}, HTTP {status})",
                error.unwrap_or("no error code"),
                refusal.description
            ),
            hint,
        ),
    }
}
