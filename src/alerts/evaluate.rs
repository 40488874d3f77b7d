//! Rules over each account's newest balance: one finding per rule and account (or currency
//! total, or profile), raised or not, with the line either way.

use chrono::{DateTime, SecondsFormat, Utc};
use rust_decimal::Decimal;

use super::rules::{Rule, Scope};
use super::{Finding, Kind};
use crate::model::{format_amount_grouped, BalanceRow, Currency};
use crate::query::AccountRef;

/// The newest balance of each account of one profile.
#[derive(Debug, Clone, Default)]
pub struct ProfileData {
    pub profile: String,
    pub rows: Vec<BalanceRow>,
}

/// Every rule over the data of its profile; rules of profiles not in `data` are skipped.
pub fn evaluate(rules: &[Rule], data: &[ProfileData], now: DateTime<Utc>) -> Vec<Finding> {
    let mut findings = Vec::new();
    for rule in rules {
        let Some(data) = data.iter().find(|d| d.profile == rule.profile) else {
            continue;
        };
        let rows = in_scope(rule, &data.rows);
        match &rule.scope {
            Scope::Accounts(_) if has_limits(rule) => {
                findings.extend(rows.iter().filter_map(|row| account_finding(rule, row)))
            }
            Scope::Currency(code) if has_limits(rule) => {
                findings.push(total_finding(rule, code, &rows))
            }
            _ => {}
        }
        if let Some((limit, text)) = &rule.stale_after {
            findings.extend(stale_findings(rule, &rows, *limit, text, now));
        }
    }
    findings
}

fn has_limits(rule: &Rule) -> bool {
    rule.below.is_some() || rule.above.is_some()
}

fn in_scope<'a>(rule: &Rule, rows: &'a [BalanceRow]) -> Vec<&'a BalanceRow> {
    match &rule.scope {
        Scope::Accounts(refs) => refs
            .iter()
            .filter_map(|r| rows.iter().find(|row| names(r, row)))
            .collect(),
        Scope::Currency(code) => rows
            .iter()
            .filter(|row| &row.account.currency.code == code)
            .collect(),
        Scope::Profile => rows.iter().collect(),
    }
}

fn names(want: &AccountRef, row: &BalanceRow) -> bool {
    want.account_id == row.account.account_id
        && want
            .bank_id
            .as_deref()
            .is_none_or(|bank| bank == row.account.bank_id)
}

/// `BANK/ID`, or the id alone without a bank id.
pub fn account_label(row: &BalanceRow) -> String {
    match row.account.bank_id.is_empty() {
        true => row.account.account_id.clone(),
        false => format!("{}/{}", row.account.bank_id, row.account.account_id),
    }
}

fn amount_of(row: &BalanceRow, field: usize) -> Option<Decimal> {
    crate::history::amounts_of(&row.balance)[field]
}

/// Which limit the amount crosses, if any: ("below"/"above", the limit).
fn crossed(rule: &Rule, amount: Decimal) -> Option<(&'static str, Decimal)> {
    if let Some(below) = rule.below.as_ref().filter(|l| amount < l.value) {
        return Some(("below", below.value));
    }
    rule.above
        .as_ref()
        .filter(|l| amount > l.value)
        .map(|l| ("above", l.value))
}

fn account_finding(rule: &Rule, row: &BalanceRow) -> Option<Finding> {
    let amount = amount_of(row, rule.field)?;
    let places = row.account.currency.decimal_places;
    let code = &row.account.currency.code;
    let account = account_label(row);
    let field = rule.field_name();
    let shown = format_amount_grouped(amount, places);
    let crossed = crossed(rule, amount);
    let line = match crossed {
        Some((word, limit)) => format!(
            "ALERT {}: {account} {field} {shown} {code} {word} {}",
            rule.name,
            format_amount_grouped(limit, places)
        ),
        None => String::new(),
    };
    Some(Finding {
        kind: Kind::Alert,
        name: rule.name.clone(),
        profile: rule.profile.clone(),
        account: account.clone(),
        field: Some(field),
        amount: Some(amount),
        limit: crossed.map(|(_, l)| l.to_string()),
        currency: Some(code.clone()),
        raised: crossed.is_some(),
        line,
        clear_line: format!("CLEARED {}: {account} {field} {shown} {code}", rule.name),
    })
}

fn total_finding(rule: &Rule, code: &str, rows: &[&BalanceRow]) -> Finding {
    let amounts: Vec<Decimal> = rows
        .iter()
        .filter_map(|r| amount_of(r, rule.field))
        .collect();
    let left_out = rows.len() - amounts.len();
    let total: Decimal = amounts.iter().sum();
    let places = rows
        .first()
        .map(|r| r.account.currency.decimal_places)
        .or_else(|| Currency::iso_places(code))
        .unwrap_or(2);
    let field = rule.field_name();
    let shown = format_amount_grouped(total, places);
    let count = match left_out {
        0 => format!("({} accounts)", amounts.len()),
        n => format!("({} accounts; {n} without {field} left out)", amounts.len()),
    };
    let crossed = crossed(rule, total);
    let line = match crossed {
        Some((word, limit)) => format!(
            "ALERT {}: total {code} {field} {shown} {word} {} {count}",
            rule.name,
            format_amount_grouped(limit, places)
        ),
        None => String::new(),
    };
    Finding {
        kind: Kind::Alert,
        name: rule.name.clone(),
        profile: rule.profile.clone(),
        account: format!("total {code}"),
        field: Some(field),
        amount: Some(total),
        limit: crossed.map(|(_, l)| l.to_string()),
        currency: Some(code.to_string()),
        raised: crossed.is_some(),
        line,
        clear_line: format!("CLEARED {}: total {code} {field} {shown}", rule.name),
    }
}

/// The data's own time: `record_timestamp`, else the end of the as-of date.
fn data_time(row: &BalanceRow) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(&row.balance.record_timestamp)
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|_| {
            (row.balance.as_of_date + chrono::Days::new(1))
                .and_hms_opt(0, 0, 0)
                .unwrap_or_default()
                .and_utc()
        })
}

fn stale_findings(
    rule: &Rule,
    rows: &[&BalanceRow],
    limit: chrono::Duration,
    text: &str,
    now: DateTime<Utc>,
) -> Vec<Finding> {
    let base = |account: String, raised: bool, line: String, clear_line: String| Finding {
        kind: Kind::DataNotReceived,
        name: rule.name.clone(),
        profile: rule.profile.clone(),
        account,
        field: None,
        amount: None,
        limit: Some(text.to_string()),
        currency: None,
        raised,
        line,
        clear_line,
    };
    let when = |t: DateTime<Utc>| t.to_rfc3339_opts(SecondsFormat::Secs, true);
    let head = format!("DATA-NOT-RECEIVED {}: profile {}", rule.name, rule.profile);
    if rows.is_empty() {
        let line = format!("{head}, no balance at all (limit {text})");
        return vec![base(String::new(), true, line, String::new())];
    }
    let stale: Vec<bool> = rows.iter().map(|r| now - data_time(r) > limit).collect();
    // A whole profile gone quiet is one line, dated by its newest balance.
    if rule.scope == crate::alerts::Scope::Profile || stale.iter().all(|s| *s) {
        let newest = rows.iter().map(|r| data_time(r)).max().unwrap_or(now);
        let raised = stale.iter().all(|s| *s);
        let line = format!(
            "{head}, newest balance dated {} (limit {text})",
            when(newest)
        );
        let clear = format!(
            "CLEARED {}: profile {}, newest balance dated {}",
            rule.name,
            rule.profile,
            when(newest)
        );
        if raised || rule.scope == crate::alerts::Scope::Profile {
            return vec![base(String::new(), raised, line, clear)];
        }
    }
    rows.iter()
        .zip(stale)
        .map(|(row, raised)| {
            let account = account_label(row);
            let dated = when(data_time(row));
            base(
                account.clone(),
                raised,
                format!("{head}, account {account}, newest balance dated {dated} (limit {text})"),
                format!(
                    "CLEARED {}: profile {}, account {account}, newest balance dated {dated}",
                    rule.name, rule.profile
                ),
            )
        })
        .collect()
}
