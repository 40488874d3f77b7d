//! The Chase FDX client: the accounts list followed page by page with the server's cursor,
//! account details at bounded concurrency where the list has no balances, a fresh
//! `x-fapi-interaction-id` on every request, and one token renewal after a 401.

use std::collections::HashSet;
use std::sync::Arc;

use chrono::Utc;
use reqwest::{Method, Url};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::errors::{data_error, unreadable};
use super::mapping;
use super::wire::{Accounts, Descriptor, Entry};
use crate::error::{Error, Result};
use crate::http::{Answer, HeaderText, Http};
use crate::model::{Account, Report};
use crate::oauth::refresh::LoginTokens;
use crate::query::AccountRef;

/// Accounts asked for per page; the server may send fewer.
pub const PAGE_LIMIT: u32 = 100;
/// More pages than this is a server that never ends its list.
const MAX_PAGES: usize = 10_000;
/// `GET /accounts/{accountId}` requests in flight at once.
pub const DETAIL_CONCURRENCY: usize = 4;

const INTERACTION_ID: &str = "x-fapi-interaction-id";

/// A client of one Chase login. Clones share the tokens.
#[derive(Debug, Clone)]
pub struct Client {
    http: Http,
    base_url: Url,
    tokens: Arc<LoginTokens>,
    profile: String,
}

impl Client {
    pub fn new(http: Http, base_url: Url, tokens: LoginTokens, profile: &str) -> Client {
        Client {
            http,
            base_url,
            tokens: Arc::new(tokens),
            profile: profile.to_string(),
        }
    }

    /// Proves the login works: one page of the accounts list.
    pub async fn verify(&self) -> Result<()> {
        self.page(None).await.map(|_| ())
    }

    /// Every account the consent shares, of any type, in Chase's order.
    pub async fn accounts(&self) -> Result<Vec<Account>> {
        let entries = self.entries().await?;
        Ok(entries
            .iter()
            .map(|e| mapping::account_of(&e.account))
            .collect())
    }

    /// Current balances of the requested accounts (all when none are).
    pub async fn balances(&self, wanted: &[AccountRef]) -> Result<Report> {
        let entries = self.entries().await?;
        let (selected, mut errors) = mapping::select(&entries, wanted);
        let detailed = self
            .with_details(selected.into_iter().cloned().collect())
            .await?;
        let mut report = mapping::into_report(&detailed, Utc::now());
        report.errors.append(&mut errors);
        Ok(report)
    }

    /// `GET /accounts`, page after page, until the server gives no `nextOffset`.
    pub async fn entries(&self) -> Result<Vec<Entry>> {
        let mut entries = Vec::new();
        let mut seen = HashSet::new();
        let mut offset: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let page = self.page(offset.as_deref()).await?;
            entries.extend(page.accounts);
            match page
                .page
                .and_then(|p| p.next_offset)
                .filter(|o| !o.is_empty())
            {
                None => return Ok(entries),
                Some(next) if !seen.insert(next.clone()) => {
                    return Err(Error::unavailable(format!(
                        "Chase sent the page cursor '{next}' twice: its accounts list does not end"
                    )))
                }
                Some(next) => offset = Some(next),
            }
        }
        Err(Error::unavailable(format!(
            "Chase's accounts list went on for more than {MAX_PAGES} pages"
        )))
    }

    async fn page(&self, offset: Option<&str>) -> Result<Accounts> {
        let mut url = self.url(&["accounts"]);
        {
            let mut query = url.query_pairs_mut();
            if let Some(offset) = offset {
                query.append_pair("offset", offset);
            }
            query.append_pair("limit", &PAGE_LIMIT.to_string());
        }
        let answer = self.get(&url).await?;
        serde_json::from_slice(&answer.body)
            .map_err(|e| unreadable("an accounts list", &answer.body, &e))
    }

    /// The entries, those without balances replaced by their `GET /accounts/{accountId}`.
    async fn with_details(&self, entries: Vec<Entry>) -> Result<Vec<Entry>> {
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
        let mut entries = entries;
        while let Some(joined) = tasks.join_next().await {
            let (index, detail) = joined.map_err(|e| Error::Internal(e.into()))?;
            entries[index].account = detail?;
        }
        Ok(entries)
    }

    /// One account's details: FDX sends the account object itself, or wrapped in its type key
    /// as in the list; both are read.
    async fn detail(&self, entry: &Entry) -> Result<Descriptor> {
        let url = self.url(&["accounts", &entry.account.account_id]);
        let answer = self.get(&url).await?;
        let unread = |e: serde_json::Error| unreadable("an account", &answer.body, &e);
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
        let token = self.tokens.bearer().await?;
        let mut answer = self.send_get(url, &token).await?;
        if answer.status == 401 {
            tracing::info!(target: "treasury::http", "Chase refused the access token; renewing it once");
            if let Some(renewed) = self.tokens.renew(&token).await? {
                answer = self.send_get(url, &renewed).await?;
            }
        }
        match answer.is_success() {
            true => Ok(answer),
            false => Err(data_error(answer.status, &answer.body, &self.profile)),
        }
    }

    async fn send_get(&self, url: &Url, token: &crate::credentials::Secret) -> Result<Answer> {
        let interaction = interaction_id();
        tracing::info!(target: "treasury::http", "GET {} {INTERACTION_ID}: {interaction}", url.path());
        let bearer = crate::credentials::Secret::new(format!("Bearer {}", token.expose()));
        let headers = [
            ("authorization", HeaderText::Secret(&bearer)),
            (INTERACTION_ID, HeaderText::Plain(&interaction)),
        ];
        self.http.send(Method::GET, url, &headers, None, true).await
    }

    /// The base URL with path segments appended, each percent-encoded.
    fn url(&self, segments: &[&str]) -> Url {
        let mut url = self.base_url.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        url
    }
}

/// A random UUID (version 4), as FDX asks for each request.
pub fn interaction_id() -> String {
    let mut bytes = [0u8; 16];
    // The system's random source failing is not worth failing a request over: an all-zero
    // id is still well-formed, and the id only helps support find the request.
    let _ = aws_lc_rs::rand::fill(&mut bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn interaction_ids_are_fresh_v4_uuids() {
        let a = super::interaction_id();
        let b = super::interaction_id();
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "4");
        assert!("89ab".contains(&a[19..20]), "{a}");
    }
}
