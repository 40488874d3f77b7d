//! What the Chase tests share: a chase profile on a served sandbox, a tiny HTTP client that
//! plays the browser on the consent page, a running `treasury login`, and the stored login.

pub mod standin;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::support::{Home, Run, ServedSandbox, BIN};

pub const ALL: &[&str] = &[
    "chk-1001",
    "sav-2002",
    "cd-3003",
    "card-4004",
    "loan-5005",
    "inv-6006",
    "ins-7007",
];
/// Accounts every type of which maps: reports of these exit 0.
pub const MAPPED: &[&str] = &["chk-1001", "loan-5005"];

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A config with a chase profile on this sandbox, redirected to a free loopback port: a public
/// client (`auth = "none"`, PKCE only); `configure_with` sets other lines.
pub fn configure(home: &Home, sandbox: &ServedSandbox) -> u16 {
    configure_with(home, sandbox, "auth = \"none\"\n")
}

pub fn configure_with(home: &Home, sandbox: &ServedSandbox, extra: &str) -> u16 {
    let port = free_port();
    let root = format!("{}/chase", sandbox.base_url());
    home.write_config(&format!(
        "[profiles.chase]\nprovider = \"chase\"\nclient_id = \"app\"\n{extra}\
         redirect_uri = \"http://127.0.0.1:{port}/callback\"\n\
         authorize_url = \"{root}/aggregator-oauth/v1/authorize\"\n\
         token_url = \"{root}/aggregator-oauth/v1/token\"\nbase_url = \"{root}/fdx/v4\"\n"
    ));
    port
}

/// A minimal HTTP/1.1 exchange: status, the Location header, body.
pub fn http(method: &str, url: &str, body: &str) -> (u16, Option<String>, String) {
    let rest = url.strip_prefix("http://").expect("an http URL");
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let mut stream = TcpStream::connect(host).expect("connects");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nhost: {host}\r\nconnection: close\r\n\
         content-type: application/x-www-form-urlencoded\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let location = head
        .lines()
        .find_map(|l| {
            l.strip_prefix("location: ")
                .or_else(|| l.strip_prefix("Location: "))
        })
        .map(str::to_string);
    (status, location, body.to_string())
}

pub fn enc(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

pub fn hidden(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} in {page}"))
        + marker.len();
    page[start..start + page[start..].find('"').unwrap()].replace("&amp;", "&")
}

/// Opens the consent page like a browser, ticks `accounts` and presses the button; returns
/// the address the sandbox redirects to.
pub fn consent(authorize_url: &str, decision: &str, accounts: &[&str]) -> String {
    let (status, _, page) = http("GET", authorize_url, "");
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains(">Approve</button>") && page.contains(">Deny</button>"),
        "{page}"
    );
    let mut form: Vec<String> = ["client_id", "redirect_uri", "state", "code_challenge"]
        .iter()
        .map(|k| format!("{k}={}", enc(&hidden(&page, k))))
        .collect();
    form.push(format!("decision={decision}"));
    form.extend(accounts.iter().map(|a| format!("accounts={a}")));
    let action = authorize_url.split('?').next().unwrap();
    let (status, location, body) = http("POST", action, &form.join("&"));
    assert_eq!(status, 303, "{body}");
    location.expect("a redirect")
}

/// A `treasury login` running, its stderr collected (`-p chase` by `start`; any profile by
/// `spawn`).
pub struct Login {
    child: Child,
    stderr: Arc<Mutex<String>>,
}

impl Login {
    /// `treasury login -p chase --store file ARGS` (`-v` flags go before the command).
    pub fn start(home: &Home, args: &[&str]) -> Login {
        Login::start_with(home, args, &[])
    }

    /// `start` with these variables added to the (otherwise cleared) environment.
    pub fn start_with(home: &Home, args: &[&str], vars: &[(&str, &str)]) -> Login {
        let mut cmd = Command::new(BIN);
        cmd.env_clear()
            .envs(vars.iter().copied())
            .current_dir(home.path())
            .env("HOME", home.path())
            .env("XDG_CONFIG_HOME", home.path().join("config"))
            .env("XDG_CACHE_HOME", home.path().join("cache"))
            .env("TREASURY_NO_KEYRING", "1")
            .env("NO_PROXY", "127.0.0.1,localhost")
            .args(["-p", "chase"])
            .args(args.iter().filter(|a| a.starts_with("-v")))
            .args(["login", "--store", "file"])
            .args(args.iter().filter(|a| !a.starts_with("-v")));
        Login::spawn(cmd)
    }

    /// Starts a prepared login command with piped stdio and collects its stderr.
    pub fn spawn(mut cmd: Command) -> Login {
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("treasury login starts");
        let stderr = Arc::new(Mutex::new(String::new()));
        let pipe = child.stderr.take().unwrap();
        let lines = Arc::clone(&stderr);
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                let mut text = lines.lock().unwrap();
                text.push_str(&line);
                text.push('\n');
            }
        });
        Login { child, stderr }
    }

    /// The authorization URL it printed, once it has (and, with a listener, is listening).
    pub fn authorize_url(&self) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let text = self.stderr.lock().unwrap().clone();
            let url = text
                .lines()
                .map(str::trim)
                .find(|l| l.contains("/authorize?"));
            if let (Some(url), true) = (url, text.contains("Waiting") || text.contains("paste")) {
                return url.to_string();
            }
            assert!(Instant::now() < deadline, "no authorization URL:\n{text}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits until its stderr has `text`; what it has then.
    pub fn stderr_until(&self, text: &str, within: Duration) -> String {
        let deadline = Instant::now() + within;
        loop {
            let seen = self.stderr.lock().unwrap().clone();
            if seen.contains(text) {
                return seen;
            }
            assert!(
                Instant::now() < deadline,
                "no {text:?} within {within:?}:\n{seen}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn paste(&mut self, text: &str) {
        let mut stdin = self.child.stdin.take().unwrap();
        writeln!(stdin, "{text}").unwrap();
    }

    pub fn finish(mut self) -> Run {
        let status = self.child.wait().unwrap();
        let mut stdout = String::new();
        self.child
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut stdout)
            .unwrap();
        std::thread::sleep(Duration::from_millis(50));
        let stderr = self.stderr.lock().unwrap().clone();
        Run {
            code: status.code().unwrap(),
            stdout,
            stderr,
        }
    }
}

/// A whole approved login of `accounts`; the run and the code the browser carried.
pub fn log_in(home: &Home, accounts: &[&str], args: &[&str]) -> (Run, String) {
    let login = Login::start(home, args);
    let landing = consent(&login.authorize_url(), "approve", accounts);
    let (status, _, page) = http("GET", &landing, "");
    assert_eq!(status, 200);
    assert!(page.contains("You can close this window"), "{page}");
    let code = landing
        .split("code=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .to_string();
    (login.finish(), code)
}

pub fn stored(home: &Home) -> toml::Table {
    let text = std::fs::read_to_string(home.credentials_path()).expect("credentials");
    text.parse::<toml::Table>().unwrap()["profiles"]["chase"]
        .as_table()
        .unwrap()
        .clone()
}

pub fn stored_text(home: &Home, key: &str) -> String {
    stored(home)[key].as_str().unwrap().to_string()
}

/// Rewrites the stored login (as a later day would find it).
pub fn edit_stored(home: &Home, key: &str, value: toml::Value) {
    let path = home.credentials_path();
    let mut file: toml::Table = std::fs::read_to_string(&path).unwrap().parse().unwrap();
    file["profiles"]["chase"]
        .as_table_mut()
        .unwrap()
        .insert(key.into(), value);
    std::fs::write(&path, toml::to_string(&file).unwrap()).unwrap();
}

pub fn expire_access_token(home: &Home) {
    edit_stored(
        home,
        "token_expires_at",
        toml::Value::String("2020-01-01T00:00:00Z".into()),
    );
}

/// Token requests the sandbox logged, once its log has caught up with `posts` POSTs in all.
pub fn token_posts(sandbox: &ServedSandbox, posts: usize) -> usize {
    sandbox
        .wait_for_requests(posts)
        .iter()
        .filter(|r| r.contains("/chase/aggregator-oauth/v1/token"))
        .count()
}

pub fn nothing_stored(home: &Home) {
    assert!(
        !home.credentials_path().exists(),
        "a failed login stored something"
    );
}
