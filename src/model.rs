//! The provider-neutral report model: accounts, balance rows, per-account errors, exact amounts.

use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;

/// A currency as the bank describes it: its code and how many fraction digits its amounts carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Currency {
    pub code: String,
    pub decimal_places: u32,
}

impl Currency {
    /// The ISO 4217 minor units of a code, from the maintained `iso_currency` table; `None` for
    /// a code the table does not know or one without minor units (e.g. XAU).
    pub fn iso_places(code: &str) -> Option<u32> {
        iso_currency::Currency::from_code(code.trim())
            .and_then(|c| c.exponent())
            .map(u32::from)
    }
}

/// One account the credentials can see. Shared by every balance row of that account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub account_id: String,
    pub account_name: String,
    pub bank_id: String,
    pub bank_name: String,
    pub branch_id: String,
    pub currency: Currency,
}

/// The balances of one account on one as-of date.
///
/// An amount the bank did not send is `None` (absent: an empty CSV cell, JSON `null`, a blank
/// table cell, left out of every total), never zero; a real zero from the bank is `Some(0)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Balance {
    pub as_of_date: NaiveDate,
    pub current_day: bool,
    pub opening_available: Option<Decimal>,
    pub opening_ledger: Option<Decimal>,
    pub ending_available: Option<Decimal>,
    pub ending_ledger: Option<Decimal>,
    pub record_timestamp: String,
}

/// One row of a balance report: an account (shared, not copied) and one as-of date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BalanceRow {
    pub account: Arc<Account>,
    pub balance: Balance,
}

/// An account the bank answered with an error instead of balances.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountError {
    pub account_id: String,
    pub bank_id: String,
    pub code: String,
    pub message: String,
}

/// What one or more balance requests returned, in report order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub rows: Vec<BalanceRow>,
    pub errors: Vec<AccountError>,
}

/// An amount as text with exactly the currency's fraction digits, or more if the bank sent more.
///
/// Never rounds: a value with more digits than `places` keeps them all.
pub fn format_amount(amount: Decimal, places: u32) -> String {
    let mut text = String::with_capacity(24);
    write_amount(&mut text, amount, places);
    text
}

/// Appends an amount as `format_amount` writes it, without allocating.
pub fn write_amount(out: &mut String, amount: Decimal, places: u32) {
    // A decimal holds at most 28 fraction digits; a bank claiming more cannot have sent them.
    let places = places.min(Decimal::MAX_SCALE);
    let mut amount = amount;
    if amount.is_zero() {
        amount.set_sign_positive(true);
    }
    if amount.scale() < places {
        amount.rescale(places);
    }
    if !write_small(out, amount) {
        let _ = std::fmt::Write::write_fmt(out, format_args!("{amount}"));
    }
}

/// Writes an amount whose digits fit a `u64` (every amount of a real account) as `Decimal`'s
/// `Display` does, without its general formatter (the digits two at a time, by `itoa`): the
/// hot path of a large report and of recording it. Returns false, having written nothing,
/// for larger ones.
fn write_small(out: &mut String, amount: Decimal) -> bool {
    let mantissa = amount.mantissa();
    let Ok(abs) = u64::try_from(mantissa.unsigned_abs()) else {
        return false;
    };
    let mut buffer = itoa::Buffer::new();
    let digits = buffer.format(abs);
    let scale = amount.scale() as usize;
    if mantissa < 0 {
        out.push('-');
    }
    match scale {
        0 => out.push_str(digits),
        _ if digits.len() > scale => {
            let (int, frac) = digits.split_at(digits.len() - scale);
            out.push_str(int);
            out.push('.');
            out.push_str(frac);
        }
        _ => {
            out.push_str("0.");
            for _ in digits.len()..scale {
                out.push('0');
            }
            out.push_str(digits);
        }
    }
    true
}

/// An amount as `format_amount` writes it, with `,` between groups of three integer digits.
pub fn format_amount_grouped(amount: Decimal, places: u32) -> String {
    let plain = format_amount(amount, places);
    let (sign, digits) = match plain.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", plain.as_str()),
    };
    let (int, frac) = match digits.split_once('.') {
        Some((int, frac)) => (int, Some(frac)),
        None => (digits, None),
    };
    let mut grouped = String::with_capacity(plain.len() + int.len() / 3);
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    match frac {
        Some(frac) => format!("{sign}{grouped}.{frac}"),
        None => format!("{sign}{grouped}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    #[test]
    fn the_fast_path_writes_what_display_writes() {
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        for i in 0..20_000u32 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let digits = 1 + (seed % 20) as u32;
            let mantissa = (seed >> 3) % 10u64.pow(digits.min(19));
            let value = Decimal::from_i128_with_scale(
                if i % 2 == 0 {
                    mantissa as i128
                } else {
                    -(mantissa as i128)
                },
                (seed % 29) as u32,
            );
            let mut fast = String::new();
            assert!(write_small(&mut fast, value));
            assert_eq!(fast, value.to_string(), "{value:?}");
        }
        let mut big = String::new();
        assert!(!write_small(&mut big, d("12345678901234567890123.45")));
        assert!(big.is_empty());
    }

    #[test]
    fn pads_to_the_currency_digits() {
        assert_eq!(format_amount(d("12223.5"), 2), "12223.50");
        assert_eq!(format_amount(d("0"), 2), "0.00");
        assert_eq!(format_amount(d("1.25"), 3), "1.250");
    }

    #[test]
    fn zero_digit_currencies_have_no_point() {
        assert_eq!(format_amount(d("1500"), 0), "1500");
        assert_eq!(format_amount(d("-1500"), 0), "-1500");
    }

    #[test]
    fn more_digits_than_the_currency_are_kept_not_rounded() {
        assert_eq!(format_amount(d("1.005"), 2), "1.005");
        assert_eq!(format_amount(d("1500.5"), 0), "1500.5");
    }

    #[test]
    fn negatives_and_negative_zero() {
        assert_eq!(format_amount(d("-4681826093.93"), 2), "-4681826093.93");
        assert_eq!(format_amount(d("-0.00"), 2), "0.00");
    }

    #[test]
    fn values_beyond_two_to_the_53_stay_exact() {
        // 2^53 = 9007199254740992: a binary float would lose the last digits here.
        assert_eq!(
            format_amount(d("9007199254740993.01"), 2),
            "9007199254740993.01"
        );
        assert_eq!(
            format_amount(d("12345678901234567890123.45"), 2),
            "12345678901234567890123.45"
        );
    }

    #[test]
    fn grouping_puts_commas_between_thousands() {
        assert_eq!(format_amount_grouped(d("12223.5"), 2), "12,223.50");
        assert_eq!(
            format_amount_grouped(d("-4681826093.93"), 2),
            "-4,681,826,093.93"
        );
        assert_eq!(format_amount_grouped(d("999"), 0), "999");
        assert_eq!(format_amount_grouped(d("1000"), 0), "1,000");
        assert_eq!(format_amount_grouped(d("100000.125"), 3), "100,000.125");
        assert_eq!(format_amount_grouped(d("0"), 2), "0.00");
    }
}
