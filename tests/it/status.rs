//! `treasury status` for real: which variable a credential from the environment comes from.

use crate::support;

use crate::credentials::refusals::{cert_and_key, key_profile};
use support::served::{nothing_sent, profile, sandbox, SECRET};
use support::{run, Home};

// 7. `status` names the variable a credential from the environment comes from.

fn status_json(cmd: &mut assert_cmd::Command) -> serde_json::Value {
    let out = run(cmd.args(["status", "-f", "json"]));
    out.code(0);
    out.json()
}

#[test]
fn status_names_which_variable_the_credential_comes_from() {
    let home = Home::new();
    let sandbox = sandbox(&home);
    profile(
        &home,
        &sandbox,
        &[&format!("client_secret_command = \"echo {SECRET}\"")],
    );
    let both = status_json(
        home.cmd()
            .env("TREASURY_ACCESS_TOKEN", "tok-from-env-5521")
            .env("TREASURY_CLIENT_SECRET", SECRET),
    );
    assert_eq!(both["credential_source"], "env", "{both}");
    assert_eq!(both["credential_env"], "TREASURY_ACCESS_TOKEN", "{both}");
    let secret = status_json(home.cmd().env("TREASURY_CLIENT_SECRET", SECRET));
    assert_eq!(secret["credential_source"], "env", "{secret}");
    assert_eq!(
        secret["credential_env"], "TREASURY_CLIENT_SECRET",
        "{secret}"
    );
    let command = status_json(&mut home.cmd());
    assert_eq!(command["credential_source"], "command", "{command}");
    assert_eq!(
        command["credential_env"],
        serde_json::Value::Null,
        "{command}"
    );
    // The table names it too, and never shows a value.
    let out = run(home
        .cmd()
        .env("TREASURY_CLIENT_SECRET", SECRET)
        .arg("status"));
    out.code(0)
        .check(
            out.stdout.lines().any(|l| {
                l.split_whitespace().collect::<Vec<_>>()
                    == ["credential_env", "TREASURY_CLIENT_SECRET"]
            }),
            "a credential_env line",
        )
        .check(!out.everything().contains(SECRET), "no secret");
    nothing_sent(&sandbox);
}

#[test]
fn a_client_secret_variable_is_not_named_for_a_key_profile() {
    let home = Home::new();
    let sandbox = sandbox(&home);
    let (cert, key) = cert_and_key();
    home.write_file("client.crt", &cert.pem(), 0o644);
    home.write_file("client.key", &key.serialize_pem(), 0o600);
    key_profile(&home, &sandbox, "mtls", "client.crt", "client.key");
    let status = status_json(home.cmd().env("TREASURY_CLIENT_SECRET", SECRET));
    assert_eq!(status["credential_source"], "key-file", "{status}");
    assert_eq!(
        status["credential_env"],
        serde_json::Value::Null,
        "{status}"
    );
}
