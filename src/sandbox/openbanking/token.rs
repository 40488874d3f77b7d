//! The sandbox open-banking bank's token endpoint: the client authenticated (HTTP Basic with
//! the sandbox secret, or a FAPI `private_key_jwt` assertion signed for the registered
//! certificate), then client credentials (scope `accounts`) or the grants of `authorize`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::Utc;
use serde_json::json;

use super::{
    authorize, issuers, OpenBanking, Token, CLIENT_SECRET, REJECTING_CLIENT, WRONG_NONCE_CLIENT,
};
use crate::sandbox::auth::{basic_credentials, form_value};
use crate::sandbox::CLIENT_ID;

/// `POST /token`, the client authenticated with HTTP Basic (client `sandbox`, or
/// `sandbox-rejected`): `client_credentials` (scope `accounts`) for the consent calls, or the
/// authorization-code and refresh-token grants of a consent.
pub async fn token(
    State(bank): State<Arc<OpenBanking>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let client_id = match client_of(&bank, &headers, &body) {
        Ok(client_id) => client_id,
        Err(why) => {
            let body = json!({"error": "invalid_client", "error_description": why});
            return (StatusCode::UNAUTHORIZED, Json(body)).into_response();
        }
    };
    if form_value(&body, "grant_type").as_deref() != Some("client_credentials") {
        return authorize::grant(&bank, &client_id, &body);
    }
    let mut books = bank.lock();
    books.issued += 1;
    let token = format!("ob-client-{:08}", books.issued);
    books.tokens.insert(token.clone(), Token::Client);
    if client_id == REJECTING_CLIENT {
        books.rejecting.insert(token.clone());
    }
    Json(json!({"access_token": token, "token_type": "Bearer", "expires_in": 3600})).into_response()
}

const CLIENTS: [&str; 3] = [CLIENT_ID, REJECTING_CLIENT, WRONG_NONCE_CLIENT];

/// The client of a token request: HTTP Basic with the sandbox secret, or a FAPI client
/// assertion (PS256/ES256) signed for the registered certificate.
fn client_of(bank: &OpenBanking, headers: &HeaderMap, form: &[u8]) -> Result<String, String> {
    if crate::sandbox::auth::uses_assertion(form) {
        let urls: Vec<String> = issuers(headers)
            .iter()
            .map(|origin| format!("{origin}/open-banking/token"))
            .collect();
        let seen = &bank.seen_assertions;
        let client = crate::sandbox::auth::check_fapi_assertion(
            bank.client_cert(),
            seen,
            form,
            &urls,
            Utc::now(),
        )?;
        return match CLIENTS.contains(&client.as_str()) {
            true => Ok(client),
            false => Err(format!("unknown client {client}")),
        };
    }
    headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(basic_credentials)
        .filter(|(id, secret)| CLIENTS.contains(&id.as_str()) && secret == CLIENT_SECRET)
        .map(|(id, _)| id)
        .ok_or_else(|| {
            "use HTTP Basic with client id sandbox, or a private_key_jwt assertion signed for --client-cert".to_string()
        })
}
