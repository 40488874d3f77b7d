//! The sandbox open-banking bank's browser side: the authorize page (the consent named by the
//! request object's `openbanking_intent_id`, its permissions and expiry, Approve and Deny), its
//! form POST (Approve authorises the consent and issues a code, Deny rejects it), and the
//! authorization-code and refresh-token grants of the token endpoint (PKCE checked, refresh
//! tokens rotated, a spent one refused). The request object is checked as a FAPI server does
//! (`request_object`), and its claims must match the query.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{SecondsFormat, Utc};
use serde_json::json;

use super::{request_object, OpenBanking, Token};
use crate::oauth::authcode::{challenge, random_text};
use crate::sandbox::authorize::{back, bad_request, escape, loopback_redirect, page, value, Page};

/// A code waiting to be exchanged.
#[derive(Debug, Clone)]
pub struct Grant {
    pub client_id: String,
    pub redirect_uri: String,
    pub challenge: String,
    pub consent_id: String,
    /// The request object's `nonce`, echoed in the ID token.
    pub nonce: Option<String>,
}

/// `GET /authorize`: the consent page.
pub async fn page_of(
    State(bank): State<Arc<OpenBanking>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let query = query.unwrap_or_default();
    let q = query.as_bytes();
    let (Some(client_id), Some(redirect), Some(state), Some(request)) = (
        value(q, "client_id"),
        value(q, "redirect_uri"),
        value(q, "state"),
        value(q, "request"),
    ) else {
        return bad_request("client_id, redirect_uri, state and request are required");
    };
    if value(q, "response_type").as_deref() != Some("code") {
        return bad_request("response_type must be code");
    }
    if loopback_redirect(&redirect).is_none() {
        return bad_request(
            "the sandbox redirects only to http://127.0.0.1:PORT/... or http://[::1]:PORT/...",
        );
    }
    let (Some(pkce), Some("S256")) = (
        value(q, "code_challenge"),
        value(q, "code_challenge_method").as_deref(),
    ) else {
        return bad_request("PKCE is required: code_challenge with code_challenge_method=S256");
    };
    let issuers = super::issuers(&headers);
    let claims = match request_object::check(&request, bank.client_cert(), &issuers, Utc::now()) {
        Ok(claims) => claims,
        Err(why) => return bad_request(&why),
    };
    let text = |key: &str| claims[key].as_str().map(str::to_string);
    if text("state") != Some(state.clone())
        || text("code_challenge") != Some(pkce.clone())
        || text("client_id") != Some(client_id.clone())
        || text("redirect_uri") != Some(redirect.clone())
    {
        return bad_request("the request object's client_id, redirect_uri, state or code_challenge differ from the query's");
    }
    let Some(consent_id) = claims["claims"]["id_token"]["openbanking_intent_id"]["value"]
        .as_str()
        .map(str::to_string)
    else {
        return bad_request("the request object names no openbanking_intent_id");
    };
    if let Some(nonce) = claims["nonce"].as_str() {
        let mut books = bank.lock();
        books.nonces.insert(consent_id.clone(), nonce.to_string());
    }
    let Some(consent) = bank.lock().consents.get(&consent_id).cloned() else {
        return bad_request(&format!("consent {consent_id} does not exist"));
    };
    if consent.status != "AwaitingAuthorisation" {
        return bad_request(&format!(
            "consent {consent_id} is {}, not AwaitingAuthorisation",
            consent.status
        ));
    }
    let ends = consent.expires.map_or_else(
        || "no end date".to_string(),
        |at| at.to_rfc3339_opts(SecondsFormat::Secs, true),
    );
    let list: String = consent
        .permissions
        .iter()
        .map(|p| format!("<li>{}</li>", escape(p)))
        .collect();
    page(&Page {
        title: "Sandbox open banking: authorise a consent",
        heading: "Sandbox open banking",
        question: format!(
            "The app <b>{}</b> asks for consent <b>{}</b>, until <b>{}</b>, with these permissions:",
            escape(&client_id),
            escape(&consent_id),
            escape(&ends)
        ),
        hidden: &[
            ("client_id", &client_id),
            ("redirect_uri", &redirect),
            ("state", &state),
            ("code_challenge", &pkce),
            ("consent_id", &consent_id),
        ],
        list,
    })
}

/// `POST /authorize`: Approve authorises the consent and issues a code, Deny rejects the
/// consent and sends `error=access_denied`; both back to the `redirect_uri` with the `state`.
pub async fn decide(State(bank): State<Arc<OpenBanking>>, form: Bytes) -> Response {
    let Some(target) = value(&form, "redirect_uri")
        .as_deref()
        .and_then(loopback_redirect)
    else {
        return bad_request("redirect_uri must be a loopback address");
    };
    let state = value(&form, "state").unwrap_or_default();
    let consent_id = value(&form, "consent_id").unwrap_or_default();
    let approved = value(&form, "decision").as_deref() == Some("approve");
    let mut books = bank.lock();
    let Some(consent) = books
        .consents
        .get_mut(&consent_id)
        .filter(|c| c.status == "AwaitingAuthorisation")
    else {
        return bad_request("the consent is unknown or not awaiting authorisation");
    };
    consent.status = if approved { "Authorised" } else { "Rejected" }.into();
    consent.updated = Utc::now();
    let code = approved.then(|| {
        let code = random_text().unwrap_or_else(|_| format!("code-{}", books.issued));
        let grant = Grant {
            client_id: value(&form, "client_id").unwrap_or_default(),
            redirect_uri: value(&form, "redirect_uri").unwrap_or_default(),
            challenge: value(&form, "code_challenge").unwrap_or_default(),
            nonce: books.nonces.remove(&consent_id),
            consent_id,
        };
        books.codes.insert(code.clone(), grant);
        code
    });
    drop(books);
    back(target, code.as_deref(), &state)
}

/// `grant_type=authorization_code` or `refresh_token`, the client already authenticated as
/// `client_id`: the consent's access token and a new (rotated) refresh token.
pub fn grant(bank: &OpenBanking, client_id: &str, form: &[u8]) -> Response {
    let granted = match value(form, "grant_type").as_deref() {
        Some("authorization_code") => exchange(bank, client_id, form),
        Some("refresh_token") => {
            let offered = value(form, "refresh_token").unwrap_or_default();
            let mut books = bank.lock();
            match books.refresh.remove(&offered) {
                Some(consent) => {
                    books.spent.insert(offered, consent.clone());
                    Ok((consent, None))
                }
                None => match books.spent.get(&offered).cloned() {
                    Some(family) => {
                        books.refresh.retain(|_, c| *c != family);
                        books
                            .tokens
                            .retain(|_, t| *t != Token::Consent(family.clone()));
                        Err("the refresh token was already used: every token of its consent is revoked")
                    }
                    None => Err("the refresh token is unknown, revoked or already used"),
                },
            }
        }
        _ => {
            let body = json!({"error": "unsupported_grant_type", "error_description": "use client_credentials, authorization_code or refresh_token"});
            return (StatusCode::BAD_REQUEST, Json(body)).into_response();
        }
    };
    match granted {
        Ok((consent, nonce)) => {
            let (access, refresh) = (token(), token());
            let id_token = nonce.map(|n| id_token(client_id, &consent, &n));
            let mut books = bank.lock();
            books
                .tokens
                .insert(access.clone(), Token::Consent(consent.clone()));
            books.refresh.insert(refresh.clone(), consent);
            let mut answer = json!({"access_token": access, "token_type": "Bearer", "expires_in": 3600, "refresh_token": refresh});
            if let Some(id_token) = id_token {
                answer["id_token"] = json!(id_token);
            }
            Json(answer).into_response()
        }
        Err(why) => {
            let body = json!({"error": "invalid_grant", "error_description": why});
            (StatusCode::BAD_REQUEST, Json(body)).into_response()
        }
    }
}

/// The ID token of a code exchange: the request object's nonce (another one for
/// `WRONG_NONCE_CLIENT`), signed HS256 with the client secret as OpenID Connect allows for a
/// confidential client (the sandbox has no key of its own).
fn id_token(client_id: &str, consent: &str, nonce: &str) -> String {
    let now = Utc::now().timestamp();
    let nonce = match client_id == super::WRONG_NONCE_CLIENT {
        true => "not-the-nonce-of-this-login",
        false => nonce,
    };
    let claims = json!({
        "iss": "treasury-sandbox-open-banking", "sub": consent, "aud": client_id,
        "iat": now, "exp": now + 300, "nonce": nonce,
        "openbanking_intent_id": consent, "acr": crate::bank::openbanking::consent::ACR_SCA,
    });
    let key = jsonwebtoken::EncodingKey::from_secret(super::CLIENT_SECRET.as_bytes());
    jsonwebtoken::encode(&jsonwebtoken::Header::default(), &claims, &key).unwrap_or_default()
}

fn token() -> String {
    random_text().unwrap_or_else(|_| format!("{:?}", std::time::Instant::now()))
}

/// A code is spent once, by the client it was issued to, for its redirect, with the verifier
/// of its challenge.
fn exchange(
    bank: &OpenBanking,
    client_id: &str,
    form: &[u8],
) -> Result<(String, Option<String>), &'static str> {
    let code = value(form, "code").unwrap_or_default();
    let grant = bank
        .lock()
        .codes
        .remove(&code)
        .ok_or("the authorization code is unknown or already used")?;
    if grant.client_id != client_id {
        return Err("the code was issued to another client");
    }
    if value(form, "redirect_uri").as_deref() != Some(grant.redirect_uri.as_str()) {
        return Err("redirect_uri differs from the authorization request's");
    }
    let verifier = value(form, "code_verifier").ok_or("code_verifier is required (PKCE)")?;
    if challenge(&verifier) != grant.challenge {
        return Err("code_verifier does not match the code_challenge");
    }
    Ok((grant.consent_id, grant.nonce))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spent_refresh_token_coming_back_revokes_every_token_of_its_consent() {
        let bank = OpenBanking::new();
        bank.lock().refresh.insert("rt-a".into(), "obc-x".into());
        let form = b"grant_type=refresh_token&refresh_token=rt-a";
        assert_eq!(grant(&bank, "sandbox", form).status(), StatusCode::OK);
        assert_eq!(
            bank.lock()
                .refresh
                .values()
                .filter(|c| *c == "obc-x")
                .count(),
            1
        );
        assert_eq!(
            grant(&bank, "sandbox", form).status(),
            StatusCode::BAD_REQUEST
        );
        let books = bank.lock();
        assert!(books.refresh.values().all(|c| c != "obc-x"));
        assert!(!books
            .tokens
            .values()
            .any(|t| *t == Token::Consent("obc-x".into())));
    }
}
