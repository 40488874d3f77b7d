//! The Chase browser login against `treasury sandbox serve`, this test acting as the browser: an
//! approved login reads every FDX type; a denied consent, a wrong state, forged or stray
//! connections, no answer in time, a port in use, `--no-browser`.

use super::*;

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
