//! The Open Banking data client: every request with `Authorization`, a fresh
//! `x-fapi-interaction-id` (logged at -v, with the echoed one when a gateway rewrote it) and `x-fapi-financial-id` where
//! the profile sets it; `GET /accounts` over its pages (same host only), `GET /balances` with a
//! per-account fallback. Never `x-fapi-customer-ip-address`: a cron job is not the account
//! holder at a screen.

use std::collections::HashSet;
use std::sync::Arc;

use reqwest::{Method, Url};
use serde::de::DeserializeOwned;

use super::errors::{bank_error, data_error, WORDING};
use super::mapping::{self, same_origin};
use super::wire::{AccountRecord, AccountsPage, BalanceRecord};
use crate::bank::budget;
use crate::bank::code_message::no_list;
use crate::bank::records::{read_list_value, text_of, ListAnswer};
use crate::error::{Error, Result};
use crate::history::Budget;
use crate::http::{interaction_id, join, Answer, HeaderText, Http, INTERACTION_ID};
use crate::model::{Account, AccountError, Report};
use crate::oauth::{send_authorized, TokenSource};
use crate::query::AccountRef;
use crate::secret::Secret;

pub const FINANCIAL_ID: &str = "x-fapi-financial-id";

/// More pages than any bank's accounts need: a listing that does not end stops here
/// (docs/providers/open-banking.md).
pub const MAX_PAGES: usize = 1000;

/// What an open-banking profile gives the client.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The API root, e.g. `https://ob.bank.example/open-banking/v3.1/aisp`.
    pub base_url: Url,
    /// `x-fapi-financial-id`, sent only when set.
    pub financial_id: Option<String>,
    /// The profile's name, for hints.
    pub profile: String,
}

/// Requests to one bank with the FAPI headers; the token comes from `tokens`.
#[derive(Debug, Clone)]
pub struct Channel {
    http: Http,
    settings: Arc<Settings>,
    tokens: Arc<dyn TokenSource>,
}

impl Channel {
    pub fn new(http: Http, settings: Settings, tokens: Arc<dyn TokenSource>) -> Result<Channel> {
        if settings.base_url.cannot_be_a_base() {
            return Err(Error::usage(format!(
                "base_url {} of profile '{}' is not an http(s) address",
                settings.base_url, settings.profile
            )));
        }
        Ok(Channel {
            http,
            settings: Arc::new(settings),
            tokens,
        })
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The base URL with path segments appended, each percent-encoded.
    pub fn url(&self, segments: &[&str]) -> Url {
        join(&self.settings.base_url, segments)
    }

    /// One request with a bearer token (renewed once on 401 where it can be) and a fresh
    /// interaction id; an echoed id that differs is logged with both ids, never refused.
    pub async fn call(&self, method: Method, url: &Url, body: Option<&[u8]>) -> Result<Answer> {
        send_authorized(&*self.tokens, |bearer| {
            self.send_once(method.clone(), url, body, bearer)
        })
        .await
    }

    async fn send_once(
        &self,
        method: Method,
        url: &Url,
        body: Option<&[u8]>,
        bearer: Option<Secret>,
    ) -> Result<Answer> {
        let id = interaction_id();
        tracing::info!(target: "treasury::http", "{method} {url}: {INTERACTION_ID} {id}");
        let authorization = bearer.map(|t| Secret::new(format!("Bearer {}", t.expose())));
        let mut headers = vec![(INTERACTION_ID, HeaderText::Plain(&id))];
        if let Some(value) = &authorization {
            headers.push(("authorization", HeaderText::Secret(value)));
        }
        if let Some(financial) = &self.settings.financial_id {
            headers.push((FINANCIAL_ID, HeaderText::Plain(financial)));
        }
        // Only reads are retried on 429/5xx: a POST or DELETE may have been done already.
        let retry = method == Method::GET;
        let answer = self.http.send(method, url, &headers, body, retry).await?;
        // Gateways (and mocks of the spec) rewrite the id: both are logged for support, and
        // the answer is used all the same.
        if let Some(echo) = answer.header(INTERACTION_ID).filter(|echo| *echo != id) {
            tracing::info!(
                target: "treasury::http",
                "{url} echoed {INTERACTION_ID} {echo} to the request sent as {id}"
            );
        }
        Ok(answer)
    }

    pub fn data_error(&self, answer: &Answer) -> Error {
        data_error(answer.status, &answer.body, &self.settings.profile)
    }

    /// A GET whose answer must be a 2xx JSON body of type `T`.
    async fn get_json<T: serde::de::DeserializeOwned>(&self, url: &Url, what: &str) -> Result<T> {
        let answer = self.call(Method::GET, url, None).await?;
        if !answer.is_success() {
            return Err(self.data_error(&answer));
        }
        serde_json::from_slice(&answer.body).map_err(|e| WORDING.unreadable(what, &answer, &e))
    }
}

/// The data client of one consent, and the profile's read budget.
#[derive(Debug, Clone)]
pub struct Client {
    channel: Channel,
    budget: Option<Arc<Budget>>,
}

impl Client {
    pub fn new(channel: Channel) -> Client {
        Client {
            channel,
            budget: None,
        }
    }

    /// Counts every balance read against `budget`, refusing those it has no room for.
    pub fn with_budget(self, budget: Option<Arc<Budget>>) -> Client {
        Client { budget, ..self }
    }

    /// Proves the token works: the first page of accounts.
    pub async fn verify(&self) -> Result<()> {
        let url = self.channel.url(&["accounts"]);
        self.channel
            .get_json::<AccountsPage>(&url, "an accounts page")
            .await
            .map(|_| ())
    }

    pub async fn accounts(&self) -> Result<Vec<Account>> {
        Ok(mapping::into_accounts(&self.records().await?))
    }

    /// Every account the consent covers, over all pages.
    pub async fn records(&self) -> Result<Vec<AccountRecord>> {
        Ok(self.listed_records().await?.records)
    }

    /// Every account over all pages, and an error per account record that cannot be read.
    async fn listed_records(&self) -> Result<Listing<AccountRecord>> {
        let url = self.channel.url(&["accounts"]);
        self.listing(url, &["Data", "Account"], "an accounts page")
            .await
    }

    /// The current balances of the requested accounts (all when none are), in the requested
    /// order: one bulk `GET /balances` (then per account for those it leaves out), or per
    /// account when the bank does not offer it.
    pub async fn balances(&self, selection: &[AccountRef]) -> Result<Report> {
        if let Some(refused) = self.spent_before_listing(selection) {
            return Ok(mapping::select(
                Report {
                    rows: Vec::new(),
                    errors: refused,
                },
                selection,
            ));
        }
        let listed = self.listed_records().await?;
        let wanted = mapping::wanted_records(&listed.records, selection);
        let (wanted, refused, bulk) = self.reserve(&listed.records, wanted);
        let fetched = match bulk {
            true => self.bulk_balances().await?,
            false => None,
        };
        let (mut balances, mut errors) = match fetched {
            Some(bulk) => (bulk, Vec::new()),
            None => (Listing::default(), Vec::new()),
        };
        let left_out: Vec<&AccountRecord> = wanted
            .iter()
            .copied()
            .filter(|r| {
                !balances
                    .records
                    .iter()
                    .any(|b| b.account_id == r.account_id)
            })
            .filter(|r| {
                !balances
                    .unreadable
                    .iter()
                    .any(|e| e.account_id == r.account_id)
            })
            .collect();
        let (each, mut failed) = self.each_balances(&left_out).await?;
        balances.records.extend(each.records);
        balances.unreadable.extend(each.unreadable);
        errors.append(&mut failed);
        errors.extend(refused);
        let kept: Vec<AccountRecord> = wanted.into_iter().cloned().collect();
        let mut report = mapping::into_report(&kept, &balances.records, &balances.unreadable);
        report
            .errors
            .retain(|e| !errors.iter().any(|f| f.account_id == e.account_id));
        report.errors.append(&mut errors);
        report.errors.extend(listed.unreadable);
        Ok(mapping::select(report, selection))
    }

    /// With a budget: every wanted account already spent (known from the store) is refused
    /// without a single request, the account listing included.
    fn spent_before_listing(&self, selection: &[AccountRef]) -> Option<Vec<AccountError>> {
        let wanted: Vec<(Option<String>, String)> = selection
            .iter()
            .map(|a| (None, a.account_id.clone()))
            .collect();
        budget::refuse_all(self.budget.as_deref()?, &wanted)
    }

    /// Reserves a read of each wanted account: those refused are left out (and returned as
    /// errors). The bulk `GET /balances` reads every account of the consent, so with a budget
    /// it is used only when every account is wanted and has a read left; else each account
    /// is asked alone.
    fn reserve<'r>(
        &self,
        records: &[AccountRecord],
        wanted: Vec<&'r AccountRecord>,
    ) -> (Vec<&'r AccountRecord>, Vec<AccountError>, bool) {
        let Some(budget) = self.budget.as_deref() else {
            return (wanted, Vec::new(), true);
        };
        let keys: Vec<(String, String)> = wanted
            .iter()
            .map(|r| (String::new(), r.account_id.clone()))
            .collect();
        let refused = budget::reserve(budget, &keys);
        let everyone = wanted.len() == records.len();
        let kept: Vec<&AccountRecord> = wanted
            .into_iter()
            .filter(|r| !refused.iter().any(|e| e.account_id == r.account_id))
            .collect();
        let bulk = everyone && refused.is_empty();
        (kept, refused, bulk)
    }

    /// `GET /balances` over its pages; `None` when the bank refuses the bulk endpoint (404,
    /// 403): the accounts are then asked one by one, which also tells a revoked consent.
    async fn bulk_balances(&self) -> Result<Option<Listing<BalanceRecord>>> {
        let url = self.channel.url(&["balances"]);
        let answer = self.channel.call(Method::GET, &url, None).await?;
        if matches!(answer.status, 403 | 404) {
            tracing::info!(
                "the bank refused GET /balances ({}); asking each account",
                bank_error(answer.status, &answer.body)
            );
            return Ok(None);
        }
        let first = self.page_of(&answer, BALANCES, "a balances page")?;
        let mut listing = Listing::default();
        let next = listing.add(first);
        self.follow(url, next, BALANCES, "a balances page", &mut listing)
            .await?;
        Ok(Some(listing))
    }

    /// `GET /accounts/{AccountId}/balances` for each account; a 404 is that account's error.
    async fn each_balances(
        &self,
        wanted: &[&AccountRecord],
    ) -> Result<(Listing<BalanceRecord>, Vec<AccountError>)> {
        let mut balances = Listing::default();
        let mut errors = Vec::new();
        for record in wanted {
            let url = self
                .channel
                .url(&["accounts", &record.account_id, "balances"]);
            let answer = self.channel.call(Method::GET, &url, None).await?;
            if answer.status == 404 {
                let bank = bank_error(answer.status, &answer.body);
                errors.push(AccountError {
                    account_id: record.account_id.clone(),
                    bank_id: String::new(),
                    code: bank.code.clone().unwrap_or_else(|| "NOT-FOUND".into()),
                    message: format!("the bank has no balances for this account ({bank})"),
                });
                continue;
            }
            let page = self.page_of(&answer, BALANCES, "a balances page")?;
            balances.add(page);
        }
        Ok((balances, errors))
    }

    /// Every page of a listing, from its first.
    async fn listing<T: DeserializeOwned>(
        &self,
        url: Url,
        path: &[&str],
        what: &str,
    ) -> Result<Listing<T>> {
        let answer = self.channel.call(Method::GET, &url, None).await?;
        let first = self.page_of(&answer, path, what)?;
        let mut listing = Listing::default();
        let next = listing.add(first);
        self.follow(url, next, path, what, &mut listing).await?;
        Ok(listing)
    }

    /// A 2xx page read record by record: a record that cannot be read is its account's error.
    fn page_of<T: DeserializeOwned>(
        &self,
        answer: &Answer,
        path: &[&str],
        what: &str,
    ) -> Result<Page<T>> {
        if !answer.is_success() {
            return Err(self.channel.data_error(answer));
        }
        let value: serde_json::Value = serde_json::from_slice(&answer.body)
            .map_err(|e| WORDING.unreadable(what, answer, &e))?;
        let next = value
            .get("Links")
            .and_then(|l| l.get("Next"))
            .and_then(|n| n.as_str())
            .map(str::to_string);
        let id_of = |record: &serde_json::Value| text_of(record.get("AccountId"));
        match read_list_value::<T>(&value, path, "the bank", id_of) {
            ListAnswer::List {
                records,
                unreadable,
            } => Ok(Page {
                records,
                unreadable,
                next,
            }),
            ListAnswer::NoList => Err(no_list("the bank", what, answer.status, &answer.body)),
        }
    }

    /// Follows `Links.Next` from `current` while there is one, on the same host only. A link
    /// to a page already read (a cycle of any length) or more than `MAX_PAGES` pages stop it.
    async fn follow<T: DeserializeOwned>(
        &self,
        mut current: Url,
        mut next: Option<String>,
        path: &[&str],
        what: &str,
        listing: &mut Listing<T>,
    ) -> Result<()> {
        let mut visited: HashSet<Url> = HashSet::from([current.clone()]);
        let mut pages = 1;
        while let Some(link) = next.take() {
            let url = next_url(&current, &link)?;
            if pages >= MAX_PAGES || !visited.insert(url.clone()) {
                let why = match pages >= MAX_PAGES {
                    true => format!("more than {MAX_PAGES} pages, treasury's bound"),
                    false => format!("{url} was already read after {pages} pages"),
                };
                return Err(Error::Unavailable {
                    message: format!("the bank's Links.Next does not end: {why}"),
                    hint: Some("report this to the bank: its listing loops".into()),
                });
            }
            let answer = self.channel.call(Method::GET, &url, None).await?;
            next = listing.add(self.page_of(&answer, path, what)?);
            pages += 1;
            current = url;
        }
        Ok(())
    }
}

/// `Data.Balance` of a balances page.
const BALANCES: &[&str] = &["Data", "Balance"];

/// One page as read.
struct Page<T> {
    records: Vec<T>,
    unreadable: Vec<AccountError>,
    next: Option<String>,
}

/// The records of every page read so far, and an error per record that could not be read.
#[derive(Debug)]
struct Listing<T> {
    records: Vec<T>,
    unreadable: Vec<AccountError>,
}

impl<T> Default for Listing<T> {
    fn default() -> Self {
        Listing {
            records: Vec::new(),
            unreadable: Vec::new(),
        }
    }
}

impl<T> Listing<T> {
    /// Adds a page; its `Links.Next`.
    fn add(&mut self, page: Page<T>) -> Option<String> {
        self.records.extend(page.records);
        self.unreadable.extend(page.unreadable);
        page.next
    }
}

/// The next page's address (relative links resolved against the current one), refused when
/// it leaves the bank's host: the bearer token is only ever sent there.
pub fn next_url(current: &Url, link: &str) -> Result<Url> {
    let next = current.join(link).map_err(|e| {
        Error::unavailable(format!(
            "the bank's Links.Next '{link}' is not an address ({e})"
        ))
    })?;
    if !same_origin(current, &next) {
        return Err(Error::Unavailable {
            message: format!(
                "the bank's Links.Next {next} is on another host than {current}: not followed, so the token goes nowhere else"
            ),
            hint: Some("report this to the bank; the listing is incomplete without it".into()),
        });
    }
    Ok(next)
}
