//! Accounts as typed: ids and bank ids, accounts files (lines or CSV), aliases and groups,
//! duplicates, and bank ids filled in from known accounts.

use std::collections::HashMap;

use super::*;
use crate::error::{Error, Result};

/// Refuses more accounts than one request may carry.
pub fn check_account_count(count: usize, limits: &Limits) -> Result<()> {
    let max = limits.max_accounts;
    if count > max {
        return Err(Error::usage_hint(
            format!("{count} accounts requested; the bank allows at most {max} in one request"),
            format!("add --split to fetch them in batches of at most {max}"),
        ));
    }
    Ok(())
}

fn check_id(what: &str, id: &str, given: &str) -> Result<()> {
    let hint = "ids are 1 to 35 letters, digits or '-'; give one account per --account, in the form ACCOUNT_ID or BANK_ID/ACCOUNT_ID";
    if id.is_empty() {
        return Err(Error::usage_hint(
            format!("{what} in '{}' is empty", quoted(given)),
            hint,
        ));
    }
    if let Some(bad) = id
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-'))
    {
        return Err(Error::usage_hint(
            format!(
                "{what} '{}' contains {bad:?}, which no account id has",
                quoted(id)
            ),
            hint,
        ));
    }
    let length = id.chars().count();
    if length > MAX_ID_LEN {
        return Err(Error::usage_hint(
            format!(
                "{what} '{}' is {length} characters long; the bank allows at most {MAX_ID_LEN}",
                quoted(id)
            ),
            hint,
        ));
    }
    Ok(())
}

/// Parses `ACCOUNT_ID`, `BANK_ID/ACCOUNT_ID`, or `/ACCOUNT_ID` (an id taken as typed, never
/// as an alias, with no bank id: for lower-case ids such as Chase's `chk-1001`).
pub fn parse_account(text: &str) -> Result<AccountRef> {
    let given = text.trim();
    if let Some(account) = given.strip_prefix('/') {
        check_id("account id", account, given)?;
        return Ok(AccountRef {
            bank_id: None,
            account_id: account.to_string(),
        });
    }
    match given.split_once('/') {
        Some((bank, account)) => {
            check_id("bank id", bank, given)?;
            check_id("account id", account, given)?;
            Ok(AccountRef {
                bank_id: Some(bank.to_string()),
                account_id: account.to_string(),
            })
        }
        None => {
            check_id("account id", given, given)?;
            Ok(AccountRef {
                bank_id: None,
                account_id: given.to_string(),
            })
        }
    }
}

/// Reads an accounts file: one account per line (`#` comments, blank lines ignored), or CSV with
/// an `account_id` column (and optionally `bank_id`), or the rows `treasury accounts -f csv`
/// writes with their header filtered away.
pub fn parse_accounts_file(source: &str, text: &str) -> Result<Vec<AccountRef>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .map(|(i, line)| (i + 1, line.trim()))
        .filter(|(_, line)| !line.is_empty() && !line.starts_with('#'))
        .collect();
    let Some((_, first)) = lines.first() else {
        return Ok(Vec::new());
    };
    // Only a line naming the column can be the header: no copy of a plain (maybe huge) line.
    let header = match first.contains("account_id") {
        true => split_csv_line(first),
        false => Vec::new(),
    };
    if header.iter().any(|h| h == "account_id") {
        let account_col = header.iter().position(|h| h == "account_id").unwrap_or(0);
        let bank_col = header.iter().position(|h| h == "bank_id");
        return parse_csv_rows(source, &lines[1..], account_col, bank_col);
    }
    if first.contains(',') {
        // Rows of `treasury accounts -f csv` without their header: account_id, _, bank_id, ...
        check_account_rows(source, &lines)?;
        return parse_csv_rows(source, &lines, 0, Some(2));
    }
    lines
        .iter()
        .map(|(n, line)| parse_account(line).map_err(|e| at_line(source, *n, e)))
        .collect()
}

/// Header-less CSV is taken only as `treasury accounts -f csv` rows (6 fields); anything else
/// with a comma is refused, since a comma would otherwise merge or drop accounts.
fn check_account_rows(source: &str, lines: &[(usize, &str)]) -> Result<()> {
    const ACCOUNT_ROW_FIELDS: usize = 6;
    for (n, line) in lines {
        if split_csv_line(line).len() < ACCOUNT_ROW_FIELDS {
            return Err(at_line(
                source,
                *n,
                Error::usage_hint(
                    format!(
                        "'{}' has a comma but is not a row of 'treasury accounts -f csv'",
                        quoted(line)
                    ),
                    "give one account per line, or a CSV whose header has an account_id column",
                ),
            ));
        }
    }
    Ok(())
}

fn parse_csv_rows(
    source: &str,
    lines: &[(usize, &str)],
    account_col: usize,
    bank_col: Option<usize>,
) -> Result<Vec<AccountRef>> {
    lines
        .iter()
        .map(|(n, line)| {
            let fields = split_csv_line(line);
            let account = fields.get(account_col).ok_or_else(|| {
                at_line(
                    source,
                    *n,
                    Error::usage(format!("'{}' has no account_id field", quoted(line))),
                )
            })?;
            let bank = bank_col
                .and_then(|c| fields.get(c))
                .filter(|b| !b.is_empty());
            let spec = match bank {
                Some(bank) => format!("{bank}/{account}"),
                None => account.clone(),
            };
            parse_account(&spec).map_err(|e| at_line(source, *n, e))
        })
        .collect()
}

fn split_csv_line(line: &str) -> Vec<String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(line.as_bytes());
    match reader.records().next() {
        Some(Ok(record)) => record.iter().map(|f| f.trim().to_string()).collect(),
        _ => vec![line.to_string()],
    }
}

fn at_line(source: &str, line: usize, err: Error) -> Error {
    match err {
        Error::Usage { message, hint } => Error::Usage {
            message: format!("{source}:{line}: {message}"),
            hint,
        },
        other => other,
    }
}

/// Resolves aliases, groups, ids and file entries into the accounts to ask for, in the order
/// given, dropping duplicates.
pub fn select_accounts(args: &AccountArgs, book: &AccountBook) -> Result<AccountSelection> {
    let mut refs = named_accounts(&args.named, book)?;
    refs.extend(args.from_file.iter().cloned());
    Ok(dedupe(refs))
}

/// `select_accounts`, taking the accounts file's entries over instead of copying them: a file
/// may list 100,000 accounts.
pub fn select_accounts_from(args: AccountArgs, book: &AccountBook) -> Result<AccountSelection> {
    let mut refs = named_accounts(&args.named, book)?;
    let mut from_file = args.from_file;
    if refs.is_empty() {
        refs = from_file;
    } else {
        refs.append(&mut from_file);
    }
    Ok(dedupe(refs))
}

fn named_accounts(named: &[AccountName], book: &AccountBook) -> Result<Vec<AccountRef>> {
    let mut refs = Vec::new();
    for name in named {
        match name {
            AccountName::Account(spec) => refs.push(resolve_name(spec, book)?),
            AccountName::Group(group) => {
                let members = book
                    .groups
                    .get(group)
                    .ok_or_else(|| unknown_group(group, book))?;
                for spec in members {
                    refs.push(resolve_name(spec, book)?);
                }
            }
        }
    }
    Ok(refs)
}

fn resolve_name(spec: &str, book: &AccountBook) -> Result<AccountRef> {
    match book.aliases.get(spec.trim()) {
        Some(target) => parse_account(target).map_err(|e| match e {
            Error::Usage { message, .. } => Error::usage_hint(
                format!("alias '{}' in the config file: {message}", quoted(spec)),
                "fix the alias under [profiles.NAME.accounts]",
            ),
            other => other,
        }),
        // With no aliases defined, a lower-case name can only be an id (normal outside
        // J.P. Morgan); with some, it may be a mistyped one, so it is refused, naming `/ID`.
        None if looks_like_alias(spec) && !book.aliases.is_empty() => {
            Err(unknown_alias(spec, book))
        }
        None => parse_account(spec),
    }
}

/// Account ids are upper-case letters, digits and `-`; a lower-case name is meant as an alias.
/// `BANK_ID/ACCOUNT_ID` is always taken literally.
fn looks_like_alias(spec: &str) -> bool {
    !spec.contains('/') && spec.chars().any(|c| c.is_ascii_lowercase())
}

fn unknown_alias(alias: &str, book: &AccountBook) -> Error {
    let known: Vec<&str> = book.aliases.keys().map(String::as_str).collect();
    let hint = if known.is_empty() {
        "the profile defines no aliases: add them under [profiles.NAME.accounts], or give an id as /ACCOUNT_ID or BANK_ID/ACCOUNT_ID to send it as typed".to_string()
    } else {
        format!(
            "known aliases: {}; give an id as /ACCOUNT_ID or BANK_ID/ACCOUNT_ID to send it as typed",
            known.join(", ")
        )
    };
    Error::usage_hint(format!("unknown account alias '{}'", quoted(alias)), hint)
}

fn unknown_group(group: &str, book: &AccountBook) -> Error {
    let known: Vec<&str> = book.groups.keys().map(String::as_str).collect();
    let hint = if known.is_empty() {
        "the profile defines no groups: add them under [profiles.NAME.groups] in the config file"
            .to_string()
    } else {
        format!("known groups: {}", known.join(", "))
    };
    Error::usage_hint(format!("unknown group '{}'", quoted(group)), hint)
}

/// Keeps the first of each account, in the order given. Repeats are found by sorting places
/// in the list, not by a set of copies: a list of 100,000 accounts is not held twice.
fn dedupe(refs: Vec<AccountRef>) -> AccountSelection {
    let mut places: Vec<usize> = (0..refs.len()).collect();
    // Stable: of equal accounts, the first given comes first.
    places.sort_by(|&a, &b| refs[a].cmp(&refs[b]));
    let mut repeat = vec![false; refs.len()];
    for pair in places.windows(2) {
        if refs[pair[0]] == refs[pair[1]] {
            repeat[pair[1]] = true;
        }
    }
    drop(places);
    if !repeat.contains(&true) {
        return AccountSelection {
            accounts: refs,
            duplicates: Vec::new(),
        };
    }
    let mut selection = AccountSelection::default();
    for (account, repeat) in refs.into_iter().zip(repeat) {
        match repeat {
            true => selection.duplicates.push(account),
            false => selection.accounts.push(account),
        }
    }
    selection
}

/// Fills in the bank id of accounts given without one, where exactly one known account has
/// that id. Accounts that become duplicates are dropped.
pub fn fill_bank_ids(
    selection: AccountSelection,
    known: &HashMap<String, Vec<String>>,
) -> AccountSelection {
    let filled = selection.accounts.into_iter().map(|mut account| {
        if account.bank_id.is_none() {
            if let Some([bank]) = known.get(&account.account_id).map(Vec::as_slice) {
                account.bank_id = Some(bank.clone());
            }
        }
        account
    });
    let mut result = dedupe(filled.collect());
    let mut duplicates = selection.duplicates;
    duplicates.append(&mut result.duplicates);
    result.duplicates = duplicates;
    result
}
