//! J.P. Morgan's wire format: the request body, the answer with its accounts and balances, the
//! error body; amounts read digit for digit, dates by hand where they have the usual shape.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::bank::amount::exact_amount_nullable;

/// `relativeDateType` of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RelativeDateType {
    CurrentDay,
    PriorDay,
}

/// The body of `POST /balance`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestBody {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relative_date_type: Option<RelativeDateType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_date: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub account_list: Vec<AccountSelector>,
}

/// One `accountList` entry of a request: one account, its bank where known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountSelector {
    pub account_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bank_id: Option<String>,
}

/// The body of a successful answer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResponseBody {
    #[serde(default)]
    pub account_list: Vec<AccountEntry>,
    /// Whole-request errors; expected with an error status, but honoured in a 200 too.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ErrorEntry>,
    /// Account entries that could not be read, as per-account `UNREADABLE` errors (never on
    /// the wire).
    #[serde(skip)]
    pub unreadable: Vec<crate::model::AccountError>,
}

/// One account of an answer: balances, or an error code and message.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountEntry {
    pub account_id: String,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub account_name: String,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub branch_id: String,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub bank_id: String,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub bank_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<CurrencyEntry>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub balance_list: Option<Vec<BalanceEntry>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_msg: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CurrencyEntry {
    pub code: String,
    #[serde(default)]
    pub currency_sequence: i64,
    pub decimal_location: u32,
    #[serde(default)]
    pub description: String,
}

/// One as-of date of an account. Amounts are JSON numbers read as exact decimals; one missing
/// or `null` is absent (`None`), never zero.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BalanceEntry {
    #[serde(deserialize_with = "wire_date")]
    pub as_of_date: NaiveDate,
    #[serde(default)]
    pub record_timestamp: String,
    #[serde(default)]
    pub current_day: bool,
    #[serde(default, with = "exact_amount_nullable")]
    pub opening_available_amount: Option<Decimal>,
    #[serde(default, with = "exact_amount_nullable")]
    pub opening_ledger_amount: Option<Decimal>,
    #[serde(default, with = "exact_amount_nullable")]
    pub ending_available_amount: Option<Decimal>,
    #[serde(default, with = "exact_amount_nullable")]
    pub ending_ledger_amount: Option<Decimal>,
}

/// The body of a whole-request error.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    #[serde(default)]
    pub errors: Vec<ErrorEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorEntry {
    pub error_code: String,
    #[serde(default)]
    pub error_msg: String,
}

/// `YYYY-MM-DD` read by hand (chrono's parser walks a format description for every date); any
/// other shape goes to chrono, which accepts or refuses it as it always has.
fn wire_date<'de, D: serde::Deserializer<'de>>(de: D) -> Result<NaiveDate, D::Error> {
    struct WireDate;
    impl serde::de::Visitor<'_> for WireDate {
        type Value = NaiveDate;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a date as YYYY-MM-DD")
        }
        fn visit_str<E: serde::de::Error>(self, text: &str) -> std::result::Result<NaiveDate, E> {
            fast_date(text).map_or_else(|| text.parse().map_err(E::custom), Ok)
        }
    }
    de.deserialize_str(WireDate)
}

fn fast_date(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        b[range].iter().try_fold(0u32, |n, d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    let year = i32::try_from(digits(0..4)?).ok()?;
    NaiveDate::from_ymd_opt(year, digits(5..7)?, digits(8..10)?)
}

fn null_as_empty<'de, D: serde::Deserializer<'de>>(de: D) -> Result<String, D::Error> {
    Ok(Option::<String>::deserialize(de)?.unwrap_or_default())
}
