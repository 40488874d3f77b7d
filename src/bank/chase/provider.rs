//! Chase as a provider: current balances only, a login through the account holder's browser,
//! the profile keys and documented hosts, and how a profile connects with its stored login.

use std::sync::Arc;

use reqwest::Url;

use super::{oauth_host, Client, AUTHORIZE_PATH, NAME, TOKEN_PATH};
use crate::bank::provider::{BoxFuture, LoginKind, Options, Provider, Spec};
use crate::config::ProfileSpec;
use crate::config::{checked_url, AuthMode, Environment, Profile};
use crate::credentials::{self, Access};
use crate::error::{Error, Result};
use crate::http::{Http, RetryPolicy, TlsSettings};
use crate::model::{Account, Report};
use crate::oauth::authcode::{BrowserLogin, ClientAuth};
use crate::oauth::refresh::LoginTokens;
use crate::oauth::{AccessToken, ReadyToken, TokenSource};
use crate::query::{BalanceRequest, Limits};

/// Current balances only; accounts are filtered from the one (paged) listing.
pub const LIMITS: Limits = Limits {
    provider: NAME,
    prior_day: false,
    ranges: false,
    max_range_days: 0,
    max_accounts: usize::MAX,
    max_id_len: 256,
    dates_hint: "Chase gives current balances only (each account as of its balanceAsOf): drop --prior-day, --from, --to and --month",
};

pub static SPEC: Spec = Spec {
    profile: ProfileSpec {
        name: NAME,
        title: "Chase aggregator (FDX)",
        profile_keys: &[
            "environment",
            "client_id",
            "redirect_uri",
            "authorize_url",
            "token_url",
            "auth",
            "cert",
            "key",
            "revoke_url",
        ],
        environments: &[Environment::Prod, Environment::Qa],
        default_base_url: |env, _| env.and_then(super::data_host),
        daily_reads: None,
        browser_login: true,
        public_client: true,
        client_id_key: None,
    },
    limits: LIMITS,
    login: LoginKind::Browser(browser_login),
    none_found_code: None,
    live_balances: false,
    ending_warning: None,
    login_settings: None,
    secret_label: "client secret",
    login_examples: "",
    status_fields: None,
    logout: Some(super::logout::logout),
    connect,
    plan,
};

/// The authorization-code login of a profile: its URLs (documented or overridden), client id
/// and redirect URI, each checked.
pub fn browser_login(profile: &Profile) -> Result<BrowserLogin> {
    let name = &profile.name;
    let setting = |key: &str| profile.settings.get(key).map(String::as_str);
    let documented = |path: &str| {
        profile
            .environment
            .map(|env| format!("{}{path}", oauth_host(env)))
    };
    let url = |key: &str, documented: Option<String>| -> Result<Url> {
        match setting(key).map(str::to_string).or(documented) {
            Some(text) => checked_url(name, key, &text),
            None => Err(missing(name, key, "or environment = \"prod\" | \"qa\"")),
        }
    };
    let token_url = match &profile.token_url {
        Some(url) => url.clone(),
        None => url("token_url", documented(TOKEN_PATH))?,
    };
    let client_id = profile
        .client_id
        .clone()
        .ok_or_else(|| missing(name, "client_id", "(the id Chase gave the app)"))?;
    let redirect = setting("redirect_uri")
        .ok_or_else(|| missing(name, "redirect_uri", "(the one registered with Chase)"))?;
    Ok(BrowserLogin {
        authorize_url: url("authorize_url", documented(AUTHORIZE_PATH))?,
        token_url,
        client_id,
        redirect_uri: checked_url(name, "redirect_uri", redirect)?,
        scope: None,
        client: client_auth(profile)?,
    })
}

/// How the app authenticates at Chase's token endpoint (code exchange and every refresh): an
/// aggregator is a confidential client (RFC 6749 2.3), by HTTP Basic with the secret from the
/// secret chain (the default) or a client assertion; `auth = "none"` is PKCE alone.
fn client_auth(profile: &Profile) -> Result<Option<ClientAuth>> {
    match profile.auth {
        AuthMode::None => Ok(None),
        AuthMode::ClientSecret | AuthMode::PrivateKeyJwt => Ok(ClientAuth::from_access(
            &credentials::own_credentials(profile)?,
        )),
        AuthMode::Mtls => Err(Error::usage_hint(
            format!("profile '{}' sets auth = \"mtls\", which Chase does not take", profile.name),
            "use auth = \"client-secret\" (the default), \"private-key-jwt\" or \"none\" (docs/providers/chase.md)",
        )),
    }
}

fn missing(profile: &str, key: &str, what: &str) -> Error {
    Error::usage_hint(
        format!("profile '{profile}' has no {key}"),
        format!("add {key} = \"...\" {what} under [profiles.{profile}] (docs/providers/chase.md)"),
    )
}

/// The client of a Chase profile: a ready token, or the stored login renewed as it expires.
fn connect(
    profile: &Profile,
    access: Access,
    retry: RetryPolicy,
    _: Options,
) -> Result<Arc<dyn Provider>> {
    let tls = TlsSettings::load(profile.ca_cert.as_deref(), None)?;
    let http = Http::new(profile.timeout, retry, &tls)?
        .describing(|status, body| super::errors::bank_error(status, body).to_string());
    let tokens: Arc<dyn TokenSource> = match access {
        Access::Token(token) => Arc::new(ReadyToken(Some(token))),
        Access::Login { store, .. } => Arc::new(LoginTokens::stored(
            http.clone(),
            browser_login(profile)?,
            &profile.name,
            store,
        )),
        _ => {
            return Err(Error::auth(
                format!(
                "profile '{}': Chase logs in through the browser, not with a client secret or key",
                profile.name
            ),
                format!("run 'treasury login -p {}'", profile.name),
            ))
        }
    };
    Ok(Arc::new(Client::new(
        http,
        profile.base_url.clone(),
        tokens,
        &profile.name,
    )))
}

/// A dry run prints the listing the request becomes, and the accounts kept from it.
fn plan(request: &BalanceRequest, _: Option<&Profile>) -> serde_json::Value {
    let accounts: Vec<String> = request.accounts.iter().map(ToString::to_string).collect();
    serde_json::json!({
        "method": "GET",
        "path": "/accounts",
        "accounts": accounts,
    })
}

impl Provider for Client {
    /// One page of the accounts list: there is no token of its own to show.
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
