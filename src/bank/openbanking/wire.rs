//! Open Banking v3.1 JSON on the wire (per `uk-open-banking-account-info-v3.1.11.yaml`): the
//! account-access consent, accounts, balances, links and error bodies. Amounts stay text until
//! the mapping parses them exactly.

use serde::{Deserialize, Serialize};

/// `Links` of every answer: `Self`, and `Next` while there are more pages.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Links {
    #[serde(rename = "Self", default, skip_serializing_if = "Option::is_none")]
    pub self_link: Option<String>,
    #[serde(rename = "Next", default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Meta {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_pages: Option<u32>,
}

/// `OBReadConsent1`: the body of `POST /account-access-consents`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ConsentRequest {
    pub data: ConsentRequestData,
    pub risk: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ConsentRequestData {
    pub permissions: Vec<String>,
    pub expiration_date_time: String,
}

/// `OBReadConsentResponse1`: a consent as the bank holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ConsentAnswer {
    pub data: ConsentData,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ConsentData {
    pub consent_id: String,
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creation_date_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_update_date_time: Option<String>,
    #[serde(default)]
    pub permissions: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiration_date_time: Option<String>,
}

/// `OBReadAccount6`: one page of `GET /accounts`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccountsPage {
    pub data: AccountsData,
    #[serde(default)]
    pub links: Links,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccountsData {
    #[serde(default)]
    pub account: Vec<AccountRecord>,
}

/// One account (`OBAccount6`); only `AccountId` is sure to be there.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccountRecord {
    pub account_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_sub_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nickname: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub account: Vec<Identification>,
}

/// `OBCashAccount5`: a scheme's identification of the account, with the holder's name.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Identification {
    pub scheme_name: String,
    pub identification: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// `OBReadBalance1`: `GET /balances` or `GET /accounts/{AccountId}/balances`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct BalancesPage {
    pub data: BalancesData,
    #[serde(default)]
    pub links: Links,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct BalancesData {
    #[serde(default)]
    pub balance: Vec<BalanceRecord>,
}

/// One balance of one account, of one `Type`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct BalanceRecord {
    pub account_id: String,
    pub amount: Amount,
    pub credit_debit_indicator: String,
    #[serde(rename = "Type")]
    pub balance_type: String,
    pub date_time: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub credit_line: Vec<serde_json::Value>,
}

/// `OBActiveOrHistoricCurrencyAndAmount`: the amount is a decimal in a string.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Amount {
    pub amount: String,
    pub currency: String,
}

/// `OBErrorResponse1`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ErrorResponse {
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub errors: Vec<ErrorItem>,
}

/// `OBError1`: one of the reasons, with the bank's `ErrorCode` (e.g. `UK.OBIE.Field.Invalid`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ErrorItem {
    pub error_code: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}
