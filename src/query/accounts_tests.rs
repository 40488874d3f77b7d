//! Unit tests of accounts, accounts files, aliases, groups and planning.

use super::tests::{acct, date, message, range};
use std::collections::HashMap;

use super::*;
use crate::bank::jpmorgan::LIMITS;

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
    // `/ID`: an id as typed, with no bank id (the documented escape for lower-case ids).
    assert_eq!(parse_account("/chk-1001").unwrap(), acct(None, "chk-1001"));
}

#[test]
fn account_id_syntax_is_checked() {
    let long = "1".repeat(36);
    let cases = [
        ("", "is empty"),
        ("02100002/", "account id in '02100002/' is empty"),
        ("/", "account id in '/' is empty"),
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
    check_account_count(200, &LIMITS).unwrap();
    let text = message(check_account_count(201, &LIMITS).unwrap_err());
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
        text.contains("unknown account alias 'ops-eur'") && text.contains("known aliases: ops-usd"),
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
    assert!(plan(DateSpan::PriorDay, &list(&many), false, &LIMITS).is_err());
    assert!(plan(
        range("2026-01-01", "2026-03-31"),
        &list(&[]),
        false,
        &LIMITS
    )
    .is_err());
    let one = plan(DateSpan::PriorDay, &list(&many[..200]), false, &LIMITS).unwrap();
    assert_eq!(one.len(), 1);
    assert_eq!(one[0].accounts.len(), 200);
}

#[test]
fn ninety_days_split_into_three_windows_covering_each_date_once() {
    let span = range("2026-01-01", "2026-03-31");
    let windows = windows(span, LIMITS.max_range_days);
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
        check_range(*window, &LIMITS).unwrap();
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
    let requests = plan(DateSpan::PriorDay, &list(&many), true, &LIMITS).unwrap();
    let sizes: Vec<usize> = requests.iter().map(|r| r.accounts.len()).collect();
    assert_eq!(sizes, vec![200, 200, 50]);
    let both = plan(
        range("2026-01-01", "2026-03-31"),
        &list(&many),
        true,
        &LIMITS,
    )
    .unwrap();
    assert_eq!(both.len(), 9);
    // Batch-major: a batch's three windows together, in date order.
    assert_eq!(both[1].span, range("2026-02-02", "2026-03-05"));
    assert_eq!(both[1].accounts[0], acct(None, "0"));
    assert_eq!(both[3].span, range("2026-01-01", "2026-02-01"));
    assert_eq!(both[3].accounts[0], acct(None, "200"));
}

fn list(accounts: &[AccountRef]) -> AccountList {
    AccountList::from(accounts)
}

#[test]
fn batches_share_the_one_list_of_accounts() {
    let many = list(
        &(0..450)
            .map(|i| acct(None, &i.to_string()))
            .collect::<Vec<_>>(),
    );
    let requests = plan(range("2026-01-01", "2026-03-31"), &many, true, &LIMITS).unwrap();
    // The list itself, one per request: no batch holds a copy of its accounts.
    assert_eq!(std::sync::Arc::strong_count(&many), 1 + requests.len());
    let starts: Vec<usize> = requests.iter().map(|r| r.accounts.start()).collect();
    assert_eq!(starts, vec![0, 0, 0, 200, 200, 200, 400, 400, 400]);
    assert_eq!(requests[6].accounts[..], many[400..]);
}

#[test]
fn duplicates_keep_the_first_place_and_are_named_in_order() {
    let given = vec![
        acct(None, "3"),
        acct(Some("B"), "1"),
        acct(None, "3"),
        acct(None, "2"),
        acct(Some("B"), "1"),
        acct(None, "3"),
    ];
    let args = AccountArgs {
        named: Vec::new(),
        from_file: given,
    };
    let selection = select_accounts_from(args.clone(), &AccountBook::default()).unwrap();
    assert_eq!(
        selection.accounts,
        vec![acct(None, "3"), acct(Some("B"), "1"), acct(None, "2")]
    );
    assert_eq!(
        selection.duplicates,
        vec![acct(None, "3"), acct(Some("B"), "1"), acct(None, "3")]
    );
    assert_eq!(
        select_accounts(&args, &AccountBook::default()).unwrap(),
        selection
    );
}
