//! Parse and render throughput: one full-size answer (200 accounts x 31 days, built from J.P.
//! Morgan's own mock) parsed into the report and written as CSV, in MB/s of response JSON.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use treasury::bank::jpmorgan::{into_report, parse_body, ResponseBody};
use treasury::cli::Format;
use treasury::output::{render, Document, TableStyle};

const FIXTURE: &str = include_str!("../tests/fixtures/jpm-mock-balances-44-accounts.json");

/// 200 accounts with 31 balances each, amounts varied so no two rows are alike.
fn full_size_answer() -> Vec<u8> {
    let mock: ResponseBody = serde_json::from_str(FIXTURE).expect("the fixture parses");
    let template = mock
        .account_list
        .iter()
        .find(|a| a.balance_list.as_ref().is_some_and(|b| !b.is_empty()))
        .expect("the fixture has balances")
        .clone();
    let mut body = ResponseBody::default();
    for account in 0..200u32 {
        let mut entry = template.clone();
        entry.account_id = format!("{:015}", 10_000_000 + account);
        let first = entry.balance_list.as_ref().expect("balances")[0].clone();
        entry.balance_list = Some(
            (0..31u32)
                .map(|day| {
                    let mut balance = first.clone();
                    balance.as_of_date = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()
                        + chrono::Days::new(day.into());
                    let bump = rust_decimal::Decimal::new(i64::from(account * 31 + day) * 101, 2);
                    balance.opening_available_amount =
                        balance.opening_available_amount.map(|a| a + bump);
                    balance.ending_ledger_amount = balance.ending_ledger_amount.map(|a| a - bump);
                    balance
                })
                .collect(),
        );
        body.account_list.push(entry);
    }
    serde_json::to_vec(&body).expect("serialises")
}

fn parse_and_render(c: &mut Criterion) {
    let answer = full_size_answer();
    let mut group = c.benchmark_group("answer_to_csv");
    group.throughput(Throughput::Bytes(answer.len() as u64));
    group.bench_function("200x31", |b| {
        b.iter(|| {
            let body = parse_body(&answer).expect("parses");
            let report = into_report(body);
            let mut out = Vec::with_capacity(answer.len());
            render(
                &Document::Balances(&report),
                Format::Csv,
                TableStyle::Plain,
                &mut out,
            )
            .expect("renders");
            out
        })
    });
    let report = into_report(parse_body(&answer).expect("parses"));
    group.bench_function("parse_only", |b| {
        b.iter(|| into_report(parse_body(&answer).expect("parses")))
    });
    group.bench_function("render_only", |b| {
        b.iter(|| {
            let mut out = Vec::with_capacity(answer.len());
            render(
                &Document::Balances(&report),
                Format::Csv,
                TableStyle::Plain,
                &mut out,
            )
            .expect("renders");
            out
        })
    });
    group.finish();
}

criterion_group!(benches, parse_and_render);
criterion_main!(benches);
