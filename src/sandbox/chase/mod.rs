//! The sandbox's Chase: the consent page and token endpoint (`consent`), and the FDX v4 data
//! API (`GET /fdx/v4/accounts`, paged with an opaque cursor; `GET /fdx/v4/accounts/{id}`) for
//! the accounts a login consented to. Nested by the caller under a prefix (`/chase`).
//!
//! `DEMO_ACCESS_TOKEN` is a public token that never expires and sees every account: what
//! `--sandbox=chase` uses, so the demo needs no browser.

mod part;
pub use part::PART;
mod consent;
pub mod data;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::oauth::authcode::random_text;

/// The public token of the demo (`--sandbox=chase`): every account, no expiry.
pub const DEMO_ACCESS_TOKEN: &str = "sandbox-chase-demo";
/// The client id the sandbox's ready profile names (any is accepted).
pub const CLIENT_ID: &str = "sandbox";
/// Chase's prose says access tokens last about 15 minutes.
pub const ACCESS_LIFETIME: Duration = Duration::from_secs(15 * 60);
/// Chase's example `refresh_token_expires_in`: a year.
pub const REFRESH_LIFETIME_SECS: u64 = 31_536_000;
/// `--data-path` of the FDX API under the prefix.
pub const DATA_PATH: &str = "/fdx/v4";

/// An authorization waiting for its code to be exchanged.
#[derive(Debug, Clone)]
pub struct Grant {
    pub client_id: String,
    pub redirect_uri: String,
    pub challenge: String,
    pub accounts: Vec<String>,
}

/// One login: the accounts it shares. Every token rotated from it is of its family.
#[derive(Debug, Clone)]
struct Family {
    id: u64,
    accounts: Vec<String>,
}

/// The server's state: codes, tokens (each of a login's family), spent refresh tokens, and the
/// families revoked because a spent token came back (RFC 9700 4.14.2).
#[derive(Debug)]
pub struct Chase {
    access_lifetime: Duration,
    /// The secret a client authenticating by HTTP Basic must send; a public client sends none.
    client_secret: String,
    codes: Mutex<HashMap<String, Grant>>,
    access: Mutex<HashMap<String, (Instant, Family)>>,
    refresh: Mutex<HashMap<String, Family>>,
    spent: Mutex<HashMap<String, u64>>,
    families: Mutex<u64>,
}

impl Default for Chase {
    fn default() -> Self {
        Chase::with_secret(crate::sandbox::CLIENT_SECRET)
    }
}

fn token() -> String {
    random_text().unwrap_or_else(|_| format!("{:?}", Instant::now()))
}

impl Chase {
    pub fn with_secret(client_secret: &str) -> Chase {
        Chase {
            access_lifetime: ACCESS_LIFETIME,
            client_secret: client_secret.to_string(),
            codes: Mutex::default(),
            access: Mutex::default(),
            refresh: Mutex::default(),
            spent: Mutex::default(),
            families: Mutex::default(),
        }
    }

    fn issue_code(&self, grant: Grant) -> String {
        let code = token();
        lock(&self.codes).insert(code.clone(), grant);
        code
    }

    fn take_code(&self, code: &str) -> Option<Grant> {
        lock(&self.codes).remove(code)
    }

    /// The first tokens of a new login sharing these accounts.
    fn issue_tokens(&self, accounts: Vec<String>) -> (String, String) {
        let id = {
            let mut families = lock(&self.families);
            *families += 1;
            *families
        };
        self.issue_in(Family { id, accounts })
    }

    fn issue_in(&self, family: Family) -> (String, String) {
        let (access, refresh) = (token(), token());
        lock(&self.access).insert(access.clone(), (Instant::now(), family.clone()));
        lock(&self.refresh).insert(refresh.clone(), family);
        (access, refresh)
    }

    /// Spends a refresh token for new tokens of its family. A spent one coming back revokes
    /// the whole family (every refresh and access token of that login); an unknown one gets
    /// nothing.
    fn rotate(&self, offered: &str) -> Option<(String, String)> {
        let spent_family = lock(&self.spent).get(offered).copied();
        if let Some(id) = spent_family {
            self.revoke_family(id);
            return None;
        }
        let family = lock(&self.refresh).remove(offered)?;
        lock(&self.spent).insert(offered.to_string(), family.id);
        Some(self.issue_in(family))
    }

    /// RFC 7009: a refresh token revoked ends its login; anything else is as good as revoked.
    fn revoke(&self, offered: &str) {
        let family = lock(&self.refresh).get(offered).map(|f| f.id);
        if let Some(id) = family {
            self.revoke_family(id);
        }
    }

    fn revoke_family(&self, id: u64) {
        tracing::debug!("sandbox chase: a login's tokens revoked");
        lock(&self.refresh).retain(|_, f| f.id != id);
        lock(&self.access).retain(|_, (_, f)| f.id != id);
    }

    /// The accounts a bearer token may read; `None` for an unknown or expired token.
    fn accounts_of(&self, token: &str) -> Option<Vec<String>> {
        if token == DEMO_ACCESS_TOKEN {
            return Some(all_ids());
        }
        let tokens = lock(&self.access);
        let (issued, family) = tokens.get(token)?;
        (issued.elapsed() < self.access_lifetime).then(|| family.accounts.clone())
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

fn all_ids() -> Vec<String> {
    data::accounts()
        .iter()
        .map(|(_, r, _)| r["accountId"].as_str().unwrap_or_default().to_string())
        .collect()
}

pub fn router<S: Clone + Send + Sync + 'static>(state: Arc<Chase>) -> Router<S> {
    Router::new()
        .route(
            "/aggregator-oauth/v1/authorize",
            get(consent::authorize_page).post(consent::decide),
        )
        .route(
            "/aggregator-oauth/v1/token",
            axum::routing::post(consent::token),
        )
        .route(
            "/aggregator-oauth/v1/revoke",
            axum::routing::post(consent::revoke),
        )
        .route("/fdx/v4/accounts", get(accounts))
        .route("/fdx/v4/accounts/{account_id}", get(account))
        .with_state(state)
}

fn fdx_error(status: StatusCode, code: u32, message: &str) -> Response {
    (status, Json(json!({ "code": code, "message": message }))).into_response()
}

/// The accounts of the bearer token; `None` for a missing, unknown or expired one.
fn authorized(chase: &Chase, headers: &HeaderMap) -> Option<Vec<String>> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    token.and_then(|t| chase.accounts_of(t))
}

fn unauthorized(headers: &HeaderMap) -> Response {
    let refused = fdx_error(
        StatusCode::UNAUTHORIZED,
        601,
        "the access token is missing, invalid or expired",
    );
    echo(headers, refused)
}

/// Every interaction id is echoed back, as FDX servers do.
fn echo(headers: &HeaderMap, response: Response) -> Response {
    let mut response = response;
    if let Some(id) = headers.get("x-fapi-interaction-id") {
        response
            .headers_mut()
            .insert("x-fapi-interaction-id", id.clone());
    }
    response
}

/// `GET /fdx/v4/accounts?offset=CURSOR&limit=N`: `PAGE_SIZE` accounts at most per page.
async fn accounts(
    State(chase): State<Arc<Chase>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let Some(shared) = authorized(&chase, &headers) else {
        return unauthorized(&headers);
    };
    let query = query.unwrap_or_default();
    let offset = form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "offset")
        .map(|(_, v)| v.into_owned());
    let start = match offset.as_deref().map(data::start_of) {
        None => 0,
        Some(Some(start)) => start,
        Some(None) => {
            return echo(
                &headers,
                fdx_error(
                    StatusCode::BAD_REQUEST,
                    703,
                    "offset is not a cursor this server gave",
                ),
            )
        }
    };
    let visible: Vec<(&str, Value, bool)> = data::accounts()
        .into_iter()
        .filter(|(_, r, _)| shared.iter().any(|id| r["accountId"] == id.as_str()))
        .collect();
    let end = (start + data::PAGE_SIZE).min(visible.len());
    let page: Vec<Value> = visible[start.min(end)..end]
        .iter()
        .map(|(kind, record, full)| json!({ *kind: data::listed(record, *full) }))
        .collect();
    let mut paging = json!({ "totalElements": visible.len() });
    if end < visible.len() {
        paging["nextOffset"] = json!(data::cursor(end));
    }
    echo(
        &headers,
        Json(json!({ "page": paging, "accounts": page })).into_response(),
    )
}

/// `GET /fdx/v4/accounts/{accountId}`: the account object with its balances.
async fn account(
    State(chase): State<Arc<Chase>>,
    headers: HeaderMap,
    Path(account_id): Path<String>,
) -> Response {
    let Some(shared) = authorized(&chase, &headers) else {
        return unauthorized(&headers);
    };
    let found = data::accounts()
        .into_iter()
        .find(|(_, r, _)| r["accountId"] == account_id.as_str())
        .filter(|_| shared.contains(&account_id));
    let response = match found {
        Some((_, record, _)) => Json(record).into_response(),
        None => fdx_error(StatusCode::NOT_FOUND, 701, "Account not found"),
    };
    echo(&headers, response)
}

#[cfg(test)]
mod tests {
    use super::data::{cursor, start_of};

    #[test]
    fn cursors_round_trip_and_others_are_refused() {
        for start in [0, 3, 6, 300] {
            assert_eq!(start_of(&cursor(start)), Some(start));
        }
        assert_eq!(start_of("3"), None);
        assert_eq!(start_of("pg1z"), None);
    }

    #[test]
    fn a_spent_refresh_token_coming_back_revokes_the_whole_login() {
        let chase = super::Chase::default();
        let (_, first) = chase.issue_tokens(vec!["chk-1001".into()]);
        let (access, second) = chase.rotate(&first).expect("a live token rotates");
        assert!(chase.accounts_of(&access).is_some());
        assert!(chase.rotate(&first).is_none(), "a spent one is refused");
        assert!(
            chase.rotate(&second).is_none(),
            "and its successor is revoked with it"
        );
        assert!(
            chase.accounts_of(&access).is_none(),
            "as are its access tokens"
        );
        let (_, other) = chase.issue_tokens(vec!["chk-1001".into()]);
        chase.revoke(&other);
        assert!(
            chase.rotate(&other).is_none(),
            "RFC 7009 revocation ends a login"
        );
    }
}
