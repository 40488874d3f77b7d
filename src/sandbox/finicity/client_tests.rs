//! The Finicity client against the sandbox's Finicity (and a small failing server) over real
//! HTTP on loopback: accounts, balances, authentication never retried, token renewal, errors,
//! the billable live endpoint only when asked.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Router;
use tokio::net::TcpListener;

use super::{self as sandbox, data, Finicity, Options};
use crate::bank::finicity::{Client, Settings};
use crate::http::{Http, RetryPolicy, TlsSettings};
use crate::model::{format_amount, Report};
use crate::query::AccountRef;
use crate::secret::Secret;

/// Serves `app` on a free loopback port; returns its base URL.
async fn serve(app: Router) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}/finicity")
}

async fn start(options: Options) -> (Arc<Finicity>, String) {
    let state = Finicity::new(options);
    let app = Router::new().nest("/finicity", sandbox::router(Arc::clone(&state)));
    (state, serve(app).await)
}

fn client(base_url: &str, customer: &str, secret: &str) -> Client {
    let retry = RetryPolicy {
        attempts: 3,
        max_wait: Duration::from_secs(5),
    };
    let http = Http::new(Duration::from_secs(10), retry, &TlsSettings::default()).unwrap();
    let settings = Settings {
        base_url: base_url.parse().unwrap(),
        app_key: Secret::new(sandbox::APP_KEY),
        partner_id: sandbox::PARTNER_ID.into(),
        partner_secret: Secret::new(secret),
        customer_id: customer.into(),
        profile: "fin".into(),
        login: false,
        refusals: None,
    };
    Client::new(http, settings).unwrap()
}

fn amounts(report: &Report, id: &str) -> (String, String) {
    let row = report
        .rows
        .iter()
        .find(|r| r.account.account_id == id)
        .unwrap();
    let places = row.account.currency.decimal_places;
    (
        format_amount(row.balance.ending_ledger.unwrap(), places),
        row.balance
            .ending_available
            .map_or_else(String::new, |a| format_amount(a, places)),
    )
}

fn account(id: &str) -> AccountRef {
    AccountRef {
        bank_id: None,
        account_id: id.into(),
    }
}

#[tokio::test]
async fn accounts_are_listed_with_the_pending_one_marked() {
    let (fin, url) = start(Options::default()).await;
    let client = client(&url, data::CUSTOMER_ID, sandbox::PARTNER_SECRET);
    let accounts = client.accounts().await.unwrap();
    assert_eq!(accounts.len(), 8);
    assert_eq!(accounts[0].account_name, "Operating Checking");
    assert_eq!(accounts[0].bank_id, data::INSTITUTION_ID);
    assert_eq!(accounts[7].account_name, "New Money Market (pending)");
    let places: Vec<_> = accounts.iter().map(|a| a.currency.decimal_places).collect();
    assert_eq!(places, [2, 2, 2, 2, 0, 3, 2, 2]);
    assert_eq!(fin.authentications(), 1);
    // The token is cached: a second listing authenticates no more.
    client.accounts().await.unwrap();
    assert_eq!((fin.authentications(), fin.account_lists()), (1, 2));
    assert!(!format!("{client:?}").contains(sandbox::APP_KEY));
}

#[tokio::test]
async fn balances_are_exact_with_stale_and_pending_accounts_named() {
    let (fin, url) = start(Options::default()).await;
    let client = client(&url, data::CUSTOMER_ID, sandbox::PARTNER_SECRET);
    let report = client.balances(&[], false).await.unwrap();
    assert_eq!(report.rows.len(), 7);
    assert_eq!(
        amounts(&report, "5011648371"),
        ("1250.10".into(), "1190.55".into())
    );
    assert_eq!(
        amounts(&report, "5011648373"),
        ("-1547.62".into(), String::new())
    );
    assert_eq!(
        amounts(&report, "5011648374"),
        ("-25000.00".into(), String::new())
    );
    assert_eq!(
        amounts(&report, "5011648375"),
        ("1500000".into(), "1480000".into())
    );
    assert_eq!(
        amounts(&report, "5011648376"),
        ("12500.125".into(), "12500.125".into())
    );
    let first = &report.rows[0].balance;
    assert_eq!(first.record_timestamp, "2026-01-15T14:30:00Z");
    assert_eq!(first.as_of_date.to_string(), "2026-01-15");
    let codes: Vec<_> = report
        .errors
        .iter()
        .map(|e| (e.account_id.as_str(), e.code.as_str()))
        .collect();
    assert_eq!(
        codes,
        [("5011648377", "AGGREGATION-185"), ("5011648378", "PENDING")]
    );
    assert!(report.errors[0]
        .message
        .ends_with("last successful aggregation 2026-01-09T06:00:00Z"));
    assert_eq!((fin.authentications(), fin.live_reads()), (1, 0));
}

#[tokio::test]
async fn a_selection_filters_and_names_what_finicity_does_not_list() {
    let (_fin, url) = start(Options::default()).await;
    let client = client(&url, data::CUSTOMER_ID, sandbox::PARTNER_SECRET);
    let wanted = [account("5011648376"), account("4242")];
    let report = client.balances(&wanted, false).await.unwrap();
    assert_eq!(report.rows.len(), 1);
    assert_eq!(report.rows[0].account.bank_id, data::OTHER_INSTITUTION_ID);
    assert_eq!(report.errors[0].code, "NOT-FOUND");
    assert!(report.errors[0]
        .message
        .contains("account 4242 for customer 1005061234"));
}

#[tokio::test]
async fn a_refused_partner_secret_is_asked_exactly_once() {
    let (fin, url) = start(Options::default()).await;
    let client = client(&url, data::CUSTOMER_ID, "not-the-secret");
    let err = client.balances(&[], false).await.unwrap_err();
    assert_eq!(err.exit_code(), 3);
    let text = err.to_string();
    assert!(
        text.contains("10001 Invalid credentials (HTTP 401)"),
        "{text}"
    );
    assert!(
        text.contains("stopped after this one attempt: five failed attempts lock the partner"),
        "{text}"
    );
    assert!(!text.contains("not-the-secret"), "{text}");
    assert!(err.hint().unwrap().contains("treasury login -p fin"));
    assert_eq!((fin.authentications(), fin.account_lists()), (1, 0));
}

#[tokio::test]
async fn the_sandbox_locks_the_partner_after_five_failures_and_clients_share_one_attempt() {
    let (fin, url) = start(Options::default()).await;
    // Two clients of the same wrong credentials: one authentication between them.
    let (a, b) = (
        client(&url, data::CUSTOMER_ID, "wrong-0"),
        client(&url, data::CUSTOMER_ID, "wrong-0"),
    );
    assert_eq!(a.accounts().await.unwrap_err().exit_code(), 3);
    assert_eq!(b.accounts().await.unwrap_err().exit_code(), 3);
    assert_eq!(fin.authentications(), 1);
    for n in 1..sandbox::LOCK_AFTER {
        let wrong = client(&url, data::CUSTOMER_ID, &format!("wrong-{n}"));
        assert!(wrong.accounts().await.is_err());
    }
    let right = client(&url, data::CUSTOMER_ID, sandbox::PARTNER_SECRET);
    let locked = right.accounts().await.unwrap_err().to_string();
    assert!(locked.contains("Partner locked"), "{locked}");
}

#[tokio::test]
async fn an_expired_token_is_renewed_once_and_the_data_served() {
    let (fin, url) = start(Options {
        token_lifetime: Duration::from_millis(300),
        ..Options::default()
    })
    .await;
    let client = client(&url, data::CUSTOMER_ID, sandbox::PARTNER_SECRET);
    client.accounts().await.unwrap();
    tokio::time::sleep(Duration::from_millis(400)).await;
    let accounts = client.accounts().await.unwrap();
    assert_eq!(accounts.len(), 8);
    // One refused list (expired token), one renewal, one served list.
    assert_eq!((fin.authentications(), fin.account_lists()), (2, 3));
}

#[tokio::test]
async fn an_old_token_is_replaced_before_it_is_used() {
    let (fin, url) = start(Options::default()).await;
    let client =
        client(&url, data::CUSTOMER_ID, sandbox::PARTNER_SECRET).with_token_max_age(Duration::ZERO);
    client.accounts().await.unwrap();
    client.accounts().await.unwrap();
    assert_eq!((fin.authentications(), fin.account_lists()), (2, 2));
}

#[tokio::test]
async fn a_token_refused_after_renewal_ends_with_exit_3() {
    let (fin, url) = start(Options {
        token_lifetime: Duration::ZERO,
        ..Options::default()
    })
    .await;
    let client = client(&url, data::CUSTOMER_ID, sandbox::PARTNER_SECRET);
    let err = client.accounts().await.unwrap_err();
    assert_eq!(err.exit_code(), 3);
    assert!(
        err.to_string()
            .contains("10023 Expired (Finicity-App-Token)"),
        "{err}"
    );
    assert_eq!((fin.authentications(), fin.account_lists()), (2, 2));
}

#[tokio::test]
async fn an_unknown_customer_is_exit_4_naming_it() {
    let (_fin, url) = start(Options::default()).await;
    let client = client(&url, "999", sandbox::PARTNER_SECRET);
    let err = client.balances(&[], false).await.unwrap_err();
    assert_eq!(err.exit_code(), 4);
    assert_eq!(
        err.to_string(),
        "the bank rejected the request: 14001 customer 999 not found at Finicity (Customer not found.) (HTTP 404)"
    );
}

#[tokio::test]
async fn the_live_endpoint_is_called_only_when_asked() {
    let (fin, url) = start(Options::default()).await;
    let client = client(&url, data::CUSTOMER_ID, sandbox::PARTNER_SECRET);
    client.balances(&[], false).await.unwrap();
    assert_eq!(fin.live_reads(), 0);
    // The card is not a deposit account: only the checking account is read live.
    let wanted = [account("5011648373"), account("5011648371")];
    let report = client.balances(&wanted, true).await.unwrap();
    assert_eq!(fin.live_reads(), 1);
    assert_eq!(
        amounts(&report, "5011648371"),
        ("1250.10".into(), "1200.55".into())
    );
    assert_eq!(
        amounts(&report, "5011648373"),
        ("-1547.62".into(), String::new())
    );
    assert_ne!(
        report.rows[1].balance.record_timestamp,
        "2026-01-15T14:30:00Z"
    );
    // Every active deposit account of the customer: five live reads more.
    client.balances(&[], true).await.unwrap();
    assert_eq!(fin.live_reads(), 6);
}

/// Partner authentication answers 503 or a token; the accounts list always 503.
async fn failing_server(auth_fails: bool) -> (Arc<[AtomicUsize; 2]>, String) {
    let counts = Arc::new([AtomicUsize::new(0), AtomicUsize::new(0)]);
    let (a, b) = (Arc::clone(&counts), Arc::clone(&counts));
    let app = Router::new()
        .route(
            "/finicity/aggregation/v2/partners/authentication",
            post(move || async move {
                a[0].fetch_add(1, Ordering::SeqCst);
                match auth_fails {
                    true => (StatusCode::SERVICE_UNAVAILABLE, String::from("{}")),
                    false => (StatusCode::OK, String::from(r#"{"token":"t"}"#)),
                }
            }),
        )
        .route(
            "/finicity/aggregation/v1/customers/{id}/accounts",
            get(move || async move {
                b[1].fetch_add(1, Ordering::SeqCst);
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    r#"{"code":"503","message":"down"}"#,
                )
            }),
        );
    (counts, serve(app).await)
}

#[tokio::test]
async fn failing_data_calls_are_retried_then_exit_6() {
    let (counts, url) = failing_server(false).await;
    let err = client(&url, "1", "s").accounts().await.unwrap_err();
    assert_eq!(err.exit_code(), 6);
    assert_eq!(err.to_string(), "Finicity is failing: 503 down (HTTP 503)");
    assert_eq!(counts[0].load(Ordering::SeqCst), 1);
    assert_eq!(counts[1].load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn a_failing_authentication_is_not_retried_either() {
    let (counts, url) = failing_server(true).await;
    let err = client(&url, "1", "s").accounts().await.unwrap_err();
    assert_eq!(err.exit_code(), 6);
    assert_eq!(counts[0].load(Ordering::SeqCst), 1);
    assert_eq!(counts[1].load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn the_running_sandbox_serves_finicity_under_its_prefix() {
    let bank = crate::sandbox::Sandbox::start(crate::sandbox::Options::default())
        .await
        .unwrap();
    let url = format!("{}/finicity", bank.base_url());
    let client = client(&url, data::CUSTOMER_ID, sandbox::PARTNER_SECRET);
    assert_eq!(client.accounts().await.unwrap().len(), 8);
    let wrong = Client::new(
        Http::new(
            Duration::from_secs(5),
            RetryPolicy {
                attempts: 1,
                max_wait: Duration::ZERO,
            },
            &TlsSettings::default(),
        )
        .unwrap(),
        Settings {
            app_key: Secret::new("wrong-key"),
            ..client_settings(&url)
        },
    )
    .unwrap();
    assert_eq!(wrong.verify().await.unwrap_err().exit_code(), 3);
}

fn client_settings(url: &str) -> Settings {
    Settings {
        base_url: url.parse().unwrap(),
        app_key: Secret::new(sandbox::APP_KEY),
        partner_id: sandbox::PARTNER_ID.into(),
        partner_secret: Secret::new(sandbox::PARTNER_SECRET),
        customer_id: data::CUSTOMER_ID.into(),
        profile: "fin".into(),
        login: false,
        refusals: None,
    }
}
