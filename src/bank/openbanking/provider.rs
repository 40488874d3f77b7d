//! Open banking as a provider: current balances only, the accounts the consent covers, the
//! consent's access token for data and a client-credentials token for the consent itself.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::channel::{http_of, settings_of};
use super::client::{Channel, Client};
use super::{state, NAME, WARN_DAYS};
use crate::bank::provider::{BoxFuture, ConsentLogin, LoginKind, Options, Provider, Spec};
use crate::config::Profile;
use crate::config::ProfileSpec;
use crate::credentials::Access;
use crate::error::{Error, Result};
use crate::http::RetryPolicy;
use crate::model::{Account, Report};
use crate::oauth::refresh::LoginTokens;
use crate::oauth::{AccessToken, ReadyToken, TokenSource};
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
    profile: ProfileSpec {
        name: NAME,
        title: "Open-banking account information (UK Open Banking v3.1)",
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
        environments: &[],
        default_base_url: |_, _| None,
        daily_reads: Some(4),
        browser_login: true,
        public_client: false,
        client_id_key: None,
    },
    limits: LIMITS,
    none_found_code: None,
    live_balances: false,
    ending_warning: Some(ending_warning),
    // The consent is created, then authorized in the browser (docs/providers/open-banking.md).
    login: LoginKind::Consent(ConsentLogin {
        endpoints: super::login::endpoints,
        prepare: super::login::prepare,
    }),
    login_settings: None,
    secret_label: "client secret",
    login_examples: "",
    status_fields: Some(super::lifecycle::status_fields),
    logout: Some(super::lifecycle::logout),
    connect,
    plan,
};

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
