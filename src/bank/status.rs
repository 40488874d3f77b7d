//! One table from a failed data call's HTTP status to the CLI's error, worded the provider's
//! way, and the one error for a success whose body is not what the endpoint returns. Each
//! provider gives its `Wording`; what differs beyond wording (Finicity's unknown customer)
//! is matched by the provider before it asks here.

use std::fmt::Display;

use crate::error::{BankError, Error};
use crate::http::{body_excerpt, Answer};

/// How a provider names the bank and its refusals.
#[derive(Debug, Clone, Copy)]
pub struct Wording {
    /// The bank as a message names it: "Chase", "Finicity", "the bank".
    pub bank: &'static str,
    /// What a 401 (and a 403) refused: "the login", "the access token".
    pub refused: &'static str,
    /// What a 403 refused where it is not the same as a 401's (open banking: the consent).
    pub forbidden: Option<&'static str>,
    /// The way out of a refused 401 or 403, for the profile named.
    pub refused_hint: fn(&str) -> String,
    /// Whom to show an answer treasury cannot read: "Chase's API support".
    pub support: &'static str,
}

impl Wording {
    /// A data call that failed (after the one renewal a 401 gets, and the retries of 429 and
    /// 5xx that `Http` makes), by what the user can do about it: 401/403 exit 3, 429/5xx exit
    /// 6, any other 4xx the bank's refusal (exit 4), anything else exit 6.
    pub fn error(&self, bank: BankError, profile: &str) -> Error {
        let name = self.bank;
        match bank.status {
            401 | 403 => {
                let refused = match (bank.status, self.forbidden) {
                    (403, Some(forbidden)) => forbidden,
                    _ => self.refused,
                };
                Error::Auth {
                    message: format!("{name} refused {refused}: {bank}"),
                    hint: Some((self.refused_hint)(profile)),
                }
            }
            429 | 500..=599 => Error::Unavailable {
                message: format!("{name} is failing: {bank}"),
                hint: Some("try again later".into()),
            },
            400..=499 => Error::Rejected(bank),
            _ => Error::Unavailable {
                message: format!("{name} gave an unexpected answer: {bank}"),
                hint: None,
            },
        }
    }

    /// A 2xx answer whose body is not `what` the endpoint returns: not a passing failure, so
    /// exit 6 with the first bytes to show the bank's support.
    pub fn unreadable(&self, what: &str, answer: &Answer, why: &dyn Display) -> Error {
        Error::Unavailable {
            message: format!(
                "{} answered HTTP {} with a body that is not {what} ({why}): {}",
                self.bank,
                answer.status,
                body_excerpt(&answer.body)
            ),
            hint: Some(format!(
                "this is not a passing failure: the answer is not in a shape treasury reads; contact {} with the excerpt above",
                self.support
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WORDING: Wording = Wording {
        bank: "Acme",
        refused: "the login",
        forbidden: Some("access: the consent ended"),
        refused_hint: |profile| format!("run 'treasury login -p {profile}'"),
        support: "Acme support",
    };

    fn bank(status: u16) -> BankError {
        BankError {
            status,
            code: Some("E1".into()),
            message: "no".into(),
            hint: None,
        }
    }

    #[test]
    fn statuses_map_to_exit_codes_in_the_providers_words() {
        let refused = WORDING.error(bank(401), "p");
        assert_eq!(refused.exit_code(), 3);
        assert_eq!(
            refused.to_string(),
            "Acme refused the login: E1 no (HTTP 401)"
        );
        assert_eq!(refused.hint().as_deref(), Some("run 'treasury login -p p'"));
        let forbidden = WORDING.error(bank(403), "p");
        assert_eq!(
            forbidden.to_string(),
            "Acme refused access: the consent ended: E1 no (HTTP 403)"
        );
        let failing = WORDING.error(bank(503), "p");
        assert_eq!(
            (failing.exit_code(), failing.to_string()),
            (6, "Acme is failing: E1 no (HTTP 503)".to_string())
        );
        assert_eq!(WORDING.error(bank(429), "p").exit_code(), 6);
        assert_eq!(WORDING.error(bank(404), "p").exit_code(), 4);
        let odd = WORDING.error(bank(302), "p");
        assert_eq!(
            (odd.exit_code(), odd.to_string()),
            (
                6,
                "Acme gave an unexpected answer: E1 no (HTTP 302)".to_string()
            )
        );
    }

    #[test]
    fn an_unreadable_answer_quotes_its_start_and_names_support() {
        let answer = Answer::new(200, b"<html>".to_vec());
        let err = WORDING.unreadable("an accounts list", &answer, &"expected value");
        assert_eq!(err.exit_code(), 6);
        assert_eq!(
            err.to_string(),
            "Acme answered HTTP 200 with a body that is not an accounts list (expected value): '<html>'"
        );
        assert!(err.hint().unwrap().contains("contact Acme support"));
    }
}
