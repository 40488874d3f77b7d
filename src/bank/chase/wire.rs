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

/// One entry of the list: `{"depositAccount": {...}}`, the key naming the FDX account type
/// (FDX v4), or a flat account with `accountId` and `accountCategory` (`DEPOSIT_ACCOUNT`,
/// FDX v5/v6), whose kind is the same camel-case name (`depositAccount`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(into = "BTreeMap<String, Descriptor>")]
pub struct Entry {
    pub kind: String,
    pub account: Descriptor,
}

impl<'de> Deserialize<'de> for Entry {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Entry::from_value(serde_json::Value::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

impl Entry {
    pub fn from_value(value: serde_json::Value) -> Result<Entry, String> {
        let serde_json::Value::Object(map) = value else {
            return Err("an accounts entry must be an object".into());
        };
        let read = |v| Descriptor::deserialize(v).map_err(|e: serde_json::Error| e.to_string());
        if map.contains_key("accountId") {
            let kind = kind_of_category(map.get("accountCategory").and_then(|c| c.as_str()));
            let account = read(serde_json::Value::Object(map))?;
            return Ok(Entry { kind, account });
        }
        let mut entries = map.into_iter();
        match (entries.next(), entries.next()) {
            (Some((kind, account)), None) => Ok(Entry {
                kind,
                account: read(account)?,
            }),
            _ => Err(
                "an accounts entry must be one object with one key naming its type, or \
                      an FDX account with accountId and accountCategory"
                    .into(),
            ),
        }
    }
}

/// `DEPOSIT_ACCOUNT` → `depositAccount`, the v4 key of the same type; `account` when absent.
pub fn kind_of_category(category: Option<&str>) -> String {
    let Some(category) = category.filter(|c| !c.trim().is_empty()) else {
        return "account".into();
    };
    let mut kind = String::with_capacity(category.len());
    for (i, word) in category
        .trim()
        .split('_')
        .filter(|w| !w.is_empty())
        .enumerate()
    {
        let word = word.to_ascii_lowercase();
        match i {
            0 => kind.push_str(&word),
            _ => {
                let mut chars = word.chars();
                kind.extend(chars.next().map(|c| c.to_ascii_uppercase()));
                kind.push_str(chars.as_str());
            }
        }
    }
    kind
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
    /// The detail answer of an account, keeping what only the list said (its names, its
    /// currency, its status) where the detail does not say it.
    pub fn detailed(self, listed: &Descriptor) -> Descriptor {
        let keep = |detail: Option<String>, list: &Option<String>| detail.or_else(|| list.clone());
        Descriptor {
            account_number_display: keep(
                self.account_number_display,
                &listed.account_number_display,
            ),
            product_name: keep(self.product_name, &listed.product_name),
            nickname: keep(self.nickname, &listed.nickname),
            status: keep(self.status, &listed.status),
            account_type: keep(self.account_type, &listed.account_type),
            currency: self.currency.or_else(|| listed.currency.clone()),
            ..self
        }
    }

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
