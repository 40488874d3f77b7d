//! The Finicity client: partner authentication with one cached token, the accounts list, and
//! the billable live balance only when asked for.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::{Method, Url};
use tokio::sync::Mutex;

use super::errors::{authentication_error, bank_error, data_error, unreadable};
use super::mapping::{self, LIVE_TYPES};
use super::wire::{AccessToken, AvailableBalance, CustomerAccounts, PartnerCredentials};
use crate::bank::budget;
use crate::credentials::Secret;
use crate::error::{Error, Result};
use crate::history::Budget;
use crate::http::{Answer, HeaderText, Http};
use crate::model::{Account, AccountError, Report};
use crate::query::AccountRef;

/// The spec: a token lasts two hours; take a new one once it is older than 90 minutes.
pub const TOKEN_MAX_AGE: Duration = Duration::from_secs(90 * 60);

/// `balance_cache_interval` sent with every live call: 0 reads from the institution itself.
/// Always sent, since its default changed (0 before 30 June 2026, 30 minutes after).
pub const LIVE_CACHE_MINUTES: u32 = 0;

const APP_KEY: &str = "Finicity-App-Key";
const APP_TOKEN: &str = "Finicity-App-Token";

/// What a Finicity profile gives the client.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The API root, `https://api.finicity.com` by default (`DEFAULT_BASE_URL`).
    pub base_url: Url,
    pub app_key: Secret,
    pub partner_id: String,
    pub partner_secret: Secret,
    /// Whose accounts are reported.
    pub customer_id: String,
    /// The profile's name, for hints.
    pub profile: String,
}

/// A client of one Finicity customer. Clones share the token.
#[derive(Debug, Clone)]
pub struct Client {
    http: Http,
    settings: Arc<Settings>,
    token: Arc<Mutex<Option<(Secret, Instant)>>>,
    /// How old a token may get before a new one is fetched: `TOKEN_MAX_AGE`.
    pub token_max_age: Duration,
    /// Counts each billed live read (and refuses those over `daily_reads`, when set).
    pub budget: Option<Arc<Budget>>,
}

impl Client {
    pub fn new(http: Http, settings: Settings) -> Result<Client> {
        if settings.base_url.cannot_be_a_base() {
            return Err(Error::usage(format!(
                "base_url {} of profile '{}' is not an http(s) address",
                settings.base_url, settings.profile
            )));
        }
        if settings.customer_id.trim().is_empty() {
            return Err(Error::usage_hint(
                format!("profile '{}' names no customer_id", settings.profile),
                "set customer_id to the Finicity customer whose accounts are reported",
            ));
        }
        Ok(Client {
            http,
            settings: Arc::new(settings),
            token: Arc::new(Mutex::new(None)),
            token_max_age: TOKEN_MAX_AGE,
            budget: None,
        })
    }

    pub fn customer_id(&self) -> &str {
        &self.settings.customer_id
    }

    /// Proves the credentials work: one partner authentication (the token is kept).
    pub async fn verify(&self) -> Result<()> {
        self.token().await.map(|_| ())
    }

    /// Counts each live read against `budget`.
    pub fn with_budget(self, budget: Option<Arc<Budget>>) -> Client {
        Client { budget, ..self }
    }

    /// Every account of the customer, pending ones marked, in Finicity's order.
    pub async fn accounts(&self) -> Result<Vec<Account>> {
        Ok(mapping::into_accounts(&self.records().await?))
    }

    /// The requested accounts (all when none are) as the customer accounts list has them, or
    /// with `live` read from the institution (billed per call: only deposit accounts, which the
    /// live endpoint supports, are asked).
    pub async fn balances(&self, selection: &[AccountRef], live: bool) -> Result<Report> {
        let records = self.records().await?;
        let mut report = mapping::select(
            mapping::into_report(&records),
            selection,
            self.customer_id(),
        );
        if live {
            self.read_live(&records, &mut report).await?;
        }
        Ok(report)
    }

    /// `GET /aggregation/v1/customers/{customerId}/accounts`.
    pub async fn records(&self) -> Result<CustomerAccounts> {
        let url = self.url(&[
            "aggregation",
            "v1",
            "customers",
            self.customer_id(),
            "accounts",
        ]);
        let answer = self.get(&url).await?;
        if !answer.is_success() {
            return Err(self.data_error(&answer));
        }
        serde_json::from_slice(&answer.body)
            .map_err(|e| unreadable("a customer accounts list", &answer.body, &e))
    }

    async fn read_live(&self, records: &CustomerAccounts, report: &mut Report) -> Result<()> {
        let types: HashMap<&str, &str> = records
            .accounts
            .iter()
            .filter_map(|r| Some((r.id.as_str(), r.account_type.as_deref()?)))
            .collect();
        for row in &mut report.rows {
            let id = row.account.account_id.clone();
            if !types
                .get(id.as_str())
                .is_some_and(|t| LIVE_TYPES.contains(t))
            {
                continue;
            }
            if let Some(budget) = &self.budget {
                let key = (row.account.bank_id.clone(), id.clone());
                if let Some(refused) = budget::reserve(budget, &[key]).pop() {
                    report.errors.push(refused);
                    continue;
                }
            }
            match self.live_balance(&id).await? {
                Ok(live) => mapping::apply_live(row, &live),
                Err(refused) => report.errors.push(AccountError {
                    bank_id: row.account.bank_id.clone(),
                    ..refused
                }),
            }
        }
        Ok(())
    }

    /// One billable live read; a refusal for this account alone (400, 404) is a per-account
    /// error and the listed balance stays.
    async fn live_balance(
        &self,
        account_id: &str,
    ) -> Result<Result<AvailableBalance, AccountError>> {
        let mut url = self.url(&[
            "aggregation",
            "v1",
            "customers",
            self.customer_id(),
            "accounts",
            account_id,
            "availableBalance",
            "live",
        ]);
        url.query_pairs_mut()
            .append_pair("balance_cache_interval", &LIVE_CACHE_MINUTES.to_string());
        let answer = self.get(&url).await?;
        if matches!(answer.status, 400 | 404) {
            let bank = bank_error(answer.status, &answer.body);
            return Ok(Err(AccountError {
                account_id: account_id.to_string(),
                bank_id: String::new(),
                code: format!("LIVE-{}", bank.code.as_deref().unwrap_or("REFUSED")),
                message: format!(
                    "Finicity refused the live balance ({bank}): the listed balance is shown"
                ),
            }));
        }
        if !answer.is_success() {
            return Err(self.data_error(&answer));
        }
        serde_json::from_slice(&answer.body)
            .map(Ok)
            .map_err(|e| unreadable("an available balance", &answer.body, &e))
    }

    /// A data call with the cached token; a 401 gets one new token and one more try.
    async fn get(&self, url: &Url) -> Result<Answer> {
        let token = self.token().await?;
        let answer = self.send_get(url, &token).await?;
        if answer.status != 401 {
            return Ok(answer);
        }
        tracing::info!(target: "treasury::http", "Finicity refused the token; renewing it once");
        let renewed = self.renew(&token).await?;
        self.send_get(url, &renewed).await
    }

    async fn send_get(&self, url: &Url, token: &Secret) -> Result<Answer> {
        let headers = [
            (APP_KEY, HeaderText::Secret(&self.settings.app_key)),
            (APP_TOKEN, HeaderText::Secret(token)),
        ];
        self.http.send(Method::GET, url, &headers, None, true).await
    }

    /// The cached token while it is young enough, else a new one. The lock is held across the
    /// authentication so that concurrent callers share one.
    async fn token(&self) -> Result<Secret> {
        let mut cached = self.token.lock().await;
        if let Some((token, at)) = cached.as_ref() {
            if at.elapsed() < self.token_max_age {
                return Ok(token.clone());
            }
        }
        let token = self.authenticate().await?;
        *cached = Some((token.clone(), Instant::now()));
        Ok(token)
    }

    /// A new token in place of `rejected`, unless another caller already replaced it.
    async fn renew(&self, rejected: &Secret) -> Result<Secret> {
        let mut cached = self.token.lock().await;
        if let Some((token, _)) = cached.as_ref().filter(|(t, _)| t != rejected) {
            return Ok(token.clone());
        }
        *cached = None;
        let token = self.authenticate().await?;
        *cached = Some((token.clone(), Instant::now()));
        Ok(token)
    }

    /// `POST /aggregation/v2/partners/authentication`, exactly once: an HTTP answer is never
    /// retried, whatever its status (five failures lock the partner).
    async fn authenticate(&self) -> Result<Secret> {
        let url = self.url(&["aggregation", "v2", "partners", "authentication"]);
        let credentials = PartnerCredentials {
            partner_id: self.settings.partner_id.clone(),
            partner_secret: self.settings.partner_secret.expose().to_string(),
        };
        let body = serde_json::to_vec(&credentials).map_err(|e| Error::Internal(e.into()))?;
        let headers = [(APP_KEY, HeaderText::Secret(&self.settings.app_key))];
        let answer = self
            .http
            .send(Method::POST, &url, &headers, Some(&body), false)
            .await?;
        if !answer.is_success() {
            return Err(authentication_error(
                answer.status,
                &answer.body,
                &self.settings.profile,
            ));
        }
        // The body is not quoted in the error: it may hold a token in a shape we did not expect.
        let token: AccessToken =
            serde_json::from_slice(&answer.body).map_err(|e| Error::Unavailable {
                message: format!("Finicity's partner authentication answered with no token ({e})"),
                hint: Some("try again later; if it persists, contact Finicity support".into()),
            })?;
        Ok(Secret::new(token.token))
    }

    fn data_error(&self, answer: &Answer) -> Error {
        data_error(
            answer.status,
            &answer.body,
            self.customer_id(),
            &self.settings.profile,
        )
    }

    /// The base URL with path segments appended, each percent-encoded.
    fn url(&self, segments: &[&str]) -> Url {
        let mut url = self.settings.base_url.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        url
    }
}
