//! Turns what the user typed into a valid request plan: dates, accounts, the API's limits and
//! invalid combinations, split planning. Pure: no I/O, so every rule is unit-tested here.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;

use chrono::{Datelike, Days, NaiveDate};

use crate::error::{Error, Result};

/// The longest range the bank accepts, counted as `to - from` in days.
pub const MAX_RANGE_DAYS: u64 = 31;
/// The most accounts the bank accepts in one request.
pub const MAX_ACCOUNTS: usize = 200;
/// The longest account id the bank knows.
pub const MAX_ID_LEN: usize = 35;
/// The API documents dates as ISO 8601 `YYYY-MM-DD`: four-digit years. We send nothing before
/// the first day of 1900 (no cash-reporting balance is older) or after the last of 9999.
pub const FIRST_DATE: NaiveDate = match NaiveDate::from_ymd_opt(1900, 1, 1) {
    Some(date) => date,
    None => panic!("a valid date"),
};
pub const LAST_DATE: NaiveDate = match NaiveDate::from_ymd_opt(9999, 12, 31) {
    Some(date) => date,
    None => panic!("a valid date"),
};
/// How much of a value the user typed an error message quotes: enough for two account ids of
/// the longest kind joined by `/` or `,` (71 characters).
pub const MAX_QUOTED_CHARS: usize = 80;

/// User input as an error message quotes it: in full when short, else its start and its size,
/// so a runaway value (a whole file on one line) cannot flood the terminal or the memory.
pub fn quoted(text: &str) -> String {
    match text.char_indices().nth(MAX_QUOTED_CHARS) {
        None => text.to_string(),
        Some((end, _)) => format!("{}… ({} bytes)", &text[..end], text.len()),
    }
}

/// What one request to a provider may ask for, as the provider declares it: the date modes it
/// serves and its limits. `query` checks a request against these before anything is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The provider's `provider =` name, for messages.
    pub provider: &'static str,
    /// Whether it serves `--prior-day` and date ranges; every provider serves current balances.
    pub prior_day: bool,
    pub ranges: bool,
    /// Longest range, counted as `to - from` in days.
    pub max_range_days: u64,
    /// Most accounts one request may name.
    pub max_accounts: usize,
    /// Longest account id.
    pub max_id_len: usize,
    /// What to do instead when a date option is refused.
    pub dates_hint: &'static str,
}

/// Which balances to ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateSpan {
    CurrentDay,
    PriorDay,
    /// Both ends inclusive; `to - from` may exceed 31 days only before splitting.
    Range {
        from: NaiveDate,
        to: NaiveDate,
    },
}

/// The date options as the user gave them, still text.
#[derive(Debug, Clone, Default)]
pub struct DateArgs {
    pub current: bool,
    pub prior_day: bool,
    pub from: Option<String>,
    pub to: Option<String>,
    pub month: Option<String>,
}

/// An account as the bank identifies it: the account id, and the bank id where known.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AccountRef {
    pub bank_id: Option<String>,
    pub account_id: String,
}

impl fmt::Display for AccountRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.bank_id {
            Some(bank) => write!(f, "{bank}/{}", self.account_id),
            None => f.write_str(&self.account_id),
        }
    }
}

/// One request the bank will accept: a date span within the limits and at most 200 accounts
/// (none means every account the credentials see).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BalanceRequest {
    pub span: DateSpan,
    pub accounts: Vec<AccountRef>,
}

/// Aliases and groups of a profile, as the config file names them.
#[derive(Debug, Clone, Default)]
pub struct AccountBook {
    pub aliases: BTreeMap<String, String>,
    pub groups: BTreeMap<String, Vec<String>>,
}

/// An account or a group, named on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountName {
    /// `-a`: an account id, `BANK_ID/ACCOUNT_ID` or an alias.
    Account(String),
    /// `--group`: a group of the profile.
    Group(String),
}

/// The account options as the user gave them.
#[derive(Debug, Clone, Default)]
pub struct AccountArgs {
    /// `-a` and `--group` values, in the order they were typed.
    pub named: Vec<AccountName>,
    /// Accounts read from `--accounts-file`, already parsed.
    pub from_file: Vec<AccountRef>,
}

/// The accounts to ask for, and the ones given more than once (dropped, to warn about).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountSelection {
    pub accounts: Vec<AccountRef>,
    pub duplicates: Vec<AccountRef>,
}

pub fn parse_date(flag: &str, text: &str) -> Result<NaiveDate> {
    let bad = || {
        Error::usage_hint(
            format!("{flag} '{}' is not a valid date", quoted(text)),
            "give an ISO date such as 2026-01-31",
        )
    };
    let trimmed = text.trim();
    if !is_iso_date_shape(trimmed) {
        return Err(bad());
    }
    let date = NaiveDate::parse_from_str(trimmed, "%Y-%m-%d").map_err(|_| bad())?;
    check_date(&format!("{flag} {date}"), date)?;
    Ok(date)
}

/// Refuses a date outside `FIRST_DATE..=LAST_DATE`; `what` names where it came from.
fn check_date(what: &str, date: NaiveDate) -> Result<()> {
    if (FIRST_DATE..=LAST_DATE).contains(&date) {
        return Ok(());
    }
    Err(Error::usage_hint(
        format!("{what} is outside the dates treasury sends the bank, {FIRST_DATE} to {LAST_DATE}"),
        format!("give dates from {FIRST_DATE} to {LAST_DATE}"),
    ))
}

/// The other end of a one-ended range, 31 days away, refused when it leaves the date range.
fn other_end(flag: &str, given: NaiveDate, later: bool) -> Result<NaiveDate> {
    let days = Days::new(MAX_RANGE_DAYS);
    let end = match later {
        true => given.checked_add_days(days),
        false => given.checked_sub_days(days),
    };
    let (missing, bound) = match later {
        true => ("--to", LAST_DATE),
        false => ("--from", FIRST_DATE),
    };
    match end.filter(|d| (FIRST_DATE..=LAST_DATE).contains(d)) {
        Some(end) => Ok(end),
        None => Err(Error::usage_hint(
            format!("{flag} {given} without {missing} asks for 31 days beyond {bound}, outside the dates treasury sends the bank ({FIRST_DATE} to {LAST_DATE})"),
            format!("give {missing} as well, from {FIRST_DATE} to {LAST_DATE}"),
        )),
    }
}

/// `YYYY-MM-DD` exactly: chrono alone would also take `26-1-5` (the year 26).
pub fn is_iso_date_shape(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            _ => b.is_ascii_digit(),
        })
}

fn parse_month(text: &str) -> Result<(NaiveDate, NaiveDate)> {
    let bad = || {
        Error::usage_hint(
            format!("--month '{}' is not a valid month", quoted(text)),
            "give a year and month such as 2026-01",
        )
    };
    let (year, month) = text.trim().split_once('-').ok_or_else(bad)?;
    if year.len() != 4 || month.len() != 2 {
        return Err(bad());
    }
    let year: i32 = year.parse().map_err(|_| bad())?;
    let month: u32 = month.parse().map_err(|_| bad())?;
    let first = NaiveDate::from_ymd_opt(year, month, 1).ok_or_else(bad)?;
    let next = first
        .checked_add_months(chrono::Months::new(1))
        .ok_or_else(bad)?;
    let last = next.pred_opt().ok_or_else(bad)?;
    debug_assert_eq!(last.month(), month);
    check_date(&format!("--month {}", text.trim()), first)?;
    Ok((first, last))
}

/// Resolves the date options into one span, refusing what the bank would refuse.
///
/// The range limit is not checked here: `check_range` does that, so `--split` can lift it.
pub fn resolve_dates(args: &DateArgs) -> Result<DateSpan> {
    let dated = [
        args.from.as_ref().map(|v| format!("--from {}", quoted(v))),
        args.to.as_ref().map(|v| format!("--to {}", quoted(v))),
        args.month
            .as_ref()
            .map(|v| format!("--month {}", quoted(v))),
    ];
    let dated: Vec<String> = dated.into_iter().flatten().collect();
    let relative = match (args.current, args.prior_day) {
        (true, true) => {
            return Err(Error::usage_hint(
                "--current and --prior-day cannot be used together",
                "pick one of them",
            ))
        }
        (true, false) => Some(("--current", DateSpan::CurrentDay)),
        (false, true) => Some(("--prior-day", DateSpan::PriorDay)),
        (false, false) => None,
    };
    if let (Some((flag, _)), Some(first)) = (relative, dated.first()) {
        return Err(Error::usage_hint(
            format!("{flag} cannot be combined with {first}: the bank refuses a relative day together with dates"),
            format!("drop {flag} to get the dates, or drop the dates to get {flag} balances"),
        ));
    }
    if let Some((_, span)) = relative {
        return Ok(span);
    }
    if let Some(month) = &args.month {
        if args.from.is_some() || args.to.is_some() {
            return Err(Error::usage_hint(
                format!(
                    "--month {} cannot be combined with --from or --to",
                    quoted(month)
                ),
                "use either --month or --from/--to",
            ));
        }
        let (from, to) = parse_month(month)?;
        return Ok(DateSpan::Range { from, to });
    }
    let from = args
        .from
        .as_deref()
        .map(|v| parse_date("--from", v))
        .transpose()?;
    let to = args
        .to
        .as_deref()
        .map(|v| parse_date("--to", v))
        .transpose()?;
    let (from, to) = match (from, to) {
        (None, None) => return Ok(DateSpan::CurrentDay),
        (Some(from), Some(to)) => (from, to),
        (Some(from), None) => (from, other_end("--from", from, true)?),
        (None, Some(to)) => (other_end("--to", to, false)?, to),
    };
    if to < from {
        return Err(Error::usage_hint(
            format!("--to {to} is before --from {from}"),
            "swap the two dates",
        ));
    }
    Ok(DateSpan::Range { from, to })
}

/// Days between the ends of a range (`to - from`): the number the bank limits to 31.
pub fn range_days(from: NaiveDate, to: NaiveDate) -> i64 {
    (to - from).num_days()
}

/// Refuses a range the bank would refuse (more than 31 days between its ends).
pub fn check_range(span: DateSpan) -> Result<()> {
    if let DateSpan::Range { from, to } = span {
        let days = range_days(from, to);
        if days > MAX_RANGE_DAYS as i64 {
            return Err(Error::usage_hint(
                format!("{from}..{to} spans {days} days; the bank allows at most {MAX_RANGE_DAYS} days between the first and last date"),
                "add --split to fetch it in windows of at most 31 days, or narrow --from/--to",
            ));
        }
    }
    Ok(())
}

/// Refuses more accounts than one request may carry.
pub fn check_account_count(count: usize) -> Result<()> {
    if count > MAX_ACCOUNTS {
        return Err(Error::usage_hint(
            format!(
                "{count} accounts requested; the bank allows at most {MAX_ACCOUNTS} in one request"
            ),
            "add --split to fetch them in batches of at most 200",
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

/// Parses `ACCOUNT_ID` or `BANK_ID/ACCOUNT_ID`.
pub fn parse_account(text: &str) -> Result<AccountRef> {
    let given = text.trim();
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
    let mut refs = Vec::new();
    for name in &args.named {
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
    refs.extend(args.from_file.iter().cloned());
    Ok(dedupe(refs))
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
        None if looks_like_alias(spec) => Err(unknown_alias(spec, book)),
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
        "the profile defines no aliases: add them under [profiles.NAME.accounts], or give an id as BANK_ID/ACCOUNT_ID to send it as typed".to_string()
    } else {
        format!(
            "known aliases: {}; give an id as BANK_ID/ACCOUNT_ID to send it as typed",
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

fn dedupe(refs: Vec<AccountRef>) -> AccountSelection {
    let mut seen = HashSet::new();
    let mut selection = AccountSelection::default();
    for account in refs {
        if seen.insert(account.clone()) {
            selection.accounts.push(account);
        } else {
            selection.duplicates.push(account);
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

/// Builds the requests for a span and accounts: one request when it fits the limits, or, with
/// `split`, date windows of at most 31 days times account batches of at most 200.
pub fn plan(span: DateSpan, accounts: &[AccountRef], split: bool) -> Result<Vec<BalanceRequest>> {
    if !split {
        check_range(span)?;
        check_account_count(accounts.len())?;
        return Ok(vec![BalanceRequest {
            span,
            accounts: accounts.to_vec(),
        }]);
    }
    let batches: Vec<Vec<AccountRef>> = if accounts.is_empty() {
        vec![Vec::new()]
    } else {
        accounts
            .chunks(MAX_ACCOUNTS)
            .map(<[AccountRef]>::to_vec)
            .collect()
    };
    let mut requests = Vec::new();
    for window in windows(span) {
        for batch in &batches {
            requests.push(BalanceRequest {
                span: window,
                accounts: batch.clone(),
            });
        }
    }
    Ok(requests)
}

/// Cuts a range into consecutive windows whose `to - from` is at most 31 days.
pub fn windows(span: DateSpan) -> Vec<DateSpan> {
    let DateSpan::Range { from, to } = span else {
        return vec![span];
    };
    let mut windows = Vec::new();
    let mut start = from;
    loop {
        let end = start
            .checked_add_days(Days::new(MAX_RANGE_DAYS))
            .map_or(to, |end| end.min(to));
        windows.push(DateSpan::Range {
            from: start,
            to: end,
        });
        match end.succ_opt() {
            Some(next) if end < to => start = next,
            _ => break,
        }
    }
    windows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn range(from: &str, to: &str) -> DateSpan {
        DateSpan::Range {
            from: date(from),
            to: date(to),
        }
    }

    fn dates(from: Option<&str>, to: Option<&str>) -> DateArgs {
        DateArgs {
            from: from.map(String::from),
            to: to.map(String::from),
            ..DateArgs::default()
        }
    }

    fn message(err: Error) -> String {
        match &err {
            Error::Usage { message, hint } => {
                format!("{message} | {}", hint.clone().unwrap_or_default())
            }
            other => panic!("expected a usage error, got {other:?}"),
        }
    }

    fn acct(bank: Option<&str>, id: &str) -> AccountRef {
        AccountRef {
            bank_id: bank.map(String::from),
            account_id: id.to_string(),
        }
    }

    #[test]
    fn no_date_option_is_the_current_day() {
        assert_eq!(
            resolve_dates(&DateArgs::default()).unwrap(),
            DateSpan::CurrentDay
        );
    }

    #[test]
    fn current_and_prior_day_flags() {
        let current = DateArgs {
            current: true,
            ..DateArgs::default()
        };
        let prior = DateArgs {
            prior_day: true,
            ..DateArgs::default()
        };
        assert_eq!(resolve_dates(&current).unwrap(), DateSpan::CurrentDay);
        assert_eq!(resolve_dates(&prior).unwrap(), DateSpan::PriorDay);
        let both = DateArgs {
            current: true,
            prior_day: true,
            ..DateArgs::default()
        };
        assert!(message(resolve_dates(&both).unwrap_err()).contains("--current and --prior-day"));
    }

    #[test]
    fn relative_days_with_dates_are_the_apis_invalid_combinations() {
        for (from, to) in [
            (Some("2026-01-01"), None),
            (None, Some("2026-01-05")),
            (Some("2026-01-01"), Some("2026-01-05")),
        ] {
            for (current, prior_day) in [(true, false), (false, true)] {
                let args = DateArgs {
                    current,
                    prior_day,
                    ..dates(from, to)
                };
                let text = message(resolve_dates(&args).unwrap_err());
                assert!(text.contains("cannot be combined with --"), "{text}");
            }
        }
        let args = DateArgs {
            prior_day: true,
            month: Some("2026-01".into()),
            ..DateArgs::default()
        };
        assert!(message(resolve_dates(&args).unwrap_err())
            .contains("--prior-day cannot be combined with --month 2026-01"));
    }

    #[test]
    fn invalid_dates_are_named() {
        for bad in [
            "2026-02-30",
            "2026-13-01",
            "yesterday",
            "2026/01/01",
            "",
            "20260101",
            "26-1-5",
            "+2026-01-01",
            "02026-01-01",
        ] {
            let text = message(resolve_dates(&dates(Some(bad), None)).unwrap_err());
            assert!(
                text.contains(&format!("--from '{bad}' is not a valid date")),
                "{text}"
            );
        }
        let text =
            message(resolve_dates(&dates(Some("2026-01-01"), Some("2026-1-x"))).unwrap_err());
        assert!(text.contains("--to '2026-1-x'"), "{text}");
    }

    #[test]
    fn dates_outside_the_api_range_are_refused_with_the_range() {
        for (from, to) in [
            (Some("0000-01-01"), Some("0000-01-05")),
            (Some("1899-12-31"), Some("1900-01-05")),
            (Some("2026-01-01"), Some("+10000-01-01")),
        ] {
            let err = resolve_dates(&dates(from, to)).unwrap_err();
            assert_eq!(err.exit_code(), 2);
            let text = message(err);
            assert!(
                text.contains("1900-01-01 to 9999-12-31") || text.contains("not a valid date"),
                "{text}"
            );
        }
        let text = message(resolve_dates(&dates(Some("0000-01-01"), None)).unwrap_err());
        assert!(
            text.starts_with("--from 0000-01-01 is outside the dates"),
            "{text}"
        );
        let text = message(resolve_dates(&dates(Some("9999-12-31"), None)).unwrap_err());
        assert!(
            text.starts_with("--from 9999-12-31 without --to asks for 31 days beyond 9999-12-31"),
            "{text}"
        );
        let text = message(resolve_dates(&dates(None, Some("1900-01-15"))).unwrap_err());
        assert!(text.contains("give --from as well"), "{text}");
        let month = DateArgs {
            month: Some("0000-01".into()),
            ..DateArgs::default()
        };
        assert!(
            message(resolve_dates(&month).unwrap_err()).starts_with("--month 0000-01 is outside")
        );
        assert_eq!(
            resolve_dates(&dates(Some("9999-12-01"), Some("9999-12-31"))).unwrap(),
            range("9999-12-01", "9999-12-31")
        );
        assert_eq!(
            resolve_dates(&dates(Some("1900-01-01"), None)).unwrap(),
            range("1900-01-01", "1900-02-01")
        );
    }

    #[test]
    fn quoted_input_is_cut_to_a_bounded_length() {
        assert_eq!(quoted("short"), "short");
        let eighty = "é".repeat(80);
        assert_eq!(quoted(&eighty), eighty);
        let long = "1".repeat(5_000_000);
        let text = quoted(&long);
        assert_eq!(text, format!("{}… (5000000 bytes)", "1".repeat(80)));
        let err = message(parse_account(&long).unwrap_err());
        assert!(err.len() < 400, "{err}");
        assert!(err.contains("is 5000000 characters long"), "{err}");
    }

    #[test]
    fn reversed_range_is_refused() {
        let text =
            message(resolve_dates(&dates(Some("2026-01-05"), Some("2026-01-04"))).unwrap_err());
        assert!(
            text.contains("--to 2026-01-04 is before --from 2026-01-05"),
            "{text}"
        );
    }

    #[test]
    fn one_day_range_is_fine() {
        let span = resolve_dates(&dates(Some("2026-01-05"), Some("2026-01-05"))).unwrap();
        assert_eq!(span, range("2026-01-05", "2026-01-05"));
        check_range(span).unwrap();
    }

    #[test]
    fn one_end_defaults_to_thirty_one_days_from_the_other() {
        assert_eq!(
            resolve_dates(&dates(Some("2026-01-01"), None)).unwrap(),
            range("2026-01-01", "2026-02-01")
        );
        assert_eq!(
            resolve_dates(&dates(None, Some("2026-03-01"))).unwrap(),
            range("2026-01-29", "2026-03-01")
        );
        check_range(range("2026-01-29", "2026-03-01")).unwrap();
    }

    #[test]
    fn thirty_one_days_between_ends_is_the_limit() {
        check_range(range("2026-01-01", "2026-02-01")).unwrap();
        let text = message(check_range(range("2026-01-01", "2026-02-02")).unwrap_err());
        assert!(
            text.contains("2026-01-01..2026-02-02 spans 32 days"),
            "{text}"
        );
        assert!(text.contains("--split"), "{text}");
    }

    #[test]
    fn month_is_the_calendar_month() {
        let month = |m: &str| DateArgs {
            month: Some(m.into()),
            ..DateArgs::default()
        };
        assert_eq!(
            resolve_dates(&month("2026-01")).unwrap(),
            range("2026-01-01", "2026-01-31")
        );
        assert_eq!(
            resolve_dates(&month("2024-02")).unwrap(),
            range("2024-02-01", "2024-02-29")
        );
        assert_eq!(
            resolve_dates(&month("2026-12")).unwrap(),
            range("2026-12-01", "2026-12-31")
        );
        for bad in ["2026-13", "2026-1", "26-01", "2026", "jan"] {
            let text = message(resolve_dates(&month(bad)).unwrap_err());
            assert!(
                text.contains(&format!("--month '{bad}' is not a valid month")),
                "{text}"
            );
        }
        let both = DateArgs {
            from: Some("2026-01-01".into()),
            ..month("2026-01")
        };
        assert!(message(resolve_dates(&both).unwrap_err())
            .contains("--month 2026-01 cannot be combined"));
    }

    #[test]
    fn account_ids_with_and_without_bank() {
        assert_eq!(
            parse_account("000000010013324").unwrap(),
            acct(None, "000000010013324")
        );
        assert_eq!(
            parse_account("02100002/000000010013324").unwrap(),
            acct(Some("02100002"), "000000010013324")
        );
        assert_eq!(
            parse_account(" CHASGB2L/0041034035 ").unwrap(),
            acct(Some("CHASGB2L"), "0041034035")
        );
        assert_eq!(parse_account("ACC-1").unwrap(), acct(None, "ACC-1"));
    }

    #[test]
    fn account_id_syntax_is_checked() {
        let long = "1".repeat(36);
        let cases = [
            ("", "is empty"),
            ("02100002/", "account id in '02100002/' is empty"),
            ("/123", "bank id in '/123' is empty"),
            (long.as_str(), "is 36 characters long"),
            (
                "00000000000000304266256,00000000000000010962009",
                "contains ','",
            ),
            ("12 34", "contains ' '"),
            ("a/b/c", "contains '/'"),
            ("ÄCCT", "contains 'Ä'"),
        ];
        for (input, expected) in cases {
            let text = message(parse_account(input).unwrap_err());
            assert!(text.contains(expected), "{input:?}: {text}");
        }
        parse_account(&"1".repeat(35)).unwrap();
    }

    #[test]
    fn two_hundred_accounts_pass_two_hundred_one_do_not() {
        check_account_count(200).unwrap();
        let text = message(check_account_count(201).unwrap_err());
        assert!(
            text.contains("201 accounts") && text.contains("--split"),
            "{text}"
        );
    }

    #[test]
    fn duplicates_are_dropped_and_reported_in_order() {
        let args = AccountArgs {
            named: ["A1", "B/A2", "A1", "B/A2", "A3"]
                .map(|a| AccountName::Account(a.into()))
                .to_vec(),
            ..AccountArgs::default()
        };
        let selection = select_accounts(&args, &AccountBook::default()).unwrap();
        assert_eq!(
            selection.accounts,
            vec![acct(None, "A1"), acct(Some("B"), "A2"), acct(None, "A3")]
        );
        assert_eq!(
            selection.duplicates,
            vec![acct(None, "A1"), acct(Some("B"), "A2")]
        );
    }

    #[test]
    fn aliases_and_groups_resolve() {
        let book = AccountBook {
            aliases: BTreeMap::from([(
                "ops-usd".to_string(),
                "02100002/000000010013324".to_string(),
            )]),
            groups: BTreeMap::from([(
                "emea".to_string(),
                vec!["ops-usd".to_string(), "CHASGB2L/0041034035".to_string()],
            )]),
        };
        let args = AccountArgs {
            named: vec![
                AccountName::Account("ops-usd".into()),
                AccountName::Group("emea".into()),
                AccountName::Account("123".into()),
            ],
            ..AccountArgs::default()
        };
        let selection = select_accounts(&args, &book).unwrap();
        assert_eq!(
            selection.accounts,
            vec![
                acct(Some("02100002"), "000000010013324"),
                acct(Some("CHASGB2L"), "0041034035"),
                acct(None, "123")
            ]
        );
        assert_eq!(
            selection.duplicates,
            vec![acct(Some("02100002"), "000000010013324")]
        );
        let args = AccountArgs {
            named: vec![AccountName::Account("ops-eur".into())],
            ..AccountArgs::default()
        };
        let text = message(select_accounts(&args, &book).unwrap_err());
        assert!(
            text.contains("unknown account alias 'ops-eur'")
                && text.contains("known aliases: ops-usd"),
            "{text}"
        );
        let literal = AccountArgs {
            named: vec![AccountName::Account("B/acct-1".into())],
            ..AccountArgs::default()
        };
        assert_eq!(
            select_accounts(&literal, &book).unwrap().accounts,
            vec![acct(Some("B"), "acct-1")]
        );
        let args = AccountArgs {
            named: vec![AccountName::Group("apac".into())],
            ..AccountArgs::default()
        };
        let text = message(select_accounts(&args, &book).unwrap_err());
        assert!(
            text.contains("unknown group 'apac'") && text.contains("known groups: emea"),
            "{text}"
        );
    }

    #[test]
    fn accounts_file_as_plain_lines() {
        let text = "# ops accounts\n000000010013324\n\n  CHASGB2L/0041034035  \n# end\n";
        let refs = parse_accounts_file("ids.txt", text).unwrap();
        assert_eq!(
            refs,
            vec![
                acct(None, "000000010013324"),
                acct(Some("CHASGB2L"), "0041034035")
            ]
        );
        let text = message(parse_accounts_file("ids.txt", "123\nbad id\n").unwrap_err());
        assert!(text.starts_with("ids.txt:2: account id 'bad id'"), "{text}");
        assert!(parse_accounts_file("-", "").unwrap().is_empty());
    }

    #[test]
    fn accounts_file_as_csv_with_header() {
        let text = "bank_id,account_id,note\n02100002,000000010013324,x\n,123,\"a, b\"\n";
        let refs = parse_accounts_file("a.csv", text).unwrap();
        assert_eq!(
            refs,
            vec![acct(Some("02100002"), "000000010013324"), acct(None, "123")]
        );
        let only_ids = parse_accounts_file("a.csv", "account_id\n1\n2\n").unwrap();
        assert_eq!(only_ids, vec![acct(None, "1"), acct(None, "2")]);
    }

    #[test]
    fn commas_that_are_not_account_rows_are_refused() {
        let text = message(parse_accounts_file("ids.txt", "0041000001,0041000007\n").unwrap_err());
        assert!(
            text.starts_with("ids.txt:1: '0041000001,0041000007' has a comma"),
            "{text}"
        );
    }

    #[test]
    fn accounts_csv_rows_without_header() {
        let text = "0041034035,TEST ACCOUNT NAME,CHASGB2L,JPMORGAN CHASE,,GBP\n";
        assert_eq!(
            parse_accounts_file("-", text).unwrap(),
            vec![acct(Some("CHASGB2L"), "0041034035")]
        );
        let header = "account_id,account_name,bank_id,bank_name,branch_id,currency\n";
        assert_eq!(
            parse_accounts_file("-", &format!("{header}{text}")).unwrap(),
            vec![acct(Some("CHASGB2L"), "0041034035")]
        );
    }

    #[test]
    fn bank_ids_fill_in_from_known_accounts() {
        let known = HashMap::from([
            ("1".to_string(), vec!["B1".to_string()]),
            ("2".to_string(), vec!["B1".to_string(), "B2".to_string()]),
        ]);
        let selection = AccountSelection {
            accounts: vec![
                acct(None, "1"),
                acct(None, "2"),
                acct(None, "3"),
                acct(Some("B1"), "1"),
            ],
            duplicates: vec![],
        };
        let filled = fill_bank_ids(selection, &known);
        assert_eq!(
            filled.accounts,
            vec![acct(Some("B1"), "1"), acct(None, "2"), acct(None, "3")]
        );
        assert_eq!(filled.duplicates, vec![acct(Some("B1"), "1")]);
    }

    #[test]
    fn plan_without_split_refuses_oversize() {
        let many: Vec<AccountRef> = (0..201).map(|i| acct(None, &i.to_string())).collect();
        assert!(plan(DateSpan::PriorDay, &many, false).is_err());
        assert!(plan(range("2026-01-01", "2026-03-31"), &[], false).is_err());
        let one = plan(DateSpan::PriorDay, &many[..200], false).unwrap();
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].accounts.len(), 200);
    }

    #[test]
    fn ninety_days_split_into_three_windows_covering_each_date_once() {
        let span = range("2026-01-01", "2026-03-31");
        let windows = windows(span);
        assert_eq!(
            windows,
            vec![
                range("2026-01-01", "2026-02-01"),
                range("2026-02-02", "2026-03-05"),
                range("2026-03-06", "2026-03-31")
            ]
        );
        let mut covered = Vec::new();
        for window in &windows {
            check_range(*window).unwrap();
            let DateSpan::Range { from, to } = *window else {
                unreachable!()
            };
            covered.extend(from.iter_days().take_while(|d| *d <= to));
        }
        let expected: Vec<NaiveDate> = date("2026-01-01").iter_days().take(90).collect();
        assert_eq!(covered, expected);
    }

    #[test]
    fn accounts_split_into_batches_of_two_hundred() {
        let many: Vec<AccountRef> = (0..450).map(|i| acct(None, &i.to_string())).collect();
        let requests = plan(DateSpan::PriorDay, &many, true).unwrap();
        let sizes: Vec<usize> = requests.iter().map(|r| r.accounts.len()).collect();
        assert_eq!(sizes, vec![200, 200, 50]);
        let both = plan(range("2026-01-01", "2026-03-31"), &many, true).unwrap();
        assert_eq!(both.len(), 9);
        assert_eq!(both[3].span, range("2026-02-02", "2026-03-05"));
        assert_eq!(both[3].accounts[0], acct(None, "0"));
    }
}
