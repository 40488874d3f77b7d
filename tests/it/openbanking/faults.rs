//! Issue 18: an open-banking fault server answering in the v3.1 shapes, scripted per path: interaction
//! ids, next-link cycles, unreadable or foreign-currency balances, accounts left out of answers.

use super::*;

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
