//! Finicity as a provider: current balances only, one customer's accounts, partner
//! authentication with the secret from the same chain as a client secret.

use std::sync::Arc;

use reqwest::Url;

use super::{Client, Settings, DEFAULT_BASE_URL, NAME};
use crate::bank::provider::{BoxFuture, LoginKind, Options, Provider, Spec};
use crate::config::Profile;
use crate::config::ProfileSpec;
use crate::credentials::Access;
use crate::error::{Error, Result};
use crate::http::{Http, RetryPolicy, TlsSettings};
use crate::model::{Account, Report};
use crate::oauth::AccessToken;
use crate::query::{BalanceRequest, Limits};
use crate::secret::Secret;

/// Current balances only; no limit on accounts (they are filtered from one listing).
pub const LIMITS: Limits = Limits {
    provider: NAME,
    prior_day: false,
    ranges: false,
    max_range_days: 0,
    max_accounts: usize::MAX,
    max_id_len: 35,
    dates_hint: "Finicity gives current balances only (each account as of its balanceDate): drop --prior-day, --from, --to and --month",
};

pub static SPEC: Spec = Spec {
    profile: ProfileSpec {
        name: NAME,
        title: "Finicity (Mastercard Open Banking US)",
        profile_keys: &["app_key", "partner_id", "customer_id"],
        environments: &[],
        default_base_url: |_, _| Url::parse(DEFAULT_BASE_URL).ok(),
        daily_reads: None,
        browser_login: false,
        public_client: false,
        client_id_key: Some("partner_id"),
    },
    limits: LIMITS,
    login: LoginKind::ClientCredentials,
    none_found_code: None,
    live_balances: true,
    ending_warning: None,
    login_settings: Some(super::login::settings),
    secret_label: "partner secret",
    login_examples: "  printf '%s' \"$PARTNER_SECRET\" | treasury login -p fin --provider finicity --app-key KEY \\
      --partner-id ID --customer-id 41442 --client-secret-stdin --store file
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
    options: Options,
) -> Result<Arc<dyn Provider>> {
    let Access::ClientSecret { secret, .. } = access else {
        return Err(Error::auth(
            format!(
                "profile '{}': Finicity needs the partner secret, not a token or key",
                profile.name
            ),
            "unset TREASURY_ACCESS_TOKEN and give the partner secret as the client secret",
        ));
    };
    let setting = |key: &str| -> Result<String> {
        profile.settings.get(key).cloned().ok_or_else(|| {
            Error::usage_hint(
                format!("profile '{}' has no {key}", profile.name),
                format!(
                    "add {key} = \"...\" under [profiles.{}] (docs/providers/finicity.md)",
                    profile.name
                ),
            )
        })
    };
    let settings = Settings {
        base_url: profile.base_url.clone(),
        app_key: Secret::new(setting("app_key")?),
        partner_id: setting("partner_id")?,
        partner_secret: secret,
        customer_id: setting("customer_id")?,
        profile: profile.name.clone(),
        login: options.login,
        refusals: Some(super::refusals::path()?),
    };
    let tls = TlsSettings::load(profile.ca_cert.as_deref(), None)?;
    let http = Http::new(profile.timeout, retry, &tls)?
        .describing(|status, body| super::errors::bank_error(status, body).to_string());
    Ok(Arc::new(
        Client::new(http, settings)?.reading_live(options.live, options.budget),
    ))
}

/// A dry run prints the one listing the request becomes, and the accounts kept from it.
fn plan(request: &BalanceRequest, profile: Option<&Profile>) -> serde_json::Value {
    let customer = profile
        .and_then(|p| p.settings.get("customer_id"))
        .map_or("{customer_id}", String::as_str);
    let accounts: Vec<String> = request.accounts.iter().map(ToString::to_string).collect();
    serde_json::json!({
        "method": "GET",
        "path": format!("/aggregation/v1/customers/{customer}/accounts"),
        "accounts": accounts,
    })
}

impl Provider for Client {
    /// One partner authentication: its token is not one to store.
    fn verify(&self) -> BoxFuture<'_, Result<Option<AccessToken>>> {
        Box::pin(async move { Client::verify(self).await.map(|()| None) })
    }

    fn accounts(&self) -> BoxFuture<'_, Result<Vec<Account>>> {
        Box::pin(Client::accounts(self))
    }

    fn balances<'a>(&'a self, request: &'a BalanceRequest) -> BoxFuture<'a, Result<Report>> {
        Box::pin(Client::balances(self, &request.accounts, self.live()))
    }
}
