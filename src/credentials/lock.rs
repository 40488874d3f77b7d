//! The one lock every writer of the credentials takes (`login.lock` beside them): token cache
//! writes, refresh-token rotation, `login`, `logout`, consent records. Under it a writer re-reads
//! the file and changes only its own entry. A run kept waiting is told who holds it, and gives
//! up after a bound rather than hang behind a stopped process.

use std::fs::File;
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::config;
use crate::error::{Error, Result};

/// How long a run waits before saying who holds the lock.
const TELL_AFTER: Duration = Duration::from_secs(1);
/// How long a run waits for the lock at most, unless `TREASURY_LOCK_WAIT_SECS` says otherwise:
/// longer than a refresh holds it (one token request within the default 60 s timeout).
const GIVE_UP_AFTER: Duration = Duration::from_secs(120);
const POLL: Duration = Duration::from_millis(20);

/// Who tells the person a run is waiting for the lock (the terminal, set once by `main`):
/// credentials never write to the terminal themselves.
static WAIT_NOTICE: std::sync::OnceLock<fn(Option<u32>, &Path)> = std::sync::OnceLock::new();

/// Sets how a wait for the lock is told: `tell(holder's PID, lock file)`, once a second has passed.
pub fn tell_waits_with(tell: fn(Option<u32>, &Path)) {
    let _ = WAIT_NOTICE.set(tell);
}

/// Held while credentials are read and written; other runs (and other tasks of this run) wait.
/// Released when dropped.
#[derive(Debug)]
pub struct CredentialsLock {
    _file: File,
}

/// Takes the credentials lock, waiting for whoever holds it. Inside the async runtime the
/// wait lets the runtime move other tasks off this thread (the holder may be one of them).
pub fn lock() -> Result<CredentialsLock> {
    let path = config::login_lock_path()?;
    let take = || take(&path);
    match tokio::runtime::Handle::try_current() {
        Ok(handle) if handle.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(take)
        }
        _ => take(),
    }
}

fn take(path: &Path) -> Result<CredentialsLock> {
    let failed = |e: std::io::Error| {
        Error::auth(
            format!(
                "cannot lock {} to change the credentials: {e}",
                path.display()
            ),
            "check that the config folder is writable",
        )
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(failed)?;
    }
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(path)
        .map_err(failed)?;
    let started = Instant::now();
    let bound = crate::env::seconds(crate::env::LOCK_WAIT_SECS).unwrap_or(GIVE_UP_AFTER);
    let mut told = false;
    while !try_exclusive(&file).map_err(failed)? {
        let waited = started.elapsed();
        if waited >= bound {
            return Err(gave_up(path, holder(&mut file), waited));
        }
        if !told && waited >= TELL_AFTER {
            told = true;
            if let Some(tell) = WAIT_NOTICE.get() {
                tell(holder(&mut file), path);
            }
        }
        std::thread::sleep(POLL);
    }
    // The holder's PID, for whoever waits next.
    let _ = file.set_len(0);
    let _ = file.rewind();
    let _ = write!(file, "{}", std::process::id());
    let _ = file.flush();
    let held = CredentialsLock { _file: file };
    if let Ok(credentials) = config::credentials_path() {
        super::file::recover(&real_path(&credentials));
    }
    Ok(held)
}

/// The PID the holder wrote into the lock file, if it did.
fn holder(file: &mut File) -> Option<u32> {
    let mut text = String::new();
    file.rewind().ok()?;
    file.read_to_string(&mut text).ok()?;
    text.trim().parse().ok()
}

fn gave_up(path: &Path, pid: Option<u32>, waited: Duration) -> Error {
    let who = pid.map_or_else(|| "another process".to_string(), |p| format!("process {p}"));
    Error::auth(
        format!(
            "gave up after {} s waiting for the login lock {} held by {who}",
            waited.as_secs(),
            path.display()
        ),
        format!(
            "if {who} is stopped (Ctrl-Z), resume it with 'fg' or end it ('kill {}'); then run the command again",
            pid.map_or_else(|| "PID".to_string(), |p| p.to_string())
        ),
    )
}

/// One try at an exclusive advisory lock, released when the file is closed. flock(2) on Unix
/// keeps the crate's MSRV (std's `File::try_lock` is from Rust 1.89). Two opens of the file in
/// one process exclude each other too, so tasks of one run take turns as runs do.
#[cfg(unix)]
fn try_exclusive(file: &File) -> std::io::Result<bool> {
    use std::os::unix::io::AsRawFd;
    loop {
        // SAFETY: flock on a descriptor this function borrows open; no memory is involved.
        if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } == 0 {
            return Ok(true);
        }
        let err = std::io::Error::last_os_error();
        match err.kind() {
            std::io::ErrorKind::Interrupted => continue,
            std::io::ErrorKind::WouldBlock => return Ok(false),
            _ => return Err(err),
        }
    }
}

#[cfg(not(unix))]
#[allow(clippy::incompatible_msrv)]
fn try_exclusive(file: &File) -> std::io::Result<bool> {
    match file.try_lock() {
        Ok(()) => Ok(true),
        Err(std::fs::TryLockError::WouldBlock) => Ok(false),
        Err(std::fs::TryLockError::Error(e)) => Err(e),
    }
}

/// Where the credentials file really is: a symlink is followed, so it is replaced beside its
/// target and the link stays where the user put it.
pub fn real_path(path: &Path) -> PathBuf {
    crate::atomic::follow_symlinks(path).unwrap_or_else(|_| path.to_path_buf())
}
