//! J.P. Morgan Account Balances API: wire types, request bodies, response mapping, error bodies.

mod login;
#[cfg(test)]
mod profile_tests;
mod provider;
mod wire;

pub use provider::{code_hint, documented_host, LIMITS, SPEC};
pub use wire::*;

use std::sync::Arc;

use serde::Deserialize;

use crate::bank::records::{read_list_value, text_of, ListAnswer};
use crate::bank::status::Wording;
use crate::error::{BankError, Error, Result};
use crate::http::{body_excerpt, Http};
use crate::model::{Account, AccountError, Balance, BalanceRow, Currency, Report};
use crate::oauth::{send_authorized, TokenSource};
use crate::query::{BalanceRequest, DateSpan};

/// How J.P. Morgan's failures are worded.
pub const WORDING: Wording = Wording {
    bank: "the bank",
    refused: "the credentials",
    forbidden: None,
    refused_hint: |profile| format!("check the client id and secret of profile '{profile}'"),
    support: "the bank's API support",
};

/// A client of one J.P. Morgan Account Balances endpoint.
#[derive(Debug, Clone)]
pub struct Client {
    pub http: Http,
    pub endpoint: reqwest::Url,
    pub tokens: Arc<dyn TokenSource>,
    pub profile: String,
}

impl Client {
    /// `base_url` is the API root; the balance endpoint is `{base_url}/balance`.
    pub fn new(
        http: Http,
        base_url: &reqwest::Url,
        tokens: Arc<dyn TokenSource>,
        profile: &str,
    ) -> Result<Client> {
        let endpoint = format!("{}/balance", base_url.as_str().trim_end_matches('/'));
        let endpoint = reqwest::Url::parse(&endpoint).map_err(|e| Error::Internal(e.into()))?;
        Ok(Client {
            http,
            endpoint,
            tokens,
            profile: profile.to_string(),
        })
    }

    pub async fn balances(&self, request: &BalanceRequest) -> Result<Report> {
        Ok(into_report(self.post(&request_body(request)).await?))
    }

    /// Every account the credentials see: the API has no accounts endpoint, so this is an empty
    /// balance request, which the bank answers with all cash-reporting accounts.
    pub async fn accounts(&self) -> Result<Vec<Account>> {
        Ok(into_accounts(self.post(&RequestBody::default()).await?))
    }

    async fn post(&self, body: &RequestBody) -> Result<ResponseBody> {
        let answer = send_authorized(&*self.tokens, |bearer| async move {
            self.http
                .post_json(&self.endpoint, body, bearer.as_ref())
                .await
        })
        .await?;
        if !answer.is_success() {
            return Err(WORDING.error(bank_error(answer.status, &answer.body), &self.profile));
        }
        let body = parse_body(&answer.body)
            .map_err(|e| WORDING.unreadable("a balance report", &answer, &e))?;
        match body.errors.first() {
            Some(error) if body.account_list.is_empty() => Err(Error::Rejected(BankError {
                status: answer.status,
                code: Some(error.error_code.clone()),
                message: error.error_msg.clone(),
                hint: code_hint(&error.error_code),
            })),
            _ => Ok(body),
        }
    }
}

/// An answer's JSON: checked as UTF-8 once, then read as text, so serde_json does not check
/// every string again (a tenth of the parse). A body that is not UTF-8 is read as bytes, for
/// serde_json's own error.
pub fn parse_body(body: &[u8]) -> serde_json::Result<ResponseBody> {
    let whole = match std::str::from_utf8(body) {
        Ok(text) => serde_json::from_str(text),
        Err(_) => serde_json::from_slice(body),
    };
    // Only when the whole answer cannot be read: again, one account entry at a time, so one
    // malformed entry is that account's `UNREADABLE` error, not the loss of the report.
    whole.or_else(|error| entry_by_entry(body).ok_or(error))
}

fn entry_by_entry(body: &[u8]) -> Option<ResponseBody> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let errors = value
        .get("errors")
        .and_then(|e| Vec::<wire::ErrorEntry>::deserialize(e).ok())
        .unwrap_or_default();
    let id_of = |entry: &serde_json::Value| text_of(entry.get("accountId"));
    match read_list_value(&value, &["accountList"], "the bank", id_of) {
        ListAnswer::List {
            records,
            mut unreadable,
        } => {
            for (error, entry) in unreadable.iter_mut().zip(unreadable_entries(&value)) {
                error.bank_id = text_of(entry.get("bankId"));
            }
            Some(ResponseBody {
                account_list: records,
                errors,
                unreadable,
            })
        }
        ListAnswer::NoList => None,
    }
}

/// The account entries that do not read as one, in order (to name their bank ids).
fn unreadable_entries(value: &serde_json::Value) -> Vec<&serde_json::Value> {
    value["accountList"]
        .as_array()
        .map(|list| {
            list.iter()
                .filter(|e| wire::AccountEntry::deserialize(*e).is_err())
                .collect()
        })
        .unwrap_or_default()
}

/// The body for one planned request: an explicit day type or both dates, one entry per account.
pub fn request_body(request: &BalanceRequest) -> RequestBody {
    let (relative_date_type, start_date, end_date) = match request.span {
        DateSpan::CurrentDay => (Some(RelativeDateType::CurrentDay), None, None),
        DateSpan::PriorDay => (Some(RelativeDateType::PriorDay), None, None),
        DateSpan::Range { from, to } => (None, Some(from.to_string()), Some(to.to_string())),
    };
    let account_list = request
        .accounts
        .iter()
        .map(|a| AccountSelector {
            account_id: a.account_id.clone(),
            bank_id: a.bank_id.clone(),
        })
        .collect();
    RequestBody {
        relative_date_type,
        start_date,
        end_date,
        account_list,
    }
}

/// Maps an answer to report rows and per-account errors, in the bank's order.
pub fn into_report(body: ResponseBody) -> Report {
    let mut report = Report {
        rows: Vec::new(),
        errors: body.unreadable,
    };
    for mut entry in body.account_list {
        let balances = entry.balance_list.take().unwrap_or_default();
        if let Some(code) = entry.error_code.clone().filter(|_| balances.is_empty()) {
            report.errors.push(AccountError {
                account_id: entry.account_id,
                bank_id: entry.bank_id,
                code,
                message: entry.error_msg.unwrap_or_default(),
            });
            continue;
        }
        if balances.is_empty() {
            // Neither balances nor an error: say so rather than drop the account silently.
            report.errors.push(AccountError {
                account_id: entry.account_id,
                bank_id: entry.bank_id,
                code: "NO-DATA".to_string(),
                message: "the bank returned neither balances nor an error for this account"
                    .to_string(),
            });
            continue;
        }
        let account = Arc::new(account_of(entry));
        for b in balances {
            report.rows.push(BalanceRow {
                account: Arc::clone(&account),
                balance: Balance {
                    as_of_date: b.as_of_date,
                    current_day: b.current_day,
                    opening_available: b.opening_available_amount,
                    opening_ledger: b.opening_ledger_amount,
                    ending_available: b.ending_available_amount,
                    ending_ledger: b.ending_ledger_amount,
                    record_timestamp: b.record_timestamp,
                },
            });
        }
    }
    report
}

/// The accounts of an answer, errors or not, in the bank's order.
pub fn into_accounts(body: ResponseBody) -> Vec<Account> {
    body.account_list.into_iter().map(account_of).collect()
}

fn account_of(entry: AccountEntry) -> Account {
    let currency = entry.currency.map_or_else(
        || Currency {
            code: String::new(),
            decimal_places: 2,
        },
        |c| Currency {
            code: c.code,
            decimal_places: c.decimal_location,
        },
    );
    Account {
        account_id: entry.account_id,
        account_name: entry.account_name,
        bank_id: entry.bank_id,
        bank_name: entry.bank_name,
        branch_id: entry.branch_id,
        currency,
    }
}

/// Reads a whole-request error from an error answer's body, whatever shape it has.
pub fn bank_error(status: u16, body: &[u8]) -> BankError {
    let parsed = serde_json::from_slice::<ErrorBody>(body)
        .ok()
        .and_then(|b| b.errors.into_iter().next());
    match parsed {
        Some(entry) => BankError {
            status,
            hint: code_hint(&entry.error_code),
            code: Some(entry.error_code),
            message: entry.error_msg,
        },
        None => BankError {
            status,
            code: None,
            message: format!("the bank answered {}", body_excerpt(body)),
            hint: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::AccountRef;

    const FIXTURE: &str =
        include_str!("../../../tests/fixtures/jpm-mock-balances-44-accounts.json");

    #[test]
    fn bodies_carry_either_a_day_type_or_both_dates() {
        let request = BalanceRequest {
            span: DateSpan::PriorDay,
            accounts: vec![
                AccountRef {
                    bank_id: None,
                    account_id: "1".into(),
                },
                AccountRef {
                    bank_id: Some("B".into()),
                    account_id: "2".into(),
                },
            ]
            .into(),
        };
        let json = serde_json::to_string(&request_body(&request)).unwrap();
        assert_eq!(
            json,
            r#"{"relativeDateType":"PRIOR_DAY","accountList":[{"accountId":"1"},{"accountId":"2","bankId":"B"}]}"#
        );
        let range = BalanceRequest {
            span: DateSpan::Range {
                from: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
                to: chrono::NaiveDate::from_ymd_opt(2026, 2, 1).unwrap(),
            },
            accounts: Default::default(),
        };
        let json = serde_json::to_string(&request_body(&range)).unwrap();
        assert_eq!(json, r#"{"startDate":"2026-01-01","endDate":"2026-02-01"}"#);
    }

    #[test]
    fn the_banks_own_mock_parses_exactly() {
        let body: ResponseBody = serde_json::from_str(FIXTURE).unwrap();
        let report = into_report(body);
        assert_eq!(report.errors.len(), 1);
        assert_eq!(report.errors[0].code, "GCA-024");
        assert_eq!(report.rows.len(), 43);
        let first = &report.rows[0].balance;
        assert_eq!(first.opening_available.unwrap().to_string(), "866723000.86");
    }

    #[test]
    fn zero_keeps_its_scale() {
        let text = r#"{"accountList":[{"accountId":"1","currency":{"code":"USD","decimalLocation":2},
            "balanceList":[{"asOfDate":"2021-12-08","currentDay":true,"openingAvailableAmount":0.00,
            "openingLedgerAmount":-4681786201.38,"endingAvailableAmount":9007199254740993.01,"endingLedgerAmount":12223.50}]}]}"#;
        let report = into_report(serde_json::from_str(text).unwrap());
        let b = &report.rows[0].balance;
        assert_eq!(b.opening_available.unwrap().to_string(), "0.00");
        assert_eq!(b.opening_ledger.unwrap().to_string(), "-4681786201.38");
        assert_eq!(
            b.ending_available.unwrap().to_string(),
            "9007199254740993.01"
        );
        assert_eq!(b.ending_ledger.unwrap().to_string(), "12223.50");
    }

    #[test]
    fn a_missing_or_null_amount_is_absent_and_a_zero_stays_zero() {
        let text = r#"{"accountList":[{"accountId":"1","currency":{"code":"USD","decimalLocation":2},
            "balanceList":[{"asOfDate":"2021-12-08","openingAvailableAmount":null,
            "endingAvailableAmount":0.00,"endingLedgerAmount":5}]}]}"#;
        let report = into_report(serde_json::from_str(text).unwrap());
        let b = &report.rows[0].balance;
        assert_eq!(b.opening_available, None);
        assert_eq!(b.opening_ledger, None);
        assert_eq!(b.ending_available.unwrap().to_string(), "0.00");
        assert_eq!(b.ending_ledger.unwrap().to_string(), "5");
    }

    #[test]
    fn amounts_that_would_round_are_refused() {
        let body = |amount: &str| {
            format!(
                r#"{{"accountList":[{{"accountId":"1","currency":{{"code":"USD","decimalLocation":2}},
                "balanceList":[{{"asOfDate":"2021-12-08","openingAvailableAmount":{amount},
                "openingLedgerAmount":0,"endingAvailableAmount":0,"endingLedgerAmount":0}}]}}]}}"#
            )
        };
        let exact: ResponseBody =
            serde_json::from_str(&body("1234567890123456789012345.67")).unwrap();
        let row = &into_report(exact).rows[0];
        assert_eq!(
            row.balance.opening_available.unwrap().to_string(),
            "1234567890123456789012345.67"
        );
        let err = serde_json::from_str::<ResponseBody>(&body("1234567890123456789012345678.91"))
            .unwrap_err();
        assert!(err.to_string().contains("cannot be held exactly"), "{err}");
    }

    #[test]
    fn error_bodies_give_code_and_text() {
        let body = br#"{"errors":[{"errorCode":"GCA-099","errorMsg":"System is Unavailable"}]}"#;
        let err = bank_error(503, body);
        assert_eq!(err.to_string(), "GCA-099 System is Unavailable (HTTP 503)");
        let html = bank_error(502, b"<html><body>Bad Gateway</body></html>");
        assert_eq!(html.code, None);
        assert!(
            html.message
                .contains("'<html><body>Bad Gateway</body></html>'"),
            "{}",
            html.message
        );
    }
}
