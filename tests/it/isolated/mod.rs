//! What the credential and authentication tests share: a private HOME (XDG folders, config file,
//! no keyring) to run `treasury` in, and a `treasury sandbox serve` child process that is killed
//! when dropped and whose log (with `-v`, one line per request) can be read.

// Each test file uses a different part of this module.
#![allow(dead_code)]

use std::ffi::OsStr;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_treasury");
const LISTENING: &str = "Sandbox bank listening on ";
/// Every request the sandbox answers is logged (at `-v`) with this prefix.
pub const REQUEST_LOG: &str = "sandbox: POST ";

/// A private HOME for one test, removed when dropped.
pub struct Home {
    pub dir: tempfile::TempDir,
}

impl Home {
    pub fn new() -> Home {
        let dir = tempfile::tempdir().expect("a temporary HOME");
        for sub in ["config/treasury", "cache"] {
            std::fs::create_dir_all(dir.path().join(sub)).expect("XDG folders");
        }
        Home { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `$XDG_CONFIG_HOME/treasury/config.toml`, where `login` writes.
    pub fn config_path(&self) -> PathBuf {
        self.path().join("config/treasury/config.toml")
    }

    /// `$XDG_CONFIG_HOME/treasury/credentials.toml`, written by `login --store file`.
    pub fn credentials_path(&self) -> PathBuf {
        self.path().join("config/treasury/credentials.toml")
    }

    pub fn write_config(&self, text: &str) {
        std::fs::write(self.config_path(), text).expect("the config file");
    }

    pub fn config(&self) -> Option<String> {
        std::fs::read_to_string(self.config_path()).ok()
    }

    /// Writes a file into HOME with this mode.
    pub fn write_file(&self, name: &str, text: &str, mode: u32) -> PathBuf {
        let path = self.path().join(name);
        std::fs::write(&path, text).expect("a test file");
        set_mode(&path, mode);
        path
    }

    /// `treasury` with none of the caller's environment: only this HOME, no keyring, no proxy
    /// for loopback, and no secret or token from the environment.
    pub fn cmd(&self) -> assert_cmd::Command {
        let mut cmd = assert_cmd::Command::new(BIN);
        cmd.env_clear()
            .current_dir(self.path())
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.path())
            .env("XDG_CONFIG_HOME", self.path().join("config"))
            .env("XDG_CACHE_HOME", self.path().join("cache"))
            .env("TREASURY_NO_KEYRING", "1")
            .env("NO_PROXY", "127.0.0.1,localhost")
            .timeout(Duration::from_secs(60));
        cmd
    }
}

pub fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

pub fn mode_of(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .expect("the file exists")
        .permissions()
        .mode()
        & 0o777
}

/// What a run showed the user.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Fails with everything the user saw, so a failing assertion explains itself.
    #[track_caller]
    pub fn check(&self, ok: bool, what: &str) -> &Self {
        assert!(ok, "{what}\n{self}");
        self
    }

    #[track_caller]
    pub fn code(&self, code: i32) -> &Self {
        self.check(self.code == code, &format!("expected exit code {code}"))
    }

    #[track_caller]
    pub fn stderr_has(&self, text: &str) -> &Self {
        self.check(
            self.stderr.contains(text),
            &format!("expected stderr to contain {text:?}"),
        )
    }

    #[track_caller]
    pub fn stdout_has(&self, text: &str) -> &Self {
        self.check(
            self.stdout.contains(text),
            &format!("expected stdout to contain {text:?}"),
        )
    }

    /// stdout and stderr together, for leak checks.
    pub fn everything(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }

    /// The CSV rows after the header.
    pub fn csv_rows(&self) -> usize {
        self.stdout
            .lines()
            .skip(1)
            .filter(|l| !l.is_empty())
            .count()
    }

    /// A `-f json` document on stdout.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is JSON ({e})\n{self}"))
    }
}

impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "--- exit code: {}\n--- stdout:\n{}\n--- stderr:\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// Runs the command to the end.
pub fn run(cmd: &mut assert_cmd::Command) -> Run {
    let output = cmd.output().expect("treasury runs");
    let run = Run {
        code: output.status.code().expect("treasury exits, not killed"),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    };
    assert!(
        !run.stderr.contains("panicked"),
        "treasury panicked:\n{run}"
    );
    run
}

/// `treasury -v sandbox serve --port 0 ARGS` as a child process; killed when dropped.
pub struct ServedSandbox {
    child: Child,
    base_url: String,
    log: Arc<Mutex<Vec<String>>>,
}

impl ServedSandbox {
    /// Starts the sandbox and waits for its `Sandbox bank listening on URL` line.
    pub fn start<I, S>(home: &Home, args: I) -> ServedSandbox
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut child = Command::new(BIN)
            .env_clear()
            .env("HOME", home.path())
            .env("NO_PROXY", "127.0.0.1,localhost")
            .args(["-v", "sandbox", "serve", "--port", "0"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("treasury sandbox serve starts");
        let stderr = child.stderr.take().expect("a piped stderr");
        let log = Arc::new(Mutex::new(Vec::new()));
        let (found, listening) = mpsc::channel();
        let lines = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(rest) = line.split_once(LISTENING).map(|(_, r)| r) {
                    let url = rest.split_whitespace().next().unwrap_or_default();
                    let _ = found.send(url.to_string());
                }
                lines.lock().unwrap().push(line);
            }
        });
        let mut sandbox = ServedSandbox {
            child,
            base_url: String::new(),
            log,
        };
        match listening.recv_timeout(Duration::from_secs(30)) {
            Ok(url) => sandbox.base_url = url,
            Err(_) => panic!(
                "the sandbox did not say where it listens; its stderr:\n{}",
                sandbox.log()
            ),
        }
        sandbox
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    pub fn token_url(&self) -> String {
        format!("{}/oauth2/token", self.base_url)
    }

    /// Its stderr so far.
    pub fn log(&self) -> String {
        self.log.lock().unwrap().join("\n")
    }

    /// The requests it answered so far, as logged (`sandbox: POST /path answered STATUS`).
    pub fn requests(&self) -> Vec<String> {
        self.log
            .lock()
            .unwrap()
            .iter()
            .filter_map(|l| l.split_once(REQUEST_LOG).map(|(_, r)| format!("POST {r}")))
            .collect()
    }

    /// Waits briefly until it has logged `n` requests (its log arrives through a pipe).
    pub fn wait_for_requests(&self, n: usize) -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let requests = self.requests();
            if requests.len() >= n || Instant::now() > deadline {
                return requests;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for ServedSandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
