//! FDX accounts to the neutral report: which field of each account type is which balance,
//! liabilities negative, ISO 4217 minor units, and per-account errors for the types we do not
//! know (listed by `accounts`, never dropped).

use std::sync::Arc;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use super::wire::{Descriptor, Entry};
use crate::bank::mapping::{currency_of, names, timestamp};
use crate::model::{Account, AccountError, Balance, BalanceRow, Report};
use crate::query::AccountRef;

/// FDX says amounts are in US dollars unless the account names its currency.
pub const DEFAULT_CURRENCY: &str = "USD";

/// How the balances of one FDX account type map to the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Deposit,
    LineOfCredit,
    Loan,
    Investment,
}

impl Kind {
    /// The FDX key of an entry (`depositAccount`, ...); `None` for a type we do not map.
    pub fn of(key: &str) -> Option<Kind> {
        Some(match key {
            "depositAccount" => Kind::Deposit,
            "locAccount" => Kind::LineOfCredit,
            "loanAccount" => Kind::Loan,
            "investmentAccount" => Kind::Investment,
            _ => return None,
        })
    }

    /// Money owed: shown negative so totals are net positions.
    fn is_liability(self) -> bool {
        matches!(self, Kind::LineOfCredit | Kind::Loan)
    }
}

/// `accountId` → account_id, `nickname` or else `productName` → account_name; Chase is the one
/// bank, so bank and branch stay empty.
pub fn account_of(account: &Descriptor) -> Account {
    let name = account
        .nickname
        .clone()
        .filter(|n| !n.trim().is_empty())
        .or_else(|| account.product_name.clone())
        .unwrap_or_default();
    let code = account
        .currency
        .as_ref()
        .and_then(|c| c.currency_code.as_deref())
        .unwrap_or(DEFAULT_CURRENCY);
    Account {
        account_id: account.account_id.clone(),
        account_name: name,
        bank_id: String::new(),
        bank_name: String::new(),
        branch_id: String::new(),
        currency: currency_of(Some(code)),
    }
}

/// One current row for an entry, or the per-account error saying why there is none.
pub fn row_of(entry: &Entry, now: DateTime<Utc>) -> Result<BalanceRow, AccountError> {
    let Some(kind) = Kind::of(&entry.kind) else {
        return Err(error_for(
            &entry.account,
            "UNSUPPORTED-TYPE",
            format!(
                "Chase lists this account as {}, a type treasury does not map to balances yet",
                entry.kind
            ),
        ));
    };
    let account = &entry.account;
    let (ledger, available, opening) = match kind {
        Kind::Deposit => (
            account.current_balance,
            account.available_balance,
            account.opening_day_balance,
        ),
        // A line of credit's availableBalance/availableCredit is credit left, not a balance.
        Kind::LineOfCredit => (account.current_balance, None, None),
        Kind::Loan => (account.principal_balance, None, None),
        Kind::Investment => (account.current_value, account.available_cash_balance, None),
    };
    let Some(ledger) = ledger else {
        return Err(error_for(
            account,
            "NO-DATA",
            "Chase returned no balance for this account".into(),
        ));
    };
    let at = as_of(account)?;
    let sign = |amount: Decimal| match kind.is_liability() {
        true => -amount,
        false => amount,
    };
    // What Chase did not send is absent, never zero: FDX has no opening available at all.
    Ok(BalanceRow {
        account: Arc::new(account_of(account)),
        balance: Balance {
            // Without balanceAsOf the balance is of unknown age: dated the day of the answer,
            // with no record_timestamp, so `position --max-age` calls it stale.
            as_of_date: at.unwrap_or(now).date_naive(),
            current_day: true,
            opening_available: None,
            opening_ledger: opening.map(sign),
            ending_available: available.map(sign),
            ending_ledger: Some(sign(ledger)),
            record_timestamp: at.map(timestamp).unwrap_or_default(),
        },
    })
}

/// `balanceAsOf` (FDX makes it optional): `None` when absent.
fn as_of(account: &Descriptor) -> Result<Option<DateTime<Utc>>, AccountError> {
    match account.balance_as_of.as_deref() {
        None => Ok(None),
        Some(text) => DateTime::parse_from_rfc3339(text)
            .map(|at| Some(at.to_utc()))
            .map_err(|_| {
                error_for(
                    account,
                    "BAD-DATE",
                    format!("Chase sent balanceAsOf '{text}', which is not an RFC 3339 time"),
                )
            }),
    }
}

pub fn error_for(account: &Descriptor, code: &str, message: String) -> AccountError {
    AccountError {
        account_id: account.account_id.clone(),
        bank_id: String::new(),
        code: code.to_string(),
        message,
    }
}

/// The rows and errors of every entry, in Chase's order.
pub fn into_report(entries: &[Entry], now: DateTime<Utc>) -> Report {
    let mut report = Report::default();
    for entry in entries {
        match row_of(entry, now) {
            Ok(row) => report.rows.push(row),
            Err(error) => report.errors.push(error),
        }
    }
    report
}

/// The entries that were requested (all when none are), in the requested order, and a
/// `NOT-FOUND` error for each requested account Chase does not list.
pub fn select<'a>(
    entries: &'a [Entry],
    wanted: &[AccountRef],
) -> (Vec<&'a Entry>, Vec<AccountError>) {
    if wanted.is_empty() {
        return (entries.iter().collect(), Vec::new());
    }
    let mut kept = Vec::new();
    let mut errors = Vec::new();
    for want in wanted {
        let found: Vec<&Entry> = entries
            .iter()
            .filter(|e| names(want, "", &e.account.account_id))
            .collect();
        if found.is_empty() {
            errors.push(AccountError {
                account_id: want.account_id.clone(),
                bank_id: want.bank_id.clone().unwrap_or_default(),
                code: "NOT-FOUND".into(),
                message: format!(
                    "Chase does not list account {want} for this login: run 'treasury accounts' to see the ones it does"
                ),
            });
        }
        kept.extend(found);
    }
    (kept, errors)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bank::chase::wire::Accounts;

    fn entries(json: &str) -> Vec<Entry> {
        serde_json::from_str::<Accounts>(json).unwrap().accounts
    }

    #[test]
    fn each_type_maps_and_liabilities_are_negative() {
        let list = entries(
            r#"{"accounts":[
            {"depositAccount":{"accountId":"d","nickname":"Ops","currentBalance":10.50,"availableBalance":9.25,"openingDayBalance":8,"balanceAsOf":"2026-01-15T14:30:00Z","currency":{"currencyCode":"usd"}}},
            {"locAccount":{"accountId":"c","productName":"Card","currentBalance":1547.62,"availableCredit":100}},
            {"loanAccount":{"accountId":"l","principalBalance":250000.00,"currency":{"currencyCode":"JPY"}}},
            {"investmentAccount":{"accountId":"i","currentValue":1.2345,"availableCashBalance":0.5}},
            {"insuranceAccount":{"accountId":"x"}}]}"#,
        );
        let now = DateTime::parse_from_rfc3339("2026-02-01T00:00:00Z")
            .unwrap()
            .to_utc();
        let report = into_report(&list, now);
        let ledgers: Vec<String> = report
            .rows
            .iter()
            .map(|r| r.balance.ending_ledger.unwrap().to_string())
            .collect();
        assert_eq!(ledgers, ["10.50", "-1547.62", "-250000.00", "1.2345"]);
        let ops = &report.rows[0];
        assert_eq!(ops.account.account_name, "Ops");
        assert_eq!(ops.account.currency.code, "USD");
        assert_eq!(ops.balance.opening_ledger.unwrap().to_string(), "8");
        assert_eq!(ops.balance.opening_available, None);
        assert_eq!(ops.balance.record_timestamp, "2026-01-15T14:30:00Z");
        // A line of credit's availableCredit is credit left: absent, never zero.
        assert_eq!(report.rows[1].balance.ending_available, None);
        assert_eq!(report.rows[2].account.currency.decimal_places, 0);
        assert_eq!(report.rows[2].balance.as_of_date.to_string(), "2026-02-01");
        // No balanceAsOf: of unknown age, never stamped "now".
        assert_eq!(report.rows[2].balance.record_timestamp, "");
        assert_eq!(report.errors.len(), 1);
        assert_eq!(report.errors[0].code, "UNSUPPORTED-TYPE");
        assert!(report.errors[0].message.contains("insuranceAccount"));
    }

    #[test]
    fn an_entry_has_exactly_one_type_key() {
        let two = r#"{"accounts":[{"depositAccount":{"accountId":"a"},"loanAccount":{"accountId":"b"}}]}"#;
        assert!(serde_json::from_str::<Accounts>(two).is_err());
    }
}
