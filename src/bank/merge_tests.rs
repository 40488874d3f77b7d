//! The merge of several answers: order, MISSING, duplicates, request labels.

use std::sync::Arc;

use super::merge::*;

use crate::model::{Account, AccountError, Report};
use crate::model::{Balance, BalanceRow, Currency};
use crate::query::{AccountRef, BalanceRequest, DateSpan};
use chrono::NaiveDate;

fn row(bank: &str, id: &str, day: u32) -> BalanceRow {
    BalanceRow {
        account: Arc::new(Account {
            account_id: id.into(),
            account_name: String::new(),
            bank_id: bank.into(),
            bank_name: String::new(),
            branch_id: String::new(),
            currency: Currency {
                code: "USD".into(),
                decimal_places: 2,
            },
        }),
        balance: Balance {
            as_of_date: NaiveDate::from_ymd_opt(2026, 1, day).unwrap(),
            current_day: false,
            opening_available: Default::default(),
            opening_ledger: Default::default(),
            ending_available: Default::default(),
            ending_ledger: Default::default(),
            record_timestamp: String::new(),
        },
    }
}

fn keys(report: &Report) -> Vec<String> {
    report
        .rows
        .iter()
        .map(|r| {
            format!(
                "{}/{}@{}",
                r.account.bank_id,
                r.account.account_id,
                r.balance.as_of_date.format("%d")
            )
        })
        .collect()
}

#[test]
fn rows_follow_the_given_order_then_dates() {
    let order = vec![
        AccountRef {
            bank_id: None,
            account_id: "2".into(),
        },
        AccountRef {
            bank_id: Some("B".into()),
            account_id: "1".into(),
        },
    ];
    let first_window = Report {
        rows: vec![row("B", "1", 2), row("B", "1", 1), row("B", "2", 1)],
        errors: vec![],
    };
    let second_window = Report {
        rows: vec![row("B", "2", 3), row("B", "1", 3)],
        errors: vec![],
    };
    let merged = merge([first_window, second_window], &order);
    assert_eq!(
        keys(&merged),
        ["B/2@01", "B/2@03", "B/1@01", "B/1@02", "B/1@03"]
    );
}

fn acct(bank: Option<&str>, id: &str) -> AccountRef {
    AccountRef {
        bank_id: bank.map(String::from),
        account_id: id.into(),
    }
}

#[test]
fn requested_accounts_left_out_become_missing_errors() {
    let answer = Report {
        rows: vec![row("B", "1", 1)],
        errors: vec![AccountError {
            account_id: "2".into(),
            bank_id: "B".into(),
            code: "GCA-010".into(),
            message: String::new(),
        }],
    };
    let requested = [
        acct(None, "1"),
        acct(Some("B"), "1"),
        acct(Some("C"), "1"),
        acct(None, "2"),
        acct(Some("D"), "3"),
    ];
    let report = complete(answer, &requested);
    let missing: Vec<(String, String)> = report
        .errors
        .iter()
        .filter(|e| e.code == MISSING)
        .map(|e| (e.bank_id.clone(), e.account_id.clone()))
        .collect();
    assert_eq!(
        missing,
        [("C".into(), "1".into()), ("D".into(), "3".into())]
    );
    // A request for every account cannot leave one out.
    assert!(complete(Report::default(), &[]).errors.is_empty());
}

#[test]
fn an_answer_without_bank_id_answers_a_request_with_one() {
    // FDX and open banking have no bank ids: `-a BANK/ID` is answered by the id alone.
    let answer = Report {
        rows: vec![row("", "chk-1", 1)],
        errors: vec![],
    };
    let report = complete(answer, &[acct(Some("CHASUS33"), "chk-1")]);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
}

#[test]
fn duplicate_rows_are_dropped_once_and_conflicts_refused() {
    let report = Report {
        rows: vec![
            row("B", "1", 1),
            row("B", "1", 1),
            row("C", "1", 1),
            row("B", "1", 2),
        ],
        errors: vec![],
    };
    let fetched = dedupe_rows(report).unwrap();
    assert_eq!(keys(&fetched.report), ["B/1@01", "C/1@01", "B/1@02"]);
    assert_eq!(fetched.warnings.len(), 1);
    assert!(fetched.warnings[0]
        .starts_with("account B/1 came back more than once (1 duplicate row dropped)"));
    let mut other = row("B", "1", 1);
    other.balance.ending_ledger = Some(rust_decimal::Decimal::ONE);
    let conflict = Report {
        rows: vec![row("B", "1", 1), other],
        errors: vec![],
    };
    let err = dedupe_rows(conflict).unwrap_err();
    assert_eq!(err.exit_code(), 6);
    assert!(
        err.to_string().contains("B/1 on 2026-01-01 more than once"),
        "{err}"
    );
}

#[test]
fn requests_are_labelled_by_window_and_batch() {
    let order: Vec<AccountRef> = (0..450).map(|i| acct(None, &i.to_string())).collect();
    let span = DateSpan::Range {
        from: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        to: NaiveDate::from_ymd_opt(2026, 1, 31).unwrap(),
    };
    let request = BalanceRequest {
        span,
        accounts: order[200..400].to_vec().into(),
    };
    assert_eq!(
        request_label(&request, &order),
        "window 2026-01-01..2026-01-31, accounts 201-400 of 450"
    );
    let last = BalanceRequest {
        span: DateSpan::PriorDay,
        accounts: order[449..].to_vec().into(),
    };
    assert_eq!(
        request_label(&last, &order),
        "prior day, account 450 of 450"
    );
    let all = BalanceRequest {
        span,
        accounts: Default::default(),
    };
    assert_eq!(
        request_label(&all, &[]),
        "window 2026-01-01..2026-01-31, all accounts"
    );
}

#[test]
fn without_an_order_the_banks_order_stays() {
    let report = Report {
        rows: vec![row("B", "9", 2), row("B", "3", 1), row("B", "9", 1)],
        errors: vec![],
    };
    assert_eq!(keys(&merge([report], &[])), ["B/9@01", "B/9@02", "B/3@01"]);
}
