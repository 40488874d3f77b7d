//! What the integration tests share: a scripted bank on 127.0.0.1 that records what reaches it,
//! and an isolated environment (HOME, XDG folders, config file, credentials) to run `treasury` in.

// Each test file uses a different part of this module.
#![allow(dead_code)]

use std::collections::VecDeque;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
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

/// The client secret every `TestEnv` command carries; it must never be printed.
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

/// A private HOME with XDG folders and a config file path, removed when dropped.
pub struct TestEnv {
    pub dir: tempfile::TempDir,
}

impl TestEnv {
    pub fn new() -> TestEnv {
        let dir = tempfile::tempdir().expect("a temporary HOME");
        for sub in ["config", "cache"] {
            std::fs::create_dir_all(dir.path().join(sub)).expect("XDG folders");
        }
        TestEnv { dir }
    }

    /// A test environment with a config profile `test` pointing at `bank`.
    pub fn with_bank(bank: &TestBank) -> TestEnv {
        let env = TestEnv::new();
        env.write_config(&bank.base_url(), &bank.token_url());
        env
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn config_path(&self) -> PathBuf {
        self.path()
            .join("config")
            .join("treasury")
            .join("config.toml")
    }

    /// Writes the profile `test` with these URLs and client id `cid`.
    pub fn write_config(&self, base_url: &str, token_url: &str) {
        let text = format!(
            "[profiles.test]\nbase_url = \"{base_url}\"\ntoken_url = \"{token_url}\"\nclient_id = \"cid\"\n"
        );
        let path = self.config_path();
        std::fs::create_dir_all(path.parent().unwrap()).expect("the config folder");
        std::fs::write(path, text).expect("the config file");
    }

    /// `treasury` with nothing of the caller's environment: only this HOME, config and secret.
    pub fn cmd(&self) -> assert_cmd::Command {
        let mut cmd = assert_cmd::Command::new(env!("CARGO_BIN_EXE_treasury"));
        cmd.env_clear()
            .current_dir(self.path())
            .env("HOME", self.path())
            .env("XDG_CONFIG_HOME", self.path().join("config"))
            .env("XDG_CACHE_HOME", self.path().join("cache"))
            .env("TREASURY_CONFIG", self.config_path())
            .env("TREASURY_PROFILE", "test")
            .env("TREASURY_CLIENT_SECRET", SECRET)
            .env("NO_PROXY", "127.0.0.1,localhost")
            .timeout(std::time::Duration::from_secs(60));
        cmd
    }

    /// `treasury` as a newcomer runs it: no config file, no profile, no credentials.
    pub fn bare_cmd(&self) -> assert_cmd::Command {
        let mut cmd = self.cmd();
        cmd.env_remove("TREASURY_CONFIG")
            .env_remove("TREASURY_PROFILE")
            .env_remove("TREASURY_CLIENT_SECRET");
        cmd
    }
}

/// What a run showed the user.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs the command to the end and returns exit code, stdout and stderr as text.
pub fn run(cmd: &mut assert_cmd::Command) -> Run {
    let output = cmd.output().expect("treasury runs");
    let run = Run {
        code: output
            .status
            .code()
            .expect("treasury exits, not killed by a signal"),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    };
    assert!(
        !run.stderr.contains("panicked"),
        "treasury panicked:\n{}",
        run.stderr
    );
    run
}

impl Run {
    /// Fails with everything the user saw, so a failing assertion explains itself.
    #[track_caller]
    pub fn check(&self, ok: bool, what: &str) {
        assert!(ok, "{what}\n{self}");
    }

    #[track_caller]
    pub fn expect_code(&self, code: i32) -> &Self {
        self.check(self.code == code, &format!("expected exit code {code}"));
        self
    }

    #[track_caller]
    pub fn expect_stderr_empty(&self) -> &Self {
        self.check(self.stderr.is_empty(), "expected an empty stderr");
        self
    }

    #[track_caller]
    pub fn expect_stdout_empty(&self) -> &Self {
        self.check(self.stdout.is_empty(), "expected an empty stdout");
        self
    }

    #[track_caller]
    pub fn expect_stderr_has(&self, text: &str) -> &Self {
        self.check(
            self.stderr.contains(text),
            &format!("expected stderr to contain {text:?}"),
        );
        self
    }

    #[track_caller]
    pub fn expect_stdout_has(&self, text: &str) -> &Self {
        self.check(
            self.stdout.contains(text),
            &format!("expected stdout to contain {text:?}"),
        );
        self
    }

    /// The stderr lines starting with `label: ` (`warning`, `error`, `hint`).
    pub fn stderr_lines(&self, label: &str) -> Vec<&str> {
        let prefix = format!("{label}: ");
        self.stderr
            .lines()
            .filter(|l| l.starts_with(&prefix))
            .collect()
    }
}

impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "--- exit code: {}\n--- stdout:\n{}\n--- stderr:\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// The rows of a CSV report (after its header) as text fields.
pub fn csv_rows(text: &str) -> Vec<Vec<String>> {
    text.lines().skip(1).map(split_csv_line).collect()
}

/// Splits one RFC 4180 line (quoted fields may hold commas, `""` is a quote).
pub fn split_csv_line(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                fields.last_mut().unwrap().push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(String::new()),
            (c, _) => fields.last_mut().unwrap().push(c),
        }
    }
    fields
}

pub const CSV_HEADER: &str = "account_id,account_name,bank_id,bank_name,branch_id,currency,as_of_date,current_day,opening_available,opening_ledger,ending_available,ending_ledger,record_timestamp";

/// Whether `amount` is written with exactly `places` fraction digits: `-?\d+(\.\d{places})?`.
pub fn has_exact_places(amount: &str, places: usize) -> bool {
    let digits = amount.strip_prefix('-').unwrap_or(amount);
    let (int, frac) = match digits.split_once('.') {
        Some((int, frac)) => (int, Some(frac)),
        None => (digits, None),
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    all_digits(int)
        && match (frac, places) {
            (None, 0) => true,
            (Some(frac), n) if n > 0 => frac.len() == n && all_digits(frac),
            _ => false,
        }
}

/// Fraction digits of each currency in the sandbox and the fixture.
pub fn places_of(currency: &str) -> usize {
    match currency {
        "JPY" => 0,
        "BHD" => 3,
        _ => 2,
    }
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

/// `treasury balances ARGS` in this environment.
pub fn balances(env: &TestEnv, args: &[&str]) -> Run {
    run(env.cmd().arg("balances").args(args))
}

/// A CSV report's (account_id, as_of_date) pairs, in order.
pub fn keys(csv: &str) -> Vec<(String, String)> {
    csv_rows(csv)
        .into_iter()
        .map(|r| (r[0].clone(), r[6].clone()))
        .collect()
}
