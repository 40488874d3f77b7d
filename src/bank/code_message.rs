//! The `{"code": ..., "message": ...}` error body Finicity and FDX (Chase) both send, the code a
//! string or a number: read into the bank's own code and text, whatever shape arrives.

use serde::Deserialize;

use crate::error::{BankError, Error};
use crate::http::body_excerpt;

#[derive(Deserialize)]
struct CodeMessage {
    #[serde(default)]
    code: serde_json::Value,
    #[serde(default)]
    message: Option<String>,
}

/// The bank's code and message of an error answer; `bank` names it when the body has neither.
pub fn bank_error(bank: &str, status: u16, body: &[u8]) -> BankError {
    let parsed = serde_json::from_slice::<CodeMessage>(body).ok();
    let code = parsed.as_ref().and_then(|p| match &p.code {
        serde_json::Value::String(text) if !text.is_empty() => Some(text.clone()),
        serde_json::Value::Number(number) => Some(number.to_string()),
        _ => None,
    });
    let message = parsed.and_then(|p| p.message);
    match (code, message) {
        (None, None) => BankError {
            status,
            code: None,
            message: format!("{bank} answered {}", body_excerpt(body)),
            hint: None,
        },
        (code, message) => BankError {
            status,
            code,
            message: message.unwrap_or_default(),
            hint: None,
        },
    }
}

/// A 2xx answer without the list it should hold (`what`): an error body sent with a success
/// status (`{"code":..,"message":..}`), or another shape. Never "no accounts": exit 4, naming
/// what the bank said.
pub fn no_list(bank: &str, what: &str, status: u16, body: &[u8]) -> Error {
    let said = bank_error(bank, status, body);
    Error::Rejected(BankError {
        message: format!("{bank} answered without {what}: {}", said.message),
        ..said
    })
}

#[cfg(test)]
mod tests {
    use super::bank_error;

    #[test]
    fn codes_as_text_or_numbers_and_other_bodies_quoted() {
        let number = bank_error("Finicity", 401, br#"{"code": 10001, "message": "Invalid"}"#);
        assert_eq!(number.to_string(), "10001 Invalid (HTTP 401)");
        let text = bank_error("Chase", 404, br#"{"code": "701", "message": "No account"}"#);
        assert_eq!(text.to_string(), "701 No account (HTTP 404)");
        let other = bank_error("Chase", 502, b"<html>bad gateway</html>");
        assert_eq!(
            other.to_string(),
            "Chase answered '<html>bad gateway</html>' (HTTP 502)"
        );
    }
}
