//! The sandbox's error codes: whole-request refusals with their HTTP status, and per-account codes.

use axum::http::StatusCode;

use crate::bank::jpmorgan::{ErrorBody, ErrorEntry};

/// No valid bearer token (HTTP 401).
pub const UNAUTHORIZED: &str = "GCA-001";
/// The request body or its fields are not acceptable (HTTP 400).
pub const INVALID_FORMAT: &str = "GCA-023";
/// The credentials see no account at all (HTTP 404).
pub const NO_ELIGIBLE_ACCOUNTS: &str = "GCA-022";
/// None of the requested accounts exists (HTTP 404).
pub const ACCOUNTS_NOT_FOUND: &str = "GCA-009";
/// Per account, inside a 200 answer: this requested account does not exist.
pub const ACCOUNT_NOT_FOUND: &str = "GCA-010";
/// Per account, inside a 200 answer: no balance on the requested days.
pub const NO_TRANSACTION: &str = "GCA-024";

pub const ACCOUNT_NOT_FOUND_MSG: &str = "The account was not found";
pub const NO_TRANSACTION_MSG: &str =
    "No transaction was found for this account on the requested day.";

/// A whole-request error: the HTTP status and the one entry of the `errors` body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
}

impl Refusal {
    pub fn unauthorized() -> Self {
        Self {
            status: StatusCode::UNAUTHORIZED,
            code: UNAUTHORIZED,
            message: "Unauthorized: send a bearer token issued by POST /oauth2/token".to_string(),
        }
    }

    /// A 400 with `Invalid request format: <reason>`.
    pub fn invalid_format(reason: impl std::fmt::Display) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            code: INVALID_FORMAT,
            message: format!("Invalid request format: {reason}"),
        }
    }

    pub fn no_eligible_accounts() -> Self {
        Self {
            status: StatusCode::NOT_FOUND,
            code: NO_ELIGIBLE_ACCOUNTS,
            message: "No eligible accounts were found".to_string(),
        }
    }

    pub fn accounts_not_found() -> Self {
        Self {
            status: StatusCode::NOT_FOUND,
            code: ACCOUNTS_NOT_FOUND,
            message: "The requested accounts were not found".to_string(),
        }
    }

    /// The JSON body the bank sends with this refusal.
    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            errors: vec![ErrorEntry {
                error_code: self.code.to_string(),
                error_msg: self.message.clone(),
            }],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_have_the_banks_shape() {
        let json = serde_json::to_string(&Refusal::accounts_not_found().body()).unwrap();
        assert_eq!(
            json,
            r#"{"errors":[{"errorCode":"GCA-009","errorMsg":"The requested accounts were not found"}]}"#
        );
    }
}
