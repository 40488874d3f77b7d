//! The report sink's decisions, in-process over a test terminal: what a terminal gets beside
//! a pipe, a table fitted to the width, the refusal of an empty report, the summary line.

use std::str::FromStr;
use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::sink::{Reports, SinkSettings};
use crate::cli::{Format, Totals};
use crate::model::{Account, AccountError, Balance, BalanceRow, Currency};
use crate::term::{Buffers, Term, TestTerm};

fn settings(format: Option<Format>) -> SinkSettings {
    SinkSettings {
        format,
        output: None,
        allow_empty: false,
        wide: false,
        totals: Totals::Last,
    }
}

fn row(id: &str) -> BalanceRow {
    let amount = Some(Decimal::from_str("1234.5").unwrap());
    BalanceRow {
        account: Arc::new(Account {
            account_id: id.into(),
            account_name: "A rather long account name for a narrow terminal".into(),
            bank_id: "B".into(),
            bank_name: "A BANK WITH A LONG NAME".into(),
            branch_id: String::new(),
            currency: Currency {
                code: "USD".into(),
                decimal_places: 2,
            },
        }),
        balance: Balance {
            as_of_date: NaiveDate::from_ymd_opt(2026, 1, 2).unwrap(),
            current_day: false,
            opening_available: amount,
            opening_ledger: amount,
            ending_available: amount,
            ending_ledger: amount,
            record_timestamp: "2026-01-02T18:00:00Z".into(),
        },
    }
}

fn failed(id: &str) -> AccountError {
    AccountError {
        account_id: id.into(),
        bank_id: "B".into(),
        code: "MISSING".into(),
        message: "the bank's answer left this account out".into(),
    }
}

/// Streams `rows` and `errors` as `balances` does; returns what the terminal got.
fn stream(terminal: TestTerm, settings: &SinkSettings, rows: Vec<BalanceRow>) -> Buffers {
    let (term, out) = Term::test(terminal);
    let reports = Reports {
        term: &term,
        settings,
    };
    let mut writer = reports.writer(reports.open_sink().unwrap());
    writer.rows(rows).unwrap();
    writer.finish(&[failed("2")]).unwrap();
    out
}

fn widest_line(text: &str) -> usize {
    text.lines().map(|l| l.chars().count()).max().unwrap_or(0)
}

#[test]
fn a_terminal_table_fits_its_width_unless_wide() {
    let terminal = TestTerm {
        tty: true,
        width: Some(80),
        ..TestTerm::default()
    };
    let narrow = stream(terminal.clone(), &settings(None), vec![row("1")]);
    assert!(widest_line(&narrow.stdout()) <= 80, "{}", narrow.stdout());
    let wide = SinkSettings {
        wide: true,
        ..settings(None)
    };
    let wide = stream(terminal, &wide, vec![row("1")]);
    assert!(widest_line(&wide.stdout()) > 80, "{}", wide.stdout());
}

#[test]
fn only_a_terminal_gets_the_summary_of_failed_accounts() {
    let terminal = TestTerm {
        tty: true,
        width: Some(200),
        ..TestTerm::default()
    };
    let shown = stream(terminal, &settings(None), vec![row("1")]);
    assert_eq!(shown.stderr(), "1 of 2 accounts has errors, listed above\n");
    let piped = stream(
        TestTerm::default(),
        &settings(Some(Format::Csv)),
        vec![row("1")],
    );
    assert_eq!(piped.stderr(), "");
    assert!(
        piped.stdout().starts_with("account_id,"),
        "{}",
        piped.stdout()
    );
    assert_eq!(piped.stdout().lines().count(), 2);
}

#[test]
fn a_report_without_rows_is_refused_unless_allowed() {
    let (term, out) = Term::test(TestTerm::default());
    let refusing = settings(Some(Format::Csv));
    let reports = Reports {
        term: &term,
        settings: &refusing,
    };
    let writer = reports.writer(reports.open_sink().unwrap());
    let refused = writer.finish(&[failed("2")]).unwrap_err();
    assert_eq!(refused.exit_code(), 5, "{refused}");
    assert!(refused
        .to_string()
        .contains("every account came back with an error"));
    assert_eq!(out.stdout(), "");
    let allowing = SinkSettings {
        allow_empty: true,
        ..refusing
    };
    let reports = Reports {
        term: &term,
        settings: &allowing,
    };
    let writer = reports.writer(reports.open_sink().unwrap());
    writer.finish(&[failed("2")]).unwrap();
    assert!(out.stdout().starts_with("account_id,"), "{}", out.stdout());
}

#[test]
fn bank_files_are_refused_for_documents_that_are_not_balances() {
    let (term, _) = Term::test(TestTerm::default());
    let bai2 = settings(Some(Format::Bai2));
    let reports = Reports {
        term: &term,
        settings: &bai2,
    };
    let refused = reports.open_sink().err().unwrap();
    assert_eq!(refused.exit_code(), 2);
    assert!(refused
        .to_string()
        .contains("only 'balances', 'position' and 'history'"));
}
