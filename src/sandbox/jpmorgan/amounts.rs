//! Deterministic balances: the four amounts of any sandbox account on any date, from a hash.
//!
//! Each account has a profile and a base level; each day moves the ledger around that level.
//! A day opens where the previous day ended, so consecutive days chain like real statements.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use super::accounts::SandboxAccount;

/// The four amounts of one account on one as-of date, in the currency's exact digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayAmounts {
    pub opening_available: Decimal,
    pub opening_ledger: Decimal,
    pub ending_available: Decimal,
    pub ending_ledger: Decimal,
}

/// What kind of numbers an account shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Profile {
    /// Positive balances from thousands to a hundred million.
    Ordinary,
    /// Billions.
    Large,
    /// Always below zero.
    Overdrawn,
    /// A ledger balance but nothing available, like a blocked account.
    Frozen,
    /// Zero everywhere.
    Empty,
}

const SALT_BASE: u64 = 0x6261_7365;
const SALT_LEVEL: u64 = 0x006c_6576_656c;
const SALT_HOLD: u64 = 0x686f_6c64;

/// The amounts of `account` on `date`: the same inputs give the same numbers forever.
pub fn day_amounts(account: &SandboxAccount, date: NaiveDate) -> DayAmounts {
    let scale = account.bank.decimal_location;
    let in_currency = |minor_units: i64| Decimal::new(minor_units, scale);
    let today = day_key(date);
    let yesterday = today.wrapping_sub(1);
    DayAmounts {
        opening_available: in_currency(available_units(account, yesterday)),
        opening_ledger: in_currency(ledger_units(account, yesterday)),
        ending_available: in_currency(available_units(account, today)),
        ending_ledger: in_currency(ledger_units(account, today)),
    }
}

fn day_key(date: NaiveDate) -> u64 {
    u64::from(date.num_days_from_ce().unsigned_abs())
}

/// Profiles repeat every ten accounts, so the default book shows each of them.
fn profile(index: usize) -> Profile {
    match index % 10 {
        2 => Profile::Frozen,
        4 => Profile::Overdrawn,
        6 => Profile::Large,
        9 => Profile::Empty,
        _ => Profile::Ordinary,
    }
}

/// The ledger balance at the end of day `day`, in minor units.
fn ledger_units(account: &SandboxAccount, day: u64) -> i64 {
    let base = base_units(account);
    let swing = daily_swing(account, base);
    if swing == 0 {
        return 0;
    }
    base + signed_below(mix(&[account.index as u64, day, SALT_LEVEL]), swing)
}

/// The available balance at the end of day `day`: the ledger less any hold, or zero when frozen.
fn available_units(account: &SandboxAccount, day: u64) -> i64 {
    if matches!(profile(account.index), Profile::Frozen | Profile::Empty) {
        return 0;
    }
    let ledger = ledger_units(account, day);
    let h = mix(&[account.index as u64, day, SALT_HOLD]);
    let has_hold = h % 3 == 0;
    if !has_hold {
        return ledger;
    }
    let swing = daily_swing(account, base_units(account));
    ledger - below((h >> 8) % positive(swing / 4 + 1))
}

/// The account's level around which its days move, in minor units.
fn base_units(account: &SandboxAccount) -> i64 {
    let h = mix(&[account.index as u64, SALT_BASE]);
    let major = match profile(account.index) {
        Profile::Ordinary => within_decades(h, 3, 8),
        Profile::Large => within_decades(h, 9, 10),
        Profile::Overdrawn => -within_decades(h, 5, 10),
        Profile::Frozen => within_decades(h, 3, 6),
        Profile::Empty => return 0,
    };
    let unit = 10_i64.pow(account.bank.decimal_location);
    let fraction = below((h >> 48) % positive(unit));
    major * unit + major.signum() * fraction
}

/// How far a day may move the ledger from the base: a twenty-fifth of it, at least 100 major units.
fn daily_swing(account: &SandboxAccount, base: i64) -> i64 {
    if profile(account.index) == Profile::Empty {
        return 0;
    }
    let minimum = 100 * 10_i64.pow(account.bank.decimal_location);
    (base.abs() / 25).max(minimum)
}

/// A number from 10^low up to (not including) 10^high, spread over the decades.
fn within_decades(h: u64, low: u32, high: u32) -> i64 {
    let exponent = low + (h % u64::from(high - low)) as u32;
    let floor = 10_u64.pow(exponent);
    below(floor + (h >> 8) % (9 * floor))
}

/// A value in `-limit..=limit`.
fn signed_below(h: u64, limit: i64) -> i64 {
    below(h % positive(2 * limit + 1)) - limit
}

/// Converts a value already reduced below an `i64` modulus; saturates instead of wrapping.
fn below(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

fn positive(value: i64) -> u64 {
    value.unsigned_abs().max(1)
}

/// A well-mixed 64-bit number from a seed (SplitMix64).
pub(crate) fn splitmix64(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// One well-spread number from several inputs.
fn mix(parts: &[u64]) -> u64 {
    parts.iter().fold(0, |acc, part| splitmix64(acc ^ part))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::jpmorgan::accounts::{AccountBook, SandboxAccount};

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn all_four(a: &DayAmounts) -> [Decimal; 4] {
        [
            a.opening_available,
            a.opening_ledger,
            a.ending_available,
            a.ending_ledger,
        ]
    }

    #[test]
    fn the_same_inputs_give_the_same_numbers() {
        let account = SandboxAccount::generate(7);
        let day = date("2026-01-05");
        assert_eq!(day_amounts(&account, day), day_amounts(&account, day));
        let again = SandboxAccount::generate(7);
        assert_eq!(day_amounts(&account, day), day_amounts(&again, day));
        assert_ne!(
            day_amounts(&account, day),
            day_amounts(&account, date("2026-01-06"))
        );
    }

    #[test]
    fn numbers_are_pinned_forever() {
        let amounts = day_amounts(&SandboxAccount::generate(0), date("2026-01-05"));
        let text: Vec<String> = all_four(&amounts).iter().map(Decimal::to_string).collect();
        assert_eq!(text, PINNED_ACCOUNT_0_2026_01_05);
    }

    const PINNED_ACCOUNT_0_2026_01_05: [&str; 4] =
        ["2784012.11", "2784012.11", "2904039.83", "2904039.83"];

    #[test]
    fn amounts_carry_exactly_the_currencys_digits() {
        let book = AccountBook::generate(60);
        for account in book.all() {
            let amounts = day_amounts(account, date("2026-01-05"));
            for amount in all_four(&amounts) {
                assert_eq!(
                    amount.scale(),
                    account.bank.decimal_location,
                    "{}",
                    account.account_id
                );
            }
        }
        let empty_bhd = SandboxAccount::generate(9);
        assert_eq!(empty_bhd.bank.currency, "BHD");
        let amounts = day_amounts(&empty_bhd, date("2026-01-05"));
        assert_eq!(amounts.ending_ledger.to_string(), "0.000");
    }

    #[test]
    fn days_chain_opening_to_previous_ending() {
        let account = SandboxAccount::generate(1);
        let before = day_amounts(&account, date("2026-01-31"));
        let after = day_amounts(&account, date("2026-02-01"));
        assert_eq!(after.opening_ledger, before.ending_ledger);
        assert_eq!(after.opening_available, before.ending_available);
    }

    #[test]
    fn the_book_shows_a_spread_of_balances() {
        let book = AccountBook::generate(crate::sandbox::DEFAULT_ACCOUNTS);
        let day = date("2026-01-05");
        let amounts: Vec<DayAmounts> = book.all().iter().map(|a| day_amounts(a, day)).collect();
        let billion = Decimal::new(1_000_000_000, 0);
        assert!(amounts.iter().any(|a| a.ending_ledger < Decimal::ZERO));
        assert!(amounts.iter().any(|a| a.ending_ledger > billion));
        assert!(amounts.iter().any(|a| a.ending_ledger.is_zero()));
        assert!(amounts
            .iter()
            .any(|a| a.ending_available.is_zero() && !a.ending_ledger.is_zero()));
    }

    #[test]
    fn available_never_exceeds_ledger_and_sometimes_falls_short() {
        let book = AccountBook::generate(200);
        let mut short = 0;
        for account in book.all() {
            let amounts = day_amounts(account, date("2026-03-10"));
            assert!(amounts.ending_available <= amounts.ending_ledger);
            assert!(amounts.opening_available <= amounts.opening_ledger);
            short += usize::from(amounts.ending_available < amounts.ending_ledger);
        }
        assert!(short > 20, "{short}");
    }

    #[test]
    fn profiles_keep_their_sign_every_day() {
        let overdrawn = SandboxAccount::generate(4);
        let ordinary = SandboxAccount::generate(0);
        let mut day = date("2025-12-01");
        for _ in 0..120 {
            assert!(day_amounts(&overdrawn, day).ending_ledger < Decimal::ZERO);
            assert!(day_amounts(&ordinary, day).ending_ledger > Decimal::ZERO);
            day = day.succ_opt().unwrap();
        }
    }
}
