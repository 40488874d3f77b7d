//! The provider interface: what a bank's API can serve (as data, for `query`), how a profile of
//! it connects, and the calls every command makes. Each provider is a folder beside this file
//! with one `SPEC`, listed once in `PROVIDERS`.
//!
//! A trait object rather than an enum: the provider is picked at run time from the profile's
//! `provider =`, and a new provider must be one folder plus one registry line. An enum would need
//! a variant and an arm in every method, in this file, for each provider. The calls are few and
//! each is a network round trip, so the boxed future costs nothing that shows.

use std::fmt::Debug;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use reqwest::Url;

use crate::config::{Profile, ProfileFile, ProfileSpec, ProfileUpdate};
use crate::credentials::Access;
use crate::error::Result;
use crate::http::RetryPolicy;
use crate::model::{Account, Report};
use crate::oauth::AccessToken;
use crate::query::{BalanceRequest, Limits};

/// A future a provider returns; boxed so the trait can be used as `dyn Provider`.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A connected provider: credentials in hand, ready for requests.
pub trait Provider: Send + Sync + Debug {
    /// Proves the credentials work with one request; returns the token where there is one.
    fn verify(&self) -> BoxFuture<'_, Result<Option<AccessToken>>>;
    /// Every account the credentials see, in the bank's order.
    fn accounts(&self) -> BoxFuture<'_, Result<Vec<Account>>>;
    /// One planned request: rows and per-account errors, in the bank's order.
    fn balances<'a>(&'a self, request: &'a BalanceRequest) -> BoxFuture<'a, Result<Report>>;
}

/// Settings a provider may need beyond the profile's common ones.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Ask for live balances where the provider has a separate (billed) endpoint for them.
    pub live: bool,
    /// The profile's read budget, counted in the history store (`bank::budget`).
    pub budget: Option<Arc<crate::history::Budget>>,
    /// `treasury login` is verifying credentials the person gives now (Finicity then tries
    /// partner credentials it refused before again).
    pub login: bool,
}

/// How a provider's profile logs in.
#[derive(Debug, Clone, Copy)]
pub enum LoginKind {
    /// OAuth client credentials (or a key, or mutual TLS): the secret is stored.
    ClientCredentials,
    /// OAuth authorization code in the account holder's browser: the refresh token is stored.
    /// The function gives the profile's authorize and token URLs, client id and redirect URI.
    Browser(fn(&Profile) -> Result<crate::oauth::authcode::BrowserLogin>),
    /// The same browser login, for a consent the bank creates first: the refresh token is
    /// stored, and whatever the consent leaves to keep.
    Consent(ConsentLogin),
}

#[cfg(test)]
impl LoginKind {
    /// Whether the account holder logs in through a browser (a refresh token is stored). The
    /// code asks `ProfileSpec::browser_login`, the one truth config and credentials can see;
    /// the registry's tests check each provider's flag against its `login` with this.
    pub fn is_browser(self) -> bool {
        matches!(self, LoginKind::Browser(_) | LoginKind::Consent(_))
    }
}

/// Asks the person at the terminal for a setting: `(label, the flag that gives it)`.
pub type Ask<'a> = &'a dyn Fn(&str, &str) -> Result<String>;

/// How `treasury login` gathers a client-credentials profile's settings: from what the flags
/// gave (the shared flags, and the provider's own keys by name), what the profile already
/// holds, and questions on the terminal for what is missing and needed.
pub type LoginSettings = fn(ProfileUpdate, &ProfileFile, Ask<'_>) -> Result<ProfileUpdate>;

/// A browser login that authorizes a consent created just before it.
#[derive(Debug, Clone, Copy)]
pub struct ConsentLogin {
    /// The authorize and token URLs, client id, redirect URI and client authentication.
    pub endpoints: fn(&Profile) -> Result<crate::oauth::authcode::BrowserLogin>,
    /// Creates the consent and gives the authorization URL for it, built from the attempt's
    /// state and PKCE. Nothing is stored by it.
    pub prepare: for<'a> fn(
        &'a Profile,
        RetryPolicy,
        &'a crate::oauth::authcode::BrowserLogin,
        &'a crate::oauth::authcode::Attempt,
    ) -> BoxFuture<'a, Result<Consented>>,
}

/// A consent the bank created, waiting for the account holder's authorization.
pub struct Consented {
    /// The address the browser opens.
    pub url: Url,
    /// Run once the login is stored: keeps the consent's record (ending at the bank the
    /// consent it replaces), and says what it did.
    pub keep: Box<dyn FnOnce() -> BoxFuture<'static, Result<String>> + Send>,
    /// Run when the login fails after the consent was created: deletes it at the bank or, when
    /// that fails, records it for `logout`; says which. No consent is left unknown.
    pub discard: Box<dyn FnOnce() -> BoxFuture<'static, String> + Send>,
    /// The `nonce` the authorization request carried: an ID token that comes back must carry it.
    pub nonce: Option<crate::secret::Secret>,
}

/// One field `status` shows: its name and value (none: shown empty, `null` in JSON).
pub type StatusField = (&'static str, Option<String>);

/// The fields `status` adds for a profile of the provider beyond the shared ones (open
/// banking: its consent, as the bank has it). May make one request.
pub type StatusFields =
    for<'a> fn(&'a Profile, RetryPolicy) -> BoxFuture<'a, Result<Vec<StatusField>>>;

/// What a hook tells the person, in order: a note, or a warning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Said {
    Note(String),
    Warn(String),
}

/// What `logout` does at the bank for a profile of the provider before its secrets are
/// forgotten (open banking: deletes the consent), given the profile's name and the profile
/// as resolved; says what it did, nothing when there was nothing to end.
pub type LogoutStep =
    for<'a> fn(&'a str, Result<Profile>, RetryPolicy) -> BoxFuture<'a, Result<Vec<Said>>>;

/// How a provider's client is built from a resolved profile and its credentials.
pub type Connect = fn(&Profile, Access, RetryPolicy, Options) -> Result<Arc<dyn Provider>>;

/// The warning a provider gives when a profile's consent ends soon (profile name, now).
pub type EndingWarning = fn(&str, chrono::DateTime<chrono::Utc>) -> Option<String>;

/// One provider, as data: its profiles (what config checks), what it can serve, and how to
/// connect to it. Its `ProfileSpec` fields (name, keys, environments...) read through `Deref`.
pub struct Spec {
    /// What config knows of it: name, title, profile keys, environments, default host.
    pub profile: ProfileSpec,
    /// Date modes, limits and id rules, checked locally before anything is sent.
    pub limits: Limits,
    /// How `treasury login` gets the credentials: a client secret, or a person in a browser.
    pub login: LoginKind,
    /// How `treasury login` gathers the settings of a client-credentials profile; none: the
    /// profile's settings come from the config file alone.
    pub login_settings: Option<LoginSettings>,
    /// What the provider calls the secret the secret chain holds ("client secret").
    pub secret_label: &'static str,
    /// Example lines of `treasury login --help` for its profiles, each ending in a newline.
    pub login_examples: &'static str,
    /// The whole-request code meaning "none of the named accounts exist", if the API has one:
    /// with `--split` it is that batch's accounts that are unknown, not the whole run.
    pub none_found_code: Option<&'static str>,
    /// Whether `balances --live` means something: a separate (billed) live-balance endpoint.
    pub live_balances: bool,
    /// The one-line warning every command gives when the profile's consent ends soon, if the
    /// provider has consents (open banking); given the profile name and the time now.
    pub ending_warning: Option<EndingWarning>,
    /// The fields `status` adds for a profile of this provider, if any.
    pub status_fields: Option<StatusFields>,
    /// What `logout` ends at the bank before forgetting the secrets, if anything.
    pub logout: Option<LogoutStep>,
    /// Connects a resolved profile with its credentials.
    pub connect: Connect,
    /// The request `--dry-run` prints for one planned request, as one JSON value.
    /// (The profile is there when one is configured: a dry run needs none.)
    pub plan: fn(&BalanceRequest, Option<&Profile>) -> serde_json::Value,
}

impl std::ops::Deref for Spec {
    type Target = ProfileSpec;

    fn deref(&self) -> &ProfileSpec {
        &self.profile
    }
}

impl Debug for Spec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}
