//! What the bank-file renderers (BAI2, camt, MT940) share: who a file is from and for, the
//! balances a row carries, and exactness: an amount is written in its currency's minor units
//! exactly, or its row is refused with the limit named (WORKFLOW.md section 2).

use std::io::{self, Write};

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;

use crate::cli::Format;
use crate::model::{AccountError, Balance, BalanceRow, Currency};

/// The code of the per-account error for a row a bank file cannot carry exactly.
pub const FORMAT_CODE: &str = "FORMAT";
/// The `[export]` defaults: who a file is from, and for a position over several profiles.
pub const DEFAULT_SENDER: &str = "TREASURY";

/// Who a bank file is from and for, and when and under which id it was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileIds {
    /// `[export] sender_id`: BAI2's sender.
    pub sender: String,
    /// `[export] receiver_id`: BAI2's receiver and ultimate receiver, camt's `MsgRcpt`.
    pub receiver: String,
    /// The profile a row without a bank id comes from (BAI2's originator).
    pub profile: String,
    pub created: DateTime<Utc>,
    /// A new id for every file: camt's `MsgId`, BAI2's file id, MT940's references.
    pub message_id: String,
}

impl FileIds {
    /// Ids for a file made now, with a fresh message id.
    pub fn new(sender: &str, receiver: &str, profile: &str, created: DateTime<Utc>) -> FileIds {
        FileIds {
            sender: sender.to_string(),
            receiver: receiver.to_string(),
            profile: profile.to_string(),
            created,
            message_id: message_id(created),
        }
    }
}

/// `TRS`, the UTC creation time to the second and 12 random hex digits: 30 characters (camt
/// allows 35), unique per file even for two files made in the same second.
fn message_id(created: DateTime<Utc>) -> String {
    use aws_lc_rs::rand::{SecureRandom, SystemRandom};
    let mut random = [0u8; 6];
    // Without the system's randomness the time's nanoseconds still tell two files apart.
    if SystemRandom::new().fill(&mut random).is_err() {
        random = created.timestamp_nanos_opt().unwrap_or(0).to_be_bytes()[2..]
            .try_into()
            .unwrap_or([0; 6]);
    }
    let hex: String = random.iter().map(|b| format!("{b:02X}")).collect();
    format!("TRS{}{hex}", created.format("%Y%m%d%H%M%S"))
}

/// A bank file being written: its opening, each row (written, or kept as BAI2 keeps its groups,
/// or refused with the limit it breaks), and its closing.
pub(crate) trait BankFile {
    fn open(&mut self, out: &mut Vec<u8>);
    /// One row, from the profile `origin`; `Ok(Err(limit))` names what the format cannot
    /// carry, and then nothing of the row is written.
    fn row(&mut self, row: &BalanceRow, origin: &str, out: &mut Vec<u8>) -> io::Result<Verdict>;
    fn close(&mut self, out: &mut dyn Write) -> io::Result<()>;
}

/// A row written, or the limit it breaks.
pub(crate) type Verdict = Result<(), String>;

/// The writer of a bank-file format; `None` for the other formats.
pub(crate) fn writer(format: Format, ids: FileIds) -> Option<Box<dyn BankFile>> {
    match format {
        Format::Bai2 => Some(Box::new(super::bai2::Bai2::new(ids))),
        Format::Camt052 => Some(Box::new(super::camt::Camt::report(ids))),
        Format::Camt053 => Some(Box::new(super::camt::Camt::statement(ids))),
        Format::Mt940 => Some(Box::new(super::mt940::Mt940::new(ids))),
        Format::Table | Format::Csv | Format::Json | Format::Ndjson => None,
    }
}

/// A row's refusal as the per-account error every report carries.
pub(crate) fn refusal(row: &BalanceRow, format: Format, limit: &str) -> AccountError {
    AccountError {
        account_id: row.account.account_id.clone(),
        bank_id: row.account.bank_id.clone(),
        code: FORMAT_CODE.to_string(),
        message: format!(
            "{} {}: {limit}; the row is left out, never rounded or cut",
            super::format_label(format),
            row.balance.as_of_date
        ),
    }
}

/// Which of the four balances a file entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    OpeningLedger,
    EndingLedger,
    OpeningAvailable,
    EndingAvailable,
}

impl Kind {
    pub fn field(self) -> &'static str {
        match self {
            Kind::OpeningLedger => "opening_ledger",
            Kind::EndingLedger => "ending_ledger",
            Kind::OpeningAvailable => "opening_available",
            Kind::EndingAvailable => "ending_available",
        }
    }
}

/// A row's four balances in the order files write them (the mapping table's order); `None`
/// is a balance the bank did not send, which no file writes.
pub(crate) fn balances(b: &Balance) -> [(Kind, Option<Decimal>); 4] {
    [
        (Kind::OpeningLedger, b.opening_ledger),
        (Kind::EndingLedger, b.ending_ledger),
        (Kind::OpeningAvailable, b.opening_available),
        (Kind::EndingAvailable, b.ending_available),
    ]
}

/// The fraction digits of a currency: ISO 4217's where it knows the code, else the bank's.
pub(crate) fn places(currency: &Currency) -> u32 {
    Currency::iso_places(&currency.code).unwrap_or(currency.decimal_places)
}

/// An amount in its currency's minor units, exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Minor {
    pub units: i128,
    pub places: u32,
}

/// The amount in minor units, or why it has no exact place there (more fraction digits than
/// the currency has: `1.005` USD, `1500.5` JPY).
pub(crate) fn exact(amount: Decimal, currency: &Currency, field: &str) -> Result<Minor, String> {
    let places = places(currency);
    let normal = amount.normalize();
    let too_fine = || {
        format!(
            "{field} {amount} has more fraction digits than {} has ({places}, ISO 4217)",
            currency.code
        )
    };
    let extra = places.checked_sub(normal.scale()).ok_or_else(too_fine)?;
    let units = 10i128
        .checked_pow(extra)
        .and_then(|factor| normal.mantissa().checked_mul(factor))
        .ok_or_else(|| format!("{field} {amount} is too large for any bank file"))?;
    Ok(Minor { units, places })
}

impl Minor {
    pub fn is_negative(self) -> bool {
        self.units < 0
    }

    /// The absolute value with `point` before the last `places` digits (`12.50`, `0.000`,
    /// `1500` with no point for JPY unless `always_point`, as MT940's `1500,` wants).
    pub fn write_abs(self, out: &mut Vec<u8>, point: u8, always_point: bool) {
        let mut buf = [b'0'; 80];
        let digits = digits_of(self.units.unsigned_abs(), &mut buf);
        let places = self.places as usize;
        // At least one digit before the point: `0.05`, `0,000`.
        let width = digits.len().max(places + 1);
        let padded = &buf[buf.len() - width..];
        let (int, frac) = padded.split_at(width - places);
        out.extend_from_slice(int);
        if places > 0 || always_point {
            out.push(point);
        }
        out.extend_from_slice(frac);
    }

    /// The signed minor units as an integer (BAI2's amounts and control totals).
    pub fn write_units(self, out: &mut Vec<u8>) {
        write_int(self.units, out);
    }

    /// How many digits `write_abs` writes.
    pub fn digit_count(self) -> usize {
        let digits = self
            .units
            .unsigned_abs()
            .checked_ilog10()
            .map_or(1, |l| l + 1) as usize;
        digits.max(self.places as usize + 1)
    }
}

/// The decimal digits of `n`, written at the end of `buf` (which ends up `0`-filled before
/// them): the hot path of every amount in a large file, without allocating.
fn digits_of(n: u128, buf: &mut [u8; 80]) -> &[u8] {
    let mut start = buf.len();
    // Every real amount fits 64 bits, whose division is many times cheaper than 128 bits'.
    let (mut high, mut low) = match u64::try_from(n) {
        Ok(small) => (0u128, small),
        Err(_) => (n / 10_000_000_000_000_000_000, 0),
    };
    if high > 0 {
        let mut rest = (n % 10_000_000_000_000_000_000) as u64;
        // The low 19 digits, zero-padded, then the high ones.
        for _ in 0..19 {
            start -= 1;
            buf[start] = b'0' + (rest % 10) as u8;
            rest /= 10;
        }
        while high > 0 {
            start -= 1;
            buf[start] = b'0' + (high % 10) as u8;
            high /= 10;
        }
        return &buf[start..];
    }
    loop {
        start -= 1;
        buf[start] = b'0' + (low % 10) as u8;
        low /= 10;
        if low == 0 {
            break;
        }
    }
    &buf[start..]
}

/// A signed integer as text, without allocating.
pub(crate) fn write_int(n: i128, out: &mut Vec<u8>) {
    let mut buf = [b'0'; 80];
    if n < 0 {
        out.push(b'-');
    }
    out.extend_from_slice(digits_of(n.unsigned_abs(), &mut buf));
}

/// Refuses a current-day row for a format that carries closed days only.
pub(crate) fn closed_day(row: &BalanceRow) -> Result<(), String> {
    match row.balance.current_day {
        false => Ok(()),
        true => Err(
            "a current-day balance, and this format carries closed days only (camt052 and bai2 take today's)"
                .to_string(),
        ),
    }
}

/// An identifier written as it is, or refused: empty, over `max` characters, or with a
/// character outside `allowed`.
pub(crate) fn identifier<'a>(
    what: &str,
    text: &'a str,
    max: usize,
    allowed: fn(char) -> bool,
) -> Result<&'a str, String> {
    let count = text.chars().count();
    if count == 0 {
        return Err(format!("{what} is empty"));
    }
    if count > max {
        return Err(format!(
            "{what} '{}' has {count} characters, more than the {max} allowed",
            super::printable(text)
        ));
    }
    if let Some(bad) = text.chars().find(|&c| !allowed(c)) {
        return Err(format!(
            "{what} '{}' has a character this format cannot hold ({:?})",
            super::printable(text),
            bad
        ));
    }
    Ok(text)
}

/// YYMMDD, as BAI2 and MT940 date things.
pub(crate) fn yymmdd(date: NaiveDate, out: &mut Vec<u8>) {
    let _ = write!(out, "{}", date.format("%y%m%d"));
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn usd() -> Currency {
        Currency {
            code: "USD".into(),
            decimal_places: 2,
        }
    }

    fn text(minor: Minor, point: u8, always: bool) -> String {
        let mut out = Vec::new();
        minor.write_abs(&mut out, point, always);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn minor_units_are_exact_or_refused() {
        let d = |s| Decimal::from_str(s).unwrap();
        assert_eq!(exact(d("12.5"), &usd(), "x").unwrap().units, 1250);
        assert_eq!(exact(d("12.500"), &usd(), "x").unwrap().units, 1250);
        assert_eq!(exact(d("-0.01"), &usd(), "x").unwrap().units, -1);
        let err = exact(d("1.005"), &usd(), "ending_ledger").unwrap_err();
        assert!(err.contains("1.005") && err.contains("USD"), "{err}");
        let jpy = Currency {
            code: "JPY".into(),
            decimal_places: 0,
        };
        assert_eq!(exact(d("1500"), &jpy, "x").unwrap().units, 1500);
        assert!(exact(d("1500.5"), &jpy, "x").is_err());
        let bhd = Currency {
            code: "BHD".into(),
            decimal_places: 3,
        };
        assert_eq!(exact(d("1.5"), &bhd, "x").unwrap().units, 1500);
    }

    #[test]
    fn absolute_values_with_their_fraction_digits() {
        let m = |units, places| Minor { units, places };
        assert_eq!(text(m(1250, 2), b'.', false), "12.50");
        assert_eq!(text(m(-5, 2), b'.', false), "0.05");
        assert_eq!(text(m(0, 3), b',', false), "0,000");
        assert_eq!(text(m(1500, 0), b',', true), "1500,");
        assert_eq!(text(m(1500, 0), b'.', false), "1500");
        assert_eq!(m(1250, 2).digit_count(), 4);
        assert_eq!(m(5, 2).digit_count(), 3);
        assert_eq!(m(0, 0).digit_count(), 1);
    }

    #[test]
    fn integers_of_any_size_are_written_exactly() {
        for n in [
            0i128,
            7,
            -42,
            i128::from(u64::MAX),
            i128::from(u64::MAX) + 1,
            -(10i128.pow(30) + 5),
            i128::MAX,
            i128::MIN + 1,
        ] {
            let mut out = Vec::new();
            write_int(n, &mut out);
            assert_eq!(String::from_utf8(out).unwrap(), n.to_string());
        }
    }

    #[test]
    fn message_ids_differ_and_fit_camt() {
        let now = Utc::now();
        let (a, b) = (message_id(now), message_id(now));
        assert_ne!(a, b);
        assert_eq!(a.len(), 29);
    }
}
