//! Chase's FDX error bodies (`code`, `message`) as the CLI's errors, with the bank's own text.

use crate::error::{BankError, Error};
use crate::http::body_excerpt;

/// Chase's code and message of an error answer, whatever shape its body has.
pub fn bank_error(status: u16, body: &[u8]) -> BankError {
    crate::bank::code_message::bank_error("Chase", status, body)
}

/// A data call that failed (after the one renewal a 401 gets, and the retries of 429 and 5xx).
pub fn data_error(status: u16, body: &[u8], profile: &str) -> Error {
    let bank = bank_error(status, body);
    match status {
        401 | 403 => Error::auth(
            format!("Chase refused the login: {bank}"),
            format!(
                "the consent may have been revoked or changed: run 'treasury login -p {profile}'"
            ),
        ),
        429 | 500..=599 => Error::Unavailable {
            message: format!("Chase is failing: {bank}"),
            hint: Some("try again later".into()),
        },
        400..=499 => Error::Rejected(bank),
        _ => Error::unavailable(format!("Chase gave an unexpected answer: {bank}")),
    }
}

/// A 2xx answer whose body is not what the endpoint returns.
pub fn unreadable(what: &str, body: &[u8], why: &serde_json::Error) -> Error {
    Error::Unavailable {
        message: format!(
            "Chase answered with a body that is not {what} ({why}): {}",
            body_excerpt(body)
        ),
        hint: Some("this is not a passing failure: the answer is not in a shape treasury reads; contact Chase's API support with the excerpt above".into()),
    }
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
