//! A streamed report is the whole report: for generated answers (accounts left out, per-account
//! errors, repeated rows, accounts asked for by id alone and with their bank in other batches,
//! accounts nobody asked for) arriving in any order, the rows the stream hands on, rendered as
//! they come, are byte for byte what merging every answer at the end renders, in every format.

use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use proptest::prelude::*;
use rust_decimal::Decimal;
use treasury::bank::{complete, dedupe_rows, merge, Stream};
use treasury::cli::Format;
use treasury::model::{Account, AccountError, Balance, BalanceRow, Currency, Report};
use treasury::output::{render, BalanceWriter, Document, TableOptions, TableStyle};
use treasury::query::{AccountRef, BalanceRequest, DateSpan};

/// What the bank answers for one account of one request.
#[derive(Debug, Clone)]
enum Answer {
    Rows { days: Vec<u32>, bank: Option<u8> },
    Error,
    Left,
}

fn answer() -> impl Strategy<Value = Answer> {
    prop_oneof![
        6 => (proptest::collection::vec(0u32..4, 0..5), proptest::option::of(0u8..2))
            .prop_map(|(days, bank)| Answer::Rows { days, bank }),
        1 => Just(Answer::Error),
        1 => Just(Answer::Left),
    ]
}

#[derive(Debug, Clone)]
struct Case {
    /// (bank given?, bank, id) per account of the order.
    order: Vec<AccountRef>,
    batch: usize,
    windows: usize,
    /// Per request, per account of its batch, the answer; then whether an unasked account
    /// comes along.
    answers: Vec<(Vec<Answer>, bool)>,
    arrival: Vec<usize>,
}

fn case() -> impl Strategy<Value = Case> {
    (
        proptest::collection::vec((proptest::option::of(0u8..2), 0u8..6), 0..9),
        1usize..4,
        1usize..4,
    )
        .prop_flat_map(|(keys, batch, windows)| {
            let mut order: Vec<AccountRef> = Vec::new();
            for (bank, id) in keys {
                let account = AccountRef {
                    bank_id: bank.map(|b| format!("B{b}")),
                    account_id: id.to_string(),
                };
                if !order.contains(&account) {
                    order.push(account);
                }
            }
            let batches = if order.is_empty() {
                vec![0]
            } else {
                order.chunks(batch).map(<[AccountRef]>::len).collect()
            };
            let per_request: Vec<usize> = batches
                .iter()
                .flat_map(|&len| std::iter::repeat_n(len.max(2), windows))
                .collect();
            let requests = per_request.len();
            let answers = per_request
                .into_iter()
                .map(|len| (proptest::collection::vec(answer(), len), any::<bool>()))
                .collect::<Vec<_>>();
            (
                Just(order),
                Just(batch),
                Just(windows),
                answers,
                Just((0..requests).collect::<Vec<usize>>()).prop_shuffle(),
            )
        })
        .prop_map(|(order, batch, windows, answers, arrival)| Case {
            order,
            batch,
            windows,
            answers,
            arrival,
        })
}

fn requests(case: &Case) -> Vec<BalanceRequest> {
    let batches: Vec<Vec<AccountRef>> = match case.order.is_empty() {
        true => vec![Vec::new()],
        false => case.order.chunks(case.batch).map(<[_]>::to_vec).collect(),
    };
    let mut requests = Vec::new();
    for batch in batches {
        for w in 0..case.windows {
            let from = day(w as u32 * 4);
            let to = day(w as u32 * 4 + 3);
            requests.push(BalanceRequest {
                span: DateSpan::Range { from, to },
                accounts: batch.clone().into(),
            });
        }
    }
    requests
}

fn day(offset: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 1 + offset).unwrap()
}

fn account(bank: &str, id: &str) -> Arc<Account> {
    Arc::new(Account {
        account_id: id.into(),
        account_name: format!("Name, \"{id}\""),
        bank_id: bank.into(),
        bank_name: "Bank".into(),
        branch_id: String::new(),
        currency: Currency {
            code: "USD".into(),
            decimal_places: 2,
        },
    })
}

fn row(account: &Arc<Account>, date: NaiveDate) -> BalanceRow {
    // The amounts depend only on account and date: repeats are duplicates, never conflicts.
    let seed = Decimal::from(date.ordinal()) + Decimal::new(account.account_id.len() as i64, 2);
    BalanceRow {
        account: Arc::clone(account),
        balance: Balance {
            as_of_date: date,
            current_day: false,
            opening_available: Some(seed),
            opening_ledger: Some(-seed),
            ending_available: Some(seed * Decimal::new(3, 0)),
            ending_ledger: Some(Decimal::new(150_000, 2)),
            record_timestamp: format!("{date}T18:00:00Z"),
        },
    }
}

/// The bank's answer to request `index`, completed with MISSING errors as the bank module does.
fn report(case: &Case, requests: &[BalanceRequest], index: usize) -> Report {
    let request = &requests[index];
    let (answers, stranger) = &case.answers[index];
    let window = index % case.windows;
    let mut report = Report::default();
    // With no accounts named the bank's own list: a few accounts of its choosing.
    let asked: Vec<AccountRef> = match request.accounts.is_empty() {
        true => ["7", "3"]
            .iter()
            .map(|id| AccountRef {
                bank_id: Some("B0".into()),
                account_id: id.to_string(),
            })
            .collect(),
        false => request.accounts.to_vec(),
    };
    for (asked, answer) in asked.iter().zip(answers) {
        match answer {
            Answer::Rows { days, bank } => {
                let bank = match (&asked.bank_id, bank) {
                    (Some(given), _) => given.clone(),
                    (None, Some(b)) => format!("B{b}"),
                    (None, None) => "B9".into(),
                };
                let shared = account(&bank, &asked.account_id);
                for offset in days {
                    report
                        .rows
                        .push(row(&shared, day(window as u32 * 4 + offset)));
                }
            }
            Answer::Error => report.errors.push(AccountError {
                account_id: asked.account_id.clone(),
                bank_id: asked.bank_id.clone().unwrap_or_default(),
                code: "GCA-010".into(),
                message: "The account was not found".into(),
            }),
            Answer::Left => {}
        }
    }
    if *stranger {
        report
            .rows
            .push(row(&account("Z", "99"), day(window as u32 * 4)));
    }
    complete(report, &request.accounts)
}

fn render_whole(report: &Report, format: Format) -> Vec<u8> {
    let mut out = Vec::new();
    render(
        &Document::Balances(report),
        format,
        TableStyle::Plain,
        &mut out,
    )
    .unwrap();
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn streamed_output_is_the_whole_report(case in case()) {
        let requests = requests(&case);
        let answers: Vec<Report> = (0..requests.len()).map(|i| report(&case, &requests, i)).collect();

        let whole = dedupe_rows(merge(answers.iter().cloned(), &case.order)).unwrap();

        let formats = [Format::Csv, Format::Json, Format::Ndjson, Format::Table];
        let mut writers: Vec<BalanceWriter<Vec<u8>>> = formats
            .iter()
            .map(|&f| BalanceWriter::new(f, TableOptions::plain(), Vec::new()))
            .collect();
        let mut stream = Stream::new(&requests, &case.order);
        let mut warnings = Vec::new();
        let mut rows = Vec::new();
        for &index in &case.arrival {
            for flush in stream.add(index, answers[index].clone()).unwrap() {
                warnings.extend(flush.warnings);
                for writer in &mut writers {
                    writer.rows(flush.rows.clone()).unwrap();
                }
                rows.extend(flush.rows);
            }
        }
        let errors = stream.finish();
        prop_assert_eq!(&rows, &whole.report.rows);
        prop_assert_eq!(&errors, &whole.report.errors);
        prop_assert_eq!(&warnings, &whole.warnings);
        for (writer, format) in writers.into_iter().zip(formats) {
            let streamed = writer.finish(&errors).unwrap();
            let expected = render_whole(&whole.report, format);
            prop_assert_eq!(
                String::from_utf8(streamed).unwrap(),
                String::from_utf8(expected).unwrap(),
                "{:?}", format
            );
        }
    }
}
