//! SWIFT MT940 statements: one message per row (account and closed day), one after another,
//! each from `:20:` on, without a SWIFT envelope or `-` lines (the form strict readers take).
//! `:60F:` and `:62F:` carry the ledger balances, `:64:` the closing available one.

use std::io::{self, Write};

use chrono::NaiveDate;

use super::bank_file::{self, BankFile, FileIds, Kind, Minor, Verdict};
use crate::model::BalanceRow;

/// Most characters of `:25:` and of an amount (with its decimal comma).
const MAX_ACCOUNT: usize = 35;
const MAX_AMOUNT: usize = 15;
/// Statement numbers count days from here, so a day has the same number in every file and
/// the next day the next number (`:28C:` has five digits: they wrap after 273 years).
const FIRST_STATEMENT_DAY: NaiveDate = match NaiveDate::from_ymd_opt(1970, 1, 1) {
    Some(date) => date,
    None => panic!("a valid date"),
};

pub struct Mt940 {
    /// The start of every `:20:` reference: four random hex digits of the file's message id.
    reference: String,
    count: u64,
}

impl Mt940 {
    pub fn new(ids: FileIds) -> Mt940 {
        let id = &ids.message_id;
        Mt940 {
            reference: id[id.len().saturating_sub(4)..].to_string(),
            count: 0,
        }
    }
}

/// The SWIFT `x` character set, less the apostrophe strict readers refuse.
fn swift_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "/-?:().,+ ".contains(c)
}

/// `C` or `D`, the as-of date, the currency and the amount with its decimal comma.
fn balance_line(tag: &str, minor: Minor, date: NaiveDate, currency: &str, out: &mut Vec<u8>) {
    out.extend_from_slice(tag.as_bytes());
    out.push(if minor.is_negative() { b'D' } else { b'C' });
    bank_file::yymmdd(date, out);
    out.extend_from_slice(currency.as_bytes());
    minor.write_abs(out, b',', true);
    out.extend_from_slice(b"\r\n");
}

/// An amount as MT940 writes it, or why it cannot be.
fn amount(row: &BalanceRow, kind: Kind) -> Result<Option<Minor>, String> {
    let Some(value) = bank_file::balances(&row.balance)
        .into_iter()
        .find(|(k, _)| *k == kind)
        .and_then(|(_, value)| value)
    else {
        return Ok(None);
    };
    let minor = bank_file::exact(value, &row.account.currency, kind.field())?;
    // The digits and the decimal comma.
    let length = minor.digit_count() + 1;
    if length > MAX_AMOUNT {
        return Err(format!(
            "{} {value} takes {length} characters; MT940 amounts have at most {MAX_AMOUNT}",
            kind.field()
        ));
    }
    Ok(Some(minor))
}

/// A ledger balance MT940 cannot do without.
fn required(row: &BalanceRow, kind: Kind, tag: &str) -> Result<Minor, String> {
    amount(row, kind)?.ok_or_else(|| {
        format!(
            "MT940 needs both ledger balances and the bank did not send {} ({tag})",
            kind.field()
        )
    })
}

impl BankFile for Mt940 {
    fn open(&mut self, _out: &mut Vec<u8>) {}

    fn row(&mut self, row: &BalanceRow, _origin: &str, out: &mut Vec<u8>) -> io::Result<Verdict> {
        Ok(self.write(row, out))
    }

    fn close(&mut self, _out: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }
}

impl Mt940 {
    /// Writes a row's message, or says why MT940 cannot carry it (nothing written then).
    fn write(&mut self, row: &BalanceRow, out: &mut Vec<u8>) -> Verdict {
        bank_file::closed_day(row)?;
        let account = &row.account;
        let currency = account.currency.code.as_str();
        if !(currency.len() == 3 && currency.bytes().all(|b| b.is_ascii_uppercase())) {
            return Err(format!(
                "currency '{}' is not an ISO 4217 code",
                super::printable(currency)
            ));
        }
        let id = match account.bank_id.is_empty() {
            true => account.account_id.clone(),
            false => format!("{}/{}", account.bank_id, account.account_id),
        };
        let id = bank_file::identifier(":25: account", &id, MAX_ACCOUNT, swift_char)?;
        let opening = required(row, Kind::OpeningLedger, ":60F:")?;
        let closing = required(row, Kind::EndingLedger, ":62F:")?;
        let available = amount(row, Kind::EndingAvailable)?;
        self.count += 1;
        let date = row.balance.as_of_date;
        let number = (date - FIRST_STATEMENT_DAY).num_days().rem_euclid(100_000);
        let _ = write!(
            out,
            ":20:{}{}\r\n:25:{id}\r\n:28C:{number}/1\r\n",
            self.reference, self.count
        );
        balance_line(":60F:", opening, date, currency, out);
        balance_line(":62F:", closing, date, currency, out);
        if let Some(available) = available {
            balance_line(":64:", available, date, currency, out);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Account, Balance, Currency};
    use chrono::Utc;
    use rust_decimal::Decimal;
    use std::str::FromStr;
    use std::sync::Arc;

    fn row(bank: &str, code: &str, places: u32, amounts: [Option<&str>; 4]) -> BalanceRow {
        let d = |s: Option<&str>| s.map(|s| Decimal::from_str(s).unwrap());
        BalanceRow {
            account: Arc::new(Account {
                account_id: "0041000001".into(),
                account_name: String::new(),
                bank_id: bank.into(),
                bank_name: String::new(),
                branch_id: String::new(),
                currency: Currency {
                    code: code.into(),
                    decimal_places: places,
                },
            }),
            balance: Balance {
                as_of_date: NaiveDate::from_ymd_opt(2026, 1, 2).unwrap(),
                current_day: false,
                opening_available: d(amounts[0]),
                opening_ledger: d(amounts[1]),
                ending_available: d(amounts[2]),
                ending_ledger: d(amounts[3]),
                record_timestamp: String::new(),
            },
        }
    }

    fn write(row: &BalanceRow) -> Result<String, String> {
        let ids = FileIds::new("S", "R", "p", Utc::now());
        let mut mt940 = Mt940::new(ids.clone());
        let mut out = Vec::new();
        mt940.row(row, "p", &mut out).unwrap()?;
        let text = String::from_utf8(out).unwrap();
        let reference = &ids.message_id[ids.message_id.len() - 4..];
        Ok(text.replace(reference, "REF_"))
    }

    #[test]
    fn a_statement_has_its_tags_in_order_with_decimal_commas() {
        let jpy = row(
            "CHASJPJT",
            "JPY",
            0,
            [None, Some("1500"), None, Some("-20")],
        );
        assert_eq!(
            write(&jpy).unwrap(),
            ":20:REF_1\r\n:25:CHASJPJT/0041000001\r\n:28C:20455/1\r\n\
             :60F:C260102JPY1500,\r\n:62F:D260102JPY20,\r\n"
        );
        let bhd = row(
            "",
            "BHD",
            3,
            [Some("9"), Some("0"), Some("1.5"), Some("2.25")],
        );
        assert_eq!(
            write(&bhd).unwrap(),
            ":20:REF_1\r\n:25:0041000001\r\n:28C:20455/1\r\n\
             :60F:C260102BHD0,000\r\n:62F:C260102BHD2,250\r\n:64:C260102BHD1,500\r\n"
        );
    }

    #[test]
    fn what_mt940_cannot_carry_is_refused() {
        let no_opening = row("B", "USD", 2, [Some("1"), None, Some("1"), Some("1")]);
        assert!(write(&no_opening)
            .unwrap_err()
            .contains("opening_ledger (:60F:)"));
        let long = row(
            "B",
            "USD",
            2,
            [None, Some("1234567890123.45"), None, Some("1")],
        );
        assert!(write(&long).unwrap_err().contains("takes 16 characters"));
        let fits = row(
            "B",
            "USD",
            2,
            [None, Some("123456789012.45"), None, Some("1")],
        );
        assert!(write(&fits).is_ok());
        let bank = "B".repeat(30);
        let wide = row(&bank, "USD", 2, [None, Some("1"), None, Some("1")]);
        assert!(write(&wide)
            .unwrap_err()
            .contains("more than the 35 allowed"));
        let mut today = row("B", "USD", 2, [None, Some("1"), None, Some("1")]);
        today.balance.current_day = true;
        assert!(write(&today).unwrap_err().contains("closed days only"));
    }
}
