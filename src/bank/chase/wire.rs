//! Chase's FDX v4 JSON on the wire: the paged accounts list (each entry one key naming its
//! type), the account descriptor with its balances, and FDX error bodies.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::bank::amount::exact_amount_opt;

/// `GET /accounts`: one page of accounts and the cursor of the next.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Accounts {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<Page>,
    #[serde(default)]
    pub accounts: Vec<Entry>,
}

/// FDX paging: `nextOffset` is the server's opaque cursor, sent back as `offset` unchanged.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Page {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_offset: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_elements: Option<u64>,
}

/// One entry of the list: `{"depositAccount": {...}}`, the key naming the FDX account type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(
    try_from = "BTreeMap<String, Descriptor>",
    into = "BTreeMap<String, Descriptor>"
)]
pub struct Entry {
    pub kind: String,
    pub account: Descriptor,
}

impl TryFrom<BTreeMap<String, Descriptor>> for Entry {
    type Error = String;

    fn try_from(map: BTreeMap<String, Descriptor>) -> Result<Self, String> {
        let mut entries = map.into_iter();
        match (entries.next(), entries.next()) {
            (Some((kind, account)), None) => Ok(Entry { kind, account }),
            _ => Err("an accounts entry must be one object with one key naming its type".into()),
        }
    }
}

impl From<Entry> for BTreeMap<String, Descriptor> {
    fn from(entry: Entry) -> Self {
        [(entry.kind, entry.account)].into()
    }
}

/// The FDX account fields the report reads. Amounts are exact decimals; any may be absent
/// (a list may carry descriptors only, with balances in `GET /accounts/{accountId}`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Descriptor {
    pub account_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_number_display: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nickname: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<CurrencyEntity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub balance_as_of: Option<String>,
    #[serde(
        default,
        with = "exact_amount_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub current_balance: Option<Decimal>,
    #[serde(
        default,
        with = "exact_amount_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub available_balance: Option<Decimal>,
    #[serde(
        default,
        with = "exact_amount_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub opening_day_balance: Option<Decimal>,
    #[serde(
        default,
        with = "exact_amount_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub principal_balance: Option<Decimal>,
    #[serde(
        default,
        with = "exact_amount_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub available_credit: Option<Decimal>,
    #[serde(
        default,
        with = "exact_amount_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub current_value: Option<Decimal>,
    #[serde(
        default,
        with = "exact_amount_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub available_cash_balance: Option<Decimal>,
}

impl Descriptor {
    /// Whether the entry carries any balance (else `GET /accounts/{accountId}` has them).
    pub fn has_balances(&self) -> bool {
        self.current_balance.is_some()
            || self.principal_balance.is_some()
            || self.current_value.is_some()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CurrencyEntity {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency_code: Option<String>,
}

/// An FDX error body: `code` (a string or a number) and `message`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ErrorBody {
    #[serde(default)]
    pub code: Option<serde_json::Value>,
    #[serde(default)]
    pub message: Option<String>,
}

impl ErrorBody {
    pub fn code_text(&self) -> Option<String> {
        match self.code.as_ref()? {
            serde_json::Value::String(text) => Some(text.clone()),
            serde_json::Value::Number(number) => Some(number.to_string()),
            _ => None,
        }
    }
}
