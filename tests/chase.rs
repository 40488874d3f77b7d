//! Chase (FDX) with the real binary against `treasury sandbox serve`: the whole browser login
//! with this test acting as the browser over HTTP (approve, deny, wrong state, timeout, port in
//! use, `--no-browser`), paging, the mapping of each FDX type, and the no-config demo.

mod chase_common;
mod isolated;

use std::net::TcpListener;

use chase_common::*;
use isolated::{mode_of, run, Home, ServedSandbox};

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
fn a_wrong_state_exits_3_and_stores_nothing() {
    let home = Home::new();
    let sandbox = ServedSandbox::start(&home, [] as [&str; 0]);
    configure(&home, &sandbox);
    let login = Login::start(&home, &[]);
    let landing = consent(&login.authorize_url(), "approve", MAPPED);
    let forged = format!("{}&state=forged", landing.split("&state=").next().unwrap());
    http("GET", &forged, "");
    login
        .finish()
        .code(3)
        .stderr_has("does not match this login");
    nothing_stored(&home);
    assert_eq!(
        token_posts(&sandbox, 1),
        0,
        "the code must not be exchanged"
    );
}

#[test]
fn no_answer_in_time_exits_3_and_a_port_in_use_exits_2() {
    let home = Home::new();
    let sandbox = ServedSandbox::start(&home, [] as [&str; 0]);
    let port = configure(&home, &sandbox);
    let timed_out =
        run(home
            .cmd()
            .args(["-p", "chase", "--timeout", "1", "login", "--store", "file"]));
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
