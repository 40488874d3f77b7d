//! The open-banking provider through the built binary and `--sandbox=open-banking` (the
//! sandbox's pre-authorised consent: no browser, no config).

mod login;

use assert_cmd::Command;

fn treasury(args: &[&str]) -> (i32, String, String) {
    let home = tempfile::tempdir().unwrap();
    let out = Command::cargo_bin("treasury")
        .unwrap()
        .env_clear()
        .env("HOME", home.path())
        .env("NO_PROXY", "127.0.0.1,localhost")
        .args(["--sandbox=open-banking"])
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn accounts_come_from_both_pages() {
    let (code, stdout, stderr) = treasury(&["accounts", "-f", "csv"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stderr, "");
    let ids: Vec<&str> = stdout
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(ids, ["GBP-0001", "EUR-0002", "GBP-0003", "GBP-0004"]);
    assert!(
        stdout.contains("EUR-0002,Euro Collections,,,404002,EUR"),
        "{stdout}"
    );
}

#[test]
fn balances_csv_keeps_exact_amounts_precedence_and_debit() {
    let (code, stdout, stderr) = treasury(&["balances", "-f", "csv"]);
    assert_eq!(code, 0, "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    // A Type the bank did not send is an empty cell, never 0.00.
    assert_eq!(
        lines[1],
        "GBP-0001,Operating GBP,,,404001,GBP,2026-11-30,true,,10000.00,12000.10,12345.67,2026-11-30T22:30:00Z"
    );
    assert_eq!(
        lines[2],
        "EUR-0002,Euro Collections,,,404002,EUR,2026-11-30,true,1.005,,249000.50,250000.50,2026-11-30T22:30:00Z"
    );
    assert_eq!(
        lines[3],
        "GBP-0003,Overdraft,,,404003,GBP,2026-11-30,true,,,-1500.00,-1547.62,2026-11-30T22:30:00Z"
    );
    assert!(
        lines[4].contains(",9007199254740993.01,9007199254740993.01,"),
        "{stdout}"
    );
}

#[test]
fn balances_json_has_the_exact_digits() {
    let (code, text, stderr) = treasury(&["balances", "-f", "json"]);
    assert_eq!(code, 0, "{stderr}");
    serde_json::from_str::<serde_json::Value>(&text).unwrap();
    // amounts are JSON numbers written with the bank's exact digits (never via a float)
    assert!(text.contains(r#""ending_ledger":-1547.62,"#), "{text}");
    assert!(
        text.contains(r#""ending_ledger":9007199254740993.01,"#),
        "{text}"
    );
    assert!(text.contains(r#""opening_available":1.005,"#), "{text}");
    assert!(text.contains(r#""ending_available":12000.10,"#), "{text}");
}

#[test]
fn balances_table_and_ndjson_show_the_same_amounts() {
    let (code, table, stderr) = treasury(&["balances", "-f", "table"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(table.contains("-1,547.62"), "{table}");
    assert!(table.contains("12,345.67"), "{table}");
    let (code, nd, stderr) = treasury(&["balances", "-f", "ndjson"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(nd.contains(r#""ending_ledger":-1547.62,"#), "{nd}");
    assert_eq!(
        nd.lines().filter(|l| l.contains("GBP-0")).count(),
        3,
        "{nd}"
    );
}

#[test]
fn an_account_the_consent_does_not_cover_is_a_per_account_error() {
    let (code, stdout, stderr) =
        treasury(&["balances", "-f", "csv", "-a", "GBP-0003", "-a", "NOPE-9"]);
    assert_eq!(code, 5, "{stderr}");
    assert_eq!(stdout.lines().count(), 2, "{stdout}");
    assert!(stdout.contains("GBP-0003,Overdraft"), "{stdout}");
    assert!(
        stderr.contains("account NOPE-9: NOT-FOUND the consent does not cover account NOPE-9"),
        "{stderr}"
    );
}

#[test]
fn date_options_are_refused_locally() {
    let (code, stdout, stderr) = treasury(&["balances", "--prior-day"]);
    assert_eq!(code, 2);
    assert_eq!(stdout, "");
    assert!(
        stderr.contains("provider 'open-banking' cannot give prior-day balances"),
        "{stderr}"
    );
    assert!(
        stderr.contains("open banking gives current balances only"),
        "{stderr}"
    );
}

#[test]
fn very_verbose_logs_interaction_ids_but_no_token() {
    let (code, _, stderr) = treasury(&["-vv", "balances", "-f", "csv"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        !stderr.contains("ob-sandbox-preauthorised-token"),
        "{stderr}"
    );
    assert!(!stderr.contains("Bearer"), "{stderr}");
    let ids: std::collections::HashSet<&str> = stderr
        .lines()
        .filter_map(|l| {
            l.split_once("x-fapi-interaction-id ")
                .map(|(_, id)| id.trim())
        })
        .collect();
    // two account pages and one bulk balances call, each with its own id
    assert_eq!(ids.len(), 3, "{stderr}");
}

// ---- A configured profile against `treasury sandbox serve`: consent record, status, logout ----

use crate::support;

use std::io::{Read, Write};

use chrono::{Duration as Days, Utc};
use support::{Home, ServedSandbox};

const CONSENT: &str = "obc-sandbox-preauthorised";
const TOKEN: &str = "ob-sandbox-preauthorised-token";

fn configure(home: &Home, root: &str) {
    home.write_config(&format!(
        "[profiles.ob]\nprovider = \"open-banking\"\nbase_url = \"{root}/open-banking/v3.1/aisp\"\n\
         token_url = \"{root}/open-banking/token\"\nclient_id = \"sandbox\"\nfinancial_id = \"0015800001041RHAAY\"\n"
    ));
}

fn record_consent(home: &Home, days_left: i64) -> std::path::PathBuf {
    let dir = home.path().join(".local/state/treasury/consents");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("ob.json");
    let expires = (Utc::now() + Days::days(days_left) + Days::hours(1)).to_rfc3339();
    std::fs::write(
        &path,
        format!(
            r#"{{"consent_id":"{CONSENT}","expires_at":"{expires}","recorded_at":"{}"}}"#,
            Utc::now().to_rfc3339()
        ),
    )
    .unwrap();
    path
}

fn ob(home: &Home, args: &[&str]) -> (i32, String, String) {
    let out = home
        .cmd()
        .env("TREASURY_ACCESS_TOKEN", TOKEN)
        .args(["-p", "ob"])
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// What the sandbox recorded (`GET /open-banking/sandbox/requests`).
fn seen(root: &str) -> Vec<serde_json::Value> {
    let addr = root.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "GET /open-banking/sandbox/requests HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut text = String::new();
    stream.read_to_string(&mut text).unwrap();
    let body = text.split_once("\r\n\r\n").unwrap().1;
    let body = match body.find('[') {
        Some(start) => &body[start..=body.rfind(']').unwrap()],
        None => body,
    };
    serde_json::from_str::<Vec<serde_json::Value>>(body).unwrap()
}

#[test]
fn every_data_request_has_authorization_and_its_own_interaction_id() {
    let home = Home::new();
    let sandbox = ServedSandbox::start(&home, Vec::<&str>::new());
    configure(&home, sandbox.base_url());
    let (code, stdout, stderr) = ob(&home, &["balances", "-f", "csv"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout.lines().count(), 5, "{stdout}");
    let requests = seen(sandbox.base_url());
    assert_eq!(requests.len(), 3, "{requests:?}");
    let mut ids = std::collections::HashSet::new();
    for r in &requests {
        assert_eq!(r["authorization"], true, "{r}");
        assert_eq!(r["customer_ip"], false, "{r}");
        assert_eq!(r["financial_id"], "0015800001041RHAAY", "{r}");
        assert!(
            ids.insert(r["interaction_id"].as_str().unwrap().to_string()),
            "{r}"
        );
    }
}

#[test]
fn a_consent_ending_within_seven_days_warns_on_every_command() {
    let home = Home::new();
    let sandbox = ServedSandbox::start(&home, Vec::<&str>::new());
    configure(&home, sandbox.base_url());
    record_consent(&home, 3);
    let (code, stdout, stderr) = ob(&home, &["accounts", "-f", "csv"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout.lines().count(), 5);
    assert!(
        stderr.contains(&format!(
            "warning: the consent {CONSENT} of profile 'ob' ends "
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains("(3 days left): run 'treasury login -p ob' to renew the consent"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    let (code, _, stderr) = ob(&home, &["-q", "accounts"]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    record_consent(&home, 30);
    let (code, _, stderr) = ob(&home, &["accounts"]);
    assert_eq!((code, stderr.as_str()), (0, ""));
}

#[test]
fn status_asks_the_bank_and_falls_back_to_the_record() {
    let home = Home::new();
    let sandbox = ServedSandbox::start(&home, Vec::<&str>::new());
    configure(&home, sandbox.base_url());
    record_consent(&home, 30);
    let (code, stdout, stderr) = ob(&home, &["status", "-f", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["consent_id"], CONSENT, "{doc}");
    assert_eq!(doc["consent_status"], "Authorised", "{doc}");
    assert!(doc["consent_expires_at"].as_str().is_some(), "{doc}");
    assert!(!stdout.contains(TOKEN));
    assert!(seen(sandbox.base_url()).iter().any(|r| r["method"] == "GET"
        && r["path"] == format!("/v3.1/aisp/account-access-consents/{CONSENT}")));
    drop(sandbox);
    let (code, stdout, stderr) = ob(&home, &["--retries", "1", "status", "-f", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let status = doc["consent_status"].as_str().unwrap();
    assert!(
        status.starts_with("unknown (the bank could not be asked:"),
        "{status}"
    );
    assert!(
        status.ends_with("the expiry shown is the recorded one"),
        "{status}"
    );
    assert!(doc["consent_expires_at"].as_str().is_some(), "{doc}");
}

#[test]
fn logout_deletes_the_consent_at_the_bank_and_a_revoked_consent_is_exit_3() {
    let home = Home::new();
    let sandbox = ServedSandbox::start(&home, Vec::<&str>::new());
    configure(&home, sandbox.base_url());
    let record = record_consent(&home, 30);
    let out = home
        .cmd()
        .env("TREASURY_CLIENT_SECRET", "sandbox")
        .args(["-p", "ob", "logout"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "Deleted consent {CONSENT} of profile 'ob' at the bank"
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains("Forgot the consent record of profile 'ob'"),
        "{stderr}"
    );
    assert!(!record.exists());
    let requests = seen(sandbox.base_url());
    let deletes: Vec<_> = requests
        .iter()
        .filter(|r| r["method"] == "DELETE")
        .collect();
    assert_eq!(deletes.len(), 1, "{requests:?}");
    assert_eq!(
        deletes[0]["path"],
        format!("/v3.1/aisp/account-access-consents/{CONSENT}")
    );
    assert_eq!(deletes[0]["authorization"], true);
    // with the client-credentials token from the token endpoint, not the consent's token
    assert!(
        sandbox
            .log()
            .contains("POST /open-banking/token answered 200"),
        "{}",
        sandbox.log()
    );

    let (code, stdout, stderr) = ob(&home, &["balances"]);
    assert_eq!(code, 3, "{stderr}");
    assert_eq!(stdout, "");
    assert!(
        stderr.contains("UK.OBIE.Resource.InvalidConsentStatus"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("consent {CONSENT} is Revoked")),
        "{stderr}"
    );
    assert!(
        stderr.contains("hint: run 'treasury login -p ob' to renew the consent"),
        "{stderr}"
    );
}

#[test]
fn logout_forgets_the_consent_locally_when_the_bank_is_down() {
    let home = Home::new();
    configure(&home, "http://127.0.0.1:9");
    let record = record_consent(&home, 30);
    let out = home
        .cmd()
        .env("TREASURY_CLIENT_SECRET", "sandbox")
        .args(["--retries", "1", "-p", "ob", "logout"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "warning: could not delete consent {CONSENT} of profile 'ob' at the bank ("
        )),
        "{stderr}"
    );
    assert!(stderr.contains("it is forgotten here only"), "{stderr}");
    assert!(
        stderr.contains("Forgot the consent record of profile 'ob'"),
        "{stderr}"
    );
    assert!(!record.exists());
}

// ---------------------------------------------------------------------------------------------
// Issue 18: an open-banking fault server answering in the v3.1 shapes, scripted per path.
// ---------------------------------------------------------------------------------------------

mod ob_faults {
    use std::sync::{Arc, Mutex};

    use axum::extract::State;
    use axum::http::{HeaderMap, StatusCode, Uri};
    use axum::response::{IntoResponse, Response};
    use axum::Router;

    /// Status and body for a path and query (`/aisp/balances?page=2`).
    pub type Script = dyn Fn(&str) -> (u16, String) + Send + Sync;

    #[derive(Clone)]
    struct Shared {
        script: Arc<Script>,
        echo: Option<String>,
        seen: Arc<Mutex<Vec<String>>>,
    }

    pub struct Bank {
        pub root: String,
        seen: Arc<Mutex<Vec<String>>>,
        _runtime: tokio::runtime::Runtime,
    }

    impl Bank {
        /// `echo`: the `x-fapi-interaction-id` to answer with instead of the request's.
        pub fn start(
            echo: Option<&str>,
            script: impl Fn(&str) -> (u16, String) + Send + Sync + 'static,
        ) -> Bank {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .unwrap();
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            listener.set_nonblocking(true).unwrap();
            let addr = listener.local_addr().unwrap();
            let seen = Arc::new(Mutex::new(Vec::new()));
            let shared = Shared {
                script: Arc::new(script),
                echo: echo.map(str::to_string),
                seen: Arc::clone(&seen),
            };
            let app = Router::new().fallback(answer).with_state(shared);
            runtime.spawn(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                axum::serve(listener, app).await.unwrap();
            });
            Bank {
                root: format!("http://{addr}"),
                seen,
                _runtime: runtime,
            }
        }

        /// The paths (and queries) asked so far.
        pub fn seen(&self) -> Vec<String> {
            self.seen.lock().unwrap().clone()
        }
    }

    async fn answer(State(shared): State<Shared>, uri: Uri, headers: HeaderMap) -> Response {
        let target = uri
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_default();
        shared.seen.lock().unwrap().push(target.clone());
        let (status, body) = (shared.script)(&target);
        let echo = shared.echo.clone().or_else(|| {
            headers
                .get("x-fapi-interaction-id")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        });
        let mut response = (
            StatusCode::from_u16(status).unwrap(),
            [("content-type", "application/json")],
            body,
        )
            .into_response();
        if let Some(echo) = echo {
            response
                .headers_mut()
                .insert("x-fapi-interaction-id", echo.parse().unwrap());
        }
        response
    }
}

use ob_faults::Bank;

/// A home whose profile `ob` reads from `bank` with a valid consent and token.
fn against(bank: &Bank) -> Home {
    let home = Home::new();
    home.write_config(&format!(
        "[profiles.ob]\nprovider = \"open-banking\"\nbase_url = \"{}/aisp\"\n\
         token_url = \"{}/token\"\nclient_id = \"c\"\n",
        bank.root, bank.root
    ));
    record_consent(&home, 60);
    home
}

fn accounts_page(ids: &[&str], next: Option<&str>) -> String {
    let accounts: Vec<String> = ids
        .iter()
        .map(|id| format!(r#"{{"AccountId":"{id}","Currency":"GBP","Nickname":"{id}"}}"#))
        .collect();
    let next = next.map_or(String::new(), |n| format!(r#","Next":"{n}""#));
    format!(
        r#"{{"Data":{{"Account":[{}]}},"Links":{{"Self":"x"{next}}},"Meta":{{}}}}"#,
        accounts.join(",")
    )
}

fn ob_balance(id: &str, kind: &str, amount: &str, currency: &str, at: &str) -> String {
    format!(
        r#"{{"AccountId":"{id}","Amount":{{"Amount":"{amount}","Currency":"{currency}"}},"CreditDebitIndicator":"Credit","Type":"{kind}","DateTime":"{at}"}}"#
    )
}

fn balances_page(balances: &[String]) -> String {
    format!(
        r#"{{"Data":{{"Balance":[{}]}},"Links":{{"Self":"x"}},"Meta":{{}}}}"#,
        balances.join(",")
    )
}

const NOON: &str = "2026-11-30T12:00:00Z";

#[test]
fn a_rewritten_interaction_id_is_logged_with_both_ids_and_the_data_used() {
    let bank = Bank::start(Some("gateway-rewritten-id"), |path| match path {
        "/aisp/accounts" => (200, accounts_page(&["A1"], None)),
        _ => (
            200,
            balances_page(&[ob_balance("A1", "InterimBooked", "10.00", "GBP", NOON)]),
        ),
    });
    let home = against(&bank);
    let (code, stdout, stderr) = ob(&home, &["-v", "balances", "-f", "csv"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("A1,A1,,,,GBP,2026-11-30,true,,,,10.00,"),
        "{stdout}"
    );
    assert!(
        stderr.contains("echoed x-fapi-interaction-id gateway-rewritten-id to the request sent as"),
        "{stderr}"
    );
}

#[test]
fn a_next_link_cycle_of_two_pages_stops_at_once() {
    let bank = Bank::start(None, |path| match path {
        "/aisp/accounts" => (200, accounts_page(&["A1"], Some("/aisp/accounts?page=2"))),
        _ => (200, accounts_page(&["A2"], Some("/aisp/accounts"))),
    });
    let home = against(&bank);
    let (code, _, stderr) = ob(&home, &["accounts"]);
    assert_eq!(code, 6, "{stderr}");
    assert!(stderr.contains("Links.Next does not end"), "{stderr}");
    assert!(stderr.contains("was already read"), "{stderr}");
    assert_eq!(bank.seen().len(), 2, "{:?}", bank.seen());
}

#[test]
fn one_unreadable_balance_is_its_accounts_error_and_the_others_are_reported() {
    let bank = Bank::start(None, |path| {
        match path {
        "/aisp/accounts" => (200, accounts_page(&["A1", "A2"], None)),
        _ => (
            200,
            balances_page(&[
                ob_balance("A1", "InterimBooked", "10.00", "GBP", NOON),
                r#"{"AccountId":"A2","Amount":{"Amount":"5.00","Currency":"GBP"},"CreditDebitIndicator":"Credit","Type":"InterimBooked","DateTime":null}"#.into(),
            ]),
        ),
    }
    });
    let home = against(&bank);
    let (code, stdout, stderr) = ob(&home, &["balances", "-f", "csv"]);
    assert_eq!(code, 5, "{stderr}");
    assert!(stdout.contains("A1,A1,"), "{stdout}");
    assert!(stderr.contains("account A2: UNREADABLE"), "{stderr}");
}

#[test]
fn a_balance_in_another_currency_is_never_reported_as_the_accounts() {
    let bank = Bank::start(None, |path| match path {
        "/aisp/accounts" => (200, accounts_page(&["A1"], None)),
        _ => (
            200,
            balances_page(&[
                ob_balance("A1", "InterimBooked", "10.00", "GBP", NOON),
                ob_balance("A1", "InterimAvailable", "99.00", "EUR", NOON),
            ]),
        ),
    });
    let home = against(&bank);
    let (code, stdout, stderr) = ob(&home, &["balances", "-f", "csv"]);
    assert_eq!(code, 5, "{stderr}");
    assert!(
        stdout.contains("A1,A1,,,,GBP,2026-11-30,true,,,,10.00,"),
        "{stdout}"
    );
    assert!(!stdout.contains("99.00"), "{stdout}");
    assert!(stderr.contains("OTHER-CURRENCY"), "{stderr}");
}

#[test]
fn the_newest_balance_of_a_type_wins() {
    let bank = Bank::start(None, |path| match path {
        "/aisp/accounts" => (200, accounts_page(&["A1"], None)),
        _ => (
            200,
            balances_page(&[
                ob_balance("A1", "InterimBooked", "1.00", "GBP", "2026-11-30T08:00:00Z"),
                ob_balance("A1", "InterimBooked", "2.00", "GBP", NOON),
            ]),
        ),
    });
    let home = against(&bank);
    let (code, stdout, stderr) = ob(&home, &["balances", "-f", "csv"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains(",2.00,2026-11-30T12:00:00Z"), "{stdout}");
}

#[test]
fn an_account_left_out_of_the_bulk_answer_is_asked_on_its_own() {
    let bank = Bank::start(None, |path| match path {
        "/aisp/accounts" => (200, accounts_page(&["A1", "A2"], None)),
        "/aisp/balances" => (
            200,
            balances_page(&[ob_balance("A1", "InterimBooked", "1.00", "GBP", NOON)]),
        ),
        "/aisp/accounts/A2/balances" => (
            200,
            balances_page(&[ob_balance("A2", "InterimBooked", "2.00", "GBP", NOON)]),
        ),
        _ => (404, "{}".into()),
    });
    let home = against(&bank);
    let (code, stdout, stderr) = ob(&home, &["balances", "-f", "csv"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("A2,A2,,,,GBP,2026-11-30,true,,,,2.00,"),
        "{stdout}"
    );
}

#[test]
fn balances_of_an_account_the_listing_left_out_are_not_dropped() {
    let bank = Bank::start(None, |path| match path {
        "/aisp/accounts" => (200, accounts_page(&["A1"], None)),
        _ => (
            200,
            balances_page(&[
                ob_balance("A1", "InterimBooked", "1.00", "GBP", NOON),
                ob_balance("A7", "InterimBooked", "7.00", "GBP", NOON),
            ]),
        ),
    });
    let home = against(&bank);
    let (code, stdout, stderr) = ob(&home, &["balances", "-f", "csv"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("A7,,,,,GBP,2026-11-30,true,,,,7.00,"),
        "{stdout}"
    );
}
