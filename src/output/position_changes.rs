//! The changes of `position --since` (`history::changes`): lines under the position's table,
//! records instead of its rows in CSV and NDJSON, the `changes` key of its JSON document.

use std::io::{self, Write};

use rust_decimal::Decimal;
use serde::Serialize;

use crate::history::changes::{Changes, CurrencyChange, ProfileChange};
use crate::model::{format_amount, format_amount_grouped};

/// The fields of a change record (CSV header, JSON and NDJSON keys), in this order.
pub const CHANGE_FIELDS: [&str; 14] = [
    "profile",
    "provider",
    "currency",
    "since",
    "accounts_now",
    "accounts_then",
    "ending_ledger_change",
    "ending_available_change",
    "only_now",
    "only_then",
    "absent_ending_ledger_now",
    "absent_ending_ledger_then",
    "absent_ending_available_now",
    "absent_ending_available_then",
];

/// One change record: a profile's totals of one currency against the date.
#[derive(Serialize)]
struct ChangeOut<'a> {
    profile: &'a str,
    provider: &'a str,
    currency: &'a str,
    since: String,
    accounts_now: usize,
    accounts_then: usize,
    ending_ledger_change: Option<serde_json::Number>,
    ending_available_change: Option<serde_json::Number>,
    only_now: Vec<&'a str>,
    only_then: Vec<&'a str>,
    absent_ending_ledger_now: usize,
    absent_ending_ledger_then: usize,
    absent_ending_available_now: usize,
    absent_ending_available_then: usize,
}

fn records(changes: &Changes) -> Vec<ChangeOut<'_>> {
    let number = |amount: Option<Decimal>, places: u32| {
        amount.and_then(|a| format_amount(a, places).parse::<serde_json::Number>().ok())
    };
    let mut out = Vec::new();
    for p in &changes.profiles {
        for c in &p.currencies {
            out.push(ChangeOut {
                profile: &p.profile,
                provider: &p.provider,
                currency: &c.currency,
                since: changes.since.to_string(),
                accounts_now: c.now.count,
                accounts_then: c.then.count,
                ending_ledger_change: number(c.ending_ledger(), c.places),
                ending_available_change: number(c.ending_available(), c.places),
                only_now: of_currency(&p.only_now, &c.currency),
                only_then: of_currency(&p.only_then, &c.currency),
                absent_ending_ledger_now: c.now.absent_ledger,
                absent_ending_ledger_then: c.then.absent_ledger,
                absent_ending_available_now: c.now.absent_available,
                absent_ending_available_then: c.then.absent_available,
            });
        }
    }
    out
}

/// The labels of the accounts of one currency.
fn of_currency<'a>(accounts: &'a [(String, String)], currency: &str) -> Vec<&'a str> {
    accounts
        .iter()
        .filter(|(_, code)| code == currency)
        .map(|(label, _)| label.as_str())
        .collect()
}

/// The `changes` key's array items, one a line, after the position document's `errors`.
pub(super) fn json_items(changes: &Changes, out: &mut dyn Write) -> io::Result<()> {
    for (i, record) in records(changes).iter().enumerate() {
        out.write_all(if i == 0 { b"\n  " } else { b",\n  " })?;
        serde_json::to_writer(&mut *out, record)?;
    }
    Ok(())
}

/// One change record a line.
pub(super) fn ndjson(changes: &Changes, out: &mut dyn Write) -> io::Result<()> {
    for record in &records(changes) {
        serde_json::to_writer(&mut *out, record)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// The change records under `CHANGE_FIELDS`.
pub(super) fn csv(changes: &Changes, out: &mut dyn Write) -> io::Result<()> {
    let mut csv = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(out);
    csv.write_record(CHANGE_FIELDS).map_err(io::Error::other)?;
    for r in &records(changes) {
        let amount = |a: &Option<serde_json::Number>| {
            a.as_ref().map(ToString::to_string).unwrap_or_default()
        };
        csv.write_record([
            r.profile.to_string(),
            r.provider.to_string(),
            r.currency.to_string(),
            r.since.clone(),
            r.accounts_now.to_string(),
            r.accounts_then.to_string(),
            amount(&r.ending_ledger_change),
            amount(&r.ending_available_change),
            r.only_now.join(" "),
            r.only_then.join(" "),
            r.absent_ending_ledger_now.to_string(),
            r.absent_ending_ledger_then.to_string(),
            r.absent_ending_available_now.to_string(),
            r.absent_ending_available_then.to_string(),
        ])
        .map_err(io::Error::other)?;
    }
    csv.flush()
}

/// The change lines under a position's table.
pub fn lines(changes: &Changes) -> String {
    let mut text = format!(
        "\nChange since {} (the latest recorded row of each account on or before it):\n",
        changes.since
    );
    for profile in &changes.profiles {
        text.push_str(&profile_lines(profile));
    }
    text
}

fn profile_lines(change: &ProfileChange) -> String {
    let profile = &change.profile;
    let mut text = String::new();
    for c in &change.currencies {
        let shown =
            |amount: Option<Decimal>| amount.map_or("-".to_string(), |a| signed(a, c.places));
        text.push_str(&format!(
            "  profile {profile} {}: ending_ledger {}, ending_available {} ({} accounts now, {} then{})\n",
            c.currency,
            shown(c.ending_ledger()),
            shown(c.ending_available()),
            c.now.count,
            c.then.count,
            absent_note(c)
        ));
    }
    let names = |accounts: &[(String, String)]| {
        let names: Vec<&str> = accounts.iter().map(|(label, _)| label.as_str()).collect();
        names.join(", ")
    };
    if !change.only_now.is_empty() {
        text.push_str(&format!(
            "  profile {profile}: only now: {}\n",
            names(&change.only_now)
        ));
    }
    if !change.only_then.is_empty() {
        text.push_str(&format!(
            "  profile {profile}: only then: {}\n",
            names(&change.only_then)
        ));
    }
    text
}

/// `; absent, left out: ending_available 1 now`: the amounts the bank did not send, which
/// the sums leave out; empty when every account's amounts are in them.
fn absent_note(c: &CurrencyChange) -> String {
    let sides = [
        ("ending_ledger", c.now.absent_ledger, c.then.absent_ledger),
        (
            "ending_available",
            c.now.absent_available,
            c.then.absent_available,
        ),
    ];
    let parts: Vec<String> = sides
        .iter()
        .filter(|(_, now, then)| now + then > 0)
        .map(|(name, now, then)| match (now, then) {
            (0, then) => format!("{name} {then} then"),
            (now, 0) => format!("{name} {now} now"),
            (now, then) => format!("{name} {now} now, {then} then"),
        })
        .collect();
    match parts.is_empty() {
        true => String::new(),
        false => format!("; absent, left out: {}", parts.join("; ")),
    }
}

fn signed(amount: Decimal, places: u32) -> String {
    let text = format_amount_grouped(amount, places);
    match amount.is_sign_negative() || amount.is_zero() {
        true => text,
        false => format!("+{text}"),
    }
}
