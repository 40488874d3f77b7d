//! ISO 20022 camt.052.001.08 (account report) and camt.053.001.08 (statement) files: a group
//! header with a new message id, then one `Rpt`/`Stmt` per row (account and as-of date) on a
//! line of its own, written as the rows arrive. Balance codes and limits: WORKFLOW.md section 2.

use std::io::{self, Write};

use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;

use super::bank_file::{self, BankFile, FileIds, Kind, Minor, Verdict};
use crate::model::BalanceRow;

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
}

/// What of a row goes in the file, checked whole before any of it is written.
struct Entry<'a> {
    account: AccountId<'a>,
    currency: &'a str,
    name: String,
    servicer: Option<Servicer<'a>>,
    balances: Vec<(&'static str, Minor)>,
}

enum AccountId<'a> {
    Iban(&'a str),
    Other(&'a str),
}

enum Servicer<'a> {
    Bic(&'a str),
    Other(&'a str),
}

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
            xml: Writer::new(Vec::with_capacity(64 * 1024)),
            count: 0,
        }
    }

    fn entry<'a>(&self, row: &'a BalanceRow) -> Result<Entry<'a>, String> {
        if self.message == Message::Statement {
            bank_file::closed_day(row)?;
        }
        let account = &row.account;
        let currency = account.currency.code.as_str();
        if !(currency.len() == 3 && currency.bytes().all(|b| b.is_ascii_uppercase())) {
            return Err(format!(
                "currency '{}' is not an ISO 4217 code",
                super::printable(currency)
            ));
        }
        let id = match is_iban(&account.account_id) {
            true => AccountId::Iban(&account.account_id),
            false => AccountId::Other(bank_file::identifier(
                "account id (Othr/Id)",
                &account.account_id,
                MAX_ACCOUNT_ID,
                xml_char,
            )?),
        };
        let servicer = match account.bank_id.as_str() {
            "" => None,
            bic if is_bic(bic) => Some(Servicer::Bic(bic)),
            other => Some(Servicer::Other(bank_file::identifier(
                "bank id (Othr/Id)",
                other,
                MAX_INSTITUTION_ID,
                xml_char,
            )?)),
        };
        let balances = self.balances(row)?;
        if balances.is_empty() && self.message == Message::Statement {
            return Err(
                "the bank sent none of the four balances, and a camt.053 statement needs one"
                    .into(),
            );
        }
        Ok(Entry {
            account: id,
            currency,
            name: label(&account.account_name),
            servicer,
            balances,
        })
    }

    fn balances(&self, row: &BalanceRow) -> Result<Vec<(&'static str, Minor)>, String> {
        let mut out = Vec::with_capacity(4);
        for (kind, amount) in bank_file::balances(&row.balance) {
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
            out.push((balance_code(kind, row.balance.current_day), minor));
        }
        Ok(out)
    }

    fn write_entry(&mut self, row: &BalanceRow, entry: &Entry) -> io::Result<()> {
        self.count += 1;
        let id = format!("{}-{}", row.balance.as_of_date.format("%Y%m%d"), self.count);
        let date = row.balance.as_of_date.to_string();
        let (_, part) = self.message.elements();
        self.xml.create_element(part).write_inner_content(|w| {
            text(w, "Id", &id)?;
            w.create_element("Acct").write_inner_content(|w| {
                w.create_element("Id")
                    .write_inner_content(|w| match entry.account {
                        AccountId::Iban(iban) => text(w, "IBAN", iban),
                        AccountId::Other(other) => {
                            w.create_element("Othr")
                                .write_inner_content(|w| text(w, "Id", other))?;
                            Ok(())
                        }
                    })?;
                text(w, "Ccy", entry.currency)?;
                if !entry.name.is_empty() {
                    text(w, "Nm", &entry.name)?;
                }
                if let Some(servicer) = &entry.servicer {
                    write_servicer(w, servicer)?;
                }
                Ok(())
            })?;
            for &(code, minor) in &entry.balances {
                write_balance(w, code, minor, entry.currency, &date)?;
            }
            Ok(())
        })?;
        // One statement a line: the file stays readable and a third of the size indented.
        self.xml.get_mut().push(b'\n');
        Ok(())
    }

    /// Hands what the XML writer holds to `out`.
    fn drain(&mut self, out: &mut Vec<u8>) {
        out.append(self.xml.get_mut());
    }
}

fn text<W: Write>(w: &mut Writer<W>, name: &str, value: &str) -> io::Result<()> {
    w.create_element(name)
        .write_text_content(BytesText::new(value))?;
    Ok(())
}

fn write_servicer<W: Write>(w: &mut Writer<W>, servicer: &Servicer) -> io::Result<()> {
    w.create_element("Svcr").write_inner_content(|w| {
        w.create_element("FinInstnId")
            .write_inner_content(|w| match servicer {
                Servicer::Bic(bic) => text(w, "BICFI", bic),
                Servicer::Other(other) => {
                    w.create_element("Othr")
                        .write_inner_content(|w| text(w, "Id", other))?;
                    Ok(())
                }
            })?;
        Ok(())
    })?;
    Ok(())
}

fn write_balance<W: Write>(
    w: &mut Writer<W>,
    code: &str,
    minor: Minor,
    currency: &str,
    date: &str,
) -> io::Result<()> {
    let mut amount = Vec::with_capacity(24);
    minor.write_abs(&mut amount, b'.', false);
    let amount = String::from_utf8_lossy(&amount);
    w.create_element("Bal").write_inner_content(|w| {
        w.create_element("Tp").write_inner_content(|w| {
            w.create_element("CdOrPrtry")
                .write_inner_content(|w| text(w, "Cd", code))?;
            Ok(())
        })?;
        w.create_element("Amt")
            .with_attribute(("Ccy", currency))
            .write_text_content(BytesText::new(&amount))?;
        text(
            w,
            "CdtDbtInd",
            if minor.is_negative() { "DBIT" } else { "CRDT" },
        )?;
        w.create_element("Dt")
            .write_inner_content(|w| text(w, "Dt", date))?;
        Ok(())
    })?;
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
        self.drain(out);
    }

    fn row(&mut self, row: &BalanceRow, _origin: &str, out: &mut Vec<u8>) -> io::Result<Verdict> {
        let entry = match self.entry(row) {
            Ok(entry) => entry,
            Err(limit) => return Ok(Err(limit)),
        };
        self.write_entry(row, &entry)?;
        self.drain(out);
        Ok(Ok(()))
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
