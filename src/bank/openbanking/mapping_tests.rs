//! The mapping pinned: balance-type precedence, Debit negative, exact amounts, same-host links.

use super::client::next_url;
use super::mapping::*;
use super::wire::{AccountRecord, Amount, BalanceRecord};
use crate::model::format_amount;
use reqwest::Url;

fn balance(kind: &str, amount: &str, sign: &str) -> BalanceRecord {
    BalanceRecord {
        account_id: "A1".into(),
        amount: Amount {
            amount: amount.into(),
            currency: "GBP".into(),
        },
        credit_debit_indicator: sign.into(),
        balance_type: kind.into(),
        date_time: "2026-11-30T23:30:00+01:00".into(),
        credit_line: Vec::new(),
    }
}

fn account() -> AccountRecord {
    AccountRecord {
        account_id: "A1".into(),
        currency: Some("GBP".into()),
        ..Default::default()
    }
}

#[test]
fn interim_wins_over_closing_and_expected_comes_last() {
    let all = [
        balance("ClosingBooked", "2.00", "Credit"),
        balance("InterimBooked", "1.00", "Credit"),
        balance("Expected", "9.00", "Credit"),
        balance("ClosingAvailable", "3.00", "Credit"),
    ];
    let refs: Vec<&BalanceRecord> = all.iter().collect();
    let b = balance_of(&refs).unwrap();
    assert_eq!(format_amount(b.ending_ledger.unwrap(), 2), "1.00");
    assert_eq!(format_amount(b.ending_available.unwrap(), 2), "3.00");
    let only_expected = [balance("Expected", "9.00", "Credit")];
    let refs: Vec<&BalanceRecord> = only_expected.iter().collect();
    let b = balance_of(&refs).unwrap();
    assert_eq!(format_amount(b.ending_available.unwrap(), 2), "9.00");
    // No booked balance: absent, never zero.
    assert_eq!(b.ending_ledger, None);
}

#[test]
fn openings_map_to_their_own_fields() {
    let all = [
        balance("OpeningBooked", "5.00", "Credit"),
        balance("OpeningAvailable", "4.00", "Credit"),
    ];
    let refs: Vec<&BalanceRecord> = all.iter().collect();
    let b = balance_of(&refs).unwrap();
    assert_eq!(format_amount(b.opening_ledger.unwrap(), 2), "5.00");
    assert_eq!(format_amount(b.opening_available.unwrap(), 2), "4.00");
}

#[test]
fn debit_is_negative_and_amounts_stay_exact() {
    assert_eq!(
        signed_amount(&balance("ClosingBooked", "1547.62", "Debit"))
            .unwrap()
            .to_string(),
        "-1547.62"
    );
    assert_eq!(
        signed_amount(&balance("ClosingBooked", "0.00", "Debit"))
            .unwrap()
            .to_string(),
        "0.00"
    );
    assert_eq!(
        signed_amount(&balance("ClosingBooked", "9007199254740993.01", "Credit"))
            .unwrap()
            .to_string(),
        "9007199254740993.01"
    );
    assert_eq!(
        signed_amount(&balance("ClosingBooked", "1.005", "Credit"))
            .unwrap()
            .to_string(),
        "1.005"
    );
    assert!(signed_amount(&balance("ClosingBooked", "1e3", "Credit")).is_err());
    assert!(signed_amount(&balance("ClosingBooked", "1.00", "Sideways")).is_err());
}

#[test]
fn date_time_becomes_utc_date_and_timestamp() {
    let all = [balance("InterimBooked", "1.00", "Credit")];
    let refs: Vec<&BalanceRecord> = all.iter().collect();
    let b = balance_of(&refs).unwrap();
    assert_eq!(b.as_of_date.to_string(), "2026-11-30");
    assert_eq!(b.record_timestamp, "2026-11-30T22:30:00Z");
    let late = [BalanceRecord {
        date_time: "2026-12-01T00:30:00+01:00".into(),
        ..balance("InterimBooked", "1.00", "Credit")
    }];
    let refs: Vec<&BalanceRecord> = late.iter().collect();
    assert_eq!(
        balance_of(&refs).unwrap().as_of_date.to_string(),
        "2026-11-30"
    );
}

#[test]
fn an_account_without_usable_balances_is_a_per_account_error() {
    let report = into_report(
        &[account()],
        &[balance("Information", "1.00", "Credit")],
        &[],
    );
    assert!(report.rows.is_empty());
    assert_eq!(report.errors[0].code, "UNREADABLE");
    assert!(report.errors[0].message.contains("Information"));
    let none = into_report(&[account()], &[], &[]);
    assert_eq!(none.errors[0].code, "NO-DATA");
}

#[test]
fn next_links_are_followed_on_the_same_host_only() {
    let here = Url::parse("https://ob.bank.example/open-banking/v3.1/aisp/accounts").unwrap();
    assert_eq!(
        next_url(
            &here,
            "https://ob.bank.example/open-banking/v3.1/aisp/accounts?page=2"
        )
        .unwrap()
        .as_str(),
        "https://ob.bank.example/open-banking/v3.1/aisp/accounts?page=2"
    );
    assert_eq!(
        next_url(&here, "accounts?page=3").unwrap().as_str(),
        "https://ob.bank.example/open-banking/v3.1/aisp/accounts?page=3"
    );
    for elsewhere in [
        "https://evil.example/accounts?page=2",
        "http://ob.bank.example/open-banking/v3.1/aisp/accounts?page=2",
        "https://ob.bank.example:8443/accounts?page=2",
    ] {
        let err = next_url(&here, elsewhere).unwrap_err();
        assert_eq!(err.exit_code(), 6, "{elsewhere}");
        assert!(err.to_string().contains("another host"), "{err}");
    }
}

fn at(mut b: BalanceRecord, date_time: &str) -> BalanceRecord {
    b.date_time = date_time.into();
    b
}

#[test]
fn the_newest_balance_of_a_type_wins_and_rows_are_dated_by_their_own_balances() {
    let all = [
        at(
            balance("InterimAvailable", "1.00", "Credit"),
            "2026-11-30T08:00:00Z",
        ),
        at(
            balance("InterimAvailable", "2.00", "Credit"),
            "2026-11-30T12:00:00Z",
        ),
        at(
            balance("ClosingBooked", "7.00", "Credit"),
            "2026-11-29T23:59:00Z",
        ),
    ];
    let report = into_report(&[account()], &all, &[]);
    let rows: Vec<(String, String, Option<String>, Option<String>)> = report
        .rows
        .iter()
        .map(|r| {
            let b = &r.balance;
            (
                b.as_of_date.to_string(),
                b.record_timestamp.clone(),
                b.ending_available.map(|a| a.to_string()),
                b.ending_ledger.map(|a| a.to_string()),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (
                "2026-11-29".into(),
                "2026-11-29T23:59:00Z".into(),
                None,
                Some("7.00".into())
            ),
            (
                "2026-11-30".into(),
                "2026-11-30T12:00:00Z".into(),
                Some("2.00".into()),
                None
            ),
        ]
    );
}

#[test]
fn a_balance_in_another_currency_is_an_error_never_the_accounts_currency() {
    let mut euro = balance("InterimAvailable", "5.00", "Credit");
    euro.amount.currency = "EUR".into();
    let report = into_report(
        &[account()],
        &[balance("InterimBooked", "1.00", "Credit"), euro],
        &[],
    );
    assert_eq!(report.rows.len(), 1);
    assert_eq!(report.rows[0].account.currency.code, "GBP");
    assert_eq!(report.rows[0].balance.ending_available, None);
    assert_eq!(report.errors[0].code, "OTHER-CURRENCY");
    assert!(report.errors[0].message.contains("InterimAvailable in EUR"));
}

#[test]
fn balances_of_an_account_the_listing_left_out_are_reported() {
    let mut other = balance("InterimBooked", "3.00", "Credit");
    other.account_id = "A9".into();
    let report = into_report(
        &[account()],
        &[balance("InterimBooked", "1.00", "Credit"), other],
        &[],
    );
    let ids: Vec<&str> = report
        .rows
        .iter()
        .map(|r| r.account.account_id.as_str())
        .collect();
    assert_eq!(ids, ["A1", "A9"]);
}
