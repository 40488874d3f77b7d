//! Finicity's error answers as the CLI's errors: a refused partner authentication (never
//! retried), refused tokens and keys, unknown customers, failing servers.

use crate::bank::status::Wording;
use crate::error::{BankError, Error};

/// Finicity's own code and message of an error answer, whatever shape its body has.
pub fn bank_error(status: u16, body: &[u8]) -> BankError {
    crate::bank::code_message::bank_error("Finicity", status, body)
}

/// A partner authentication that did not succeed. Nothing here is retried: five failed
/// attempts lock the partner at Finicity until its support unlocks it.
pub fn authentication_error(status: u16, body: &[u8], profile: &str) -> Error {
    let bank = bank_error(status, body);
    let stopped = "stopped after this one attempt: five failed attempts lock the partner at \
                   Finicity, and only Finicity support can unlock it";
    match status {
        400..=499 => Error::Auth {
            message: format!("Finicity refused the partner authentication: {bank}; {stopped}"),
            hint: Some(format!(
                "check app_key and partner_id of profile '{profile}' and its partner secret \
                 (treasury login -p {profile}) before trying again"
            )),
        },
        _ => Error::Unavailable {
            message: format!("Finicity's partner authentication failed: {bank}; {stopped}"),
            hint: Some("try again later".into()),
        },
    }
}

/// How Finicity's failures of data calls are worded.
pub const WORDING: Wording = Wording {
    bank: "Finicity",
    refused: "the app key or token",
    forbidden: None,
    refused_hint: |profile| {
        format!("check app_key and partner_id of profile '{profile}': the partner must be allowed to read this customer")
    },
    support: "Finicity support",
};

/// A data call that failed (after the one token renewal a 401 gets, and the retries of 429 and
/// 5xx that `Http` makes); a 404 names the customer that is not there.
pub fn data_error(status: u16, body: &[u8], customer_id: &str, profile: &str) -> Error {
    let bank = bank_error(status, body);
    match status {
        404 => Error::Rejected(BankError {
            message: format!(
                "customer {customer_id} not found at Finicity ({})",
                non_empty(&bank.message)
            ),
            ..bank
        }),
        _ => WORDING.error(bank, profile),
    }
}

fn non_empty(text: &str) -> &str {
    match text.is_empty() {
        true => "no message",
        false => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_come_as_strings_or_numbers() {
        let text = bank_error(
            401,
            br#"{"code":"10023","message":"Expired (Finicity-App-Token)"}"#,
        );
        assert_eq!(
            text.to_string(),
            "10023 Expired (Finicity-App-Token) (HTTP 401)"
        );
        let number = bank_error(404, br#"{"code":12401,"message":"partner not found"}"#);
        assert_eq!(number.code.as_deref(), Some("12401"));
        let plain = bank_error(401, b"Invalid (Finicity-App-Key)");
        assert_eq!(plain.code, None);
        assert!(plain.message.contains("'Invalid (Finicity-App-Key)'"));
    }

    #[test]
    fn statuses_map_to_exit_codes() {
        let body = br#"{"code":"14001","message":"Customer not found."}"#;
        let missing = data_error(404, body, "999", "fin");
        assert_eq!(missing.exit_code(), 4);
        assert_eq!(
            missing.to_string(),
            "the bank rejected the request: 14001 customer 999 not found at Finicity (Customer not found.) (HTTP 404)"
        );
        assert_eq!(data_error(401, b"", "1", "fin").exit_code(), 3);
        assert_eq!(data_error(403, b"", "1", "fin").exit_code(), 3);
        assert_eq!(data_error(429, b"", "1", "fin").exit_code(), 6);
        assert_eq!(data_error(503, b"", "1", "fin").exit_code(), 6);
        assert_eq!(data_error(400, b"", "1", "fin").exit_code(), 4);
    }

    #[test]
    fn a_refused_authentication_says_why_it_stopped() {
        let body = br#"{"code":"10001","message":"Invalid credentials"}"#;
        let err = authentication_error(401, body, "fin");
        assert_eq!(err.exit_code(), 3);
        let text = err.to_string();
        assert!(
            text.contains("10001 Invalid credentials (HTTP 401)"),
            "{text}"
        );
        assert!(
            text.contains("five failed attempts lock the partner"),
            "{text}"
        );
        assert!(err.hint().unwrap().contains("treasury login -p fin"));
    }
}
