//! The answer to a valid inquiry: each account's balances by day, per-account errors, not-found.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};

use super::accounts::{AccountBook, SandboxAccount};
use super::amounts::day_amounts;
use super::refusal::{
    Refusal, ACCOUNT_NOT_FOUND, ACCOUNT_NOT_FOUND_MSG, NO_TRANSACTION, NO_TRANSACTION_MSG,
};
use super::rules::{is_plausible_account_id, Days, Inquiry};
use crate::bank::jpmorgan::{
    AccountEntry, AccountSelector, BalanceEntry, CurrencyEntry, ResponseBody,
};

/// Local hour of the record timestamp of a day still in progress.
const INTRADAY_HOUR: i64 = 8;
/// Local hour of the record timestamp of a closed day.
const CLOSE_OF_DAY_HOUR: i64 = 18;

/// The answer at instant `now`; "today" is each account's own business day at that instant.
pub fn answer(
    book: &AccountBook,
    inquiry: &Inquiry,
    now: DateTime<Utc>,
) -> Result<ResponseBody, Refusal> {
    if inquiry.accounts.is_empty() {
        answer_every_account(book, inquiry.days, now)
    } else {
        answer_requested_accounts(book, &inquiry.accounts, inquiry.days, now)
    }
}

fn answer_every_account(
    book: &AccountBook,
    days: Days,
    now: DateTime<Utc>,
) -> Result<ResponseBody, Refusal> {
    if book.all().is_empty() {
        return Err(Refusal::no_eligible_accounts());
    }
    let account_list = book
        .all()
        .iter()
        .map(|a| account_entry(a, days, now))
        .collect();
    Ok(ResponseBody {
        account_list,
        errors: Vec::new(),
        unreadable: Vec::new(),
    })
}

/// In the requested order; unknown accounts get GCA-010, and if none is known the request fails.
fn answer_requested_accounts(
    book: &AccountBook,
    selectors: &[AccountSelector],
    days: Days,
    now: DateTime<Utc>,
) -> Result<ResponseBody, Refusal> {
    let found: Vec<Option<&SandboxAccount>> = selectors.iter().map(|s| find(book, s)).collect();
    if found.iter().all(Option::is_none) {
        return Err(Refusal::accounts_not_found());
    }
    let account_list = selectors
        .iter()
        .zip(found)
        .map(|(selector, account)| match account {
            Some(account) => account_entry(account, days, now),
            None => unknown_entry(selector),
        })
        .collect();
    Ok(ResponseBody {
        account_list,
        errors: Vec::new(),
        unreadable: Vec::new(),
    })
}

fn find<'a>(book: &'a AccountBook, selector: &AccountSelector) -> Option<&'a SandboxAccount> {
    if !is_plausible_account_id(&selector.account_id) {
        return None;
    }
    book.find(&selector.account_id, selector.bank_id.as_deref())
}

fn unknown_entry(selector: &AccountSelector) -> AccountEntry {
    AccountEntry {
        account_id: selector.account_id.clone(),
        bank_id: selector.bank_id.clone().unwrap_or_default(),
        error_code: Some(ACCOUNT_NOT_FOUND.to_string()),
        error_msg: Some(ACCOUNT_NOT_FOUND_MSG.to_string()),
        ..AccountEntry::default()
    }
}

/// A known account: its balances on the asked days it has already lived, else GCA-024.
fn account_entry(account: &SandboxAccount, days: Days, now: DateTime<Utc>) -> AccountEntry {
    let today = account.today(now);
    let dates = balance_dates(days, today);
    let mut entry = described(account);
    if dates.is_empty() {
        entry.error_code = Some(NO_TRANSACTION.to_string());
        entry.error_msg = Some(NO_TRANSACTION_MSG.to_string());
    } else {
        let balances = dates
            .into_iter()
            .map(|d| balance_entry(account, d, d == today));
        entry.balance_list = Some(balances.collect());
    }
    entry
}

/// The as-of dates to answer, chronological; days after the account's today have no balance.
pub fn balance_dates(days: Days, today: NaiveDate) -> Vec<NaiveDate> {
    match days {
        Days::CurrentDay => vec![today],
        Days::PriorDay => vec![today.pred_opt().unwrap_or(today)],
        Days::Range { start, end } => {
            let last = end.min(today);
            start.iter_days().take_while(|d| *d <= last).collect()
        }
    }
}

fn described(account: &SandboxAccount) -> AccountEntry {
    let bank = account.bank;
    AccountEntry {
        account_id: account.account_id.clone(),
        account_name: account.account_name.clone(),
        branch_id: bank.branch_id.to_string(),
        bank_id: bank.id.to_string(),
        bank_name: bank.name.to_string(),
        currency: Some(CurrencyEntry {
            code: bank.currency.to_string(),
            currency_sequence: 0,
            decimal_location: bank.decimal_location,
            description: bank.currency_description.to_string(),
        }),
        ..AccountEntry::default()
    }
}

fn balance_entry(
    account: &SandboxAccount,
    as_of_date: NaiveDate,
    current_day: bool,
) -> BalanceEntry {
    let amounts = day_amounts(account, as_of_date);
    BalanceEntry {
        as_of_date,
        record_timestamp: record_timestamp(account, as_of_date, current_day),
        current_day,
        opening_available_amount: Some(amounts.opening_available),
        opening_ledger_amount: Some(amounts.opening_ledger),
        ending_available_amount: Some(amounts.ending_available),
        ending_ledger_amount: Some(amounts.ending_ledger),
    }
}

/// When the bank recorded the day, in UTC: 08:00 local while the day runs, 18:00 local once closed.
pub fn record_timestamp(
    account: &SandboxAccount,
    as_of_date: NaiveDate,
    current_day: bool,
) -> String {
    let local_hour = if current_day {
        INTRADAY_HOUR
    } else {
        CLOSE_OF_DAY_HOUR
    };
    let utc = as_of_date.and_time(NaiveTime::MIN)
        + Duration::hours(local_hour - account.bank.utc_offset_hours);
    format!("{}T{}Z", utc.date(), utc.time())
}

#[cfg(test)]
mod tests {
    use axum::http::StatusCode;

    use super::*;
    use crate::sandbox::jpmorgan::refusal::{ACCOUNTS_NOT_FOUND, NO_ELIGIBLE_ACCOUNTS};
    use crate::sandbox::jpmorgan::rules::read_inquiry;

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    /// 20:00 UTC on 2026-01-05: already 2026-01-06 in Tokyo and Singapore.
    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-01-05T20:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    fn ask(book: &AccountBook, json: &str) -> Result<ResponseBody, Refusal> {
        answer(book, &read_inquiry(json.as_bytes()).unwrap(), now())
    }

    #[test]
    fn current_day_follows_each_accounts_timezone() {
        let book = AccountBook::generate(12);
        let body = ask(&book, "{}").unwrap();
        assert_eq!(body.account_list.len(), 12);
        let us = &body.account_list[0].balance_list.as_ref().unwrap()[0];
        let tokyo = &body.account_list[2].balance_list.as_ref().unwrap()[0];
        assert_eq!((us.as_of_date, us.current_day), (date("2026-01-05"), true));
        assert_eq!(
            (tokyo.as_of_date, tokyo.current_day),
            (date("2026-01-06"), true)
        );
        assert_eq!(us.record_timestamp, "2026-01-05T13:00:00Z");
        assert_eq!(tokyo.record_timestamp, "2026-01-05T23:00:00Z");
    }

    #[test]
    fn prior_day_is_the_day_before_the_accounts_today() {
        let book = AccountBook::generate(3);
        let body = ask(&book, r#"{"relativeDateType":"PRIOR_DAY"}"#).unwrap();
        let dates: Vec<(NaiveDate, bool)> = body
            .account_list
            .iter()
            .map(|a| a.balance_list.as_ref().unwrap()[0].clone())
            .map(|b| (b.as_of_date, b.current_day))
            .collect();
        let expected = [
            ("2026-01-04", false),
            ("2026-01-04", false),
            ("2026-01-05", false),
        ];
        assert_eq!(dates, expected.map(|(d, c)| (date(d), c)));
    }

    #[test]
    fn ranges_stop_at_the_accounts_today() {
        let book = AccountBook::generate(3);
        let body = ask(
            &book,
            r#"{"startDate":"2026-01-01","endDate":"2026-02-01"}"#,
        )
        .unwrap();
        let us = body.account_list[0].balance_list.as_ref().unwrap();
        assert_eq!(us.len(), 5);
        assert_eq!(us[0].as_of_date, date("2026-01-01"));
        assert_eq!(us[4].as_of_date, date("2026-01-05"));
        assert!(us[4].current_day && !us[3].current_day);
        assert_eq!(us[0].record_timestamp, "2026-01-01T23:00:00Z");
        assert_eq!(body.account_list[2].balance_list.as_ref().unwrap().len(), 6);
    }

    #[test]
    fn future_ranges_give_gca_024_per_account() {
        let book = AccountBook::generate(2);
        let body = ask(
            &book,
            r#"{"startDate":"2026-01-06","endDate":"2026-01-07"}"#,
        )
        .unwrap();
        let entry = &body.account_list[0];
        assert_eq!(entry.error_code.as_deref(), Some("GCA-024"));
        assert_eq!(entry.error_msg.as_deref(), Some(NO_TRANSACTION_MSG));
        assert_eq!(entry.balance_list, None);
        assert_eq!(entry.bank_id, "02100002");
        assert!(entry.currency.is_some());
    }

    #[test]
    fn requested_accounts_come_back_in_order_with_unknown_ones_marked() {
        let book = AccountBook::generate(12);
        let json = r#"{"accountList":[
            {"accountId":"0041000001","bankId":"CHASGB2L"},
            {"accountId":"nope","bankId":"XYZ"},
            {"accountId":"000000010000000"},
            {"accountId":"000000010000000,0041000001"},
            {"accountId":"0041000001","bankId":"02100002"}]}"#;
        let body = ask(&book, json).unwrap();
        let list = &body.account_list;
        let ids: Vec<&str> = list.iter().map(|a| a.account_id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "0041000001",
                "nope",
                "000000010000000",
                "000000010000000,0041000001",
                "0041000001"
            ]
        );
        let codes: Vec<Option<&str>> = list.iter().map(|a| a.error_code.as_deref()).collect();
        assert_eq!(
            codes,
            [
                None,
                Some("GCA-010"),
                None,
                Some("GCA-010"),
                Some("GCA-010")
            ]
        );
        assert_eq!(list[1].bank_id, "XYZ");
        assert_eq!(list[3].bank_id, "");
        assert_eq!(
            list[1].error_msg.as_deref(),
            Some("The account was not found")
        );
        assert_eq!(list[1].balance_list, None);
    }

    #[test]
    fn nothing_known_is_a_whole_request_404() {
        let book = AccountBook::generate(12);
        let refusal = ask(
            &book,
            r#"{"accountList":[{"accountId":"1"},{"accountId":""}]}"#,
        )
        .unwrap_err();
        assert_eq!(
            (refusal.status, refusal.code),
            (StatusCode::NOT_FOUND, ACCOUNTS_NOT_FOUND)
        );
        let empty = AccountBook::generate(0);
        let refusal = ask(&empty, "{}").unwrap_err();
        assert_eq!(
            (refusal.status, refusal.code),
            (StatusCode::NOT_FOUND, NO_ELIGIBLE_ACCOUNTS)
        );
        assert_eq!(refusal.message, "No eligible accounts were found");
    }

    #[test]
    fn a_full_request_of_200_accounts_over_32_days_is_quick() {
        let book = AccountBook::generate(10_000);
        let entries: Vec<String> = book.all()[..200]
            .iter()
            .map(|a| format!(r#"{{"accountId":"{}"}}"#, a.account_id))
            .collect();
        let json = format!(
            r#"{{"startDate":"2025-12-01","endDate":"2026-01-01","accountList":[{}]}}"#,
            entries.join(",")
        );
        let started = std::time::Instant::now();
        let body = ask(&book, &json).unwrap();
        let bytes = serde_json::to_vec(&body).unwrap();
        let rows: usize = body
            .account_list
            .iter()
            .map(|a| a.balance_list.as_ref().unwrap().len())
            .sum();
        assert_eq!(rows, 200 * 32);
        assert!(bytes.len() > 100_000);
        assert!(
            started.elapsed() < std::time::Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
    }
}
