//! Unit tests of the balance rows of the history store.

use super::*;
use crate::history::Recorder;
use std::str::FromStr;

fn row(id: &str, date: &str, ending: &str) -> BalanceRow {
    let d = |t: &str| Decimal::from_str(t).unwrap();
    BalanceRow {
        account: Arc::new(Account {
            account_id: id.into(),
            account_name: "Ops".into(),
            bank_id: "B1".into(),
            bank_name: "Bank".into(),
            branch_id: String::new(),
            currency: Currency {
                code: "USD".into(),
                decimal_places: 2,
            },
        }),
        balance: Balance {
            as_of_date: NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap(),
            current_day: false,
            opening_available: None,
            opening_ledger: Some(d("0.00")),
            ending_available: Some(d(ending)),
            ending_ledger: Some(d("9007199254740993.01")),
            record_timestamp: String::new(),
        },
    }
}

fn source() -> Source {
    Source {
        origin: "jpmorgan http://x".into(),
        profile: "p".into(),
        provider: "jpmorgan".into(),
        fetched_at: "2026-03-01T00:00:00Z".into(),
    }
}

#[test]
fn rows_come_back_exact_and_a_later_fetch_replaces() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.sqlite3");
    let mut recorder = Recorder::new(path.clone(), source());
    recorder.record(&[row("A", "2026-03-02", "5.10"), row("A", "2026-03-01", "4")]);
    recorder.record(&[row("A", "2026-03-02", "6.125")]);
    assert_eq!(recorder.finish(), None);
    let store = Store::open(&path).unwrap();
    let mut seen = Vec::new();
    store
        .each_row::<StoreError>(&Filter::default(), |r| {
            seen.push(r);
            Ok(())
        })
        .unwrap();
    assert_eq!(seen.len(), 2);
    assert_eq!(
        seen[0].row.balance.ending_available.unwrap().to_string(),
        "4"
    );
    assert_eq!(
        seen[1].row.balance.ending_available.unwrap().to_string(),
        "6.125"
    );
    assert_eq!(seen[1].amounts[0], None, "absent stays absent");
    assert_eq!(
        seen[1].amounts[3].unwrap().to_string(),
        "9007199254740993.01"
    );
    assert_eq!(seen[1].amounts[1].unwrap().to_string(), "0.00");
}

#[test]
fn an_unwritable_store_is_one_warning() {
    let dir = tempfile::tempdir().unwrap();
    let mut recorder = Recorder::new(dir.path().to_path_buf(), source());
    recorder.record(&[row("A", "2026-03-02", "5.10")]);
    let warning = recorder.finish().unwrap();
    assert!(
        warning.contains(&dir.path().display().to_string()),
        "{warning}"
    );
}

#[test]
fn a_store_of_the_first_schema_is_migrated_and_its_rows_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.sqlite3");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(super::super::schema::FIRST).unwrap();
        conn.execute_batch(
            "PRAGMA user_version = 1;
            INSERT INTO accounts VALUES (1, 'jpmorgan http://x', 'B1', 'A', 'Ops', 'Bank', '', 'USD', 2);
            INSERT INTO runs VALUES (1, 'p', 'jpmorgan', '2026-03-01T00:00:00Z');
            INSERT INTO balances VALUES (1, '2026-03-02', 0, 1, NULL, '0.00', '5.10', '9007199254740993.01', 'a\\b');
            INSERT INTO balances VALUES (1, '2026-03-02', 1, 1, '1', NULL, NULL, '2', '');
            INSERT INTO balances VALUES (1, '2026-03-01', 0, 1, NULL, NULL, '4', NULL, 'x
y');",
        )
        .unwrap();
    }
    let store = Store::open(&path).unwrap();
    let mut seen = Vec::new();
    store
        .each_row::<StoreError>(&Filter::default(), |r| {
            seen.push(r);
            Ok(())
        })
        .unwrap();
    let days: Vec<(String, bool)> = seen
        .iter()
        .map(|r| {
            (
                r.row.balance.as_of_date.to_string(),
                r.row.balance.current_day,
            )
        })
        .collect();
    assert_eq!(
        days,
        [
            ("2026-03-01".to_string(), false),
            ("2026-03-02".to_string(), false),
            ("2026-03-02".to_string(), true)
        ]
    );
    assert_eq!(seen[0].row.balance.record_timestamp, "x\ny");
    assert_eq!(seen[1].row.balance.record_timestamp, "a\\b");
    assert_eq!(seen[1].amounts[0], None, "absent stays absent");
    assert_eq!(seen[1].amounts[1].unwrap().to_string(), "0.00");
    assert_eq!(
        seen[1].amounts[3].unwrap().to_string(),
        "9007199254740993.01"
    );
    assert_eq!(seen[2].amounts[0].unwrap().to_string(), "1");
    assert_eq!(seen[0].profile, "p");
    assert_eq!(seen[0].origin, "jpmorgan http://x");
}

#[test]
fn a_span_that_holds_every_day_of_an_earlier_one_replaces_it_and_partial_ones_are_settled_when_read(
) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.sqlite3");
    let mut recorder = Recorder::new(path.clone(), source());
    recorder.record(&[row("A", "2026-03-01", "1"), row("A", "2026-03-02", "1")]);
    recorder.record(&[row("A", "2026-03-02", "2"), row("A", "2026-03-03", "2")]);
    recorder.record(&[row("A", "2026-03-01", "3"), row("A", "2026-03-02", "3")]);
    assert_eq!(recorder.finish(), None);
    let store = Store::open(&path).unwrap();
    let spans: i64 = store
        .conn
        .query_row("SELECT count(*) FROM balance_spans", [], |r| r.get(0))
        .unwrap();
    assert_eq!(spans, 2, "the first span's days are all in the third");
    let mut seen = Vec::new();
    store
        .each_row::<StoreError>(&Filter::default(), |r| {
            seen.push((
                r.row.balance.as_of_date.to_string(),
                r.row.balance.ending_available.unwrap().to_string(),
            ));
            Ok(())
        })
        .unwrap();
    let want = [
        ("2026-03-01", "3"),
        ("2026-03-02", "3"),
        ("2026-03-03", "2"),
    ];
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(d, a)| (d.to_string(), a.to_string()))
        .collect();
    assert_eq!(seen, want);
    // 03-01 and 03-02 go (03-02 was fetched twice: one row); 03-03 stays.
    assert_eq!(
        store
            .prune_before(NaiveDate::from_ymd_opt(2026, 3, 3).unwrap())
            .unwrap(),
        2
    );
    let mut left = 0;
    store
        .each_row::<StoreError>(&Filter::default(), |_| {
            left += 1;
            Ok(())
        })
        .unwrap();
    assert_eq!(left, 1);
}

#[test]
fn a_prune_waits_for_a_recording_run_that_holds_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.sqlite3");
    let mut recorder = Recorder::new(path.clone(), source());
    recorder.record(&[row("A", "2026-03-01", "1"), row("A", "2026-03-05", "2")]);
    assert_eq!(recorder.finish(), None);
    let store = Store::open(&path).unwrap();
    // Another run holds the write lock and commits a little later: a deferred transaction
    // would read, then fail at once on its write (SQLITE_BUSY) instead of waiting.
    let (held, wait_held) = std::sync::mpsc::channel();
    let other_path = path.clone();
    let other = std::thread::spawn(move || {
        let conn = rusqlite::Connection::open(other_path).unwrap();
        conn.execute_batch("BEGIN IMMEDIATE").unwrap();
        conn.execute(
            "INSERT INTO runs (profile, provider, fetched_at) VALUES ('q', 'jpmorgan', 'x')",
            [],
        )
        .unwrap();
        held.send(()).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(300));
        conn.execute_batch("COMMIT").unwrap();
    });
    wait_held.recv().unwrap();
    let pruned = store.prune_before(NaiveDate::from_ymd_opt(2026, 3, 3).unwrap());
    other.join().unwrap();
    assert_eq!(pruned.unwrap(), 1);
}

#[test]
fn a_row_dated_past_year_9999_is_refused_and_named_never_stored_as_another_date() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.sqlite3");
    let mut far = row("FAR", "2026-03-01", "1");
    far.balance.as_of_date = NaiveDate::from_ymd_opt(10000, 3, 1).unwrap();
    let mut recorder = Recorder::new(path.clone(), source());
    recorder.record(&[row("A", "2026-03-01", "2"), far.clone(), far]);
    let warning = recorder.finish().expect("a warning naming the refused row");
    assert!(warning.contains("account FAR"), "{warning}");
    assert!(warning.contains("+10000-03-01"), "{warning}");
    assert!(warning.contains("and 1 other"), "{warning}");
    assert!(warning.contains("report itself is complete"), "{warning}");
    let store = Store::open(&path).unwrap();
    let mut seen = Vec::new();
    store
        .each_row::<StoreError>(&Filter::default(), |r| {
            seen.push((r.row.account.account_id.clone(), r.row.balance.as_of_date));
            Ok(())
        })
        .unwrap();
    let kept = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    assert_eq!(seen, vec![("A".to_string(), kept)]);
}

#[test]
fn record_timestamps_with_line_ends_and_backslashes_come_back_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.sqlite3");
    let stamps = ["2026-03-01T09:00:00Z\r", "a\\r\nb\r\\", "\r\n"];
    let rows: Vec<BalanceRow> = stamps
        .iter()
        .zip(["2026-03-01", "2026-03-02", "2026-03-03"])
        .map(|(stamp, date)| {
            let mut r = row("A", date, "1");
            r.balance.record_timestamp = stamp.to_string();
            r
        })
        .collect();
    let mut recorder = Recorder::new(path.clone(), source());
    recorder.record(&rows);
    assert_eq!(recorder.finish(), None);
    let mut seen = Vec::new();
    Store::open(&path)
        .unwrap()
        .each_row::<StoreError>(&Filter::default(), |r| {
            seen.push(r.row.balance.record_timestamp.clone());
            Ok(())
        })
        .unwrap();
    assert_eq!(seen, stamps);
}
