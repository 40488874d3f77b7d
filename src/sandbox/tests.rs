//! The sandbox over real HTTP on loopback: tokens, balances, refusals, binding and stopping.

use reqwest::header::CONTENT_TYPE;
use reqwest::{Client, StatusCode};
use serde_json::Value;

use super::*;
use crate::bank::jpmorgan::{ErrorBody, ResponseBody};

const FORM: &str = "application/x-www-form-urlencoded";

fn client() -> Client {
    Client::builder().no_proxy().build().unwrap()
}

async fn start(accounts: usize) -> Sandbox {
    Sandbox::start(Options {
        port: 0,
        accounts,
        ..Options::default()
    })
    .await
    .unwrap()
}

async fn token(sandbox: &Sandbox) -> String {
    let answer = client()
        .post(sandbox.token_url())
        .basic_auth(CLIENT_ID, Some(CLIENT_SECRET))
        .header(CONTENT_TYPE, FORM)
        .body("grant_type=client_credentials&scope=jpm:read")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::OK);
    let body: Value = answer.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"].to_string(), "3600");
    body["access_token"].as_str().unwrap().to_string()
}

async fn post_balance(sandbox: &Sandbox, token: &str, body: &str) -> (StatusCode, String) {
    let answer = client()
        .post(format!("{}/balance", sandbox.base_url()))
        .bearer_auth(token)
        .header(CONTENT_TYPE, "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    (answer.status(), answer.text().await.unwrap())
}

fn error_code(text: &str) -> String {
    let body: ErrorBody = serde_json::from_str(text).unwrap();
    body.errors[0].error_code.clone()
}

#[tokio::test]
async fn a_newcomer_gets_a_token_and_every_balance() {
    let sandbox = start(DEFAULT_ACCOUNTS).await;
    assert!(sandbox.base_url().starts_with("http://127.0.0.1:"));
    let token = token(&sandbox).await;
    let (status, text) = post_balance(&sandbox, &token, "{}").await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let body: ResponseBody = serde_json::from_str(&text).unwrap();
    assert_eq!(body.account_list.len(), DEFAULT_ACCOUNTS);
    for account in &body.account_list {
        let currency = account.currency.as_ref().unwrap();
        let balance = &account.balance_list.as_ref().unwrap()[0];
        assert!(balance.current_day);
        assert_eq!(
            balance.ending_ledger_amount.unwrap().scale(),
            currency.decimal_location
        );
    }
    let bahrain = &body.account_list[9];
    assert_eq!(bahrain.bank_id, "CHASBHBM");
    assert!(text.contains(r#""openingLedgerAmount":0.000,"#), "{text}");
}

#[tokio::test]
async fn requests_are_checked_over_http() {
    let sandbox = start(DEFAULT_ACCOUNTS).await;
    let token = token(&sandbox).await;
    let cases = [
        ("{", StatusCode::BAD_REQUEST, "GCA-023"),
        (
            r#"{"relativeDateType":"PRIOR_DAY","startDate":"2026-01-01"}"#,
            StatusCode::BAD_REQUEST,
            "GCA-023",
        ),
        (
            r#"{"startDate":"2026-01-01","endDate":"2026-02-02"}"#,
            StatusCode::BAD_REQUEST,
            "GCA-023",
        ),
        (
            r#"{"accountList":[{"accountId":"nope"}]}"#,
            StatusCode::NOT_FOUND,
            "GCA-009",
        ),
    ];
    for (body, status, code) in cases {
        let (got, text) = post_balance(&sandbox, &token, body).await;
        assert_eq!(
            (got, error_code(&text).as_str()),
            (status, code),
            "{body}: {text}"
        );
    }
    let (status, text) = post_balance(&sandbox, "sbx-forged", "{}").await;
    assert_eq!(
        (status, error_code(&text).as_str()),
        (StatusCode::UNAUTHORIZED, "GCA-001")
    );
}

#[tokio::test]
async fn an_empty_sandbox_has_no_eligible_accounts() {
    let sandbox = start(0).await;
    let token = token(&sandbox).await;
    let (status, text) = post_balance(&sandbox, &token, "{}").await;
    assert_eq!(
        (status, error_code(&text).as_str()),
        (StatusCode::NOT_FOUND, "GCA-022")
    );
}

#[tokio::test]
async fn tokens_need_the_sandbox_client_and_grant() {
    let sandbox = start(1).await;
    let ask = |id: &str, grant: &str| {
        client()
            .post(sandbox.token_url())
            .basic_auth(id, Some(CLIENT_SECRET))
            .header(CONTENT_TYPE, FORM)
            .body(grant.to_string())
            .send()
    };
    let wrong_client = ask("someone", "grant_type=client_credentials")
        .await
        .unwrap();
    assert_eq!(wrong_client.status(), StatusCode::UNAUTHORIZED);
    let body: Value = wrong_client.json().await.unwrap();
    assert_eq!(body["error"], "invalid_client");
    let wrong_grant = ask(CLIENT_ID, "grant_type=password").await.unwrap();
    assert_eq!(wrong_grant.status(), StatusCode::BAD_REQUEST);
    let body: Value = wrong_grant.json().await.unwrap();
    assert_eq!(body["error"], "unsupported_grant_type");
    let anonymous = client()
        .post(sandbox.token_url())
        .body("grant_type=client_credentials");
    assert_eq!(
        anonymous.send().await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn client_assertions_need_a_configured_certificate() {
    let sandbox = start(1).await;
    let answer = client()
        .post(sandbox.token_url())
        .header(CONTENT_TYPE, FORM)
        .body(
            "grant_type=client_credentials&client_id=cid&client_assertion=x.y.z\
             &client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::UNAUTHORIZED);
    let body: Value = answer.json().await.unwrap();
    assert_eq!(body["error"], "invalid_client");
    let why = body["error_description"].as_str().unwrap();
    assert!(why.starts_with("no client certificate configured"), "{why}");
}

#[tokio::test]
async fn a_taken_port_is_named_in_the_error() {
    let first = start(1).await;
    let port = first.addr().port();
    let err = Sandbox::start(Options {
        port,
        accounts: 1,
        ..Options::default()
    })
    .await
    .unwrap_err();
    assert!(
        format!("{err:#}").contains(&format!("port {port}")),
        "{err:#}"
    );
}

#[tokio::test]
async fn it_stops_when_told() {
    let sandbox = start(1).await;
    let url = sandbox.base_url();
    assert_eq!(
        client().get(&url).send().await.unwrap().status(),
        StatusCode::OK
    );
    sandbox.run_until(async {}).await.unwrap();
    assert!(client().get(&url).send().await.is_err());
}
