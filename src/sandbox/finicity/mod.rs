//! The sandbox's Finicity: partner authentication (app key, partner id and secret checked),
//! app tokens with a lifetime, the customer accounts list and the live available balance, with
//! Finicity's error bodies. Like Finicity, it locks the partner after `LOCK_AFTER` failed
//! authentications (until the sandbox restarts). Nested by the caller under a prefix (the sandbox uses `/finicity`).

mod part;
pub use part::PART;
#[cfg(test)]
mod client_tests;
pub mod data;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::Utc;
use rust_decimal::Decimal;

use crate::bank::finicity::mapping::LIVE_TYPES;
use crate::bank::finicity::wire::{
    AccessToken, AvailableBalance, CustomerAccounts, ErrorMessage, PartnerCredentials,
};

pub const APP_KEY: &str = "sandbox-app-key";
pub const PARTNER_ID: &str = "sandbox";
pub const PARTNER_SECRET: &str = "sandbox";
/// Failed partner authentications after which the partner is locked.
pub const LOCK_AFTER: usize = 5;
/// Finicity's tokens last two hours.
pub const TOKEN_LIFETIME: Duration = Duration::from_secs(2 * 60 * 60);

/// What a live read adds to the listed available balance, so a report shows it was live.
pub const LIVE_DEPOSITS: Decimal = Decimal::from_parts(10, 0, 0, false, 0);

/// The credentials the sandbox accepts, and how long its tokens last.
#[derive(Debug, Clone)]
pub struct Options {
    pub app_key: String,
    pub partner_id: String,
    pub partner_secret: String,
    pub token_lifetime: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            app_key: APP_KEY.to_string(),
            partner_id: PARTNER_ID.to_string(),
            partner_secret: PARTNER_SECRET.to_string(),
            token_lifetime: TOKEN_LIFETIME,
        }
    }
}

/// The server's state: its options, the tokens it issued, and request counts for tests.
#[derive(Debug, Default)]
pub struct Finicity {
    options: Options,
    tokens: Mutex<HashMap<String, Instant>>,
    issued: AtomicU64,
    authentications: AtomicUsize,
    failed_authentications: AtomicUsize,
    account_lists: AtomicUsize,
    live_reads: AtomicUsize,
}

impl Finicity {
    pub fn new(options: Options) -> Arc<Finicity> {
        Arc::new(Finicity {
            options,
            ..Finicity::default()
        })
    }

    /// Partner authentication requests received, granted or refused.
    pub fn authentications(&self) -> usize {
        self.authentications.load(Ordering::SeqCst)
    }

    /// Customer accounts requests received, answered or refused.
    pub fn account_lists(&self) -> usize {
        self.account_lists.load(Ordering::SeqCst)
    }

    /// Live available-balance requests received (each billable at Finicity).
    pub fn live_reads(&self) -> usize {
        self.live_reads.load(Ordering::SeqCst)
    }

    fn issue(&self) -> String {
        let count = self.issued.fetch_add(1, Ordering::SeqCst);
        let nanos = Utc::now().timestamp_subsec_nanos() as u64;
        let token = format!(
            "fin-{:016x}{count:04x}",
            super::jpmorgan::amounts::splitmix64(nanos ^ count)
        );
        let mut tokens = self.tokens.lock().unwrap_or_else(PoisonError::into_inner);
        let lifetime = self.options.token_lifetime;
        tokens.retain(|_, at| at.elapsed() < lifetime);
        tokens.insert(token.clone(), Instant::now());
        token
    }

    /// The headers of a data call, checked as Finicity does (app key, then app token): the
    /// refusal, if they do not pass.
    fn token_refusal(&self, headers: &HeaderMap) -> Option<Response> {
        if let Some(refused) = self.app_key_refusal(headers) {
            return Some(refused);
        }
        let Some(token) = header_text(headers, "finicity-app-token") else {
            return Some(refusal(
                401,
                "10024",
                "Missing parameter (Finicity-App-Token)",
            ));
        };
        let tokens = self.tokens.lock().unwrap_or_else(PoisonError::into_inner);
        match tokens.get(token) {
            Some(at) if at.elapsed() < self.options.token_lifetime => None,
            Some(_) => Some(refusal(401, "10023", "Expired (Finicity-App-Token)")),
            None => Some(refusal(401, "10022", "Invalid (Finicity-App-Token)")),
        }
    }

    fn app_key_refusal(&self, headers: &HeaderMap) -> Option<Response> {
        let plain = [(header::CONTENT_TYPE, "text/plain")];
        match header_text(headers, "finicity-app-key") {
            None => Some(refusal(
                401,
                "10026",
                "Missing parameter (Finicity-App-Key)",
            )),
            Some(key) if key == self.options.app_key => None,
            // The spec's own example: a wrong app key gets a plain-text answer.
            Some(_) => Some(
                (
                    StatusCode::UNAUTHORIZED,
                    plain,
                    "Invalid (Finicity-App-Key)",
                )
                    .into_response(),
            ),
        }
    }
}

/// The routes, relative to wherever the caller nests them.
pub fn router<S: Clone + Send + Sync + 'static>(state: Arc<Finicity>) -> Router<S> {
    Router::new()
        .route(
            "/aggregation/v2/partners/authentication",
            post(authenticate),
        )
        .route(
            "/aggregation/v1/customers/{customer_id}/accounts",
            get(accounts),
        )
        .route(
            "/aggregation/v1/customers/{customer_id}/accounts/{account_id}/availableBalance/live",
            get(live_balance),
        )
        .with_state(state)
}

/// `POST /aggregation/v2/partners/authentication`.
async fn authenticate(
    State(fin): State<Arc<Finicity>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    fin.authentications.fetch_add(1, Ordering::SeqCst);
    if header_text(&headers, "finicity-app-key").is_none() {
        return refusal(401, "10026", "Missing parameter (Finicity-App-Key)");
    }
    let Ok(credentials) = serde_json::from_slice::<PartnerCredentials>(&body) else {
        return refusal(400, "10005", "Missing parameter (partnerId)");
    };
    if fin.failed_authentications.load(Ordering::SeqCst) >= LOCK_AFTER {
        return refusal(
            403,
            "10004",
            "Partner locked after 5 failed authentications: contact support (restart the sandbox)",
        );
    }
    let options = &fin.options;
    let valid = header_text(&headers, "finicity-app-key") == Some(options.app_key.as_str())
        && credentials.partner_id == options.partner_id
        && credentials.partner_secret == options.partner_secret;
    if !valid {
        tracing::debug!("sandbox: Finicity partner authentication refused");
        fin.failed_authentications.fetch_add(1, Ordering::SeqCst);
        return refusal(401, "10001", "Invalid credentials");
    }
    Json(AccessToken { token: fin.issue() }).into_response()
}

/// `GET /aggregation/v1/customers/{customerId}/accounts`.
async fn accounts(
    State(fin): State<Arc<Finicity>>,
    Path(customer_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    fin.account_lists.fetch_add(1, Ordering::SeqCst);
    if let Some(refused) = fin.token_refusal(&headers) {
        return refused;
    }
    match data::accounts_of(&customer_id) {
        Some(accounts) => Json(CustomerAccounts {
            accounts,
            unreadable: Vec::new(),
        })
        .into_response(),
        None => refusal(404, "14001", "Customer not found."),
    }
}

/// `GET .../accounts/{accountId}/availableBalance/live?balance_cache_interval=N`. The sandbox
/// insists on the parameter, which Finicity does not, so a client that forgets it is caught.
async fn live_balance(
    State(fin): State<Arc<Finicity>>,
    Path((customer_id, account_id)): Path<(String, String)>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    fin.live_reads.fetch_add(1, Ordering::SeqCst);
    if let Some(refused) = fin.token_refusal(&headers) {
        return refused;
    }
    let interval = form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
        .find(|(k, _)| k == "balance_cache_interval")
        .map(|(_, v)| v.into_owned());
    match interval.as_deref().map(str::parse::<u32>) {
        None => return refusal(400, "10005", "Missing parameter (balance_cache_interval)"),
        Some(Ok(0..=1440)) => {}
        Some(_) => {
            return refusal(
                400,
                "1618",
                "Negative or invalid value entered. Please use positive numbers only.",
            )
        }
    }
    let Some(accounts) = data::accounts_of(&customer_id) else {
        return refusal(404, "14001", "Customer not found.");
    };
    let Some(record) = accounts.into_iter().find(|a| a.id == account_id) else {
        return refusal(404, "14001", "Resource not found.");
    };
    let supported = record
        .account_type
        .as_deref()
        .is_some_and(|t| LIVE_TYPES.contains(&t));
    if !supported || record.status.as_deref() != Some("active") {
        return refusal(400, "14020", "Bad request. (Account type not supported).");
    }
    let cleared = record.balance.unwrap_or_default();
    let available = record
        .detail
        .and_then(|d| d.available_balance_amount)
        .unwrap_or(cleared);
    let now = Utc::now().timestamp();
    Json(AvailableBalance {
        id: account_id.parse::<u64>().ok().map(Into::into),
        real_account_number_last4: Some(
            account_id[account_id.len().saturating_sub(4)..].to_string(),
        ),
        available_balance: available + LIVE_DEPOSITS,
        available_balance_date: Some(now),
        cleared_balance: cleared,
        cleared_balance_date: Some(now),
        aggregation_status_code: Some(0),
        currency: record.currency,
    })
    .into_response()
}

/// A Finicity error answer: `{"code": ..., "message": ...}` with the status.
fn refusal(status: u16, code: &str, message: &str) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    tracing::debug!(code, message, "sandbox: Finicity request refused");
    (status, Json(ErrorMessage::new(code, message))).into_response()
}

fn header_text<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name)?.to_str().ok().filter(|v| !v.is_empty())
}
