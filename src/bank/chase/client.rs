//! The Chase FDX client: the accounts list followed page by page with the server's cursor,
//! account details at bounded concurrency where the list has no balances, a fresh
//! `x-fapi-interaction-id` on every request, and one token renewal after a 401.

use std::collections::HashSet;
use std::sync::Arc;

use chrono::Utc;
use reqwest::{Method, Url};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::errors::{data_error, WORDING};
use super::mapping;
use super::wire::{Descriptor, Entry, Page};
use crate::bank::code_message::no_list;
use crate::bank::records::{read_list_value, text_of, ListAnswer};
use crate::error::{Error, Result};
use crate::http::{interaction_id, join, Answer, HeaderText, Http, INTERACTION_ID};
use crate::model::{Account, AccountError, Report};
use crate::oauth::{send_authorized, TokenSource};
use crate::query::AccountRef;
use crate::secret::Secret;
use serde::Deserialize;

/// Accounts asked for per page; the server may send fewer.
pub const PAGE_LIMIT: u32 = 100;
/// More pages than this is a server that never ends its list (docs/providers/chase.md).
pub const MAX_PAGES: usize = 1_000;
/// `GET /accounts/{accountId}` requests in flight at once.
pub const DETAIL_CONCURRENCY: usize = 4;

/// A client of one Chase login. Clones share the tokens.
#[derive(Debug, Clone)]
pub struct Client {
    http: Http,
    base_url: Url,
    tokens: Arc<dyn TokenSource>,
    profile: String,
}

impl Client {
    pub fn new(http: Http, base_url: Url, tokens: Arc<dyn TokenSource>, profile: &str) -> Client {
        Client {
            http,
            base_url,
            tokens,
            profile: profile.to_string(),
        }
    }

    /// Proves the login works: one page of the accounts list.
    pub async fn verify(&self) -> Result<()> {
        self.page(None).await.map(|_| ())
    }

    /// Every account the consent shares, of any type, in Chase's order.
    pub async fn accounts(&self) -> Result<Vec<Account>> {
        let listed = self.entries().await?;
        Ok(listed
            .entries
            .iter()
            .map(|e| mapping::account_of(&e.account))
            .collect())
    }

    /// Current balances of the requested accounts (all when none are).
    pub async fn balances(&self, wanted: &[AccountRef]) -> Result<Report> {
        let listed = self.entries().await?;
        let (selected, mut errors) = mapping::select(&listed.entries, wanted);
        let (detailed, mut failed) = self
            .with_details(selected.into_iter().cloned().collect())
            .await?;
        let mut report = mapping::into_report(&detailed, Utc::now());
        report.errors.append(&mut errors);
        report.errors.append(&mut failed);
        report.errors.extend(listed.unreadable);
        Ok(report)
    }

    /// `GET /accounts`, page after page, until the server gives no `nextOffset`; a record that
    /// cannot be read is a per-account error. A cursor sent twice, a page holding only accounts
    /// already listed, or more than `MAX_PAGES` pages stop the list; fewer accounts than the
    /// `totalElements` the server announced is an error, never a silently shorter list.
    pub async fn entries(&self) -> Result<Listed> {
        let mut listed = Listed::default();
        let mut ids = HashSet::new();
        let mut seen = HashSet::new();
        let mut offset: Option<String> = None;
        let mut announced = None;
        for number in 1..=MAX_PAGES {
            let page = self.page(offset.as_deref()).await?;
            let before = ids.len();
            ids.extend(page.entries.iter().map(|e| e.account.account_id.clone()));
            ids.extend(page.unreadable.iter().map(|e| e.account_id.clone()));
            let fresh = ids.len() > before || page.entries.is_empty() && page.unreadable.is_empty();
            listed.entries.extend(page.entries);
            listed.unreadable.extend(page.unreadable);
            announced = page.total_elements.or(announced);
            match page.next_offset.filter(|o| !o.is_empty()) {
                None => return check_total(listed, ids.len(), announced),
                Some(next) if !seen.insert(next.clone()) => {
                    return Err(endless(format!("it sent the page cursor '{next}' twice")))
                }
                Some(_) if !fresh => {
                    return Err(endless(format!(
                        "page {number} held only accounts already listed"
                    )))
                }
                Some(next) => offset = Some(next),
            }
        }
        Err(endless(format!(
            "it went on for more than {MAX_PAGES} pages, treasury's bound"
        )))
    }

    async fn page(&self, offset: Option<&str>) -> Result<PageRead> {
        let mut url = self.url(&["accounts"]);
        {
            let mut query = url.query_pairs_mut();
            if let Some(offset) = offset {
                query.append_pair("offset", offset);
            }
            query.append_pair("limit", &PAGE_LIMIT.to_string());
        }
        let answer = self.get(&url).await?;
        let value: serde_json::Value = serde_json::from_slice(&answer.body)
            .map_err(|e| WORDING.unreadable("an accounts list", &answer, &e))?;
        let paging: Page = value
            .get("page")
            .and_then(|p| Page::deserialize(p).ok())
            .unwrap_or_default();
        let id_of = |record: &serde_json::Value| {
            let flat = record.get("accountId");
            let wrapped = record
                .as_object()
                .and_then(|o| o.values().next())
                .and_then(|inner| inner.get("accountId"));
            text_of(flat.or(wrapped))
        };
        match read_list_value::<Entry>(&value, &["accounts"], "Chase", id_of) {
            ListAnswer::List {
                records,
                unreadable,
            } => Ok(PageRead {
                entries: records,
                unreadable,
                next_offset: paging.next_offset,
                total_elements: paging.total_elements,
            }),
            ListAnswer::NoList => Err(no_list(
                "Chase",
                "an accounts list",
                answer.status,
                &answer.body,
            )),
        }
    }

    /// The entries, those without balances replaced by their `GET /accounts/{accountId}`; an
    /// account whose detail call fails (or answers for another account) is a per-account
    /// error and is left out, the others are reported. A refused login stops everything.
    async fn with_details(&self, entries: Vec<Entry>) -> Result<(Vec<Entry>, Vec<AccountError>)> {
        let permits = Arc::new(Semaphore::new(DETAIL_CONCURRENCY));
        let mut tasks = JoinSet::new();
        for (index, entry) in entries.iter().enumerate() {
            let known = mapping::Kind::of(&entry.kind).is_some();
            if entry.account.has_balances() || !known {
                continue;
            }
            let (client, permits, entry) = (self.clone(), Arc::clone(&permits), entry.clone());
            tasks.spawn(async move {
                let _permit = permits.acquire_owned().await;
                (index, client.detail(&entry).await)
            });
        }
        let mut entries: Vec<Option<Entry>> = entries.into_iter().map(Some).collect();
        let mut failed = Vec::new();
        while let Some(joined) = tasks.join_next().await {
            let (index, detail) = joined.map_err(|e| Error::Internal(e.into()))?;
            let Some(entry) = entries[index].as_mut() else {
                continue;
            };
            match detail {
                Ok(account) if account.account_id == entry.account.account_id => {
                    entry.account = account.detailed(&entry.account)
                }
                Ok(other) => {
                    failed.push(wrong_account(&entry.account, &other.account_id));
                    entries[index] = None;
                }
                Err(error @ Error::Auth { .. }) => return Err(error),
                Err(error) => {
                    failed.push(detail_failed(&entry.account, &error));
                    entries[index] = None;
                }
            }
        }
        Ok((entries.into_iter().flatten().collect(), failed))
    }

    /// One account's details: FDX sends the account object itself, or wrapped in its type key
    /// as in the list; both are read.
    async fn detail(&self, entry: &Entry) -> Result<Descriptor> {
        let url = self.url(&["accounts", &entry.account.account_id]);
        let answer = self.get(&url).await?;
        let unread = |e: serde_json::Error| WORDING.unreadable("an account", &answer, &e);
        let value: serde_json::Value = serde_json::from_slice(&answer.body).map_err(unread)?;
        let inner = match value.as_object() {
            Some(object) if object.len() == 1 && object.contains_key(&entry.kind) => {
                object[&entry.kind].clone()
            }
            _ => value,
        };
        serde_json::from_value(inner).map_err(unread)
    }

    /// A data call; a 401 gets one renewed token and one more try; any failure is an error.
    async fn get(&self, url: &Url) -> Result<Answer> {
        let answer = send_authorized(&*self.tokens, |token| self.send_get(url, token)).await?;
        match answer.is_success() {
            true => Ok(answer),
            false => Err(data_error(answer.status, &answer.body, &self.profile)),
        }
    }

    async fn send_get(&self, url: &Url, token: Option<Secret>) -> Result<Answer> {
        let interaction = interaction_id();
        tracing::info!(target: "treasury::http", "GET {} {INTERACTION_ID}: {interaction}", url.path());
        let bearer = token.map(|t| Secret::new(format!("Bearer {}", t.expose())));
        let mut headers = vec![(INTERACTION_ID, HeaderText::Plain(&interaction))];
        if let Some(bearer) = &bearer {
            headers.insert(0, ("authorization", HeaderText::Secret(bearer)));
        }
        self.http.send(Method::GET, url, &headers, None, true).await
    }

    fn url(&self, segments: &[&str]) -> Url {
        join(&self.base_url, segments)
    }
}

/// The accounts list: its entries, and an error per record that could not be read.
#[derive(Debug, Default)]
pub struct Listed {
    pub entries: Vec<Entry>,
    pub unreadable: Vec<AccountError>,
}

/// One page as read.
struct PageRead {
    entries: Vec<Entry>,
    unreadable: Vec<AccountError>,
    next_offset: Option<String>,
    total_elements: Option<u64>,
}

fn endless(why: String) -> Error {
    Error::Unavailable {
        message: format!("Chase's accounts list does not end: {why}"),
        hint: Some(format!(
            "treasury stops a list at a repeated cursor, a page of accounts already listed, or \
             {MAX_PAGES} pages; contact Chase's API support"
        )),
    }
}

/// Fewer accounts than the `totalElements` the server announced: an account went missing
/// between pages (a retried page answered differently), so the list cannot be trusted.
fn check_total(listed: Listed, distinct: usize, announced: Option<u64>) -> Result<Listed> {
    match announced {
        Some(total) if (distinct as u64) < total => Err(Error::Unavailable {
            message: format!(
                "Chase announced {total} accounts (totalElements) but its pages held {distinct}: \
                 an account is missing from the list"
            ),
            hint: Some("run the command again; if it persists, contact Chase's API support".into()),
        }),
        _ => Ok(listed),
    }
}

fn wrong_account(asked: &Descriptor, answered: &str) -> AccountError {
    mapping::error_for(
        asked,
        "WRONG-ACCOUNT",
        format!(
            "Chase answered GET /accounts/{} with account '{answered}': neither is reported from it",
            asked.account_id
        ),
    )
}

fn detail_failed(asked: &Descriptor, error: &Error) -> AccountError {
    let code = match error {
        Error::Rejected(bank) => bank
            .code
            .clone()
            .unwrap_or_else(|| format!("HTTP-{}", bank.status)),
        _ => "UNAVAILABLE".into(),
    };
    mapping::error_for(
        asked,
        &code,
        format!("Chase's details of this account failed: {error}"),
    )
}
