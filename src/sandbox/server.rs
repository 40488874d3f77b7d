//! The sandbox's HTTP side: routes, handlers, and how refusals become statuses and JSON bodies.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::Utc;
use serde_json::json;

use super::auth::{
    bearer_token, check_assertion, form_value, is_sandbox_client, uses_assertion, ClientCert,
    SeenAssertions, TokenStore, TOKEN_LIFETIME,
};
use super::jpmorgan::accounts::{AccountBook, BANKS};
use super::jpmorgan::answer::answer;
use super::jpmorgan::refusal::Refusal;
use super::jpmorgan::rules::read_inquiry;
use super::CLIENT_ID;

/// What the server knows: its accounts, the tokens it issued, and how clients authenticate.
#[derive(Debug)]
pub struct Bank {
    pub book: AccountBook,
    pub tokens: TokenStore,
    /// The secret of the client `sandbox` over HTTP Basic.
    pub client_secret: String,
    /// The server's own token URL: the audience client assertions must name.
    pub token_url: String,
    /// The certificate whose key signs client assertions; none refuses them.
    pub client_cert: Option<ClientCert>,
    pub seen_assertions: SeenAssertions,
    /// Every connection carries a verified client certificate: no bearer token needed.
    pub mtls: bool,
}

/// Every part's routes, each under its mount (J.P. Morgan's at the root), over one state.
pub fn router(bank: Arc<Bank>) -> Router {
    let mut app = Router::new();
    for part in super::registry::PARTS {
        let routes = (part.routes)(&bank);
        app = match part.mount {
            "" => app.merge(routes),
            mount => app.nest(mount, routes),
        };
    }
    app.fallback(unknown_path)
        .layer(middleware::from_fn(log_request))
        .with_state(bank)
}

/// The contract's own API at the root: what it is, the token endpoint, the balance inquiry.
pub(super) fn root_routes() -> Router<Arc<Bank>> {
    Router::new()
        .route("/", get(about))
        .route("/oauth2/token", post(issue_token))
        .route("/balance", post(balance))
}

/// One log line per request (`-v`): method, path and status, never a header or a body.
async fn log_request(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let response = next.run(request).await;
    tracing::info!(
        "sandbox: {method} {path} answered {}",
        response.status().as_u16()
    );
    response
}

async fn about(State(bank): State<Arc<Bank>>) -> String {
    let mut ways = vec![format!(
        "HTTP Basic with client id {CLIENT_ID} and its secret"
    )];
    if bank.client_cert.is_some() {
        ways.push("a client assertion (private_key_jwt) signed for the client certificate".into());
    }
    let balance = match bank.mtls {
        true => "POST /balance over mutual TLS (no token needed)",
        false => "POST /balance with the bearer token",
    };
    format!(
        "treasury sandbox bank: {} accounts at {} banks. POST /oauth2/token with \
         grant_type=client_credentials and {}, then {balance}.\n",
        bank.book.all().len(),
        BANKS.len(),
        ways.join(" or ")
    )
}

async fn unknown_path() -> (StatusCode, &'static str) {
    (
        StatusCode::NOT_FOUND,
        "no such endpoint: the sandbox serves POST /oauth2/token and POST /balance\n",
    )
}

/// `POST /oauth2/token`: the client authenticated (HTTP Basic or a client assertion), then the
/// form's grant type.
async fn issue_token(State(bank): State<Arc<Bank>>, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(why) = authenticate_client(&bank, &headers, &body) {
        tracing::debug!("sandbox: token refused: {why}");
        return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", &why);
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

/// HTTP Basic with the sandbox's client id and secret, or a client assertion signed for the
/// registered client certificate.
fn authenticate_client(bank: &Bank, headers: &HeaderMap, form: &[u8]) -> Result<(), String> {
    if uses_assertion(form) {
        let cert = bank.client_cert.as_ref();
        return check_assertion(
            cert,
            &bank.seen_assertions,
            form,
            &bank.token_url,
            Utc::now(),
        );
    }
    match is_sandbox_client(authorization(headers), &bank.client_secret) {
        true => Ok(()),
        false => Err(format!(
            "client authentication failed: use HTTP Basic with client id {CLIENT_ID} and the sandbox's secret"
        )),
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

/// `POST /balance`: a bearer token (unless mutual TLS vouched for the client), then the request
/// body checked and answered.
async fn balance(State(bank): State<Arc<Bank>>, headers: HeaderMap, body: Bytes) -> Response {
    let token = authorization(&headers).and_then(bearer_token);
    if !bank.mtls && !token.is_some_and(|t| bank.tokens.is_valid(t)) {
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
