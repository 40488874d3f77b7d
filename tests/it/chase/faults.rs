//! Issue 18: a Chase (FDX) fault server. Failing or mismatched detail calls, missing dates, lines
//! of credit, short or endless paging, FDX v6 lists, error bodies in a 200, retries, id escapes.

use super::*;

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
