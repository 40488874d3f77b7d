//! J.P. Morgan Account Balances as a provider: its limits, how a profile connects (client
//! secret, signed assertion or mutual TLS), its documented hosts and the hints for its codes.

use std::sync::Arc;

use reqwest::Url;

use super::{request_body, Client};
use crate::bank::provider::{BoxFuture, LoginKind, Options, Provider, Spec};
use crate::config::ProfileSpec;
use crate::config::{AuthMode, Environment, Profile};
use crate::credentials::Access;
use crate::error::Result;
use crate::http::{Http, RetryPolicy, TlsSettings};
use crate::model::{Account, Report};
use crate::oauth::{client_credentials, AccessToken};
use crate::query::{BalanceRequest, Limits};

/// What one request may ask for: every date mode, 31 days, 200 accounts, ids of 35 characters.
pub const LIMITS: Limits = Limits {
    provider: "jpmorgan",
    prior_day: true,
    ranges: true,
    max_range_days: 31,
    max_accounts: 200,
    max_id_len: 35,
    dates_hint: "",
};

pub static SPEC: Spec = Spec {
    profile: ProfileSpec {
        name: "jpmorgan",
        title: "J.P. Morgan Account Balances",
        profile_keys: &[
            "environment",
            "auth",
            "token_url",
            "client_id",
            "scope",
            "resource",
            "cert",
            "key",
            "ca_cert",
            "client_secret_command",
        ],
        environments: &[Environment::Prod, Environment::Uat],
        default_base_url: |env, auth| env.map(|env| documented_host(env, auth)),
        daily_reads: None,
        browser_login: false,
        public_client: false,
        client_id_key: None,
    },
    limits: LIMITS,
    login: LoginKind::ClientCredentials,
    none_found_code: Some("GCA-009"),
    live_balances: false,
    ending_warning: None,
    login_settings: Some(super::login::settings),
    secret_label: "client secret",
    login_examples: "  treasury login -p uat --environment uat --client-id ID --token-url https://id.example/oauth2/token
  printf '%s' \"$SECRET\" | treasury login -p uat --client-secret-stdin --store file --no-input
  treasury login -p prod --auth mtls --environment prod --cert client.crt --key client.key
",
    status_fields: None,
    logout: None,
    connect,
    plan,
};

fn connect(
    profile: &Profile,
    access: Access,
    retry: RetryPolicy,
    _: Options,
) -> Result<Arc<dyn Provider>> {
    // Mutual TLS presents the certificate on every request, even with a ready token.
    let client_cert = match (profile.auth, &profile.cert, &profile.key) {
        (AuthMode::Mtls, Some(cert), Some(key)) => {
            crate::secret::check_private(key, "private key")?;
            Some((cert.as_path(), key.as_path()))
        }
        _ => None,
    };
    let tls = TlsSettings::load(profile.ca_cert.as_deref(), client_cert)?;
    let http = Http::new(profile.timeout, retry, &tls)?
        .describing(|status, body| super::bank_error(status, body).to_string());
    let tokens = client_credentials(&http, profile, access)?;
    Ok(Arc::new(Client::new(
        http,
        &profile.base_url,
        tokens,
        &profile.name,
    )?))
}

fn plan(request: &BalanceRequest, _: Option<&Profile>) -> serde_json::Value {
    serde_json::to_value(request_body(request)).unwrap_or_default()
}

impl Provider for Client {
    fn verify(&self) -> BoxFuture<'_, Result<Option<AccessToken>>> {
        Box::pin(async move {
            // A ready token or mutual TLS has no token endpoint: an account listing proves it.
            match self.tokens.issue().await? {
                Some(token) => Ok(Some(token)),
                None => self.accounts().await.map(|_| None),
            }
        })
    }

    fn accounts(&self) -> BoxFuture<'_, Result<Vec<Account>>> {
        Box::pin(Client::accounts(self))
    }

    fn balances<'a>(&'a self, request: &'a BalanceRequest) -> BoxFuture<'a, Result<Report>> {
        Box::pin(Client::balances(self, request))
    }
}

/// The hosts the reference documents for each environment (mutual TLS has its own gateway).
pub fn documented_host(env: Environment, auth: AuthMode) -> Url {
    let url = match (env, auth) {
        (Environment::Prod, AuthMode::Mtls) => "https://apigateway.jpmorgan.com/accessapi",
        (Environment::Prod, _) => "https://openbanking.jpmorgan.com/accessapi",
        (Environment::Uat | Environment::Qa, AuthMode::Mtls) => {
            "https://apigatewayqaf.jpmorgan.com/accessapi"
        }
        // qa is Chase's: config refuses it for J.P. Morgan before any host is looked up.
        (Environment::Uat | Environment::Qa, _) => "https://openbankinguat.jpmorgan.com/accessapi",
    };
    Url::parse(url).expect("documented hosts are valid URLs")
}

/// The next step for a whole-request code of this API, where there is an obvious one.
pub fn code_hint(code: &str) -> Option<&'static str> {
    Some(match code {
        "GCA-022" => "the credentials are not entitled to any cash-reporting account: ask your J.P. Morgan implementation manager to set up access",
        "GCA-009" => "none of the requested accounts exist for these credentials: run 'treasury accounts' to see the ones that do",
        "GCA-023" => "the bank found the request malformed: run the same command with --dry-run to see the body",
        _ => return None,
    })
}
