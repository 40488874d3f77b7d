//! The open-banking read budget, counted in the history store, against `treasury sandbox serve`.

use super::*;

// ---- The open-banking read budget, against `treasury sandbox serve` ----

const TOKEN: &str = "ob-sandbox-preauthorised-token";

fn ob(home: &support::Home, args: &[&str]) -> support::Run {
    support::run(
        home.cmd()
            .env("TREASURY_ACCESS_TOKEN", TOKEN)
            .args(["-p", "ob"])
            .args(args),
    )
}

/// How many requests the served sandbox has answered (`GET /open-banking/sandbox/requests`).
fn requests_seen(root: &str) -> usize {
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
    let body = &body[body.find('[').unwrap()..=body.rfind(']').unwrap()];
    serde_json::from_str::<Vec<serde_json::Value>>(body)
        .unwrap()
        .len()
}

#[test]
fn the_fifth_open_banking_read_of_a_day_is_refused_without_a_request() {
    let home = support::Home::new();
    let sandbox = support::ServedSandbox::start(&home, Vec::<&str>::new());
    let root = sandbox.base_url();
    home.write_config(&format!(
        "[profiles.ob]\nprovider = \"open-banking\"\nbase_url = \"{root}/open-banking/v3.1/aisp\"\n\
         token_url = \"{root}/open-banking/token\"\nclient_id = \"sandbox\"\n"
    ));
    for _ in 0..4 {
        ob(&home, &["balances", "-f", "csv"]).code(0);
    }
    let status = ob(&home, &["status", "-f", "json"]).json();
    assert_eq!(status["daily_reads"], json!(4), "{status}");
    assert_eq!(status["reads_left"], json!(0), "{status}");
    assert!(status["next_read_frees_at"].is_string(), "{status}");
    let before = requests_seen(root);
    let fifth = ob(&home, &["balances", "-f", "csv"]);
    fifth
        .code(2)
        .stderr_has("BUDGET")
        .stderr_has("next read is allowed at")
        .stderr_has("treasury history");
    assert_eq!(requests_seen(root), before, "nothing was sent");
    // One account alone is refused the same way: a per-account BUDGET error, no request.
    ob(&home, &["balances", "-a", "GBP-0001"])
        .code(2)
        .stderr_has("account GBP-0001: BUDGET");
    assert_eq!(requests_seen(root), before, "nothing was sent");
    // The last values are still there.
    ob(&home, &["history", "-p", "ob", "-f", "csv"])
        .code(0)
        .stdout_has("GBP-0001");
}
