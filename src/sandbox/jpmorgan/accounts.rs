//! The sandbox's banks, currencies and timezones, and its deterministic book of accounts.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};

/// A bank of the sandbox: the one currency its accounts hold and the timezone of its books.
#[derive(Debug, PartialEq, Eq)]
pub struct Bank {
    pub id: &'static str,
    pub name: &'static str,
    pub currency: &'static str,
    pub decimal_location: u32,
    pub currency_description: &'static str,
    /// Fixed offset of the bank's business day from UTC, in hours.
    pub utc_offset_hours: i64,
    pub branch_id: &'static str,
    /// Leading digits of its account ids; every bank's ids have their own length.
    id_prefix: &'static str,
}

/// Accounts go to these banks in rotation: account `i` is at `BANKS[i % BANKS.len()]`.
pub const BANKS: [Bank; 6] = [
    Bank {
        id: "02100002",
        name: "JPMORGAN CHASE",
        currency: "USD",
        decimal_location: 2,
        currency_description: "US DOLLAR",
        utc_offset_hours: -5,
        branch_id: "",
        id_prefix: "000000010",
    },
    Bank {
        id: "CHASGB2L",
        name: "JPMORGAN CHASE BANK, N.A. LONDON",
        currency: "GBP",
        decimal_location: 2,
        currency_description: "POUND STERLING",
        utc_offset_hours: 0,
        branch_id: "",
        id_prefix: "0041",
    },
    Bank {
        id: "CHASJPJT",
        name: "JPMORGAN CHASE BANK, N.A. TOKYO",
        currency: "JPY",
        decimal_location: 0,
        currency_description: "JAPANESE YEN",
        utc_offset_hours: 9,
        branch_id: "001",
        id_prefix: "81007",
    },
    Bank {
        id: "CHASBHBM",
        name: "JPMORGAN CHASE BANK, N.A. BAHRAIN",
        currency: "BHD",
        decimal_location: 3,
        currency_description: "BAHRAINI DINAR",
        utc_offset_hours: 3,
        branch_id: "",
        id_prefix: "9730",
    },
    Bank {
        id: "CHASDEFX",
        name: "J.P. MORGAN SE",
        currency: "EUR",
        decimal_location: 2,
        currency_description: "EURO",
        utc_offset_hours: 1,
        branch_id: "",
        id_prefix: "491000",
    },
    Bank {
        id: "CHASSGSG",
        name: "JPMORGAN CHASE BANK, N.A. SINGAPORE",
        currency: "SGD",
        decimal_location: 2,
        currency_description: "SINGAPORE DOLLAR",
        utc_offset_hours: 8,
        branch_id: "",
        id_prefix: "6500000",
    },
];

/// Digits after the bank's prefix: account indexes below 10^6 keep every id at its bank's length.
const INDEX_DIGITS: usize = 6;
/// The most accounts the sandbox generates, with room to spare below 10^INDEX_DIGITS.
pub const MAX_GENERATED: usize = 100_000;

const PURPOSES: [&str; 8] = [
    "OPERATING",
    "PAYROLL",
    "COLLECTIONS",
    "DISBURSEMENT",
    "TREASURY RESERVE",
    "SWEEP",
    "ESCROW",
    "TAX",
];

/// One account of the sandbox. `index` drives every number it ever shows.
#[derive(Debug, PartialEq, Eq)]
pub struct SandboxAccount {
    pub index: usize,
    pub account_id: String,
    pub account_name: String,
    pub bank: &'static Bank,
}

impl SandboxAccount {
    pub fn generate(index: usize) -> Self {
        let bank = &BANKS[index % BANKS.len()];
        let purpose = PURPOSES[(index / BANKS.len()) % PURPOSES.len()];
        Self {
            index,
            account_id: format!("{}{index:0INDEX_DIGITS$}", bank.id_prefix),
            account_name: format!("{purpose} {} {:04}", bank.currency, index + 1),
            bank,
        }
    }

    /// The account's business day at instant `now`, in its bank's timezone.
    pub fn today(&self, now: DateTime<Utc>) -> NaiveDate {
        (now + Duration::hours(self.bank.utc_offset_hours)).date_naive()
    }
}

/// Every account of the sandbox, in order, with an index by account id.
#[derive(Debug, Default)]
pub struct AccountBook {
    accounts: Vec<SandboxAccount>,
    by_id: HashMap<String, usize>,
}

impl AccountBook {
    /// The first `count` accounts (at most [`MAX_GENERATED`]).
    pub fn generate(count: usize) -> Self {
        let accounts: Vec<SandboxAccount> = (0..count.min(MAX_GENERATED))
            .map(SandboxAccount::generate)
            .collect();
        let by_id = accounts
            .iter()
            .map(|a| (a.account_id.clone(), a.index))
            .collect();
        Self { accounts, by_id }
    }

    pub fn all(&self) -> &[SandboxAccount] {
        &self.accounts
    }

    /// The account with this id, at this bank when a bank is named.
    pub fn find(&self, account_id: &str, bank_id: Option<&str>) -> Option<&SandboxAccount> {
        let account = self.accounts.get(*self.by_id.get(account_id)?)?;
        match bank_id {
            Some(bank) if !bank.is_empty() && bank != account.bank.id => None,
            _ => Some(account),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn ids_are_unique_digits_of_10_to_15_chars_at_10_000_accounts() {
        let book = AccountBook::generate(10_000);
        let ids: HashSet<&str> = book.all().iter().map(|a| a.account_id.as_str()).collect();
        assert_eq!(ids.len(), 10_000);
        for id in ids {
            assert!((10..=15).contains(&id.len()), "{id}");
            assert!(id.bytes().all(|b| b.is_ascii_digit()), "{id}");
        }
    }

    #[test]
    fn the_largest_book_keeps_its_id_lengths() {
        let last = SandboxAccount::generate(MAX_GENERATED - 1);
        let first_same_bank = SandboxAccount::generate((MAX_GENERATED - 1) % BANKS.len());
        assert_eq!(last.account_id.len(), first_same_bank.account_id.len());
    }

    #[test]
    fn accounts_rotate_through_the_banks() {
        let book = AccountBook::generate(crate::sandbox::DEFAULT_ACCOUNTS);
        let banks: HashSet<&str> = book.all().iter().map(|a| a.bank.id).collect();
        assert_eq!(banks.len(), BANKS.len());
        let first = &book.all()[0];
        assert_eq!(first.account_id, "000000010000000");
        assert_eq!(first.account_name, "OPERATING USD 0001");
        assert_eq!(book.all()[3].bank.decimal_location, 3);
        assert_eq!(book.all()[2].bank.decimal_location, 0);
    }

    #[test]
    fn accounts_are_found_by_id_and_bank() {
        let book = AccountBook::generate(12);
        let gb = &book.all()[1];
        assert_eq!(book.find(&gb.account_id, None), Some(gb));
        assert_eq!(book.find(&gb.account_id, Some("")), Some(gb));
        assert_eq!(book.find(&gb.account_id, Some("CHASGB2L")), Some(gb));
        assert_eq!(book.find(&gb.account_id, Some("02100002")), None);
        assert_eq!(book.find("0041999999", None), None);
    }

    #[test]
    fn each_bank_keeps_its_own_day() {
        let now = DateTime::parse_from_rfc3339("2026-01-05T20:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let book = AccountBook::generate(6);
        let days: Vec<String> = book
            .all()
            .iter()
            .map(|a| a.today(now).to_string())
            .collect();
        assert_eq!(
            days,
            [
                "2026-01-05",
                "2026-01-05",
                "2026-01-06",
                "2026-01-05",
                "2026-01-05",
                "2026-01-06"
            ]
        );
    }
}
