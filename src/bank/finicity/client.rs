//! The Finicity client: its data calls with the partner's token (`auth::PartnerToken`, shared
//! by every profile of the partner in this run) through `oauth::send_authorized`, the accounts
//! list, and the billable live balance only when asked for.

use std::collections::HashMap;
use std::sync::Arc;

use super::auth::PartnerToken;
use super::errors::{bank_error, data_error, WORDING};
use super::mapping::{self, LIVE_TYPES};
use super::wire::{AvailableBalance, CustomerAccounts};
use crate::bank::budget;
use crate::bank::code_message::no_list;
use crate::bank::records::{read_list, text_of, ListAnswer};
use crate::error::{Error, Result};
use crate::history::Budget;
use crate::http::{join, Answer, HeaderText, Http};
use crate::model::{Account, AccountError, Report};
use crate::oauth::{send_authorized, TokenSource};
use crate::query::AccountRef;
use crate::secret::Secret;
use reqwest::{Method, Url};

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
    /// `treasury login` is verifying a secret the person gives now: credentials refused before
    /// are tried again (once).
    pub login: bool,
    /// Where refused partner credentials are remembered between runs (`refusals`); none
    /// remembers nothing.
    pub refusals: Option<std::path::PathBuf>,
}

/// A client of one Finicity customer. Clients of the same partner credentials share the token.
#[derive(Debug, Clone)]
pub struct Client {
    http: Http,
    settings: Arc<Settings>,
    tokens: Arc<PartnerToken>,
    /// Ask the billed live balance of each deposit account (`balances --live`).
    live: bool,
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
        let settings = Arc::new(settings);
        let url = join(
            &settings.base_url,
            &["aggregation", "v2", "partners", "authentication"],
        );
        Ok(Client {
            tokens: Arc::new(PartnerToken::new(http.clone(), Arc::clone(&settings), url)),
            http,
            settings,
            live: false,
            budget: None,
        })
    }

    pub fn customer_id(&self) -> &str {
        &self.settings.customer_id
    }

    /// Proves the credentials work: one partner authentication (the token is kept).
    pub async fn verify(&self) -> Result<()> {
        self.tokens.token().await.map(|_| ())
    }

    /// Reads live balances (billed) when `live`, counting each against `budget`.
    pub fn reading_live(self, live: bool, budget: Option<Arc<Budget>>) -> Client {
        Client {
            live,
            budget: budget.filter(|_| live),
            ..self
        }
    }

    /// Whether balances are read live (`balances --live`).
    pub fn live(&self) -> bool {
        self.live
    }

    /// Takes a new partner token once the one in use is older than `age`.
    pub fn with_token_max_age(self, age: std::time::Duration) -> Client {
        let mut tokens = (*self.tokens).clone();
        tokens.max_age = age;
        Client {
            tokens: Arc::new(tokens),
            ..self
        }
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
        let id_of = |record: &serde_json::Value| text_of(record.get("id"));
        match read_list(&answer.body, &["accounts"], "Finicity", id_of) {
            Ok(ListAnswer::List {
                records,
                unreadable,
            }) => Ok(CustomerAccounts {
                accounts: records,
                unreadable,
            }),
            Ok(ListAnswer::NoList) => Err(no_list(
                "Finicity",
                "an accounts list",
                answer.status,
                &answer.body,
            )),
            Err(e) => Err(WORDING.unreadable("a customer accounts list", &answer, &e)),
        }
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
        // Billed per call: sent once, never retried; a failure is this account's alone.
        let answer = self.get_with(&url, false).await?;
        if matches!(answer.status, 400 | 404 | 429 | 500..=599) {
            let bank = bank_error(answer.status, &answer.body);
            let fallback = match answer.status {
                400 | 404 => "REFUSED".to_string(),
                status => status.to_string(),
            };
            return Ok(Err(AccountError {
                account_id: account_id.to_string(),
                bank_id: String::new(),
                code: format!("LIVE-{}", bank.code.as_deref().unwrap_or(&fallback)),
                message: format!(
                    "Finicity did not give the live balance ({bank}; a billed call, not \
                     retried): the listed balance is shown"
                ),
            }));
        }
        if !answer.is_success() {
            return Err(self.data_error(&answer));
        }
        serde_json::from_slice(&answer.body)
            .map(Ok)
            .map_err(|e| WORDING.unreadable("an available balance", &answer, &e))
    }

    /// A data call with the partner's token; a 401 gets one new token and one more try.
    async fn get(&self, url: &Url) -> Result<Answer> {
        self.get_with(url, true).await
    }

    /// `get`, retrying 429 and 5xx answers only when `retry`.
    async fn get_with(&self, url: &Url, retry: bool) -> Result<Answer> {
        send_authorized(&*self.tokens, |token| self.send_get(url, token, retry)).await
    }

    async fn send_get(&self, url: &Url, token: Option<Secret>, retry: bool) -> Result<Answer> {
        let mut headers = vec![(APP_KEY, HeaderText::Secret(&self.settings.app_key))];
        if let Some(token) = &token {
            headers.push((APP_TOKEN, HeaderText::Secret(token)));
        }
        self.http
            .send(Method::GET, url, &headers, None, retry)
            .await
    }

    fn data_error(&self, answer: &Answer) -> Error {
        data_error(
            answer.status,
            &answer.body,
            self.customer_id(),
            &self.settings.profile,
        )
    }

    fn url(&self, segments: &[&str]) -> Url {
        join(&self.settings.base_url, segments)
    }
}
