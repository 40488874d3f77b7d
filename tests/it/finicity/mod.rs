//! The Finicity provider through the built binary: the built-in sandbox (`--sandbox=finicity`)
//! in every format, and a small Finicity stand-in, written from Finicity's public spec, for the
//! answers the sandbox does not give (refused secrets, expired tokens, failing servers, login).

mod balances;
mod lockout;
mod login;
mod records;
mod sandbox;

use crate::support;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Uri};
use axum::routing::{get, post};
use axum::Router;
use serde_json::Value;
use support::{run, Home, Reply, Run, SECRET};

// ---------------------------------------------------------------------------------------------
// The built-in sandbox: customer 1005061234 (src/sandbox/finicity/data.rs), balances captured
// 2026-01-15T14:30:00Z; 5011648377 stale since 2026-01-09T06:00:00Z; 5011648378 pending.
// ---------------------------------------------------------------------------------------------

fn sandbox(env: &Home, args: &[&str]) -> Run {
    run(env.bare_cmd().arg("--sandbox=finicity").args(args))
}

// ---------------------------------------------------------------------------------------------
// A Finicity stand-in, from the public spec (finicity-accounts-balances-auth.yaml): partner
// authentication gives `{"token": ...}`; the customer accounts list wants `Finicity-App-Key` and
// `Finicity-App-Token`; errors are `{"code", "message"}`.
// ---------------------------------------------------------------------------------------------

const APP_KEY: &str = "standin-app-key-7f3a9c";

const PARTNER_ID: &str = "2445582695152";

const CUSTOMER_ID: &str = "7000123456";

const AUTH_PATH: &str = "/aggregation/v2/partners/authentication";

const ACCOUNTS_PATH: &str = "/aggregation/v1/customers/7000123456/accounts";

/// The tokens the stand-in issues: `TOKEN_PREFIX` and a number.
const TOKEN_PREFIX: &str = "StandinToken0x5eed";

/// The accounts list: a checking account and a credit card, balanceDate 2026-02-02T10:00:00Z.
const STANDIN_ACCOUNTS: &str = r#"{"found":2,"displaying":2,"moreAvailable":false,"accounts":[
{"id":"9100000001","number":"XXXX-1001","accountNumberDisplay":"1001","name":"Standin Checking","balance":2500.70,"type":"checking","aggregationStatusCode":0,"status":"active","customerId":"7000123456","institutionId":"4222","balanceDate":1770026400,"aggregationSuccessDate":1770026400,"aggregationAttemptDate":1770026400,"createdDate":1760000000,"currency":"USD","detail":{"availableBalanceAmount":2400.05}},
{"id":"9100000002","number":"XXXX-1002","accountNumberDisplay":"1002","name":"Standin Card","balance":-310.40,"type":"creditCard","aggregationStatusCode":0,"status":"active","customerId":"7000123456","institutionId":"4222","balanceDate":1770026400,"aggregationSuccessDate":1770026400,"aggregationAttemptDate":1770026400,"createdDate":1760000000,"currency":"USD","detail":{"creditMaxAmount":5000.00,"creditAvailableAmount":4689.60}}
]}"#;

const STANDIN_CSV: &str = "\
account_id,account_name,bank_id,bank_name,branch_id,currency,as_of_date,current_day,opening_available,opening_ledger,ending_available,ending_ledger,record_timestamp
9100000001,Standin Checking,4222,,,USD,2026-02-02,true,,,2400.05,2500.70,2026-02-02T10:00:00Z
9100000002,Standin Card,4222,,,USD,2026-02-02,true,,,,-310.40,2026-02-02T10:00:00Z
";

#[derive(Default)]
struct Script {
    /// Requests per path, counted before anything is checked.
    hits: HashMap<String, usize>,
    /// Requests whose `Finicity-App-Key` was missing or not `APP_KEY`.
    wrong_app_key: usize,
    /// Answers every authentication with this instead.
    auth_failure: Option<Reply>,
    /// Failed authentications so far: from the fifth on, the partner is locked (as Finicity's).
    auth_failures: usize,
    /// Holds each authentication this long before answering (to time it out).
    auth_delay: Option<std::time::Duration>,
    /// Answers this many authentications with 429 and `Retry-After: retry_after`.
    rate_limited: usize,
    retry_after: &'static str,
    /// Treats this many of the first tokens issued as expired.
    expired_tokens: usize,
    /// Answers every accounts list (with a valid token) with this instead.
    data_failure: Option<Reply>,
    /// Answers every live available-balance call with this (404 when unset).
    live: Option<Reply>,
    issued: Vec<String>,
}

type Shared = Arc<Mutex<Script>>;

/// The stand-in on 127.0.0.1, in its own runtime; it stops when dropped.
struct Finicity {
    addr: std::net::SocketAddr,
    script: Shared,
    _runtime: tokio::runtime::Runtime,
}

impl Finicity {
    fn start() -> Finicity {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("a runtime for the stand-in");
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free loopback port");
        listener
            .set_nonblocking(true)
            .expect("a non-blocking socket");
        let addr = listener.local_addr().expect("the bound address");
        let script = Shared::default();
        let app = Router::new()
            .route(AUTH_PATH, post(authenticate))
            .route(
                "/aggregation/v1/customers/{customer}/accounts",
                get(customer_accounts),
            )
            .route(
                "/aggregation/v1/customers/{customer}/accounts/{account}/availableBalance/live",
                get(live_balance),
            )
            .fallback(unknown)
            .with_state(Arc::clone(&script));
        runtime.spawn(async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("a tokio listener");
            axum::serve(listener, app)
                .await
                .expect("the stand-in serves");
        });
        Finicity {
            addr,
            script,
            _runtime: runtime,
        }
    }

    fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn lock(&self) -> MutexGuard<'_, Script> {
        self.script.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn hits(&self, path: &str) -> usize {
        self.lock().hits.get(path).copied().unwrap_or(0)
    }

    fn total_hits(&self) -> usize {
        self.lock().hits.values().sum()
    }

    /// The counts a test asserts: (authentications, account lists, all requests).
    fn counts(&self) -> (usize, usize, usize) {
        (
            self.hits(AUTH_PATH),
            self.hits(ACCOUNTS_PATH),
            self.total_hits(),
        )
    }

    /// Every request carried the right app key (the stand-in refuses others).
    #[track_caller]
    fn expect_app_key_always_sent(&self) {
        assert_eq!(
            self.lock().wrong_app_key,
            0,
            "a request without the app key"
        );
    }

    /// A test environment whose profile `test` is this stand-in's customer `customer`.
    fn env(&self, customer: &str) -> Home {
        let env = Home::for_test_profile();
        write_profile(&env, &profile_text(&self.base_url(), customer));
        env
    }
}

fn profile_text(base_url: &str, customer: &str) -> String {
    format!(
        "[profiles.test]\nprovider = \"finicity\"\nbase_url = \"{base_url}\"\napp_key = \"{APP_KEY}\"\npartner_id = \"{PARTNER_ID}\"\ncustomer_id = \"{customer}\"\n"
    )
}

fn write_profile(env: &Home, text: &str) {
    let path = env.config_path();
    std::fs::create_dir_all(path.parent().unwrap()).expect("the config folder");
    std::fs::write(path, text).expect("the config file");
}

/// Counts the request, then hands the script over.
fn lock<'a>(script: &'a Shared, uri: &Uri) -> MutexGuard<'a, Script> {
    let mut guard = script.lock().unwrap_or_else(|e| e.into_inner());
    *guard.hits.entry(uri.path().to_string()).or_default() += 1;
    guard
}

fn finicity_error(status: u16, code: u32, message: &str) -> Reply {
    Reply::json(
        status,
        serde_json::json!({"code": code, "message": message}).to_string(),
    )
}

/// The spec's answer to a missing or wrong app key is plain text.
fn app_key_ok(script: &mut Script, headers: &HeaderMap) -> Result<(), Reply> {
    let sent = headers
        .get("Finicity-App-Key")
        .and_then(|v| v.to_str().ok());
    if sent == Some(APP_KEY) {
        return Ok(());
    }
    script.wrong_app_key += 1;
    Err(Reply::json(401, "Invalid (Finicity-App-Key)").with_content_type("text/plain"))
}

async fn authenticate(
    State(shared): State<Shared>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Reply {
    let delay = lock(&shared, &uri).auth_delay;
    if let Some(delay) = delay {
        tokio::time::sleep(delay).await;
    }
    let mut script = shared.lock().unwrap_or_else(|e| e.into_inner());
    if let Err(refused) = app_key_ok(&mut script, &headers) {
        return refused;
    }
    if script.rate_limited > 0 {
        script.rate_limited -= 1;
        return finicity_error(429, 10429, "Too many requests")
            .with_header("retry-after", script.retry_after);
    }
    if let Some(failure) = &script.auth_failure {
        return failure.clone();
    }
    if script.auth_failures >= LOCKED_AFTER {
        return finicity_error(401, 10004, "Partner account locked: contact support");
    }
    let credentials: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    if credentials["partnerId"] != PARTNER_ID || credentials["partnerSecret"] != SECRET {
        script.auth_failures += 1;
        return finicity_error(401, 10001, "Invalid credentials");
    }
    let token = format!("{TOKEN_PREFIX}{}", script.issued.len() + 1);
    script.issued.push(token.clone());
    Reply::json(200, serde_json::json!({ "token": token }).to_string())
}

async fn customer_accounts(
    State(shared): State<Shared>,
    Path(customer): Path<String>,
    uri: Uri,
    headers: HeaderMap,
) -> Reply {
    let mut script = lock(&shared, &uri);
    if let Err(refused) = app_key_ok(&mut script, &headers) {
        return refused;
    }
    let token = headers
        .get("Finicity-App-Token")
        .and_then(|v| v.to_str().ok());
    let Some(token) = token else {
        return finicity_error(401, 10024, "Missing (Finicity-App-Token)");
    };
    let Some(n) = script.issued.iter().position(|t| t == token) else {
        return finicity_error(401, 10022, "Invalid (Finicity-App-Token)");
    };
    if n < script.expired_tokens {
        return finicity_error(401, 10023, "Expired (Finicity-App-Token)");
    }
    if let Some(failure) = &script.data_failure {
        return failure.clone();
    }
    if !customer.starts_with(&CUSTOMER_ID[..8]) {
        return finicity_error(404, 14001, "Customer not found.");
    }
    Reply::json(200, STANDIN_ACCOUNTS)
}

async fn live_balance(State(shared): State<Shared>, uri: Uri) -> Reply {
    let script = lock(&shared, &uri);
    script
        .live
        .clone()
        .unwrap_or_else(|| finicity_error(404, 14999, "no live balance at the stand-in"))
}

async fn unknown(State(shared): State<Shared>, uri: Uri) -> Reply {
    drop(lock(&shared, &uri));
    finicity_error(404, 14999, "no such path at the stand-in")
}

/// Finicity locks a partner after five failed authentications.
const LOCKED_AFTER: usize = 5;

const LOCK_MESSAGE: &str = "stopped after this one attempt: five failed attempts lock the partner at Finicity, and only Finicity support can unlock it";

/// `treasury login -p test --provider finicity ...` against the stand-in, the secret on stdin.
fn login(env: &Home, bank: &Finicity, secret: &str) -> Run {
    run(env
        .bare_cmd()
        .env("TREASURY_NO_KEYRING", "1")
        .args(["login", "-p", "test", "--provider", "finicity"])
        .args(["--base-url", &bank.base_url()])
        .args(["--app-key", APP_KEY, "--partner-id", PARTNER_ID])
        .args(["--customer-id", CUSTOMER_ID])
        .args(["--client-secret-stdin", "--store", "file"])
        .write_stdin(format!("{secret}\n")))
}

fn credentials_path(env: &Home) -> std::path::PathBuf {
    env.path().join("config/treasury/credentials.toml")
}
