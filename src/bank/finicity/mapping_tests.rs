//! The Finicity mapping on Finicity-shaped JSON: exact amounts, minor units, dates, pending and
//! stale accounts, selection.

use super::mapping::*;
use super::wire::CustomerAccounts;
use super::LIMITS;
use crate::model::format_amount;
use crate::query::check_supported;
use crate::query::{AccountRef, DateSpan};

/// The spec's own example (Get Customer Accounts), plus a detail, a pending and a stale record.
const BODY: &str = r#"{"accounts":[
 {"id":"2055","number":"XXXX-XXXXXX-32765","name":"Checking","balance":1266.49,"type":"checking",
  "aggregationStatusCode":0,"status":"active","customerId":"41442","institutionId":"101732",
  "balanceDate":1422421087,"aggregationSuccessDate":1422399293,"aggregationAttemptDate":1422395888,
  "createdDate":1422395818,"currency":"USD","lastTransactionDate":1422421087,
  "institutionLoginId":9764,"displayPosition":1,"detail":{"availableBalanceAmount":1200.10}},
 {"id":"5027","number":"XXXX-XXXXXX-36174","name":"Credit Card","balance":-1547.62,"type":"creditCard",
  "aggregationStatusCode":0,"status":"active","customerId":"41442","institutionId":"101732",
  "balanceDate":1422342000,"currency":"USD","institutionLoginId":9764,"displayPosition":2},
 {"id":"6001","number":"XXXX-1234","name":"New Savings","type":"savings","status":"pending","balance":50.00},
 {"id":"7001","name":"Payroll","balance":98765.40,"type":"checking","status":"active",
  "aggregationStatusCode":185,"institutionId":"101732","balanceDate":1767938400,
  "aggregationSuccessDate":1767938400,"aggregationAttemptDate":1768467600,"currency":"USD"}
]}"#;

fn body(text: &str) -> CustomerAccounts {
    serde_json::from_str(text).unwrap()
}

fn one(record: &str) -> CustomerAccounts {
    body(&format!(r#"{{"accounts":[{record}]}}"#))
}

fn want(bank: Option<&str>, id: &str) -> AccountRef {
    AccountRef {
        bank_id: bank.map(str::to_string),
        account_id: id.to_string(),
    }
}

#[test]
fn the_specs_example_maps_field_by_field() {
    let report = into_report(&body(BODY));
    let checking = &report.rows[0];
    assert_eq!(checking.account.account_id, "2055");
    assert_eq!(checking.account.account_name, "Checking");
    assert_eq!(checking.account.bank_id, "101732");
    assert_eq!(checking.account.bank_name, "");
    assert_eq!(checking.account.currency.code, "USD");
    assert_eq!(checking.account.currency.decimal_places, 2);
    let b = &checking.balance;
    assert_eq!(format_amount(b.ending_ledger.unwrap(), 2), "1266.49");
    assert_eq!(format_amount(b.ending_available.unwrap(), 2), "1200.10");
    // Finicity has no opening balances: absent, never zero.
    assert_eq!(b.opening_ledger, None);
    assert_eq!(b.opening_available, None);
    assert!(b.current_day);
    // 1422421087 = 2015-01-28T04:58:07Z.
    assert_eq!(b.as_of_date.to_string(), "2015-01-28");
    assert_eq!(b.record_timestamp, "2015-01-28T04:58:07Z");
}

#[test]
fn liabilities_stay_negative_and_a_missing_available_is_absent() {
    let report = into_report(&body(BODY));
    let card = &report.rows[1];
    assert_eq!(card.account.account_id, "5027");
    assert_eq!(
        format_amount(card.balance.ending_ledger.unwrap(), 2),
        "-1547.62"
    );
    // No detail.availableBalanceAmount: absent, never zero nor a copy of the ledger balance.
    assert_eq!(card.balance.ending_available, None);
    // 1422342000 = 2015-01-27T07:00:00Z: the UTC date, not a local one.
    assert_eq!(card.balance.as_of_date.to_string(), "2015-01-27");
}

#[test]
fn pending_accounts_are_listed_as_such_and_have_no_row() {
    let parsed = body(BODY);
    let listed = into_accounts(&parsed);
    assert_eq!(listed.len(), 4);
    assert_eq!(listed[2].account_name, "New Savings (pending)");
    assert_eq!(listed[2].bank_id, "");
    let report = into_report(&parsed);
    assert!(report.rows.iter().all(|r| r.account.account_id != "6001"));
    let pending = report
        .errors
        .iter()
        .find(|e| e.account_id == "6001")
        .unwrap();
    assert_eq!(pending.code, "PENDING");
    assert!(
        pending.message.contains("pending activation"),
        "{}",
        pending.message
    );
}

#[test]
fn a_failed_aggregation_keeps_the_row_and_says_since_when() {
    let report = into_report(&body(BODY));
    let row = report.rows.iter().find(|r| r.account.account_id == "7001");
    assert_eq!(
        format_amount(row.unwrap().balance.ending_ledger.unwrap(), 2),
        "98765.40"
    );
    let stale = report
        .errors
        .iter()
        .find(|e| e.account_id == "7001")
        .unwrap();
    assert_eq!(stale.code, "AGGREGATION-185");
    assert_eq!(stale.bank_id, "101732");
    assert_eq!(
        stale.message,
        "Finicity's last aggregation failed (aggregationStatusCode 185, attempted \
         2026-01-15T09:00:00Z); the balance may be stale: last successful aggregation \
         2026-01-09T06:00:00Z"
    );
    assert_eq!(report.errors.len(), 2, "{:?}", report.errors);
}

#[test]
fn minor_units_come_from_iso_4217() {
    let yen = into_report(&one(
        r#"{"id":"1","balance":1500000,"currency":"JPY","balanceDate":1767938400}"#,
    ));
    let account = &yen.rows[0].account;
    assert_eq!(account.currency.decimal_places, 0);
    assert_eq!(
        format_amount(yen.rows[0].balance.ending_ledger.unwrap(), 0),
        "1500000"
    );
    assert_eq!(yen.rows[0].balance.ending_available, None);
    let dinar = into_report(&one(
        r#"{"id":"2","balance":12500.125,"currency":"bhd","balanceDate":1767938400}"#,
    ));
    let account = &dinar.rows[0].account;
    assert_eq!(
        (
            account.currency.code.as_str(),
            account.currency.decimal_places
        ),
        ("BHD", 3)
    );
    assert_eq!(
        format_amount(dinar.rows[0].balance.ending_ledger.unwrap(), 3),
        "12500.125"
    );
    assert_eq!(dinar.rows[0].balance.opening_ledger, None);
}

#[test]
fn an_unknown_currency_gets_two_places_and_keeps_every_digit() {
    let odd = into_report(&one(
        r#"{"id":"1","balance":10.12345,"currency":"ZZZ","balanceDate":1767938400}"#,
    ));
    let account = &odd.rows[0].account;
    assert_eq!(
        (
            account.currency.code.as_str(),
            account.currency.decimal_places
        ),
        ("ZZZ", 2)
    );
    assert_eq!(
        format_amount(odd.rows[0].balance.ending_ledger.unwrap(), 2),
        "10.12345"
    );
    assert_eq!(currency_of(None).decimal_places, FALLBACK_DECIMAL_PLACES);
    assert_eq!(
        currency_of(Some("XAU")).decimal_places,
        FALLBACK_DECIMAL_PLACES
    );
}

#[test]
fn amounts_are_exact_beyond_floats_and_refused_beyond_decimals() {
    let big = into_report(&one(
        r#"{"id":"1","balance":9007199254740993.01,"currency":"USD","balanceDate":1767938400}"#,
    ));
    assert_eq!(
        format_amount(big.rows[0].balance.ending_ledger.unwrap(), 2),
        "9007199254740993.01"
    );
    let err = serde_json::from_str::<CustomerAccounts>(
        r#"{"accounts":[{"id":"1","balance":1234567890123456789012345678.91}]}"#,
    )
    .unwrap_err();
    assert!(err.to_string().contains("cannot be held exactly"), "{err}");
}

#[test]
fn an_active_record_without_balance_date_is_no_data() {
    let report = into_report(&one(r#"{"id":"1","status":"active","balance":1.00}"#));
    assert!(report.rows.is_empty());
    assert_eq!(report.errors[0].code, "NO-DATA");
}

#[test]
fn selection_filters_orders_and_names_unknown_ids() {
    let report = into_report(&body(BODY));
    let wanted = [
        want(None, "5027"),
        want(Some("101732"), "2055"),
        want(Some("999"), "2055"),
        want(None, "6001"),
        want(None, "nope"),
    ];
    let selected = select(report, &wanted, "41442");
    let ids: Vec<_> = selected
        .rows
        .iter()
        .map(|r| r.account.account_id.as_str())
        .collect();
    assert_eq!(ids, ["5027", "2055"]);
    let errors: Vec<_> = selected
        .errors
        .iter()
        .map(|e| format!("{}/{} {}", e.bank_id, e.account_id, e.code))
        .collect();
    assert_eq!(
        errors,
        ["999/2055 NOT-FOUND", "/6001 PENDING", "/nope NOT-FOUND"]
    );
    assert_eq!(
        selected.errors[2].message,
        "Finicity does not list account nope for customer 41442: run 'treasury accounts' to see the ones it does"
    );
    let (kept, missing) = select_accounts(into_accounts(&body(BODY)), &wanted[3..], "41442");
    assert_eq!(kept.len(), 1);
    assert_eq!(missing[0].account_id, "nope");
}

#[test]
fn no_selection_keeps_everything() {
    let all = into_report(&body(BODY));
    assert_eq!(select(all.clone(), &[], "41442"), all);
}

#[test]
fn only_the_current_balance_is_offered() {
    assert!(check_supported(DateSpan::CurrentDay, &LIMITS).is_ok());
    let err = check_supported(DateSpan::PriorDay, &LIMITS).unwrap_err();
    assert_eq!(err.exit_code(), 2);
    assert_eq!(
        err.to_string(),
        "provider 'finicity' cannot give prior-day balances"
    );
    assert_eq!(err.hint().as_deref(), Some(LIMITS.dates_hint));
    let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let range = DateSpan::Range { from: day, to: day };
    assert_eq!(check_supported(range, &LIMITS).unwrap_err().exit_code(), 2);
}

#[test]
fn balance_dates_in_milliseconds_are_read_and_zero_or_negative_ones_are_no_time() {
    let millis = into_report(&one(
        r#"{"id":"1","balance":5,"currency":"USD","balanceDate":1767938400000}"#,
    ));
    assert_eq!(
        millis.rows[0].balance.record_timestamp,
        "2026-01-09T06:00:00Z"
    );
    for bad in ["0", "-1"] {
        let report = into_report(&one(&format!(
            r#"{{"id":"1","balance":5,"currency":"USD","balanceDate":{bad}}}"#
        )));
        assert!(report.rows.is_empty(), "{bad}");
        assert_eq!(report.errors[0].code, "BAD-DATE");
        assert!(report.errors[0].message.contains(bad), "{bad}");
    }
}

#[test]
fn a_pending_record_is_never_a_row_even_with_a_balance_date() {
    let report = into_report(&one(
        r#"{"id":"1","status":"pending","balance":5,"currency":"USD","balanceDate":1767938400}"#,
    ));
    assert!(report.rows.is_empty());
    assert_eq!(report.errors[0].code, "PENDING");
}
