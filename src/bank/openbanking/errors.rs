//! Open Banking error answers (`{Code, Message, Errors[{ErrorCode, Message, Path}]}`) as the
//! CLI's errors: a consent that is not (or no longer) authorised, refused tokens, refusals,
//! failing servers. The bank's codes are always in the message.

use super::wire::ErrorResponse;
use crate::bank::status::Wording;
use crate::error::{BankError, Error};
use crate::http::body_excerpt;

/// The bank's code and message of an error answer, whatever shape its body has. The code is
/// the first `ErrorCode` (the specific one, e.g. `UK.OBIE.Resource.NotFound`), else `Code`.
pub fn bank_error(status: u16, body: &[u8]) -> BankError {
    match serde_json::from_slice::<ErrorResponse>(body) {
        Ok(parsed) if parsed.message.is_some() || !parsed.errors.is_empty() => {
            let code = parsed
                .errors
                .first()
                .map(|e| e.error_code.clone())
                .or(parsed.code.clone());
            let mut parts: Vec<String> = parsed.message.into_iter().collect();
            parts.extend(parsed.errors.iter().map(|e| match &e.path {
                Some(path) => format!("{} ({}: {path})", e.message, e.error_code),
                None => format!("{} ({})", e.message, e.error_code),
            }));
            let code = match (&parsed.code, code) {
                (Some(top), Some(first)) if *top != first => Some(format!("{top}/{first}")),
                (_, code) => code,
            };
            BankError {
                status,
                code,
                message: parts.join("; "),
                hint: None,
            }
        }
        _ => BankError {
            status,
            code: None,
            message: format!("the bank answered {}", body_excerpt(body)),
            hint: None,
        },
    }
}

/// The hint of every refusal a new login cures.
pub fn renew_hint(profile: &str) -> String {
    format!("run 'treasury login -p {profile}' to renew the consent")
}

/// How the bank's failures are worded. A 403 is the spec's answer for a consent that is not,
/// or no longer, authorised (revoked, expired): exit 3 with the way to a new one.
pub const WORDING: Wording = Wording {
    bank: "the bank",
    refused: "the access token",
    forbidden: Some(
        "access: the consent is not (or no longer) authorised, e.g. revoked or expired",
    ),
    refused_hint: renew_hint,
    support: "the bank",
};

/// A data call that failed (after the one token renewal a 401 gets, and the retries of 429 and
/// 5xx that `Http` makes).
pub fn data_error(status: u16, body: &[u8], profile: &str) -> Error {
    WORDING.error(bank_error(status, body), profile)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_banks_codes_are_in_the_message() {
        let body = br#"{"Code":"403 Forbidden","Message":"Consent revoked","Errors":[{"ErrorCode":"UK.OBIE.Resource.InvalidConsentStatus","Message":"The consent is Revoked","Path":"ConsentId"}]}"#;
        let err = data_error(403, body, "ob");
        assert_eq!(err.exit_code(), 3);
        let text = err.to_string();
        assert!(
            text.contains("403 Forbidden/UK.OBIE.Resource.InvalidConsentStatus Consent revoked; The consent is Revoked (UK.OBIE.Resource.InvalidConsentStatus: ConsentId) (HTTP 403)"),
            "{text}"
        );
        assert_eq!(
            err.hint().as_deref(),
            Some("run 'treasury login -p ob' to renew the consent")
        );
    }

    #[test]
    fn statuses_map_to_exit_codes() {
        assert_eq!(data_error(400, b"{}", "ob").exit_code(), 4);
        assert_eq!(data_error(401, b"", "ob").exit_code(), 3);
        assert_eq!(data_error(429, b"", "ob").exit_code(), 6);
        assert_eq!(data_error(503, b"", "ob").exit_code(), 6);
        let plain = bank_error(500, b"oops");
        assert_eq!(plain.code, None);
        assert!(plain.message.contains("'oops'"), "{}", plain.message);
    }
}
