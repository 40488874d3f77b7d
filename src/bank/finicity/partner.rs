//! One partner authentication per run, whatever the number of profiles that share the partner:
//! Finicity locks a partner after five failed authentications, so every client of the same
//! partner credentials (API root, partner id, app key and secret) in this process shares one
//! slot holding its token, or the failure that ended its one attempt (never made again in
//! this run, a timed-out one included).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::Instant;

use crate::error::Error;
use crate::secret::Secret;

/// What a partner's one authentication of this run gave.
#[derive(Debug, Default)]
pub enum Slot {
    /// Not tried yet (or the token was refused and may be renewed once).
    #[default]
    Fresh,
    /// A token and when it was issued.
    Token(Secret, Instant),
    /// The attempt failed: every later caller in this run gets the same error, with nothing sent.
    Failed(Failure),
}

/// A failed authentication, kept to be told again to every profile of the partner.
#[derive(Debug, Clone)]
pub struct Failure {
    exit: FailureKind,
    message: String,
    hint: Option<String>,
}

#[derive(Debug, Clone, Copy)]
enum FailureKind {
    Usage,
    Auth,
    Unavailable,
    Other,
}

impl Failure {
    pub fn of(error: &Error) -> Failure {
        let (exit, hint) = match error {
            Error::Usage { hint, .. } => (FailureKind::Usage, hint.clone()),
            Error::Auth { hint, .. } => (FailureKind::Auth, hint.clone()),
            Error::Unavailable { hint, .. } => (FailureKind::Unavailable, hint.clone()),
            _ => (FailureKind::Other, None),
        };
        Failure {
            exit,
            message: error.to_string(),
            hint,
        }
    }

    /// The same error again, for another profile of the partner.
    pub fn error(&self) -> Error {
        let (message, hint) = (self.message.clone(), self.hint.clone());
        match self.exit {
            FailureKind::Usage => Error::Usage { message, hint },
            FailureKind::Auth => Error::Auth { message, hint },
            FailureKind::Unavailable => Error::Unavailable { message, hint },
            FailureKind::Other => Error::Internal(anyhow::anyhow!(message)),
        }
    }
}

/// A partner's shared slot; the lock is held across its one authentication.
pub type Partner = Arc<tokio::sync::Mutex<Slot>>;

/// The slot of these partner credentials in this process, created on first use.
pub fn partner(base_url: &str, partner_id: &str, app_key: &Secret, secret: &Secret) -> Partner {
    static PARTNERS: OnceLock<Mutex<HashMap<[u8; 32], Partner>>> = OnceLock::new();
    let key = fingerprint(&[base_url, partner_id, app_key.expose(), secret.expose()]);
    let mut partners = PARTNERS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    Arc::clone(partners.entry(key).or_default())
}

/// SHA-256 of the parts, each length-prefixed so that no two lists share a digest. Kept in
/// memory only.
fn fingerprint(parts: &[&str]) -> [u8; 32] {
    let mut context = aws_lc_rs::digest::Context::new(&aws_lc_rs::digest::SHA256);
    for part in parts {
        context.update(&(part.len() as u64).to_be_bytes());
        context.update(part.as_bytes());
    }
    let mut digest = [0u8; 32];
    digest.copy_from_slice(context.finish().as_ref());
    digest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_of_one_partner_share_a_slot_and_others_do_not() {
        let (key, secret) = (Secret::new("k"), Secret::new("s"));
        let a = partner("https://f.example", "p1", &key, &secret);
        let b = partner("https://f.example", "p1", &key, &secret);
        assert!(Arc::ptr_eq(&a, &b));
        let other = partner("https://f.example", "p1", &key, &Secret::new("s2"));
        assert!(!Arc::ptr_eq(&a, &other));
        assert_ne!(fingerprint(&["ab", "c"]), fingerprint(&["a", "bc"]));
    }

    #[test]
    fn a_failure_is_told_again_with_its_exit_code() {
        let first = Error::auth("refused", "check it");
        let again = Failure::of(&first).error();
        assert_eq!(again.exit_code(), 3);
        assert_eq!(again.to_string(), "refused");
        let down = Failure::of(&Error::unavailable("timed out")).error();
        assert_eq!(down.exit_code(), 6);
    }
}
