//! ISO 20022 camt.052.001.08 (account report) and camt.053.001.08 (statement) files: a group
//! header with a new message id, then one `Rpt`/`Stmt` per row (account and as-of date) on a
//! line of its own, written as the rows arrive. Balance codes and limits: WORKFLOW.md section 2.
//! quick-xml writes the document around the statements and escapes every value; the fixed
//! tags of a statement are written as they are (a large report has millions of them), and an
//! account's `Acct` element once for all its days.

use std::io::{self, Write};
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use quick_xml::escape::escape;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;

use super::bank_file::{self, BankFile, FileIds, Kind, Minor, Verdict};
use crate::model::{Account, BalanceRow};

/// Most digits of a camt amount (the schema's `totalDigits`), and most fraction digits.
const MAX_DIGITS: usize = 18;
const MAX_FRACTION_DIGITS: u32 = 5;
/// Most characters of an account's `Othr/Id` (Max34Text), an institution's (Max35Text), a name.
const MAX_ACCOUNT_ID: usize = 34;
const MAX_INSTITUTION_ID: usize = 35;
const MAX_NAME: usize = 70;

/// Which camt message: the intraday report (camt.052) or the end-of-day statement (camt.053).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Message {
    Report,
    Statement,
}

impl Message {
    fn namespace(self) -> &'static str {
        match self {
            Message::Report => "urn:iso:std:iso:20022:tech:xsd:camt.052.001.08",
            Message::Statement => "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08",
        }
    }

    /// The message element and the element of each account's part.
    fn elements(self) -> (&'static str, &'static str) {
        match self {
            Message::Report => ("BkToCstmrAcctRpt", "Rpt"),
            Message::Statement => ("BkToCstmrStmt", "Stmt"),
        }
    }
}

pub struct Camt {
    ids: FileIds,
    message: Message,
    xml: Writer<Vec<u8>>,
    count: u64,
    /// The last account's `Acct` element (or why camt cannot name it), for its next rows.
    account: Option<(Arc<Account>, AccountElement)>,
}

/// An account's `Acct` element, or the limit its id breaks.
type AccountElement = Result<Vec<u8>, String>;

impl Camt {
    pub fn report(ids: FileIds) -> Camt {
        Camt::new(ids, Message::Report)
    }

    pub fn statement(ids: FileIds) -> Camt {
        Camt::new(ids, Message::Statement)
    }

    fn new(ids: FileIds, message: Message) -> Camt {
        Camt {
            ids,
            message,
            xml: Writer::new(Vec::with_capacity(1024)),
            count: 0,
            account: None,
        }
    }

    /// Writes a row's statement into `out`, or says why camt cannot carry it exactly.
    fn write_row(&mut self, row: &BalanceRow, out: &mut Vec<u8>) -> Verdict {
        if self.message == Message::Statement {
            bank_file::closed_day(row)?;
        }
        let date = row.balance.as_of_date;
        if !(1..=9999).contains(&date.year()) {
            return Err(format!(
                "as-of date {date} is not an ISO date camt can hold"
            ));
        }
        let balances = balances(row)?;
        if balances.iter().all(Option::is_none) && self.message == Message::Statement {
            return Err(
                "the bank sent none of the four balances, and a camt.053 statement needs one"
                    .into(),
            );
        }
        if !matches!(&self.account, Some((last, _)) if Arc::ptr_eq(last, &row.account)) {
            self.account = Some((Arc::clone(&row.account), account_element(&row.account)));
        }
        let Some((_, Ok(acct))) = &self.account else {
            return Err(match &self.account {
                Some((_, Err(limit))) => limit.clone(),
                _ => "no account".into(),
            });
        };
        self.count += 1;
        let (_, part) = self.message.elements();
        let currency = row.account.currency.code.as_bytes();
        tag(out, part, b"<");
        out.extend_from_slice(b"<Id>");
        push_date(out, date, false);
        out.push(b'-');
        bank_file::write_int(i128::from(self.count), out);
        out.extend_from_slice(b"</Id>");
        out.extend_from_slice(acct);
        for (code, minor) in balances.into_iter().flatten() {
            out.extend_from_slice(b"<Bal><Tp><CdOrPrtry><Cd>");
            out.extend_from_slice(code.as_bytes());
            out.extend_from_slice(b"</Cd></CdOrPrtry></Tp><Amt Ccy=\"");
            out.extend_from_slice(currency);
            out.extend_from_slice(b"\">");
            minor.write_abs(out, b'.', false);
            out.extend_from_slice(match minor.is_negative() {
                true => b"</Amt><CdtDbtInd>DBIT</CdtDbtInd><Dt><Dt>",
                false => b"</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>",
            });
            push_date(out, date, true);
            out.extend_from_slice(b"</Dt></Dt></Bal>");
        }
        tag(out, part, b"</");
        out.push(b'\n');
        Ok(())
    }
}

/// `<name>` or `</name>`.
fn tag(out: &mut Vec<u8>, name: &str, open: &[u8]) {
    out.extend_from_slice(open);
    out.extend_from_slice(name.as_bytes());
    out.push(b'>');
}

/// `YYYY-MM-DD`, or `YYYYMMDD` without dashes (a year from 1 to 9999).
fn push_date(out: &mut Vec<u8>, date: NaiveDate, dashes: bool) {
    let digits = |out: &mut Vec<u8>, n: u32, width: usize| {
        let mut buf = [b'0'; 4];
        let mut n = n;
        for slot in buf[..width].iter_mut().rev() {
            *slot = b'0' + (n % 10) as u8;
            n /= 10;
        }
        out.extend_from_slice(&buf[..width]);
    };
    digits(out, date.year().unsigned_abs(), 4);
    if dashes {
        out.push(b'-');
    }
    digits(out, date.month(), 2);
    if dashes {
        out.push(b'-');
    }
    digits(out, date.day(), 2);
}

/// A row's balances in camt, each exact and within camt's limits, or the limit one breaks.
fn balances(row: &BalanceRow) -> Result<[Option<(&'static str, Minor)>; 4], String> {
    let mut out = [None; 4];
    for (slot, (kind, amount)) in out.iter_mut().zip(bank_file::balances(&row.balance)) {
        let Some(amount) = amount else { continue };
        let minor = bank_file::exact(amount, &row.account.currency, kind.field())?;
        if minor.places > MAX_FRACTION_DIGITS {
            return Err(format!(
                "{} has {} fraction digits; camt amounts have at most {MAX_FRACTION_DIGITS}",
                row.account.currency.code, minor.places
            ));
        }
        if minor.digit_count() > MAX_DIGITS {
            return Err(format!(
                "{} {amount} has {} digits; camt amounts have at most {MAX_DIGITS}",
                kind.field(),
                minor.digit_count()
            ));
        }
        *slot = Some((balance_code(kind, row.balance.current_day), minor));
    }
    Ok(out)
}

/// An account's `Acct` element: its id (IBAN or other), currency, name and servicer.
fn account_element(account: &Account) -> Result<Vec<u8>, String> {
    let currency = account.currency.code.as_str();
    if !(currency.len() == 3 && currency.bytes().all(|b| b.is_ascii_uppercase())) {
        return Err(format!(
            "currency '{}' is not an ISO 4217 code",
            super::printable(currency)
        ));
    }
    let mut out = Vec::with_capacity(256);
    out.extend_from_slice(b"<Acct><Id>");
    match is_iban(&account.account_id) {
        true => element(&mut out, "IBAN", &account.account_id),
        false => {
            let id = bank_file::identifier(
                "account id (Othr/Id)",
                &account.account_id,
                MAX_ACCOUNT_ID,
                xml_char,
            )?;
            out.extend_from_slice(b"<Othr>");
            element(&mut out, "Id", id);
            out.extend_from_slice(b"</Othr>");
        }
    }
    out.extend_from_slice(b"</Id>");
    element(&mut out, "Ccy", currency);
    let name = label(&account.account_name);
    if !name.is_empty() {
        element(&mut out, "Nm", &name);
    }
    match account.bank_id.as_str() {
        "" => {}
        bic if is_bic(bic) => {
            out.extend_from_slice(b"<Svcr><FinInstnId>");
            element(&mut out, "BICFI", bic);
            out.extend_from_slice(b"</FinInstnId></Svcr>");
        }
        other => {
            let id =
                bank_file::identifier("bank id (Othr/Id)", other, MAX_INSTITUTION_ID, xml_char)?;
            out.extend_from_slice(b"<Svcr><FinInstnId><Othr>");
            element(&mut out, "Id", id);
            out.extend_from_slice(b"</Othr></FinInstnId></Svcr>");
        }
    }
    out.extend_from_slice(b"</Acct>");
    Ok(out)
}

/// `<name>value</name>`, the value escaped by quick-xml.
fn element(out: &mut Vec<u8>, name: &str, value: &str) {
    tag(out, name, b"<");
    out.extend_from_slice(escape(value).as_bytes());
    tag(out, name, b"</");
}

fn text<W: Write>(w: &mut Writer<W>, name: &str, value: &str) -> io::Result<()> {
    w.create_element(name)
        .write_text_content(BytesText::new(value))?;
    Ok(())
}

/// The camt balance code of a balance: the mapping table of WORKFLOW.md.
fn balance_code(kind: Kind, current_day: bool) -> &'static str {
    match (kind, current_day) {
        (Kind::OpeningLedger, _) => "OPBD",
        (Kind::EndingLedger, false) => "CLBD",
        (Kind::EndingLedger, true) => "ITBD",
        (Kind::OpeningAvailable, _) => "OPAV",
        (Kind::EndingAvailable, false) => "CLAV",
        (Kind::EndingAvailable, true) => "ITAV",
    }
}

/// A character XML 1.0 can hold.
fn xml_char(c: char) -> bool {
    !c.is_control() && c != '\u{FFFE}' && c != '\u{FFFF}'
}

/// An account name as camt's `Nm` label takes it: control characters dropped, at most 70.
fn label(name: &str) -> String {
    name.trim()
        .chars()
        .filter(|&c| xml_char(c))
        .take(MAX_NAME)
        .collect::<String>()
        .trim_end()
        .to_string()
}

/// An IBAN: country, check digits, up to 30 letters and digits, and the ISO 7064 check.
fn is_iban(id: &str) -> bool {
    let b = id.as_bytes();
    let shape = (5..=34).contains(&b.len())
        && b[..2].iter().all(u8::is_ascii_uppercase)
        && b[2..4].iter().all(u8::is_ascii_digit)
        && b[4..].iter().all(u8::is_ascii_alphanumeric);
    if !shape {
        return false;
    }
    let mut rest: u32 = 0;
    for &c in b[4..].iter().chain(&b[..4]) {
        let value = match c {
            b'0'..=b'9' => u32::from(c - b'0'),
            _ => u32::from(c.to_ascii_uppercase() - b'A') + 10,
        };
        rest = if value >= 10 {
            (rest * 100 + value) % 97
        } else {
            (rest * 10 + value) % 97
        };
    }
    rest == 1
}

/// A BIC as camt's `BICFI` takes it: `[A-Z0-9]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?`.
fn is_bic(id: &str) -> bool {
    let b = id.as_bytes();
    let upper_or_digit = |c: &u8| c.is_ascii_uppercase() || c.is_ascii_digit();
    (b.len() == 8 || b.len() == 11)
        && b[..4].iter().all(upper_or_digit)
        && b[4..6].iter().all(u8::is_ascii_uppercase)
        && b[6..].iter().all(upper_or_digit)
}

impl BankFile for Camt {
    fn open(&mut self, out: &mut Vec<u8>) {
        let (message, _) = self.message.elements();
        let ids = self.ids.clone();
        let created = ids.created.format("%Y-%m-%dT%H:%M:%SZ").to_string();
        let result = (|| -> io::Result<()> {
            let xml = &mut self.xml;
            xml.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
            xml.get_mut().push(b'\n');
            let document =
                BytesStart::new("Document").with_attributes([("xmlns", self.message.namespace())]);
            xml.write_event(Event::Start(document))?;
            xml.get_mut().push(b'\n');
            xml.write_event(Event::Start(BytesStart::new(message)))?;
            xml.get_mut().push(b'\n');
            xml.create_element("GrpHdr").write_inner_content(|w| {
                text(w, "MsgId", &ids.message_id)?;
                text(w, "CreDtTm", &created)?;
                w.create_element("MsgRcpt").write_inner_content(|w| {
                    w.create_element("Id").write_inner_content(|w| {
                        w.create_element("OrgId").write_inner_content(|w| {
                            w.create_element("Othr")
                                .write_inner_content(|w| text(w, "Id", &ids.receiver))?;
                            Ok(())
                        })?;
                        Ok(())
                    })?;
                    Ok(())
                })?;
                Ok(())
            })?;
            xml.get_mut().push(b'\n');
            Ok(())
        })();
        // Writing into memory cannot fail.
        debug_assert!(result.is_ok());
        out.append(self.xml.get_mut());
    }

    fn row(&mut self, row: &BalanceRow, _origin: &str, out: &mut Vec<u8>) -> io::Result<Verdict> {
        Ok(self.write_row(row, out))
    }

    fn close(&mut self, out: &mut dyn Write) -> io::Result<()> {
        let (message, _) = self.message.elements();
        self.xml.write_event(Event::End(BytesEnd::new(message)))?;
        self.xml.get_mut().push(b'\n');
        self.xml
            .write_event(Event::End(BytesEnd::new("Document")))?;
        self.xml.get_mut().push(b'\n');
        out.write_all(self.xml.get_ref())?;
        self.xml.get_mut().clear();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ibans_are_checked_by_their_digits() {
        assert!(is_iban("GB82WEST12345698765432"));
        assert!(is_iban("DE89370400440532013000"));
        assert!(!is_iban("GB82WEST12345698765433"));
        assert!(!is_iban("000000010000000"));
        assert!(!is_iban("gb82WEST12345698765432"));
    }

    #[test]
    fn bics_have_their_shape() {
        assert!(is_bic("CHASGB2L"));
        assert!(is_bic("CHASUS33XXX"));
        assert!(!is_bic("02100002"));
        assert!(!is_bic("CHASGB2"));
    }

    #[test]
    fn names_are_labels_cut_to_70() {
        assert_eq!(label(" Ops\u{1b} USD "), "Ops USD");
        assert_eq!(label(&"x".repeat(90)).len(), 70);
    }
}
