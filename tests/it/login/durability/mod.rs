//! Logins that are never lost, with the real binary: against a stand-in FDX bank that rotates
//! refresh tokens and revokes the whole family when a spent one comes back (RFC 9700 4.14.2),
//! beside the sandbox's J.P. Morgan (client credentials): `position` of both in loops, `login`
//! and `logout` beside other profiles' runs, a symlinked credentials file, the lock's wait
//! message and bound, a run killed mid-write, SIGTERM while the token answer is on its way.

mod beside_others;
mod clients;
mod interrupted;

use crate::support;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::chase::standin::StandIn;
use support::{mode_of, run, Home, Run, ServedSandbox, BIN};

const SECRET: &str = "s3cret-7d2a-durable";

/// The chase profile's client authentication line: PKCE only.
const NO_AUTH: &str = "auth = \"none\"\n";

/// `chase` on the stand-in (a seeded login whose access tokens last a second, so every run
/// refreshes), `jpm` on the sandbox (its secret in the credentials file).
fn setup(home: &Home, standin: &StandIn, sandbox: &ServedSandbox, chase_auth: &str) {
    let url = &standin.url;
    home.write_config(&format!(
        "[profiles.chase]\nprovider = \"chase\"\nclient_id = \"app\"\n{chase_auth}\
         redirect_uri = \"http://127.0.0.1:9/callback\"\nauthorize_url = \"{url}/authorize\"\n\
         token_url = \"{url}/token\"\nbase_url = \"{url}\"\n\n\
         [profiles.jpm]\nbase_url = \"{}\"\ntoken_url = \"{}\"\nclient_id = \"sandbox\"\n",
        sandbox.base_url(),
        sandbox.token_url()
    ));
    let refresh = standin.issue_login();
    write_credentials(
        home,
        &format!(
            "[profiles.chase]\nrefresh_token = \"{refresh}\"\nrefresh_expires_at = \"2999-01-01T00:00:00Z\"\n\n\
             [profiles.jpm]\nclient_secret = \"{SECRET}\"\n"
        ),
    );
}

fn write_credentials(home: &Home, text: &str) {
    let path = home.credentials_path();
    std::fs::write(&path, text).unwrap();
    support::set_mode(&path, 0o600);
}

fn sandbox(home: &Home) -> ServedSandbox {
    ServedSandbox::start(home, ["--client-secret", SECRET])
}

fn stored(home: &Home) -> toml::Table {
    let text = std::fs::read_to_string(home.credentials_path()).unwrap_or_default();
    let table: toml::Table = text.parse().unwrap();
    table
        .get("profiles")
        .and_then(|p| p.as_table())
        .cloned()
        .unwrap_or_default()
}

fn stored_value(home: &Home, profile: &str, key: &str) -> Option<String> {
    stored(home)
        .get(profile)
        .and_then(|p| p.get(key))
        .and_then(|v| v.as_str())
        .map(str::to_string)
}

/// The login still works at the bank: its stored refresh token is live and nothing was replayed.
fn login_alive(home: &Home, standin: &StandIn) {
    let refresh = stored_value(home, "chase", "refresh_token").expect("a stored refresh token");
    let books = standin.books();
    assert_eq!(books.replays, 0, "a spent refresh token was sent again");
    assert!(books.revoked_families.is_empty(), "the login was revoked");
    assert!(
        books.live.contains_key(&refresh),
        "the stored refresh token is not the live one"
    );
}
