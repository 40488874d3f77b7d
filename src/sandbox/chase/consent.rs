//! The sandbox Chase's consent side: the authorize page (HTML, accounts as checkboxes, Approve
//! and Deny), its form POST redirecting to the `redirect_uri`, and the token endpoint
//! (authorization code with PKCE, the client by HTTP Basic or a public one; rotating refresh
//! tokens, a spent one coming back revoking its whole login) and RFC 7009 revocation.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use super::{data, Chase, Grant};
use crate::oauth::authcode::challenge;
use crate::sandbox::auth::basic_credentials;
use crate::sandbox::authorize::{
    back, bad_request, escape, loopback_redirect, page, value, values, Page,
};

/// `GET /aggregator-oauth/v1/authorize`: the consent page.
pub async fn authorize_page(RawQuery(query): RawQuery) -> Response {
    let query = query.unwrap_or_default();
    let q = query.as_bytes();
    let (Some(client_id), Some(redirect), Some(state)) = (
        value(q, "client_id"),
        value(q, "redirect_uri"),
        value(q, "state"),
    ) else {
        return bad_request("client_id, redirect_uri and state are required");
    };
    if value(q, "response_type").as_deref() != Some("code") {
        return bad_request("response_type must be code");
    }
    if loopback_redirect(&redirect).is_none() {
        return bad_request(
            "the sandbox redirects only to http://127.0.0.1:PORT/... or http://[::1]:PORT/...",
        );
    }
    let pkce = match (
        value(q, "code_challenge"),
        value(q, "code_challenge_method").as_deref(),
    ) {
        (Some(c), Some("S256")) => c,
        _ => {
            return bad_request("PKCE is required: code_challenge with code_challenge_method=S256")
        }
    };
    let boxes: String = data::accounts()
        .iter()
        .map(|(_, record, _)| {
            let id = escape(record["accountId"].as_str().unwrap_or_default());
            let name = escape(record["productName"].as_str().unwrap_or_default());
            format!("<li><label><input type=\"checkbox\" name=\"accounts\" value=\"{id}\" checked> {name} ({id})</label></li>")
        })
        .collect();
    page(&Page {
        title: "Sandbox Chase: share accounts",
        heading: "Sandbox Chase",
        question: format!(
            "The app <b>{}</b> asks to read the balances of these accounts:",
            escape(&client_id)
        ),
        hidden: &[
            ("client_id", &client_id),
            ("redirect_uri", &redirect),
            ("state", &state),
            ("code_challenge", &pkce),
        ],
        list: boxes,
    })
}

/// `POST /aggregator-oauth/v1/authorize`: Approve issues a code for the ticked accounts, Deny
/// sends `error=access_denied`; both back to the `redirect_uri` with the `state`.
pub async fn decide(State(chase): State<Arc<Chase>>, form: Bytes) -> Response {
    let Some(target) = value(&form, "redirect_uri")
        .as_deref()
        .and_then(loopback_redirect)
    else {
        return bad_request("redirect_uri must be a loopback address");
    };
    let state = value(&form, "state").unwrap_or_default();
    let accounts = values(&form, "accounts");
    let approved = value(&form, "decision").as_deref() == Some("approve") && !accounts.is_empty();
    let code = approved.then(|| {
        chase.issue_code(Grant {
            client_id: value(&form, "client_id").unwrap_or_default(),
            redirect_uri: target_text(&form),
            challenge: value(&form, "code_challenge").unwrap_or_default(),
            accounts,
        })
    });
    back(target, code.as_deref(), &state)
}

fn target_text(form: &[u8]) -> String {
    value(form, "redirect_uri").unwrap_or_default()
}

/// The client a token request comes from: by HTTP Basic (a confidential client, its secret
/// checked; none when it is wrong), else `client_id` in the form (a public client, proven by
/// PKCE).
fn client_of(chase: &Chase, headers: &HeaderMap, form: &[u8]) -> Option<String> {
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(basic_credentials);
    match basic {
        Some((id, secret)) if secret == chase.client_secret => Some(id),
        Some(_) => None,
        None => Some(value(form, "client_id").unwrap_or_default()),
    }
}

fn client_refused() -> Response {
    token_error(
        StatusCode::UNAUTHORIZED,
        "invalid_client",
        "client authentication failed",
    )
}

/// `POST /aggregator-oauth/v1/revoke` (RFC 7009): 200 whatever the token was.
pub async fn revoke(State(chase): State<Arc<Chase>>, headers: HeaderMap, form: Bytes) -> Response {
    if client_of(&chase, &headers, &form).is_none() {
        return client_refused();
    }
    chase.revoke(&value(&form, "token").unwrap_or_default());
    StatusCode::OK.into_response()
}

/// `POST /aggregator-oauth/v1/token`.
pub async fn token(State(chase): State<Arc<Chase>>, headers: HeaderMap, form: Bytes) -> Response {
    let Some(client_id) = client_of(&chase, &headers, &form) else {
        return client_refused();
    };
    let granted = match value(&form, "grant_type").as_deref() {
        Some("authorization_code") => exchange(&chase, &form, &client_id),
        Some("refresh_token") => {
            let offered = value(&form, "refresh_token").unwrap_or_default();
            chase.rotate(&offered).ok_or(
                "the refresh token is unknown, revoked or already used (a spent one revokes its login)",
            )
        }
        _ => {
            return token_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "use authorization_code or refresh_token",
            )
        }
    };
    match granted {
        Ok((access, refresh)) => {
            tracing::debug!("sandbox chase: tokens issued");
            let body = json!({
                "token_type": "Bearer",
                "access_token": access,
                "expires_in": chase.access_lifetime.as_secs(),
                "refresh_token": refresh,
                "refresh_token_expires_in": super::REFRESH_LIFETIME_SECS,
                "scope": "accounts",
                "consented_on": "2026-01-15T14:00:00Z",
            });
            ([(header::CACHE_CONTROL, "no-store")], Json(body)).into_response()
        }
        Err(why) => token_error(StatusCode::BAD_REQUEST, "invalid_grant", why),
    }
}

/// A code is spent once, for the redirect it was issued to, with the verifier of its challenge.
fn exchange(chase: &Chase, form: &[u8], client_id: &str) -> Result<(String, String), &'static str> {
    let code = value(form, "code").unwrap_or_default();
    let grant = chase
        .take_code(&code)
        .ok_or("the authorization code is unknown or already used")?;
    if value(form, "redirect_uri").as_deref() != Some(grant.redirect_uri.as_str()) {
        return Err("redirect_uri differs from the authorization request's");
    }
    if client_id != grant.client_id {
        return Err("client_id differs from the authorization request's");
    }
    let verifier = value(form, "code_verifier").ok_or("code_verifier is required (PKCE)")?;
    if challenge(&verifier) != grant.challenge {
        return Err("code_verifier does not match the code_challenge");
    }
    Ok(chase.issue_tokens(grant.accounts))
}

fn token_error(status: StatusCode, error: &str, description: &str) -> Response {
    tracing::debug!("sandbox chase: token refused: {error}");
    (
        status,
        Json(json!({ "error": error, "error_description": description })),
    )
        .into_response()
}
