//! BAI2 files: one group per (originator, as-of date, modifier), an `03` account record with
//! the balances' type codes and their amounts in minor units, and every trailer's count and
//! control total exact. Groups need their totals before the next group starts, and a report's
//! rows come account by account, so each group's records are kept apart: in memory up to a
//! bound, then in an unnamed temporary file, and written in order at the end.

use std::collections::HashMap;
use std::io::{self, Read, Seek, SeekFrom, Write};

use chrono::NaiveDate;

use super::bank_file::{self, BankFile, FileIds, Kind, Verdict};
use crate::model::BalanceRow;

/// What the groups may hold in memory together before their records move to the temporary file.
const HOLD_BYTES: usize = 1 << 20;

/// BAI2's as-of-date modifiers: final previous-day for closed days, interim same-day for today.
const CLOSED_DAY: u8 = 2;
const CURRENT_DAY: u8 = 3;

pub struct Bai2 {
    ids: FileIds,
    groups: Vec<Group>,
    /// Each group's place in `groups`, by originator, then as-of date and modifier.
    index: HashMap<String, HashMap<(NaiveDate, u8), usize>>,
    /// A row's records, before they join their group.
    scratch: Vec<u8>,
    /// The running file control total, checked as rows arrive so the trailer cannot overflow.
    file_total: i128,
    held: usize,
    spill: Option<std::fs::File>,
    spilled: u64,
}

struct Group {
    originator: String,
    date: NaiveDate,
    modifier: u8,
    accounts: u64,
    /// Account records (`03` and `49`), without the group's own `02` and `98`.
    records: u64,
    total: i128,
    held: Vec<u8>,
    /// Where earlier records of this group lie in the temporary file, in order.
    parts: Vec<(u64, usize)>,
}

impl Bai2 {
    pub fn new(ids: FileIds) -> Bai2 {
        Bai2 {
            ids,
            groups: Vec::new(),
            index: HashMap::new(),
            scratch: Vec::with_capacity(256),
            file_total: 0,
            held: 0,
            spill: None,
            spilled: 0,
        }
    }

    fn group(&mut self, originator: &str, date: NaiveDate, modifier: u8) -> usize {
        if let Some(&i) = self
            .index
            .get(originator)
            .and_then(|days| days.get(&(date, modifier)))
        {
            return i;
        }
        self.groups.push(Group {
            originator: originator.to_string(),
            date,
            modifier,
            accounts: 0,
            records: 0,
            total: 0,
            held: Vec::new(),
            parts: Vec::new(),
        });
        let i = self.groups.len() - 1;
        self.index
            .entry(originator.to_string())
            .or_default()
            .insert((date, modifier), i);
        i
    }

    /// Keeps a row's records in its group, or says why BAI2 cannot carry them.
    fn keep(&mut self, row: &BalanceRow, origin: &str) -> Verdict {
        let originator = match row.account.bank_id.is_empty() {
            false => row.account.bank_id.as_str(),
            true => origin,
        };
        let originator = bank_file::identifier("originator", originator, usize::MAX, field_char)?;
        let mut records = std::mem::take(&mut self.scratch);
        records.clear();
        let total = account_records(row, &mut records);
        let total = match total {
            Ok(total) => total,
            Err(limit) => {
                self.scratch = records;
                return Err(limit);
            }
        };
        let file_total = self
            .file_total
            .checked_add(total)
            .ok_or("the file control total is too large")?;
        let modifier = match row.balance.current_day {
            true => CURRENT_DAY,
            false => CLOSED_DAY,
        };
        let i = self.group(originator, row.balance.as_of_date, modifier);
        let group = &mut self.groups[i];
        group.total += total;
        group.accounts += 1;
        group.records += 2;
        group.held.extend_from_slice(&records);
        self.file_total = file_total;
        self.held += records.len();
        self.scratch = records;
        Ok(())
    }

    /// Moves every group's held records to the temporary file.
    fn spill(&mut self) -> io::Result<()> {
        let file = match &mut self.spill {
            Some(file) => file,
            None => self.spill.insert(tempfile::tempfile()?),
        };
        for group in &mut self.groups {
            if group.held.is_empty() {
                continue;
            }
            file.write_all(&group.held)?;
            group.parts.push((self.spilled, group.held.len()));
            self.spilled += group.held.len() as u64;
            group.held.clear();
        }
        self.held = 0;
        Ok(())
    }

    fn file_header(&self, out: &mut dyn Write) -> io::Result<()> {
        let created = self.ids.created;
        writeln!(
            out,
            "01,{},{},{},{},{},,,2/",
            self.ids.sender,
            self.ids.receiver,
            created.format("%y%m%d"),
            created.format("%H%M"),
            file_number(&self.ids.message_id)
        )
    }

    fn write_group(&mut self, i: usize, out: &mut dyn Write) -> io::Result<()> {
        let group = &self.groups[i];
        writeln!(
            out,
            "02,{},{},1,{},,,{}/",
            self.ids.receiver,
            group.originator,
            group.date.format("%y%m%d"),
            group.modifier
        )?;
        if let Some(file) = &mut self.spill {
            let mut chunk = Vec::new();
            for &(offset, len) in &group.parts {
                chunk.resize(len, 0);
                file.seek(SeekFrom::Start(offset))?;
                file.read_exact(&mut chunk)?;
                out.write_all(&chunk)?;
            }
        }
        out.write_all(&group.held)?;
        writeln!(
            out,
            "98,{},{},{}/",
            group.total,
            group.accounts,
            group.records + 2
        )
    }
}

/// BAI2's file id: the random end of the message id as a number.
fn file_number(message_id: &str) -> u64 {
    let tail = &message_id[message_id.len().saturating_sub(8)..];
    u64::from_str_radix(tail, 16).unwrap_or(1)
}

/// A BAI2 field holds printable ASCII except its delimiters `,` and `/`.
fn field_char(c: char) -> bool {
    (c.is_ascii_graphic() || c == ' ') && c != ',' && c != '/'
}

/// The type code of a balance: the mapping table of WORKFLOW.md.
fn type_code(kind: Kind, current_day: bool) -> &'static str {
    match (kind, current_day) {
        (Kind::OpeningLedger, _) => "010",
        (Kind::EndingLedger, false) => "015",
        (Kind::EndingLedger, true) => "030",
        (Kind::OpeningAvailable, _) => "040",
        (Kind::EndingAvailable, false) => "045",
        (Kind::EndingAvailable, true) => "060",
    }
}

/// Writes an account's `03` record and its `49` trailer into `record`; returns their control
/// total.
fn account_records(row: &BalanceRow, record: &mut Vec<u8>) -> Result<i128, String> {
    let account = &row.account;
    let id = bank_file::identifier("account id", &account.account_id, usize::MAX, field_char)?;
    let currency = &account.currency;
    if !(currency.code.len() == 3 && currency.code.bytes().all(|b| b.is_ascii_uppercase())) {
        return Err(format!(
            "currency '{}' is not an ISO 4217 code",
            super::printable(&currency.code)
        ));
    }
    record.extend_from_slice(b"03,");
    record.extend_from_slice(id.as_bytes());
    record.push(b',');
    record.extend_from_slice(currency.code.as_bytes());
    let mut total: i128 = 0;
    for (kind, amount) in bank_file::balances(&row.balance) {
        let Some(amount) = amount else { continue };
        let minor = bank_file::exact(amount, currency, kind.field())?;
        total = total
            .checked_add(minor.units)
            .ok_or("the account control total is too large")?;
        record.push(b',');
        record.extend_from_slice(type_code(kind, row.balance.current_day).as_bytes());
        record.push(b',');
        minor.write_units(record);
        record.extend_from_slice(b",,");
    }
    record.extend_from_slice(b"/\n");
    record.extend_from_slice(b"49,");
    bank_file::write_int(total, record);
    record.extend_from_slice(b",2/\n");
    Ok(total)
}

impl BankFile for Bai2 {
    fn open(&mut self, _out: &mut Vec<u8>) {}

    fn row(&mut self, row: &BalanceRow, origin: &str, _out: &mut Vec<u8>) -> io::Result<Verdict> {
        let verdict = self.keep(row, origin);
        if self.held >= HOLD_BYTES {
            self.spill()?;
        }
        Ok(verdict)
    }

    fn close(&mut self, out: &mut dyn Write) -> io::Result<()> {
        self.file_header(out)?;
        let mut order: Vec<usize> = (0..self.groups.len()).collect();
        order.sort_by_key(|&i| (self.groups[i].date, self.groups[i].modifier, i));
        let mut records = 2;
        for &i in &order {
            self.write_group(i, out)?;
            records += self.groups[i].records + 2;
        }
        writeln!(
            out,
            "99,{},{},{records}/",
            self.file_total,
            self.groups.len()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Account, Balance, Currency};
    use chrono::{TimeZone, Utc};
    use rust_decimal::Decimal;
    use std::str::FromStr;
    use std::sync::Arc;

    fn row(
        id: &str,
        bank: &str,
        code: &str,
        places: u32,
        date: &str,
        amounts: [&str; 4],
    ) -> BalanceRow {
        let d = |s: &str| Decimal::from_str(s).unwrap();
        BalanceRow {
            account: Arc::new(Account {
                account_id: id.into(),
                account_name: "Ops".into(),
                bank_id: bank.into(),
                bank_name: String::new(),
                branch_id: String::new(),
                currency: Currency {
                    code: code.into(),
                    decimal_places: places,
                },
            }),
            balance: Balance {
                as_of_date: NaiveDate::from_str(date).unwrap(),
                current_day: false,
                opening_available: d(amounts[0]).into(),
                opening_ledger: d(amounts[1]).into(),
                ending_available: d(amounts[2]).into(),
                ending_ledger: d(amounts[3]).into(),
                record_timestamp: String::new(),
            },
        }
    }

    fn ids() -> FileIds {
        let at = Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap();
        FileIds {
            sender: "TREASURY".into(),
            receiver: "uat".into(),
            profile: "uat".into(),
            created: at,
            message_id: "TRS20260102030405000000000010".into(),
        }
    }

    fn file(rows: &[BalanceRow]) -> String {
        let mut bai2 = Bai2::new(ids());
        for r in rows {
            bai2.row(r, "uat", &mut Vec::new()).unwrap().unwrap();
        }
        let mut out = Vec::new();
        bai2.close(&mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn groups_by_originator_and_date_with_exact_trailers() {
        let rows = [
            row(
                "A1",
                "BANK1",
                "USD",
                2,
                "2026-01-01",
                ["1", "2.5", "-3", "0"],
            ),
            row("A1", "BANK1", "USD", 2, "2026-01-02", ["1", "1", "1", "1"]),
            row(
                "J1",
                "BANK1",
                "JPY",
                0,
                "2026-01-01",
                ["1500", "1500", "1500", "1500"],
            ),
        ];
        assert_eq!(
            file(&rows),
            "01,TREASURY,uat,260102,0304,16,,,2/\n\
             02,uat,BANK1,1,260101,,,2/\n\
             03,A1,USD,010,250,,,015,0,,,040,100,,,045,-300,,/\n\
             49,50,2/\n\
             03,J1,JPY,010,1500,,,015,1500,,,040,1500,,,045,1500,,/\n\
             49,6000,2/\n\
             98,6050,2,6/\n\
             02,uat,BANK1,1,260102,,,2/\n\
             03,A1,USD,010,100,,,015,100,,,040,100,,,045,100,,/\n\
             49,400,2/\n\
             98,400,1,4/\n\
             99,6450,2,12/\n"
        );
    }

    #[test]
    fn spilled_groups_come_back_in_order() {
        let rows: Vec<_> = (0..3000)
            .map(|i| {
                row(
                    &format!("ACCOUNT{i:0>30}"),
                    "B",
                    "USD",
                    2,
                    ["2026-01-01", "2026-01-02"][i % 2],
                    ["1", "1", "1", "1"],
                )
            })
            .collect();
        let mut bai2 = Bai2::new(ids());
        for (i, r) in rows.iter().enumerate() {
            bai2.row(r, "uat", &mut Vec::new()).unwrap().unwrap();
            if i % 1001 == 1000 {
                bai2.spill().unwrap();
            }
        }
        let mut out = Vec::new();
        bai2.close(&mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.lines().count(), 2 + 2 * 2 + 3000 * 2);
        let accounts: Vec<&str> = text.lines().filter(|l| l.starts_with("03,")).collect();
        let id = |i: usize| format!("03,ACCOUNT{i:0>30},");
        assert!(accounts[0].starts_with(&id(0)));
        assert!(accounts[1].starts_with(&id(2)));
        assert!(accounts[1500].starts_with(&id(1)));
        assert!(accounts[2999].starts_with(&id(2999)));
        assert!(
            text.ends_with("99,1200000,2,6006/\n"),
            "{}",
            &text[text.len() - 40..]
        );
    }

    #[test]
    fn what_bai2_cannot_hold_is_refused() {
        let mut bai2 = Bai2::new(ids());
        let err = bai2
            .row(
                &row("A,1", "B", "USD", 2, "2026-01-01", ["1"; 4]),
                "uat",
                &mut Vec::new(),
            )
            .unwrap()
            .unwrap_err();
        assert!(err.contains("account id 'A,1'"), "{err}");
        let err = bai2
            .row(
                &row("A1", "B", "USD", 2, "2026-01-01", ["1.001", "1", "1", "1"]),
                "uat",
                &mut Vec::new(),
            )
            .unwrap()
            .unwrap_err();
        assert!(err.contains("opening_available 1.001"), "{err}");
        assert!(bai2.groups.is_empty());
    }
}
