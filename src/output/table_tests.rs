//! Unit tests of the table: columns fitted to the width, totals, escaping.

use super::*;
use crate::cli::Totals as TotalsChoice;
use crate::model::{Balance, BalanceRow, Currency};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::str::FromStr;
use std::sync::Arc;

fn row(id: &str, code: &str, places: u32, amount: &str) -> BalanceRow {
    let d = Decimal::from_str(amount).unwrap();
    BalanceRow {
        account: Arc::new(Account {
            account_id: id.into(),
            account_name: "NAME".into(),
            bank_id: "B".into(),
            bank_name: "BANK".into(),
            branch_id: String::new(),
            currency: Currency {
                code: code.into(),
                decimal_places: places,
            },
        }),
        balance: Balance {
            as_of_date: NaiveDate::from_ymd_opt(2026, 1, 2).unwrap(),
            current_day: false,
            opening_available: Some(d),
            opening_ledger: Some(d),
            ending_available: Some(d),
            ending_ledger: Some(d),
            record_timestamp: String::new(),
        },
    }
}

#[test]
fn plain_tables_have_separators_totals_and_no_box_characters() {
    let report = Report {
        rows: vec![
            row("1", "USD", 2, "12223.5"),
            row("2", "USD", 2, "-4681826093.93"),
            row("3", "JPY", 0, "1500"),
        ],
        errors: vec![],
    };
    let mut out = Vec::new();
    balances(&report, &TableOptions::plain(), &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains("12,223.50") && text.contains("-4,681,826,093.93"),
        "{text}"
    );
    let usd_total = text
        .lines()
        .find(|l| l.contains("TOTAL") && l.contains("USD"))
        .unwrap();
    assert!(
        usd_total.contains("2 accounts") && usd_total.contains("-4,681,813,870.43"),
        "{usd_total}"
    );
    let jpy_total = text
        .lines()
        .find(|l| l.contains("TOTAL") && l.contains("JPY"))
        .unwrap();
    assert!(jpy_total.contains("1,500"), "{jpy_total}");
    assert!(text.is_ascii(), "{text}");
    assert!(!text.contains('\u{1b}'));
}

fn text(report: &Report, options: &TableOptions) -> String {
    let mut out = Vec::new();
    balances(report, options, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn narrow_widths_drop_columns_in_order_and_keep_numbers_whole() {
    let report = Report {
        rows: vec![row("1", "USD", 2, "-4681826093.93")],
        errors: vec![],
    };
    let header = |width: Option<usize>| {
        let options = TableOptions {
            width,
            ..TableOptions::plain()
        };
        let text = text(&report, &options);
        for line in text.lines() {
            // The four columns that always show need 65.
            assert!(
                width.is_none_or(|w| w < 65 || line.chars().count() <= w),
                "{line}"
            );
        }
        assert!(text.contains("-4,681,826,093.93"), "{text}");
        text.lines().next().unwrap().split_whitespace().count()
    };
    assert_eq!(header(None), 9);
    assert_eq!(header(Some(500)), 9);
    assert_eq!(header(Some(120)), 8, "opening_ledger goes first");
    assert_eq!(header(Some(100)), 7);
    assert_eq!(header(Some(90)), 6, "then opening_available, bank_id");
    assert_eq!(header(Some(80)), 5, "then ending_available");
    assert_eq!(header(Some(65)), 4, "then account_name");
    assert_eq!(
        header(Some(10)),
        4,
        "ids, currency, date and ending_ledger stay"
    );
}

#[test]
fn long_names_are_shortened_before_columns_go() {
    let mut long = row("1", "USD", 2, "1");
    Arc::make_mut(&mut long.account).account_name = "A VERY LONG ACCOUNT NAME INDEED".into();
    let report = Report {
        rows: vec![long],
        errors: vec![],
    };
    let wide = text(&report, &TableOptions::plain());
    let width = wide.lines().map(|l| l.chars().count()).max().unwrap();
    let options = TableOptions {
        width: Some(width - 10),
        ..TableOptions::plain()
    };
    let narrow = text(&report, &options);
    assert!(
        narrow.contains("A VERY LONG ACCOUNT… ") || narrow.contains('…'),
        "{narrow}"
    );
    assert_eq!(narrow.lines().next().unwrap().split_whitespace().count(), 9);
}

#[test]
fn totals_last_adds_each_accounts_latest_balance() {
    let mut later = row("2", "USD", 2, "5");
    later.balance.as_of_date = NaiveDate::from_ymd_opt(2026, 1, 3).unwrap();
    let report = Report {
        rows: vec![row("1", "USD", 2, "1"), later, row("3", "JPY", 0, "7")],
        errors: vec![],
    };
    let totals = |choice| {
        let options = TableOptions {
            totals: choice,
            ..TableOptions::plain()
        };
        text(&report, &options)
            .lines()
            .filter(|l| l.contains("TOTAL"))
            .map(|l| l.split_whitespace().take(5).collect::<Vec<_>>().join(" "))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        totals(TotalsChoice::Last),
        [
            "TOTAL 1 account JPY 2026-01-02",
            // Account 1 (only on Jan 2) is not left out of the USD total.
            "TOTAL 2 accounts USD 2026-01-02..2026-01-03"
        ]
    );
    assert_eq!(totals(TotalsChoice::Each).len(), 3);
    assert!(totals(TotalsChoice::None).is_empty());
}

#[test]
fn names_are_shortened_in_the_middle_so_their_ends_still_differ() {
    assert_eq!(shorten("OPERATING USD 0001", 12), "OPERAT…0001");
    assert_eq!(shorten("OPERATING USD 0002", 12), "OPERAT…0002");
    assert_eq!(shorten("SHORT", 12), "SHORT");
    for width in 2..20 {
        let cut = shorten("JPMORGAN CHASE BANK, N.A. - LONDON BRANCH", width);
        assert!(cut.width() <= width, "{cut} at {width}");
    }
    assert_eq!(shorten("日本語の口座名称です", 9).width(), 9);
}

#[test]
fn rules_on_a_terminal_are_exactly_as_wide_as_the_rows() {
    let report = Report {
        rows: vec![row("1", "USD", 2, "12223.5"), row("2", "JPY", 0, "1500")],
        errors: vec![],
    };
    let options = TableOptions {
        style: TableStyle::Terminal,
        ..TableOptions::plain()
    };
    let table = text(&report, &options);
    let widest = table
        .lines()
        .filter(|l| !l.starts_with(['─', '═']))
        .map(|l| l.width())
        .max()
        .unwrap();
    let rules: Vec<&str> = table
        .lines()
        .filter(|l| l.starts_with(['─', '═']))
        .collect();
    assert_eq!(rules.len(), 4, "{table}");
    for rule in rules {
        assert_eq!(rule.chars().count(), widest, "{table}");
    }
}

#[test]
fn totals_last_covers_every_account_and_names_the_older_ones() {
    let mut later = row("2", "USD", 2, "5");
    later.balance.as_of_date = NaiveDate::from_ymd_opt(2026, 1, 3).unwrap();
    let mut older_again = row("1", "USD", 2, "100");
    older_again.balance.as_of_date = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let report = Report {
        // Account 1 on Jan 1 and Jan 2 (its latest), account 2 on Jan 3.
        rows: vec![older_again, row("1", "USD", 2, "1"), later],
        errors: vec![],
    };
    let table = text(&report, &TableOptions::plain());
    let total = table.lines().find(|l| l.contains("TOTAL")).unwrap();
    let cells: Vec<&str> = total.split_whitespace().collect();
    assert_eq!(
        cells,
        [
            "TOTAL",
            "2",
            "accounts",
            "USD",
            "2026-01-02..2026-01-03",
            "6.00",
            "6.00",
            "6.00",
            "6.00"
        ],
        "{table}"
    );
    assert!(
        table.contains("Note: the USD total adds each account's latest balance; not dated 2026-01-03: B/1 as of 2026-01-02"),
        "{table}"
    );
}
