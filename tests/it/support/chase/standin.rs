//! A stand-in FDX bank written for these tests, independent of the sandbox: a token endpoint
//! that rotates refresh tokens and, when a spent one comes back, revokes the whole family (RFC
//! 9700 4.14.2, as real banks do); an optional delay before its answers; optional client
//! authentication (HTTP Basic); an RFC 7009 revocation endpoint; `GET /accounts` with one account.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;

#[derive(Default)]
pub struct Books {
    /// Live refresh tokens and their family.
    pub live: HashMap<String, u32>,
    /// Spent refresh tokens and their family.
    pub spent: HashMap<String, u32>,
    pub revoked_families: Vec<u32>,
    pub access: HashMap<String, u32>,
    /// Refresh tokens that came back after being spent.
    pub replays: usize,
    pub refresh_grants: usize,
    /// Token requests received (counted before the delay).
    pub token_requests: usize,
    pub revocations: Vec<String>,
    /// Access tokens' lifetime in seconds.
    pub expires_in: u64,
    /// How long the token endpoint waits before answering.
    pub delay: Duration,
    /// `(client_id, secret)` the token endpoint demands by HTTP Basic.
    pub basic: Option<(String, String)>,
    /// The Authorization headers the token endpoint saw.
    pub token_auth: Vec<Option<String>>,
    /// The form keys of each token request.
    pub token_keys: Vec<Vec<String>>,
    next: u32,
}

#[derive(Clone)]
pub struct StandIn {
    pub url: String,
    pub books: Arc<Mutex<Books>>,
}

impl StandIn {
    pub fn start() -> StandIn {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let books = Arc::new(Mutex::new(Books {
            expires_in: 1,
            ..Books::default()
        }));
        let shared = Arc::clone(&books);
        std::thread::spawn(move || {
            for stream in listener.incoming().map_while(Result::ok) {
                let books = Arc::clone(&shared);
                std::thread::spawn(move || serve(stream, &books));
            }
        });
        StandIn { url, books }
    }

    /// A new login: a refresh token of a new family.
    pub fn issue_login(&self) -> String {
        let mut books = self.books.lock().unwrap();
        books.next += 1;
        let family = books.next;
        let token = format!("rt-{family}-0-{}", nonce());
        books.live.insert(token.clone(), family);
        token
    }

    pub fn books(&self) -> std::sync::MutexGuard<'_, Books> {
        self.books.lock().unwrap()
    }
}

fn nonce() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

struct Request {
    method: String,
    path: String,
    authorization: Option<String>,
    body: String,
}

fn read_request(stream: &TcpStream) -> Option<Request> {
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let (method, path) = (parts.next()?.to_string(), parts.next()?.to_string());
    let (mut length, mut authorization) = (0, None);
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).ok()?;
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        let (name, value) = header.split_once(':')?;
        match name.to_ascii_lowercase().as_str() {
            "content-length" => length = value.trim().parse().ok()?,
            "authorization" => authorization = Some(value.trim().to_string()),
            _ => {}
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(Request {
        method,
        path,
        authorization,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

fn serve(mut stream: TcpStream, books: &Mutex<Books>) {
    let Some(request) = read_request(&stream) else {
        return;
    };
    let (status, body) = match (request.method.as_str(), request.path.as_str()) {
        ("POST", "/token") => {
            let delay = {
                let mut books = books.lock().unwrap();
                books.token_requests += 1;
                books.delay
            };
            std::thread::sleep(delay);
            token(&request, &mut books.lock().unwrap())
        }
        ("POST", "/revoke") => {
            let form = form(&request.body);
            let token = form.get("token").cloned().unwrap_or_default();
            let mut books = books.lock().unwrap();
            if let Some(family) = books.live.remove(&token) {
                books.revoked_families.push(family);
            }
            books.revocations.push(token);
            (200, String::new())
        }
        ("GET", path) if path.starts_with("/accounts") => {
            accounts(&request, &books.lock().unwrap())
        }
        _ => (404, r#"{"code":404,"message":"not found"}"#.into()),
    };
    let reason = if status == 200 { "OK" } else { "Error" };
    let _ = write!(
        stream,
        "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
}

fn form(body: &str) -> HashMap<String, String> {
    form_urlencoded::parse(body.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn token(request: &Request, books: &mut Books) -> (u16, String) {
    books.token_auth.push(request.authorization.clone());
    if let Some((id, secret)) = &books.basic {
        let expected = base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"));
        if request.authorization.as_deref() != Some(&format!("Basic {expected}")) {
            return (
                401,
                r#"{"error":"invalid_client","error_description":"client authentication failed"}"#
                    .into(),
            );
        }
    }
    let form = form(&request.body);
    books.token_keys.push(form.keys().cloned().collect());
    if form.get("grant_type").map(String::as_str) != Some("refresh_token") {
        return (400, r#"{"error":"unsupported_grant_type"}"#.into());
    }
    books.refresh_grants += 1;
    let offered = form.get("refresh_token").cloned().unwrap_or_default();
    let refused = |why: &str| {
        (
            400,
            format!(r#"{{"error":"invalid_grant","error_description":"{why}"}}"#),
        )
    };
    if let Some(family) = books.spent.get(&offered).copied() {
        // Reuse of a spent token: the whole family goes (RFC 9700 4.14.2).
        books.replays += 1;
        books.live.retain(|_, f| *f != family);
        books.access.retain(|_, f| *f != family);
        books.revoked_families.push(family);
        return refused("refresh token already used; the login is revoked");
    }
    let Some(family) = books.live.remove(&offered) else {
        return refused("unknown or revoked refresh token");
    };
    books.spent.insert(offered, family);
    let n = books.spent.len();
    let (access, refresh) = (
        format!("at-{family}-{n}-{}", nonce()),
        format!("rt-{family}-{n}-{}", nonce()),
    );
    books.access.insert(access.clone(), family);
    books.live.insert(refresh.clone(), family);
    let body = format!(
        r#"{{"token_type":"Bearer","access_token":"{access}","expires_in":{},"refresh_token":"{refresh}","refresh_token_expires_in":31536000}}"#,
        books.expires_in
    );
    (200, body)
}

fn accounts(request: &Request, books: &Books) -> (u16, String) {
    let bearer = request
        .authorization
        .as_deref()
        .and_then(|a| a.strip_prefix("Bearer "))
        .unwrap_or_default();
    if !books.access.contains_key(bearer) {
        return (401, r#"{"code":601,"message":"invalid token"}"#.into());
    }
    let body = r#"{"accounts":[{"depositAccount":{"accountId":"chk-1001","accountType":"CHECKING","productName":"Checking","status":"OPEN","currency":{"currencyCode":"USD"},"balanceAsOf":"2026-01-15T14:30:00Z","currentBalance":100.25,"availableBalance":100.25}}]}"#;
    (200, body.into())
}
