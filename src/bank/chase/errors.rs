//! Chase's FDX error bodies (`code`, `message`) as the CLI's errors, with the bank's own text.

use crate::bank::status::Wording;
use crate::error::{BankError, Error};

/// Chase's code and message of an error answer, whatever shape its body has.
pub fn bank_error(status: u16, body: &[u8]) -> BankError {
    crate::bank::code_message::bank_error("Chase", status, body)
}

/// How Chase's failures are worded.
pub const WORDING: Wording = Wording {
    bank: "Chase",
    refused: "the login",
    forbidden: None,
    refused_hint: |profile| {
        format!("the consent may have been revoked or changed: run 'treasury login -p {profile}'")
    },
    support: "Chase's API support",
};

/// A data call that failed (after the one renewal a 401 gets, and the retries of 429 and 5xx).
pub fn data_error(status: u16, body: &[u8], profile: &str) -> Error {
    WORDING.error(bank_error(status, body), profile)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fdx_codes_and_statuses_map_to_exit_codes() {
        let body = br#"{"code":701,"message":"Account not found"}"#;
        let err = data_error(404, body, "chase");
        assert_eq!(err.exit_code(), 4);
        assert!(
            err.to_string().contains("701 Account not found (HTTP 404)"),
            "{err}"
        );
        let err = data_error(401, br#"{"code":"601","message":"expired"}"#, "chase");
        assert_eq!(err.exit_code(), 3);
        assert!(err.hint().unwrap().contains("treasury login -p chase"));
        assert_eq!(data_error(503, b"", "c").exit_code(), 6);
        assert_eq!(data_error(429, b"", "c").exit_code(), 6);
    }
}
