//! The sandbox's open-banking bank: a token endpoint (client credentials, scope `accounts`; the
//! code and refresh grants of `authorize`), account-access consents with their status changes
//! (created `AwaitingAuthorisation`, authorised or rejected on the authorize page, deleted
//! `Revoked`), and data endpoints that answer only for an `Authorised`, unexpired consent (403
//! otherwise), echoing `x-fapi-interaction-id`. One consent is pre-authorised, with a public
//! access token, so `--sandbox=open-banking` needs no browser. Every request is recorded for
//! tests (`GET /sandbox/requests`). Nested by the caller (the sandbox uses `/open-banking`).

mod part;
pub use part::PART;
mod authorize;
#[cfg(test)]
mod client_tests;
pub mod data;
mod refusals;
mod request_object;
mod token;

use refusals::{field_refusal, not_found, refusal};

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

use super::auth::bearer_token;
use crate::bank::openbanking::wire::{
    AccountsData, AccountsPage, BalancesData, BalancesPage, ConsentAnswer, ConsentData,
    ConsentRequest, Links, Meta,
};

/// The path the data API lives under, below the nesting prefix.
pub const API: &str = "/v3.1/aisp";
/// The consent ready for `--sandbox=open-banking`, and its public access token.
pub const PREAUTHORISED_CONSENT: &str = "obc-sandbox-preauthorised";
pub const PREAUTHORISED_TOKEN: &str = "ob-sandbox-preauthorised-token";
/// The client secret the token endpoint accepts (client id `sandbox`, like J.P. Morgan's).
pub const CLIENT_SECRET: &str = "sandbox";
/// A client (same secret) whose consents the sandbox answers `Rejected`, for tests and demos.
pub const REJECTING_CLIENT: &str = "sandbox-rejected";
/// A client (same secret) whose ID tokens name another nonce than its request object's: a
/// substituted answer, for tests of the client's nonce check.
pub const WRONG_NONCE_CLIENT: &str = "sandbox-wrong-nonce";
const INTERACTION_ID: &str = "x-fapi-interaction-id";

/// One request as the sandbox saw it: enough for a test to check headers and bodies.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub authorization: bool,
    pub interaction_id: Option<String>,
    pub financial_id: Option<String>,
    pub customer_ip: bool,
    pub body: Option<serde_json::Value>,
}

#[derive(Debug, Clone)]
struct Consent {
    status: String,
    permissions: Vec<String>,
    created: DateTime<Utc>,
    updated: DateTime<Utc>,
    expires: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    /// Client credentials: consent endpoints only.
    Client,
    /// The access token of one consent: data endpoints.
    Consent(String),
}

#[derive(Debug, Default)]
struct Books {
    consents: HashMap<String, Consent>,
    tokens: HashMap<String, Token>,
    /// Client-credentials tokens of `REJECTING_CLIENT`: their consents are `Rejected`.
    rejecting: std::collections::HashSet<String>,
    codes: HashMap<String, authorize::Grant>,
    /// Consent id → the `nonce` of the request object that opened its authorize page.
    nonces: HashMap<String, String>,
    /// Refresh token → consent id; spent on use (rotation).
    refresh: HashMap<String, String>,
    /// Spent refresh tokens → consent id: one coming back revokes every token of that consent
    /// (RFC 9700 4.14.2).
    spent: HashMap<String, String>,
    seen: Vec<Seen>,
    issued: u64,
}

/// The open-banking part's state.
#[derive(Debug, Default)]
pub struct OpenBanking {
    books: Mutex<Books>,
    /// The client certificate registered with the bank (`sandbox serve --client-cert`): request
    /// objects must be signed by its key. Without one their signature is not checked.
    client_cert: Option<super::ClientCert>,
    /// The `jti` of client assertions accepted.
    seen_assertions: super::auth::SeenAssertions,
}

impl OpenBanking {
    /// With the pre-authorised consent, ending 90 days from now.
    pub fn new() -> Arc<OpenBanking> {
        OpenBanking::registering(None)
    }

    /// `new`, with the client certificate that signs request objects.
    pub fn registering(client_cert: Option<super::ClientCert>) -> Arc<OpenBanking> {
        let now = Utc::now();
        let bank = OpenBanking {
            client_cert,
            ..OpenBanking::default()
        };
        {
            let mut books = bank.lock();
            books.consents.insert(
                PREAUTHORISED_CONSENT.into(),
                Consent {
                    status: "Authorised".into(),
                    permissions: crate::bank::openbanking::PERMISSIONS
                        .iter()
                        .map(ToString::to_string)
                        .collect(),
                    created: now,
                    updated: now,
                    expires: Some(now + Duration::days(90)),
                },
            );
            books.tokens.insert(
                PREAUTHORISED_TOKEN.into(),
                Token::Consent(PREAUTHORISED_CONSENT.into()),
            );
        }
        Arc::new(bank)
    }

    fn client_cert(&self) -> Option<&super::ClientCert> {
        self.client_cert.as_ref()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Books> {
        self.books.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Every request received, in order.
    pub fn seen(&self) -> Vec<Seen> {
        self.lock().seen.clone()
    }

    fn record(&self, method: &Method, uri: &Uri, headers: &HeaderMap, body: &[u8]) {
        let text = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let seen = Seen {
            method: method.to_string(),
            path: uri.path().to_string(),
            authorization: headers.contains_key("authorization"),
            interaction_id: text(INTERACTION_ID),
            financial_id: text("x-fapi-financial-id"),
            customer_ip: headers.contains_key("x-fapi-customer-ip-address"),
            body: serde_json::from_slice(body).ok(),
        };
        self.lock().seen.push(seen);
    }

    fn token_of(&self, headers: &HeaderMap) -> Option<Token> {
        let header = headers.get("authorization")?.to_str().ok()?;
        let token = bearer_token(header)?;
        self.lock().tokens.get(token).cloned()
    }

    /// The refusal of a data call, unless its token's consent is `Authorised` and not expired.
    fn data_consent(&self, headers: &HeaderMap) -> Option<Response> {
        let Some(Token::Consent(id)) = self.token_of(headers) else {
            return Some(refusal(
                StatusCode::UNAUTHORIZED,
                "UK.OBIE.Unauthorized",
                "the access token is missing, unknown, or not a consent's",
            ));
        };
        let books = self.lock();
        let consent = books.consents.get(&id);
        match consent {
            Some(c) if c.status == "Authorised" && c.expires.is_none_or(|e| e > Utc::now()) => None,
            Some(c) => Some(refusal(
                StatusCode::FORBIDDEN,
                "UK.OBIE.Resource.InvalidConsentStatus",
                &format!(
                    "consent {id} is {}",
                    match c.status.as_str() {
                        "Authorised" => "Expired",
                        other => other,
                    }
                ),
            )),
            None => Some(refusal(
                StatusCode::FORBIDDEN,
                "UK.OBIE.Resource.NotFound",
                &format!("consent {id} does not exist"),
            )),
        }
    }

    /// Consent calls accept a client-credentials token, or the consent's own access token.
    fn may_manage(&self, headers: &HeaderMap, consent: Option<&str>) -> bool {
        match self.token_of(headers) {
            Some(Token::Client) => true,
            Some(Token::Consent(id)) => consent.is_some_and(|c| c == id),
            None => false,
        }
    }
}

/// The routes, relative to wherever the caller nests them.
pub fn router<S: Clone + Send + Sync + 'static>(state: Arc<OpenBanking>) -> Router<S> {
    Router::new()
        .route("/token", post(token::token))
        .route(
            "/authorize",
            get(authorize::page_of).post(authorize::decide),
        )
        .route(
            &format!("{API}/account-access-consents"),
            post(create_consent),
        )
        .route(
            &format!("{API}/account-access-consents/{{consent_id}}"),
            get(read_consent).delete(delete_consent),
        )
        .route(&format!("{API}/accounts"), get(accounts))
        .route(&format!("{API}/balances"), get(all_balances))
        .route(
            &format!("{API}/accounts/{{account_id}}/balances"),
            get(account_balances),
        )
        .route("/sandbox/requests", get(requests))
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&state),
            record_and_echo,
        ))
        .with_state(state)
}

/// Records each request and echoes its interaction id, as FAPI servers do.
async fn record_and_echo(
    State(bank): State<Arc<OpenBanking>>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, 1 << 20)
        .await
        .unwrap_or_default();
    if parts.uri.path() != "/sandbox/requests" {
        bank.record(&parts.method, &parts.uri, &parts.headers, &bytes);
    }
    let echo = parts.headers.get(INTERACTION_ID).cloned();
    let request = axum::extract::Request::from_parts(parts, axum::body::Body::from(bytes));
    let mut response = next.run(request).await;
    if let Some(id) = echo {
        response.headers_mut().insert(INTERACTION_ID, id);
    }
    response
}

async fn requests(State(bank): State<Arc<OpenBanking>>) -> Json<Vec<Seen>> {
    Json(bank.seen())
}

async fn create_consent(
    State(bank): State<Arc<OpenBanking>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if bank.token_of(&headers) != Some(Token::Client) {
        return refusal(
            StatusCode::UNAUTHORIZED,
            "UK.OBIE.Unauthorized",
            "creating a consent needs a client-credentials token",
        );
    }
    let Ok(request) = serde_json::from_slice::<ConsentRequest>(&body) else {
        return field_refusal("the body is not an OBReadConsent1", "Data");
    };
    let Some(expires) = DateTime::parse_from_rfc3339(&request.data.expiration_date_time).ok()
    else {
        return field_refusal(
            "ExpirationDateTime is not an ISO 8601 time",
            "Data.ExpirationDateTime",
        );
    };
    let now = Utc::now();
    let rejected = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(bearer_token)
        .is_some_and(|t| bank.lock().rejecting.contains(t));
    let mut books = bank.lock();
    books.issued += 1;
    let id = format!("obc-{:08}", books.issued);
    let consent = Consent {
        status: match rejected {
            true => "Rejected",
            false => "AwaitingAuthorisation",
        }
        .into(),
        permissions: request.data.permissions,
        created: now,
        updated: now,
        expires: Some(expires.with_timezone(&Utc)),
    };
    let answer = consent_answer(&id, &consent);
    books.consents.insert(id, consent);
    (StatusCode::CREATED, Json(answer)).into_response()
}

async fn read_consent(
    State(bank): State<Arc<OpenBanking>>,
    Path(consent_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if !bank.may_manage(&headers, Some(&consent_id)) {
        return refusal(
            StatusCode::UNAUTHORIZED,
            "UK.OBIE.Unauthorized",
            "no valid token",
        );
    }
    let books = bank.lock();
    match books.consents.get(&consent_id) {
        Some(consent) => Json(consent_answer(&consent_id, consent)).into_response(),
        None => not_found(&consent_id),
    }
}

async fn delete_consent(
    State(bank): State<Arc<OpenBanking>>,
    Path(consent_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if !bank.may_manage(&headers, Some(&consent_id)) {
        return refusal(
            StatusCode::UNAUTHORIZED,
            "UK.OBIE.Unauthorized",
            "no valid token",
        );
    }
    let mut books = bank.lock();
    match books.consents.get_mut(&consent_id) {
        Some(consent) => {
            consent.status = "Revoked".into();
            consent.updated = Utc::now();
            StatusCode::NO_CONTENT.into_response()
        }
        None => not_found(&consent_id),
    }
}

/// `GET /accounts`, `PAGE_SIZE` a page, `Links.Next` an absolute URL on this host.
async fn accounts(State(bank): State<Arc<OpenBanking>>, uri: Uri, headers: HeaderMap) -> Response {
    let asked = form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
        .find(|(k, _)| k == "page")
        .and_then(|(_, v)| v.parse::<usize>().ok());
    if let Some(refused) = bank.data_consent(&headers) {
        return refused;
    }
    let all = data::accounts();
    let pages = all.len().div_ceil(data::PAGE_SIZE);
    let page = asked.unwrap_or(1).clamp(1, pages);
    let account = all
        .into_iter()
        .skip((page - 1) * data::PAGE_SIZE)
        .take(data::PAGE_SIZE)
        .collect();
    let base = self_base(&headers);
    let links = Links {
        self_link: Some(format!("{base}/accounts?page={page}")),
        next: (page < pages).then(|| format!("{base}/accounts?page={}", page + 1)),
    };
    Json(AccountsPage {
        data: AccountsData { account },
        links,
        meta: Some(Meta {
            total_pages: Some(pages as u32),
        }),
    })
    .into_response()
}

async fn all_balances(State(bank): State<Arc<OpenBanking>>, headers: HeaderMap) -> Response {
    if let Some(refused) = bank.data_consent(&headers) {
        return refused;
    }
    balances_answer(
        data::balances_of(None),
        format!("{}/balances", self_base(&headers)),
    )
}

async fn account_balances(
    State(bank): State<Arc<OpenBanking>>,
    Path(account_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Some(refused) = bank.data_consent(&headers) {
        return refused;
    }
    let balance = data::balances_of(Some(&account_id));
    if balance.is_empty() {
        return refusal(
            StatusCode::NOT_FOUND,
            "UK.OBIE.Resource.NotFound",
            &format!("account {account_id} is not covered by the consent"),
        );
    }
    let link = format!("{}/accounts/{account_id}/balances", self_base(&headers));
    balances_answer(balance, link)
}

fn balances_answer(
    balance: Vec<crate::bank::openbanking::wire::BalanceRecord>,
    link: String,
) -> Response {
    Json(BalancesPage {
        data: BalancesData { balance },
        links: Links {
            self_link: Some(link),
            next: None,
        },
        meta: Some(Meta {
            total_pages: Some(1),
        }),
    })
    .into_response()
}

/// This authorization server's issuer as the client reached it (from `Host`): its origin, over
/// HTTP or HTTPS.
fn issuers(headers: &HeaderMap) -> Vec<String> {
    let host = headers
        .get("host")
        .and_then(|h: &HeaderValue| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    vec![format!("http://{host}"), format!("https://{host}")]
}

/// This host's API root as the client reached it (from `Host`), for absolute links.
fn self_base(headers: &HeaderMap) -> String {
    let host = headers
        .get("host")
        .and_then(|h: &HeaderValue| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    format!("http://{host}/open-banking{API}")
}

fn consent_answer(id: &str, consent: &Consent) -> ConsentAnswer {
    let time = |t: DateTime<Utc>| t.to_rfc3339_opts(SecondsFormat::Secs, true);
    ConsentAnswer {
        data: ConsentData {
            consent_id: id.into(),
            status: consent.status.clone(),
            creation_date_time: Some(time(consent.created)),
            status_update_date_time: Some(time(consent.updated)),
            permissions: consent.permissions.clone(),
            expiration_date_time: consent.expires.map(time),
        },
    }
}
