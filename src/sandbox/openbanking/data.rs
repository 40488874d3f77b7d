//! The sandbox's open-banking accounts and balances: GBP and EUR, an overdrawn account (a
//! `Debit` balance), several balance types per account (to show which one wins), two pages.

use crate::bank::openbanking::wire::{AccountRecord, Amount, BalanceRecord, Identification};

/// Accounts on each page of `GET /accounts`: four accounts make two pages.
pub const PAGE_SIZE: usize = 2;

/// When every sandbox balance is dated (an offset of +01:00: the report shows it in UTC).
pub const DATE_TIME: &str = "2026-11-30T23:30:00+01:00";

struct Row {
    id: &'static str,
    currency: &'static str,
    nickname: &'static str,
    sort_code_account: &'static str,
    /// (Type, Amount, CreditDebitIndicator)
    balances: &'static [(&'static str, &'static str, &'static str)],
}

const ROWS: &[Row] = &[
    Row {
        id: "GBP-0001",
        currency: "GBP",
        nickname: "Operating GBP",
        sort_code_account: "40400112345678",
        balances: &[
            ("OpeningBooked", "10000.00", "Credit"),
            ("ClosingBooked", "11111.11", "Credit"),
            ("InterimBooked", "12345.67", "Credit"),
            ("Expected", "99.99", "Credit"),
            ("InterimAvailable", "12000.10", "Credit"),
        ],
    },
    Row {
        id: "EUR-0002",
        currency: "EUR",
        nickname: "Euro Collections",
        sort_code_account: "40400287654321",
        balances: &[
            ("OpeningAvailable", "1.005", "Credit"),
            ("ClosingBooked", "250000.5", "Credit"),
            ("ClosingAvailable", "249000.50", "Credit"),
            ("Expected", "1.00", "Credit"),
        ],
    },
    Row {
        id: "GBP-0003",
        currency: "GBP",
        nickname: "Overdraft",
        sort_code_account: "40400311112222",
        balances: &[
            ("ClosingBooked", "1547.62", "Debit"),
            ("Expected", "1500.00", "Debit"),
        ],
    },
    Row {
        id: "GBP-0004",
        currency: "GBP",
        nickname: "Reserve",
        sort_code_account: "40400433334444",
        balances: &[
            ("InterimBooked", "9007199254740993.01", "Credit"),
            ("InterimAvailable", "9007199254740993.01", "Credit"),
        ],
    },
];

pub fn accounts() -> Vec<AccountRecord> {
    ROWS.iter()
        .map(|row| AccountRecord {
            account_id: row.id.into(),
            currency: Some(row.currency.into()),
            account_type: Some("Business".into()),
            account_sub_type: Some("CurrentAccount".into()),
            nickname: Some(row.nickname.into()),
            account: vec![Identification {
                scheme_name: "UK.OBIE.SortCodeAccountNumber".into(),
                identification: row.sort_code_account.into(),
                name: Some("Treasury Ltd".into()),
            }],
        })
        .collect()
}

pub fn balances_of(account_id: Option<&str>) -> Vec<BalanceRecord> {
    ROWS.iter()
        .filter(|row| account_id.is_none_or(|id| id == row.id))
        .flat_map(|row| {
            row.balances
                .iter()
                .map(|(kind, amount, sign)| BalanceRecord {
                    account_id: row.id.into(),
                    amount: Amount {
                        amount: (*amount).into(),
                        currency: row.currency.into(),
                    },
                    credit_debit_indicator: (*sign).into(),
                    balance_type: (*kind).into(),
                    date_time: DATE_TIME.into(),
                    credit_line: Vec::new(),
                })
        })
        .collect()
}
