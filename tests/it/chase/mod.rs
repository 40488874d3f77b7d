//! Chase (FDX) with the real binary against `treasury sandbox serve`: the whole browser login
//! with this test acting as the browser over HTTP (approve, deny, wrong state, timeout, port in
//! use, `--no-browser`), paging, the mapping of each FDX type, and the no-config demo.

mod refresh;

use crate::support;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use support::chase::*;
use support::{mode_of, run, Home, ServedSandbox};

#[test]
fn an_approved_login_stores_the_refresh_token_owner_only_and_reads_every_type() {
    let home = Home::new();
    let sandbox = ServedSandbox::start(&home, [] as [&str; 0]);
    configure(&home, &sandbox);
    let (login, _) = log_in(&home, ALL, &[]);
    login
        .code(0)
        .stderr_has("Logged in as profile 'chase'")
        .stderr_has("refresh token in ");
    assert_eq!(mode_of(&home.credentials_path()), 0o600);
    assert!(!stored_text(&home, "refresh_token").is_empty());

    let accounts = run(home.cmd().args(["-p", "chase", "accounts", "-f", "csv"]));
    accounts
        .code(0)
        .stdout_has("ins-7007,Key Person Life Insurance");
    assert_eq!(accounts.csv_rows(), 7, "{accounts}");
    let pages = sandbox
        .log()
        .matches("GET /chase/fdx/v4/accounts answered 200")
        .count();
    assert!(
        pages >= 3,
        "the 7 accounts span 3 pages of 3:\n{}",
        sandbox.log()
    );

    let balances = run(home.cmd().args(["-p", "chase", "balances", "-f", "csv"]));
    balances.code(5).stderr_has("ins-7007: UNSUPPORTED-TYPE");
    for line in [
        // What Chase does not send is absent (an empty cell), never zero; a real 0 stays 0.
        "chk-1001,Operating,,,,USD,2026-01-15,true,,123456.78,120000.50,125000.75,2026-01-15T14:30:00Z",
        "sav-2002,Business Premier Savings,,,,EUR,2026-01-15,true,,,98000.10,98000.10,",
        "cd-3003,Certificate of Deposit,,,,JPY,2026-01-15,true,,,0,5000000,",
        "card-4004,Ink Business Preferred,,,,USD,2026-01-15,true,,,,-1547.62,",
        "loan-5005,Business Term Loan,,,,USD,2026-01-15,true,,,,-250000.00,",
        "inv-6006,Business Brokerage,,,,KWD,2026-01-15,true,,,1234.567,43210.987,",
    ] {
        balances.stdout_has(line);
    }
    assert!(sandbox
        .log()
        .contains("GET /chase/fdx/v4/accounts/loan-5005 answered 200"));
    let dates = run(home.cmd().args(["-p", "chase", "balances", "--prior-day"]));
    dates
        .code(2)
        .stderr_has("Chase gives current balances only");
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
    login
        .finish()
        .code(3)
        .stderr_has("the consent was denied")
        .stderr_has("nothing was stored");
    nothing_stored(&home);
}

#[test]
fn a_wrong_state_gets_404_and_the_login_waits_for_the_right_one() {
    let home = Home::new();
    let sandbox = ServedSandbox::start(&home, [] as [&str; 0]);
    configure(&home, &sandbox);
    let login = Login::start(&home, &[]);
    let landing = consent(&login.authorize_url(), "approve", MAPPED);
    let forged = format!("{}&state=forged", landing.split("&state=").next().unwrap());
    let (status, _, _) = http("GET", &forged, "");
    assert_eq!(status, 404, "a forged state is not this login's answer");
    assert_eq!(
        token_posts(&sandbox, 1),
        0,
        "the code must not be exchanged"
    );
    let (status, _, _) = http("GET", &landing, "");
    assert_eq!(status, 200);
    login
        .finish()
        .code(0)
        .stderr_has("Logged in as profile 'chase'");
}

/// The port of the loopback listener, from the authorization URL's `redirect_uri`.
fn listener_addr(url: &str) -> String {
    let query = url.split_once('?').unwrap().1;
    let redirect = form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "redirect_uri")
        .map(|(_, v)| v.into_owned())
        .unwrap();
    let rest = redirect.strip_prefix("http://").unwrap();
    rest[..rest.find('/').unwrap()].to_string()
}

/// A request sent raw to the listener; its status (0 when the connection gave none).
fn raw_status(addr: &str, request: &str) -> u16 {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

#[test]
fn forged_stray_idle_and_slow_connections_cannot_end_or_jam_the_login() {
    let home = Home::new();
    let sandbox = ServedSandbox::start(&home, [] as [&str; 0]);
    configure(&home, &sandbox);
    let started = Instant::now();
    let login = Login::start(&home, &["--wait", "25"]);
    let url = login.authorize_url();
    let addr = listener_addr(&url);
    // Idle connections that never send a byte, and one that sends its head a byte a second.
    let idle: Vec<TcpStream> = (0..3).map(|_| TcpStream::connect(&addr).unwrap()).collect();
    let slow_addr = addr.clone();
    let slow = std::thread::spawn(move || {
        let mut stream = TcpStream::connect(&slow_addr).unwrap();
        for byte in b"GET /callback?state=x HTTP/1.1\r\nhost: a\r\n"
            .iter()
            .cycle()
            .take(40)
        {
            if stream.write_all(&[*byte]).is_err() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(500));
        }
        false
    });
    let get = |target: &str| {
        format!("GET {target} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\n\r\n")
    };
    for (what, target) in [
        (
            "a forged denial",
            "/callback?error=access_denied&state=forged".to_string(),
        ),
        (
            "a denial with no state",
            "/callback?error=access_denied".to_string(),
        ),
        ("a stray request", "/callback".to_string()),
        ("another path", "/favicon.ico".to_string()),
        ("a code with no state", "/callback?code=stolen".to_string()),
    ] {
        assert_eq!(raw_status(&addr, &get(&target)), 404, "{what}");
    }
    let post = format!("POST /callback?error=access_denied HTTP/1.1\r\nhost: {addr}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
    assert_eq!(raw_status(&addr, &post), 404, "a POST");
    // The browser still gets through, while the idle and slow connections are open.
    let landing = consent(&url, "approve", MAPPED);
    let (status, _, page) = http("GET", &landing, "");
    assert_eq!(status, 200, "{page}");
    login
        .finish()
        .code(0)
        .stderr_has("Logged in as profile 'chase'");
    assert!(started.elapsed() < Duration::from_secs(25));
    drop(idle);
    assert!(
        slow.join().unwrap(),
        "the slow sender is cut off at the head deadline"
    );
}

#[test]
fn no_answer_in_time_exits_3_and_a_port_in_use_exits_2() {
    let home = Home::new();
    let sandbox = ServedSandbox::start(&home, [] as [&str; 0]);
    let port = configure(&home, &sandbox);
    let timed_out = run(home
        .cmd()
        .args(["-p", "chase", "login", "--store", "file", "--wait", "1"]));
    timed_out
        .code(3)
        .stderr_has("did not come back within 1 s")
        .stderr_has("--no-browser");
    nothing_stored(&home);
    let _taken = TcpListener::bind(("127.0.0.1", port)).unwrap();
    let busy = run(home.cmd().args(["-p", "chase", "login", "--store", "file"]));
    busy.code(2)
        .stderr_has(&format!("cannot listen on 127.0.0.1:{port}"));
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
    login
        .finish()
        .code(0)
        .stderr_has("paste the address")
        .stderr_has("Logged in as profile 'chase'");
    run(home.cmd().args(["-p", "chase", "balances", "-f", "csv"]))
        .code(0)
        .stdout_has("loan-5005");
}

#[test]
fn the_sandbox_demo_needs_no_config_or_browser() {
    let home = Home::new();
    let demo = run(home
        .cmd()
        .args(["--sandbox=chase", "balances", "-f", "csv"]));
    demo.code(5)
        .stdout_has("card-4004")
        .stderr_has("ins-7007: UNSUPPORTED-TYPE");
    let refused = run(home.cmd().args(["--sandbox=chase", "login"]));
    refused.code(2);
}

#[test]
fn client_credential_flags_are_refused_for_a_browser_login() {
    let home = Home::new();
    let sandbox = ServedSandbox::start(&home, [] as [&str; 0]);
    configure(&home, &sandbox);
    let refused = run(home
        .cmd()
        .args(["-p", "chase", "login", "--client-secret-stdin"]));
    refused
        .code(2)
        .stderr_has("--client-secret-stdin does not apply to profile 'chase'");
    assert!(!home.credentials_path().exists());
}

/// A stand-in browser: a script that writes its arguments to `args.txt`, then exits `code`.
#[cfg(unix)]
fn fake_browser(home: &Home, code: i32) -> (std::path::PathBuf, std::path::PathBuf) {
    let record = home.path().join("args.txt");
    let script = home.write_file(
        "browser.sh",
        &format!(
            "#!/bin/sh\necho \"$@\" > '{}.tmp' && mv '{0}.tmp' '{0}'\nexit {code}\n",
            record.display()
        ),
        0o755,
    );
    (script, record)
}

#[cfg(unix)]
fn recorded(record: &std::path::Path) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok(text) = std::fs::read_to_string(record) {
            return text.trim().to_string();
        }
        assert!(Instant::now() < deadline, "the browser was not started");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[cfg(unix)]
#[test]
fn browser_is_honoured_without_a_display_and_the_login_completes() {
    let home = Home::new();
    let sandbox = ServedSandbox::start(&home, [] as [&str; 0]);
    configure(&home, &sandbox);
    let (script, record) = fake_browser(&home, 0);
    // A missing first command, then the script with %s standing for the URL.
    let list = format!("/nonexistent/browser:{} --new-tab %s", script.display());
    let login = Login::start_with(&home, &[], &[("BROWSER", &list)]);
    let url = login.authorize_url();
    let args = recorded(&record);
    assert_eq!(args, format!("--new-tab {url}"), "DISPLAY is unset: {args}");
    let landing = consent(&args["--new-tab ".len()..], "approve", MAPPED);
    http("GET", &landing, "");
    let run = login.finish();
    run.code(0).stderr_has("Logged in as profile 'chase'");
    assert!(!run.stderr.contains("could not open a browser"), "{run}");
}

#[cfg(unix)]
#[test]
fn a_browser_that_cannot_start_is_said_at_once_and_the_printed_address_still_works() {
    let home = Home::new();
    let sandbox = ServedSandbox::start(&home, [] as [&str; 0]);
    configure(&home, &sandbox);
    let (failing, record) = fake_browser(&home, 1);
    for browser in [
        "/nonexistent/browser".to_string(),
        failing.display().to_string(),
    ] {
        let started = Instant::now();
        let login = Login::start_with(&home, &["--wait", "60"], &[("BROWSER", &browser)]);
        login.stderr_until(
            "could not open a browser; open the address above",
            Duration::from_secs(15),
        );
        assert!(started.elapsed() < Duration::from_secs(15), "{browser}");
        let landing = consent(&login.authorize_url(), "approve", MAPPED);
        http("GET", &landing, "");
        login.finish().code(0);
        std::fs::remove_file(home.credentials_path()).unwrap();
    }
    assert!(recorded(&record).contains("/authorize?"));
}

#[test]
fn without_browser_or_display_only_the_address_is_printed() {
    let home = Home::new();
    let sandbox = ServedSandbox::start(&home, [] as [&str; 0]);
    configure(&home, &sandbox);
    let (run, _) = log_in(&home, MAPPED, &[]);
    run.code(0).stderr_has("/authorize?");
    assert!(!run.stderr.contains("could not open a browser"), "{run}");
}

// ---------------------------------------------------------------------------------------------
// Issue 18: a Chase (FDX) fault server. The login is made against the served sandbox (its
// access token is valid for an hour); then the profile's base_url points here.
// ---------------------------------------------------------------------------------------------

mod fdx_faults {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex};

    use axum::extract::{Path, RawQuery, State};
    use axum::http::StatusCode;
    use axum::response::{IntoResponse, Response};
    use axum::routing::get;
    use axum::Router;

    /// What the server answers: `list(offset)` for `GET /accounts`, `detail(id)` for
    /// `GET /accounts/{id}`, each a status and a JSON body.
    pub type Answer = (u16, String);
    pub type ListFn = dyn Fn(Option<&str>) -> Answer + Send + Sync;
    pub type DetailFn = dyn Fn(&str) -> Answer + Send + Sync;

    #[derive(Clone)]
    struct Script {
        list: Arc<ListFn>,
        detail: Arc<DetailFn>,
        hits: Arc<Mutex<HashMap<String, usize>>>,
    }

    pub struct Fdx {
        pub base_url: String,
        hits: Arc<Mutex<HashMap<String, usize>>>,
        _runtime: tokio::runtime::Runtime,
    }

    impl Fdx {
        pub fn start(
            list: impl Fn(Option<&str>) -> Answer + Send + Sync + 'static,
            detail: impl Fn(&str) -> Answer + Send + Sync + 'static,
        ) -> Fdx {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .unwrap();
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            listener.set_nonblocking(true).unwrap();
            let addr = listener.local_addr().unwrap();
            let hits = Arc::new(Mutex::new(HashMap::new()));
            let script = Script {
                list: Arc::new(list),
                detail: Arc::new(detail),
                hits: Arc::clone(&hits),
            };
            let app = Router::new()
                .route("/accounts", get(accounts))
                .route("/accounts/{id}", get(account))
                .with_state(script);
            runtime.spawn(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                axum::serve(listener, app).await.unwrap();
            });
            Fdx {
                base_url: format!("http://{addr}"),
                hits,
                _runtime: runtime,
            }
        }

        /// Requests to a path so far.
        pub fn hits(&self, path: &str) -> usize {
            self.hits.lock().unwrap().get(path).copied().unwrap_or(0)
        }
    }

    fn reply((status, body): Answer) -> Response {
        (
            StatusCode::from_u16(status).unwrap(),
            [("content-type", "application/json")],
            body,
        )
            .into_response()
    }

    fn count(script: &Script, path: String) {
        *script.hits.lock().unwrap().entry(path).or_default() += 1;
    }

    async fn accounts(State(script): State<Script>, RawQuery(query): RawQuery) -> Response {
        count(&script, "/accounts".into());
        let offset = query.as_deref().and_then(|q| {
            q.split('&')
                .find_map(|pair| pair.strip_prefix("offset="))
                .map(str::to_string)
        });
        reply((script.list)(offset.as_deref()))
    }

    async fn account(State(script): State<Script>, Path(id): Path<String>) -> Response {
        count(&script, format!("/accounts/{id}"));
        reply((script.detail)(&id))
    }
}

use fdx_faults::Fdx;

/// A logged-in chase profile whose data calls go to `fdx`.
fn logged_in_against(fdx: &Fdx) -> (Home, ServedSandbox) {
    let home = Home::new();
    let sandbox = ServedSandbox::start(&home, [] as [&str; 0]);
    configure(&home, &sandbox);
    let (login, _) = log_in(&home, MAPPED, &[]);
    login.code(0);
    let config = home.config().unwrap();
    let root = format!("{}/chase/fdx/v4", sandbox.base_url());
    home.write_config(&config.replace(&root, &fdx.base_url));
    (home, sandbox)
}

fn one_page(accounts: &str) -> (u16, String) {
    (200, format!(r#"{{"accounts":[{accounts}]}}"#))
}

fn deposit(id: &str, balance: &str) -> String {
    format!(
        r#"{{"depositAccount":{{"accountId":"{id}","nickname":"{id}","currentBalance":{balance},"availableBalance":{balance},"balanceAsOf":"2026-01-15T14:30:00Z"}}}}"#
    )
}

fn balances_csv(home: &Home) -> support::Run {
    run(home.cmd().args(["-p", "chase", "balances", "-f", "csv"]))
}

#[test]
fn a_failing_detail_call_is_that_accounts_error_and_the_others_are_reported() {
    let listed = format!(
        r#"{},{{"depositAccount":{{"accountId":"A2"}}}},{{"depositAccount":{{"accountId":"A3"}}}}"#,
        deposit("A1", "10.00")
    );
    let fdx = Fdx::start(
        move |_| one_page(&listed),
        |id| match id {
            "A2" => (404, r#"{"code":701,"message":"Account not found"}"#.into()),
            _ => (503, r#"{"code":500,"message":"down"}"#.into()),
        },
    );
    let (home, _sandbox) = logged_in_against(&fdx);
    let out = balances_csv(&home);
    out.code(5)
        .stdout_has("A1,A1,,,,USD,2026-01-15,true,,,10.00,10.00,")
        .stderr_has("account A2: 701")
        .stderr_has("account A3: UNAVAILABLE");
}

#[test]
fn a_detail_answer_for_another_account_reports_neither() {
    let fdx = Fdx::start(
        |_| one_page(r#"{"depositAccount":{"accountId":"A2"}}"#),
        |_| (200, deposit("A9", "99.00")),
    );
    let (home, _sandbox) = logged_in_against(&fdx);
    let out = balances_csv(&home);
    out.code(5).stderr_has("account A2: WRONG-ACCOUNT");
    assert!(!out.stdout.contains("A9"), "{out}");
}

#[test]
fn a_missing_balance_as_of_is_of_unknown_age_and_stale_in_a_position() {
    let fdx = Fdx::start(
        |_| {
            one_page(
                r#"{"depositAccount":{"accountId":"A1","currentBalance":5.00,"availableBalance":5.00}}"#,
            )
        },
        |_| (404, "{}".into()),
    );
    let (home, _sandbox) = logged_in_against(&fdx);
    let csv = balances_csv(&home);
    csv.code(0);
    let row = csv.stdout.lines().nth(1).unwrap().to_string();
    assert!(row.ends_with(",5.00,5.00,"), "no record_timestamp: {csv}");
    let position =
        run(home
            .cmd()
            .args(["position", "-p", "chase", "--max-age", "36h", "-f", "json"]));
    position.code(5).stderr_has("stale");
}

#[test]
fn a_line_of_credits_available_balance_is_credit_left_and_absent() {
    let fdx = Fdx::start(
        |_| {
            one_page(
                r#"{"locAccount":{"accountId":"L1","currentBalance":100.00,"availableBalance":900.00,"balanceAsOf":"2026-01-15T14:30:00Z"}}"#,
            )
        },
        |_| (404, "{}".into()),
    );
    let (home, _sandbox) = logged_in_against(&fdx);
    balances_csv(&home)
        .code(0)
        .stdout_has("L1,,,,,USD,2026-01-15,true,,,,-100.00,");
}

#[test]
fn fewer_accounts_than_total_elements_is_an_error_not_a_shorter_list() {
    let fdx = Fdx::start(
        |offset| match offset {
            None => (
                200,
                format!(
                    r#"{{"page":{{"nextOffset":"p2","totalElements":3}},"accounts":[{}]}}"#,
                    deposit("A1", "1.00")
                ),
            ),
            Some(_) => (
                200,
                format!(
                    r#"{{"page":{{"totalElements":3}},"accounts":[{}]}}"#,
                    deposit("A2", "2.00")
                ),
            ),
        },
        |_| (404, "{}".into()),
    );
    let (home, _sandbox) = logged_in_against(&fdx);
    balances_csv(&home)
        .code(6)
        .stderr_has("announced 3 accounts (totalElements) but its pages held 2");
}

#[test]
fn an_endless_cursor_stops_at_once_when_pages_repeat_and_names_why() {
    let fdx = Fdx::start(
        |offset| {
            let next = offset.map_or(1, |o| o.trim_start_matches('c').parse::<u64>().unwrap() + 1);
            (
                200,
                format!(
                    r#"{{"page":{{"nextOffset":"c{next}"}},"accounts":[{}]}}"#,
                    deposit("A1", "1.00")
                ),
            )
        },
        |_| (404, "{}".into()),
    );
    let (home, _sandbox) = logged_in_against(&fdx);
    let started = std::time::Instant::now();
    balances_csv(&home)
        .code(6)
        .stderr_has("does not end: page 2 held only accounts already listed");
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
    assert_eq!(fdx.hits("/accounts"), 2);
}

#[test]
fn fdx_v6_flat_account_lists_are_read_with_balances_from_the_detail_call() {
    let fdx = Fdx::start(
        |_| {
            one_page(
                r#"{"accountId":"F1","accountCategory":"DEPOSIT_ACCOUNT","nickname":"Flat"},{"accountId":"F2","accountCategory":"LOAN_ACCOUNT","productName":"Loan"}"#,
            )
        },
        |id| {
            match id {
            "F1" => (
                200,
                r#"{"accountId":"F1","accountCategory":"DEPOSIT_ACCOUNT","currentBalance":12.50,"availableBalance":12.00,"balanceAsOf":"2026-01-15T14:30:00Z"}"#.into(),
            ),
            _ => (
                200,
                r#"{"accountId":"F2","accountCategory":"LOAN_ACCOUNT","principalBalance":1000.00,"balanceAsOf":"2026-01-15T14:30:00Z"}"#.into(),
            ),
        }
        },
    );
    let (home, _sandbox) = logged_in_against(&fdx);
    balances_csv(&home)
        .code(0)
        .stdout_has("F1,Flat,,,,USD,2026-01-15,true,,,12.00,12.50,")
        .stdout_has("F2,Loan,,,,USD,2026-01-15,true,,,,-1000.00,");
}

#[test]
fn an_error_body_with_a_200_and_a_malformed_record_are_told_apart() {
    let fdx = Fdx::start(
        |_| {
            (
                200,
                r#"{"code":"500","message":"Backend unavailable"}"#.into(),
            )
        },
        |_| (404, "{}".into()),
    );
    let (home, _sandbox) = logged_in_against(&fdx);
    balances_csv(&home)
        .code(4)
        .stderr_has("Backend unavailable");

    let fdx = Fdx::start(
        |_| {
            one_page(&format!(
                r#"{},{{"depositAccount":{{"accountId":"B2","currentBalance":"12.00"}}}}"#,
                deposit("A1", "1.00")
            ))
        },
        |_| (404, "{}".into()),
    );
    let (home, _sandbox) = logged_in_against(&fdx);
    balances_csv(&home)
        .code(5)
        .stdout_has("A1,A1,")
        .stderr_has("account B2: UNREADABLE");
}

/// One retry loop for every provider: `--max-wait` weighs only a wait the bank asked for, so a
/// 503 without `Retry-After` is retried with the short backoff even at `--max-wait 0`, and a
/// body that is not an accounts list names the status and Chase's support.
#[test]
fn a_503_without_retry_after_is_retried_at_max_wait_0_and_an_unreadable_list_names_its_status() {
    let calls = std::sync::atomic::AtomicUsize::new(0);
    let fdx = Fdx::start(
        move |_| match calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst) {
            0 => (503, r#"{"code":"503","message":"Busy"}"#.into()),
            _ => one_page(&deposit("A1", "1.00")),
        },
        |_| (404, "{}".into()),
    );
    let (home, _sandbox) = logged_in_against(&fdx);
    run(home
        .cmd()
        .args(["-p", "chase", "balances", "-f", "csv", "--max-wait", "0"]))
    .code(0)
    .stdout_has("A1,A1,");
    assert_eq!(fdx.hits("/accounts"), 2);

    let fdx = Fdx::start(|_| (200, "<html>".into()), |_| (404, "{}".into()));
    let (home, _sandbox) = logged_in_against(&fdx);
    balances_csv(&home)
        .code(6)
        .stderr_has("error: Chase answered HTTP 200 with a body that is not an accounts list")
        .stderr_has("contact Chase's API support with the excerpt above");
}

#[test]
fn lower_case_chase_ids_are_ids_as_typed_or_with_the_slash_escape() {
    let home = Home::new();
    for given in ["chk-1001", "/chk-1001"] {
        let out = run(home
            .cmd()
            .args(["--sandbox=chase", "balances", "-f", "csv", "-a", given]));
        out.code(0).stdout_has("chk-1001,Operating,");
        assert_eq!(out.stdout.lines().count(), 2, "{given}: {out}");
    }
}
