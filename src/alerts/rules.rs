//! `[[alerts]]` tables into rules: every name, field, limit and duration checked, so a bad
//! rule is refused (exit 2, naming it) before anything is sent.

use std::str::FromStr;

use chrono::Duration;
use rust_decimal::Decimal;

use crate::config::AlertFile;
use crate::error::{Error, Result};
use crate::model::Currency;
use crate::query::AccountRef;

/// The amounts a rule can watch, in report order.
pub const AMOUNT_FIELDS: [&str; 4] = [
    "opening_available",
    "opening_ledger",
    "ending_available",
    "ending_ledger",
];

const DEFAULT_FIELD: usize = 2;

/// What a rule looks at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Each of these accounts.
    Accounts(Vec<AccountRef>),
    /// The total of this currency over the profile.
    Currency(String),
    /// Every account of the profile (`stale_after` alone).
    Profile,
}

/// A limit as written (for the line) and as a number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limit {
    pub value: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub name: String,
    pub profile: String,
    pub scope: Scope,
    /// Index into `AMOUNT_FIELDS`.
    pub field: usize,
    pub below: Option<Limit>,
    pub above: Option<Limit>,
    pub stale_after: Option<(Duration, String)>,
}

impl Rule {
    pub fn field_name(&self) -> &'static str {
        AMOUNT_FIELDS[self.field]
    }
}

/// Parses every rule; the first bad one is refused, named. `resolve` turns a rule's account
/// names into accounts of its profile (aliases, groups, `BANK/ID`), refusing unknown ones.
pub fn parse_rules(
    files: &[AlertFile],
    default_profile: &str,
    resolve: impl Fn(&str, &[String]) -> Result<Vec<AccountRef>>,
) -> Result<Vec<Rule>> {
    files
        .iter()
        .enumerate()
        .map(|(index, file)| {
            parse_rule(file, default_profile, &resolve).map_err(|e| named(e, index, file))
        })
        .collect()
}

fn parse_rule(
    file: &AlertFile,
    default_profile: &str,
    resolve: &impl Fn(&str, &[String]) -> Result<Vec<AccountRef>>,
) -> Result<Rule> {
    if file.name.trim().is_empty() {
        return Err(Error::usage("its name is empty"));
    }
    let profile = file
        .profile
        .clone()
        .unwrap_or_else(|| default_profile.to_string());
    let field = match &file.field {
        None => DEFAULT_FIELD,
        Some(name) => AMOUNT_FIELDS
            .iter()
            .position(|f| f == name)
            .ok_or_else(|| {
                Error::usage(format!(
                    "field '{name}' is not an amount; use one of: {}",
                    AMOUNT_FIELDS.join(", ")
                ))
            })?,
    };
    let scope = match (&file.currency, file.accounts.is_empty()) {
        (Some(_), false) => {
            return Err(Error::usage(
                "it names both accounts and a currency; a rule watches one or the other",
            ))
        }
        (Some(code), true) => {
            let code = code.trim().to_ascii_uppercase();
            if Currency::iso_places(&code).is_none() && code.len() != 3 {
                return Err(Error::usage(format!(
                    "currency '{code}' is not an ISO 4217 code"
                )));
            }
            Scope::Currency(code)
        }
        (None, false) => Scope::Accounts(resolve(&profile, &file.accounts)?),
        (None, true) => Scope::Profile,
    };
    let below = limit("below", file.below.as_deref())?;
    let above = limit("above", file.above.as_deref())?;
    let stale_after = file
        .stale_after
        .as_deref()
        .map(|text| duration(text).map(|d| (d, text.to_string())))
        .transpose()?;
    if below.is_none() && above.is_none() && stale_after.is_none() {
        return Err(Error::usage(
            "it has neither below, above nor stale_after: nothing to alert on",
        ));
    }
    if scope == Scope::Profile && (below.is_some() || above.is_some()) {
        return Err(Error::usage(
            "below/above need accounts = [...] or currency = \"...\" to compare",
        ));
    }
    Ok(Rule {
        name: file.name.clone(),
        profile,
        scope,
        field,
        below,
        above,
        stale_after,
    })
}

fn limit(key: &str, text: Option<&str>) -> Result<Option<Limit>> {
    text.map(|t| {
        Decimal::from_str(t.trim())
            .map(|value| Limit { value })
            .map_err(|_| {
                Error::usage(format!(
                    "{key} = \"{t}\" is not an exact decimal (write it as text: \"1000000.00\")"
                ))
            })
    })
    .transpose()
}

fn duration(text: &str) -> Result<Duration> {
    crate::position::parse_duration(text).map_err(|_| {
        Error::usage(format!(
            "stale_after = \"{text}\" is not a duration: write a whole number and a unit: 45m, 26h, 2d"
        ))
    })
}

fn named(error: Error, index: usize, file: &AlertFile) -> Error {
    match error {
        Error::Usage { message, hint } => Error::Usage {
            message: format!(
                "alert rule '{}' ([[alerts]] #{}): {message}",
                file.name,
                index + 1
            ),
            hint: hint.or_else(|| Some("fix the rule in the config file (docs/check.md)".into())),
        },
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(edit: impl FnOnce(&mut AlertFile)) -> Result<Vec<Rule>> {
        let mut file = AlertFile {
            name: "low".into(),
            accounts: vec!["ops".into()],
            below: Some("100.00".into()),
            ..AlertFile::default()
        };
        edit(&mut file);
        parse_rules(&[file], "uat", |_, names| {
            names
                .iter()
                .map(|n| match n.as_str() {
                    "ops" => Ok(AccountRef {
                        bank_id: Some("B".into()),
                        account_id: "1".into(),
                    }),
                    other => Err(Error::usage(format!("unknown alias '{other}'"))),
                })
                .collect()
        })
    }

    #[test]
    fn a_good_rule_is_typed() {
        let rules = rule(|_| ()).unwrap();
        assert_eq!(rules[0].profile, "uat");
        assert_eq!(rules[0].field_name(), "ending_available");
        assert_eq!(rules[0].below.as_ref().unwrap().value.to_string(), "100.00");
    }

    #[test]
    fn bad_rules_are_refused_by_name() {
        for (edit, words) in [
            (
                Box::new(|f: &mut AlertFile| f.field = Some("balance".into()))
                    as Box<dyn FnOnce(&mut AlertFile)>,
                "field 'balance'",
            ),
            (
                Box::new(|f| f.accounts = vec!["nope".into()]),
                "unknown alias",
            ),
            (
                Box::new(|f| f.below = Some("1,000".into())),
                "exact decimal",
            ),
            (
                Box::new(|f| {
                    f.below = None;
                }),
                "nothing to alert on",
            ),
            (
                Box::new(|f| f.stale_after = Some("soon".into())),
                "duration",
            ),
        ] {
            let err = rule(edit).unwrap_err();
            assert_eq!(err.exit_code(), 2);
            assert!(err.to_string().contains("alert rule 'low'"), "{err}");
            assert!(err.to_string().contains(words), "{err}");
        }
    }
}
