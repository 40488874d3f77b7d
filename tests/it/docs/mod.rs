//! The documentation is tested against the real binary: every `treasury ... --sandbox ...` command
//! line in a code block of `docs/*.md` or `README.md` runs and must end with exit 0 (or the code
//! its `# exit N` comment names); every TOML config example must load; the JSON output must
//! match the schemas in `docs/schema/`; and the sandbox-server walkthrough of
//! `docs/getting-started.md` must work as written.

mod examples;
mod getting_started;
mod schemas;

use crate::support;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::Duration;

use assert_cmd::Command;
use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `README.md` and the Markdown pages of `docs/`, as (path relative to the root, text).
fn doc_files() -> Vec<(String, String)> {
    let mut paths = vec![root().join("README.md")];
    let mut pages: Vec<PathBuf> = std::fs::read_dir(root().join("docs"))
        .expect("docs/ exists")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    pages.sort();
    paths.extend(pages);
    paths
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("a readable page");
            let name = p.strip_prefix(root()).unwrap_or(&p).display().to_string();
            (name, text)
        })
        .collect()
}

/// A folder standing in for HOME, with the XDG folders and a working directory inside.
struct Sandbox {
    dir: tempfile::TempDir,
}

impl Sandbox {
    fn new() -> Sandbox {
        let dir = tempfile::tempdir().expect("a temporary folder");
        std::fs::create_dir_all(dir.path().join("work")).expect("a working folder");
        Sandbox { dir }
    }

    fn work(&self) -> PathBuf {
        self.dir.path().join("work")
    }

    /// `treasury` with HOME, the XDG folders and the working folder here, the keyring off, no
    /// proxy, and none of the user's own TREASURY_* settings.
    fn std_cmd(&self) -> std::process::Command {
        let home = self.dir.path();
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_treasury"));
        for var in [
            "TREASURY_PROFILE",
            "TREASURY_CONFIG",
            "TREASURY_FORMAT",
            "TREASURY_CLIENT_SECRET",
            "TREASURY_ACCESS_TOKEN",
            "COMPLETE",
            "NO_COLOR",
            "HTTPS_PROXY",
            "https_proxy",
            "HTTP_PROXY",
            "http_proxy",
            "ALL_PROXY",
            "all_proxy",
        ] {
            cmd.env_remove(var);
        }
        cmd.env("HOME", home)
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env("XDG_CACHE_HOME", home.join(".cache"))
            .env("NO_PROXY", "127.0.0.1,localhost,::1")
            .env("no_proxy", "127.0.0.1,localhost,::1")
            .env("TREASURY_NO_KEYRING", "1")
            .current_dir(self.work());
        cmd
    }

    fn cmd(&self) -> Command {
        let mut cmd = Command::from_std(self.std_cmd());
        cmd.timeout(Duration::from_secs(60));
        cmd
    }
}
