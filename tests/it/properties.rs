//! Properties of the pure parts, over generated input: what the user types (dates, accounts,
//! accounts files) never panics the parsers; split planning covers every date once in windows
//! the bank accepts and never sends more than 200 accounts; whatever bytes a bank sends, parsing
//! and rendering them never panics; amounts print with exactly the digits they need.

use std::str::FromStr;

use chrono::{Days, NaiveDate};
use proptest::prelude::*;
use rust_decimal::Decimal;
use treasury::bank::jpmorgan::LIMITS;
use treasury::bank::jpmorgan::{into_report, ResponseBody};
use treasury::cli::Format;
use treasury::model::{format_amount, format_amount_grouped, Report};
use treasury::output::{render, Document, TableStyle};
use treasury::query::{
    check_range, parse_account, parse_accounts_file, parse_date, plan, resolve_dates, windows,
    AccountRef, DateArgs, DateSpan,
};

const FIXTURE: &str = include_str!("../fixtures/jpm-mock-balances-44-accounts.json");

/// Text shaped like a date, including the far edges of the calendar and impossible days.
fn date_like() -> impl Strategy<Value = String> {
    prop_oneof![
        "[+-]?[0-9]{1,7}-[0-9]{1,3}-[0-9]{1,3}",
        "(2026|0000|9999|262143|-262144|\\+262143)-(0[1-9]|1[0-2]|13|00)-(0[1-9]|[12][0-9]|3[0-2])",
        " ?2026-0[1-9]-[0-3][0-9] ?",
    ]
}

/// Anything a user might type: arbitrary text, or text shaped like a date or a month.
fn typed() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        date_like(),
        "[+-]?[0-9]{1,7}-[0-9]{1,3}",
        "(262143|-262144|9999|0000)-(01|12|13|00)",
    ]
}

/// Any valid date between 2000-01-01 and 2100-12-31.
fn date_2000_2100() -> impl Strategy<Value = NaiveDate> {
    let first = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap();
    let last = NaiveDate::from_ymd_opt(2100, 12, 31).unwrap();
    (0..=(last - first).num_days() as u64).prop_map(move |d| first + Days::new(d))
}

/// A range in 2000–2100 whose ends are at most 400 days apart.
fn range() -> impl Strategy<Value = (NaiveDate, NaiveDate)> {
    (date_2000_2100(), 0u64..=400).prop_map(|(from, days)| (from, from + Days::new(days)))
}

fn span() -> impl Strategy<Value = DateSpan> {
    prop_oneof![
        Just(DateSpan::CurrentDay),
        Just(DateSpan::PriorDay),
        range().prop_map(|(from, to)| DateSpan::Range { from, to }),
    ]
}

/// What a valid account reference looks like once parsed.
fn is_valid_id(id: &str) -> bool {
    (1..=35).contains(&id.chars().count())
        && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

fn is_valid_ref(account: &AccountRef) -> bool {
    is_valid_id(&account.account_id) && account.bank_id.as_deref().is_none_or(is_valid_id)
}

/// Parses an answer the way the client does: nothing here may panic.
fn parse(bytes: &[u8]) -> Option<Report> {
    serde_json::from_slice::<ResponseBody>(bytes)
        .ok()
        .map(into_report)
}

/// Parses an answer and renders it in every format: nothing here may panic.
fn parse_and_render(bytes: &[u8]) {
    let Some(report) = parse(bytes) else {
        return;
    };
    for format in [Format::Table, Format::Csv, Format::Json, Format::Ndjson] {
        let mut out = Vec::new();
        render(
            &Document::Balances(&report),
            format,
            TableStyle::Plain,
            &mut out,
        )
        .expect("rendering into memory cannot fail");
    }
}

/// The byte ranges of the fixture's JSON number literals (amounts, decimalLocation, ...).
fn number_spans(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut spans = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b':' {
            let mut start = i + 1;
            while bytes.get(start) == Some(&b' ') {
                start += 1;
            }
            let mut end = start;
            while end < bytes.len() && matches!(bytes[end], b'-' | b'.' | b'0'..=b'9') {
                end += 1;
            }
            if end > start {
                spans.push((start, end));
            }
            i = end.max(i + 1);
        } else {
            i += 1;
        }
    }
    spans
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn parse_date_never_panics_and_round_trips(text in typed()) {
        if let Ok(date) = parse_date("--from", &text) {
            prop_assert_eq!(parse_date("--from", &date.to_string()).ok(), Some(date));
        }
    }

    #[test]
    fn parse_account_never_panics_and_accepts_only_valid_ids(
        text in prop_oneof![
            any::<String>(),
            "[ ]?[A-Za-z0-9/,\\-. ]{0,40}[ ]?",
            "[A-Z0-9]{0,36}/[0-9\\-]{0,36}",
        ]
    ) {
        if let Ok(account) = parse_account(&text) {
            prop_assert!(is_valid_ref(&account), "{:?} from {:?}", account, text);
            prop_assert_eq!(parse_account(&account.to_string()).ok(), Some(account));
        }
    }

    #[test]
    fn parse_accounts_file_never_panics_and_gives_valid_accounts(
        text in prop_oneof![
            any::<String>(),
            proptest::collection::vec(
                prop_oneof![
                    Just("account_id".to_string()),
                    Just("bank_id,account_id".to_string()),
                    Just("\u{feff}".to_string()),
                    Just("# comment".to_string()),
                    Just("\"a, b\"".to_string()),
                    "[A-Z0-9]{0,10}(/[0-9]{0,10})?",
                    "[A-Za-z0-9,\"/# \\-]{0,30}",
                ],
                0..12,
            )
            .prop_flat_map(|lines| {
                let n = lines.len();
                (Just(lines), proptest::collection::vec(
                    prop_oneof![Just("\n"), Just("\r\n"), Just(",")], n))
            })
            .prop_map(|(lines, ends)| {
                lines.iter().zip(ends).map(|(l, e)| format!("{l}{e}")).collect::<String>()
            }),
        ]
    ) {
        if let Ok(accounts) = parse_accounts_file("ids.txt", &text) {
            for account in &accounts {
                prop_assert!(is_valid_ref(account), "{:?} from {:?}", account, text);
            }
        }
    }

    #[test]
    fn resolve_dates_never_panics_and_gives_ordered_ranges(
        current in any::<bool>(),
        prior_day in any::<bool>(),
        from in proptest::option::of(typed()),
        to in proptest::option::of(typed()),
        month in proptest::option::weighted(0.3, typed()),
    ) {
        let args = DateArgs { current, prior_day, from, to, month };
        if let Ok(DateSpan::Range { from, to }) = resolve_dates(&args) {
            prop_assert!(from <= to, "{} > {}", from, to);
        }
    }

    #[test]
    fn windows_cover_every_date_once_in_order_within_the_limit((from, to) in range()) {
        let windows = windows(DateSpan::Range { from, to }, LIMITS.max_range_days);
        let mut covered = Vec::new();
        for window in &windows {
            let DateSpan::Range { from: start, to: end } = *window else {
                return Err(TestCaseError::fail(format!("not a range: {window:?}")));
            };
            prop_assert!(start <= end, "{:?}", window);
            prop_assert!((end - start).num_days() <= LIMITS.max_range_days as i64, "{:?}", window);
            prop_assert!(check_range(*window, &LIMITS).is_ok(), "{:?}", window);
            covered.extend(start.iter_days().take_while(|d| *d <= end));
        }
        let expected: Vec<NaiveDate> = from.iter_days().take_while(|d| *d <= to).collect();
        prop_assert_eq!(&covered, &expected);
        // As few windows as the limit allows: each holds up to 32 dates.
        prop_assert_eq!(windows.len(), expected.len().div_ceil(LIMITS.max_range_days as usize + 1));
    }

    #[test]
    fn relative_days_are_one_window(span in prop_oneof![Just(DateSpan::CurrentDay), Just(DateSpan::PriorDay)]) {
        prop_assert_eq!(windows(span, LIMITS.max_range_days), vec![span]);
    }

    #[test]
    fn split_plans_never_exceed_200_accounts_and_keep_every_account_in_order(
        span in span(),
        count in prop_oneof![0usize..=5, 195usize..=205, 0usize..=1000],
    ) {
        let accounts: Vec<AccountRef> = (0..count)
            .map(|i| AccountRef { bank_id: (i % 2 == 0).then(|| "B".to_string()), account_id: format!("A{i}") })
            .collect();
        let requests = plan(span, &accounts.clone().into(), true, &LIMITS).expect("a split plan always exists");
        let windows = windows(span, LIMITS.max_range_days);
        let batches = count.div_ceil(LIMITS.max_accounts).max(1);
        prop_assert_eq!(requests.len(), windows.len() * batches);
        // Batch-major: batch b's windows are requests b * windows .. (b + 1) * windows.
        for (w, window) in windows.iter().enumerate() {
            let mut sent = Vec::new();
            for request in requests.iter().skip(w).step_by(windows.len()) {
                prop_assert!(request.accounts.len() <= LIMITS.max_accounts);
                prop_assert_eq!(request.span, *window);
                prop_assert!(check_range(request.span, &LIMITS).is_ok());
                sent.extend(request.accounts.iter().cloned());
            }
            prop_assert_eq!(&sent, &accounts);
        }
    }

    #[test]
    fn amounts_print_exactly_with_the_digits_they_need(
        mantissa in any::<i64>(),
        scale in 0u32..=6,
        places in 0u32..=3,
        negate_zero in any::<bool>(),
    ) {
        let mut amount = Decimal::new(mantissa, scale);
        if mantissa == 0 && negate_zero {
            amount = -amount;
        }
        let text = format_amount(amount, places);
        let parsed = Decimal::from_str(&text).map_err(|e| TestCaseError::fail(format!("{text:?}: {e}")))?;
        prop_assert_eq!(parsed, amount, "{} printed as {:?}", amount, text);
        let fraction = text.split_once('.').map_or(0, |(_, f)| f.len());
        prop_assert_eq!(fraction, scale.max(places) as usize, "{:?}", text);
        let digits = text.strip_prefix('-').unwrap_or(&text);
        prop_assert!(digits.bytes().all(|b| b.is_ascii_digit() || b == b'.'), "{:?}", text);
        prop_assert!(!(amount.is_zero() && text.starts_with('-')), "negative zero {:?}", text);
    }
}

/// JSON shaped like an answer, with odd amounts (long, tiny, exponents) and decimalLocations.
const ODD_ANSWER: &str = "\\{\"accountList\":\\[\\{\"accountId\":\"[0-9]{1,3}\",\"currency\":\\{\"code\":\"[A-Z]{3}\",\"decimalLocation\":([0-9]|2[89]|3[0-9]|[0-9]{1,10})\\},\"balanceList\":\\[\\{\"asOfDate\":\"20[0-9]{2}-[01][0-9]-[0-3][0-9]\",\"openingAvailableAmount\":-?([0-9]{1,3}|[0-9]{1,32})(\\.([0-9]{0,3}|[0-9]{0,32}))?([eE][+-]?[0-9]{1,3})?,\"openingLedgerAmount\":1,\"endingAvailableAmount\":1,\"endingLedgerAmount\":1\\}\\]\\}\\]\\}";

/// Number literals to put in the fixture: long, tiny, with exponents, at the decimal limits.
fn odd_number() -> impl Strategy<Value = String> {
    prop_oneof![
        "-?[0-9]{1,40}(\\.[0-9]{0,40})?",
        "-?[0-9]{1,3}[eE][+-]?[0-9]{1,4}",
        "(79228162514264337593543950335|-79228162514264337593543950335|0\\.0000000000000000000000000001|4294967295|4294967296|-1)",
    ]
}

/// The fixture with some of its number literals replaced.
fn fixture_with_numbers(replacements: Vec<(proptest::sample::Index, String)>) -> String {
    let mut text = FIXTURE.to_string();
    for (index, number) in replacements {
        let spans = number_spans(&text);
        let (start, end) = spans[index.index(spans.len())];
        text.replace_range(start..end, &number);
    }
    text
}

fn number_replacements() -> impl Strategy<Value = Vec<(proptest::sample::Index, String)>> {
    proptest::collection::vec((any::<proptest::sample::Index>(), odd_number()), 1..6)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn any_bytes_as_an_answer_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        parse_and_render(&bytes);
    }

    #[test]
    fn any_json_shaped_answer_parses_without_panic(text in ODD_ANSWER) {
        parse(text.as_bytes());
    }

    #[test]
    fn fixture_with_other_numbers_parses_without_panic(replacements in number_replacements()) {
        parse(fixture_with_numbers(replacements).as_bytes());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn fixture_with_flipped_bytes_never_panics(
        flips in proptest::collection::vec((any::<proptest::sample::Index>(), any::<u8>()), 1..16)
    ) {
        let mut bytes = FIXTURE.as_bytes().to_vec();
        for (index, byte) in flips {
            let i = index.index(bytes.len());
            bytes[i] = byte;
        }
        parse_and_render(&bytes);
    }

    #[test]
    fn truncated_fixture_never_panics(cut in any::<proptest::sample::Index>()) {
        let bytes = FIXTURE.as_bytes();
        parse_and_render(&bytes[..cut.index(bytes.len())]);
    }
}

// Rendering what parses: these find the two bugs pinned by `faults.rs`
// (`table_totals_beyond_the_decimal_range_do_not_panic`, `decimal_location_above_28_does_not_panic`).
proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_json_shaped_answer_renders_without_panic(text in ODD_ANSWER) {
        parse_and_render(text.as_bytes());
    }

    #[test]
    fn fixture_with_other_numbers_renders_without_panic(replacements in number_replacements()) {
        parse_and_render(fixture_with_numbers(replacements).as_bytes());
    }

    #[test]
    fn any_amount_with_any_places_formats_without_panic(
        mantissa in any::<i64>(),
        scale in 0u32..=28,
        places in prop_oneof![0u32..=40, any::<u32>()],
    ) {
        let amount = Decimal::new(mantissa, scale);
        let text = format_amount(amount, places);
        let grouped = format_amount_grouped(amount, places);
        prop_assert_eq!(grouped.replace(',', ""), text);
    }
}
