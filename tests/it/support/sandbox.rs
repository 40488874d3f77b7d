//! `treasury sandbox serve` as a child process for tests that need a configured profile against
//! a real server: killed when dropped, its log (at `-v`, one line per request) readable.

use std::ffi::OsStr;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::home::{Home, BIN};

const LISTENING: &str = "Sandbox bank listening on ";
/// Every request the sandbox answers is logged (at `-v`) with this prefix.
pub const REQUEST_LOG: &str = "sandbox: POST ";

/// `treasury -v sandbox serve --port 0 ARGS` as a child process; killed when dropped.
pub struct ServedSandbox {
    child: Child,
    base_url: String,
    log: Arc<Mutex<Vec<String>>>,
    /// Left open, as a terminal would be, when the sandbox was given a stdin.
    _stdin: Option<ChildStdin>,
}

impl ServedSandbox {
    /// Starts the sandbox and waits for its `Sandbox bank listening on URL` line.
    pub fn start<I, S>(home: &Home, args: I) -> ServedSandbox
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        ServedSandbox::spawn(home, args, &[], None)
    }

    /// [`ServedSandbox::start`] with these environment variables and a stdin that stays open
    /// after `stdin` is written to it; waits until the profiles it prints end ("Press Ctrl-C").
    pub fn start_with(
        home: &Home,
        args: &[&str],
        env: &[(&str, &str)],
        stdin: Option<&str>,
    ) -> ServedSandbox {
        let sandbox = ServedSandbox::spawn(home, args, env, Some(stdin.unwrap_or_default()));
        sandbox.wait_for_log("Press Ctrl-C");
        sandbox
    }

    fn spawn<I, S>(home: &Home, args: I, env: &[(&str, &str)], stdin: Option<&str>) -> ServedSandbox
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut child = Command::new(BIN)
            .env_clear()
            .env("HOME", home.path())
            .env("NO_PROXY", "127.0.0.1,localhost")
            .envs(env.iter().copied())
            .args(["-v", "sandbox", "serve", "--port", "0"])
            .args(args)
            .stdin(match stdin {
                Some(_) => Stdio::piped(),
                None => Stdio::null(),
            })
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("treasury sandbox serve starts");
        let input = stdin.map(|text| {
            let mut input = child.stdin.take().expect("a piped stdin");
            input
                .write_all(text.as_bytes())
                .expect("stdin takes the text");
            input
        });
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
            _stdin: input,
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

    /// Waits up to 30 s until its log shows `text`; the log so far.
    pub fn wait_for_log(&self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let log = self.log();
            if log.contains(text) {
                return log;
            }
            assert!(
                Instant::now() < deadline,
                "the sandbox never said {text:?}:\n{log}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The command line `ps` shows for it.
    pub fn cmdline(&self) -> String {
        std::fs::read(format!("/proc/{}/cmdline", self.child.id()))
            .map(|bytes| String::from_utf8_lossy(&bytes).replace('\0', " "))
            .unwrap_or_default()
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
