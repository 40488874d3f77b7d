//! The OS keyring: Secret Service or Linux keyutils, macOS Keychain, Windows Credential Manager.
//! Every call is bounded by a timeout, and an unusable keyring says why instead of pretending.

use std::sync::mpsc;
use std::time::Duration;

use keyring::Entry;

use crate::secret::Secret;

const SERVICE: &str = "treasury";
const TIMEOUT: Duration = Duration::from_secs(5);
/// Set to any value to leave the keyring out of the chain (tests, locked-down servers).
pub const DISABLE_ENV: &str = crate::env::NO_KEYRING;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyringError {
    /// No keyring works on this machine; the reason says which ones were tried.
    Unavailable(String),
    /// A keyring answered, but the operation failed.
    Failed(String),
}

impl std::fmt::Display for KeyringError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeyringError::Unavailable(why) => write!(f, "no OS keyring is available ({why})"),
            KeyringError::Failed(why) => write!(f, "the OS keyring failed: {why}"),
        }
    }
}

/// The secret stored under `name`, if any.
pub fn get(name: &str) -> Result<Option<Secret>, KeyringError> {
    run(name, |entry| match entry.get_password() {
        Ok(value) => Ok(Some(Secret::new(value))),
        Err(keyring::Error::NoEntry) => Ok(None),
        Err(e) => Err(e),
    })
}

/// Stores a secret under `name`, replacing any earlier one.
pub fn set(name: &str, secret: &Secret) -> Result<(), KeyringError> {
    let value = secret.expose().to_string();
    run(name, move |entry| entry.set_password(&value))
}

/// Removes what is stored under `name`; `Ok(false)` when there was nothing.
pub fn delete(name: &str) -> Result<bool, KeyringError> {
    run(name, |entry| match entry.delete_credential() {
        Ok(()) => Ok(true),
        Err(keyring::Error::NoEntry) => Ok(false),
        Err(e) => Err(e),
    })
}

/// Whether a keyring works here, and if not, why: a write and a delete, because some
/// backends (keyutils without a session keyring) read fine and fail only when written.
pub fn probe() -> Result<(), KeyringError> {
    const PROBE: &str = "treasury-probe";
    set(PROBE, &Secret::new("probe"))?;
    delete(PROBE).map(|_| ())
}

/// Runs `op` on a worker thread against each backend in turn, giving up after `TIMEOUT`.
fn run<T: Send + 'static>(
    name: &str,
    op: impl Fn(&Entry) -> keyring::Result<T> + Send + 'static,
) -> Result<T, KeyringError> {
    if crate::env::is_set(DISABLE_ENV) {
        return Err(KeyringError::Unavailable(format!(
            "disabled by {DISABLE_ENV}"
        )));
    }
    let name = name.to_string();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(on_backends(&name, &op));
    });
    rx.recv_timeout(TIMEOUT).unwrap_or_else(|_| {
        Err(KeyringError::Unavailable(format!(
            "the keyring did not answer within {} s",
            TIMEOUT.as_secs()
        )))
    })
}

fn on_backends<T>(
    name: &str,
    op: &dyn Fn(&Entry) -> keyring::Result<T>,
) -> Result<T, KeyringError> {
    let mut reasons = Vec::new();
    for (backend, entry) in backends(name) {
        let result = entry.and_then(|entry| op(&entry));
        match result {
            Ok(value) => return Ok(value),
            Err(keyring::Error::NoEntry) => {
                reasons.push(format!("{backend}: no session keyring to write to"))
            }
            Err(e) if is_unavailable(&e) => reasons.push(format!("{backend}: {}", one_line(&e))),
            Err(e) => return Err(KeyringError::Failed(format!("{backend}: {}", one_line(&e)))),
        }
    }
    Err(KeyringError::Unavailable(reasons.join("; ")))
}

/// `NoEntry` reaches here only from a write: keyutils without a session keyring reports it.
fn is_unavailable(err: &keyring::Error) -> bool {
    matches!(
        err,
        keyring::Error::PlatformFailure(_)
            | keyring::Error::NoStorageAccess(_)
            | keyring::Error::NoEntry
    )
}

fn one_line(err: &keyring::Error) -> String {
    err.to_string()
        .lines()
        .next()
        .unwrap_or_default()
        .to_string()
}

#[cfg(target_os = "linux")]
fn backends(name: &str) -> Vec<(&'static str, keyring::Result<Entry>)> {
    use keyring::keyutils::KeyutilsCredential;
    use keyring::secret_service::SsCredential;
    vec![
        (
            "Secret Service",
            SsCredential::new_with_target(None, SERVICE, name)
                .map(|c| Entry::new_with_credential(Box::new(c))),
        ),
        (
            "keyutils",
            KeyutilsCredential::new_with_target(None, SERVICE, name)
                .map(|c| Entry::new_with_credential(Box::new(c))),
        ),
    ]
}

#[cfg(not(target_os = "linux"))]
fn backends(name: &str) -> Vec<(&'static str, keyring::Result<Entry>)> {
    vec![("OS keyring", Entry::new(SERVICE, name))]
}
