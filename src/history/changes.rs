//! The change of a profile's totals per currency between the rows of a position and the
//! rows recorded on or before a date (`position --since`), naming the accounts present on
//! only one side. Pure: the rows are given; `output::position_changes` prints it.

use std::collections::{BTreeMap, HashSet};

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::model::BalanceRow;

/// The date compared with and each profile's changes since it.
pub struct Changes {
    pub since: NaiveDate,
    pub profiles: Vec<ProfileChange>,
}

/// The changes of one profile's totals since the date: one per currency, and the accounts
/// present on only one side.
pub struct ProfileChange {
    pub profile: String,
    pub provider: String,
    pub currencies: Vec<CurrencyChange>,
    /// The `BANK/ID` label and currency of the accounts with a row now and none then, and
    /// the other way round.
    pub only_now: Vec<(String, String)>,
    pub only_then: Vec<(String, String)>,
}

/// The change of one profile's totals of one currency.
pub struct CurrencyChange {
    pub currency: String,
    pub places: u32,
    pub now: Sums,
    pub then: Sums,
}

impl CurrencyChange {
    /// Now minus then; absent when either side has no amount.
    pub fn ending_ledger(&self) -> Option<Decimal> {
        difference(self.now.ledger, self.then.ledger)
    }

    pub fn ending_available(&self) -> Option<Decimal> {
        difference(self.now.available, self.then.available)
    }
}

fn difference(now: Option<Decimal>, then: Option<Decimal>) -> Option<Decimal> {
    now.zip(then).and_then(|(a, b)| a.checked_sub(b))
}

/// One side's sums of a currency: absent amounts left out (and the sum absent when all were),
/// and how many were left out of each, so that a change says what it does not cover.
#[derive(Default)]
pub struct Sums {
    pub ledger: Option<Decimal>,
    pub available: Option<Decimal>,
    pub count: usize,
    pub absent_ledger: usize,
    pub absent_available: usize,
}

impl Sums {
    fn add(&mut self, row: &BalanceRow) {
        let add = |sum: Option<Decimal>, amount: Option<Decimal>| match amount {
            Some(a) => Some(sum.unwrap_or_default() + a),
            None => sum,
        };
        self.ledger = add(self.ledger, row.balance.ending_ledger);
        self.available = add(self.available, row.balance.ending_available);
        self.absent_ledger += usize::from(row.balance.ending_ledger.is_none());
        self.absent_available += usize::from(row.balance.ending_available.is_none());
        self.count += 1;
    }
}

/// One profile's change: its rows now against its latest recorded rows then.
pub fn profile_change(
    profile: &str,
    provider: &str,
    now: &[&BalanceRow],
    then: &[BalanceRow],
) -> ProfileChange {
    let key = |r: &BalanceRow| (r.account.bank_id.clone(), r.account.account_id.clone());
    let label = |r: &BalanceRow| {
        let (bank, id) = key(r);
        let label = match bank.is_empty() {
            true => id,
            false => format!("{bank}/{id}"),
        };
        (label, r.account.currency.code.clone())
    };
    let mut currencies: BTreeMap<String, (u32, Sums, Sums)> = BTreeMap::new();
    for row in now {
        let entry = currencies
            .entry(row.account.currency.code.clone())
            .or_default();
        entry.0 = row.account.currency.decimal_places;
        entry.1.add(row);
    }
    for row in then {
        let entry = currencies
            .entry(row.account.currency.code.clone())
            .or_default();
        entry.0 = row.account.currency.decimal_places;
        entry.2.add(row);
    }
    let then_keys: HashSet<(String, String)> = then.iter().map(key).collect();
    let now_keys: HashSet<(String, String)> = now.iter().map(|r| key(r)).collect();
    ProfileChange {
        profile: profile.to_string(),
        provider: provider.to_string(),
        currencies: currencies
            .into_iter()
            .map(|(currency, (places, now, then))| CurrencyChange {
                currency,
                places,
                now,
                then,
            })
            .collect(),
        only_now: now
            .iter()
            .filter(|r| !then_keys.contains(&key(r)))
            .map(|r| label(r))
            .collect(),
        only_then: then
            .iter()
            .filter(|r| !now_keys.contains(&key(r)))
            .map(label)
            .collect(),
    }
}
