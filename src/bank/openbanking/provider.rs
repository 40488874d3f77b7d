//! Open banking as a provider: current balances only, the accounts the consent covers, the
//! consent's access token for data and a client-credentials token for the consent itself.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::client::{Channel, Client, Settings};
use super::consent::{ClientAuth, Consents};
use super::{state, CLIENT_SCOPE, NAME, WARN_DAYS};
use crate::bank::provider::{BoxFuture, ConsentLogin, LoginKind, Options, Provider, Spec};
use crate::config::{AuthMode, Profile};
use crate::credentials::Access;
use crate::error::{Error, Result};
use crate::http::{Http, RetryPolicy, TlsSettings};
use crate::model::{Account, Report};
use crate::oauth::refresh::LoginTokens;
use crate::oauth::{client_credentials, AccessToken, ReadyToken, TokenSource};
use crate::query::{BalanceRequest, Limits};

/// Current balances only; accounts are filtered from one listing, so no limit on them.
pub const LIMITS: Limits = Limits {
    provider: NAME,
    prior_day: false,
    ranges: false,
    max_range_days: 0,
    max_accounts: usize::MAX,
    max_id_len: 40,
    dates_hint: "open banking gives current balances only (each account as of its balance DateTime): drop --prior-day, --from, --to and --month",
};

pub static SPEC: Spec = Spec {
    name: NAME,
    title: "Open-banking account information (UK Open Banking v3.1)",
    limits: LIMITS,
    profile_keys: &[
        "auth",
        "token_url",
        "client_id",
        "scope",
        "cert",
        "key",
        "authorize_url",
        "financial_id",
        "redirect_uri",
        "consent_days",
        "issuer",
        "signing_kid",
    ],
    default_base_url: |_, _| None,
    none_found_code: None,
    live_balances: false,
    daily_reads: Some(4),
    ending_warning: Some(ending_warning),
    environments: &[],
    // The consent is created, then authorized in the browser (docs/providers/open-banking.md).
    login: LoginKind::Consent(ConsentLogin {
        endpoints: super::login::endpoints,
        prepare: super::login::prepare,
    }),
    connect,
    plan,
};

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

fn settings_of(profile: &Profile) -> Settings {
    Settings {
        base_url: profile.base_url.clone(),
        financial_id: profile.settings.get("financial_id").cloned(),
        profile: profile.name.clone(),
    }
}

/// The data calls need the access token of an authorised consent: `TREASURY_ACCESS_TOKEN`, or
/// the one the stored refresh token of `treasury login` renews.
fn connect(
    profile: &Profile,
    access: Access,
    retry: RetryPolicy,
    options: Options,
) -> Result<Arc<dyn Provider>> {
    let http = http_of(profile, retry)?;
    let tokens: Arc<dyn TokenSource> = match access {
        Access::Token(token) => Arc::new(ReadyToken(Some(token))),
        Access::Login { store, .. } => {
            let login = super::login::endpoints(profile)?;
            Arc::new(LoginTokens::stored(
                http.clone(),
                login,
                &profile.name,
                store,
            ))
        }
        _ => {
            return Err(Error::auth(
                format!(
                    "profile '{}' has no access token of an authorised consent",
                    profile.name
                ),
                super::errors::renew_hint(&profile.name),
            ))
        }
    };
    let channel = Channel::new(http, settings_of(profile), tokens)?;
    Ok(Arc::new(Client::new(channel).with_budget(options.budget)))
}

/// The one-line warning every command gives when the recorded consent of `profile` ends
/// within `WARN_DAYS` (or has ended); none otherwise.
pub fn ending_warning(profile: &str, now: DateTime<Utc>) -> Option<String> {
    let consent = state::load(profile).ok()??;
    if !consent.ends_within(now, WARN_DAYS) {
        return None;
    }
    let when = consent
        .expires_at
        .map(|at| at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default();
    let left = consent.days_left(now).unwrap_or(0);
    let ends = match left < 0 || consent.expires_at.is_some_and(|at| at <= now) {
        true => format!("ended {when}"),
        false => format!("ends {when} ({left} days left)"),
    };
    Some(format!(
        "the consent {} of profile '{profile}' {ends}: run 'treasury login -p {profile}' to renew the consent",
        consent.consent_id
    ))
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

/// A dry run prints the listing and the balances call the request becomes.
fn plan(request: &BalanceRequest, _profile: Option<&Profile>) -> serde_json::Value {
    let accounts: Vec<String> = request.accounts.iter().map(ToString::to_string).collect();
    serde_json::json!({
        "method": "GET",
        "path": "/accounts, then /balances (or /accounts/{AccountId}/balances)",
        "accounts": accounts,
    })
}

impl Provider for Client {
    /// The first page of accounts: the consent's token has no endpoint of its own to show.
    fn verify(&self) -> BoxFuture<'_, Result<Option<AccessToken>>> {
        Box::pin(async move { Client::verify(self).await.map(|()| None) })
    }

    fn accounts(&self) -> BoxFuture<'_, Result<Vec<Account>>> {
        Box::pin(Client::accounts(self))
    }

    fn balances<'a>(&'a self, request: &'a BalanceRequest) -> BoxFuture<'a, Result<Report>> {
        Box::pin(Client::balances(self, &request.accounts))
    }
}
