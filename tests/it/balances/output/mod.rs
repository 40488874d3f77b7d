//! What `balances` writes, to files, pipes and terminals: empty reports, closed stdout, unknown
//! extensions, symlinks and FIFOs, signals, file modes, control characters, terminal width, huge
//! tables, totals, the summary of a partial report, the `--accounts-file -` note, the progress
//! bar cleared on Ctrl-C, and `-q`. Every test runs the binary against the scripted bank on
//! 127.0.0.1 (or the built-in sandbox).

mod destinations;
mod replacing;
mod tables;
mod terminal;

use crate::support;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::{answer_for, balances, on_a_terminal, run, Home, Reply, Run, TestBank, SECRET};

const BIN: &str = env!("CARGO_BIN_EXE_treasury");

const OLD: &str = "old report\n";

/// `treasury` as a plain `std::process::Command`, with the same isolated environment as
/// `Home::cmd` (for spawning, signals and shells, which assert_cmd does not offer).
fn std_cmd(env: &Home, program: &str) -> Command {
    let mut cmd = Command::new(program);
    cmd.env_clear()
        .current_dir(env.path())
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", env.path())
        .env("XDG_CONFIG_HOME", env.path().join("config"))
        .env("XDG_CACHE_HOME", env.path().join("cache"))
        .env("TREASURY_CONFIG", env.config_path())
        .env("TREASURY_PROFILE", "test")
        .env("TREASURY_CLIENT_SECRET", SECRET)
        .env("NO_PROXY", "127.0.0.1,localhost");
    cmd
}

/// Runs `script` in `sh -c`, where `"$@"` is `treasury ARGS`.
fn shell(env: &Home, script: &str, args: &[&str]) -> Run {
    let output = std_cmd(env, "sh")
        .arg("-c")
        .arg(script)
        .arg("sh")
        .arg(BIN)
        .args(args)
        .output()
        .expect("sh runs");
    Run {
        code: output.status.code().expect("sh exits"),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// The names of the temporary files left in a folder.
fn temporaries(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .expect("the folder")
        .map(|e| {
            e.expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|n| n.starts_with(".treasury-"))
        .collect()
}

fn account_error(id: &str, code: &str, message: &str) -> Value {
    json!({"accountId": id, "bankId": "B1", "errorCode": code, "errorMsg": message})
}

/// One account with balances and the others with per-account errors.
fn partial_answer(good: &str, failed: &[(&str, &str)]) -> Reply {
    let ok: Value =
        serde_json::from_str(&answer_for(&[(good, "B1")], &["2026-01-05"]).body).unwrap();
    let mut list = ok["accountList"].as_array().unwrap().clone();
    list.extend(
        failed
            .iter()
            .map(|(id, msg)| account_error(id, "GCA-010", msg)),
    );
    Reply::json(200, json!({ "accountList": list }).to_string())
}
