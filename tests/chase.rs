//! Chase (FDX) with the real binary against `treasury sandbox serve`: the whole browser login
//! with this test acting as the browser over HTTP (approve, deny, wrong state, timeout, port in
//! use, `--no-browser`), refresh tokens (expiry, 401, rotation, reuse refused, two runs at
//! once, `invalid_grant`), paging, the mapping of each FDX type, and no secret in `-vv`.

mod isolated;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use isolated::{mode_of, run, Home, Run, ServedSandbox, BIN};

const ALL: &[&str] = &[
    "chk-1001", "sav-2002", "cd-3003", "card-4004", "loan-5005", "inv-6006", "ins-7007",
];
/// Accounts every type of which maps: reports of these exit 0.
const MAPPED: &[&str] = &["chk-1001", "loan-5005"];

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A config with a chase profile on this sandbox, redirected to a free loopback port.
fn configure(home: &Home, sandbox: &ServedSandbox) -> u16 {
    let port = free_port();
    let root = format!("{}/chase", sandbox.base_url());
    home.write_config(&format!(
        "[profiles.chase]\nprovider = \"chase\"\nclient_id = \"app\"\n\
         redirect_uri = \"http://127.0.0.1:{port}/callback\"\n\
         authorize_url = \"{root}/aggregator-oauth/v1/authorize\"\n\
         token_url = \"{root}/aggregator-oauth/v1/token\"\nbase_url = \"{root}/fdx/v4\"\n"
    ));
    port
}

/// A minimal HTTP/1.1 exchange: status, the Location header, body.
fn http(method: &str, url: &str, body: &str) -> (u16, Option<String>, String) {
    let rest = url.strip_prefix("http://").expect("an http URL");
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let mut stream = TcpStream::connect(host).expect("connects");
    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
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
    let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let location = head
        .lines()
        .find_map(|l| l.strip_prefix("location: ").or_else(|| l.strip_prefix("Location: ")))
        .map(str::to_string);
    (status, location, body.to_string())
}

fn enc(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

fn hidden(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page.find(&marker).unwrap_or_else(|| panic!("no {name} in {page}")) + marker.len();
    page[start..start + page[start..].find('"').unwrap()].replace("&amp;", "&")
}

/// Opens the consent page like a browser, ticks `accounts` and presses the button; returns
/// the address the sandbox redirects to.
fn consent(authorize_url: &str, decision: &str, accounts: &[&str]) -> String {
    let (status, _, page) = http("GET", authorize_url, "");
    assert_eq!(status, 200, "{page}");
    assert!(page.contains(">Approve</button>") && page.contains(">Deny</button>"), "{page}");
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

/// `treasury login -p chase --store file ARGS` running, its stderr collected.
struct Login {
    child: Child,
    stderr: Arc<Mutex<String>>,
}

impl Login {
    fn start(home: &Home, args: &[&str]) -> Login {
        let mut child = Command::new(BIN)
            .env_clear()
            .current_dir(home.path())
            .env("HOME", home.path())
            .env("XDG_CONFIG_HOME", home.path().join("config"))
            .env("XDG_CACHE_HOME", home.path().join("cache"))
            .env("TREASURY_NO_KEYRING", "1")
            .env("NO_PROXY", "127.0.0.1,localhost")
            .args(["-p", "chase"])
            .args(args.iter().filter(|a| a.starts_with("-v")))
            .args(["login", "--store", "file"])
            .args(args.iter().filter(|a| !a.starts_with("-v")))
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
    fn authorize_url(&self) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let text = self.stderr.lock().unwrap().clone();
            let url = text.lines().map(str::trim).find(|l| l.contains("/authorize?"));
            if let (Some(url), true) = (url, text.contains("Waiting") || text.contains("paste")) {
                return url.to_string();
            }
            assert!(Instant::now() < deadline, "no authorization URL:\n{text}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn paste(&mut self, text: &str) {
        let mut stdin = self.child.stdin.take().unwrap();
        writeln!(stdin, "{text}").unwrap();
    }

    fn finish(mut self) -> Run {
        let status = self.child.wait().unwrap();
        let mut stdout = String::new();
        self.child.stdout.take().unwrap().read_to_string(&mut stdout).unwrap();
        std::thread::sleep(Duration::from_millis(50));
        let stderr = self.stderr.lock().unwrap().clone();
        Run { code: status.code().unwrap(), stdout, stderr }
    }
}

/// A whole approved login of `accounts`; the run and the code the browser carried.
fn log_in(home: &Home, accounts: &[&str], args: &[&str]) -> (Run, String) {
    let login = Login::start(home, args);
    let landing = consent(&login.authorize_url(), "approve", accounts);
    let (status, _, page) = http("GET", &landing, "");
    assert_eq!(status, 200);
    assert!(page.contains("You can close this window"), "{page}");
    let code = landing.split("code=").nth(1).unwrap().split('&').next().unwrap().to_string();
    (login.finish(), code)
}

fn stored(home: &Home) -> toml::Table {
    let text = std::fs::read_to_string(home.credentials_path()).expect("credentials");
    text.parse::<toml::Table>().unwrap()["profiles"]["chase"].as_table().unwrap().clone()
}

fn stored_text(home: &Home, key: &str) -> String {
    stored(home)[key].as_str().unwrap().to_string()
}

/// Rewrites the stored login (as a later day would find it).
fn edit_stored(home: &Home, key: &str, value: toml::Value) {
    let path = home.credentials_path();
    let mut file: toml::Table = std::fs::read_to_string(&path).unwrap().parse().unwrap();
    file["profiles"]["chase"].as_table_mut().unwrap().insert(key.into(), value);
    std::fs::write(&path, toml::to_string(&file).unwrap()).unwrap();
}

fn expire_access_token(home: &Home) {
    edit_stored(home, "token_expires_at", toml::Value::String("2020-01-01T00:00:00Z".into()));
}

/// Token requests the sandbox logged, once its log has caught up with `posts` POSTs in all.
fn token_posts(sandbox: &ServedSandbox, posts: usize) -> usize {
    sandbox
        .wait_for_requests(posts).iter().filter(|r| r.contains("/chase/aggregator-oauth/v1/token")).count()
}

fn nothing_stored(home: &Home) {
    assert!(!home.credentials_path().exists(), "a failed login stored something");
}

#[test]
fn an_approved_login_stores_the_refresh_token_owner_only_and_reads_every_type() {
    let home = Home::new();
    let sandbox = ServedSandbox::start(&home, [] as [&str; 0]);
    configure(&home, &sandbox);
    let (login, _) = log_in(&home, ALL, &[]);
    login.code(0).stderr_has("Logged in as profile 'chase'").stderr_has("refresh token in ");
    assert_eq!(mode_of(&home.credentials_path()), 0o600);
    assert!(!stored_text(&home, "refresh_token").is_empty());

    let accounts = run(home.cmd().args(["-p", "chase", "accounts", "-f", "csv"]));
    accounts.code(0).stdout_has("ins-7007,Key Person Life Insurance");
    assert_eq!(accounts.csv_rows(), 7, "{accounts}");
    let pages = sandbox.log().matches("GET /chase/fdx/v4/accounts answered 200").count();
    assert!(pages >= 3, "the 7 accounts span 3 pages of 3:\n{}", sandbox.log());

    let balances = run(home.cmd().args(["-p", "chase", "balances", "-f", "csv"]));
    balances.code(5).stderr_has("ins-7007: UNSUPPORTED-TYPE");
    for line in [
        "chk-1001,Operating,,,,USD,2026-01-15,true,0.00,123456.78,120000.50,125000.75,2026-01-15T14:30:00Z",
        "sav-2002,Business Premier Savings,,,,EUR,2026-01-15,true,0.00,0.00,98000.10,98000.10,",
        "cd-3003,Certificate of Deposit,,,,JPY,2026-01-15,true,0,0,0,5000000,",
        "card-4004,Ink Business Preferred,,,,USD,2026-01-15,true,0.00,0.00,0.00,-1547.62,",
        "loan-5005,Business Term Loan,,,,USD,2026-01-15,true,0.00,0.00,0.00,-250000.00,",
        "inv-6006,Business Brokerage,,,,KWD,2026-01-15,true,0.000,0.000,1234.567,43210.987,",
    ] {
        balances.stdout_has(line);
    }
    assert!(sandbox.log().contains("GET /chase/fdx/v4/accounts/loan-5005 answered 200"));
    let dates = run(home.cmd().args(["-p", "chase", "balances", "--prior-day"]));
    dates.code(2).stderr_has("Chase gives current balances only");
}

#[test]
fn a_denied_consent_exits_3_and_stores_nothing() {
    let home = Home::new();
    let sandbox = ServedSandbox::start(&home, [] as [&str; 0]);
    configure(&home, &sandbox);
    let login = Login::start(&home, &[]);
    let landing = consent(&login.authorize_url(), "deny", &[]);
    assert!(landing.contains("error=access_denied"), "{landing}");
    let (_, _, page) = http("GET", &landing, "");
    assert!(page.contains("not completed"), "{page}");
    login.finish().code(3).stderr_has("the consent was denied").stderr_has("nothing was stored");
    nothing_stored(&home);
}

#[test]
fn a_wrong_state_exits_3_and_stores_nothing() {
    let home = Home::new();
    let sandbox = ServedSandbox::start(&home, [] as [&str; 0]);
    configure(&home, &sandbox);
    let login = Login::start(&home, &[]);
    let landing = consent(&login.authorize_url(), "approve", MAPPED);
    let forged = format!("{}&state=forged", landing.split("&state=").next().unwrap());
    http("GET", &forged, "");
    login.finish().code(3).stderr_has("does not match this login");
    nothing_stored(&home);
    assert_eq!(token_posts(&sandbox, 1), 0, "the code must not be exchanged");
}

#[test]
fn no_answer_in_time_exits_3_and_a_port_in_use_exits_2() {
    let home = Home::new();
    let sandbox = ServedSandbox::start(&home, [] as [&str; 0]);
    let port = configure(&home, &sandbox);
    let timed_out = run(home.cmd().args(["-p", "chase", "--timeout", "1", "login", "--store", "file"]));
    timed_out.code(3).stderr_has("did not come back within 1 s").stderr_has("--no-browser");
    nothing_stored(&home);
    let _taken = TcpListener::bind(("127.0.0.1", port)).unwrap();
    let busy = run(home.cmd().args(["-p", "chase", "login", "--store", "file"]));
    busy.code(2).stderr_has(&format!("cannot listen on 127.0.0.1:{port}"));
    nothing_stored(&home);
}

#[test]
fn no_browser_reads_the_pasted_address() {
    let home = Home::new();
    let sandbox = ServedSandbox::start(&home, [] as [&str; 0]);
    configure(&home, &sandbox);
    let mut login = Login::start(&home, &["--no-browser"]);
    let landing = consent(&login.authorize_url(), "approve", MAPPED);
    login.paste(&landing);
    login.finish().code(0).stderr_has("paste the address").stderr_has("Logged in as profile 'chase'");
    run(home.cmd().args(["-p", "chase", "balances", "-f", "csv"])).code(0).stdout_has("loan-5005");
}

#[test]
fn expired_and_refused_tokens_are_renewed_with_a_rotated_refresh_token() {
    let home = Home::new();
    let sandbox = ServedSandbox::start(&home, [] as [&str; 0]);
    configure(&home, &sandbox);
    log_in(&home, MAPPED, &[]).0.code(0);
    let first = stored_text(&home, "refresh_token");
    expire_access_token(&home);
    run(home.cmd().args(["-p", "chase", "balances"])).code(0).stdout_has("chk-1001");
    let second = stored_text(&home, "refresh_token");
    assert_ne!(first, second, "the refresh token rotates");
    assert_eq!(token_posts(&sandbox, 3), 2);
    // The spent one is refused, as real servers do.
    let token_url = format!("{}/chase/aggregator-oauth/v1/token", sandbox.base_url());
    let (status, _, body) = http("POST", &token_url, &format!("grant_type=refresh_token&client_id=app&refresh_token={}", enc(&first)));
    assert_eq!(status, 400);
    assert!(body.contains("invalid_grant"), "{body}");
    // A token the bank refuses (401) is renewed once, too.
    edit_stored(&home, "access_token", toml::Value::String("revoked".into()));
    edit_stored(&home, "token_expires_at", toml::Value::String("2999-01-01T00:00:00Z".into()));
    run(home.cmd().args(["-p", "chase", "accounts"])).code(0).stdout_has("loan-5005");
    assert_ne!(stored_text(&home, "refresh_token"), second);
    let status = run(home.cmd().args(["-p", "chase", "status", "-f", "json"]));
    let fields = status.code(0).json();
    assert_eq!(fields["provider"], "chase", "{status}");
    assert!(fields["token_expires_at"].as_str().is_some_and(|t| t.starts_with("20")), "{status}");
    assert!(fields["login_expires_at"].as_str().is_some(), "{status}");
}

#[test]
fn two_runs_at_once_share_one_refresh() {
    let home = Home::new();
    let sandbox = ServedSandbox::start(&home, [] as [&str; 0]);
    configure(&home, &sandbox);
    log_in(&home, MAPPED, &[]).0.code(0);
    expire_access_token(&home);
    let runs: Vec<_> = (0..2)
        .map(|_| {
            let mut cmd = home.cmd();
            cmd.args(["-p", "chase", "balances", "-f", "csv"]);
            std::thread::spawn(move || run(&mut cmd))
        })
        .collect();
    for handle in runs {
        handle.join().unwrap().code(0).stdout_has("chk-1001");
    }
    assert_eq!(token_posts(&sandbox, 3), 2, "one login, one refresh:\n{}", sandbox.log());
}

#[test]
fn a_refused_refresh_token_ends_the_login_with_exit_3() {
    let home = Home::new();
    let sandbox = ServedSandbox::start(&home, [] as [&str; 0]);
    configure(&home, &sandbox);
    log_in(&home, MAPPED, &[]).0.code(0);
    let token_url = format!("{}/chase/aggregator-oauth/v1/token", sandbox.base_url());
    let spend = format!("grant_type=refresh_token&client_id=app&refresh_token={}", enc(&stored_text(&home, "refresh_token")));
    assert_eq!(http("POST", &token_url, &spend).0, 200);
    expire_access_token(&home);
    let ended = run(home.cmd().args(["-p", "chase", "balances"]));
    ended.code(3).stderr_has("invalid_grant").stderr_has("run 'treasury login -p chase'");
    assert!(ended.stdout.is_empty(), "{ended}");
}

#[test]
fn a_login_ending_soon_is_warned_about() {
    let home = Home::new();
    let sandbox = ServedSandbox::start(&home, [] as [&str; 0]);
    configure(&home, &sandbox);
    log_in(&home, MAPPED, &[]).0.code(0);
    let soon = (chrono::Utc::now() + chrono::Duration::days(3)).to_rfc3339();
    edit_stored(&home, "refresh_expires_at", toml::Value::String(soon));
    run(home.cmd().args(["-p", "chase", "accounts"]))
        .code(0)
        .stderr_has("warning: the login of profile 'chase' ends")
        .stderr_has("run 'treasury login -p chase' before then");
    let quiet = run(home.cmd().args(["-q", "-p", "chase", "accounts"]));
    assert!(!quiet.stderr.contains("ends"), "{quiet}");
}

#[test]
fn very_verbose_output_shows_no_code_verifier_or_token() {
    let home = Home::new();
    let sandbox = ServedSandbox::start(&home, [] as [&str; 0]);
    configure(&home, &sandbox);
    let (login, code) = log_in(&home, MAPPED, &["-vv"]);
    login.code(0);
    let access = stored_text(&home, "access_token");
    let first_refresh = stored_text(&home, "refresh_token");
    expire_access_token(&home);
    let balances = run(home.cmd().args(["-vv", "-p", "chase", "balances"]));
    balances.code(0).stderr_has("x-fapi-interaction-id: ");
    let refreshed = stored_text(&home, "access_token");
    for secret in [&code, &access, &first_refresh, &refreshed, &stored_text(&home, "refresh_token")] {
        assert!(!login.everything().contains(secret.as_str()), "a secret in login -vv:\n{login}");
        assert!(!balances.everything().contains(secret.as_str()), "a secret in balances -vv:\n{balances}");
    }
    assert!(!login.everything().contains("code_verifier="), "{login}");
}

#[test]
fn the_sandbox_demo_needs_no_config_or_browser() {
    let home = Home::new();
    let demo = run(home.cmd().args(["--sandbox=chase", "balances", "-f", "csv"]));
    demo.code(5).stdout_has("card-4004").stderr_has("ins-7007: UNSUPPORTED-TYPE");
    let refused = run(home.cmd().args(["--sandbox=chase", "login"]));
    refused.code(2);
}
