//! The one error type of the CLI, and the only place that decides exit codes and hints.

use std::fmt;

/// What went wrong, classified by what the user can do about it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad flags, bad input or bad configuration: nothing was sent (exit 2).
    #[error("{message}")]
    Usage {
        message: String,
        hint: Option<String>,
    },
    /// No credentials, or the bank refused them (exit 3).
    #[error("{message}")]
    Auth {
        message: String,
        hint: Option<String>,
    },
    /// The bank understood the request and refused it (exit 4).
    #[error("the bank rejected the request: {}", .0)]
    Rejected(BankError),
    /// The bank could not be reached or kept failing (exit 6).
    #[error("{message}")]
    Unavailable {
        message: String,
        hint: Option<String>,
    },
    /// The bank answered, but no row came back to report, so nothing was written (exit 4; 5
    /// when accounts came back with errors).
    #[error("{message}")]
    Empty {
        message: String,
        hint: Option<String>,
        account_errors: bool,
    },
    /// Anything we did not expect, including local I/O failures (exit 1).
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// A whole-request error as the bank reports it: HTTP status, its code and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankError {
    pub status: u16,
    pub code: Option<String>,
    pub message: String,
    /// The provider's next step for its code, where it has one (providers own their codes).
    pub hint: Option<&'static str>,
}

impl fmt::Display for BankError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.code {
            Some(code) => write!(f, "{code} {} (HTTP {})", self.message, self.status),
            None => write!(f, "{} (HTTP {})", self.message, self.status),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// `'treasury login'` and `'treasury login --flag'` in `hint` as `'treasury login -p NAME ...'`;
/// a login that names its profile already is left as it is.
fn with_profile(hint: &str, profile: &str) -> String {
    const LOGIN: &str = "'treasury login";
    let mut out = String::new();
    let mut rest = hint;
    while let Some(at) = rest.find(LOGIN) {
        let after = &rest[at + LOGIN.len()..];
        out.push_str(&rest[..at + LOGIN.len()]);
        if !after.starts_with(" -p ") {
            out.push_str(&format!(" -p {profile}"));
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

impl Error {
    pub fn usage(message: impl Into<String>) -> Self {
        Error::Usage {
            message: message.into(),
            hint: None,
        }
    }

    pub fn usage_hint(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Error::Usage {
            message: message.into(),
            hint: Some(hint.into()),
        }
    }

    pub fn auth(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Error::Auth {
            message: message.into(),
            hint: Some(hint.into()),
        }
    }

    pub fn unavailable(message: impl Into<String>) -> Self {
        Error::Unavailable {
            message: message.into(),
            hint: None,
        }
    }

    /// The same error, its hint naming the profile wherever it says to run `treasury login`
    /// without one (code that only knows the login, not whose it is, words it so).
    pub fn for_profile(self, profile: &str) -> Self {
        let name = |hint: Option<String>| hint.map(|h| with_profile(&h, profile));
        match self {
            Error::Usage { message, hint } => Error::Usage {
                message,
                hint: name(hint),
            },
            Error::Auth { message, hint } => Error::Auth {
                message,
                hint: name(hint),
            },
            other => other,
        }
    }

    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Internal(_) => 1,
            Error::Usage { .. } => 2,
            Error::Auth { .. } => 3,
            Error::Rejected(_) => 4,
            Error::Empty {
                account_errors: false,
                ..
            } => 4,
            Error::Empty { .. } => 5,
            Error::Unavailable { .. } => 6,
        }
    }

    /// The next step for the user, where there is an obvious one.
    pub fn hint(&self) -> Option<String> {
        match self {
            Error::Usage { hint, .. }
            | Error::Auth { hint, .. }
            | Error::Unavailable { hint, .. }
            | Error::Empty { hint, .. } => hint.clone(),
            Error::Rejected(bank) => rejected_hint(bank),
            Error::Internal(_) => None,
        }
    }
}

fn rejected_hint(bank: &BankError) -> Option<String> {
    bank.hint.map(str::to_string)
}

/// The exit code of a run ended by SIGINT (Ctrl-C) or SIGTERM, as a shell reports it.
pub fn signal_exit_code(terminated: bool) -> u8 {
    match terminated {
        false => 130,
        true => 143,
    }
}

/// How a command that ran to the end went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Complete,
    /// The report was written, but some accounts came back with errors (exit 5).
    Partial,
    /// `check` raised at least one alert (exit 7): the data was had.
    Alert,
    /// Every part of a multi-profile command failed, each already reported: the first
    /// failure's own exit code (3, 4, 6, ...), as `position::Verdict::AllFailed` carries it.
    Failed(u8),
}

impl Outcome {
    pub fn exit_code(self) -> u8 {
        match self {
            Outcome::Complete => 0,
            Outcome::Partial => 5,
            Outcome::Alert => 7,
            Outcome::Failed(code) => code,
        }
    }
}

/// Exit code for a command-line parse failure: help and version are successes.
pub fn clap_exit_code(err: &clap::Error) -> u8 {
    use clap::error::ErrorKind;
    match err.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => 0,
        _ => 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_hints_name_the_profile_once() {
        let hint = |h: &str| match Error::auth("m", h).for_profile("bank") {
            Error::Auth { hint, .. } => hint.unwrap(),
            _ => unreachable!(),
        };
        assert_eq!(
            hint("run 'treasury login' again"),
            "run 'treasury login -p bank' again"
        );
        assert_eq!(
            hint("use 'treasury login --store file'"),
            "use 'treasury login -p bank --store file'"
        );
        assert_eq!(
            hint("run 'treasury login -p other'"),
            "run 'treasury login -p other'"
        );
    }

    #[test]
    fn every_class_has_its_documented_exit_code() {
        assert_eq!(Error::usage("x").exit_code(), 2);
        assert_eq!(Error::auth("x", "y").exit_code(), 3);
        let bank = BankError {
            status: 400,
            code: Some("GCA-023".into()),
            message: "bad".into(),
            hint: None,
        };
        assert_eq!(Error::Rejected(bank).exit_code(), 4);
        assert_eq!(Error::unavailable("x").exit_code(), 6);
        assert_eq!(Error::Internal(anyhow::anyhow!("x")).exit_code(), 1);
        assert_eq!(Outcome::Partial.exit_code(), 5);
        assert_eq!(Outcome::Complete.exit_code(), 0);
    }

    #[test]
    fn bank_errors_show_code_and_text() {
        let bank = BankError {
            status: 503,
            code: Some("GCA-099".into()),
            message: "System is Unavailable".into(),
            hint: None,
        };
        assert_eq!(bank.to_string(), "GCA-099 System is Unavailable (HTTP 503)");
    }
}
