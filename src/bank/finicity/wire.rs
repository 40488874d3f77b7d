//! Finicity's JSON on the wire (per the public Open Finance spec): partner authentication, the
//! customer accounts list with its account records, the live available balance, error bodies.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::bank::amount::{exact_amount, exact_amount_opt};

/// The body of `POST /aggregation/v2/partners/authentication` (`PartnerCredentials`).
/// Not `Debug`: it carries the partner secret.
#[derive(Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PartnerCredentials {
    pub partner_id: String,
    pub partner_secret: String,
}

/// The answer of partner authentication (`AccessToken`). Not `Debug`: it is a credential.
#[derive(Clone, Serialize, Deserialize)]
pub struct AccessToken {
    pub token: String,
}

/// The answer of `GET /aggregation/v1/customers/{customerId}/accounts` (`CustomerAccounts`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CustomerAccounts {
    #[serde(default)]
    pub accounts: Vec<CustomerAccount>,
    /// Records that could not be read, as per-account `UNREADABLE` errors (never on the wire).
    #[serde(skip)]
    pub unreadable: Vec<crate::model::AccountError>,
}

/// One account record (`CustomerAccount`). Everything but `id` is optional: a pending account
/// comes as a partial record (id, number, name, type, status, balance).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerAccount {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_number_display: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(
        default,
        with = "exact_amount_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub balance: Option<Decimal>,
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub account_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aggregation_status_code: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub institution_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub balance_date: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aggregation_success_date: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aggregation_attempt_date: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_date: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub institution_login_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_position: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<AccountDetail>,
}

/// The type-dependent `detail` of an account record; only the fields the report uses, plus the
/// credit ones the sandbox shows. Unknown fields are ignored.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountDetail {
    #[serde(
        default,
        with = "exact_amount_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub available_balance_amount: Option<Decimal>,
    #[serde(
        default,
        with = "exact_amount_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub credit_max_amount: Option<Decimal>,
    #[serde(
        default,
        with = "exact_amount_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub credit_available_amount: Option<Decimal>,
}

/// The answer of `GET .../accounts/{accountId}/availableBalance/live` (`AvailableBalance`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AvailableBalance {
    /// The spec types it as a number; accepted as either.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub real_account_number_last4: Option<String>,
    #[serde(with = "exact_amount")]
    pub available_balance: Decimal,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub available_balance_date: Option<i64>,
    #[serde(with = "exact_amount")]
    pub cleared_balance: Decimal,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cleared_balance_date: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aggregation_status_code: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
}

/// Finicity's error body (`ErrorMessage`): `code` is a number or a string, as the spec warns.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ErrorMessage {
    #[serde(default)]
    pub code: serde_json::Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl ErrorMessage {
    pub fn new(code: &str, message: &str) -> Self {
        ErrorMessage {
            code: serde_json::Value::String(code.to_string()),
            status: None,
            message: Some(message.to_string()),
        }
    }

    /// The code as text, whichever JSON type it came as; `None` when absent or empty.
    pub fn code_text(&self) -> Option<String> {
        let text = match &self.code {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Number(n) => n.to_string(),
            _ => return None,
        };
        Some(text).filter(|t| !t.is_empty())
    }
}
