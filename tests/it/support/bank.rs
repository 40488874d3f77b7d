//! A scripted J.P. Morgan-shaped bank on 127.0.0.1 that records what reaches it (`TestBank`),
//! and one spoken to over raw TCP for faults an HTTP framework will not produce (`RawBank`).

use std::collections::VecDeque;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use serde_json::Value;

/// J.P. Morgan's own mock answer: 44 accounts, the last-but-some one a GCA-024 error.
pub const JPM_MOCK: &str = include_str!("../../fixtures/jpm-mock-balances-44-accounts.json");

/// The client secret every command of a `Home::for_test_profile` carries; it must never be printed.
pub const SECRET: &str = "s3cret";

/// One scripted HTTP answer.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    /// An answer with a JSON content type.
    pub fn json(status: u16, body: impl Into<String>) -> Reply {
        Reply {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.into(),
        }
    }

    /// A whole-request error body as the bank writes it.
    pub fn bank_error(status: u16, code: &str, message: &str) -> Reply {
        let body = serde_json::json!({"errors": [{"errorCode": code, "errorMsg": message}]});
        Reply::json(status, body.to_string())
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub fn with_content_type(mut self, value: &str) -> Reply {
        self.headers.retain(|(n, _)| n != "content-type");
        self.with_header("content-type", value)
    }
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).expect("a valid status");
        let mut response = (status, self.body).into_response();
        for (name, value) in self.headers {
            response.headers_mut().insert(
                axum::http::HeaderName::try_from(name).expect("a valid header name"),
                axum::http::HeaderValue::try_from(value).expect("a valid header value"),
            );
        }
        response
    }
}

/// A request as the server saw it. The Authorization header is noted; of its value only a bearer
/// token this bank issued itself (`tok-N`) is kept.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub path: String,
    /// The body as JSON, or as a JSON string when it is not JSON (the token form).
    pub body: Value,
    pub authorized: bool,
    /// The bearer token, when it is one of this bank's own `tok-N`.
    pub bearer: Option<String>,
    /// When the request arrived (its body read in full).
    pub at: Instant,
}

/// Answers `POST /balance` from the request body and the bearer token (see `TestBank::respond`).
pub type Responder = Arc<dyn Fn(&Value, Option<&str>) -> Reply + Send + Sync>;

#[derive(Default)]
struct Script {
    token_failure: Option<Reply>,
    tokens_issued: u32,
    balance_replies: VecDeque<Reply>,
    last_balance_reply: Option<Reply>,
    responder: Option<Responder>,
    balance_delay: Duration,
    in_flight: usize,
    max_in_flight: usize,
    requests: Vec<Recorded>,
}

type Shared = Arc<Mutex<Script>>;

/// A bank server on 127.0.0.1 with its own runtime; it stops when dropped.
pub struct TestBank {
    addr: std::net::SocketAddr,
    script: Shared,
    _runtime: tokio::runtime::Runtime,
}

impl TestBank {
    /// Starts the server. Until scripted, `POST /balance` answers 200 `{"accountList":[]}`.
    pub fn start() -> TestBank {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("a runtime for the test bank");
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free loopback port");
        listener
            .set_nonblocking(true)
            .expect("a non-blocking socket");
        let addr = listener.local_addr().expect("the bound address");
        let script = Shared::default();
        let app = Router::new()
            .route("/oauth2/token", post(token))
            .route("/balance", post(balance))
            .fallback(unknown)
            .with_state(Arc::clone(&script));
        runtime.spawn(async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("a tokio listener");
            axum::serve(listener, app)
                .await
                .expect("the test bank serves");
        });
        TestBank {
            addr,
            script,
            _runtime: runtime,
        }
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn token_url(&self) -> String {
        format!("{}/oauth2/token", self.base_url())
    }

    /// Queues answers for `POST /balance`; the last one repeats once the queue runs dry.
    pub fn reply(&self, reply: Reply) -> &Self {
        self.lock().balance_replies.push_back(reply);
        self
    }

    /// Makes `POST /oauth2/token` fail with this answer.
    pub fn fail_token(&self, reply: Reply) -> &Self {
        self.lock().token_failure = Some(reply);
        self
    }

    /// Answers every `POST /balance` by calling `answer` with the request body and the bearer
    /// token (when it is one of this bank's own); queued replies are then ignored.
    pub fn respond(
        &self,
        answer: impl Fn(&Value, Option<&str>) -> Reply + Send + Sync + 'static,
    ) -> &Self {
        self.lock().responder = Some(Arc::new(answer));
        self
    }

    /// Holds every `POST /balance` answer back this long (the request is recorded at once).
    pub fn delay(&self, delay: Duration) -> &Self {
        self.lock().balance_delay = delay;
        self
    }

    /// The most `POST /balance` requests the server was answering at the same time.
    pub fn max_in_flight(&self) -> usize {
        self.lock().max_in_flight
    }

    /// Every request that reached the server, in arrival order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.lock().requests.clone()
    }

    /// The bodies of the `POST /balance` requests.
    pub fn balance_bodies(&self) -> Vec<Value> {
        self.requests_to("/balance")
            .into_iter()
            .map(|r| r.body)
            .collect()
    }

    pub fn requests_to(&self, path: &str) -> Vec<Recorded> {
        self.requests()
            .into_iter()
            .filter(|r| r.path == path)
            .collect()
    }

    fn lock(&self) -> MutexGuard<'_, Script> {
        self.script.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn record<'a>(
    script: &'a Shared,
    uri: &Uri,
    headers: &HeaderMap,
    body: &Bytes,
) -> MutexGuard<'a, Script> {
    let text = String::from_utf8_lossy(body).into_owned();
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    let mut script = script.lock().unwrap_or_else(|e| e.into_inner());
    script.requests.push(Recorded {
        path: uri.path().to_string(),
        body,
        authorized: headers.contains_key(axum::http::header::AUTHORIZATION),
        bearer: own_bearer(headers),
        at: Instant::now(),
    });
    script
}

/// The bearer token of a request, when it is one this bank issued (`tok-N`).
fn own_bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let token = value.strip_prefix("Bearer ")?;
    let own = token
        .strip_prefix("tok-")
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    own.then(|| token.to_string())
}

/// Counts a `POST /balance` as in flight until dropped, even when the client hangs up first.
struct InFlight(Shared);

impl InFlight {
    fn enter(script: &mut Script, shared: &Shared) -> InFlight {
        script.in_flight += 1;
        script.max_in_flight = script.max_in_flight.max(script.in_flight);
        InFlight(Arc::clone(shared))
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        let mut script = self.0.lock().unwrap_or_else(|e| e.into_inner());
        script.in_flight -= 1;
    }
}

async fn token(State(script): State<Shared>, uri: Uri, headers: HeaderMap, body: Bytes) -> Reply {
    let mut script = record(&script, &uri, &headers, &body);
    if let Some(failure) = &script.token_failure {
        return failure.clone();
    }
    script.tokens_issued += 1;
    let body = serde_json::json!({
        "access_token": format!("tok-{}", script.tokens_issued),
        "token_type": "Bearer",
        "expires_in": 3600,
    });
    Reply::json(200, body.to_string())
}

async fn balance(State(shared): State<Shared>, uri: Uri, headers: HeaderMap, body: Bytes) -> Reply {
    let (reply, delay, _in_flight) = {
        let mut script = record(&shared, &uri, &headers, &body);
        let in_flight = InFlight::enter(&mut script, &shared);
        let reply = match &script.responder {
            Some(answer) => {
                let answer = Arc::clone(answer);
                let recorded = script.requests.last().expect("just recorded");
                let (body, bearer) = (recorded.body.clone(), recorded.bearer.clone());
                drop(script);
                let reply = answer(&body, bearer.as_deref());
                script = shared.lock().unwrap_or_else(|e| e.into_inner());
                reply
            }
            None => match script.balance_replies.pop_front() {
                Some(reply) => {
                    script.last_balance_reply = Some(reply.clone());
                    reply
                }
                None => script
                    .last_balance_reply
                    .clone()
                    .unwrap_or_else(|| Reply::json(200, r#"{"accountList":[]}"#)),
            },
        };
        (reply, script.balance_delay, in_flight)
    };
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    reply
}

async fn unknown(State(script): State<Shared>, uri: Uri, headers: HeaderMap, body: Bytes) -> Reply {
    drop(record(&script, &uri, &headers, &body));
    Reply::json(
        404,
        r#"{"errors":[{"errorCode":"TEST-404","errorMsg":"no such path"}]}"#,
    )
}

/// A bank on 127.0.0.1 spoken to over raw TCP, for faults an HTTP framework will not produce:
/// `POST /oauth2/token` gets a token (`raw-tok`), and every other request gets the scripted bytes
/// written as they are, after which the connection is closed. One request per connection.
pub struct RawBank {
    addr: std::net::SocketAddr,
    stop: Arc<AtomicBool>,
    balance_requests: Arc<AtomicUsize>,
    token_requests: Arc<AtomicUsize>,
    accept: Option<std::thread::JoinHandle<()>>,
}

impl RawBank {
    /// Answers every `POST /balance` with `raw`: a status line, headers and (some of) a body.
    pub fn start(raw: impl Into<Vec<u8>>) -> RawBank {
        let raw: Arc<[u8]> = raw.into().into();
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free loopback port");
        let addr = listener.local_addr().expect("the bound address");
        let stop = Arc::new(AtomicBool::new(false));
        let balance_requests = Arc::new(AtomicUsize::new(0));
        let token_requests = Arc::new(AtomicUsize::new(0));
        let accept = {
            let (stop, balances, tokens) = (
                Arc::clone(&stop),
                Arc::clone(&balance_requests),
                Arc::clone(&token_requests),
            );
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let (raw, balances, tokens) =
                        (Arc::clone(&raw), Arc::clone(&balances), Arc::clone(&tokens));
                    std::thread::spawn(move || serve_raw(stream, &raw, &balances, &tokens));
                }
            })
        };
        RawBank {
            addr,
            stop,
            balance_requests,
            token_requests,
            accept: Some(accept),
        }
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn token_url(&self) -> String {
        format!("{}/oauth2/token", self.base_url())
    }

    /// Requests for anything but the token endpoint that arrived in full.
    pub fn balance_requests(&self) -> usize {
        self.balance_requests.load(Ordering::SeqCst)
    }

    pub fn token_requests(&self) -> usize {
        self.token_requests.load(Ordering::SeqCst)
    }
}

impl Drop for RawBank {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accepting thread up so it sees the flag.
        let _ = TcpStream::connect(self.addr);
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
    }
}

/// Reads one request (head and `Content-Length` body), answers it, and closes the connection.
fn serve_raw(mut stream: TcpStream, raw: &[u8], balances: &AtomicUsize, tokens: &AtomicUsize) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let Some(path) = read_request(&mut stream) else {
        return;
    };
    if path == "/oauth2/token" {
        tokens.fetch_add(1, Ordering::SeqCst);
        let body = r#"{"access_token":"raw-tok","token_type":"Bearer","expires_in":3600}"#;
        let answer = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
        let _ = stream.write_all(answer.as_bytes());
    } else {
        balances.fetch_add(1, Ordering::SeqCst);
        let _ = stream.write_all(raw);
    }
    let _ = stream.flush();
    let _ = stream.shutdown(Shutdown::Both);
}

/// The path of one HTTP/1.1 request, read to the end of its body; `None` if it never came.
fn read_request(stream: &mut TcpStream) -> Option<String> {
    let mut data = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(i) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = stream.read(&mut chunk).ok().filter(|n| *n > 0)?;
        data.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&data[..head_end]).into_owned();
    let length: usize = head
        .lines()
        .filter_map(|l| l.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.trim().parse().ok())
        .unwrap_or(0);
    while data.len() < head_end + length {
        let n = stream.read(&mut chunk).ok().filter(|n| *n > 0)?;
        data.extend_from_slice(&chunk[..n]);
    }
    head.split_whitespace().nth(1).map(str::to_string)
}

/// An answer for these accounts (id, bank), each with balances on these dates, in this order.
pub fn answer_for<D: AsRef<str>>(accounts: &[(&str, &str)], dates: &[D]) -> Reply {
    let list: Vec<Value> = accounts
        .iter()
        .map(|(id, bank)| {
            let balances: Vec<Value> = dates
                .iter()
                .map(|d| {
                    let d = d.as_ref();
                    serde_json::json!({
                        "asOfDate": d,
                        "recordTimestamp": format!("{d}T18:00:00Z"),
                        "currentDay": false,
                        "openingAvailableAmount": 1,
                        "openingLedgerAmount": 2.5,
                        "endingAvailableAmount": 3,
                        "endingLedgerAmount": 4,
                    })
                })
                .collect();
            serde_json::json!({
                "accountId": id,
                "accountName": format!("ACCOUNT {id}"),
                "branchId": "",
                "bankId": bank,
                "bankName": "TEST BANK",
                "currency": {"code": "USD", "currencySequence": 0, "decimalLocation": 2, "description": "US DOLLAR"},
                "balanceList": balances,
            })
        })
        .collect();
    Reply::json(200, serde_json::json!({ "accountList": list }).to_string())
}
