//! Runs a profile's `client_secret_command`: `sh -c`, no stdin, bounded in time, the first
//! line of its stdout taken as the secret. Nothing it prints ever reaches a message.

use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::config::SecretCommand;
use crate::error::{Error, Result};
use crate::secret::Secret;

/// A secret is a line; more than this is not one, and is not kept in memory.
const MAX_OUTPUT_BYTES: u64 = 64 * 1024;
const POLL: Duration = Duration::from_millis(10);

/// Runs the command and returns the first line it printed.
pub fn run(profile: &str, command: &SecretCommand) -> Result<Secret> {
    let failed = |why: String| {
        Error::auth(
            format!("client_secret_command of profile '{profile}' {why}"),
            "run the command by hand to see what it prints; it must print the secret on stdout",
        )
    };
    let mut child = spawn(&command.command).map_err(|e| failed(format!("could not start: {e}")))?;
    let stdout = child.stdout.take().expect("stdout is piped");
    let (sender, output) = mpsc::channel();
    // A thread reads, so that a command printing more than a pipe holds is not blocked by us.
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = stdout.take(MAX_OUTPUT_BYTES).read_to_end(&mut bytes);
        let _ = sender.send(bytes);
    });
    let deadline = Instant::now() + command.timeout;
    let finished = wait_until(&mut child, deadline)
        .and_then(|status| Some((status, output.recv_timeout(remaining(deadline)).ok()?)));
    let Some((status, bytes)) = finished else {
        stop(&mut child);
        return Err(Error::auth(
            format!(
                "client_secret_command of profile '{profile}' ('{}') did not finish within {} s and was stopped",
                command.program(),
                command.timeout.as_secs()
            ),
            "run the command by hand to see what it waits for (it gets no stdin); if it is only slow, raise client_secret_command_timeout_secs in the profile",
        ));
    };
    if !status.success() {
        return Err(failed(format!("failed ({status})")));
    }
    let stdout = String::from_utf8(bytes)
        .map_err(|_| failed("printed something that is not UTF-8".into()))?;
    let secret = stdout.lines().next().unwrap_or_default().trim().to_string();
    if secret.is_empty() {
        return Err(failed("printed nothing".into()));
    }
    Ok(Secret::new(secret))
}

fn spawn(command: &str) -> std::io::Result<Child> {
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(command)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    // Its own process group, so a timeout stops what the shell started too: a leftover child
    // would keep our stdout and stderr open (and a caller waiting on them) after we gave up.
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
    cmd.spawn()
}

/// The command's exit status, or `None` if it is still running at the deadline.
fn wait_until(child: &mut Child, deadline: Instant) -> Option<std::process::ExitStatus> {
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) if Instant::now() < deadline => std::thread::sleep(POLL),
            _ => return None,
        }
    }
}

fn remaining(deadline: Instant) -> Duration {
    deadline.saturating_duration_since(Instant::now())
}

/// Kills the command and everything it started, and reaps it.
fn stop(child: &mut Child) {
    #[cfg(unix)]
    if let Ok(pid) = libc::pid_t::try_from(child.id()) {
        // SAFETY: kill(2) with a negative pid signals the process group the child leads
        // (`process_group(0)` above); it touches no memory of ours.
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
    }
    let _ = child.kill();
    let _ = child.wait();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn command(text: &str, secs: u64) -> SecretCommand {
        SecretCommand {
            command: text.into(),
            timeout: Duration::from_secs(secs),
        }
    }

    #[test]
    fn the_first_line_is_the_secret() {
        let secret = run("p", &command("printf 'one\\ntwo\\n'", 5)).unwrap();
        assert_eq!(secret.expose(), "one");
    }

    #[test]
    fn a_command_that_hangs_is_stopped_with_what_it_started() {
        let started = Instant::now();
        let err = run("p", &command("sleep 100 & sleep 100", 1)).unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(10));
        assert_eq!(err.exit_code(), 3);
        assert!(
            err.to_string()
                .contains("('sleep') did not finish within 1 s"),
            "{err}"
        );
    }
}
