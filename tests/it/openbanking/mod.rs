//! The open-banking provider through the built binary and `--sandbox=open-banking` (the
//! sandbox's pre-authorised consent: no browser, no config).

mod consent;
mod faults;
mod login;
mod sandbox;

use crate::support;

use std::io::{Read, Write};

use assert_cmd::Command;
use chrono::{Duration as Days, Utc};
use support::{Home, ServedSandbox};

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

// ---- A configured profile against `treasury sandbox serve`: consent record, status, logout ----

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
