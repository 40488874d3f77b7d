//! Mapping helpers every provider shares: ISO 4217 currencies, UTC timestamps as the report
//! writes them, and whether a requested account names an answered one.

use chrono::{DateTime, SecondsFormat, Utc};

use crate::model::Currency;
use crate::query::AccountRef;

/// Minor units used where ISO 4217 gives none (an unknown code, or one without minor units such
/// as XAU). Amounts are never rounded to it: `format_amount` keeps every digit sent.
pub const FALLBACK_DECIMAL_PLACES: u32 = 2;

/// A currency code with its ISO 4217 exponent from the maintained `iso_currency` table.
pub fn currency_of(code: Option<&str>) -> Currency {
    let code = code.unwrap_or_default().trim().to_ascii_uppercase();
    let decimal_places = Currency::iso_places(&code).unwrap_or(FALLBACK_DECIMAL_PLACES);
    Currency {
        code,
        decimal_places,
    }
}

/// Epoch seconds as a UTC instant; `None` for values no calendar holds.
pub fn utc(epoch_seconds: i64) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(epoch_seconds, 0)
}

/// RFC 3339 in UTC to the second, e.g. `2026-01-15T14:30:00Z`.
pub fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Whether a requested account names this one: same id, and the same institution if given
/// (a record without an institution matches any).
pub fn names(wanted: &AccountRef, bank_id: &str, account_id: &str) -> bool {
    wanted.account_id == account_id
        && wanted
            .bank_id
            .as_deref()
            .is_none_or(|b| bank_id.is_empty() || b == bank_id)
}
