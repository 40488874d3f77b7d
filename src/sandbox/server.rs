//! The sandbox's HTTP side: routes, handlers, and how refusals become statuses and JSON bodies.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::Utc;
use serde_json::json;

use super::accounts::{AccountBook, BANKS};
use super::answer::answer;
use super::auth::{bearer_token, form_value, is_sandbox_client, TokenStore, TOKEN_LIFETIME};
use super::refusal::Refusal;
use super::rules::read_inquiry;

/// What the server knows: its accounts and the tokens it issued.
#[derive(Debug, Default)]
pub struct Bank {
    pub book: AccountBook,
    pub tokens: TokenStore,
}

pub fn router(bank: Arc<Bank>) -> Router {
    Router::new()
        .route("/", get(about))
        .route("/oauth2/token", post(issue_token))
        .route("/balance", post(balance))
        .fallback(unknown_path)
        .with_state(bank)
}

async fn about(State(bank): State<Arc<Bank>>) -> String {
    format!(
        "treasury sandbox bank: {} accounts at {} banks. POST /oauth2/token with HTTP Basic \
         sandbox:sandbox and grant_type=client_credentials, then POST /balance with the bearer token.\n",
        bank.book.all().len(),
        BANKS.len()
    )
}

async fn unknown_path() -> (StatusCode, &'static str) {
    (
        StatusCode::NOT_FOUND,
        "no such endpoint: the sandbox serves POST /oauth2/token and POST /balance\n",
    )
}

/// `POST /oauth2/token`: client credentials over HTTP Basic, form body with the grant type.
async fn issue_token(State(bank): State<Arc<Bank>>, headers: HeaderMap, body: Bytes) -> Response {
    if !is_sandbox_client(authorization(&headers)) {
        tracing::debug!("sandbox: token refused, wrong client credentials");
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "client authentication failed: use HTTP Basic with sandbox:sandbox",
        );
    }
    match form_value(&body, "grant_type").as_deref() {
        Some("client_credentials") => token_answer(bank.tokens.issue()),
        Some(_) => oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "only grant_type=client_credentials is supported",
        ),
        None => oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "the form body must carry grant_type=client_credentials",
        ),
    }
}

fn token_answer(token: String) -> Response {
    tracing::debug!("sandbox: token issued");
    let body = json!({
        "access_token": token,
        "token_type": "Bearer",
        "expires_in": TOKEN_LIFETIME.as_secs(),
    });
    ([(header::CACHE_CONTROL, "no-store")], Json(body)).into_response()
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    let body = Json(json!({ "error": error, "error_description": description }));
    if status == StatusCode::UNAUTHORIZED {
        let challenge = [(header::WWW_AUTHENTICATE, r#"Basic realm="sandbox""#)];
        return (status, challenge, body).into_response();
    }
    (status, body).into_response()
}

/// `POST /balance`: a bearer token, then the request body checked and answered.
async fn balance(State(bank): State<Arc<Bank>>, headers: HeaderMap, body: Bytes) -> Response {
    let token = authorization(&headers).and_then(bearer_token);
    if !token.is_some_and(|t| bank.tokens.is_valid(t)) {
        let challenge = [(header::WWW_AUTHENTICATE, r#"Bearer realm="sandbox""#)];
        return (challenge, refusal_response(Refusal::unauthorized())).into_response();
    }
    let answered = read_inquiry(&body).and_then(|inquiry| answer(&bank.book, &inquiry, Utc::now()));
    match answered {
        Ok(answer) => {
            tracing::debug!(
                accounts = answer.account_list.len(),
                "sandbox: balances answered"
            );
            Json(answer).into_response()
        }
        Err(refusal) => refusal_response(refusal),
    }
}

fn refusal_response(refusal: Refusal) -> Response {
    tracing::debug!(code = refusal.code, message = %refusal.message, "sandbox: request refused");
    (refusal.status, Json(refusal.body())).into_response()
}

fn authorization(headers: &HeaderMap) -> Option<&str> {
    headers.get(header::AUTHORIZATION)?.to_str().ok()
}
