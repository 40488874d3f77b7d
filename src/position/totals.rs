//! Sums for a cash position: exact per-currency totals, and the grand total in the reporting
//! currency, converted from those totals and rounded once, half-even, at the end.

use std::collections::BTreeMap;

use rust_decimal::{Decimal, RoundingStrategy};

use super::exact_sum::{rounded_sum, Part};
use super::rates::Rates;
use crate::error::{Error, Result};
use crate::model::BalanceRow;

/// The ending balances of the rows of one currency, summed exactly. An amount the bank did not
/// send is left out of its sum and counted in `absent`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrencyTotal {
    pub currency: String,
    /// The most fraction digits any of its rows' currency declares, for printing.
    pub places: u32,
    pub rows: usize,
    pub ending_ledger: Decimal,
    pub ending_available: Decimal,
    pub absent: Absent,
}

/// How many rows of a sum had no ending ledger, and no ending available, amount.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Absent {
    pub ending_ledger: usize,
    pub ending_available: usize,
}

impl Absent {
    pub fn plus(self, other: Absent) -> Absent {
        Absent {
            ending_ledger: self.ending_ledger + other.ending_ledger,
            ending_available: self.ending_available + other.ending_available,
        }
    }
}

/// Adds an amount that may be absent to a sum, counting it in `absent` when it is.
fn add_maybe(
    total: Decimal,
    amount: Option<Decimal>,
    absent: &mut usize,
    code: &str,
) -> Result<Decimal> {
    match amount {
        Some(amount) => sum(total, amount, code),
        None => {
            *absent += 1;
            Ok(total)
        }
    }
}

/// Per-currency totals, kept in currency-code order so every sum runs in the same order.
#[derive(Debug, Clone, Default)]
pub struct Totals {
    by_currency: BTreeMap<String, CurrencyTotal>,
}

impl Totals {
    pub fn add(&mut self, row: &BalanceRow) -> Result<()> {
        let currency = &row.account.currency;
        let total = self
            .by_currency
            .entry(currency.code.clone())
            .or_insert_with(|| CurrencyTotal {
                currency: currency.code.clone(),
                places: currency.decimal_places,
                rows: 0,
                ending_ledger: Decimal::ZERO,
                ending_available: Decimal::ZERO,
                absent: Absent::default(),
            });
        total.places = total.places.max(currency.decimal_places);
        total.rows += 1;
        total.ending_ledger = add_maybe(
            total.ending_ledger,
            row.balance.ending_ledger,
            &mut total.absent.ending_ledger,
            &currency.code,
        )?;
        total.ending_available = add_maybe(
            total.ending_available,
            row.balance.ending_available,
            &mut total.absent.ending_available,
            &currency.code,
        )?;
        Ok(())
    }

    /// The totals, one per currency, in currency-code order.
    pub fn into_list(self) -> Vec<CurrencyTotal> {
        self.by_currency.into_values().collect()
    }
}

fn sum(a: Decimal, b: Decimal, code: &str) -> Result<Decimal> {
    a.checked_add(b).ok_or_else(|| {
        Error::Internal(anyhow::anyhow!(
            "the {code} total is beyond what an exact decimal holds"
        ))
    })
}

/// The grand total in the reporting currency (`--in`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportingTotal {
    pub currency: String,
    /// The reporting currency's minor units: the totals are rounded to these.
    pub places: u32,
    /// How many rows the total covers (the rows of the unrated currencies are not among them).
    pub rows: usize,
    /// Rounded once, half-even, to `places`.
    pub ending_ledger: Decimal,
    pub ending_available: Decimal,
    /// The same sums before that rounding, for audit.
    pub exact_ending_ledger: Decimal,
    pub exact_ending_available: Decimal,
    /// Currencies without a rate, left out of this total (only with `--skip-unrated`).
    pub unrated: Vec<String>,
    /// Amounts of the covered rows the bank did not send, left out of the sums.
    pub absent: Absent,
}

/// Converts each currency's exact total and adds them in currency-code order, then rounds once.
///
/// Conversion is linear, so this equals converting every row and summing, but it does not depend
/// on the order of the rows: the same rows give the same digits every time.
pub fn reporting_total(
    totals: &[CurrencyTotal],
    rates: &Rates,
    places: u32,
) -> Result<ReportingTotal> {
    let mut ledger = Decimal::ZERO;
    let mut available = Decimal::ZERO;
    let mut exact_parts: (Vec<Part>, Vec<Part>) = (Vec::new(), Vec::new());
    let mut rows = 0;
    let mut absent = Absent::default();
    let mut unrated = Vec::new();
    for total in totals {
        let (Some(l), Some(a)) = (
            rates.convert(total.ending_ledger, &total.currency),
            rates.convert(total.ending_available, &total.currency),
        ) else {
            unrated.push(total.currency.clone());
            continue;
        };
        ledger = sum(ledger, l?, &rates.target)?;
        available = sum(available, a?, &rates.target)?;
        if let Some((to, from)) = rates.factors(&total.currency) {
            exact_parts.0.push(Part {
                amount: total.ending_ledger,
                to,
                from,
            });
            exact_parts.1.push(Part {
                amount: total.ending_available,
                to,
                from,
            });
        }
        rows += total.rows;
        absent = absent.plus(total.absent);
    }
    Ok(ReportingTotal {
        currency: rates.target.clone(),
        places,
        rows,
        // Rounded from the exact sum (big-integer fractions), not from the 28-digit quotients.
        ending_ledger: rounded_sum(&exact_parts.0, places)
            .unwrap_or_else(|| round_money(ledger, places)),
        ending_available: rounded_sum(&exact_parts.1, places)
            .unwrap_or_else(|| round_money(available, places)),
        exact_ending_ledger: ledger,
        exact_ending_available: available,
        unrated,
        absent,
    })
}

/// Half-even ("banker's") rounding to a currency's minor units: ties go to the even digit.
pub fn round_money(amount: Decimal, places: u32) -> Decimal {
    let mut rounded = amount.round_dp_with_strategy(places, RoundingStrategy::MidpointNearestEven);
    if rounded.scale() < places {
        rounded.rescale(places);
    }
    rounded
}

/// The reporting currency's minor units: ISO 4217's (a EUR report of USD accounts learns
/// nothing about EUR from its rows), else the most any row of that currency declares, else 2.
pub fn minor_units(code: &str, totals: &[CurrencyTotal]) -> u32 {
    crate::model::Currency::iso_places(code).unwrap_or_else(|| {
        totals
            .iter()
            .find(|t| t.currency == code)
            .map_or(2, |t| t.places)
    })
}
