//! The sandbox Chase's accounts: FDX entries of several types and currencies (0, 2 and 3
//! decimal places), a credit card and a loan (liabilities), and one type treasury does not map.

use serde_json::{json, Value};

/// Accounts per page, whatever `limit` asks: small, so a listing always spans several pages.
pub const PAGE_SIZE: usize = 3;

/// Every account: its FDX type key, its full record, and whether the list carries its balances
/// (the others come only with `GET /accounts/{accountId}`).
pub fn accounts() -> Vec<(&'static str, Value, bool)> {
    let at = "2026-01-15T14:30:00Z";
    vec![
        (
            "depositAccount",
            json!({
                "accountId": "chk-1001", "accountType": "CHECKING", "productName": "Total Business Checking",
                "nickname": "Operating", "accountNumberDisplay": "...1001", "status": "OPEN",
                "currency": {"currencyCode": "USD"}, "balanceAsOf": at,
                "currentBalance": 125000.75, "availableBalance": 120000.50, "openingDayBalance": 123456.78
            }),
            true,
        ),
        (
            "depositAccount",
            json!({
                "accountId": "sav-2002", "accountType": "SAVINGS", "productName": "Business Premier Savings",
                "accountNumberDisplay": "...2002", "status": "OPEN",
                "currency": {"currencyCode": "EUR"}, "balanceAsOf": at,
                "currentBalance": 98000.10, "availableBalance": 98000.10
            }),
            true,
        ),
        (
            "depositAccount",
            json!({
                "accountId": "cd-3003", "accountType": "CD", "productName": "Certificate of Deposit",
                "status": "OPEN", "currency": {"currencyCode": "JPY"}, "balanceAsOf": at,
                "currentBalance": 5000000, "availableBalance": 0
            }),
            true,
        ),
        (
            "locAccount",
            json!({
                "accountId": "card-4004", "accountType": "CREDITCARD", "productName": "Ink Business Preferred",
                "status": "OPEN", "currency": {"currencyCode": "USD"}, "balanceAsOf": at,
                "currentBalance": 1547.62, "availableCredit": 8452.38
            }),
            true,
        ),
        (
            "loanAccount",
            json!({
                "accountId": "loan-5005", "accountType": "LOAN", "productName": "Business Term Loan",
                "status": "OPEN", "currency": {"currencyCode": "USD"}, "balanceAsOf": at,
                "principalBalance": 250000.00
            }),
            false,
        ),
        (
            "investmentAccount",
            json!({
                "accountId": "inv-6006", "accountType": "BROKERAGE", "productName": "Business Brokerage",
                "status": "OPEN", "currency": {"currencyCode": "KWD"}, "balanceAsOf": at,
                "currentValue": 43210.987, "availableCashBalance": 1234.567
            }),
            false,
        ),
        (
            "insuranceAccount",
            json!({
                "accountId": "ins-7007", "accountType": "LIFE", "productName": "Key Person Life Insurance",
                "status": "OPEN", "currency": {"currencyCode": "USD"}
            }),
            true,
        ),
    ]
}

/// The fields the list carries: all of them, or the descriptor only.
pub fn listed(record: &Value, with_balances: bool) -> Value {
    if with_balances {
        return record.clone();
    }
    let mut record = record.clone();
    if let Some(object) = record.as_object_mut() {
        for key in [
            "balanceAsOf",
            "principalBalance",
            "currentValue",
            "availableCashBalance",
        ] {
            object.remove(key);
        }
    }
    record
}

/// The opaque cursor of the page starting at `start` (the client must send it back as is).
pub fn cursor(start: usize) -> String {
    format!("pg{:x}z", start * 7919 + 17)
}

pub fn start_of(cursor: &str) -> Option<usize> {
    let hex = cursor.strip_prefix("pg")?.strip_suffix('z')?;
    let n = usize::from_str_radix(hex, 16).ok()?.checked_sub(17)?;
    (n % 7919 == 0).then_some(n / 7919)
}
