//! The client over real HTTP against the sandbox's open-banking router.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use reqwest::Url;

use crate::bank::openbanking::client::{Channel, Client, Settings};
use crate::bank::openbanking::consent::Consents;
use crate::config::Profile;
use crate::credentials::Access;
use crate::http::{Http, RetryPolicy, TlsSettings};
use crate::oauth::ReadyToken;
use crate::sandbox::openbanking::{self, OpenBanking, PREAUTHORISED_CONSENT, PREAUTHORISED_TOKEN};
use crate::secret::Secret;

async fn serve() -> (String, Arc<OpenBanking>) {
    let state = OpenBanking::new();
    let app: axum::Router =
        axum::Router::new().nest("/open-banking", openbanking::router(Arc::clone(&state)));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}/open-banking"), state)
}

fn channel(root: &str, token: &str, financial_id: Option<&str>) -> Channel {
    let base = Url::parse(&format!("{root}/v3.1/aisp")).unwrap();
    let retry = RetryPolicy {
        attempts: 1,
        max_wait: Duration::from_secs(1),
    };
    let http = Http::new(
        Duration::from_secs(5),
        retry,
        &TlsSettings::load(None, None).unwrap(),
    )
    .unwrap();
    let tokens = Arc::new(ReadyToken(Some(Secret::new(token))));
    let settings = Settings {
        base_url: base,
        financial_id: financial_id.map(str::to_string),
        profile: "ob".into(),
    };
    Channel::new(http, settings, tokens).unwrap()
}

#[tokio::test]
async fn accounts_over_two_pages_with_fresh_interaction_ids() {
    let (root, state) = serve().await;
    let client = Client::new(channel(
        &root,
        PREAUTHORISED_TOKEN,
        Some("0015800001041RHAAY"),
    ));
    let accounts = client.accounts().await.unwrap();
    let ids: Vec<&str> = accounts.iter().map(|a| a.account_id.as_str()).collect();
    assert_eq!(ids, ["GBP-0001", "EUR-0002", "GBP-0003", "GBP-0004"]);
    let seen = state.seen();
    assert_eq!(seen.len(), 2);
    assert!(seen[1].path.ends_with("/accounts"));
    assert!(seen.iter().all(|s| s.authorization && !s.customer_ip));
    assert!(seen
        .iter()
        .all(|s| s.financial_id.as_deref() == Some("0015800001041RHAAY")));
    let ids: std::collections::HashSet<_> = seen
        .iter()
        .filter_map(|s| s.interaction_id.clone())
        .collect();
    assert_eq!(ids.len(), 2);
}

#[tokio::test]
async fn balances_are_exact_and_debit_negative() {
    let (root, _) = serve().await;
    let client = Client::new(channel(&root, PREAUTHORISED_TOKEN, None));
    let report = client.balances(&[]).await.unwrap();
    assert_eq!(report.rows.len(), 4);
    let overdraft = &report.rows[2].balance;
    assert_eq!(overdraft.ending_ledger.unwrap().to_string(), "-1547.62");
    assert_eq!(
        report.rows[3].balance.ending_ledger.unwrap().to_string(),
        "9007199254740993.01"
    );
    assert_eq!(
        report.rows[0].balance.ending_ledger.unwrap().to_string(),
        "12345.67"
    );
}

#[tokio::test]
async fn a_revoked_consent_is_exit_3_with_the_hint() {
    let (root, state) = serve().await;
    let consents = Consents::new(channel(&root, PREAUTHORISED_TOKEN, None));
    consents.delete(PREAUTHORISED_CONSENT).await.unwrap();
    assert_eq!(
        consents.get(PREAUTHORISED_CONSENT).await.unwrap().status,
        "Revoked"
    );
    let client = Client::new(channel(&root, PREAUTHORISED_TOKEN, None));
    let err = client.balances(&[]).await.unwrap_err();
    assert_eq!(err.exit_code(), 3);
    assert!(
        err.to_string()
            .contains("UK.OBIE.Resource.InvalidConsentStatus"),
        "{err}"
    );
    assert_eq!(
        err.hint().as_deref(),
        Some("run 'treasury login -p ob' to renew the consent")
    );
    assert!(state.seen().iter().any(|s| s.method == "DELETE"));
}

#[tokio::test]
async fn a_consent_is_created_with_permissions_and_an_expiry() {
    let (root, state) = serve().await;
    let http = Http::new(
        Duration::from_secs(5),
        RetryPolicy {
            attempts: 1,
            max_wait: Duration::from_secs(1),
        },
        &TlsSettings::load(None, None).unwrap(),
    )
    .unwrap();
    let mut profile = Profile::with_defaults(
        "ob",
        &crate::bank::openbanking::SPEC.profile,
        Url::parse(&format!("{root}/v3.1/aisp")).unwrap(),
    );
    profile.token_url = Some(Url::parse(&format!("{root}/token")).unwrap());
    let access = Access::ClientSecret {
        client_id: "sandbox".into(),
        secret: Secret::new("sandbox"),
        source: crate::credentials::Source::Sandbox,
        cache: None,
    };
    let consents = crate::bank::openbanking::consents(
        &profile,
        access,
        RetryPolicy {
            attempts: 1,
            max_wait: Duration::from_secs(1),
        },
    )
    .unwrap();
    drop(http);
    let now = Utc::now();
    let consent = consents.create(30, now).await.unwrap();
    assert_eq!(consent.status, "AwaitingAuthorisation");
    let body = state
        .seen()
        .into_iter()
        .find(|s| s.method == "POST" && s.path.ends_with("/account-access-consents"))
        .unwrap()
        .body
        .unwrap();
    assert_eq!(
        body["Data"]["Permissions"],
        serde_json::json!(["ReadAccountsBasic", "ReadAccountsDetail", "ReadBalances"])
    );
    let ends = crate::bank::openbanking::mapping::utc_of(
        body["Data"]["ExpirationDateTime"].as_str().unwrap(),
    )
    .unwrap();
    assert_eq!((ends - now).num_days(), 29);
    let recorded = crate::bank::openbanking::consent::state_of(&consent, now);
    assert_eq!(
        recorded.expires_at.map(|e| e.timestamp()),
        Some(ends.timestamp())
    );
}

#[test]
fn the_authorization_url_carries_a_signed_request_object_naming_the_consent() {
    use crate::bank::openbanking::consent::{
        authorization_url, AuthorizationRequest, RequestObject,
    };
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256).unwrap();
    let cert = rcgen::CertificateParams::new(vec!["client.example".to_string()])
        .unwrap()
        .self_signed(&key)
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (key_path, cert_path) = (dir.path().join("client.key"), dir.path().join("client.crt"));
    std::fs::write(&key_path, key.serialize_pem()).unwrap();
    std::fs::write(&cert_path, cert.pem()).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let owner_only = std::fs::Permissions::from_mode(0o600);
        std::fs::set_permissions(&key_path, owner_only).unwrap();
    }
    let authorize = Url::parse("https://auth.bank.example:8443/authorize?realm=x").unwrap();
    let request = AuthorizationRequest {
        authorize_url: &authorize,
        client_id: "tpp-1",
        redirect_uri: "http://127.0.0.1:8976/callback",
        consent_id: "obc-42",
        state: "state-1",
        nonce: "nonce-1",
        code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        issuer: "https://auth.bank.example:8443",
        key: &key_path,
        cert: &cert_path,
        signing: &crate::oauth::fapi::Signing::Fapi {
            kid: Some("directory-kid".into()),
        },
    };
    let (url, signed) = authorization_url(&request, Utc::now()).unwrap();
    let query: std::collections::HashMap<String, String> = url.query_pairs().into_owned().collect();
    assert_eq!(query["realm"], "x");
    assert_eq!(query["response_type"], "code");
    assert_eq!(query["client_id"], "tpp-1");
    assert_eq!(query["state"], "state-1");
    assert_eq!(query["code_challenge_method"], "S256");
    assert_eq!(query["request"], signed.expose());
    let decoding =
        jsonwebtoken::DecodingKey::from_rsa_pem(key.public_key_pem().as_bytes()).unwrap();
    let header = jsonwebtoken::decode_header(signed.expose()).unwrap();
    assert_eq!(header.alg, jsonwebtoken::Algorithm::PS256, "never RS256");
    assert_eq!(header.kid.as_deref(), Some("directory-kid"));
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::PS256);
    validation.set_audience(&["https://auth.bank.example:8443"]);
    let claims = jsonwebtoken::decode::<RequestObject>(signed.expose(), &decoding, &validation)
        .unwrap()
        .claims;
    assert_eq!(claims.iss, "tpp-1");
    assert_eq!(claims.nonce, "nonce-1");
    assert_eq!(claims.code_challenge, request.code_challenge);
    assert_eq!(
        claims.claims["id_token"]["openbanking_intent_id"]["value"],
        "obc-42"
    );
    assert_eq!(
        claims.claims["userinfo"]["openbanking_intent_id"]["essential"],
        true
    );
    assert_eq!(claims.aud, "https://auth.bank.example:8443");
    assert!(claims.exp - claims.nbf <= 3600 && claims.exp > claims.nbf);
    let acr = &claims.claims["id_token"]["acr"];
    assert_eq!(acr["essential"], true);
    assert_eq!(acr["values"][0], "urn:openbanking:psd2:sca");
}

#[tokio::test]
async fn a_code_is_exchanged_with_its_verifier_and_the_client_secret() {
    use crate::bank::openbanking::consent::{exchange_code, ClientAuth};
    let forms = Arc::new(std::sync::Mutex::new(Vec::<(Option<String>, String)>::new()));
    let recorded = Arc::clone(&forms);
    let app = axum::Router::new().route(
        "/token",
        axum::routing::post(move |headers: axum::http::HeaderMap, body: String| {
            let recorded = Arc::clone(&recorded);
            async move {
                let auth = headers.get("authorization").map(|v| v.to_str().unwrap().to_string());
                recorded.lock().unwrap().push((auth, body));
                axum::Json(serde_json::json!({"access_token": "at-1", "expires_in": 600, "refresh_token": "rt-1"}))
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    let retry = RetryPolicy {
        attempts: 1,
        max_wait: Duration::from_secs(1),
    };
    let http = Http::new(
        Duration::from_secs(5),
        retry,
        &TlsSettings::load(None, None).unwrap(),
    )
    .unwrap();
    let token_url = Url::parse(&format!("http://{addr}/token")).unwrap();
    let client = ClientAuth::Secret {
        client_id: "tpp-1".into(),
        secret: Secret::new("s3cret"),
    };
    let tokens = exchange_code(
        &http,
        &token_url,
        &client,
        &Secret::new("code-1"),
        &Secret::new("verifier-1"),
        "http://127.0.0.1:8976/callback",
    )
    .await
    .unwrap();
    assert_eq!(tokens.access_token.expose(), "at-1");
    assert_eq!(
        tokens.refresh_token.as_ref().map(Secret::expose),
        Some("rt-1")
    );
    let forms = forms.lock().unwrap();
    let (auth, body) = &forms[0];
    assert!(auth.as_deref().is_some_and(|a| a.starts_with("Basic ")));
    for field in [
        "grant_type=authorization_code",
        "code=code-1",
        "code_verifier=verifier-1",
        "redirect_uri=http%3A%2F%2F127.0.0.1%3A8976%2Fcallback",
    ] {
        assert!(body.contains(field), "{body}");
    }
}
